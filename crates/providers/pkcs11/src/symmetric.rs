//! Secret keys on the token, where it has the mechanisms: AES keys for AES-GCM
//! (`CKM_AES_GCM`, whose output is `ciphertext ‖ tag` as PSA's is) and HMAC keys
//! (`CKK_GENERIC_SECRET`, `CKM_SHA*_HMAC`; a truncated MAC is the full one cut, checked in
//! constant time here). Unauthenticated ciphers are not offered (no cipher capability).

use cryptoki::error::RvError;
use cryptoki::mechanism::Mechanism;
use cryptoki::mechanism::aead::GcmParams;
use cryptoki::object::{Attribute, KeyType as CkKeyType, ObjectClass};
use psc_provider_api::{AeadCrypt, Binding, KeyRef, MacCompute, ProviderError};
use psc_psa::{Aead, Attributes, FullLengthMac, Hash, KeyType, Mac, SecretBytes};

use crate::Pkcs11Provider;
use crate::blob;
use crate::can_do::{supports_aead, supports_mac};
use crate::error::{failure, rv_of};

/// The attributes of a secret key object of `key_type` (AES or HMAC), without its value.
pub(crate) fn secret_template(id: &[u8], attributes: &Attributes) -> Vec<Attribute> {
    let usage = &attributes.policy.usage_flags;
    let mac = attributes.key_type == KeyType::Hmac;
    let key_type = if mac {
        CkKeyType::GENERIC_SECRET
    } else {
        CkKeyType::AES
    };
    vec![
        Attribute::Class(ObjectClass::SECRET_KEY),
        Attribute::KeyType(key_type),
        Attribute::Token(true),
        Attribute::Private(true),
        Attribute::Id(id.to_vec()),
        Attribute::Sensitive(!usage.export),
        Attribute::Extractable(usage.export),
        Attribute::Encrypt(!mac && usage.encrypt),
        Attribute::Decrypt(!mac && usage.decrypt),
        Attribute::Sign(mac && (usage.sign_message || usage.sign_hash)),
        Attribute::Verify(mac && (usage.verify_message || usage.verify_hash)),
    ]
}

/// The mechanism that generates a secret key of `key_type`.
pub(crate) fn generation_mechanism(key_type: KeyType) -> Mechanism<'static> {
    if key_type == KeyType::Hmac {
        Mechanism::GenericSecretKeyGen
    } else {
        Mechanism::AesKeyGen
    }
}

/// The HMAC mechanism for `hash`, if PKCS#11 names one.
pub(crate) fn hmac_mechanism(hash: Hash) -> Option<Mechanism<'static>> {
    Some(match hash {
        Hash::Sha1 => Mechanism::Sha1Hmac,
        Hash::Sha224 => Mechanism::Sha224Hmac,
        Hash::Sha256 => Mechanism::Sha256Hmac,
        Hash::Sha384 => Mechanism::Sha384Hmac,
        Hash::Sha512 => Mechanism::Sha512Hmac,
        _ => return None,
    })
}

fn hmac_hash(mac: Mac) -> Result<Hash, ProviderError> {
    match mac.full_length() {
        FullLengthMac::Hmac { hash } => Ok(hash),
        other => Err(ProviderError::NotSupported(format!("{other:?} on a token"))),
    }
}

/// Compares in time independent of where the bytes differ.
fn equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// One AES-GCM request's data.
struct Gcm<'a> {
    nonce: &'a [u8],
    additional_data: &'a [u8],
    input: &'a [u8],
    encrypt: bool,
}

impl Pkcs11Provider {
    fn gcm(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Aead,
        request: Gcm<'_>,
    ) -> Result<Vec<u8>, ProviderError> {
        let Gcm {
            nonce,
            additional_data,
            input,
            encrypt,
        } = request;
        let opened = blob::open(key.blob, binding)?;
        if !supports_aead(&self.mechanisms, key.attributes, alg) {
            return Err(ProviderError::NotSupported(format!(
                "{alg:?} on this token"
            )));
        }
        if nonce.is_empty() || nonce.len() > 128 {
            return Err(ProviderError::InvalidArgument(
                "a GCM nonce is 1 to 128 bytes (12 recommended)".into(),
            ));
        }
        let tag_bits = u64::from(alg.tag_len()) * 8;
        if !encrypt && input.len() < alg.tag_len() as usize {
            return Err(ProviderError::InvalidSignature);
        }
        self.token.with_session(|session| {
            let handle = self
                .token
                .find(session, ObjectClass::SECRET_KEY, opened.id)?;
            let mut iv = nonce.to_vec();
            let params = GcmParams::new(&mut iv, additional_data, tag_bits.into())
                .map_err(|e| failure("setting GCM parameters", &e))?;
            let mechanism = Mechanism::AesGcm(params);
            if encrypt {
                session
                    .encrypt(&mechanism, handle, input)
                    .map_err(|e| failure("encrypting", &e))
            } else {
                session.decrypt(&mechanism, handle, input).map_err(|e| {
                    match rv_of(&e) {
                        // A tag that does not match (SoftHSM2: CKR_ENCRYPTED_DATA_INVALID).
                        Some(
                            RvError::EncryptedDataInvalid
                            | RvError::EncryptedDataLenRange
                            | RvError::GeneralError,
                        ) => ProviderError::InvalidSignature,
                        _ => failure("decrypting", &e),
                    }
                })
            }
        })
    }

    fn full_mac(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Mac,
        input: &[u8],
    ) -> Result<Vec<u8>, ProviderError> {
        let opened = blob::open(key.blob, binding)?;
        if !supports_mac(&self.mechanisms, key.attributes, alg) {
            return Err(ProviderError::NotSupported(format!(
                "{alg:?} on this token"
            )));
        }
        let hash = hmac_hash(alg)?;
        let mechanism = hmac_mechanism(hash)
            .ok_or_else(|| ProviderError::NotSupported(format!("HMAC with {hash:?}")))?;
        self.token.with_session(|session| {
            let handle = self
                .token
                .find(session, ObjectClass::SECRET_KEY, opened.id)?;
            session
                .sign(&mechanism, handle, input)
                .map_err(|e| failure("computing a MAC", &e))
        })
    }
}

impl AeadCrypt for Pkcs11Provider {
    fn encrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Aead,
        nonce: &[u8],
        additional_data: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, ProviderError> {
        let request = Gcm {
            nonce,
            additional_data,
            input: plaintext,
            encrypt: true,
        };
        self.gcm(key, binding, alg, request)
    }

    fn decrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Aead,
        nonce: &[u8],
        additional_data: &[u8],
        ciphertext: &[u8],
    ) -> Result<SecretBytes, ProviderError> {
        let request = Gcm {
            nonce,
            additional_data,
            input: ciphertext,
            encrypt: false,
        };
        self.gcm(key, binding, alg, request).map(SecretBytes::new)
    }
}

impl MacCompute for Pkcs11Provider {
    fn compute(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Mac,
        input: &[u8],
    ) -> Result<Vec<u8>, ProviderError> {
        let mut tag = self.full_mac(key, binding, alg, input)?;
        if let Mac::Truncated { length, .. } = alg {
            tag.truncate(length as usize);
        }
        Ok(tag)
    }

    fn verify(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Mac,
        input: &[u8],
        mac: &[u8],
    ) -> Result<(), ProviderError> {
        let expected = self.compute(key, binding, alg, input)?;
        if equal(&expected, mac) {
            Ok(())
        } else {
            Err(ProviderError::InvalidSignature)
        }
    }
}
