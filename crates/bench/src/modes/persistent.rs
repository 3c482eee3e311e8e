//! Mode `persistent`: our wire codec on one connection per thread, kept open across requests
//! with `FLAG_KEEP_ALIVE` (see `crate::sender`).

use std::path::Path;

use anyhow::Context;
use psc_psa::SecretBytes;
use psc_wire::ops::{
    AeadEncryptRequest, DestroyKeyRequest, GenerateKeyRequest, GenerateRandomRequest,
    ListKeysRequest, PingRequest, SignHashRequest, VerifyHashRequest,
};
use psc_wire::{ProviderId, Request, Status};

use super::psa::{ecdsa, ecdsa_key, gcm, rsa_pkcs1};
use super::{Availability, Driver, Failure, Fixture, Session};
use crate::case::{Case, HASH, Mode, NONCE, PLAINTEXT_LEN, RANDOM_LEN};
use crate::sender::{SendError, Sender};

/// The persistent-connection mode over a prepared daemon.
#[derive(Debug)]
pub(crate) struct Persistent<'a> {
    fixture: &'a Fixture,
}

impl Persistent<'_> {
    /// The mode over `fixture`'s daemon and keys. Warns when the service does not keep
    /// connections open (then every request reconnects, as with the published client).
    ///
    /// # Errors
    /// When the service cannot be reached.
    pub(crate) fn new(fixture: &Fixture) -> anyhow::Result<Persistent<'_>> {
        let mut probe = Sender::connect(fixture.socket()).context("connecting")?;
        probe
            .call(ProviderId::Core, &Request::Ping(PingRequest))
            .map_err(|e| anyhow::anyhow!("ping with keep-alive: {e}"))?;
        if !probe.is_open() {
            eprintln!(
                "psc-bench: the service closes connections despite FLAG_KEEP_ALIVE: the \
                 persistent mode reconnects for every request"
            );
        }
        Ok(Persistent { fixture })
    }
}

impl Driver for Persistent<'_> {
    fn mode(&self) -> Mode {
        Mode::Persistent
    }

    fn availability(&self, case: Case) -> Availability {
        self.fixture.availability(case)
    }

    fn session(&self, thread: usize) -> Result<Box<dyn Session + '_>, Failure> {
        let names = self.fixture.names();
        Ok(Box::new(PersistentSession {
            sender: Sender::connect(self.fixture.socket()).map_err(Failure::other)?,
            provider: self.fixture.provider(),
            ecdsa: names.fixed(Case::EcdsaSign).unwrap_or_default(),
            rsa: names.fixed(Case::RsaSign).unwrap_or_default(),
            aes: names.fixed(Case::AesGcm).unwrap_or_default(),
            transient: names.transient(Mode::Persistent, thread),
            signature: self.fixture.signature(),
        }))
    }
}

/// One thread's connection and inputs.
struct PersistentSession<'a> {
    sender: Sender,
    provider: ProviderId,
    ecdsa: String,
    rsa: String,
    aes: String,
    transient: String,
    signature: &'a [u8],
}

impl PersistentSession<'_> {
    /// The request of one op (two for generate+destroy: this is the first).
    fn request(&self, case: Case) -> Request {
        match case {
            Case::Ping => Request::Ping(PingRequest),
            Case::EcdsaSign => sign(&self.ecdsa, ecdsa()),
            Case::RsaSign => sign(&self.rsa, rsa_pkcs1()),
            Case::EcdsaVerify => Request::PsaVerifyHash(VerifyHashRequest {
                key_name: self.ecdsa.clone(),
                alg: ecdsa(),
                hash: HASH.to_vec(),
                signature: self.signature.to_vec(),
            }),
            Case::AesGcm => Request::PsaAeadEncrypt(AeadEncryptRequest {
                key_name: self.aes.clone(),
                alg: gcm(),
                nonce: NONCE.to_vec(),
                additional_data: Vec::new(),
                plaintext: SecretBytes::new(vec![0x42; PLAINTEXT_LEN]),
            }),
            Case::Random => Request::PsaGenerateRandom(GenerateRandomRequest {
                size: RANDOM_LEN as u64,
            }),
            Case::GenerateDestroy => Request::PsaGenerateKey(GenerateKeyRequest {
                key_name: self.transient.clone(),
                attributes: ecdsa_key(),
            }),
            Case::ListKeys => Request::ListKeys(ListKeysRequest),
        }
    }

    fn call(&mut self, provider: ProviderId, request: &Request) -> Result<(), Failure> {
        match self.sender.call(provider, request) {
            Ok(_) => Ok(()),
            Err(SendError::Status(Status::PsaErrorNotSupported)) => Err(Failure::NotSupported),
            Err(error) => Err(Failure::other(error)),
        }
    }
}

impl Session for PersistentSession<'_> {
    fn run(&mut self, case: Case) -> Result<(), Failure> {
        let provider = match case {
            Case::Ping | Case::ListKeys => ProviderId::Core,
            _ => self.provider,
        };
        self.call(provider, &self.request(case))?;
        if case == Case::GenerateDestroy {
            let destroy = Request::PsaDestroyKey(DestroyKeyRequest {
                key_name: self.transient.clone(),
            });
            self.call(provider, &destroy)?;
        }
        Ok(())
    }
}

fn sign(key_name: &str, alg: psc_psa::AsymmetricSignature) -> Request {
    Request::PsaSignHash(SignHashRequest {
        key_name: key_name.to_owned(),
        alg,
        hash: HASH.to_vec(),
    })
}

/// Opens `count` connections to the service on `path`, each kept open after one ping, so
/// the service holds them all: for measuring its memory with many clients connected.
///
/// # Errors
/// When a connection fails or the service does not keep it.
pub(crate) fn hold_connections(path: &Path, count: usize) -> anyhow::Result<Vec<Sender>> {
    let mut held = Vec::with_capacity(count);
    for n in 0..count {
        let mut sender = Sender::connect(path).with_context(|| format!("connection {n}"))?;
        sender
            .call(ProviderId::Core, &Request::Ping(PingRequest))
            .map_err(|e| anyhow::anyhow!("ping on connection {n}: {e}"))?;
        anyhow::ensure!(sender.is_open(), "the service closed connection {n}");
        held.push(sender);
    }
    Ok(held)
}
