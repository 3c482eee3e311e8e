//! Signatures over a hash: routes each algorithm family to the module that implements it.
//! Signatures over a message take the default of [`SignMessage`]: the shared hasher, then
//! this.

use psc_provider_api::{Binding, KeyRef, ProviderError, SignHash, SignMessage};
use psc_psa::AsymmetricSignature;

use crate::{SoftwareProvider, ecdsa, rsa};

impl SignHash for SoftwareProvider {
    fn sign_hash(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricSignature,
        hash: &[u8],
    ) -> Result<Vec<u8>, ProviderError> {
        if alg.is_ecdsa() {
            ecdsa::sign(&*self.open_ecc(key, binding)?, alg, hash)
        } else {
            rsa::check_minimum(key.attributes, self.min_rsa_bits)?;
            rsa::sign_hash(
                key.attributes,
                || self.open_rsa_pair(key, binding),
                || self.open_rsa_openssl(key, binding),
                alg,
                hash,
            )
        }
    }

    fn verify_hash(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricSignature,
        hash: &[u8],
        signature: &[u8],
    ) -> Result<(), ProviderError> {
        if alg.is_ecdsa() {
            ecdsa::verify(&*self.open_ecc(key, binding)?, alg, hash, signature)
        } else {
            rsa::check_minimum(key.attributes, self.min_rsa_bits)?;
            let material = self.open_material(key, binding)?;
            rsa::verify_hash(key.attributes, &material, alg, hash, signature)
        }
    }
}

impl SignMessage for SoftwareProvider {}
