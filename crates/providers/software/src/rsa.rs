//! RSA: key material, PKCS#1 v1.5 and PSS signatures, raw PKCS#1 v1.5 signatures, PKCS#1
//! v1.5 and OAEP encryption.
//!
//! Two engines, both constant time and blinded in their private-key operations (the
//! RustCrypto `rsa` crate is not used at all: its private-key operations carry the Marvin
//! timing advisory, RUSTSEC-2023-0071). aws-lc-rs runs keys of 2048 bits and more with the
//! algorithms it has; OpenSSL 3 (`rsa/ossl.rs`) runs smaller keys and the algorithms
//! aws-lc-rs lacks. The choice and its reasons: the crate docs (`lib.rs`).
//!
//! Inside a sealed blob a key pair is its PKCS#8 v1 `PrivateKeyInfo` DER (RFC 5208), as both
//! engines write it; a public key is its PKCS#1 `RSAPublicKey` DER (RFC 8017 appendix
//! A.1.1), the PSA format. Import takes and export gives the PSA formats: PKCS#1
//! `RSAPrivateKey` (two-prime, version 0) and `RSAPublicKey`, in canonical DER.
//!
//! Key sizes: generation of 1024, 2048, 3072 and 4096 bits (public exponent 65537); import
//! of 1024 to 8192 bits in whole bytes. Keys under 2048 bits (the original serves them;
//! current guidance asks for 2048) are logged with a warning when generated or imported.
//! The provider's `min_rsa_bits` option (default 1024) refuses smaller keys, with
//! `NotSupported`, in generation, import, use and CanDoCrypto alike; export still works.
//!
//! | operation | algorithm | engine |
//! |---|---|---|
//! | sign, verify | PKCS#1 v1.5, PSS with SHA-256/384/512, 2048 bits and more | aws-lc-rs |
//! | verify | PKCS#1 v1.5 with SHA-1, 2048 bits and more | aws-lc-rs |
//! | sign, verify | PKCS#1 v1.5 and PSS with MD5, RIPEMD-160, SHA-1, SHA-224, SHA-512/224, SHA-512/256, SHA3-224/256/384/512; raw PKCS#1 v1.5; every algorithm under 2048 bits | OpenSSL |
//! | encrypt, decrypt | PKCS#1 v1.5; OAEP with SHA-1/256/384/512, 2048 bits and more | aws-lc-rs |
//! | encrypt, decrypt | OAEP with the other hashes; everything under 2048 bits | OpenSSL |
//!
//! Not supported: MD2 and MD4 (no engine has them), PSS and OAEP where the key is too
//! small for the hash (PSS needs twice the hash's length, OAEP more than twice).
//! CanDoCrypto counts a signature algorithm for a key pair only when the pair can both sign
//! and verify with it.

mod der;
mod encryption;
mod ossl;
mod signature;

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der};
use aws_lc_rs::rsa::{KeyPair, KeySize, PublicKey, RsaParameters};
use aws_lc_rs::signature::KeyPair as _;
use psc_provider_api::ProviderError;
use psc_psa::{Algorithm, Attributes, KeyType, SecretBytes};

pub(crate) use encryption::{decrypt, encrypt};
pub(crate) use signature::{sign_hash, verify_hash};

/// The smallest modulus served at all, and the default of the `min_rsa_bits` option.
pub(crate) const MIN_BITS: u32 = 1024;
/// The smallest modulus aws-lc-rs uses; smaller keys are OpenSSL's, with a warning.
const AWS_LC_MIN_BITS: u32 = 2048;
/// The largest modulus served (aws-lc-rs's largest).
pub(crate) const MAX_BITS: u32 = 8192;

/// Generates a key pair of `bits`; answers its sealed form.
pub(crate) fn generate(bits: u32, min_bits: u32) -> Result<SecretBytes, ProviderError> {
    let size = match bits {
        _ if bits < min_bits => return Err(below_minimum(bits, min_bits)),
        1024 => {
            warn_small(bits);
            return ossl::generate(bits);
        }
        2048 => KeySize::Rsa2048,
        3072 => KeySize::Rsa3072,
        4096 => KeySize::Rsa4096,
        other => {
            return Err(ProviderError::NotSupported(format!(
                "the software provider generates RSA keys of 1024, 2048, 3072 or 4096 bits, \
                 not {other}"
            )));
        }
    };
    let pair = KeyPair::generate(size)
        .map_err(|_| ProviderError::Other("RSA key generation failed".into()))?;
    pkcs8(&pair)
}

/// Imports a PKCS#1 `RSAPrivateKey`; answers the sealed form and the key size.
pub(crate) fn import_pair(
    bits: u32,
    data: &[u8],
    min_bits: u32,
) -> Result<(SecretBytes, u32), ProviderError> {
    let actual = der::private_key_modulus_bits(data)
        .ok_or_else(|| invalid("the data is not a DER PKCS#1 RSAPrivateKey"))?;
    check_size(bits, actual, min_bits)?;
    if actual < AWS_LC_MIN_BITS {
        warn_small(actual);
        return Ok((ossl::import_pair(data)?, actual));
    }
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
pub(crate) fn import_public(
    bits: u32,
    data: &[u8],
    min_bits: u32,
) -> Result<(SecretBytes, u32), ProviderError> {
    let not_public = || invalid("the data is not a valid DER PKCS#1 RSAPublicKey");
    let small = der::public_key_modulus_bits(data).ok_or_else(not_public)?;
    if small < AWS_LC_MIN_BITS {
        check_size(bits, small, min_bits)?;
        warn_small(small);
        return Ok((ossl::import_public(data)?, small));
    }
    // Parses PKCS#1 only (not SubjectPublicKeyInfo), whole input, and checks n and e.
    let actual = RsaParameters::public_modulus_len(data).map_err(|_| not_public())?;
    check_size(bits, actual, min_bits)?;
    let public = PublicKey::from_der(data).map_err(|_| invalid("not a valid RSA public key"))?;
    Ok((SecretBytes::from(public.as_ref()), actual))
}

/// The PKCS#1 `RSAPublicKey` of a key pair or public key.
pub(crate) fn export_public(
    attributes: &Attributes,
    material: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    match attributes.key_type {
        KeyType::RsaKeyPair if attributes.bits < AWS_LC_MIN_BITS => ossl::public_of_pair(material),
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
pub(crate) fn supports_key(bits: u32, generate: bool, min_bits: u32) -> bool {
    if bits == 0 {
        return true;
    }
    if bits < min_bits {
        return false;
    }
    if generate {
        matches!(bits, 1024 | 2048 | 3072 | 4096)
    } else {
        size_supported(bits)
    }
}

/// Whether a key with these attributes can run `alg` (a signature or an encryption).
pub(crate) fn supports_alg(attributes: &Attributes, alg: Algorithm, min_bits: u32) -> bool {
    let bits = attributes.bits;
    if bits != 0 && (!size_supported(bits) || bits < min_bits) {
        return false;
    }
    let key_pair = attributes.key_type == KeyType::RsaKeyPair;
    match alg {
        Algorithm::AsymmetricSignature(sig) => signature::supports(sig, key_pair, bits),
        Algorithm::AsymmetricEncryption(enc) => encryption::supports(enc, bits),
        _ => false,
    }
}

/// An operation on a key below `min_rsa_bits` (made before the option was raised) is
/// refused as creating one would be; export still works, to move the key elsewhere.
pub(crate) fn check_minimum(attributes: &Attributes, min_bits: u32) -> Result<(), ProviderError> {
    let rsa = matches!(
        attributes.key_type,
        KeyType::RsaKeyPair | KeyType::RsaPublicKey
    );
    if rsa && attributes.bits < min_bits {
        return Err(below_minimum(attributes.bits, min_bits));
    }
    Ok(())
}

/// The sizes served, in whole bytes as the key type requires.
fn size_supported(bits: u32) -> bool {
    (MIN_BITS..=MAX_BITS).contains(&bits) && bits.is_multiple_of(8)
}

/// Keys under 2048 bits are served, as the original serves them, with a warning: current
/// guidance (NIST SP 800-131A, BSI TR-02102) asks for at least 2048. The key is not named.
fn warn_small(bits: u32) {
    tracing::warn!(
        "an RSA key of {bits} bits: below the 2048 bits current guidance asks for \
         (set the software provider's min_rsa_bits to refuse such keys)"
    );
}

fn below_minimum(bits: u32, min_bits: u32) -> ProviderError {
    ProviderError::NotSupported(format!(
        "an RSA key of {bits} bits is below the software provider's min_rsa_bits ({min_bits})"
    ))
}

/// A declared size that contradicts the key is InvalidArgument; a size we do not handle is
/// NotSupported.
fn check_size(declared: u32, actual: u32, min_bits: u32) -> Result<(), ProviderError> {
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
    if actual < min_bits {
        return Err(below_minimum(actual, min_bits));
    }
    Ok(())
}

/// The byte length of the modulus, hence of signatures and ciphertexts.
fn modulus_len(attributes: &Attributes) -> usize {
    usize::try_from(attributes.bits.div_ceil(8)).unwrap_or(usize::MAX)
}

/// Opens the sealed form of a key pair for OpenSSL (`rsa/ossl.rs`).
pub(crate) fn open_openssl_pair(
    material: &[u8],
) -> Result<openssl::pkey::PKey<openssl::pkey::Private>, ProviderError> {
    ossl::open_pair(material)
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
    fn sizes_follow_the_engines() {
        for bits in [0, 1024, 2048, 3072, 4096] {
            assert!(supports_key(bits, true, MIN_BITS) && supports_key(bits, false, MIN_BITS));
        }
        for bits in [1032, 1536, 2056, 2560, 6144, 8192] {
            assert!(!supports_key(bits, true, MIN_BITS) && supports_key(bits, false, MIN_BITS));
        }
        for bits in [256, 512, 1016, 1025, 2049, 8200, 16384] {
            assert!(!supports_key(bits, true, MIN_BITS) && !supports_key(bits, false, MIN_BITS));
        }
        assert!(!supports_key(1024, true, 2048) && !supports_key(1024, false, 2048));
        assert!(supports_key(2048, true, 2048));
        assert!(matches!(
            generate(1024, 2048),
            Err(ProviderError::NotSupported(_))
        ));
        assert!(matches!(
            generate(8192, MIN_BITS),
            Err(ProviderError::NotSupported(_))
        ));
    }

    #[test]
    fn declared_sizes_must_match_then_be_supported() {
        assert!(check_size(0, 2048, MIN_BITS).is_ok());
        assert!(check_size(1024, 1024, MIN_BITS).is_ok());
        assert!(matches!(
            check_size(3072, 2048, MIN_BITS),
            Err(ProviderError::InvalidArgument(_))
        ));
        assert!(matches!(
            check_size(0, 512, MIN_BITS),
            Err(ProviderError::NotSupported(_))
        ));
        assert!(matches!(
            check_size(0, 1024, 2048),
            Err(ProviderError::NotSupported(_))
        ));
        assert!(matches!(
            check_size(2048, 1024, MIN_BITS),
            Err(ProviderError::InvalidArgument(_))
        ));
    }

    #[test]
    fn small_keys_go_through_openssl_and_back() -> Result<(), ProviderError> {
        let sealed = generate(1024, MIN_BITS)?;
        let attributes = Attributes::signing_key(
            KeyType::RsaKeyPair,
            1024,
            psc_psa::AsymmetricSignature::RsaPkcs1v15SignRaw,
        );
        let exported = export(&attributes, &sealed)?;
        let (again, bits) = import_pair(1024, &exported, MIN_BITS)?;
        assert_eq!((bits, &*again), (1024, &*sealed));
        let public = export_public(&attributes, &sealed)?;
        let (public_again, bits) = import_public(0, &public, MIN_BITS)?;
        assert_eq!((bits, &*public_again), (1024, &public[..]));
        assert!(matches!(
            import_public(0, &public, 2048),
            Err(ProviderError::NotSupported(_))
        ));
        Ok(())
    }
}
