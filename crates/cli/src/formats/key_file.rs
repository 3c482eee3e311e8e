//! Key files as openssl writes them, turned into what PsaImportKey takes: PKCS#1 DER for RSA,
//! the private scalar padded to the curve size or the uncompressed point for elliptic curves.
//!
//! Accepted, as PEM or as DER: PKCS#8 `PrivateKeyInfo` ("PRIVATE KEY"), SEC1 `ECPrivateKey`
//! ("EC PRIVATE KEY"), PKCS#1 `RSAPrivateKey` and `RSAPublicKey` ("RSA PRIVATE KEY", "RSA
//! PUBLIC KEY") and `SubjectPublicKeyInfo` ("PUBLIC KEY"). Private key bytes only ever live
//! in buffers wiped on drop; the decoders borrow from them.

use psc_client::SecretBytes;
use psc_client::psa::{EccFamily, KeyType};
use spki::der::asn1::UintRef;
use spki::der::{Decode, pem};
use spki::{ObjectIdentifier, SubjectPublicKeyInfoRef};
use zeroize::Zeroizing;

use super::FormatError;
use crate::keys;

/// The PEM label of a PKCS#8 private key.
const PKCS8_LABEL: &str = "PRIVATE KEY";
/// The PEM label of a SEC1 elliptic-curve private key.
const SEC1_LABEL: &str = "EC PRIVATE KEY";
/// The PEM label of a PKCS#1 RSA private key.
const PKCS1_PRIVATE_LABEL: &str = "RSA PRIVATE KEY";
/// The PEM blocks openssl may write before a SEC1 key; skipped.
const SKIPPED_LABELS: &[&str] = &["EC PARAMETERS"];

/// A key ready for PsaImportKey.
#[derive(Debug)]
pub(crate) struct KeyMaterial {
    /// The PSA key type: a pair or a public key.
    pub(crate) key_type: KeyType,
    /// The key size in bits (the modulus or the curve).
    pub(crate) bits: u32,
    /// The key in the PSA import format.
    pub(crate) data: SecretBytes,
    /// The format it was read from, for the log.
    pub(crate) format: &'static str,
}

/// Reads the first key of `input`, PEM (other blocks such as EC PARAMETERS are skipped) or
/// DER (tried as each accepted structure in turn).
///
/// # Errors
/// A [`FormatError`] naming what is wrong with the input.
pub(crate) fn parse(input: &[u8]) -> Result<KeyMaterial, FormatError> {
    let Some(blocks) = pem_blocks(input) else {
        return parse_der(input);
    };
    if contains(input, b"Proc-Type: 4,ENCRYPTED") {
        return Err(FormatError::Encrypted);
    }
    for block in blocks {
        let (label, der) = pem::decode_vec(block).map_err(FormatError::Pem)?;
        let der = Zeroizing::new(der);
        if !SKIPPED_LABELS.contains(&label) {
            return parse_labelled(label, &der);
        }
    }
    Err(FormatError::NotAKey)
}

/// The PEM blocks of `input`, from each `-----BEGIN` to the end of its `-----END` line, or
/// `None` when it has none (DER).
fn pem_blocks(input: &[u8]) -> Option<Vec<&[u8]>> {
    let begin = b"-----BEGIN ";
    let mut blocks = Vec::new();
    let mut rest = input;
    while let Some(start) = find(rest, begin) {
        let block = &rest[start..];
        let end = find(block, b"-----END ");
        // The END line ends with five dashes after its label.
        let stop = end
            .and_then(|end| find(&block[end + 9..], b"-----").map(|dashes| end + 9 + dashes + 5))
            .unwrap_or(block.len());
        blocks.push(&block[..stop]);
        rest = &block[stop..];
    }
    (!blocks.is_empty()).then_some(blocks)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

fn parse_labelled(label: &str, der: &[u8]) -> Result<KeyMaterial, FormatError> {
    match label {
        PKCS8_LABEL => pkcs8_private(der),
        SEC1_LABEL => sec1_private(der, None),
        PKCS1_PRIVATE_LABEL => rsa_private(der, "PKCS#1"),
        keys::PKCS1_LABEL => rsa_public(der, "PKCS#1"),
        keys::SPKI_LABEL => public_key_info(der),
        "ENCRYPTED PRIVATE KEY" => Err(FormatError::Encrypted),
        other => Err(FormatError::Label(other.to_owned())),
    }
}

/// DER has no label: the first structure that decodes wins. A PKCS#8 key and a
/// SubjectPublicKeyInfo start with an AlgorithmIdentifier, which the others cannot mistake.
fn parse_der(der: &[u8]) -> Result<KeyMaterial, FormatError> {
    if der.first() != Some(&0x30) {
        return Err(FormatError::NotAKey);
    }
    if pkcs8::PrivateKeyInfoRef::from_der(der).is_ok() {
        return pkcs8_private(der);
    }
    if SubjectPublicKeyInfoRef::from_der(der).is_ok() {
        return public_key_info(der);
    }
    if sec1::EcPrivateKey::from_der(der).is_ok() {
        return sec1_private(der, None);
    }
    if pkcs1::RsaPrivateKeyRef::from_der(der).is_ok() {
        return rsa_private(der, "PKCS#1 DER");
    }
    if pkcs1::RsaPublicKeyRef::from_der(der).is_ok() {
        return rsa_public(der, "PKCS#1 DER");
    }
    Err(FormatError::NotAKey)
}

fn der_error(what: &'static str) -> impl FnOnce(spki::der::Error) -> FormatError {
    move |source| FormatError::Der { what, source }
}

fn pkcs8_private(der: &[u8]) -> Result<KeyMaterial, FormatError> {
    let info = pkcs8::PrivateKeyInfoRef::from_der(der).map_err(der_error("PKCS#8 key"))?;
    let inner = info.private_key.as_bytes();
    let oid = info.algorithm.oid;
    if oid == pkcs1::ALGORITHM_OID {
        return rsa_private(inner, "PKCS#8");
    }
    if oid != sec1::ALGORITHM_OID {
        return Err(FormatError::Algorithm(oid));
    }
    let curve = info
        .algorithm
        .parameters_oid()
        .map_err(|_| FormatError::NoCurve)?;
    sec1_private(inner, Some(curve)).map(|key| KeyMaterial {
        format: "PKCS#8",
        ..key
    })
}

/// A SEC1 `ECPrivateKey`; `outer` is the curve the PKCS#8 wrapper names, if any.
fn sec1_private(der: &[u8], outer: Option<ObjectIdentifier>) -> Result<KeyMaterial, FormatError> {
    let key = sec1::EcPrivateKey::from_der(der).map_err(der_error("SEC1 EC key"))?;
    let inner = key.parameters.and_then(|p| p.named_curve());
    let oid = outer.or(inner).ok_or(FormatError::NoCurve)?;
    let (family, bits) = curve(oid)?;
    let size = scalar_len(bits);
    // Some encoders drop the scalar's leading zero bytes; PSA wants exactly the curve size.
    let scalar = strip_zeros(key.private_key);
    let padding = size
        .checked_sub(scalar.len())
        .ok_or(FormatError::EcSize("private key"))?;
    let mut data = SecretBytes::new(vec![0; size]);
    data.as_mut_bytes()[padding..].copy_from_slice(scalar);
    Ok(KeyMaterial {
        key_type: KeyType::EccKeyPair {
            curve_family: family,
        },
        bits,
        data,
        format: "SEC1",
    })
}

fn rsa_private(der: &[u8], format: &'static str) -> Result<KeyMaterial, FormatError> {
    let key = pkcs1::RsaPrivateKeyRef::from_der(der).map_err(der_error("RSA private key"))?;
    Ok(KeyMaterial {
        key_type: KeyType::RsaKeyPair,
        bits: modulus_bits(key.modulus),
        data: SecretBytes::from(der),
        format,
    })
}

fn rsa_public(der: &[u8], format: &'static str) -> Result<KeyMaterial, FormatError> {
    let key = pkcs1::RsaPublicKeyRef::from_der(der).map_err(der_error("RSA public key"))?;
    Ok(KeyMaterial {
        key_type: KeyType::RsaPublicKey,
        bits: modulus_bits(key.modulus),
        data: SecretBytes::from(der),
        format,
    })
}

fn public_key_info(der: &[u8]) -> Result<KeyMaterial, FormatError> {
    let info = SubjectPublicKeyInfoRef::from_der(der).map_err(der_error("public key"))?;
    let public = info.subject_public_key.raw_bytes();
    let oid = info.algorithm.oid;
    if oid == pkcs1::ALGORITHM_OID {
        return rsa_public(public, "SubjectPublicKeyInfo");
    }
    if oid != sec1::ALGORITHM_OID {
        return Err(FormatError::Algorithm(oid));
    }
    let curve_oid = info
        .algorithm
        .parameters_oid()
        .map_err(|_| FormatError::NoCurve)?;
    let (family, bits) = curve(curve_oid)?;
    ec_point(public, bits)?;
    Ok(KeyMaterial {
        key_type: KeyType::EccPublicKey {
            curve_family: family,
        },
        bits,
        data: SecretBytes::from(public),
        format: "SubjectPublicKeyInfo",
    })
}

/// Checks that `point` is an uncompressed point (`04 || X || Y`) of a curve of `bits`.
fn ec_point(point: &[u8], bits: u32) -> Result<(), FormatError> {
    match point.first() {
        Some(0x02 | 0x03) => Err(FormatError::Compressed),
        Some(0x04) if point.len() == 1 + 2 * scalar_len(bits) => Ok(()),
        _ => Err(FormatError::EcSize("public point")),
    }
}

/// The PSA family and size of the named curve `oid`, the inverse of [`keys::curve_oid`]
/// over the prime-field families.
fn curve(oid: ObjectIdentifier) -> Result<(EccFamily, u32), FormatError> {
    [
        EccFamily::SecpR1,
        EccFamily::SecpK1,
        EccFamily::BrainpoolPR1,
    ]
    .into_iter()
    .flat_map(|family| family.curve_bits().iter().map(move |&bits| (family, bits)))
    .find(|&(family, bits)| keys::curve_oid(family, bits) == Some(oid))
    .ok_or(FormatError::Curve(oid))
}

/// The byte length of a scalar or coordinate on a curve of `bits`.
fn scalar_len(bits: u32) -> usize {
    usize::try_from(bits.div_ceil(8)).unwrap_or(usize::MAX)
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    &bytes[first..]
}

/// The size of an RSA key: the bit length of its modulus.
fn modulus_bits(modulus: UintRef<'_>) -> u32 {
    let bytes = strip_zeros(modulus.as_bytes());
    let Some(&top) = bytes.first() else {
        return 0;
    };
    let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX / 8);
    len.saturating_mul(8) - top.leading_zeros()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_blocks_are_found_after_other_text_and_one_another() {
        let text = b"junk\n-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC \
                     PARAMETERS-----\n-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE \
                     KEY-----\n";
        let blocks = pem_blocks(text).unwrap_or_default();
        assert_eq!(blocks.len(), 2);
        assert!(blocks[1].starts_with(b"-----BEGIN EC PRIVATE KEY-----"));
        assert!(blocks[1].ends_with(b"-----END EC PRIVATE KEY-----"));
        assert!(pem_blocks(b"\x30\x03\x02\x01\x00").is_none());
    }

    #[test]
    fn curves_map_back_from_their_oids() -> Result<(), FormatError> {
        let oid = |s| ObjectIdentifier::new(s).map_err(|_| FormatError::NotAKey);
        assert_eq!(
            curve(oid("1.2.840.10045.3.1.7")?)?,
            (EccFamily::SecpR1, 256)
        );
        assert_eq!(curve(oid("1.3.132.0.35")?)?, (EccFamily::SecpR1, 521));
        assert_eq!(curve(oid("1.3.132.0.10")?)?, (EccFamily::SecpK1, 256));
        assert!(matches!(
            curve(oid("1.3.101.110")?),
            Err(FormatError::Curve(_))
        ));
        Ok(())
    }

    #[test]
    fn short_scalars_are_padded_to_the_curve_and_long_ones_refused() -> Result<(), FormatError> {
        let p256 =
            ObjectIdentifier::new("1.2.840.10045.3.1.7").map_err(|_| FormatError::NoCurve)?;
        let encode = |scalar: &[u8]| {
            use spki::der::Encode;
            sec1::EcPrivateKey {
                private_key: scalar,
                parameters: Some(sec1::EcParameters::NamedCurve(p256)),
                public_key: None,
            }
            .to_der()
            .map_err(|source| FormatError::Der {
                what: "test",
                source,
            })
        };
        let key = sec1_private(&encode(&[0x11; 31])?, None)?;
        assert_eq!(key.bits, 256);
        assert_eq!(key.data.len(), 32);
        assert_eq!((key.data[0], key.data[1]), (0x00, 0x11));
        assert!(matches!(
            sec1_private(&encode(&[0x11; 33])?, None),
            Err(FormatError::EcSize(_))
        ));
        Ok(())
    }

    #[test]
    fn garbage_is_no_key() {
        assert!(matches!(parse(b"hello"), Err(FormatError::NotAKey)));
        assert!(matches!(
            parse(b"\x30\x03\x02\x01\x00"),
            Err(FormatError::NotAKey)
        ));
        assert!(matches!(
            parse(b"-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"),
            Err(FormatError::Label(label)) if label == "CERTIFICATE"
        ));
    }
}
