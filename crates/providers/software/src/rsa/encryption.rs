//! RSAES-PKCS1-v1_5 and RSAES-OAEP (RFC 8017 §7): aws-lc-rs for keys of 2048 bits and more
//! with the OAEP hashes it has, OpenSSL (`ossl.rs`) for smaller keys and OAEP with the other
//! hashes PSA names (all but MD2 and MD4; OAEP needs a key of more than twice the hash).
//!
//! Decryption is aws-lc's constant-time private-key operation and padding check; every way
//! a ciphertext of the right length can fail to decrypt answers the one `InvalidPadding`,
//! and the padded buffer is wiped. The caller's `label` is the OAEP label (empty: none);
//! PKCS#1 v1.5 has no label, so a non-empty one is InvalidArgument. OAEP uses MGF1 with its
//! own hash.
//!
//! PKCS#1 v1.5 decryption is offered because PSA has it; like every RSAES-PKCS1-v1_5
//! decryptor that reports bad padding, it is a padding oracle to whoever can call it
//! (Bleichenbacher): a key that decrypts for untrusted parties should use OAEP.

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{
    OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256, OAEP_SHA384_MGF1SHA384, OAEP_SHA512_MGF1SHA512,
    OaepAlgorithm, OaepPrivateDecryptingKey, OaepPublicEncryptingKey, Pkcs1PrivateDecryptingKey,
    Pkcs1PublicEncryptingKey, PrivateDecryptingKey, PublicEncryptingKey, PublicKey,
};
use psc_provider_api::ProviderError;
use psc_psa::{AsymmetricEncryption, Attributes, Hash, KeyType, SecretBytes};
use zeroize::Zeroizing;

use super::ossl::{self, Encryption};
use super::{AWS_LC_MIN_BITS, check_rsa_key, corrupt, export_public};

/// The padding of an operation, checked against its label.
#[derive(Clone, Copy)]
enum Padding {
    Pkcs1v15,
    Oaep(&'static OaepAlgorithm),
}

/// Encrypts `plaintext` with the public key of a pair or a public key.
pub(crate) fn encrypt(
    attributes: &Attributes,
    material: &[u8],
    alg: AsymmetricEncryption,
    plaintext: &[u8],
    label: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    check_rsa_key(attributes)?;
    if let Some(scheme) = openssl_scheme(attributes, alg, label)? {
        return ossl::encrypt(
            &export_public(attributes, material)?,
            scheme,
            plaintext,
            label,
        );
    }
    let padding = padding(alg, label)?;
    let public = encrypting_key(attributes, material)?;
    let mut ciphertext = vec![0; public.key_size_bytes()];
    let written = match padding {
        Padding::Pkcs1v15 => {
            let key = Pkcs1PublicEncryptingKey::new(public).map_err(|_| other("encryption key"))?;
            check_fits(plaintext, key.max_plaintext_size())?;
            key.encrypt(plaintext, &mut ciphertext)
                .map_err(|_| other("PKCS#1 v1.5 encryption"))?
                .len()
        }
        Padding::Oaep(oaep) => {
            let key = OaepPublicEncryptingKey::new(public).map_err(|_| other("encryption key"))?;
            check_fits(plaintext, key.max_plaintext_size(oaep))?;
            key.encrypt(oaep, plaintext, &mut ciphertext, Some(label))
                .map_err(|_| other("OAEP encryption"))?
                .len()
        }
    };
    ciphertext.truncate(written);
    Ok(ciphertext)
}

/// Decrypts `ciphertext` with a key pair, in constant time.
pub(crate) fn decrypt(
    attributes: &Attributes,
    material: &[u8],
    alg: AsymmetricEncryption,
    ciphertext: &[u8],
    label: &[u8],
) -> Result<SecretBytes, ProviderError> {
    check_rsa_key(attributes)?;
    let openssl = openssl_scheme(attributes, alg, label)?;
    if attributes.key_type != KeyType::RsaKeyPair {
        return Err(ProviderError::InvalidArgument(
            "a public key cannot decrypt: import or generate the key pair".into(),
        ));
    }
    if let Some(scheme) = openssl {
        return ossl::decrypt(material, scheme, ciphertext, label);
    }
    let padding = padding(alg, label)?;
    let private = PrivateDecryptingKey::from_pkcs8(material)
        .map_err(|_| corrupt("the sealed RSA key pair does not parse"))?;
    let len = private.key_size_bytes();
    if ciphertext.len() != len {
        return Err(ProviderError::InvalidArgument(format!(
            "an RSA ciphertext for this key is {len} bytes, not {}",
            ciphertext.len()
        )));
    }
    let mut buffer = Zeroizing::new(vec![0; len]);
    let plaintext = match padding {
        Padding::Pkcs1v15 => Pkcs1PrivateDecryptingKey::new(private)
            .map_err(|_| other("decryption key"))?
            .decrypt(ciphertext, &mut buffer),
        Padding::Oaep(oaep) => OaepPrivateDecryptingKey::new(private)
            .map_err(|_| other("decryption key"))?
            .decrypt(oaep, ciphertext, &mut buffer, Some(label)),
    }
    .map_err(|_| ProviderError::InvalidPadding)?;
    Ok(SecretBytes::from(&*plaintext))
}

/// Whether `alg` is available to keys of `bits` (0: any), key pairs and public keys alike.
pub(super) fn supports(alg: AsymmetricEncryption, bits: u32) -> bool {
    match alg {
        AsymmetricEncryption::RsaPkcs1v15Crypt => true,
        AsymmetricEncryption::RsaOaep { hash } => oaep_fits(hash, bits) && ossl::has_hash(hash),
    }
}

/// OAEP with `hash` leaves room for a message in a key of `bits` (0: any).
fn oaep_fits(hash: Hash, bits: u32) -> bool {
    let len = usize::try_from(bits.div_ceil(8)).unwrap_or(usize::MAX);
    bits == 0 || len > 2 * hash.digest_len() + 2
}

/// The OpenSSL form of `alg` when OpenSSL runs it (a key under 2048 bits, or an OAEP hash
/// aws-lc-rs lacks), `None` when aws-lc-rs does; refusals as [`padding`] makes them.
fn openssl_scheme(
    attributes: &Attributes,
    alg: AsymmetricEncryption,
    label: &[u8],
) -> Result<Option<Encryption>, ProviderError> {
    let small = attributes.bits < AWS_LC_MIN_BITS;
    match alg {
        AsymmetricEncryption::RsaPkcs1v15Crypt if !label.is_empty() => {
            Err(ProviderError::InvalidArgument(
                "RSA PKCS#1 v1.5 encryption takes no salt or label".into(),
            ))
        }
        AsymmetricEncryption::RsaPkcs1v15Crypt => Ok(small.then_some(Encryption::Pkcs1v15)),
        AsymmetricEncryption::RsaOaep { hash } => {
            if !supports(alg, attributes.bits) {
                return Err(ProviderError::NotSupported(format!(
                    "RSA OAEP with {hash:?} on a {}-bit key: MD2 and MD4 are not offered, and \
                     the key must be more than twice the hash's length",
                    attributes.bits
                )));
            }
            Ok((small || oaep_algorithm(hash).is_none()).then_some(Encryption::Oaep(hash)))
        }
    }
}

/// The padding for `alg`; PKCS#1 v1.5 refuses a label.
fn padding(alg: AsymmetricEncryption, label: &[u8]) -> Result<Padding, ProviderError> {
    match alg {
        AsymmetricEncryption::RsaPkcs1v15Crypt if label.is_empty() => Ok(Padding::Pkcs1v15),
        AsymmetricEncryption::RsaPkcs1v15Crypt => Err(ProviderError::InvalidArgument(
            "RSA PKCS#1 v1.5 encryption takes no salt or label".into(),
        )),
        AsymmetricEncryption::RsaOaep { hash } => {
            oaep_algorithm(hash).map(Padding::Oaep).ok_or_else(|| {
                ProviderError::NotSupported(format!(
                    "RSA OAEP with {hash:?}: the software provider supports SHA-1, SHA-256, \
                     SHA-384 and SHA-512"
                ))
            })
        }
    }
}

/// OAEP with MGF1 over the same hash, as `PSA_ALG_RSA_OAEP(hash)` defines it.
fn oaep_algorithm(hash: Hash) -> Option<&'static OaepAlgorithm> {
    match hash {
        Hash::Sha1 => Some(&OAEP_SHA1_MGF1SHA1),
        Hash::Sha256 => Some(&OAEP_SHA256_MGF1SHA256),
        Hash::Sha384 => Some(&OAEP_SHA384_MGF1SHA384),
        Hash::Sha512 => Some(&OAEP_SHA512_MGF1SHA512),
        _ => None,
    }
}

/// The aws-lc-rs encryption key of a pair or a public key (it wants SubjectPublicKeyInfo).
fn encrypting_key(
    attributes: &Attributes,
    material: &[u8],
) -> Result<PublicEncryptingKey, ProviderError> {
    if attributes.key_type == KeyType::RsaKeyPair {
        return PrivateDecryptingKey::from_pkcs8(material)
            .map(|private| private.public_key())
            .map_err(|_| corrupt("the sealed RSA key pair does not parse"));
    }
    let broken = |_| corrupt("the sealed RSA public key does not parse");
    let spki = PublicKey::from_der(&export_public(attributes, material)?)
        .map_err(broken)?
        .as_der()
        .map_err(|_| other("public key encoding"))?;
    PublicEncryptingKey::from_der(spki.as_ref()).map_err(broken)
}

/// A plaintext longer than the padding leaves room for is InvalidArgument.
fn check_fits(plaintext: &[u8], max: usize) -> Result<(), ProviderError> {
    if plaintext.len() <= max {
        Ok(())
    } else {
        Err(ProviderError::InvalidArgument(format!(
            "a plaintext of {} bytes is too long: this key and padding take at most {max}",
            plaintext.len()
        )))
    }
}

fn other(what: &str) -> ProviderError {
    ProviderError::Other(format!("aws-lc-rs failed: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_belong_to_oaep_only() {
        let pkcs1 = AsymmetricEncryption::RsaPkcs1v15Crypt;
        assert!(matches!(padding(pkcs1, b""), Ok(Padding::Pkcs1v15)));
        assert!(matches!(
            padding(pkcs1, b"label"),
            Err(ProviderError::InvalidArgument(_))
        ));
        let oaep = AsymmetricEncryption::RsaOaep { hash: Hash::Sha256 };
        assert!(matches!(padding(oaep, b"label"), Ok(Padding::Oaep(_))));
    }

    #[test]
    fn oaep_takes_every_hash_openssl_has_where_it_fits() {
        let supported = |bits| -> Vec<Hash> {
            Hash::ALL
                .iter()
                .copied()
                .filter(|hash| supports(AsymmetricEncryption::RsaOaep { hash: *hash }, bits))
                .collect()
        };
        assert_eq!(supported(2048).len(), Hash::ALL.len() - 2);
        assert!(!supported(1024).contains(&Hash::Sha512));
        assert!(supported(1024).contains(&Hash::Sha384));
        let sha224 = AsymmetricEncryption::RsaOaep { hash: Hash::Sha224 };
        assert!(matches!(
            padding(sha224, b""),
            Err(ProviderError::NotSupported(_))
        ));
    }
}
