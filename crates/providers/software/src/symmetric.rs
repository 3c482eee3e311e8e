//! Symmetric keys (AES, Camellia, ChaCha20, HMAC, derivation and raw-data keys): their material, and
//! AEAD, unauthenticated ciphers and MACs.
//!
//! A symmetric key's sealed material is its raw bytes, exactly what export answers. Every
//! operation first makes a plan from the key's attributes and the algorithm (`aead::plan`,
//! `cipher::plan`, `mac::plan`); [`supports_alg`] answers from the same plans, so CanDoCrypto
//! agrees with what the operations do.
//!
//! | file | concern | back end |
//! |---|---|---|
//! | `symmetric/keys.rs` | sizes, generation, import | aws-lc-rs random |
//! | `symmetric/aead.rs` | GCM and CCM (AES, Camellia), ChaCha20-Poly1305 | aws-lc-rs; RustCrypto for CCM, Camellia and GCM's other nonce and tag lengths |
//! | `symmetric/rust_crypto_aead.rs` | the RustCrypto AEADs, chosen by key, nonce and tag length | `aes`, `camellia`, `aes-gcm`, `ccm` |
//! | `symmetric/cipher.rs` | AES CTR, CFB-128, OFB, ECB, CBC (PKCS#7 or none); ChaCha20 | aws-lc-rs; `chacha20` |
//! | `symmetric/camellia.rs` | Camellia in the same modes as AES | OpenSSL |
//! | `symmetric/mac.rs` | HMAC, CMAC-AES, truncation | aws-lc-rs; RustCrypto `hmac` for other hashes |
//!
//! Not supported: DES and 3DES, ARC4 (deprecated), XTS, CBC-MAC (forgeable for messages of varying length),
//! HMAC over MD2 or MD4, and key derivation (this provider has no derivation operation).

use psc_provider_api::ProviderError;
use psc_psa::{Aead, Algorithm, Attributes, Cipher, KeyType, Mac, SecretBytes};

mod aead;
mod camellia;
mod cipher;
mod keys;
mod mac;
mod rust_crypto_aead;

/// Whether this module handles `key_type`.
pub(crate) fn is_symmetric(key_type: KeyType) -> bool {
    matches!(
        key_type,
        KeyType::RawData
            | KeyType::Hmac
            | KeyType::Derive
            | KeyType::Aes
            | KeyType::Des
            | KeyType::Camellia
            | KeyType::Arc4
            | KeyType::Chacha20
    )
}

/// Generates random key material of `bits`.
pub(crate) fn generate(key_type: KeyType, bits: u32) -> Result<SecretBytes, ProviderError> {
    keys::generate(key_type, bits)
}

/// Imports raw key bytes; answers them and the key size.
pub(crate) fn import(
    key_type: KeyType,
    bits: u32,
    data: &[u8],
) -> Result<(SecretBytes, u32), ProviderError> {
    keys::import(key_type, bits, data)
}

/// AEAD encryption: `ciphertext ‖ tag`.
pub(crate) fn aead_encrypt(
    attributes: &Attributes,
    key: &[u8],
    alg: Aead,
    nonce: &[u8],
    additional_data: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    let plan = aead::plan(attributes, alg)?;
    aead::encrypt(plan, key, nonce, additional_data, plaintext)
}

/// AEAD decryption of `ciphertext ‖ tag`.
pub(crate) fn aead_decrypt(
    attributes: &Attributes,
    key: &[u8],
    alg: Aead,
    nonce: &[u8],
    additional_data: &[u8],
    ciphertext: &[u8],
) -> Result<SecretBytes, ProviderError> {
    let plan = aead::plan(attributes, alg)?;
    aead::decrypt(plan, key, nonce, additional_data, ciphertext)
}

/// Cipher encryption with a random IV: `IV ‖ ciphertext`.
pub(crate) fn cipher_encrypt(
    attributes: &Attributes,
    key: &[u8],
    alg: Cipher,
    plaintext: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    let plan = cipher::plan(attributes, alg)?;
    cipher::encrypt(plan, key, plaintext)
}

/// Cipher decryption of `IV ‖ ciphertext`.
pub(crate) fn cipher_decrypt(
    attributes: &Attributes,
    key: &[u8],
    alg: Cipher,
    input: &[u8],
) -> Result<SecretBytes, ProviderError> {
    let plan = cipher::plan(attributes, alg)?;
    cipher::decrypt(plan, key, input)
}

/// The MAC of `input`.
pub(crate) fn mac_compute(
    attributes: &Attributes,
    key: &[u8],
    alg: Mac,
    input: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    let plan = mac::plan(attributes, alg)?;
    mac::compute(plan, key, input)
}

/// Whether keys of this type and size can be generated (`generate`) or imported.
pub(crate) fn supports_key(key_type: KeyType, bits: u32, generate: bool) -> bool {
    keys::supports_key(key_type, bits, generate)
}

/// Whether a key with these attributes can run `alg` (an AEAD, a cipher or a MAC).
pub(crate) fn supports_alg(attributes: &Attributes, alg: Algorithm) -> bool {
    match alg {
        Algorithm::Aead(alg) => aead::plan(attributes, alg).is_ok(),
        Algorithm::Cipher(alg) => cipher::plan(attributes, alg).is_ok(),
        Algorithm::Mac(alg) => mac::plan(attributes, alg).is_ok(),
        _ => false,
    }
}

/// Checks what every plan needs: the algorithm fits the key (the service's own rule, so a
/// direct caller gets the same answer), and the key type and size are ones this provider
/// keeps (a size of 0 stands for "any", as in CanDoCrypto).
fn check_key(attributes: &Attributes, alg: Algorithm) -> Result<(), ProviderError> {
    keys::check_type(attributes.key_type)?;
    if attributes.bits != 0 {
        keys::check_bits(attributes.key_type, attributes.bits)?;
    }
    if !attributes.is_compatible_with(alg) {
        return Err(ProviderError::InvalidArgument(format!(
            "{alg:?} does not fit a {:?} key of {} bits",
            attributes.key_type, attributes.bits
        )));
    }
    Ok(())
}

/// The error for a stored key whose material does not fit its type: it cannot come from
/// this module, so the blob was not sealed by it.
fn corrupt(what: &str, len: usize) -> ProviderError {
    ProviderError::CorruptKey(format!("a {what} key cannot be {len} bytes long"))
}
