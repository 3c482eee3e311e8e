//! Camellia keys (issue 22 item 4): GCM against the vectors Mbed TLS (the original's engine)
//! tests itself with (draft-kato-ipsec-camellia-gcm), CCM round trips and tampering, and the
//! unauthenticated modes both ways with the `openssl` command line.

mod symmetric_common;

use std::path::Path;
use std::process::Command;

use psc_provider_api::{Check, KeyLifecycle, Provider};
use psc_psa::{Aead, AeadAlg, Algorithm, Cipher, FullLengthMac, KeyType, Mac};
use symmetric_common::*;

type Failure = Box<dyn std::error::Error>;

const PLAINTEXT: &str = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
                         1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
const AAD: &str = "feedfacedeadbeeffeedfacedeadbeefabaddad2";

/// (key, nonce, ciphertext ‖ tag) of draft-kato-ipsec-camellia-gcm vectors #4, #10 and #17
/// over `PLAINTEXT` and `AAD`, as in Mbed TLS's `test_suite_gcm.camellia.data`.
const GCM_VECTORS: [(&str, &str, &str); 3] = [
    (
        "feffe9928665731c6d6a8f9467308308",
        "cafebabefacedbaddecaf888",
        "d0d94a13b632f337a0cc9955b94fa020c815f903aab12f1efaf2fe9d90f729a6\
         cccbfa986ef2ff2c33de418d9a2529091cf18fe652c1cfde13f82606\
         9f458869431576ea6a095456ec6b8101",
    ),
    (
        "feffe9928665731c6d6a8f9467308308feffe9928665731c",
        "cafebabefacedbaddecaf888",
        "0f009e88410d84ad93c90d55efbe20ffa855492f4dfd0fb485c4f02f536feffb\
         b4d967729e5c67f1de0750255cc500716ba483eb3b0a2bf607af28f6\
         01b15bb5ab6fac0c422014e91eacbf2b",
    ),
    (
        "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
        "cafebabefacedbad",
        "6ca95fbb7d16577a9ef2fded94dc85b5d40c629f6bef2c649888e3cbb0ededc7\
         810c04b12c2983bbbbc482e16e45c9215ae12c15c55f2f4809d06652\
         e6472b8ebd331bfcc7c0fa63ce094461",
    ),
];

#[test]
fn camellia_gcm_matches_mbed_tls_vectors() -> TestResult {
    let (provider, _dir) = provider();
    let alg = Aead::DefaultTag(AeadAlg::Gcm);
    for (key, nonce, expected) in GCM_VECTORS {
        let key = import_hex(&provider, KeyType::Camellia, Algorithm::Aead(alg), key);
        let nonce = unhex(nonce);
        let sealed = aead_encrypt(&provider, &key, alg, &nonce, &unhex(AAD), &unhex(PLAINTEXT))?;
        assert_eq!(hex::encode(&sealed), expected.replace(' ', ""));
        let opened = aead_decrypt(&provider, &key, alg, &nonce, &unhex(AAD), &sealed)?;
        assert_eq!(opened.as_bytes(), unhex(PLAINTEXT));
        let mut forged = sealed.clone();
        forged[3] ^= 1;
        let refused = aead_decrypt(&provider, &key, alg, &nonce, &unhex(AAD), &forged);
        assert!(is_invalid_signature(&refused), "{refused:?}");
        // A shortened tag is the full one cut short, as GCM defines.
        let short = Aead::ShortenedTag {
            aead: AeadAlg::Gcm,
            tag_length: 12,
        };
        let key = import_hex(
            &provider,
            KeyType::Camellia,
            Algorithm::Aead(short),
            &hex::encode(provider.export(key_ref(&key), BINDING)?.as_bytes()),
        );
        let cut = aead_encrypt(
            &provider,
            &key,
            short,
            &nonce,
            &unhex(AAD),
            &unhex(PLAINTEXT),
        )?;
        assert_eq!(cut[..], sealed[..sealed.len() - 4]);
    }
    Ok(())
}

#[test]
fn camellia_ccm_round_trips_and_refuses_forgeries() -> TestResult {
    let (provider, _dir) = provider();
    for bits in [128, 192, 256] {
        for tag_length in [4, 8, 16] {
            let alg = ccm(tag_length);
            let key = generate(&provider, KeyType::Camellia, bits, Algorithm::Aead(alg))?;
            let plaintext = random(&provider, 77);
            let nonce = random(&provider, 13);
            let sealed = aead_encrypt(&provider, &key, alg, &nonce, b"header", &plaintext)?;
            assert_eq!(sealed.len(), plaintext.len() + usize::try_from(tag_length)?);
            let opened = aead_decrypt(&provider, &key, alg, &nonce, b"header", &sealed)?;
            assert_eq!(opened.as_bytes(), plaintext);
            let refused = aead_decrypt(&provider, &key, alg, &nonce, b"other", &sealed);
            assert!(is_invalid_signature(&refused), "{refused:?}");
            // Not AES under the same key bytes: the block cipher is Camellia.
            let aes_key = import_bytes(
                &provider,
                KeyType::Aes,
                Algorithm::Aead(alg),
                provider.export(key_ref(&key), BINDING)?.as_bytes(),
            )?;
            let aes = aead_encrypt(&provider, &aes_key, alg, &nonce, b"header", &plaintext)?;
            assert_ne!(aes, sealed);
        }
    }
    Ok(())
}

fn openssl(dir: &Path, args: &[&str], input: &[u8]) -> Result<Vec<u8>, Failure> {
    std::fs::write(dir.join("input.bin"), input)?;
    let output = Command::new("openssl")
        .args(["enc", "-in", "input.bin"])
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|err| format!("the openssl command is required for these tests: {err}"))?;
    if output.status.success() {
        Ok(output.stdout)
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(format!("openssl {args:?} failed: {stderr}").into())
    }
}

const MODES: [(Cipher, u32, &str); 7] = [
    (Cipher::CbcPkcs7, 128, "-camellia-128-cbc"),
    (Cipher::CbcNoPadding, 256, "-camellia-256-cbc"),
    (Cipher::Ctr, 192, "-camellia-192-ctr"),
    (Cipher::Ctr, 256, "-camellia-256-ctr"),
    (Cipher::Cfb, 128, "-camellia-128-cfb"),
    (Cipher::Ofb, 192, "-camellia-192-ofb"),
    (Cipher::EcbNoPadding, 256, "-camellia-256-ecb"),
];

#[test]
fn camellia_modes_agree_with_openssl_both_ways() -> TestResult {
    let (provider, dir) = provider();
    for (mode, bits, name) in MODES {
        let key = generate(&provider, KeyType::Camellia, bits, Algorithm::Cipher(mode))?;
        let key_hex = hex::encode(provider.export(key_ref(&key), BINDING)?.as_bytes());
        let len = if matches!(mode, Cipher::CbcNoPadding | Cipher::EcbNoPadding) {
            96
        } else {
            101
        };
        let plaintext = random(&provider, len);
        let output = cipher_encrypt(&provider, &key, mode, &plaintext)?;
        let iv_len = if mode == Cipher::EcbNoPadding { 0 } else { 16 };
        let (iv, ciphertext) = output.split_at(iv_len);
        let mut args = vec![name.to_owned(), "-K".into(), key_hex.clone()];
        if iv_len > 0 {
            args.extend(["-iv".into(), hex::encode(iv)]);
        }
        if matches!(mode, Cipher::CbcNoPadding | Cipher::EcbNoPadding) {
            args.push("-nopad".into());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let decrypted = openssl(dir.path(), &[&["-d"], &args[..]].concat(), ciphertext)?;
        assert_eq!(decrypted, plaintext, "{mode:?} {bits}");
        let theirs = openssl(dir.path(), &[&["-e"], &args[..]].concat(), &plaintext)?;
        let ours = cipher_decrypt(&provider, &key, mode, &[iv, theirs.as_slice()].concat())?;
        assert_eq!(ours.as_bytes(), plaintext, "{mode:?} {bits}");
    }
    Ok(())
}

#[test]
fn camellia_can_do_agrees_with_the_operations() -> TestResult {
    let (provider, _dir) = provider();
    let yes = [
        Algorithm::Aead(Aead::DefaultTag(AeadAlg::Gcm)),
        Algorithm::Aead(ccm(8)),
        Algorithm::Cipher(Cipher::Ctr),
        Algorithm::Cipher(Cipher::CbcPkcs7),
        Algorithm::Cipher(Cipher::EcbNoPadding),
    ];
    for bits in [128, 192, 256] {
        for alg in yes {
            let attributes = sym_attributes(KeyType::Camellia, bits, alg);
            for check in [Check::Generate, Check::Import, Check::Use] {
                assert!(provider.can_do(check, &attributes).is_ok(), "{alg:?}");
            }
        }
    }
    // Not served: XTS, CMAC over Camellia, and sizes Camellia does not have.
    let cmac = Algorithm::Mac(Mac::FullLength(FullLengthMac::Cmac));
    for alg in [Algorithm::Cipher(Cipher::Xts), cmac] {
        let attributes = sym_attributes(KeyType::Camellia, 128, alg);
        assert!(provider.can_do(Check::Use, &attributes).is_err(), "{alg:?}");
    }
    let key = generate(&provider, KeyType::Camellia, 128, cmac)?;
    let refused = mac_compute(&provider, &key, Mac::FullLength(FullLengthMac::Cmac), b"m");
    assert!(is_not_supported(&refused), "{refused:?}");
    assert!(generate(&provider, KeyType::Camellia, 64, Algorithm::None).is_err());
    Ok(())
}
