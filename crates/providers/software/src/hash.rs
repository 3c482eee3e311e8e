//! Hashes: aws-lc-rs where it has the hash, RustCrypto for the rest.

use aws_lc_rs::constant_time::verify_slices_are_equal;
use aws_lc_rs::digest;
use psc_provider_api::{HashCompute, ProviderError};
use psc_psa::Hash;

use crate::SoftwareProvider;

/// The digest of `input`.
pub(crate) fn digest(alg: Hash, input: &[u8]) -> Result<Vec<u8>, ProviderError> {
    let aws = |algorithm| Ok(digest::digest(algorithm, input).as_ref().to_vec());
    match alg {
        Hash::Sha1 => aws(&digest::SHA1_FOR_LEGACY_USE_ONLY),
        Hash::Sha224 => aws(&digest::SHA224),
        Hash::Sha256 => aws(&digest::SHA256),
        Hash::Sha384 => aws(&digest::SHA384),
        Hash::Sha512 => aws(&digest::SHA512),
        Hash::Sha512_256 => aws(&digest::SHA512_256),
        Hash::Sha3_256 => aws(&digest::SHA3_256),
        Hash::Sha3_384 => aws(&digest::SHA3_384),
        Hash::Sha3_512 => aws(&digest::SHA3_512),
        Hash::Sha512_224 => Ok(rust_crypto::<sha2::Sha512_224>(input)),
        Hash::Sha3_224 => Ok(rust_crypto::<sha3::Sha3_224>(input)),
        Hash::Md5 => Ok(rust_crypto::<md5::Md5>(input)),
        Hash::Ripemd160 => Ok(rust_crypto::<ripemd::Ripemd160>(input)),
        Hash::Md2 | Hash::Md4 => Err(ProviderError::NotSupported(format!(
            "{alg:?} is broken and no maintained crate implements it"
        ))),
    }
}

/// Whether [`digest`] implements `alg`.
pub(crate) fn supports(alg: Hash) -> bool {
    !matches!(alg, Hash::Md2 | Hash::Md4)
}

fn rust_crypto<D: sha2::Digest>(input: &[u8]) -> Vec<u8> {
    D::digest(input).to_vec()
}

impl HashCompute for SoftwareProvider {
    fn compute(&self, alg: Hash, input: &[u8]) -> Result<Vec<u8>, ProviderError> {
        digest(alg, input)
    }

    fn compare(&self, alg: Hash, input: &[u8], hash: &[u8]) -> Result<(), ProviderError> {
        if hash.len() != alg.digest_len() {
            return Err(ProviderError::InvalidArgument(format!(
                "a {alg:?} digest is {} bytes, not {}",
                alg.digest_len(),
                hash.len()
            )));
        }
        verify_slices_are_equal(&digest(alg, input)?, hash)
            .map_err(|_| ProviderError::InvalidSignature)
    }
}
