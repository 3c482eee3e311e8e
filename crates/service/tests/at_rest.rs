//! Private and secret key material is never written to disk in plaintext: after creating keys
//! through the service (generated and imported), every file of the data directory is searched
//! byte for byte for the key material.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use parsec_client::auth::Authentication;
use parsec_client::core::interface::operations::psa_algorithm::{
    Aead, AeadWithDefaultLengthTag, Algorithm, AsymmetricSignature, Hash, SignHash,
};
use parsec_client::core::interface::operations::psa_key_attributes::{
    Attributes, EccFamily, Lifetime, Policy, Type, UsageFlags,
};
use psc_testkit::TestDaemon;

fn exportable(key_type: Type, bits: usize, alg: Algorithm) -> Attributes {
    let mut usage_flags = UsageFlags::default();
    usage_flags
        .set_export()
        .set_sign_hash()
        .set_verify_hash()
        .set_encrypt()
        .set_decrypt();
    Attributes {
        lifetime: Lifetime::Persistent,
        key_type,
        bits,
        policy: Policy {
            usage_flags,
            permitted_algorithms: alg,
        },
    }
}

/// Every file under `dir`, concatenated with the others (the socket excluded).
fn data_directory_bytes(dir: &std::path::Path) -> Vec<u8> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            all.extend(std::fs::read(&path).unwrap());
        } else if path.is_dir() {
            all.extend(data_directory_bytes(&path));
        }
    }
    all
}

/// Whether any 12-byte window of `secret` occurs in `haystack`.
fn leaks(haystack: &[u8], secret: &[u8]) -> bool {
    secret
        .windows(12)
        .any(|window| haystack.windows(12).any(|w| w == window))
}

#[test]
fn the_data_directory_holds_no_key_material() {
    let daemon = TestDaemon::start();
    let client = daemon.published_client(Authentication::Direct("app".into()));
    let ecdsa = AsymmetricSignature::Ecdsa {
        hash_alg: SignHash::Specific(Hash::Sha256),
    };
    let p256 = Type::EccKeyPair {
        curve_family: EccFamily::SecpR1,
    };
    let gcm = Aead::AeadWithDefaultLengthTag(AeadWithDefaultLengthTag::Gcm);
    client
        .psa_generate_key("ecc", exportable(p256, 256, ecdsa.into()))
        .unwrap();
    client
        .psa_generate_key("aes", exportable(Type::Aes, 256, gcm.into()))
        .unwrap();
    let rsa = AsymmetricSignature::RsaPkcs1v15Sign {
        hash_alg: SignHash::Specific(Hash::Sha256),
    };
    client
        .psa_generate_key("rsa", exportable(Type::RsaKeyPair, 2048, rsa.into()))
        .unwrap();
    let imported = [0x5au8; 32];
    client
        .psa_import_key("imported", &imported, exportable(Type::Aes, 0, gcm.into()))
        .unwrap();

    let mut secrets: Vec<(&str, Vec<u8>)> = vec![("imported", imported.to_vec())];
    for name in ["ecc", "aes", "rsa"] {
        secrets.push((name, client.psa_export_key(name).unwrap()));
    }
    // Durable: the daemon stopped, every write is in the files.
    let dir = daemon.dir().to_owned();
    let disk = {
        let daemon = daemon.restart();
        let bytes = data_directory_bytes(&dir);
        drop(daemon);
        bytes
    };
    assert!(disk.len() > 4096, "the store was written");
    for (name, secret) in &secrets {
        assert!(secret.len() >= 32, "{name}: exported");
        assert!(!leaks(&disk, secret), "{name}: key material found on disk");
    }
}
