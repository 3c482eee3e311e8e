//! Signatures on the token: PKCS#1 v1.5 (the DigestInfo built here, then `CKM_RSA_PKCS`),
//! PSS (`CKM_RSA_PKCS_PSS`, salt as long as the hash, MGF1 with the same hash) and ECDSA
//! (`CKM_ECDSA` over the caller's hash; its output is `r ‖ s`, PSA's form). Messages are
//! hashed by the shared hasher (`psc_provider_api::digest`), then signed as a hash.

use cryptoki::mechanism::Mechanism;
use cryptoki::mechanism::rsa::PkcsPssParams;
use cryptoki::object::ObjectClass;
use psc_provider_api::{Binding, KeyRef, ProviderError, SignHash, SignMessage};
use psc_psa::{AsymmetricSignature, Attributes};

use crate::Pkcs11Provider;
use crate::blob;
use crate::can_do::supports_signature;
use crate::error::failure;
use crate::mechanisms::parameter_hash;
use crate::rsa::digest_info_prefix;

impl SignHash for Pkcs11Provider {
    fn sign_hash(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricSignature,
        hash: &[u8],
    ) -> Result<Vec<u8>, ProviderError> {
        let opened = blob::open(key.blob, binding)?;
        self.check_signature(key.attributes, alg)?;
        if !key.attributes.key_type.is_key_pair() {
            return Err(ProviderError::InvalidArgument(
                "a public key cannot sign".into(),
            ));
        }
        let (mechanism, input) = signing_input(alg, hash)?;
        self.token.with_session(|session| {
            let handle = self
                .token
                .find(session, ObjectClass::PRIVATE_KEY, opened.id)?;
            session
                .sign(&mechanism, handle, &input)
                .map_err(|e| failure("signing", &e))
        })
    }

    fn verify_hash(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricSignature,
        hash: &[u8],
        signature: &[u8],
    ) -> Result<(), ProviderError> {
        let opened = blob::open(key.blob, binding)?;
        self.check_signature(key.attributes, alg)?;
        let (mechanism, input) = signing_input(alg, hash)?;
        if self.software_public_operations
            && let Some(verified) =
                crate::public::verify(key.attributes, opened.public, alg, hash, signature)
        {
            return verified;
        }
        self.token.with_session(|session| {
            let handle = self
                .token
                .find(session, ObjectClass::PUBLIC_KEY, opened.id)?;
            session
                .verify(&mechanism, handle, &input, signature)
                .map_err(|e| failure("verifying", &e))
        })
    }
}

impl SignMessage for Pkcs11Provider {}

impl Pkcs11Provider {
    fn check_signature(
        &self,
        attributes: &Attributes,
        alg: AsymmetricSignature,
    ) -> Result<(), ProviderError> {
        if supports_signature(&self.mechanisms, attributes, alg) {
            Ok(())
        } else {
            Err(ProviderError::NotSupported(format!(
                "{alg:?} with a {:?} key on this token",
                attributes.key_type
            )))
        }
    }
}

/// The mechanism and the bytes the token signs for `alg` over `hash`.
fn signing_input(
    alg: AsymmetricSignature,
    hash: &[u8],
) -> Result<(Mechanism<'static>, Vec<u8>), ProviderError> {
    let specific = |hash_alg: psc_psa::SignHash| {
        let hash_alg = hash_alg.specific().ok_or_else(|| {
            ProviderError::InvalidArgument("a signature names one hash, not any".into())
        })?;
        if hash.len() != hash_alg.digest_len() {
            return Err(ProviderError::InvalidArgument(format!(
                "a {hash_alg:?} hash is {} bytes",
                hash_alg.digest_len()
            )));
        }
        Ok(hash_alg)
    };
    Ok(match alg {
        AsymmetricSignature::RsaPkcs1v15Sign { hash: hash_alg } => {
            let hash_alg = specific(hash_alg)?;
            let prefix = digest_info_prefix(hash_alg).ok_or_else(|| {
                ProviderError::NotSupported(format!("PKCS#1 v1.5 signatures with {hash_alg:?}"))
            })?;
            (Mechanism::RsaPkcs, [prefix, hash].concat())
        }
        AsymmetricSignature::RsaPkcs1v15SignRaw => (Mechanism::RsaPkcs, hash.to_vec()),
        AsymmetricSignature::RsaPss { hash: hash_alg } => {
            let hash_alg = specific(hash_alg)?;
            let (mechanism, mgf) = parameter_hash(hash_alg);
            let params = PkcsPssParams {
                hash_alg: mechanism,
                mgf,
                s_len: (hash_alg.digest_len() as u64).into(),
            };
            (Mechanism::RsaPkcsPss(params), hash.to_vec())
        }
        AsymmetricSignature::Ecdsa { hash: hash_alg } => {
            specific(hash_alg)?;
            (Mechanism::Ecdsa, hash.to_vec())
        }
        AsymmetricSignature::EcdsaAny => (Mechanism::Ecdsa, hash.to_vec()),
        AsymmetricSignature::DeterministicEcdsa { .. } => {
            return Err(ProviderError::NotSupported(
                "deterministic ECDSA on a token".into(),
            ));
        }
    })
}
