//! RSASSA-PKCS1-v1_5 and RSASSA-PSS over a hash the caller computed (RFC 8017 §8).
//!
//! aws-lc-rs signs a precomputed digest (`sign_digest`) with SHA-256, SHA-384 and SHA-512,
//! and verifies those plus PKCS#1 v1.5 with SHA-1. Its private-key operation is constant
//! time and blinded. PSS uses MGF1 with the signing hash and a salt as long as the hash, as
//! `PSA_ALG_RSA_PSS` defines; verification insists on that salt length too, as PSA does (a
//! signature with another salt length is `PSA_ALG_RSA_PSS_ANY_SALT`'s, which we do not have).
//!
//! Not offered, so `NotSupported`: SHA-224 (aws-lc-rs has no RSA encoding for it), signing
//! with SHA-1, PSS with SHA-1, and `RsaPkcs1v15SignRaw`, which needs a raw private-key
//! operation aws-lc-rs does not expose; we will not run our own or the `rsa` crate's.

use std::sync::Arc;

use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::rsa::KeyPair;
use aws_lc_rs::signature::{self as aws, RsaParameters, RsaSignatureEncoding};
use psc_provider_api::ProviderError;
use psc_psa::{AsymmetricSignature, Attributes, Hash, KeyType, SignHash};

use super::{check_rsa_key, export_public, modulus_len};

/// The two RSA signature schemes that take a hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scheme {
    Pkcs1v15,
    Pss,
}

/// Signs `hash` with the key pair `open_pair` gives (called once the request is checked). A
/// public key cannot sign: InvalidArgument.
pub(crate) fn sign_hash(
    attributes: &Attributes,
    open_pair: impl FnOnce() -> Result<Arc<KeyPair>, ProviderError>,
    alg: AsymmetricSignature,
    hash: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    check_rsa_key(attributes)?;
    let (scheme, hash_alg) = scheme_and_hash(alg)?;
    let encoding = signing_encoding(scheme, hash_alg).ok_or_else(|| unsupported("sign", alg))?;
    let digest = import_digest(hash_alg, hash)?;
    if attributes.key_type != KeyType::RsaKeyPair {
        return Err(ProviderError::InvalidArgument(
            "a public key cannot sign: import or generate the key pair".into(),
        ));
    }
    let pair = open_pair()?;
    let mut signature = vec![0; pair.public_modulus_len()];
    pair.sign_digest(encoding, &digest, &mut signature)
        .map_err(|_| ProviderError::Other("RSA signing failed".into()))?;
    Ok(signature)
}

/// Verifies `signature` over `hash` with the public key of a pair or a public key.
pub(crate) fn verify_hash(
    attributes: &Attributes,
    material: &[u8],
    alg: AsymmetricSignature,
    hash: &[u8],
    signature: &[u8],
) -> Result<(), ProviderError> {
    check_rsa_key(attributes)?;
    let (scheme, hash_alg) = scheme_and_hash(alg)?;
    let parameters =
        verification_parameters(scheme, hash_alg).ok_or_else(|| unsupported("verify", alg))?;
    let digest = import_digest(hash_alg, hash)?;
    if signature.len() != modulus_len(attributes) {
        return Err(ProviderError::InvalidSignature);
    }
    let public = export_public(attributes, material)?;
    aws::UnparsedPublicKey::new(parameters, public)
        .verify_digest(&digest, signature)
        .map_err(|_| ProviderError::InvalidSignature)
}

/// Whether a key can run `alg`: a key pair must sign and verify, a public key verify. A
/// policy's any-hash wildcard is supported when the scheme is.
pub(super) fn supports(alg: AsymmetricSignature, key_pair: bool) -> bool {
    let (scheme, hash) = match alg {
        AsymmetricSignature::RsaPkcs1v15Sign { hash } => (Scheme::Pkcs1v15, hash),
        AsymmetricSignature::RsaPss { hash } => (Scheme::Pss, hash),
        _ => return false,
    };
    match hash {
        SignHash::Any => true,
        SignHash::Specific(hash) if key_pair => signing_encoding(scheme, hash).is_some(),
        SignHash::Specific(hash) => verification_parameters(scheme, hash).is_some(),
    }
}

/// The scheme and the specific hash of an operation's algorithm.
fn scheme_and_hash(alg: AsymmetricSignature) -> Result<(Scheme, Hash), ProviderError> {
    let (scheme, hash) = match alg {
        AsymmetricSignature::RsaPkcs1v15Sign { hash } => (Scheme::Pkcs1v15, hash),
        AsymmetricSignature::RsaPss { hash } => (Scheme::Pss, hash),
        AsymmetricSignature::RsaPkcs1v15SignRaw => {
            return Err(ProviderError::NotSupported(
                "raw RSA PKCS#1 v1.5 signatures: aws-lc-rs offers no constant-time raw RSA \
                 private-key operation"
                    .into(),
            ));
        }
        other => {
            return Err(ProviderError::InvalidArgument(format!(
                "{other:?} is not an RSA signature algorithm"
            )));
        }
    };
    match hash {
        SignHash::Specific(hash) => Ok((scheme, hash)),
        SignHash::Any => Err(ProviderError::InvalidArgument(
            "the any-hash wildcard belongs in a policy, not in an operation".into(),
        )),
    }
}

/// The aws-lc-rs signing encoding for a scheme and hash, if it has one.
fn signing_encoding(scheme: Scheme, hash: Hash) -> Option<&'static RsaSignatureEncoding> {
    match (scheme, hash) {
        (Scheme::Pkcs1v15, Hash::Sha256) => Some(&aws::RSA_PKCS1_SHA256),
        (Scheme::Pkcs1v15, Hash::Sha384) => Some(&aws::RSA_PKCS1_SHA384),
        (Scheme::Pkcs1v15, Hash::Sha512) => Some(&aws::RSA_PKCS1_SHA512),
        (Scheme::Pss, Hash::Sha256) => Some(&aws::RSA_PSS_SHA256),
        (Scheme::Pss, Hash::Sha384) => Some(&aws::RSA_PSS_SHA384),
        (Scheme::Pss, Hash::Sha512) => Some(&aws::RSA_PSS_SHA512),
        _ => None,
    }
}

/// The aws-lc-rs verification parameters for a scheme and hash, if it has them. Their size
/// range, 2048 to 8192 bits, is the range of keys this provider accepts.
fn verification_parameters(scheme: Scheme, hash: Hash) -> Option<&'static RsaParameters> {
    match (scheme, hash) {
        (Scheme::Pkcs1v15, Hash::Sha1) => Some(&aws::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY),
        (Scheme::Pkcs1v15, Hash::Sha256) => Some(&aws::RSA_PKCS1_2048_8192_SHA256),
        (Scheme::Pkcs1v15, Hash::Sha384) => Some(&aws::RSA_PKCS1_2048_8192_SHA384),
        (Scheme::Pkcs1v15, Hash::Sha512) => Some(&aws::RSA_PKCS1_2048_8192_SHA512),
        (Scheme::Pss, Hash::Sha256) => Some(&aws::RSA_PSS_2048_8192_SHA256),
        (Scheme::Pss, Hash::Sha384) => Some(&aws::RSA_PSS_2048_8192_SHA384),
        (Scheme::Pss, Hash::Sha512) => Some(&aws::RSA_PSS_2048_8192_SHA512),
        _ => None,
    }
}

/// The caller's hash as an aws-lc-rs digest; a length other than the hash's is
/// InvalidArgument.
fn import_digest(hash: Hash, input: &[u8]) -> Result<Digest, ProviderError> {
    let algorithm = match hash {
        Hash::Sha1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        Hash::Sha256 => &digest::SHA256,
        Hash::Sha384 => &digest::SHA384,
        Hash::Sha512 => &digest::SHA512,
        other => {
            return Err(ProviderError::Other(format!(
                "no digest for {other:?}, a hash no RSA signature here uses"
            )));
        }
    };
    if input.len() != hash.digest_len() {
        return Err(ProviderError::InvalidArgument(format!(
            "a {hash:?} hash is {} bytes, not {}",
            hash.digest_len(),
            input.len()
        )));
    }
    Digest::import_less_safe(input, algorithm)
        .map_err(|_| ProviderError::Other("cannot import the digest".into()))
}

fn unsupported(what: &str, alg: AsymmetricSignature) -> ProviderError {
    ProviderError::NotSupported(format!(
        "the software provider cannot {what} with {alg:?}: aws-lc-rs signs RSA with SHA-256, \
         SHA-384 and SHA-512 (PKCS#1 v1.5 and PSS) and also verifies PKCS#1 v1.5 with SHA-1"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_signing_encoding_also_verifies() {
        for hash in Hash::ALL {
            for scheme in [Scheme::Pkcs1v15, Scheme::Pss] {
                if signing_encoding(scheme, *hash).is_some() {
                    assert!(verification_parameters(scheme, *hash).is_some());
                }
                if verification_parameters(scheme, *hash).is_some() {
                    assert!(import_digest(*hash, &vec![0; hash.digest_len()]).is_ok());
                }
            }
        }
    }

    #[test]
    fn wildcards_and_raw_are_refused_as_operations() {
        let any = AsymmetricSignature::RsaPss {
            hash: SignHash::Any,
        };
        assert!(matches!(
            scheme_and_hash(any),
            Err(ProviderError::InvalidArgument(_))
        ));
        assert!(supports(any, true));
        assert!(matches!(
            scheme_and_hash(AsymmetricSignature::RsaPkcs1v15SignRaw),
            Err(ProviderError::NotSupported(_))
        ));
        assert!(!supports(AsymmetricSignature::RsaPkcs1v15SignRaw, false));
        assert!(matches!(
            scheme_and_hash(AsymmetricSignature::EcdsaAny),
            Err(ProviderError::InvalidArgument(_))
        ));
    }

    #[test]
    fn hash_length_mismatch_is_an_invalid_argument() {
        assert!(matches!(
            import_digest(Hash::Sha384, &[0; 32]),
            Err(ProviderError::InvalidArgument(_))
        ));
        assert!(import_digest(Hash::Sha384, &[0; 48]).is_ok());
    }
}
