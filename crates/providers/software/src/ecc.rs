//! Elliptic-curve key material: which curves this provider handles, and the forms a key takes.
//!
//! Only SECP_R1 P-256 for now. Inside a sealed blob, a key pair is its PKCS#8 v1
//! `PrivateKeyInfo` DER (RFC 5208, with the RFC 5915 `ECPrivateKey` carrying the public point),
//! and a public key is its 65-byte uncompressed SEC1 point, the PSA format.

use aws_lc_rs::agreement::{self, ECDH_P256};
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair,
    ParsedPublicKey,
};
use psc_provider_api::ProviderError;
use psc_psa::{Attributes, EccFamily, KeyType, SecretBytes};

/// The size in bits of the one curve supported.
pub(crate) const P256_BITS: u32 = 256;
/// A P-256 private scalar in PSA format: big-endian, 32 bytes.
const P256_SCALAR_LEN: usize = 32;
/// A P-256 public key in PSA format: `0x04 ‖ X ‖ Y`.
const P256_POINT_LEN: usize = 65;

/// An elliptic-curve key ready for use, opened from its blob.
pub(crate) enum EccKey {
    /// A key pair: signs and verifies.
    Pair(EcdsaKeyPair),
    /// A public key: verifies only.
    Public(ParsedPublicKey),
}

impl EccKey {
    /// Parses the plaintext of a blob whose attributes name an ECC key.
    pub(crate) fn from_sealed(
        attributes: &Attributes,
        plaintext: &[u8],
    ) -> Result<EccKey, ProviderError> {
        match attributes.key_type {
            KeyType::EccKeyPair { curve_family } => {
                check_curve(curve_family, attributes.bits)?;
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, plaintext)
                    .map(EccKey::Pair)
                    .map_err(|_| corrupt("the sealed P-256 key pair does not parse"))
            }
            KeyType::EccPublicKey { curve_family } => {
                check_curve(curve_family, attributes.bits)?;
                parse_point(plaintext).map_err(|_| corrupt("the sealed P-256 point does not parse"))
            }
            other => Err(ProviderError::InvalidArgument(format!(
                "{other:?} is not an elliptic-curve key"
            ))),
        }
    }

    /// The public key in PSA format: the uncompressed point.
    pub(crate) fn public_point(&self) -> &[u8] {
        match self {
            EccKey::Pair(pair) => pair.public_key().as_ref(),
            EccKey::Public(public) => public.as_ref(),
        }
    }
}

/// Generates a P-256 key pair; answers its sealed form (PKCS#8 DER).
pub(crate) fn generate(curve_family: EccFamily, bits: u32) -> Result<SecretBytes, ProviderError> {
    check_curve(curve_family, bits)?;
    let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
        .map_err(|_| ProviderError::Other("P-256 key generation failed".into()))?;
    pkcs8(&pair)
}

/// Imports a private scalar in PSA format (32 bytes big-endian, `0 < d < n`); answers the
/// sealed form and the key size. `bits` may be 0 (take the size from the data).
pub(crate) fn import_pair(
    curve_family: EccFamily,
    bits: u32,
    scalar: &[u8],
) -> Result<(SecretBytes, u32), ProviderError> {
    check_import(curve_family, bits, scalar.len(), P256_SCALAR_LEN)?;
    // aws-lc-rs has no ECDSA import from a bare scalar: derive the public point through ECDH,
    // then build the pair from both halves. Both steps reject 0 and scalars >= n.
    let invalid = |_| ProviderError::InvalidArgument("not a valid P-256 private key".into());
    let public = agreement::PrivateKey::from_private_key(&ECDH_P256, scalar)
        .map_err(invalid)?
        .compute_public_key()
        .map_err(|_| ProviderError::Other("cannot derive the P-256 public key".into()))?;
    let pair = EcdsaKeyPair::from_private_key_and_public_key(
        &ECDSA_P256_SHA256_FIXED_SIGNING,
        scalar,
        public.as_ref(),
    )
    .map_err(invalid)?;
    Ok((pkcs8(&pair)?, P256_BITS))
}

/// Imports a public key in PSA format (an uncompressed point on the curve); answers the
/// sealed form and the key size. `bits` may be 0 (take the size from the data).
pub(crate) fn import_public(
    curve_family: EccFamily,
    bits: u32,
    point: &[u8],
) -> Result<(SecretBytes, u32), ProviderError> {
    check_import(curve_family, bits, point.len(), P256_POINT_LEN)?;
    parse_point(point)?;
    Ok((SecretBytes::from(point), P256_BITS))
}

/// Validates an uncompressed P-256 point: length, form byte, and on the curve.
fn parse_point(point: &[u8]) -> Result<EccKey, ProviderError> {
    if point.len() != P256_POINT_LEN || point.first() != Some(&0x04) {
        return Err(ProviderError::InvalidArgument(format!(
            "a P-256 public key is {P256_POINT_LEN} bytes: 0x04 then X and Y"
        )));
    }
    ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
        .map(EccKey::Public)
        .map_err(|_| ProviderError::InvalidArgument("the point is not on P-256".into()))
}

/// Only SECP_R1 at 256 bits is supported.
fn check_curve(curve_family: EccFamily, bits: u32) -> Result<(), ProviderError> {
    if curve_family == EccFamily::SecpR1 && bits == P256_BITS {
        Ok(())
    } else {
        Err(ProviderError::NotSupported(format!(
            "the software provider supports only SECP_R1 P-256 elliptic-curve keys, \
             not {curve_family:?} with {bits} bits"
        )))
    }
}

/// Checks an import of `len` bytes, where P-256 data is `p256_len` bytes. A size that
/// contradicts the data is InvalidArgument; another family or curve size is NotSupported.
fn check_import(
    curve_family: EccFamily,
    bits: u32,
    len: usize,
    p256_len: usize,
) -> Result<(), ProviderError> {
    let declared = if bits == 0 { P256_BITS } else { bits };
    let other_curve = declared != P256_BITS && curve_family.curve_bits().contains(&declared);
    if curve_family != EccFamily::SecpR1 || (other_curve && len != p256_len) {
        return check_curve(curve_family, declared);
    }
    if len != p256_len {
        return Err(ProviderError::InvalidArgument(format!(
            "P-256 key data is {p256_len} bytes, not {len}"
        )));
    }
    if declared != P256_BITS {
        return Err(ProviderError::InvalidArgument(format!(
            "the key data is P-256 (256 bits) but the attributes declare {bits} bits"
        )));
    }
    Ok(())
}

fn pkcs8(pair: &EcdsaKeyPair) -> Result<SecretBytes, ProviderError> {
    // The document wipes itself on drop; the copy lives in a wiped buffer too.
    let document = pair
        .to_pkcs8v1()
        .map_err(|_| ProviderError::Other("cannot serialise the P-256 key".into()))?;
    Ok(SecretBytes::from(document.as_ref()))
}

fn corrupt(why: &str) -> ProviderError {
    ProviderError::CorruptKey(why.into())
}

/// The key in PSA export format: the private scalar of a pair, the point of a public key.
pub(crate) fn export(
    attributes: &Attributes,
    material: &[u8],
) -> Result<SecretBytes, ProviderError> {
    let _ = (attributes, material);
    Err(ProviderError::NotSupported(
        "exporting elliptic-curve keys is not implemented yet".into(),
    ))
}

/// The raw ECDH shared secret of a key pair and a peer public key in PSA format.
pub(crate) fn agree(
    attributes: &Attributes,
    material: &[u8],
    peer_key: &[u8],
) -> Result<SecretBytes, ProviderError> {
    let _ = (attributes, material, peer_key);
    Err(ProviderError::NotSupported(
        "ECDH is not implemented yet".into(),
    ))
}

/// Whether keys on this curve can be created (`public`: public keys, else key pairs).
pub(crate) fn supports_key(curve_family: EccFamily, bits: u32, public: bool) -> bool {
    let _ = public;
    curve_family == EccFamily::SecpR1 && (bits == P256_BITS || bits == 0)
}

/// Whether a key like `attributes` can run `alg`.
pub(crate) fn supports_alg(attributes: &Attributes, alg: psc_psa::Algorithm) -> bool {
    use psc_psa::{Algorithm, AsymmetricSignature};
    let _ = attributes;
    matches!(
        alg,
        Algorithm::AsymmetricSignature(
            AsymmetricSignature::Ecdsa { .. } | AsymmetricSignature::EcdsaAny
        )
    )
}
