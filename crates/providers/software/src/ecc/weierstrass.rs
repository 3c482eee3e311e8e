//! Weierstrass keys (P-256, P-384, P-521, secp256k1) with aws-lc-rs.
//!
//! A key pair is sealed as its PKCS#8 v1 `PrivateKeyInfo` DER (RFC 5208, with the RFC 5915
//! `ECPrivateKey` carrying the public point), the form aws-lc-rs parses and checks in one
//! step; P-256 keys sealed before the other curves existed have this form too. A public key
//! is sealed in PSA format, the uncompressed point.

use aws_lc_rs::agreement::{self, ECDH_P256, ECDH_P384, ECDH_P521, UnparsedPublicKey};
use aws_lc_rs::encoding::{AsBigEndian, EcPrivateKeyBin};
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P256K1_SHA256_FIXED,
    ECDSA_P256K1_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED, ECDSA_P384_SHA384_FIXED_SIGNING,
    ECDSA_P521_SHA512_FIXED, ECDSA_P521_SHA512_FIXED_SIGNING, EcdsaKeyPair, EcdsaSigningAlgorithm,
    EcdsaVerificationAlgorithm, ParsedPublicKey,
};
use psc_provider_api::ProviderError;
use psc_psa::SecretBytes;

use super::Curve;
use super::secp256k1;

/// The aws-lc-rs ECDSA algorithms a curve's keys are parsed with. Each pairs the curve with
/// the one hash whose digest length carries every integer ECDSA signs on it (see
/// `ecdsa.rs`): SHA-256 for the 256-bit curves, SHA-384 for P-384, SHA-512 for P-521.
pub(crate) fn ecdsa_algorithms(
    curve: Curve,
) -> Result<
    (
        &'static EcdsaSigningAlgorithm,
        &'static EcdsaVerificationAlgorithm,
    ),
    ProviderError,
> {
    match curve {
        Curve::P256 => Ok((&ECDSA_P256_SHA256_FIXED_SIGNING, &ECDSA_P256_SHA256_FIXED)),
        Curve::P384 => Ok((&ECDSA_P384_SHA384_FIXED_SIGNING, &ECDSA_P384_SHA384_FIXED)),
        Curve::P521 => Ok((&ECDSA_P521_SHA512_FIXED_SIGNING, &ECDSA_P521_SHA512_FIXED)),
        Curve::Secp256k1 => Ok((
            &ECDSA_P256K1_SHA256_FIXED_SIGNING,
            &ECDSA_P256K1_SHA256_FIXED,
        )),
        Curve::X25519 | Curve::X448 => Err(ProviderError::InvalidArgument(
            "an X25519 or X448 key is for key agreement only, not ECDSA".into(),
        )),
        other => Err(ProviderError::Other(format!(
            "{other:?} is OpenSSL's, not aws-lc-rs's"
        ))),
    }
}

/// Generates a key pair; answers its sealed form (PKCS#8 DER).
pub(super) fn generate(curve: Curve) -> Result<SecretBytes, ProviderError> {
    let (signing, _) = ecdsa_algorithms(curve)?;
    let pair = EcdsaKeyPair::generate(signing)
        .map_err(|_| ProviderError::Other(format!("{curve:?} key generation failed")))?;
    pkcs8(&pair)
}

/// Imports a private scalar in PSA format (big-endian, `0 < d < n`, length already checked);
/// answers the sealed form.
pub(super) fn import_scalar(curve: Curve, scalar: &[u8]) -> Result<SecretBytes, ProviderError> {
    let (signing, _) = ecdsa_algorithms(curve)?;
    // aws-lc-rs has no ECDSA import from a bare scalar: derive the public point, then build
    // the pair from both halves. Both steps reject 0 and scalars >= n.
    let public = public_point(curve, scalar)?;
    let pair = EcdsaKeyPair::from_private_key_and_public_key(signing, scalar, &public)
        .map_err(|_| invalid_scalar(curve))?;
    pkcs8(&pair)
}

/// Opens a sealed key pair; data that does not parse as this curve's key is corrupt.
pub(super) fn open_pair(curve: Curve, sealed: &[u8]) -> Result<EcdsaKeyPair, ProviderError> {
    let (signing, _) = ecdsa_algorithms(curve)?;
    EcdsaKeyPair::from_pkcs8(signing, sealed).map_err(|_| {
        ProviderError::CorruptKey(format!("the sealed {curve:?} key pair does not parse"))
    })
}

/// The private scalar in PSA format, in a buffer that wipes itself.
pub(super) fn scalar(curve: Curve, pair: &EcdsaKeyPair) -> Result<SecretBytes, ProviderError> {
    let bytes: EcPrivateKeyBin<'static> = pair
        .private_key()
        .as_be_bytes()
        .map_err(|_| ProviderError::Other(format!("cannot serialise the {curve:?} scalar")))?;
    Ok(SecretBytes::from(bytes.as_ref()))
}

/// Checks a public key in PSA format: the uncompressed form, of the curve's length, on the
/// curve (aws-lc-rs also refuses the point at infinity).
pub(super) fn check_point(curve: Curve, point: &[u8]) -> Result<(), ProviderError> {
    let (_, verification) = ecdsa_algorithms(curve)?;
    if point.len() != curve.public_len() || point.first() != Some(&0x04) {
        return Err(ProviderError::InvalidArgument(format!(
            "a {curve:?} public key is {} bytes: 0x04 then X and Y",
            curve.public_len()
        )));
    }
    ParsedPublicKey::new(verification, point)
        .map(drop)
        .map_err(|_| ProviderError::InvalidArgument(format!("the point is not on {curve:?}")))
}

/// The raw ECDH shared secret (the x-coordinate) with a peer point in PSA format.
pub(super) fn agree(
    curve: Curve,
    pair: &EcdsaKeyPair,
    peer: &[u8],
) -> Result<SecretBytes, ProviderError> {
    check_point(curve, peer)?;
    let scalar = scalar(curve, pair)?;
    if curve == Curve::Secp256k1 {
        return secp256k1::agree(&scalar, peer);
    }
    let key = agreement::PrivateKey::from_private_key(ecdh_algorithm(curve)?, &scalar)
        .map_err(|_| invalid_scalar(curve))?;
    let invalid = ProviderError::InvalidArgument(format!("the peer key is not on {curve:?}"));
    agreement::agree(
        &key,
        UnparsedPublicKey::new(ecdh_algorithm(curve)?, peer),
        invalid,
        |secret| Ok(SecretBytes::from(secret)),
    )
}

/// The uncompressed public point of a private scalar.
fn public_point(curve: Curve, scalar: &[u8]) -> Result<Vec<u8>, ProviderError> {
    if curve == Curve::Secp256k1 {
        return secp256k1::public_point(scalar);
    }
    let public = agreement::PrivateKey::from_private_key(ecdh_algorithm(curve)?, scalar)
        .map_err(|_| invalid_scalar(curve))?
        .compute_public_key()
        .map_err(|_| ProviderError::Other(format!("cannot derive the {curve:?} public key")))?;
    Ok(public.as_ref().to_vec())
}

/// aws-lc-rs's ECDH on the NIST curves; secp256k1 goes through k256.
fn ecdh_algorithm(curve: Curve) -> Result<&'static agreement::Algorithm, ProviderError> {
    match curve {
        Curve::P256 => Ok(&ECDH_P256),
        Curve::P384 => Ok(&ECDH_P384),
        Curve::P521 => Ok(&ECDH_P521),
        _ => Err(ProviderError::Other(format!(
            "no aws-lc-rs ECDH for {curve:?}"
        ))),
    }
}

fn pkcs8(pair: &EcdsaKeyPair) -> Result<SecretBytes, ProviderError> {
    // The document wipes itself on drop; the copy lives in a wiped buffer too.
    let document = pair
        .to_pkcs8v1()
        .map_err(|_| ProviderError::Other("cannot serialise the key pair".into()))?;
    Ok(SecretBytes::from(document.as_ref()))
}

fn invalid_scalar(curve: Curve) -> ProviderError {
    ProviderError::InvalidArgument(format!("not a valid {curve:?} private key"))
}
