//! What the token can do, read once when the provider starts: the mechanisms it has, the key
//! sizes each mechanism takes, and (because no list says so) which hashes its OAEP and PSS
//! mechanisms accept, found by trying each with a throw-away session public key. CanDoCrypto
//! and every operation answer from this one snapshot, so they always agree.

use std::collections::HashMap;

use cryptoki::error::RvError;
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsOaepParams, PkcsOaepSource, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, KeyType as CkKeyType, ObjectClass};
use cryptoki::session::Session;
use psc_provider_api::ProviderError;
use psc_psa::Hash;

use crate::error::{failure, rv_of};
use crate::token::Token;

/// The hashes PKCS#11 names for OAEP and PSS parameters.
pub(crate) const PARAMETER_HASHES: [Hash; 5] = [
    Hash::Sha1,
    Hash::Sha224,
    Hash::Sha256,
    Hash::Sha384,
    Hash::Sha512,
];

/// The mechanisms this provider uses.
const USED: [MechanismType; 15] = [
    MechanismType::RSA_PKCS_KEY_PAIR_GEN,
    MechanismType::RSA_PKCS,
    MechanismType::RSA_PKCS_PSS,
    MechanismType::RSA_PKCS_OAEP,
    MechanismType::ECC_KEY_PAIR_GEN,
    MechanismType::ECDSA,
    MechanismType::ECDH1_DERIVE,
    MechanismType::AES_KEY_GEN,
    MechanismType::AES_GCM,
    MechanismType::GENERIC_SECRET_KEY_GEN,
    MechanismType::SHA1_HMAC,
    MechanismType::SHA224_HMAC,
    MechanismType::SHA256_HMAC,
    MechanismType::SHA384_HMAC,
    MechanismType::SHA512_HMAC,
];

/// A mechanism's key-size range, in bits (bytes for AES and HMAC, as PKCS#11 says).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sizes {
    pub(crate) min: u32,
    pub(crate) max: u32,
}

impl Sizes {
    pub(crate) fn contains(self, bits: u32) -> bool {
        self.min <= bits && bits <= self.max
    }
}

/// The token's capabilities.
#[derive(Clone, Debug, Default)]
pub(crate) struct Mechanisms {
    /// By `CK_MECHANISM_TYPE` value.
    available: HashMap<u64, Sizes>,
    /// Hashes `CKM_RSA_PKCS_OAEP` accepts (with MGF1 of the same hash).
    pub(crate) oaep_hashes: Vec<Hash>,
    /// Whether OAEP takes a label (SoftHSM2 2.6.1 refuses any: `CKR_ARGUMENTS_BAD`).
    pub(crate) oaep_label: bool,
    /// Hashes `CKM_RSA_PKCS_PSS` accepts (with MGF1 of the same hash).
    pub(crate) pss_hashes: Vec<Hash>,
}

impl Mechanisms {
    /// Reads the token's list and probes its OAEP and PSS hashes.
    ///
    /// # Errors
    /// A failure naming the call when the token does not answer.
    pub(crate) fn read(token: &Token) -> Result<Mechanisms, ProviderError> {
        let context = token.context();
        let slot = token.slot().ok_or_else(|| {
            ProviderError::Other("the token was lost while its mechanisms were read".into())
        })?;
        // Each mechanism used here is asked about by name: reading the whole list would
        // have cryptoki log an error for every mechanism it has no name for.
        let mut available = HashMap::new();
        for mechanism in USED {
            let info = match context.get_mechanism_info(slot, mechanism) {
                Ok(info) => info,
                Err(e) if rv_of(&e) == Some(RvError::MechanismInvalid) => continue,
                Err(e) => return Err(failure("reading the token's mechanisms", &e)),
            };
            let bits = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            let sizes = Sizes {
                min: bits(info.min_key_size()),
                max: bits(info.max_key_size()),
            };
            available.insert(*mechanism, sizes);
        }
        let mut mechanisms = Mechanisms {
            available,
            ..Mechanisms::default()
        };
        if mechanisms.has(MechanismType::RSA_PKCS_OAEP)
            || mechanisms.has(MechanismType::RSA_PKCS_PSS)
        {
            token.with_session(|session| mechanisms.probe_rsa_hashes(session))?;
        }
        Ok(mechanisms)
    }

    /// Whether the token lists `mechanism`.
    pub(crate) fn has(&self, mechanism: MechanismType) -> bool {
        self.available.contains_key(&*mechanism)
    }

    /// The key sizes `mechanism` takes, if the token lists it.
    pub(crate) fn sizes(&self, mechanism: MechanismType) -> Option<Sizes> {
        self.available.get(&*mechanism).copied()
    }

    /// Tries OAEP encryption and PSS verification with each hash, on a session public key
    /// (a fixed odd 2048-bit modulus: encryption and a failed verification need no real
    /// key), and keeps the hashes the token's parameters checks let through.
    fn probe_rsa_hashes(&mut self, session: &Session) -> Result<(), ProviderError> {
        let mut modulus = vec![0xc3; 256];
        modulus[255] = 0x01;
        let key = session
            .create_object(&[
                Attribute::Class(ObjectClass::PUBLIC_KEY),
                Attribute::KeyType(CkKeyType::RSA),
                Attribute::Token(false),
                Attribute::Modulus(modulus),
                Attribute::PublicExponent(vec![1, 0, 1]),
                Attribute::Encrypt(true),
                Attribute::Verify(true),
            ])
            .map_err(|e| failure("creating the probe key", &e))?;
        for hash in PARAMETER_HASHES {
            let (hash_alg, mgf) = parameter_hash(hash);
            if self.has(MechanismType::RSA_PKCS_OAEP) {
                let params = PkcsOaepParams::new(hash_alg, mgf, PkcsOaepSource::empty());
                let done = session.encrypt(&Mechanism::RsaPkcsOaep(params), key, b"probe");
                if done.is_ok() {
                    self.oaep_hashes.push(hash);
                    let label = PkcsOaepSource::data_specified(b"label");
                    let params = PkcsOaepParams::new(hash_alg, mgf, label);
                    let labelled = session.encrypt(&Mechanism::RsaPkcsOaep(params), key, b"probe");
                    self.oaep_label |= labelled.is_ok();
                }
            }
            if self.has(MechanismType::RSA_PKCS_PSS) {
                let params = PkcsPssParams {
                    hash_alg,
                    mgf,
                    s_len: (hash.digest_len() as u64).into(),
                };
                let digest = vec![0x5a; hash.digest_len()];
                let done = session.verify(&Mechanism::RsaPkcsPss(params), key, &digest, &[1; 256]);
                let accepted = matches!(
                    done.as_ref().err().and_then(rv_of),
                    Some(RvError::SignatureInvalid | RvError::SignatureLenRange)
                );
                if accepted || done.is_ok() {
                    self.pss_hashes.push(hash);
                }
            }
        }
        session
            .destroy_object(key)
            .map_err(|e| failure("destroying the probe key", &e))
    }
}

/// The hash mechanism and MGF1 variant PKCS#11 parameters name for `hash` (one of
/// [`PARAMETER_HASHES`]; others map to SHA-256, never asked for).
pub(crate) fn parameter_hash(hash: Hash) -> (MechanismType, PkcsMgfType) {
    match hash {
        Hash::Sha1 => (MechanismType::SHA1, PkcsMgfType::MGF1_SHA1),
        Hash::Sha224 => (MechanismType::SHA224, PkcsMgfType::MGF1_SHA224),
        Hash::Sha384 => (MechanismType::SHA384, PkcsMgfType::MGF1_SHA384),
        Hash::Sha512 => (MechanismType::SHA512, PkcsMgfType::MGF1_SHA512),
        _ => (MechanismType::SHA256, PkcsMgfType::MGF1_SHA256),
    }
}
