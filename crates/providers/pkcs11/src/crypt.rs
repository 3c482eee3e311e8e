//! Asymmetric encryption on the token: `CKM_RSA_PKCS` and `CKM_RSA_PKCS_OAEP` (MGF1 with the
//! OAEP hash, the PSA salt as the label), with the hashes the token was found to accept.

use cryptoki::error::RvError;
use cryptoki::mechanism::Mechanism;
use cryptoki::mechanism::rsa::{PkcsOaepParams, PkcsOaepSource};
use cryptoki::object::ObjectClass;
use psc_provider_api::{AsymmetricCrypt, Binding, KeyRef, ProviderError};
use psc_psa::{AsymmetricEncryption, SecretBytes};

use crate::Pkcs11Provider;
use crate::blob;
use crate::can_do::supports_encryption;
use crate::error::{failure, rv_of};
use crate::mechanisms::parameter_hash;

/// The mechanism for `alg`, with `label` for OAEP.
fn mechanism(alg: AsymmetricEncryption, label: &[u8]) -> Mechanism<'_> {
    match alg {
        AsymmetricEncryption::RsaPkcs1v15Crypt => Mechanism::RsaPkcs,
        AsymmetricEncryption::RsaOaep { hash } => {
            let (hash_alg, mgf) = parameter_hash(hash);
            let source = if label.is_empty() {
                PkcsOaepSource::empty()
            } else {
                PkcsOaepSource::data_specified(label)
            };
            Mechanism::RsaPkcsOaep(PkcsOaepParams::new(hash_alg, mgf, source))
        }
    }
}

impl Pkcs11Provider {
    fn check_encryption(
        &self,
        key: KeyRef<'_>,
        alg: AsymmetricEncryption,
    ) -> Result<(), ProviderError> {
        if supports_encryption(&self.mechanisms, key.attributes, alg) {
            Ok(())
        } else {
            Err(ProviderError::NotSupported(format!(
                "{alg:?} on this token"
            )))
        }
    }

    /// Refuses an OAEP label the token cannot take (found at start).
    fn check_label(&self, salt: &[u8]) -> Result<(), ProviderError> {
        if salt.is_empty() || self.mechanisms.oaep_label {
            Ok(())
        } else {
            Err(ProviderError::NotSupported(
                "an OAEP label (salt) on this token".into(),
            ))
        }
    }
}

/// Refuses a message longer than the key and padding allow (RFC 8017 §7.1.1, §7.2.1),
/// before the token, whose answers to that differ.
fn check_message_len(
    key: KeyRef<'_>,
    alg: AsymmetricEncryption,
    plaintext: &[u8],
) -> Result<(), ProviderError> {
    let modulus = key.attributes.bits.div_ceil(8) as usize;
    let overhead = match alg {
        AsymmetricEncryption::RsaPkcs1v15Crypt => 11,
        AsymmetricEncryption::RsaOaep { hash } => 2 * hash.digest_len() + 2,
    };
    if plaintext.len() + overhead > modulus {
        return Err(ProviderError::InvalidArgument(format!(
            "at most {} bytes fit a {}-bit key with {alg:?}",
            modulus.saturating_sub(overhead),
            key.attributes.bits
        )));
    }
    Ok(())
}

impl AsymmetricCrypt for Pkcs11Provider {
    fn encrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricEncryption,
        plaintext: &[u8],
        salt: &[u8],
    ) -> Result<Vec<u8>, ProviderError> {
        let opened = blob::open(key.blob, binding)?;
        self.check_encryption(key, alg)?;
        self.check_label(salt)?;
        check_message_len(key, alg, plaintext)?;
        if self.software_public_operations
            && let Some(encrypted) = crate::public::encrypt(opened.public, alg, plaintext, salt)
        {
            return encrypted;
        }
        self.token.with_session(|session| {
            let handle = self
                .token
                .find(session, ObjectClass::PUBLIC_KEY, opened.id)?;
            session
                .encrypt(&mechanism(alg, salt), handle, plaintext)
                .map_err(|e| failure("encrypting", &e))
        })
    }

    fn decrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricEncryption,
        ciphertext: &[u8],
        salt: &[u8],
    ) -> Result<SecretBytes, ProviderError> {
        let opened = blob::open(key.blob, binding)?;
        self.check_encryption(key, alg)?;
        self.check_label(salt)?;
        if !key.attributes.key_type.is_key_pair() {
            return Err(ProviderError::InvalidArgument(
                "a public key cannot decrypt".into(),
            ));
        }
        self.token.with_session(|session| {
            let handle = self
                .token
                .find(session, ObjectClass::PRIVATE_KEY, opened.id)?;
            session
                .decrypt(&mechanism(alg, salt), handle, ciphertext)
                .map(SecretBytes::new)
                .map_err(|e| match rv_of(&e) {
                    // SoftHSM2 answers a ciphertext whose padding does not check with
                    // CKR_GENERAL_ERROR; the key and session were just found good.
                    Some(RvError::GeneralError) => ProviderError::InvalidPadding,
                    _ => failure("decrypting", &e),
                })
        })
    }
}
