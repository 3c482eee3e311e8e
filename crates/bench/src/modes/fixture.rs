//! The keys both daemon modes use, created once per run through the published client (so a
//! run against the original Parsec with `--endpoint` works too), and destroyed at the end.

use std::path::{Path, PathBuf};

use anyhow::Context;
use parsec_client::BasicClient;
use parsec_client::core::interface::operations::psa_key_attributes::Attributes;
use psc_wire::ProviderId;

use super::published::{self, aes_key, client, ecdsa, ecdsa_key, rsa_key};
use super::{Availability, Failure};
use crate::case::{Case, HASH, KeyNames};

/// A daemon prepared for the benchmark: its socket, the keys created in it, and which cases
/// its provider does not support.
#[derive(Debug)]
pub(crate) struct Fixture {
    socket: PathBuf,
    names: KeyNames,
    provider: ProviderId,
    signature: Vec<u8>,
    unsupported: Vec<Case>,
    created: Vec<String>,
}

impl Fixture {
    /// Creates the ECDSA, RSA and AES keys `cases` use in the daemon on `socket`, and one
    /// ECDSA signature for the verify case. A key type the provider does not support marks
    /// its cases "n/a".
    ///
    /// # Errors
    /// When the daemon cannot be reached or fails for another reason than "not supported".
    pub(crate) fn create(
        socket: &Path,
        names: KeyNames,
        cases: &[Case],
    ) -> anyhow::Result<Fixture> {
        let client = client(socket)
            .with_context(|| format!("cannot reach the service on {}", socket.display()))?;
        let provider = ProviderId::from_code(client.implicit_provider() as u8)
            .context("the service's default provider has an unknown id")?;
        let mut fixture = Fixture {
            socket: socket.to_owned(),
            names,
            provider,
            signature: Vec::new(),
            unsupported: Vec::new(),
            created: Vec::new(),
        };
        let ecdsa_used = cases.contains(&Case::EcdsaSign) || cases.contains(&Case::EcdsaVerify);
        if ecdsa_used {
            fixture.key(&client, Case::EcdsaSign, ecdsa_key())?;
        }
        if cases.contains(&Case::RsaSign) {
            fixture.key(&client, Case::RsaSign, rsa_key())?;
        }
        if cases.contains(&Case::AesGcm) {
            fixture.key(&client, Case::AesGcm, aes_key())?;
        }
        if !ecdsa_used {
            // No ECDSA case planned: no signature to check.
        } else if fixture.unsupported.contains(&Case::EcdsaSign) {
            fixture.unsupported.push(Case::EcdsaVerify);
        } else {
            let name = fixture.names.fixed(Case::EcdsaSign).unwrap_or_default();
            fixture.signature = client
                .psa_sign_hash(&name, &HASH, ecdsa())
                .context("signing the hash the verify case checks")?;
        }
        Ok(fixture)
    }

    /// Generates the key `case` uses, or records that the provider does not support it.
    fn key(
        &mut self,
        client: &BasicClient,
        case: Case,
        attributes: Attributes,
    ) -> anyhow::Result<()> {
        let name = self.names.fixed(case).unwrap_or_default();
        match client
            .psa_generate_key(&name, attributes)
            .map_err(published::failure)
        {
            Ok(()) => self.created.push(name),
            Err(Failure::NotSupported) => self.unsupported.push(case),
            Err(error) => anyhow::bail!("cannot create the key {name}: {error}"),
        }
        Ok(())
    }

    /// Destroys the keys this run created.
    pub(crate) fn remove(self) {
        let Ok(client) = client(&self.socket) else {
            eprintln!("psc-bench: cannot reach the service to destroy the benchmark keys");
            return;
        };
        for name in &self.created {
            if let Err(error) = client.psa_destroy_key(name) {
                eprintln!("psc-bench: cannot destroy the key {name}: {error}");
            }
        }
    }

    /// How many keys this run created.
    pub(crate) fn created(&self) -> usize {
        self.created.len()
    }

    /// Whether `case` can run against this daemon.
    pub(crate) fn availability(&self, case: Case) -> Availability {
        if case.in_process_only() {
            Availability::Meaningless
        } else if self.unsupported.contains(&case) {
            Availability::NotSupported
        } else {
            Availability::Yes
        }
    }

    /// The daemon's socket.
    pub(crate) fn socket(&self) -> &Path {
        &self.socket
    }

    /// The provider the published client chose (the first one the service lists).
    pub(crate) fn provider(&self) -> ProviderId {
        self.provider
    }

    /// The key names of this run.
    pub(crate) fn names(&self) -> &KeyNames {
        &self.names
    }

    /// A valid signature of [`HASH`] by the ECDSA key.
    pub(crate) fn signature(&self) -> &[u8] {
        &self.signature
    }
}
