//! Message digests, shared by every provider.
//!
//! One hasher for the whole service, so that signing a message covers the same hashes
//! whatever holds the key: a token or a TPM signs the digest computed here. All of them are
//! RustCrypto implementations, which use the CPU's SHA extensions where it has them.

use psc_psa::{AsymmetricSignature, Hash};
use sha2::Digest;

use crate::ProviderError;

/// The digest of `input` with `alg`.
///
/// # Errors
/// [`ProviderError::NotSupported`] for MD2 and MD4 (see [`supports`]).
pub fn compute(alg: Hash, input: &[u8]) -> Result<Vec<u8>, ProviderError> {
    Ok(match alg {
        Hash::Md5 => with::<md5::Md5>(input),
        Hash::Ripemd160 => with::<ripemd::Ripemd160>(input),
        Hash::Sha1 => with::<sha1::Sha1>(input),
        Hash::Sha224 => with::<sha2::Sha224>(input),
        Hash::Sha256 => with::<sha2::Sha256>(input),
        Hash::Sha384 => with::<sha2::Sha384>(input),
        Hash::Sha512 => with::<sha2::Sha512>(input),
        Hash::Sha512_224 => with::<sha2::Sha512_224>(input),
        Hash::Sha512_256 => with::<sha2::Sha512_256>(input),
        Hash::Sha3_224 => with::<sha3::Sha3_224>(input),
        Hash::Sha3_256 => with::<sha3::Sha3_256>(input),
        Hash::Sha3_384 => with::<sha3::Sha3_384>(input),
        Hash::Sha3_512 => with::<sha3::Sha3_512>(input),
        Hash::Md2 | Hash::Md4 => {
            return Err(ProviderError::NotSupported(format!(
                "{alg:?} is broken and no maintained crate implements it"
            )));
        }
    })
}

/// Whether [`compute`] implements `alg`.
#[must_use]
pub fn supports(alg: Hash) -> bool {
    !matches!(alg, Hash::Md2 | Hash::Md4)
}

/// The digest a signature over `message` signs: `message` hashed with the hash `alg` names.
///
/// # Errors
/// [`ProviderError::InvalidArgument`] for an algorithm that names no single hash (raw
/// PKCS#1 v1.5, a wildcard), and what [`compute`] answers.
pub fn for_message(alg: AsymmetricSignature, message: &[u8]) -> Result<Vec<u8>, ProviderError> {
    let hash = alg
        .sign_hash()
        .and_then(psc_psa::SignHash::specific)
        .ok_or_else(|| {
            ProviderError::InvalidArgument(format!("{alg:?} names no hash to sign a message with"))
        })?;
    compute(hash, message)
}

fn with<D: Digest>(input: &[u8]) -> Vec<u8> {
    D::digest(input).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every hash answers a digest of its own length, and the well-known SHA-256 of "abc".
    #[test]
    fn digests_have_their_lengths() {
        let all = [
            Hash::Md5,
            Hash::Ripemd160,
            Hash::Sha1,
            Hash::Sha224,
            Hash::Sha256,
            Hash::Sha384,
            Hash::Sha512,
            Hash::Sha512_224,
            Hash::Sha512_256,
            Hash::Sha3_224,
            Hash::Sha3_256,
            Hash::Sha3_384,
            Hash::Sha3_512,
        ];
        for alg in all {
            assert!(supports(alg));
            assert_eq!(
                compute(alg, b"abc").unwrap().len(),
                alg.digest_len(),
                "{alg:?}"
            );
        }
        assert_eq!(
            hex::encode(compute(Hash::Sha256, b"abc").unwrap()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(matches!(
            compute(Hash::Md4, b""),
            Err(ProviderError::NotSupported(_))
        ));
    }

    #[test]
    fn a_message_needs_a_named_hash() {
        let pkcs1 = |hash| AsymmetricSignature::RsaPkcs1v15Sign { hash };
        assert!(for_message(pkcs1(psc_psa::SignHash::Specific(Hash::Sha256)), b"m").is_ok());
        assert!(matches!(
            for_message(pkcs1(psc_psa::SignHash::Any), b"m"),
            Err(ProviderError::InvalidArgument(_))
        ));
        assert!(matches!(
            for_message(AsymmetricSignature::RsaPkcs1v15SignRaw, b"m"),
            Err(ProviderError::InvalidArgument(_))
        ));
    }
}
