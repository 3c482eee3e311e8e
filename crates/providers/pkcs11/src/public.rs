//! Public-key operations in process, for `software_public_operations = true`: verification
//! and encryption with the public key the blob keeps, by aws-lc-rs, with no token call.
//!
//! The token still decides what is supported (the callers check it first), so CanDoCrypto
//! and the answers do not change with the option; only where the work runs does. An
//! algorithm aws-lc-rs has no form for here (raw PKCS#1 v1.5, an ECDSA input longer than
//! P-521's hash) answers `None` and runs on the token.

use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{
    OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OAEP_SHA384_MGF1SHA384, OAEP_SHA512_MGF1SHA512,
    OaepPublicEncryptingKey, Pkcs1PublicEncryptingKey, PublicEncryptingKey, PublicKey,
};
use aws_lc_rs::signature::{self, UnparsedPublicKey, VerificationAlgorithm};
use psc_provider_api::ProviderError;
use psc_psa::{AsymmetricEncryption, AsymmetricSignature, Attributes, Hash, KeyType};

use crate::ec::Curve;

/// Verifies `signature` over `hash` with the key's public part `public` (PSA form), or
/// `None` when this algorithm runs on the token.
pub(crate) fn verify(
    attributes: &Attributes,
    public: &[u8],
    alg: AsymmetricSignature,
    hash: &[u8],
    signature: &[u8],
) -> Option<Result<(), ProviderError>> {
    let (algorithm, digest): (&'static dyn VerificationAlgorithm, Digest) =
        match attributes.key_type {
            KeyType::EccKeyPair { curve_family } | KeyType::EccPublicKey { curve_family } => {
                let curve = Curve::of(curve_family, attributes.bits)?;
                if !matches!(
                    alg,
                    AsymmetricSignature::Ecdsa { .. } | AsymmetricSignature::EcdsaAny
                ) {
                    return None;
                }
                if signature.len() != 2 * curve.scalar_len() {
                    return Some(Err(ProviderError::InvalidSignature));
                }
                ecdsa(curve, hash)?
            }
            KeyType::RsaKeyPair | KeyType::RsaPublicKey => rsa(alg, hash)?,
            _ => return None,
        };
    Some(
        UnparsedPublicKey::new(algorithm, public)
            .verify_digest(&digest, signature)
            .map_err(|_| ProviderError::InvalidSignature),
    )
}

/// The verification algorithm of `curve` and the hash as the digest it takes: the integer
/// ECDSA signs is the hash's leftmost bits, so a shorter hash is padded in front with zeros
/// and a longer one cut to the curve's size (whole bytes for P-256 and P-384; P-521 takes
/// up to SHA-512 unchanged).
fn ecdsa(curve: Curve, hash: &[u8]) -> Option<(&'static dyn VerificationAlgorithm, Digest)> {
    let (algorithm, digest_algorithm): (&'static dyn VerificationAlgorithm, _) = match curve {
        Curve::P256 => (&signature::ECDSA_P256_SHA256_FIXED, &digest::SHA256),
        Curve::P384 => (&signature::ECDSA_P384_SHA384_FIXED, &digest::SHA384),
        Curve::P521 => (&signature::ECDSA_P521_SHA512_FIXED, &digest::SHA512),
    };
    let len = digest_algorithm.output_len();
    if curve == Curve::P521 && hash.len() > len {
        return None;
    }
    let mut e = vec![0; len];
    let kept = hash.len().min(len);
    e[len - kept..].copy_from_slice(&hash[..kept]);
    let digest = Digest::import_less_safe(&e, digest_algorithm).ok()?;
    Some((algorithm, digest))
}

/// The RSA verification algorithm for `alg` and the hash as its digest (PSS with a salt as
/// long as the hash, as the token signs).
fn rsa(
    alg: AsymmetricSignature,
    hash: &[u8],
) -> Option<(&'static dyn VerificationAlgorithm, Digest)> {
    let (algorithm, digest_algorithm): (&'static dyn VerificationAlgorithm, _) = match alg {
        AsymmetricSignature::RsaPkcs1v15Sign { hash } => match hash.specific()? {
            Hash::Sha256 => (&signature::RSA_PKCS1_2048_8192_SHA256, &digest::SHA256),
            Hash::Sha384 => (&signature::RSA_PKCS1_2048_8192_SHA384, &digest::SHA384),
            Hash::Sha512 => (&signature::RSA_PKCS1_2048_8192_SHA512, &digest::SHA512),
            _ => return None,
        },
        AsymmetricSignature::RsaPss { hash } => match hash.specific()? {
            Hash::Sha256 => (&signature::RSA_PSS_2048_8192_SHA256, &digest::SHA256),
            Hash::Sha384 => (&signature::RSA_PSS_2048_8192_SHA384, &digest::SHA384),
            Hash::Sha512 => (&signature::RSA_PSS_2048_8192_SHA512, &digest::SHA512),
            _ => return None,
        },
        _ => return None,
    };
    let digest = Digest::import_less_safe(hash, digest_algorithm).ok()?;
    Some((algorithm, digest))
}

/// Encrypts `plaintext` for the RSA public key `public` (PKCS#1 `RSAPublicKey` DER), or
/// `None` when this algorithm runs on the token. The message's length is checked before.
pub(crate) fn encrypt(
    public: &[u8],
    alg: AsymmetricEncryption,
    plaintext: &[u8],
    label: &[u8],
) -> Option<Result<Vec<u8>, ProviderError>> {
    let broken = |what: &str| ProviderError::Other(format!("in-process encryption: {what}"));
    let key = PublicKey::from_der(public)
        .ok()
        .and_then(|key| key.as_der().ok())
        .and_then(|spki| PublicEncryptingKey::from_der(spki.as_ref()).ok());
    let Some(key) = key else {
        return Some(Err(broken("the key's public part does not parse")));
    };
    let mut ciphertext = vec![0; key.key_size_bytes()];
    let written = match alg {
        AsymmetricEncryption::RsaPkcs1v15Crypt => Pkcs1PublicEncryptingKey::new(key)
            .and_then(|key| key.encrypt(plaintext, &mut ciphertext).map(|c| c.len())),
        AsymmetricEncryption::RsaOaep { hash } => {
            let oaep = match hash {
                Hash::Sha1 => &OAEP_SHA1_MGF1SHA1,
                Hash::Sha256 => &OAEP_SHA256_MGF1SHA256,
                Hash::Sha384 => &OAEP_SHA384_MGF1SHA384,
                Hash::Sha512 => &OAEP_SHA512_MGF1SHA512,
                _ => return None,
            };
            OaepPublicEncryptingKey::new(key).and_then(|key| {
                key.encrypt(oaep, plaintext, &mut ciphertext, Some(label))
                    .map(|c| c.len())
            })
        }
    };
    Some(match written {
        Ok(len) => {
            ciphertext.truncate(len);
            Ok(ciphertext)
        }
        Err(_) => Err(broken("aws-lc-rs refused the message")),
    })
}
