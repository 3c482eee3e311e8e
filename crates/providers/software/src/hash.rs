//! Hashes, computed by the hasher every provider shares ([`psc_provider_api::digest`]).

use aws_lc_rs::constant_time::verify_slices_are_equal;
use psc_provider_api::{HashCompute, ProviderError, digest};
use psc_psa::Hash;

use crate::SoftwareProvider;

impl HashCompute for SoftwareProvider {
    fn compute(&self, alg: Hash, input: &[u8]) -> Result<Vec<u8>, ProviderError> {
        digest::compute(alg, input)
    }

    fn compare(&self, alg: Hash, input: &[u8], hash: &[u8]) -> Result<(), ProviderError> {
        if hash.len() != alg.digest_len() {
            return Err(ProviderError::InvalidArgument(format!(
                "a {alg:?} digest is {} bytes, not {}",
                alg.digest_len(),
                hash.len()
            )));
        }
        verify_slices_are_equal(&digest::compute(alg, input)?, hash)
            .map_err(|_| ProviderError::InvalidSignature)
    }
}
