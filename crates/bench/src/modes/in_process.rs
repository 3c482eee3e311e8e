//! Mode `in-process`: the software provider called directly through the provider API, with
//! no service, no socket and no key store: the limit the service can approach. The provider
//! keeps parsed keys as it does in the service (`key_cache_size`, by default 256; 0 here makes
//! every op unseal and parse its key). Beside it, the limit of the provider's sign cases:
//! aws-lc-rs signing with a key it parsed once (`limit.rs`).

use anyhow::Context;
use psc_provider_api::{Binding, KeyRef, NewKey, Provider, ProviderError};
use psc_provider_software::SoftwareProvider;
use psc_psa::Attributes;

use super::limit::ParsedKeys;
use super::psa::{aes_key, ecdsa, ecdsa_key, gcm, rsa_key, rsa_pkcs1};
use super::{Availability, Driver, Failure, Session};
use crate::case::{Case, HASH, Mode, NONCE, PLAINTEXT_LEN, RANDOM_LEN};

/// What the provider binds sealed keys to (the service passes owner and name).
const BINDING: Binding<'static> = Binding(b"psc-bench/in-process");

/// The software provider with its master key in a temporary directory, and the keys made
/// once for the whole run.
#[derive(Debug)]
pub(crate) struct InProcess {
    provider: SoftwareProvider,
    keys: Vec<(Case, NewKey)>,
    unsupported: Vec<Case>,
    signature: Vec<u8>,
    parsed: ParsedKeys,
    _dir: tempfile::TempDir,
}

impl InProcess {
    /// Opens the provider on a fresh master key, keeping up to `key_cache_size` parsed keys,
    /// and generates the ECDSA, RSA and AES keys; a key type it does not support marks its
    /// cases "n/a".
    ///
    /// # Errors
    /// When the master key cannot be created or a key fails for another reason.
    pub(crate) fn open(key_cache_size: usize) -> anyhow::Result<InProcess> {
        let dir = tempfile::tempdir().context("a temporary directory")?;
        let provider = SoftwareProvider::open_for_store(
            &dir.path().join("psc-master.key"),
            true,
            key_cache_size,
        )
        .context("opening the software provider")?;
        let mut this = InProcess {
            provider,
            keys: Vec::new(),
            unsupported: Vec::new(),
            signature: Vec::new(),
            parsed: ParsedKeys::generate()?,
            _dir: dir,
        };
        this.generate(Case::EcdsaSign, &ecdsa_key())?;
        this.generate(Case::RsaSign, &rsa_key())?;
        this.generate(Case::AesGcm, &aes_key())?;
        match this.sign(Case::EcdsaSign) {
            Ok(signature) => this.signature = signature,
            Err(Failure::NotSupported) => this.unsupported.push(Case::EcdsaVerify),
            Err(error) => anyhow::bail!("signing the hash the verify case checks: {error}"),
        }
        Ok(this)
    }

    fn generate(&mut self, case: Case, attributes: &Attributes) -> anyhow::Result<()> {
        let lifecycle = self.provider.key_lifecycle().context("no key lifecycle")?;
        match lifecycle.generate(attributes, BINDING).map_err(failure) {
            Ok(key) => self.keys.push((case, key)),
            Err(Failure::NotSupported) => self.unsupported.push(case),
            Err(error) => anyhow::bail!("generating the {case} key: {error}"),
        }
        Ok(())
    }

    /// The long-lived key of `case`.
    fn key(&self, case: Case) -> Result<KeyRef<'_>, Failure> {
        let case = if case == Case::EcdsaVerify {
            Case::EcdsaSign
        } else {
            case
        };
        let (_, key) = self
            .keys
            .iter()
            .find(|(c, _)| *c == case)
            .ok_or(Failure::NotSupported)?;
        Ok(KeyRef {
            attributes: &key.attributes,
            blob: &key.blob,
        })
    }

    fn sign(&self, case: Case) -> Result<Vec<u8>, Failure> {
        let signer = self.provider.sign_hash().ok_or(Failure::NotSupported)?;
        let alg = if case == Case::RsaSign {
            rsa_pkcs1()
        } else {
            ecdsa()
        };
        signer
            .sign_hash(self.key(case)?, BINDING, alg, &HASH)
            .map_err(failure)
    }

    fn verify(&self) -> Result<(), Failure> {
        let signer = self.provider.sign_hash().ok_or(Failure::NotSupported)?;
        let key = self.key(Case::EcdsaVerify)?;
        signer
            .verify_hash(key, BINDING, ecdsa(), &HASH, &self.signature)
            .map_err(failure)
    }

    fn encrypt(&self, plaintext: &[u8]) -> Result<(), Failure> {
        let aead = self.provider.aead().ok_or(Failure::NotSupported)?;
        let key = self.key(Case::AesGcm)?;
        aead.encrypt(key, BINDING, gcm(), &NONCE, &[], plaintext)
            .map(drop)
            .map_err(failure)
    }

    fn random(&self) -> Result<(), Failure> {
        let random = self.provider.random().ok_or(Failure::NotSupported)?;
        random.fill(&mut [0u8; RANDOM_LEN]).map_err(failure)
    }

    /// Generates a key and destroys it: the crypto of generate+destroy, without the store.
    fn generate_destroy(&self) -> Result<(), Failure> {
        let lifecycle = self.provider.key_lifecycle().ok_or(Failure::NotSupported)?;
        let key = lifecycle.generate(&ecdsa_key(), BINDING).map_err(failure)?;
        let key = KeyRef {
            attributes: &key.attributes,
            blob: &key.blob,
        };
        lifecycle.destroy(key).map_err(failure)
    }
}

impl Driver for InProcess {
    fn mode(&self) -> Mode {
        Mode::InProcess
    }

    fn availability(&self, case: Case) -> Availability {
        if matches!(case, Case::Ping | Case::ListKeys) {
            Availability::Meaningless
        } else if self.unsupported.contains(&case) {
            Availability::NotSupported
        } else {
            Availability::Yes
        }
    }

    fn session(&self, _thread: usize) -> Result<Box<dyn Session + '_>, Failure> {
        Ok(Box::new(InProcessSession {
            driver: self,
            plaintext: vec![0x42; PLAINTEXT_LEN],
        }))
    }
}

/// One thread's handle on the shared provider.
struct InProcessSession<'a> {
    driver: &'a InProcess,
    plaintext: Vec<u8>,
}

impl Session for InProcessSession<'_> {
    fn run(&mut self, case: Case) -> Result<(), Failure> {
        let driver = self.driver;
        match case {
            Case::Ping | Case::ListKeys => Err(Failure::other("there is no service here")),
            Case::EcdsaSign | Case::RsaSign => driver.sign(case).map(drop),
            Case::EcdsaVerify => driver.verify(),
            Case::AesGcm => driver.encrypt(&self.plaintext),
            Case::Random => driver.random(),
            Case::GenerateDestroy => driver.generate_destroy(),
            Case::EcdsaSignParsed => driver.parsed.sign_ecdsa(),
            Case::RsaSignParsed => driver.parsed.sign_rsa(),
        }
    }
}

fn failure(error: ProviderError) -> Failure {
    match error {
        ProviderError::NotSupported(_) => Failure::NotSupported,
        other => Failure::other(other),
    }
}
