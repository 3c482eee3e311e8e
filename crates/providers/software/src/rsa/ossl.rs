//! The RSA work aws-lc-rs refuses, through OpenSSL 3 (the `openssl` crate over the system's
//! libcrypto): keys of 1024 to 2047 bits, PKCS#1 v1.5 and PSS signatures with the hashes
//! aws-lc-rs has no RSA encoding for, the raw PKCS#1 v1.5 signature, and OAEP with those
//! hashes.
//!
//! OpenSSL's RSA private-key operation is blinded and uses its constant-time modular
//! exponentiation (`BN_FLG_CONSTTIME`), as aws-lc's (a fork of it) does; it is the engine the
//! TPM provider's tpm2-tss loads into the process anyway. The sealed form is the one
//! aws-lc-rs writes, a PKCS#8 v1 `PrivateKeyInfo`, so a key pair's blob does not depend on
//! the engine that made it. A key pair parsed here for signing is kept in the key cache in
//! OpenSSL's form (`key_cache.rs`); decryption and public-key operations parse their key
//! each time.

use openssl::md::Md;
use openssl::pkey::{PKey, Private};
use openssl::pkey_ctx::PkeyCtx;
use openssl::rsa::{Padding, Rsa};
use openssl::sign::RsaPssSaltlen;
use psc_provider_api::ProviderError;
use psc_psa::{Hash, SecretBytes};
use zeroize::Zeroizing;

use super::der;

/// A signature scheme as OpenSSL runs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Signature {
    /// RSASSA-PKCS1-v1_5 with a DigestInfo for the hash, or none (raw).
    Pkcs1v15(Option<Hash>),
    /// RSASSA-PSS, MGF1 with the same hash.
    Pss(Hash),
}

/// An OAEP or PKCS#1 v1.5 encryption as OpenSSL runs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Encryption {
    Pkcs1v15,
    Oaep(Hash),
}

/// OpenSSL's name of a hash PSA names, for those its default provider has. MD2 and MD4 are
/// not there (and are broken).
fn md_name(hash: Hash) -> Option<&'static str> {
    Some(match hash {
        Hash::Md5 => "MD5",
        Hash::Ripemd160 => "RIPEMD160",
        Hash::Sha1 => "SHA1",
        Hash::Sha224 => "SHA224",
        Hash::Sha256 => "SHA256",
        Hash::Sha384 => "SHA384",
        Hash::Sha512 => "SHA512",
        Hash::Sha512_224 => "SHA512-224",
        Hash::Sha512_256 => "SHA512-256",
        Hash::Sha3_224 => "SHA3-224",
        Hash::Sha3_256 => "SHA3-256",
        Hash::Sha3_384 => "SHA3-384",
        Hash::Sha3_512 => "SHA3-512",
        Hash::Md2 | Hash::Md4 => return None,
    })
}

/// Whether OpenSSL has `hash`.
pub(super) fn has_hash(hash: Hash) -> bool {
    md_name(hash).is_some()
}

fn md(hash: Hash) -> Result<Md, ProviderError> {
    let name = md_name(hash).ok_or_else(|| {
        ProviderError::NotSupported(format!("{hash:?}: OpenSSL 3 does not offer it"))
    })?;
    Md::fetch(None, name, None).map_err(|_| failed("fetching the hash"))
}

/// The PSS salt length for a key of `bits` and a hash of `hash_len` bytes: the hash's length,
/// or the most the encoding leaves room for when the key is too small for that (RSA-1024
/// with a 64-byte hash: 62), as the original's Mbed TLS does. `None`: not even a salt of
/// `hash_len - 2` fits.
pub(super) fn pss_salt_len(bits: u32, hash_len: usize) -> Option<usize> {
    // emLen = ceil((modBits - 1) / 8), RFC 8017 §8.1.1.
    let em_len = usize::try_from(bits.checked_sub(1)?.div_ceil(8)).ok()?;
    let room = em_len.checked_sub(hash_len + 2)?;
    (room + 2 >= hash_len).then_some(room.min(hash_len))
}

/// A new key pair of `bits` (public exponent 65537), sealed form.
pub(super) fn generate(bits: u32) -> Result<SecretBytes, ProviderError> {
    let rsa = Rsa::generate(bits).map_err(|_| failed("RSA key generation"))?;
    pkcs8(&PKey::from_rsa(rsa).map_err(|_| failed("RSA key generation"))?)
}

/// Imports a PKCS#1 `RSAPrivateKey` (already sized by the caller), checking its consistency;
/// answers the sealed form.
pub(super) fn import_pair(data: &[u8]) -> Result<SecretBytes, ProviderError> {
    let invalid = || ProviderError::InvalidArgument("not a valid two-prime RSA private key".into());
    let rsa = Rsa::private_key_from_der(data).map_err(|_| invalid())?;
    if !rsa.check_key().unwrap_or(false) {
        return Err(invalid());
    }
    let canonical = Zeroizing::new(rsa.private_key_to_der().map_err(|_| invalid())?);
    if canonical.as_slice() != data {
        return Err(ProviderError::InvalidArgument(
            "the RSAPrivateKey is not in canonical DER or is followed by other data".into(),
        ));
    }
    pkcs8(&PKey::from_rsa(rsa).map_err(|_| invalid())?)
}

/// Imports a PKCS#1 `RSAPublicKey`: its canonical DER, which is the input.
pub(super) fn import_public(data: &[u8]) -> Result<SecretBytes, ProviderError> {
    let invalid = || ProviderError::InvalidArgument("not a valid DER PKCS#1 RSAPublicKey".into());
    let rsa = Rsa::public_key_from_der_pkcs1(data).map_err(|_| invalid())?;
    // An even or tiny exponent is no RSA key (OpenSSL does not check at parse time).
    let e = rsa.e();
    if !e.is_bit_set(0) || e.num_bits() < 2 || e.num_bits() > 33 || !rsa.n().is_bit_set(0) {
        return Err(invalid());
    }
    let canonical = rsa.public_key_to_der_pkcs1().map_err(|_| invalid())?;
    if canonical != data {
        return Err(invalid());
    }
    Ok(SecretBytes::from(data))
}

/// The PKCS#1 `RSAPublicKey` of a sealed key pair.
pub(super) fn public_of_pair(material: &[u8]) -> Result<Vec<u8>, ProviderError> {
    let pair = open_pair(material)?;
    let rsa = pair.rsa().map_err(|_| corrupt())?;
    rsa.public_key_to_der_pkcs1().map_err(|_| corrupt())
}

/// Signs `input` (a hash, or the raw encoded input) with a parsed key pair
/// ([`open_pair`]).
pub(super) fn sign(
    pair: &PKey<Private>,
    scheme: Signature,
    bits: u32,
    input: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    let mut ctx = PkeyCtx::new(pair).map_err(|_| failed("signing context"))?;
    ctx.sign_init().map_err(|_| failed("signing context"))?;
    configure_signature(&mut ctx, scheme, bits)?;
    let mut signature = vec![0; pair.size()];
    let written = ctx
        .sign(input, Some(&mut signature))
        .map_err(|_| failed("RSA signing"))?;
    signature.truncate(written);
    Ok(signature)
}

/// Verifies `signature` over `input` with a PKCS#1 `RSAPublicKey`.
pub(super) fn verify(
    public: &[u8],
    scheme: Signature,
    bits: u32,
    input: &[u8],
    signature: &[u8],
) -> Result<(), ProviderError> {
    let key = open_public(public)?;
    let mut ctx = PkeyCtx::new(&key).map_err(|_| failed("verification context"))?;
    ctx.verify_init()
        .map_err(|_| failed("verification context"))?;
    configure_signature(&mut ctx, scheme, bits)?;
    match ctx.verify(input, signature) {
        Ok(true) => Ok(()),
        _ => Err(ProviderError::InvalidSignature),
    }
}

/// Encrypts with a PKCS#1 `RSAPublicKey`; `label` is OAEP's (checked by the caller).
pub(super) fn encrypt(
    public: &[u8],
    scheme: Encryption,
    plaintext: &[u8],
    label: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    let key = open_public(public)?;
    let len = key.size();
    let max = match scheme {
        Encryption::Pkcs1v15 => len.saturating_sub(11),
        Encryption::Oaep(hash) => len.saturating_sub(2 * hash.digest_len() + 2),
    };
    if plaintext.len() > max {
        return Err(ProviderError::InvalidArgument(format!(
            "a plaintext of {} bytes is too long: this key and padding take at most {max}",
            plaintext.len()
        )));
    }
    let mut ctx = PkeyCtx::new(&key).map_err(|_| failed("encryption context"))?;
    ctx.encrypt_init()
        .map_err(|_| failed("encryption context"))?;
    configure_encryption(&mut ctx, scheme, label)?;
    let mut ciphertext = vec![0; len];
    let written = ctx
        .encrypt(plaintext, Some(&mut ciphertext))
        .map_err(|_| failed("RSA encryption"))?;
    ciphertext.truncate(written);
    Ok(ciphertext)
}

/// Decrypts with a sealed key pair; every padding failure is the one `InvalidPadding`.
pub(super) fn decrypt(
    material: &[u8],
    scheme: Encryption,
    ciphertext: &[u8],
    label: &[u8],
) -> Result<SecretBytes, ProviderError> {
    let pair = open_pair(material)?;
    let len = pair.size();
    if ciphertext.len() != len {
        return Err(ProviderError::InvalidArgument(format!(
            "an RSA ciphertext for this key is {len} bytes, not {}",
            ciphertext.len()
        )));
    }
    let mut ctx = PkeyCtx::new(&pair).map_err(|_| failed("decryption context"))?;
    ctx.decrypt_init()
        .map_err(|_| failed("decryption context"))?;
    configure_encryption(&mut ctx, scheme, label)?;
    let mut buffer = Zeroizing::new(vec![0; len]);
    let written = ctx
        .decrypt(ciphertext, Some(&mut buffer))
        .map_err(|_| ProviderError::InvalidPadding)?;
    Ok(SecretBytes::from(&buffer[..written.min(len)]))
}

fn configure_signature(
    ctx: &mut PkeyCtx<impl openssl::pkey::HasPublic>,
    scheme: Signature,
    bits: u32,
) -> Result<(), ProviderError> {
    let setup = |_| failed("signature parameters");
    match scheme {
        Signature::Pkcs1v15(hash) => {
            ctx.set_rsa_padding(Padding::PKCS1).map_err(setup)?;
            if let Some(hash) = hash {
                let md = md(hash)?;
                ctx.set_signature_md(&md).map_err(setup)?;
            }
        }
        Signature::Pss(hash) => {
            let salt = pss_salt_len(bits, hash.digest_len())
                .and_then(|salt| i32::try_from(salt).ok())
                .ok_or_else(|| {
                    ProviderError::NotSupported(format!(
                        "RSA-PSS with {hash:?} needs a key larger than {bits} bits"
                    ))
                })?;
            let md = md(hash)?;
            ctx.set_rsa_padding(Padding::PKCS1_PSS).map_err(setup)?;
            ctx.set_signature_md(&md).map_err(setup)?;
            ctx.set_rsa_mgf1_md(&md).map_err(setup)?;
            ctx.set_rsa_pss_saltlen(RsaPssSaltlen::custom(salt))
                .map_err(setup)?;
        }
    }
    Ok(())
}

fn configure_encryption(
    ctx: &mut PkeyCtx<impl openssl::pkey::HasPublic>,
    scheme: Encryption,
    label: &[u8],
) -> Result<(), ProviderError> {
    let setup = |_| failed("encryption parameters");
    match scheme {
        Encryption::Pkcs1v15 => ctx.set_rsa_padding(Padding::PKCS1).map_err(setup),
        Encryption::Oaep(hash) => {
            let md = md(hash)?;
            ctx.set_rsa_padding(Padding::PKCS1_OAEP).map_err(setup)?;
            ctx.set_rsa_oaep_md(&md).map_err(setup)?;
            ctx.set_rsa_mgf1_md(&md).map_err(setup)?;
            if !label.is_empty() {
                ctx.set_rsa_oaep_label(label).map_err(setup)?;
            }
            Ok(())
        }
    }
}

/// Parses the sealed form of a key pair for OpenSSL.
pub(super) fn open_pair(material: &[u8]) -> Result<PKey<Private>, ProviderError> {
    // The sealed form is PKCS#8 around the PKCS#1 key; parse the inner key strictly.
    let pkcs1 = der::pkcs1_of_pkcs8(material).ok_or_else(corrupt)?;
    let rsa = Rsa::private_key_from_der(pkcs1).map_err(|_| corrupt())?;
    PKey::from_rsa(rsa).map_err(|_| corrupt())
}

fn open_public(public: &[u8]) -> Result<PKey<openssl::pkey::Public>, ProviderError> {
    let broken = |_| ProviderError::CorruptKey("the RSA public key does not parse".into());
    let rsa = Rsa::public_key_from_der_pkcs1(public).map_err(broken)?;
    PKey::from_rsa(rsa).map_err(broken)
}

/// The sealed form: PKCS#8 v1, as aws-lc-rs writes it.
fn pkcs8(pair: &PKey<Private>) -> Result<SecretBytes, ProviderError> {
    let document = Zeroizing::new(
        pair.private_key_to_pkcs8()
            .map_err(|_| failed("serialising the RSA key pair"))?,
    );
    Ok(SecretBytes::from(document.as_slice()))
}

fn corrupt() -> ProviderError {
    ProviderError::CorruptKey("the sealed RSA key pair does not parse".into())
}

fn failed(what: &str) -> ProviderError {
    ProviderError::Other(format!("OpenSSL failed: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pss_salts_shrink_only_when_the_key_is_too_small() {
        assert_eq!(pss_salt_len(2048, 64), Some(64));
        assert_eq!(pss_salt_len(1024, 32), Some(32));
        assert_eq!(pss_salt_len(1024, 48), Some(48));
        // emLen 128: 128 - 64 - 2 = 62, at least 64 - 2.
        assert_eq!(pss_salt_len(1024, 64), Some(62));
        assert_eq!(pss_salt_len(512, 64), None);
    }

    #[test]
    fn every_hash_but_md2_and_md4_is_fetched() {
        for hash in Hash::ALL {
            assert_eq!(md(*hash).is_ok(), !matches!(hash, Hash::Md2 | Hash::Md4));
        }
    }
}
