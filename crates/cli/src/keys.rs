//! What several subcommands need to know about a key: its attributes (looked up by name), its
//! public part as SubjectPublicKeyInfo or PEM, the hash its signature algorithm uses, and the
//! two encodings of an ECDSA signature.
//!
//! Shared by the key, signing and certificate subcommands, so that `export-public-key`,
//! `sign`, `verify` and `create-csr` agree on every OID and encoding.

use psc_client::psa::{AsymmetricSignature, EccFamily, Hash, KeyType, SignHash};
use psc_client::{Attributes, Client, KeyInfo};
use sha2::Digest;
use spki::der::asn1::{BitString, UintRef};
use spki::der::pem::LineEnding;
use spki::der::{Any, Decode, Encode};
use spki::{AlgorithmIdentifierOwned, ObjectIdentifier, SubjectPublicKeyInfoOwned};

use crate::error::Error;

/// rsaEncryption (PKCS#1).
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
/// id-ecPublicKey (RFC 5480).
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// id-X25519 (RFC 8410).
const X25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.110");
/// id-X448 (RFC 8410).
const X448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.111");

/// The PEM label of a SubjectPublicKeyInfo.
pub(crate) const SPKI_LABEL: &str = "PUBLIC KEY";
/// The PEM label of a PKCS#1 `RSAPublicKey`.
pub(crate) const PKCS1_LABEL: &str = "RSA PUBLIC KEY";

/// The attributes of the application's key `name` in the client's provider.
///
/// # Errors
/// [`Error::NoSuchKey`] when there is none; the client's error when the service cannot be
/// asked.
pub(crate) fn key_info(client: &Client, name: &str) -> Result<KeyInfo, Error> {
    client
        .key_info(name)?
        .ok_or_else(|| Error::NoSuchKey(name.to_owned()))
}

/// The named curve of an elliptic-curve key of this family and size (RFC 5480, SEC 2, RFC
/// 5639), `None` for a combination without one.
pub(crate) fn curve_oid(family: EccFamily, bits: u32) -> Option<ObjectIdentifier> {
    let oid = match (family, bits) {
        (EccFamily::SecpR1, 192) => "1.2.840.10045.3.1.1",
        (EccFamily::SecpR1, 224) => "1.3.132.0.33",
        (EccFamily::SecpR1, 256) => "1.2.840.10045.3.1.7",
        (EccFamily::SecpR1, 384) => "1.3.132.0.34",
        (EccFamily::SecpR1, 521) => "1.3.132.0.35",
        (EccFamily::SecpK1, 192) => "1.3.132.0.31",
        (EccFamily::SecpK1, 225) => "1.3.132.0.32",
        (EccFamily::SecpK1, 256) => "1.3.132.0.10",
        (EccFamily::SecpR2, 160) => "1.3.132.0.30",
        (EccFamily::SectK1, 163) => "1.3.132.0.1",
        (EccFamily::SectK1, 233) => "1.3.132.0.26",
        (EccFamily::SectK1, 239) => "1.3.132.0.3",
        (EccFamily::SectK1, 283) => "1.3.132.0.16",
        (EccFamily::SectK1, 409) => "1.3.132.0.36",
        (EccFamily::SectK1, 571) => "1.3.132.0.38",
        (EccFamily::SectR1, 163) => "1.3.132.0.2",
        (EccFamily::SectR1, 233) => "1.3.132.0.27",
        (EccFamily::SectR1, 283) => "1.3.132.0.17",
        (EccFamily::SectR1, 409) => "1.3.132.0.37",
        (EccFamily::SectR1, 571) => "1.3.132.0.39",
        (EccFamily::SectR2, 163) => "1.3.132.0.15",
        (EccFamily::BrainpoolPR1, 160) => "1.3.36.3.3.2.8.1.1.1",
        (EccFamily::BrainpoolPR1, 192) => "1.3.36.3.3.2.8.1.1.3",
        (EccFamily::BrainpoolPR1, 224) => "1.3.36.3.3.2.8.1.1.5",
        (EccFamily::BrainpoolPR1, 256) => "1.3.36.3.3.2.8.1.1.7",
        (EccFamily::BrainpoolPR1, 320) => "1.3.36.3.3.2.8.1.1.9",
        (EccFamily::BrainpoolPR1, 384) => "1.3.36.3.3.2.8.1.1.11",
        (EccFamily::BrainpoolPR1, 512) => "1.3.36.3.3.2.8.1.1.13",
        _ => return None,
    };
    ObjectIdentifier::new(oid).ok()
}

/// The SubjectPublicKeyInfo (DER) of a key whose public part the service exported as
/// `public` (PKCS#1 for RSA, the uncompressed point for Weierstrass curves, the raw u-coordinate
/// for Montgomery curves).
///
/// # Errors
/// [`Error::NoPublicKeyFormat`] for a symmetric key or a curve without a standard name.
pub(crate) fn spki_der(attributes: &Attributes, public: &[u8]) -> Result<Vec<u8>, Error> {
    let unsupported = || Error::NoPublicKeyFormat(attributes.key_type);
    let (oid, parameters) = match attributes.key_type.public_counterpart() {
        KeyType::RsaPublicKey => (RSA_ENCRYPTION, Some(Any::null())),
        KeyType::EccPublicKey {
            curve_family: EccFamily::Montgomery,
        } => match attributes.bits {
            255 => (X25519, None),
            448 => (X448, None),
            _ => return Err(unsupported()),
        },
        KeyType::EccPublicKey { curve_family } => {
            let curve = curve_oid(curve_family, attributes.bits).ok_or_else(unsupported)?;
            (EC_PUBLIC_KEY, Some(Any::from(&curve)))
        }
        _ => return Err(unsupported()),
    };
    let info = SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned { oid, parameters },
        subject_public_key: BitString::from_bytes(public).map_err(Error::Encoding)?,
    };
    info.to_der().map_err(Error::Encoding)
}

/// `der` as PEM under `label`, in lines of 64 characters ending with `\n`.
///
/// # Errors
/// [`Error::Encoding`] only for an invalid label.
pub(crate) fn pem(label: &str, der: &[u8]) -> Result<String, Error> {
    spki::der::pem::encode_string(label, LineEnding::LF, der).map_err(|e| Error::Encoding(e.into()))
}

/// The hash a signing key's algorithm hashes messages with: the policy's hash, or SHA-256
/// when the policy allows any hash.
///
/// # Errors
/// [`Error::WrongKeyType`] for a key whose permitted algorithm is not a hash-and-sign
/// signature.
pub(crate) fn signature_algorithm(key: &KeyInfo) -> Result<(AsymmetricSignature, Hash), Error> {
    let wrong = || Error::WrongKeyType {
        name: key.name.clone(),
        needed: "a signing key (create one with create-ecc-key or create-rsa-key -s)",
    };
    let psc_client::psa::Algorithm::AsymmetricSignature(alg) =
        key.attributes.policy.permitted_algorithm
    else {
        return Err(wrong());
    };
    let hash = match alg.sign_hash().ok_or_else(wrong)? {
        SignHash::Specific(hash) => hash,
        SignHash::Any => Hash::Sha256,
    };
    let specific = SignHash::Specific(hash);
    let alg = match alg {
        AsymmetricSignature::RsaPkcs1v15Sign { .. } => {
            AsymmetricSignature::RsaPkcs1v15Sign { hash: specific }
        }
        AsymmetricSignature::RsaPss { .. } => AsymmetricSignature::RsaPss { hash: specific },
        AsymmetricSignature::Ecdsa { .. } => AsymmetricSignature::Ecdsa { hash: specific },
        AsymmetricSignature::DeterministicEcdsa { .. } => {
            AsymmetricSignature::DeterministicEcdsa { hash: specific }
        }
        // Raw variants were refused above: they have no hash.
        raw => raw,
    };
    Ok((alg, hash))
}

/// The digest of `message`: SHA-2 computed here, any other hash by the service.
///
/// # Errors
/// The client's error when the service computes it and fails.
pub(crate) fn digest(client: &Client, hash: Hash, message: &[u8]) -> Result<Vec<u8>, Error> {
    Ok(match hash {
        Hash::Sha224 => sha2::Sha224::digest(message).to_vec(),
        Hash::Sha256 => sha2::Sha256::digest(message).to_vec(),
        Hash::Sha384 => sha2::Sha384::digest(message).to_vec(),
        Hash::Sha512 => sha2::Sha512::digest(message).to_vec(),
        Hash::Sha512_224 => sha2::Sha512_224::digest(message).to_vec(),
        Hash::Sha512_256 => sha2::Sha512_256::digest(message).to_vec(),
        other => client.hash_compute(other, message)?,
    })
}

/// An ECDSA signature as the service gives it (`r || s`, each as long as the curve) in the
/// X.509 / openssl form: `SEQUENCE { r INTEGER, s INTEGER }` in DER.
///
/// # Errors
/// [`Error::Encoding`] for an empty or odd-length input.
pub(crate) fn ecdsa_signature_to_der(raw: &[u8]) -> Result<Vec<u8>, Error> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) {
        return Err(Error::Encoding(
            spki::der::ErrorKind::Length {
                tag: spki::der::Tag::Sequence,
            }
            .into(),
        ));
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let integers = vec![
        UintRef::new(r).map_err(Error::Encoding)?,
        UintRef::new(s).map_err(Error::Encoding)?,
    ];
    integers.to_der().map_err(Error::Encoding)
}

/// The inverse of [`ecdsa_signature_to_der`]: `r || s`, each left-padded to `scalar_len`
/// bytes (the curve size in bytes, `(bits + 7) / 8`).
///
/// # Errors
/// [`Error::Encoding`] when `der` is not two integers that fit `scalar_len` bytes.
// For `verify`, which takes openssl's DER signatures; only the tests call it until then.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn ecdsa_signature_from_der(der: &[u8], scalar_len: usize) -> Result<Vec<u8>, Error> {
    let integers = Vec::<UintRef<'_>>::from_der(der).map_err(Error::Encoding)?;
    let too_long = || {
        Error::Encoding(
            spki::der::ErrorKind::Length {
                tag: spki::der::Tag::Integer,
            }
            .into(),
        )
    };
    let [r, s] = integers.as_slice() else {
        return Err(too_long());
    };
    let mut raw = Vec::with_capacity(2 * scalar_len);
    for integer in [r, s] {
        let bytes = integer.as_bytes();
        let padding = scalar_len.checked_sub(bytes.len()).ok_or_else(too_long)?;
        raw.extend(std::iter::repeat_n(0, padding));
        raw.extend_from_slice(bytes);
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdsa_signatures_round_trip_through_der() -> Result<(), Error> {
        // r has a leading zero byte, s has its top bit set (needs a 0x00 sign byte in DER).
        let mut raw = vec![0u8; 64];
        raw[1] = 0x01;
        raw[32] = 0x80;
        let der = ecdsa_signature_to_der(&raw)?;
        assert_eq!(&der[..4], &[0x30, 0x44, 0x02, 0x1f]);
        assert_eq!(ecdsa_signature_from_der(&der, 32)?, raw);
        assert!(ecdsa_signature_from_der(&der, 16).is_err());
        assert!(ecdsa_signature_to_der(&raw[..63]).is_err());
        Ok(())
    }

    #[test]
    fn every_weierstrass_curve_of_the_standard_families_has_a_name() {
        for family in [
            EccFamily::SecpR1,
            EccFamily::SecpK1,
            EccFamily::BrainpoolPR1,
        ] {
            for &bits in family.curve_bits() {
                assert!(curve_oid(family, bits).is_some(), "{family:?} {bits}");
            }
        }
        assert_eq!(
            curve_oid(EccFamily::SecpR1, 256).map(|oid| oid.to_string()),
            Some("1.2.840.10045.3.1.7".to_owned())
        );
    }
}
