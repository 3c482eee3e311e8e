//! CanDoCrypto agrees with the operations: for every symmetric key type and size and every
//! AEAD, cipher and MAC (and a few algorithms of other families), `can_do` says yes exactly
//! when the operation succeeds.

mod symmetric_common;

use psc_provider_api::{Check, KeyLifecycle as _, NewKey, Provider};
use psc_provider_software::SoftwareProvider;
use psc_psa::{
    Aead, AeadAlg, Algorithm, AsymmetricSignature, Cipher, FullLengthMac, Hash, KeyDerivation,
    KeyType, Mac, SignHash,
};
use symmetric_common::*;

/// Every AEAD, cipher and MAC, with tag and MAC lengths on both sides of each limit, and a
/// few algorithms no symmetric key runs.
fn algorithms() -> Vec<Algorithm> {
    let mut algorithms = vec![
        Algorithm::Hash(Hash::Sha256),
        Algorithm::KeyDerivation(KeyDerivation::Hkdf { hash: Hash::Sha256 }),
        Algorithm::AsymmetricSignature(AsymmetricSignature::Ecdsa {
            hash: SignHash::Specific(Hash::Sha256),
        }),
    ];
    for &aead in AeadAlg::ALL {
        algorithms.push(Algorithm::Aead(Aead::DefaultTag(aead)));
        for tag_length in 0..=17 {
            algorithms.push(Algorithm::Aead(Aead::ShortenedTag { aead, tag_length }));
        }
    }
    algorithms.extend(Cipher::ALL.iter().map(|&cipher| Algorithm::Cipher(cipher)));
    let mut macs: Vec<(FullLengthMac, u32)> = Hash::ALL
        .iter()
        .map(|&hash| {
            (
                FullLengthMac::Hmac { hash },
                u32::try_from(hash.digest_len()).unwrap_or(0),
            )
        })
        .collect();
    macs.extend([(FullLengthMac::Cmac, 16), (FullLengthMac::CbcMac, 16)]);
    for (mac, full_len) in macs {
        algorithms.push(Algorithm::Mac(Mac::FullLength(mac)));
        for length in [0, 3, 4, 15, full_len, full_len + 1] {
            algorithms.push(Algorithm::Mac(Mac::Truncated { mac, length }));
        }
    }
    algorithms
}

/// Whether `alg` runs with `key`: an encryption that decrypts back, a MAC that verifies.
fn runs(provider: &SoftwareProvider, key: &NewKey, alg: Algorithm) -> bool {
    let plaintext = [0x3c; 32];
    match alg {
        Algorithm::Aead(alg) => aead_encrypt(provider, key, alg, &[9; 12], b"ad", &plaintext)
            .and_then(|sealed| aead_decrypt(provider, key, alg, &[9; 12], b"ad", &sealed))
            .is_ok_and(|opened| opened.as_bytes() == plaintext),
        Algorithm::Cipher(alg) => cipher_encrypt(provider, key, alg, &plaintext)
            .and_then(|output| cipher_decrypt(provider, key, alg, &output))
            .is_ok_and(|decrypted| decrypted.as_bytes() == plaintext),
        Algorithm::Mac(alg) => mac_compute(provider, key, alg, &plaintext)
            .and_then(|mac| mac_verify(provider, key, alg, &plaintext, &mac))
            .is_ok(),
        _ => false,
    }
}

/// The key types and sizes that can exist here.
const KEYS: [(KeyType, u32); 8] = [
    (KeyType::Aes, 128),
    (KeyType::Aes, 192),
    (KeyType::Aes, 256),
    (KeyType::Chacha20, 256),
    (KeyType::Hmac, 64),
    (KeyType::Hmac, 256),
    (KeyType::RawData, 128),
    (KeyType::Derive, 256),
];

fn can_do(
    provider: &SoftwareProvider,
    check: Check,
    key_type: KeyType,
    bits: u32,
    alg: Algorithm,
) -> bool {
    provider
        .can_do(check, &sym_attributes(key_type, bits, alg))
        .is_ok()
}

#[test]
fn can_do_use_agrees_with_every_operation() -> TestResult {
    let (provider, _dir) = provider();
    let algorithms = algorithms();
    let mut supported = 0;
    for (key_type, bits) in KEYS {
        for &alg in &algorithms {
            let key = generate(&provider, key_type, bits, alg)?;
            let works = runs(&provider, &key, alg);
            let answer = can_do(&provider, Check::Use, key_type, bits, alg);
            assert_eq!(answer, works, "CanDo Use {key_type:?} {bits} {alg:?}");
            // A key that can be created can run exactly what it can use.
            for check in [Check::Generate, Check::Import] {
                let created = can_do(&provider, check, key_type, bits, alg);
                assert_eq!(
                    created,
                    works || alg == Algorithm::Hash(Hash::Sha256),
                    "{check:?}"
                );
            }
            supported += usize::from(works);
        }
    }
    // Pins the coverage, so a sweep cannot pass by running nothing. Per AES key size: GCM 8
    // (default + 7 tags), CCM 8, 6 modes, CMAC 4 (full + 4, 15, 16); ChaCha20: 2 AEAD names and
    // the stream cipher; per HMAC key: 13 hashes × 4 (full + 4, 15, full-length truncations).
    assert_eq!(supported, 3 * (8 + 8 + 6 + 4) + 3 + 2 * 13 * 4);
    Ok(())
}

#[test]
fn can_do_use_with_any_size_means_some_size_works() -> TestResult {
    let (provider, _dir) = provider();
    for key_type in [KeyType::Aes, KeyType::Chacha20, KeyType::Hmac] {
        let sizes: Vec<u32> = KEYS
            .iter()
            .filter(|(t, _)| *t == key_type)
            .map(|(_, b)| *b)
            .collect();
        for alg in algorithms() {
            let mut some_size = false;
            for &bits in &sizes {
                some_size |= can_do(&provider, Check::Use, key_type, bits, alg);
            }
            assert_eq!(
                can_do(&provider, Check::Use, key_type, 0, alg),
                some_size,
                "{key_type:?} {alg:?}"
            );
        }
    }
    Ok(())
}

#[test]
fn refused_key_types_can_do_nothing() {
    let (provider, _dir) = provider();
    for key_type in [KeyType::Des, KeyType::Arc4] {
        for bits in [0, 40, 64, 128, 192, 256] {
            for alg in algorithms() {
                for check in [Check::Use, Check::Generate, Check::Import] {
                    assert!(
                        !can_do(&provider, check, key_type, bits, alg),
                        "{key_type:?} {bits} {alg:?}"
                    );
                }
            }
            for check in [Check::Generate, Check::Import] {
                assert!(!can_do(&provider, check, key_type, bits, Algorithm::None));
            }
        }
    }
}

#[test]
fn can_do_generate_and_import_agree_with_key_creation() {
    let (provider, _dir) = provider();
    let key_types = [
        KeyType::RawData,
        KeyType::Hmac,
        KeyType::Derive,
        KeyType::Aes,
        KeyType::Chacha20,
        KeyType::Des,
        KeyType::Camellia,
        KeyType::Arc4,
    ];
    let sizes = [1, 7, 8, 40, 64, 100, 128, 192, 256, 512, 65528, 65536];
    for key_type in key_types {
        for bits in sizes {
            let generated = generate(&provider, key_type, bits, Algorithm::None).is_ok();
            let answer = can_do(&provider, Check::Generate, key_type, bits, Algorithm::None);
            assert_eq!(answer, generated, "generate {key_type:?} {bits}");
            let data = vec![0x6b; usize::try_from(bits / 8).unwrap_or(0)];
            let attributes = sym_attributes(key_type, bits, Algorithm::None);
            let imported = provider.import(&attributes, &data, BINDING).is_ok();
            let answer = can_do(&provider, Check::Import, key_type, bits, Algorithm::None);
            assert_eq!(answer, imported, "import {key_type:?} {bits}");
        }
        // Size 0 means "any": yes for every type kept here.
        let kept = !matches!(key_type, KeyType::Des | KeyType::Arc4);
        assert_eq!(
            can_do(&provider, Check::Import, key_type, 0, Algorithm::None),
            kept
        );
    }
}
