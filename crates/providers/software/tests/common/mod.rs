//! Shared fixtures: a provider over a fresh master key, the key templates, and RFC 6979's
//! published P-256 key.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]
// Fixture helpers run outside `#[test]` functions; a broken fixture should fail loudly.
#![allow(clippy::expect_used, clippy::panic)]

use psc_provider_api::{Binding, KeyLifecycle, KeyRef, NewKey, ProviderError, SignHash as _};
use psc_provider_software::SoftwareProvider;
use psc_psa::{AsymmetricSignature, Attributes, EccFamily, Hash, KeyType, SignHash};

pub(crate) type TestResult = Result<(), Box<dyn std::error::Error>>;

pub(crate) const BINDING: Binding<'static> = Binding(b"uid:1000/app-key");
pub(crate) const OTHER_BINDING: Binding<'static> = Binding(b"uid:1001/app-key");

/// RFC 6979 appendix A.2.5: the P-256 private key x.
pub(crate) const RFC6979_X: &str =
    "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
/// RFC 6979 appendix A.2.5: the public key Ux, Uy.
pub(crate) const RFC6979_UX: &str =
    "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6";
pub(crate) const RFC6979_UY: &str =
    "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";

/// A provider over a new master key in its own temporary directory (kept alive by the guard).
pub(crate) fn provider() -> (SoftwareProvider, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let provider = SoftwareProvider::open(&dir.path().join("master.key")).expect("provider opens");
    (provider, dir)
}

pub(crate) fn ecdsa(hash: Hash) -> AsymmetricSignature {
    AsymmetricSignature::Ecdsa {
        hash: SignHash::Specific(hash),
    }
}

pub(crate) const P256_PAIR: KeyType = KeyType::EccKeyPair {
    curve_family: EccFamily::SecpR1,
};
pub(crate) const P256_PUBLIC: KeyType = KeyType::EccPublicKey {
    curve_family: EccFamily::SecpR1,
};

/// The `parsec-tool create-ecc-key` template, with another key type, size or algorithm.
pub(crate) fn attributes(key_type: KeyType, bits: u32, alg: AsymmetricSignature) -> Attributes {
    Attributes::signing_key(key_type, bits, alg)
}

pub(crate) fn generate_p256(provider: &SoftwareProvider, alg: AsymmetricSignature) -> NewKey {
    provider
        .generate(&attributes(P256_PAIR, 256, alg), BINDING)
        .expect("P-256 generation")
}

/// The RFC 6979 A.2.5 key, imported as a P-256 key pair for ECDSA with SHA-256.
pub(crate) fn rfc6979_key(provider: &SoftwareProvider) -> NewKey {
    import(provider, P256_PAIR, ecdsa(Hash::Sha256), &unhex(RFC6979_X)).expect("RFC 6979 key")
}

pub(crate) fn import(
    provider: &SoftwareProvider,
    key_type: KeyType,
    alg: AsymmetricSignature,
    data: &[u8],
) -> Result<NewKey, ProviderError> {
    provider.import(&attributes(key_type, 0, alg), data, BINDING)
}

pub(crate) fn key_ref(key: &NewKey) -> KeyRef<'_> {
    KeyRef {
        attributes: &key.attributes,
        blob: &key.blob,
    }
}

pub(crate) fn sign(
    provider: &SoftwareProvider,
    key: &NewKey,
    alg: AsymmetricSignature,
    hash: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    provider.sign_hash(key_ref(key), BINDING, alg, hash)
}

pub(crate) fn verify(
    provider: &SoftwareProvider,
    key: &NewKey,
    alg: AsymmetricSignature,
    hash: &[u8],
    signature: &[u8],
) -> Result<(), ProviderError> {
    provider.verify_hash(key_ref(key), BINDING, alg, hash, signature)
}

/// The digest of `message` with aws-lc-rs, for the SHA-2 hashes.
pub(crate) fn digest(hash: Hash, message: &[u8]) -> Vec<u8> {
    use aws_lc_rs::digest;
    let alg = match hash {
        Hash::Sha224 => &digest::SHA224,
        Hash::Sha256 => &digest::SHA256,
        Hash::Sha384 => &digest::SHA384,
        Hash::Sha512 => &digest::SHA512,
        other => panic!("no test digest for {other:?}"),
    };
    digest::digest(alg, message).as_ref().to_vec()
}

pub(crate) fn unhex(text: &str) -> Vec<u8> {
    hex::decode(text).expect("valid hex in a test vector")
}
