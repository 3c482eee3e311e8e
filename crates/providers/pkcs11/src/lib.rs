//! The PKCS#11 provider: keys held on a hardware security module, a smart card or any token
//! with a Cryptoki library, loaded at run time through the `cryptoki` crate.
//!
//! It is configured as the original Parsec's PKCS#11 provider is (`provider_type =
//! "Pkcs11"`, provider id 2; `library_path`, `serial_number` or `slot_number`, `user_pin` in
//! the `str:`/`hex:` forms, `software_public_operations`, `allow_export`), and parses those
//! options itself, strictly.
//!
//! Every key is token objects (a private and a public key sharing a random CKA_ID; a public
//! key alone is one object), created sensitive and non-extractable unless the key has the
//! export usage flag. The blob the service stores names the CKA_ID, binds the key to its
//! owner and keeps its public part (`blob.rs`). Because the objects live outside the store,
//! creation is planned first (the CKA_ID drawn and recorded by the service before anything
//! is made) and destruction of an object already gone succeeds.
//!
//! What the token supports decides what is offered: the mechanism list and key-size ranges
//! are read at start, and the hashes OAEP and PSS accept are probed (`mechanisms.rs`);
//! CanDoCrypto and each operation answer from that one snapshot (`can_do.rs`), and an
//! algorithm the token lacks is `NotSupported` before any token call.
//!
//! | family | keys | algorithms |
//! |---|---|---|
//! | RSA | 2048 bits and up, within the token's range; generated or imported (pair or public) | PKCS#1 v1.5 and PSS signatures (SHA-224/256/384/512), PKCS#1 v1.5 and OAEP encryption |
//! | EC | SECP-R1 256/384/521; generated or imported | ECDSA (randomized, and any-hash), output `r ‖ s`; raw ECDH |
//! | AES | 128/192/256 (the token's range); generated or imported | AES-GCM, default and shortened tags |
//! | HMAC | generic secrets; generated or imported | HMAC with SHA-1/224/256/384/512 (key sizes as the token's mechanisms take), truncated MACs |
//! | — | — | random bytes |
//!
//! | file | concern |
//! |---|---|
//! | `options.rs` | the provider's options |
//! | `token.rs` | the library, the slot, the session pool and the login |
//! | `mechanisms.rs` | what the token can do, read at start |
//! | `can_do.rs` | the support predicates and CanDoCrypto |
//! | `cost.rs` | where each request runs (short device work or slow) |
//! | `blob.rs` | the stored blob |
//! | `objects.rs` | object templates and lookups |
//! | `keys.rs` | key lifecycle |
//! | `sign.rs`, `crypt.rs`, `agreement.rs` | signatures, asymmetric encryption, ECDH |
//! | `symmetric.rs` | AES-GCM and HMAC |
//! | `public.rs` | verification and encryption in process (`software_public_operations`) |
//! | `rsa.rs`, `ec.rs` | key formats |
//! | `error.rs` | token errors, with the function and its `CKR_` value |

use psc_provider_api::{
    AeadCrypt, AsymmetricCrypt, Check, Cost, KeyLifecycle, MacCompute, OpenError, Operation,
    Provider, ProviderError, ProviderInfo, ProviderOptions, RandomSource, RawAgreement, SignHash,
    SignMessage,
};
use psc_psa::Attributes;
use uuid::Uuid;

mod agreement;
mod blob;
mod can_do;
mod cost;
mod crypt;
mod ec;
mod error;
mod keys;
mod mechanisms;
mod objects;
mod options;
mod public;
mod rsa;
mod sign;
mod symmetric;
mod token;

pub use error::TokenError;

use error::failure;
use mechanisms::Mechanisms;
use options::Options;
use token::Token;

/// This implementation's UUID in ListProviders (our own, fixed).
pub const PKCS11_PROVIDER_UUID: Uuid = Uuid::from_u128(0x5c7e_2d4a_8b31_4f0e_9a61_3d2b_7c11_0a02);

/// The provider: one token, its sessions, and what it can do.
#[derive(Debug)]
pub struct Pkcs11Provider {
    token: Token,
    mechanisms: Mechanisms,
    allow_export: bool,
    /// Verify and encrypt in process with the blob's public key (`public.rs`).
    software_public_operations: bool,
}

impl Pkcs11Provider {
    /// The provider its `[[provider]]` table describes: loads the library (once per
    /// process), finds the token, logs in and reads what the token can do.
    ///
    /// # Errors
    /// [`OpenError::Failed`] saying what is wrong: an option (naming it and its line), a
    /// library that does not load, no token with that serial number or slot, a wrong PIN,
    /// a token that does not answer. Never the PIN.
    pub fn from_options(options: &ProviderOptions) -> Result<Pkcs11Provider, OpenError> {
        let options = Options::parse(options)?;
        let token = Token::open(&options)?;
        let mechanisms = Mechanisms::read(&token)
            .map_err(|e| OpenError::Failed(format!("token {}: {}", token.name, error_chain(&e))))?;
        Ok(Pkcs11Provider {
            token,
            mechanisms,
            allow_export: options.allow_export,
            software_public_operations: options.software_public_operations,
        })
    }

    /// The token, as messages name it: label, serial number and slot.
    pub fn token_name(&self) -> &str {
        &self.token.name
    }
}

/// An error and its causes, for a start-up message.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl Provider for Pkcs11Provider {
    fn info(&self) -> ProviderInfo {
        ProviderInfo {
            uuid: PKCS11_PROVIDER_UUID,
            description: "PKCS#11 provider: keys on a token through its Cryptoki library".into(),
            vendor: "psc".into(),
            version: (0, 1, 0),
        }
    }

    fn key_lifecycle(&self) -> Option<&dyn KeyLifecycle> {
        Some(self)
    }

    fn sign_hash(&self) -> Option<&dyn SignHash> {
        Some(self)
    }

    fn sign_message(&self) -> Option<&dyn SignMessage> {
        Some(self)
    }

    fn asymmetric_crypt(&self) -> Option<&dyn AsymmetricCrypt> {
        Some(self)
    }

    fn aead(&self) -> Option<&dyn AeadCrypt> {
        Some(self)
    }

    fn mac(&self) -> Option<&dyn MacCompute> {
        Some(self)
    }

    fn key_agreement(&self) -> Option<&dyn RawAgreement> {
        Some(self)
    }

    fn random(&self) -> Option<&dyn RandomSource> {
        Some(self)
    }

    /// Every request may wait for the token: short device work, but key generation and
    /// large RSA keys are slow (`cost.rs`).
    fn cost(&self, operation: Operation, key: Option<&Attributes>) -> Cost {
        cost::cost(operation, key)
    }

    fn can_do(&self, check: Check, attributes: &Attributes) -> Result<(), ProviderError> {
        can_do::can_do(&self.mechanisms, check, attributes)
    }
}

impl RandomSource for Pkcs11Provider {
    fn fill(&self, out: &mut [u8]) -> Result<(), ProviderError> {
        if out.is_empty() {
            return Ok(());
        }
        self.token.with_session(|session| {
            session
                .generate_random_slice(out)
                .map_err(|e| failure("drawing random bytes", &e))
        })
    }
}
