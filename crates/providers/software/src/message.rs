//! Signatures over a message: hash it with the algorithm's hash, then sign the hash.

use psc_provider_api::{Binding, KeyRef, ProviderError, SignHash, SignMessage};
use psc_psa::AsymmetricSignature;

use crate::{SoftwareProvider, hash};

/// The digest of `message` under the algorithm's hash; algorithms without one cannot sign
/// messages.
fn digest(alg: AsymmetricSignature, message: &[u8]) -> Result<Vec<u8>, ProviderError> {
    let hash = alg
        .sign_hash()
        .and_then(psc_psa::SignHash::specific)
        .ok_or_else(|| {
            ProviderError::InvalidArgument(format!("{alg:?} has no hash to sign a message with"))
        })?;
    hash::digest(hash, message)
}

impl SignMessage for SoftwareProvider {
    fn sign_message(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricSignature,
        message: &[u8],
    ) -> Result<Vec<u8>, ProviderError> {
        self.sign_hash(key, binding, alg, &digest(alg, message)?)
    }

    fn verify_message(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricSignature,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), ProviderError> {
        self.verify_hash(key, binding, alg, &digest(alg, message)?, signature)
    }
}
