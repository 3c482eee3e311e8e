//! RSASSA-PKCS1-v1_5 and RSASSA-PSS over a hash the caller computed (RFC 8017 §8), and the
//! raw PKCS#1 v1.5 signature over an input the caller encoded.
//!
//! Two engines, both with a constant-time, blinded private-key operation. aws-lc-rs signs
//! a precomputed digest (`sign_digest`) with SHA-256, SHA-384 and SHA-512 and verifies those
//! plus PKCS#1 v1.5 with SHA-1, on keys of 2048 bits and more: it does that work. OpenSSL
//! (`ossl.rs`) does the rest: every key under 2048 bits, every other hash PSA names that it
//! has (MD5, RIPEMD-160, SHA-1, SHA-224, SHA-512/224, SHA-512/256, SHA3-224/256/384/512),
//! and `RsaPkcs1v15SignRaw`. MD2 and MD4 are NotSupported.
//!
//! PSS uses MGF1 with the signing hash and a salt as long as the hash, as `PSA_ALG_RSA_PSS`
//! defines; verification insists on that salt length too, as PSA does (a signature with
//! another salt length is `PSA_ALG_RSA_PSS_ANY_SALT`'s, which we do not have). Where the key
//! is too small for that salt (RSA-1024 with a 64-byte hash) the salt is the longest that
//! fits, as the original's Mbed TLS makes it (62 bytes), and must be that long to verify.

use std::sync::Arc;

use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::rsa::KeyPair;
use aws_lc_rs::signature::{self as aws, RsaParameters, RsaSignatureEncoding};
use openssl::pkey::{PKey, Private};
use psc_provider_api::ProviderError;
use psc_psa::{AsymmetricSignature, Attributes, Hash, KeyType, SignHash};

use super::ossl::{self, Signature};
use super::{AWS_LC_MIN_BITS, check_rsa_key, export_public, modulus_len};

/// Which library runs a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Engine {
    AwsLc,
    OpenSsl,
}

/// The engine that signs (`signing`) or verifies `scheme` with a key of `bits` (0: any size).
fn engine(scheme: Signature, bits: u32, signing: bool) -> Option<Engine> {
    let aws = if signing {
        signing_encoding(scheme).is_some()
    } else {
        verification_parameters(scheme).is_some()
    };
    if aws && (bits == 0 || bits >= AWS_LC_MIN_BITS) {
        return Some(Engine::AwsLc);
    }
    let openssl = match scheme {
        Signature::Pkcs1v15(None) => true,
        Signature::Pkcs1v15(Some(hash)) => ossl::has_hash(hash),
        Signature::Pss(hash) => {
            ossl::has_hash(hash)
                && (bits == 0 || ossl::pss_salt_len(bits, hash.digest_len()).is_some())
        }
    };
    openssl.then_some(Engine::OpenSsl)
}

/// Signs `hash` with the key pair: aws-lc-rs's parsed key from `open_pair`, or OpenSSL's
/// from `open_openssl` (each called once the request is checked). A public key cannot
/// sign: InvalidArgument.
pub(crate) fn sign_hash(
    attributes: &Attributes,
    open_pair: impl FnOnce() -> Result<Arc<KeyPair>, ProviderError>,
    open_openssl: impl FnOnce() -> Result<Arc<PKey<Private>>, ProviderError>,
    alg: AsymmetricSignature,
    hash: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    check_rsa_key(attributes)?;
    let scheme = scheme_of(alg)?;
    let engine = engine(scheme, attributes.bits, true)
        .ok_or_else(|| unsupported("sign", alg, attributes))?;
    check_input(scheme, attributes, hash)?;
    if attributes.key_type != KeyType::RsaKeyPair {
        return Err(ProviderError::InvalidArgument(
            "a public key cannot sign: import or generate the key pair".into(),
        ));
    }
    if engine == Engine::OpenSsl {
        return ossl::sign(&*open_openssl()?, scheme, attributes.bits, hash);
    }
    let encoding = signing_encoding(scheme).ok_or_else(|| unsupported("sign", alg, attributes))?;
    let digest = import_digest(scheme, hash)?;
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
    let scheme = scheme_of(alg)?;
    let engine = engine(scheme, attributes.bits, false)
        .ok_or_else(|| unsupported("verify", alg, attributes))?;
    check_input(scheme, attributes, hash)?;
    if signature.len() != modulus_len(attributes) {
        return Err(ProviderError::InvalidSignature);
    }
    let public = export_public(attributes, material)?;
    if engine == Engine::OpenSsl {
        return ossl::verify(&public, scheme, attributes.bits, hash, signature);
    }
    let parameters =
        verification_parameters(scheme).ok_or_else(|| unsupported("verify", alg, attributes))?;
    let digest = import_digest(scheme, hash)?;
    aws::UnparsedPublicKey::new(parameters, public)
        .verify_digest(&digest, signature)
        .map_err(|_| ProviderError::InvalidSignature)
}

/// Whether a key of `bits` (0: any) can run `alg`: a key pair must sign and verify, a public
/// key verify. A policy's any-hash wildcard is supported when the scheme is.
pub(super) fn supports(alg: AsymmetricSignature, key_pair: bool, bits: u32) -> bool {
    let scheme = match alg {
        AsymmetricSignature::RsaPkcs1v15Sign {
            hash: SignHash::Any,
        }
        | AsymmetricSignature::RsaPss {
            hash: SignHash::Any,
        } => return true,
        alg => match scheme_of(alg) {
            Ok(scheme) => scheme,
            Err(_) => return false,
        },
    };
    engine(scheme, bits, false).is_some() && (!key_pair || engine(scheme, bits, true).is_some())
}

/// The scheme and the specific hash of an operation's algorithm.
fn scheme_of(alg: AsymmetricSignature) -> Result<Signature, ProviderError> {
    let hash = match alg {
        AsymmetricSignature::RsaPkcs1v15Sign { hash } | AsymmetricSignature::RsaPss { hash } => {
            hash
        }
        AsymmetricSignature::RsaPkcs1v15SignRaw => return Ok(Signature::Pkcs1v15(None)),
        other => {
            return Err(ProviderError::InvalidArgument(format!(
                "{other:?} is not an RSA signature algorithm"
            )));
        }
    };
    let SignHash::Specific(hash) = hash else {
        return Err(ProviderError::InvalidArgument(
            "the any-hash wildcard belongs in a policy, not in an operation".into(),
        ));
    };
    Ok(match alg {
        AsymmetricSignature::RsaPss { .. } => Signature::Pss(hash),
        _ => Signature::Pkcs1v15(Some(hash)),
    })
}

/// A hash must be as long as its algorithm's digest; a raw input must leave room for the
/// PKCS#1 v1.5 padding (at least 11 bytes). Otherwise InvalidArgument.
fn check_input(
    scheme: Signature,
    attributes: &Attributes,
    input: &[u8],
) -> Result<(), ProviderError> {
    let hash = match scheme {
        Signature::Pkcs1v15(Some(hash)) | Signature::Pss(hash) => hash,
        Signature::Pkcs1v15(None) => {
            let max = modulus_len(attributes).saturating_sub(11);
            if input.len() > max {
                return Err(ProviderError::InvalidArgument(format!(
                    "a raw PKCS#1 v1.5 input of {} bytes is too long: this key takes at most {max}",
                    input.len()
                )));
            }
            return Ok(());
        }
    };
    if input.len() != hash.digest_len() {
        return Err(ProviderError::InvalidArgument(format!(
            "a {hash:?} hash is {} bytes, not {}",
            hash.digest_len(),
            input.len()
        )));
    }
    Ok(())
}

/// The aws-lc-rs signing encoding for a scheme, if it has one.
fn signing_encoding(scheme: Signature) -> Option<&'static RsaSignatureEncoding> {
    match scheme {
        Signature::Pkcs1v15(Some(Hash::Sha256)) => Some(&aws::RSA_PKCS1_SHA256),
        Signature::Pkcs1v15(Some(Hash::Sha384)) => Some(&aws::RSA_PKCS1_SHA384),
        Signature::Pkcs1v15(Some(Hash::Sha512)) => Some(&aws::RSA_PKCS1_SHA512),
        Signature::Pss(Hash::Sha256) => Some(&aws::RSA_PSS_SHA256),
        Signature::Pss(Hash::Sha384) => Some(&aws::RSA_PSS_SHA384),
        Signature::Pss(Hash::Sha512) => Some(&aws::RSA_PSS_SHA512),
        _ => None,
    }
}

/// The aws-lc-rs verification parameters for a scheme, if it has them. Their size range,
/// 2048 to 8192 bits, is the range of keys aws-lc-rs takes.
fn verification_parameters(scheme: Signature) -> Option<&'static RsaParameters> {
    match scheme {
        Signature::Pkcs1v15(Some(Hash::Sha1)) => {
            Some(&aws::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY)
        }
        Signature::Pkcs1v15(Some(Hash::Sha256)) => Some(&aws::RSA_PKCS1_2048_8192_SHA256),
        Signature::Pkcs1v15(Some(Hash::Sha384)) => Some(&aws::RSA_PKCS1_2048_8192_SHA384),
        Signature::Pkcs1v15(Some(Hash::Sha512)) => Some(&aws::RSA_PKCS1_2048_8192_SHA512),
        Signature::Pss(Hash::Sha256) => Some(&aws::RSA_PSS_2048_8192_SHA256),
        Signature::Pss(Hash::Sha384) => Some(&aws::RSA_PSS_2048_8192_SHA384),
        Signature::Pss(Hash::Sha512) => Some(&aws::RSA_PSS_2048_8192_SHA512),
        _ => None,
    }
}

/// The caller's hash (length already checked) as an aws-lc-rs digest.
fn import_digest(scheme: Signature, input: &[u8]) -> Result<Digest, ProviderError> {
    let algorithm = match scheme {
        Signature::Pkcs1v15(Some(Hash::Sha1)) => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        Signature::Pkcs1v15(Some(Hash::Sha256)) | Signature::Pss(Hash::Sha256) => &digest::SHA256,
        Signature::Pkcs1v15(Some(Hash::Sha384)) | Signature::Pss(Hash::Sha384) => &digest::SHA384,
        Signature::Pkcs1v15(Some(Hash::Sha512)) | Signature::Pss(Hash::Sha512) => &digest::SHA512,
        other => {
            return Err(ProviderError::Other(format!(
                "no aws-lc-rs digest for {other:?}, which OpenSSL runs"
            )));
        }
    };
    Digest::import_less_safe(input, algorithm)
        .map_err(|_| ProviderError::Other("cannot import the digest".into()))
}

fn unsupported(what: &str, alg: AsymmetricSignature, attributes: &Attributes) -> ProviderError {
    ProviderError::NotSupported(format!(
        "the software provider cannot {what} with {alg:?} on a {}-bit RSA key: MD2 and MD4 are \
         not offered, and RSA-PSS needs a key of at least twice the hash's length",
        attributes.bits
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_aws_lc_signing_encoding_also_verifies() {
        for hash in Hash::ALL {
            for scheme in [Signature::Pkcs1v15(Some(*hash)), Signature::Pss(*hash)] {
                if signing_encoding(scheme).is_some() {
                    assert!(verification_parameters(scheme).is_some());
                }
                if verification_parameters(scheme).is_some() {
                    assert!(import_digest(scheme, &vec![0; hash.digest_len()]).is_ok());
                }
            }
        }
    }

    #[test]
    fn every_hash_but_md2_and_md4_signs_at_every_size() {
        for bits in [1024, 2048, 3072, 4096] {
            for hash in Hash::ALL {
                let expected = !matches!(hash, Hash::Md2 | Hash::Md4);
                let hash = SignHash::Specific(*hash);
                for alg in [
                    AsymmetricSignature::RsaPkcs1v15Sign { hash },
                    AsymmetricSignature::RsaPss { hash },
                ] {
                    assert_eq!(supports(alg, true, bits), expected, "{alg:?} {bits}");
                }
            }
            assert!(supports(
                AsymmetricSignature::RsaPkcs1v15SignRaw,
                true,
                bits
            ));
        }
        let sha256 = Signature::Pkcs1v15(Some(Hash::Sha256));
        assert_eq!(engine(sha256, 2048, true), Some(Engine::AwsLc));
        assert_eq!(engine(sha256, 1024, true), Some(Engine::OpenSsl));
        let sha224 = Signature::Pkcs1v15(Some(Hash::Sha224));
        assert_eq!(engine(sha224, 4096, true), Some(Engine::OpenSsl));
    }

    #[test]
    fn wildcards_are_refused_as_operations() {
        let any = AsymmetricSignature::RsaPss {
            hash: SignHash::Any,
        };
        assert!(matches!(
            scheme_of(any),
            Err(ProviderError::InvalidArgument(_))
        ));
        assert!(supports(any, true, 1024));
        assert_eq!(
            scheme_of(AsymmetricSignature::RsaPkcs1v15SignRaw).ok(),
            Some(Signature::Pkcs1v15(None))
        );
        assert!(matches!(
            scheme_of(AsymmetricSignature::EcdsaAny),
            Err(ProviderError::InvalidArgument(_))
        ));
    }

    #[test]
    fn input_lengths_are_checked() {
        let attributes = Attributes::signing_key(
            KeyType::RsaKeyPair,
            1024,
            AsymmetricSignature::RsaPkcs1v15SignRaw,
        );
        let sha384 = Signature::Pkcs1v15(Some(Hash::Sha384));
        assert!(matches!(
            check_input(sha384, &attributes, &[0; 32]),
            Err(ProviderError::InvalidArgument(_))
        ));
        assert!(check_input(sha384, &attributes, &[0; 48]).is_ok());
        let raw = Signature::Pkcs1v15(None);
        assert!(check_input(raw, &attributes, &[0; 117]).is_ok());
        assert!(matches!(
            check_input(raw, &attributes, &[0; 118]),
            Err(ProviderError::InvalidArgument(_))
        ));
    }
}
