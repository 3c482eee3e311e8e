//! Elliptic-curve keys: which curves this provider handles, the forms a key takes, export,
//! and ECDH.
//!
//! | curve (PSA family, bits) | keys | ECDSA | ECDH |
//! |---|---|---|---|
//! | SECP_R1 256, 384, 521 | aws-lc-rs | aws-lc-rs; RustCrypto for RFC 6979 and wide P-521 inputs | aws-lc-rs |
//! | SECP_K1 256 | aws-lc-rs; public point of an import: k256 | same as SECP_R1 | k256 |
//! | MONTGOMERY 255 (X25519) | aws-lc-rs | none: agreement only | aws-lc-rs |
//! | MONTGOMERY 448 (X448) | OpenSSL (`ecc/x448.rs`) | none: agreement only | OpenSSL |
//! | SECP_R1 192, 224; SECP_K1 192; BRAINPOOL_P_R1 160, 192, 224, 256, 320, 384, 512 | OpenSSL (`ecc/ossl.rs`) | OpenSSL, randomized only: deterministic ECDSA is NotSupported | OpenSSL |
//!
//! Every other family or size answers NotSupported: SECP_K1 225 (secp224k1, whose 225-bit
//! scalars PSA's 29-byte format and the curve's 28-byte coordinates do not match; Mbed TLS's
//! PSA layer refuses it too), SECP_R2, the binary curves SECT_K1, SECT_R1 and SECT_R2 (Mbed
//! TLS, the original's engine, has no binary curves) and FRP. Formats (PSA): a Weierstrass private key
//! is the big-endian scalar of `ceil(bits/8)` bytes and a public key `0x04 ‖ X ‖ Y`; an
//! X25519 (X448) private key is the 32-byte (56-byte) little-endian scalar, clamped, and a
//! public key the u-coordinate of that length. Sealed forms: `ecc/weierstrass.rs`,
//! `ecc/ossl.rs`, `ecc/x25519.rs` and `ecc/x448.rs`; the ECDSA
//! routing between aws-lc-rs and RustCrypto: `ecdsa.rs`.

use aws_lc_rs::signature::{EcdsaKeyPair, KeyPair};
use psc_provider_api::ProviderError;
use psc_psa::{
    Algorithm, AsymmetricSignature, Attributes, EccFamily, KeyAgreement, KeyType, RawKeyAgreement,
    SecretBytes,
};

mod curve;
mod ossl;
pub(crate) mod rfc6979;
mod secp256k1;
mod weierstrass;
mod x25519;
mod x448;

pub(crate) use curve::Curve;
pub(crate) use weierstrass::ecdsa_algorithms;

use crate::ecdsa;

/// An elliptic-curve key ready for use, opened from its blob.
pub(crate) struct EccKey {
    curve: Curve,
    /// The public key in PSA format.
    public: Vec<u8>,
    /// The private half of a key pair; `None` for a public key.
    private: Option<Private>,
}

/// A private key in the form its operations take.
enum Private {
    /// P-256, P-384, P-521, secp256k1: aws-lc-rs's key, which holds the public point too.
    Weierstrass(EcdsaKeyPair),
    /// X25519 or X448: the clamped scalar.
    Montgomery(SecretBytes),
    /// The curves OpenSSL runs (`ecc/ossl.rs`): the big-endian scalar.
    OpenSsl(SecretBytes),
}

impl EccKey {
    /// Parses the plaintext of a blob whose attributes name an ECC key.
    pub(crate) fn from_sealed(
        attributes: &Attributes,
        plaintext: &[u8],
    ) -> Result<EccKey, ProviderError> {
        let (curve_family, pair) = match attributes.key_type {
            KeyType::EccKeyPair { curve_family } => (curve_family, true),
            KeyType::EccPublicKey { curve_family } => (curve_family, false),
            other => {
                return Err(ProviderError::InvalidArgument(format!(
                    "{other:?} is not an elliptic-curve key"
                )));
            }
        };
        let curve = Curve::new(curve_family, attributes.bits)
            .ok_or_else(|| curve::unsupported(curve_family, attributes.bits))?;
        if pair {
            EccKey::open_pair(curve, plaintext)
        } else {
            check_public(curve, plaintext).map_err(|_| {
                ProviderError::CorruptKey(format!("the sealed {curve:?} public key does not parse"))
            })?;
            Ok(EccKey {
                curve,
                public: plaintext.to_vec(),
                private: None,
            })
        }
    }

    fn open_pair(curve: Curve, sealed: &[u8]) -> Result<EccKey, ProviderError> {
        let (public, private) = if curve == Curve::X448 {
            let scalar = SecretBytes::from(sealed);
            (x448::public_key(&scalar)?, Private::Montgomery(scalar))
        } else if curve.is_montgomery() {
            let scalar = SecretBytes::from(sealed);
            (x25519::public_key(&scalar)?, Private::Montgomery(scalar))
        } else if curve.is_openssl() {
            let public = ossl::public_point(curve, sealed).map_err(|_| {
                ProviderError::CorruptKey(format!("the sealed {curve:?} key does not parse"))
            })?;
            (public, Private::OpenSsl(SecretBytes::from(sealed)))
        } else {
            let pair = weierstrass::open_pair(curve, sealed)?;
            (
                pair.public_key().as_ref().to_vec(),
                Private::Weierstrass(pair),
            )
        };
        Ok(EccKey {
            curve,
            public,
            private: Some(private),
        })
    }

    /// The public key in PSA format.
    pub(crate) fn public_point(&self) -> &[u8] {
        &self.public
    }

    /// The key's curve.
    pub(crate) fn curve(&self) -> Curve {
        self.curve
    }

    /// aws-lc-rs's ECDSA key of a Weierstrass key pair; a public key cannot sign.
    pub(crate) fn ecdsa_pair(&self) -> Result<&EcdsaKeyPair, ProviderError> {
        match &self.private {
            Some(Private::Weierstrass(pair)) => Ok(pair),
            Some(Private::Montgomery(_)) => Err(ProviderError::InvalidArgument(format!(
                "a {:?} key is for key agreement only, not ECDSA",
                self.curve
            ))),
            Some(Private::OpenSsl(_)) => Err(ProviderError::Other(format!(
                "{:?} is OpenSSL's, not aws-lc-rs's",
                self.curve
            ))),
            None => Err(ProviderError::InvalidArgument(
                "a public key cannot sign: import or generate the key pair".into(),
            )),
        }
    }

    /// The private key in PSA format; InvalidArgument for a public key.
    pub(crate) fn private_key(&self) -> Result<SecretBytes, ProviderError> {
        match &self.private {
            Some(Private::Weierstrass(pair)) => weierstrass::scalar(self.curve, pair),
            Some(Private::Montgomery(scalar) | Private::OpenSsl(scalar)) => Ok(scalar.clone()),
            None => Err(ProviderError::InvalidArgument(
                "a public key has no private part".into(),
            )),
        }
    }
}

/// A randomized ECDSA signature on a curve OpenSSL runs; a public key cannot sign.
pub(crate) fn openssl_sign(key: &EccKey, input: &[u8]) -> Result<Vec<u8>, ProviderError> {
    match &key.private {
        Some(Private::OpenSsl(scalar)) => ossl::sign(key.curve, scalar, input),
        _ => Err(ProviderError::InvalidArgument(
            "a public key cannot sign: import or generate the key pair".into(),
        )),
    }
}

/// Verifies an ECDSA signature on a curve OpenSSL runs.
pub(crate) fn openssl_verify(
    key: &EccKey,
    input: &[u8],
    signature: &[u8],
) -> Result<(), ProviderError> {
    ossl::verify(key.curve, &key.public, input, signature)
}

/// Generates a key pair; answers its sealed form.
pub(crate) fn generate(curve_family: EccFamily, bits: u32) -> Result<SecretBytes, ProviderError> {
    if bits == 0 {
        return Err(ProviderError::InvalidArgument(
            "generating an elliptic-curve key needs its size".into(),
        ));
    }
    let curve =
        Curve::new(curve_family, bits).ok_or_else(|| curve::unsupported(curve_family, bits))?;
    if curve == Curve::X448 {
        x448::generate()
    } else if curve.is_montgomery() {
        x25519::generate()
    } else if curve.is_openssl() {
        ossl::generate(curve)
    } else {
        weierstrass::generate(curve)
    }
}

/// Imports a private key in PSA format; answers the sealed form and the key size. `bits`
/// may be 0 (take the size from the data).
pub(crate) fn import_pair(
    curve_family: EccFamily,
    bits: u32,
    data: &[u8],
) -> Result<(SecretBytes, u32), ProviderError> {
    let curve = curve::for_import(curve_family, bits, data.len(), false)?;
    let material = if curve == Curve::X448 {
        x448::import(data)?
    } else if curve.is_montgomery() {
        x25519::import(data)?
    } else if curve.is_openssl() {
        ossl::import_scalar(curve, data)?
    } else {
        weierstrass::import_scalar(curve, data)?
    };
    Ok((material, curve.bits()))
}

/// Imports a public key in PSA format; answers the sealed form (the same bytes) and the key
/// size. `bits` may be 0 (take the size from the data).
pub(crate) fn import_public(
    curve_family: EccFamily,
    bits: u32,
    data: &[u8],
) -> Result<(SecretBytes, u32), ProviderError> {
    let curve = curve::for_import(curve_family, bits, data.len(), true)?;
    check_public(curve, data)?;
    Ok((SecretBytes::from(data), curve.bits()))
}

/// Checks a public key in PSA format.
fn check_public(curve: Curve, data: &[u8]) -> Result<(), ProviderError> {
    if curve == Curve::X448 {
        x448::check_public(data)
    } else if curve.is_montgomery() {
        x25519::check_public(data)
    } else if curve.is_openssl() {
        ossl::check_point(curve, data)
    } else {
        weierstrass::check_point(curve, data)
    }
}

/// The key in PSA export format: the private key of a pair, the public key of a public key.
pub(crate) fn export(
    attributes: &Attributes,
    material: &[u8],
) -> Result<SecretBytes, ProviderError> {
    let key = EccKey::from_sealed(attributes, material)?;
    if key.private.is_some() {
        key.private_key()
    } else {
        Ok(SecretBytes::from(key.public_point()))
    }
}

/// The raw ECDH shared secret (PSA: the x-coordinate, `ceil(bits/8)` bytes; X25519: the
/// 32-byte output) of a key pair and a peer public key in PSA format. A malformed peer key,
/// or one off the curve or of small order, is InvalidArgument.
pub(crate) fn agree(
    attributes: &Attributes,
    material: &[u8],
    peer_key: &[u8],
) -> Result<SecretBytes, ProviderError> {
    let key = EccKey::from_sealed(attributes, material)?;
    match &key.private {
        Some(Private::Weierstrass(pair)) => weierstrass::agree(key.curve, pair, peer_key),
        Some(Private::Montgomery(scalar)) if key.curve == Curve::X448 => {
            x448::agree(scalar, peer_key)
        }
        Some(Private::Montgomery(scalar)) => x25519::agree(scalar, peer_key),
        Some(Private::OpenSsl(scalar)) => ossl::agree(key.curve, scalar, peer_key),
        None => Err(ProviderError::InvalidArgument(
            "key agreement needs a key pair, not a public key".into(),
        )),
    }
}

/// Whether keys on this curve can be created (`public`: public keys, else key pairs). `bits`
/// 0 means any size of the family.
pub(crate) fn supports_key(curve_family: EccFamily, bits: u32, public: bool) -> bool {
    let _ = public; // Every supported curve has both halves.
    curves(curve_family, bits).next().is_some()
}

/// Whether a key like `attributes` can run `alg` (a policy wildcard hash: with some hash).
pub(crate) fn supports_alg(attributes: &Attributes, alg: Algorithm) -> bool {
    let (family, public) = match attributes.key_type {
        KeyType::EccKeyPair { curve_family } => (curve_family, false),
        KeyType::EccPublicKey { curve_family } => (curve_family, true),
        _ => return false,
    };
    curves(family, attributes.bits).any(|curve| curve_supports(curve, public, alg))
}

/// The supported curves of a family, at one size or (`bits` 0) at all.
fn curves(family: EccFamily, bits: u32) -> impl Iterator<Item = Curve> {
    Curve::ALL
        .into_iter()
        .filter(move |curve| curve.family() == family && (bits == 0 || curve.bits() == bits))
}

fn curve_supports(curve: Curve, public: bool, alg: Algorithm) -> bool {
    match alg {
        // OpenSSL 3.0 has no deterministic ECDSA.
        Algorithm::AsymmetricSignature(AsymmetricSignature::DeterministicEcdsa { .. })
            if curve.is_openssl() =>
        {
            false
        }
        Algorithm::AsymmetricSignature(sig) => !curve.is_montgomery() && ecdsa::supports(sig),
        // Agreement needs the private key.
        Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh)) => !public,
        _ => false,
    }
}
