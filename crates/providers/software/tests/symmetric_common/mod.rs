//! Helpers for the symmetric tests: a provider over a fresh master key, key templates,
//! imports of published keys, and thin wrappers over the AEAD, cipher and MAC capabilities.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]
// Fixture helpers run outside `#[test]` functions; a broken fixture should fail loudly.
#![allow(clippy::expect_used, clippy::panic)]

use psc_provider_api::{
    AeadCrypt, Binding, CipherCrypt, KeyLifecycle, KeyRef, MacCompute, NewKey, ProviderError,
    RandomSource,
};
use psc_provider_software::SoftwareProvider;
use psc_psa::{
    Aead, AeadAlg, Algorithm, Attributes, Cipher, FullLengthMac, Hash, KeyType, Mac, Policy,
    SecretBytes, UsageFlags,
};

pub(crate) type TestResult = Result<(), Box<dyn std::error::Error>>;

pub(crate) const BINDING: Binding<'static> = Binding(b"uid:1000/sym-key");
pub(crate) const OTHER_BINDING: Binding<'static> = Binding(b"uid:1001/sym-key");

/// A provider over a new master key in its own temporary directory (kept alive by the guard).
pub(crate) fn provider() -> (SoftwareProvider, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let provider = SoftwareProvider::open(&dir.path().join("master.key")).expect("provider opens");
    (provider, dir)
}

pub(crate) fn unhex(text: &str) -> Vec<u8> {
    hex::decode(text).expect("valid hex in a test vector")
}

/// A symmetric key that may be exported and used for everything its algorithm does.
pub(crate) fn sym_attributes(key_type: KeyType, bits: u32, alg: Algorithm) -> Attributes {
    let usage_flags = UsageFlags {
        export: true,
        encrypt: true,
        decrypt: true,
        sign_message: true,
        verify_message: true,
        ..UsageFlags::default()
    };
    Attributes {
        key_type,
        bits,
        policy: Policy {
            usage_flags,
            permitted_algorithm: alg,
        },
    }
}

/// Imports `hex_key` as a key of this type for `alg`, its size taken from the data.
pub(crate) fn import_hex(
    provider: &SoftwareProvider,
    key_type: KeyType,
    alg: Algorithm,
    hex_key: &str,
) -> NewKey {
    import_bytes(provider, key_type, alg, &unhex(hex_key)).expect("published key imports")
}

pub(crate) fn import_bytes(
    provider: &SoftwareProvider,
    key_type: KeyType,
    alg: Algorithm,
    key: &[u8],
) -> Result<NewKey, ProviderError> {
    provider.import(&sym_attributes(key_type, 0, alg), key, BINDING)
}

pub(crate) fn generate(
    provider: &SoftwareProvider,
    key_type: KeyType,
    bits: u32,
    alg: Algorithm,
) -> Result<NewKey, ProviderError> {
    provider.generate(&sym_attributes(key_type, bits, alg), BINDING)
}

pub(crate) fn key_ref(key: &NewKey) -> KeyRef<'_> {
    KeyRef {
        attributes: &key.attributes,
        blob: &key.blob,
    }
}

pub(crate) fn gcm() -> Aead {
    Aead::DefaultTag(AeadAlg::Gcm)
}

pub(crate) fn ccm(tag_length: u32) -> Aead {
    Aead::ShortenedTag {
        aead: AeadAlg::Ccm,
        tag_length,
    }
}

pub(crate) fn hmac(hash: Hash) -> Mac {
    Mac::FullLength(FullLengthMac::Hmac { hash })
}

pub(crate) fn aead_encrypt(
    provider: &SoftwareProvider,
    key: &NewKey,
    alg: Aead,
    nonce: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    AeadCrypt::encrypt(provider, key_ref(key), BINDING, alg, nonce, aad, plaintext)
}

pub(crate) fn aead_decrypt(
    provider: &SoftwareProvider,
    key: &NewKey,
    alg: Aead,
    nonce: &[u8],
    aad: &[u8],
    ciphertext: &[u8],
) -> Result<SecretBytes, ProviderError> {
    AeadCrypt::decrypt(provider, key_ref(key), BINDING, alg, nonce, aad, ciphertext)
}

pub(crate) fn cipher_encrypt(
    provider: &SoftwareProvider,
    key: &NewKey,
    alg: Cipher,
    plaintext: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    CipherCrypt::encrypt(provider, key_ref(key), BINDING, alg, plaintext)
}

pub(crate) fn cipher_decrypt(
    provider: &SoftwareProvider,
    key: &NewKey,
    alg: Cipher,
    input: &[u8],
) -> Result<SecretBytes, ProviderError> {
    CipherCrypt::decrypt(provider, key_ref(key), BINDING, alg, input)
}

pub(crate) fn mac_compute(
    provider: &SoftwareProvider,
    key: &NewKey,
    alg: Mac,
    input: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    MacCompute::compute(provider, key_ref(key), BINDING, alg, input)
}

pub(crate) fn mac_verify(
    provider: &SoftwareProvider,
    key: &NewKey,
    alg: Mac,
    input: &[u8],
    mac: &[u8],
) -> Result<(), ProviderError> {
    MacCompute::verify(provider, key_ref(key), BINDING, alg, input, mac)
}

/// `len` random bytes from the provider's own generator.
pub(crate) fn random(provider: &SoftwareProvider, len: usize) -> Vec<u8> {
    let mut bytes = vec![0; len];
    provider.fill(&mut bytes).expect("random bytes");
    bytes
}

pub(crate) fn is_invalid_argument<T>(result: &Result<T, ProviderError>) -> bool {
    matches!(result, Err(ProviderError::InvalidArgument(_)))
}

pub(crate) fn is_not_supported<T>(result: &Result<T, ProviderError>) -> bool {
    matches!(result, Err(ProviderError::NotSupported(_)))
}

pub(crate) fn is_invalid_signature<T>(result: &Result<T, ProviderError>) -> bool {
    matches!(result, Err(ProviderError::InvalidSignature))
}

pub(crate) fn is_invalid_padding<T>(result: &Result<T, ProviderError>) -> bool {
    matches!(result, Err(ProviderError::InvalidPadding))
}
