//! RSA: key material, PKCS#1 v1.5 and PSS signatures, PKCS#1 v1.5 and OAEP encryption.
//!
//! Not implemented yet: every entry point answers `NotSupported`.

use psc_provider_api::ProviderError;
use psc_psa::{AsymmetricEncryption, AsymmetricSignature, Attributes, SecretBytes};

fn not_yet() -> ProviderError {
    ProviderError::NotSupported("RSA is not implemented by the software provider yet".into())
}

/// Generates a key pair of `bits`; answers its sealed form.
pub(crate) fn generate(bits: u32) -> Result<SecretBytes, ProviderError> {
    let _ = bits;
    Err(not_yet())
}

/// Imports a PKCS#1 `RSAPrivateKey`; answers the sealed form and the key size.
pub(crate) fn import_pair(bits: u32, data: &[u8]) -> Result<(SecretBytes, u32), ProviderError> {
    let _ = (bits, data);
    Err(not_yet())
}

/// Imports a PKCS#1 `RSAPublicKey`; answers the sealed form and the key size.
pub(crate) fn import_public(bits: u32, data: &[u8]) -> Result<(SecretBytes, u32), ProviderError> {
    let _ = (bits, data);
    Err(not_yet())
}

/// The PKCS#1 `RSAPublicKey` of a key pair or public key.
pub(crate) fn export_public(
    attributes: &Attributes,
    material: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    let _ = (attributes, material);
    Err(not_yet())
}

/// The key in PSA export format (PKCS#1 `RSAPrivateKey` or `RSAPublicKey`).
pub(crate) fn export(
    attributes: &Attributes,
    material: &[u8],
) -> Result<SecretBytes, ProviderError> {
    let _ = (attributes, material);
    Err(not_yet())
}

/// Signs a hash.
pub(crate) fn sign_hash(
    attributes: &Attributes,
    material: &[u8],
    alg: AsymmetricSignature,
    hash: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    let _ = (attributes, material, alg, hash);
    Err(not_yet())
}

/// Verifies a signature over a hash.
pub(crate) fn verify_hash(
    attributes: &Attributes,
    material: &[u8],
    alg: AsymmetricSignature,
    hash: &[u8],
    signature: &[u8],
) -> Result<(), ProviderError> {
    let _ = (attributes, material, alg, hash, signature);
    Err(not_yet())
}

/// Encrypts with the public key (`label`: the OAEP label, empty for none).
pub(crate) fn encrypt(
    attributes: &Attributes,
    material: &[u8],
    alg: AsymmetricEncryption,
    plaintext: &[u8],
    label: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    let _ = (attributes, material, alg, plaintext, label);
    Err(not_yet())
}

/// Decrypts with the private key, in constant time.
pub(crate) fn decrypt(
    attributes: &Attributes,
    material: &[u8],
    alg: AsymmetricEncryption,
    ciphertext: &[u8],
    label: &[u8],
) -> Result<SecretBytes, ProviderError> {
    let _ = (attributes, material, alg, ciphertext, label);
    Err(not_yet())
}

/// Whether keys of `bits` can be generated (`generate`) or imported.
pub(crate) fn supports_key(bits: u32, generate: bool) -> bool {
    let _ = (bits, generate);
    false
}

/// Whether a key with these attributes can run `alg` (a signature or an encryption).
pub(crate) fn supports_alg(attributes: &Attributes, alg: psc_psa::Algorithm) -> bool {
    let _ = (attributes, alg);
    false
}
