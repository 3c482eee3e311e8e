//! RSA: key material, PKCS#1 v1.5 and PSS signatures, PKCS#1 v1.5 and OAEP encryption.
//!
//! Every private-key operation is aws-lc-rs's (constant time, blinded). The RustCrypto `rsa`
//! crate is not used at all: its private-key operations carry the Marvin timing advisory
//! (RUSTSEC-2023-0071).
//!
//! Inside a sealed blob a key pair is its PKCS#8 v1 `PrivateKeyInfo` DER (RFC 5208) as
//! aws-lc-rs writes it, which both its signing and its decrypting keys parse; a public key is
//! its PKCS#1 `RSAPublicKey` DER (RFC 8017 appendix A.1.1), the PSA format, as aws-lc-rs
//! re-encodes it. Import takes and export gives the PSA formats: PKCS#1 `RSAPrivateKey`
//! (two-prime, version 0) and `RSAPublicKey`.
//!
//! Key sizes: generation of 2048, 3072 and 4096 bits (public exponent 65537); import of
//! 2048 to 8192 bits in whole bytes, the range aws-lc-rs accepts. Everything else, 1024 bits
//! included, is `NotSupported`, for key pairs and public keys alike: aws-lc-rs refuses keys
//! under 2048 bits for signing, decryption and encryption, and a 1024-bit key could at most
//! verify. Offering that alone would make CanDoCrypto wrong, since it asks one question for
//! importing a pair and importing a public key.
//!
//! | operation | algorithm | hashes |
//! |---|---|---|
//! | sign (pair) | PKCS#1 v1.5, PSS | SHA-256, SHA-384, SHA-512 |
//! | verify (pair or public) | PKCS#1 v1.5 | SHA-1, SHA-256, SHA-384, SHA-512 |
//! | verify (pair or public) | PSS (salt = hash length) | SHA-256, SHA-384, SHA-512 |
//! | encrypt (pair or public) | PKCS#1 v1.5; OAEP | —; SHA-1, SHA-256, SHA-384, SHA-512 |
//! | decrypt (pair) | PKCS#1 v1.5; OAEP | —; SHA-1, SHA-256, SHA-384, SHA-512 |
//!
//! Not supported: SHA-224 anywhere, raw PKCS#1 v1.5 signatures, signing with SHA-1 (see
//! `rsa/signature.rs`). CanDoCrypto counts a signature algorithm for a key pair only when
//! the pair can both sign and verify with it.

mod der;
mod encryption;
mod signature;

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKey, RsaParameters};
use aws_lc_rs::signature::KeyPair as _;
use psc_provider_api::ProviderError;
use psc_psa::{Algorithm, Attributes, KeyType, SecretBytes};

pub(crate) use encryption::{decrypt, encrypt};
pub(crate) use signature::{sign_hash, verify_hash};

/// The smallest modulus aws-lc-rs uses for any operation.
const MIN_BITS: u32 = 2048;
/// The largest modulus aws-lc-rs uses.
const MAX_BITS: u32 = 8192;

/// Generates a key pair of `bits`; answers its sealed form.
pub(crate) fn generate(bits: u32) -> Result<SecretBytes, ProviderError> {
    let size = match bits {
        2048 => KeySize::Rsa2048,
        3072 => KeySize::Rsa3072,
        4096 => KeySize::Rsa4096,
        other => {
            return Err(ProviderError::NotSupported(format!(
                "the software provider generates RSA keys of 2048, 3072 or 4096 bits, not {other}"
            )));
        }
    };
    let pair = KeyPair::generate(size)
        .map_err(|_| ProviderError::Other("RSA key generation failed".into()))?;
    pkcs8(&pair)
}

/// Imports a PKCS#1 `RSAPrivateKey`; answers the sealed form and the key size.
pub(crate) fn import_pair(bits: u32, data: &[u8]) -> Result<(SecretBytes, u32), ProviderError> {
    let actual = der::private_key_modulus_bits(data)
        .ok_or_else(|| invalid("the data is not a DER PKCS#1 RSAPrivateKey"))?;
    check_size(bits, actual)?;
    // aws-lc checks the key's consistency (n = pq, d, the CRT values) and its size.
    let pair =
        KeyPair::from_der(data).map_err(|_| invalid("not a valid two-prime RSA private key"))?;
    let sealed = pkcs8(&pair)?;
    // aws-lc reads strict DER but ignores what follows the key: the canonical encoding it
    // writes back must be the input, which refuses trailing bytes.
    let canonical = der::pkcs1_of_pkcs8(&sealed).ok_or_else(|| corrupt("unexpected PKCS#8"))?;
    if canonical != data {
        return Err(invalid("the RSAPrivateKey is followed by other data"));
    }
    Ok((sealed, actual))
}

/// Imports a PKCS#1 `RSAPublicKey`; answers the sealed form and the key size.
pub(crate) fn import_public(bits: u32, data: &[u8]) -> Result<(SecretBytes, u32), ProviderError> {
    // Parses PKCS#1 only (not SubjectPublicKeyInfo), whole input, and checks n and e.
    let actual = RsaParameters::public_modulus_len(data)
        .map_err(|_| invalid("the data is not a valid DER PKCS#1 RSAPublicKey"))?;
    check_size(bits, actual)?;
    let public = PublicKey::from_der(data).map_err(|_| invalid("not a valid RSA public key"))?;
    Ok((SecretBytes::from(public.as_ref()), actual))
}

/// The PKCS#1 `RSAPublicKey` of a key pair or public key.
pub(crate) fn export_public(
    attributes: &Attributes,
    material: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    match attributes.key_type {
        KeyType::RsaKeyPair => Ok(open_pair(material)?.public_key().as_ref().to_vec()),
        KeyType::RsaPublicKey => Ok(material.to_vec()),
        other => Err(not_rsa(other)),
    }
}

/// The key in PSA export format (PKCS#1 `RSAPrivateKey` or `RSAPublicKey`).
pub(crate) fn export(
    attributes: &Attributes,
    material: &[u8],
) -> Result<SecretBytes, ProviderError> {
    match attributes.key_type {
        KeyType::RsaKeyPair => der::pkcs1_of_pkcs8(material)
            .map(SecretBytes::from)
            .ok_or_else(|| corrupt("the sealed RSA key pair is not PKCS#8")),
        KeyType::RsaPublicKey => Ok(SecretBytes::from(material)),
        other => Err(not_rsa(other)),
    }
}

/// Whether keys of `bits` can be generated (`generate`) or imported; 0 asks about any size.
pub(crate) fn supports_key(bits: u32, generate: bool) -> bool {
    if bits == 0 {
        return true;
    }
    if generate {
        matches!(bits, 2048 | 3072 | 4096)
    } else {
        size_supported(bits)
    }
}

/// Whether a key with these attributes can run `alg` (a signature or an encryption).
pub(crate) fn supports_alg(attributes: &Attributes, alg: Algorithm) -> bool {
    if attributes.bits != 0 && !size_supported(attributes.bits) {
        return false;
    }
    let key_pair = attributes.key_type == KeyType::RsaKeyPair;
    match alg {
        Algorithm::AsymmetricSignature(sig) => signature::supports(sig, key_pair),
        Algorithm::AsymmetricEncryption(enc) => encryption::supports(enc),
        _ => false,
    }
}

/// The sizes aws-lc-rs works with, in whole bytes as the key type requires.
fn size_supported(bits: u32) -> bool {
    (MIN_BITS..=MAX_BITS).contains(&bits) && bits.is_multiple_of(8)
}

/// A declared size that contradicts the key is InvalidArgument; a size we do not handle is
/// NotSupported.
fn check_size(declared: u32, actual: u32) -> Result<(), ProviderError> {
    if declared != 0 && declared != actual {
        return Err(invalid(&format!(
            "the key has {actual} bits but the attributes declare {declared}"
        )));
    }
    if !size_supported(actual) {
        return Err(ProviderError::NotSupported(format!(
            "the software provider handles RSA keys of {MIN_BITS} to {MAX_BITS} bits \
             (in whole bytes), not {actual}"
        )));
    }
    Ok(())
}

/// The byte length of the modulus, hence of signatures and ciphertexts.
fn modulus_len(attributes: &Attributes) -> usize {
    usize::try_from(attributes.bits.div_ceil(8)).unwrap_or(usize::MAX)
}

/// Opens the sealed form of a key pair.
pub(crate) fn open_pair(material: &[u8]) -> Result<KeyPair, ProviderError> {
    KeyPair::from_pkcs8(material).map_err(|_| corrupt("the sealed RSA key pair does not parse"))
}

/// The sealed form of a key pair. The document wipes itself; so does the copy.
fn pkcs8(pair: &KeyPair) -> Result<SecretBytes, ProviderError> {
    let document: Pkcs8V1Der<'_> = pair
        .as_der()
        .map_err(|_| ProviderError::Other("cannot serialise the RSA key pair".into()))?;
    Ok(SecretBytes::from(document.as_ref()))
}

/// RSA algorithms run on RSA keys only; the service refuses other pairings before they get
/// here, so whatever does reach us is something this provider does not do.
fn check_rsa_key(attributes: &Attributes) -> Result<(), ProviderError> {
    match attributes.key_type {
        KeyType::RsaKeyPair | KeyType::RsaPublicKey => Ok(()),
        other => Err(ProviderError::NotSupported(format!(
            "RSA algorithms run on RSA keys, not on a {other:?} key"
        ))),
    }
}

fn invalid(why: &str) -> ProviderError {
    ProviderError::InvalidArgument(why.into())
}

fn corrupt(why: &str) -> ProviderError {
    ProviderError::CorruptKey(why.into())
}

fn not_rsa(key_type: KeyType) -> ProviderError {
    ProviderError::InvalidArgument(format!("{key_type:?} is not an RSA key"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_aws_lc_rs() {
        for bits in [0, 2048, 3072, 4096] {
            assert!(supports_key(bits, true) && supports_key(bits, false));
        }
        for bits in [2056, 2560, 6144, 8192] {
            assert!(!supports_key(bits, true) && supports_key(bits, false));
        }
        for bits in [1024, 1536, 2040, 2049, 8200, 16384] {
            assert!(!supports_key(bits, true) && !supports_key(bits, false));
        }
        assert!(matches!(
            generate(1024),
            Err(ProviderError::NotSupported(_))
        ));
        assert!(matches!(
            generate(8192),
            Err(ProviderError::NotSupported(_))
        ));
    }

    #[test]
    fn declared_sizes_must_match_then_be_supported() {
        assert!(check_size(0, 2048).is_ok());
        assert!(check_size(2048, 2048).is_ok());
        assert!(matches!(
            check_size(3072, 2048),
            Err(ProviderError::InvalidArgument(_))
        ));
        assert!(matches!(
            check_size(0, 1024),
            Err(ProviderError::NotSupported(_))
        ));
        assert!(matches!(
            check_size(2048, 1024),
            Err(ProviderError::InvalidArgument(_))
        ));
    }
}
