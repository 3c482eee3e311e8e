//! Symmetric keys (AES, ChaCha20, HMAC, derivation and raw-data keys): their material, and
//! AEAD, unauthenticated ciphers and MACs.
//!
//! Not implemented yet: every entry point answers `NotSupported`.

use psc_provider_api::ProviderError;
use psc_psa::{Aead, Attributes, Cipher, KeyType, Mac, SecretBytes};

fn not_yet() -> ProviderError {
    ProviderError::NotSupported(
        "symmetric keys are not implemented by the software provider yet".into(),
    )
}

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
    let _ = (key_type, bits);
    Err(not_yet())
}

/// Imports raw key bytes; answers them and the key size.
pub(crate) fn import(
    key_type: KeyType,
    bits: u32,
    data: &[u8],
) -> Result<(SecretBytes, u32), ProviderError> {
    let _ = (key_type, bits, data);
    Err(not_yet())
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
    let _ = (attributes, key, alg, nonce, additional_data, plaintext);
    Err(not_yet())
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
    let _ = (attributes, key, alg, nonce, additional_data, ciphertext);
    Err(not_yet())
}

/// Cipher encryption with a random IV: `IV ‖ ciphertext`.
pub(crate) fn cipher_encrypt(
    attributes: &Attributes,
    key: &[u8],
    alg: Cipher,
    plaintext: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    let _ = (attributes, key, alg, plaintext);
    Err(not_yet())
}

/// Cipher decryption of `IV ‖ ciphertext`.
pub(crate) fn cipher_decrypt(
    attributes: &Attributes,
    key: &[u8],
    alg: Cipher,
    input: &[u8],
) -> Result<SecretBytes, ProviderError> {
    let _ = (attributes, key, alg, input);
    Err(not_yet())
}

/// The MAC of `input`.
pub(crate) fn mac_compute(
    attributes: &Attributes,
    key: &[u8],
    alg: Mac,
    input: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    let _ = (attributes, key, alg, input);
    Err(not_yet())
}

/// Whether keys of this type and size can be generated (`generate`) or imported.
pub(crate) fn supports_key(key_type: KeyType, bits: u32, generate: bool) -> bool {
    let _ = (key_type, bits, generate);
    false
}

/// Whether a key with these attributes can run `alg` (an AEAD, a cipher or a MAC).
pub(crate) fn supports_alg(attributes: &Attributes, alg: psc_psa::Algorithm) -> bool {
    let _ = (attributes, alg);
    false
}
