//! MACs: HMAC against RFC 4231 and RFC 2202, CMAC-AES against RFC 4493 and SP 800-38B,
//! truncation, and verification.

mod symmetric_common;

use psc_psa::{Algorithm, FullLengthMac, Hash, KeyType, Mac};
use symmetric_common::*;

const CMAC: Mac = Mac::FullLength(FullLengthMac::Cmac);

fn truncated(mac: FullLengthMac, length: u32) -> Mac {
    Mac::Truncated { mac, length }
}

/// RFC 4231 test cases 1, 2 and 6 (key, data) and the HMAC of each under SHA-224, SHA-256,
/// SHA-384 and SHA-512.
fn rfc4231() -> Vec<(Vec<u8>, &'static [u8], [&'static str; 4])> {
    vec![
        (
            vec![0x0b; 20],
            b"Hi There",
            [
                "896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c\
                 faea9ea9076ede7f4af152e8b2fa9cb6",
                "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde\
                 daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
            ],
        ),
        (
            b"Jefe".to_vec(),
            b"what do ya want for nothing?",
            [
                "a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e\
                 8e2240ca5e69e2c78b3239ecfab21649",
                "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554\
                 9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
            ],
        ),
        (
            vec![0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First",
            [
                "95e9a0db962095adaebe9b2d6f0dbce2d499f112f2d2b7273fa6870e",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6\
                 0c2ef6ab4030fe8296248df163f44952",
                "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352\
                 6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
            ],
        ),
    ]
}

const SHA2: [Hash; 4] = [Hash::Sha224, Hash::Sha256, Hash::Sha384, Hash::Sha512];

#[test]
fn hmac_sha2_matches_rfc4231() -> TestResult {
    let (provider, _dir) = provider();
    for (key, data, expected) in rfc4231() {
        for (hash, expected) in SHA2.into_iter().zip(expected) {
            let alg = hmac(hash);
            let key = import_bytes(&provider, KeyType::Hmac, Algorithm::Mac(alg), &key)?;
            let mac = mac_compute(&provider, &key, alg, data)?;
            assert_eq!(hex::encode(&mac), expected, "{hash:?}");
            mac_verify(&provider, &key, alg, data, &mac)?;
        }
    }
    Ok(())
}

#[test]
fn truncated_hmac_matches_rfc4231_test_case_5() -> TestResult {
    let (provider, _dir) = provider();
    let expected = [
        "0e2aea68a90c8d37c988bcdb9fca6fa8",
        "a3b6167473100ee06e0c796c2955552b",
        "3abf34c3503b2a23a46efc619baef897",
        "415fad6271580a531d4179bc891d87a6",
    ];
    for (hash, expected) in SHA2.into_iter().zip(expected) {
        let alg = truncated(FullLengthMac::Hmac { hash }, 16);
        let key = import_bytes(&provider, KeyType::Hmac, Algorithm::Mac(alg), &[0x0c; 20])?;
        let mac = mac_compute(&provider, &key, alg, b"Test With Truncation")?;
        assert_eq!(hex::encode(&mac), expected);
        mac_verify(&provider, &key, alg, b"Test With Truncation", &mac)?;
    }
    Ok(())
}

#[test]
fn hmac_sha1_and_md5_match_rfc2202() -> TestResult {
    let (provider, _dir) = provider();
    let cases = [
        (Hash::Sha1, 20, "b617318655057264e28bc0b6fb378c8ef146be00"),
        (Hash::Md5, 16, "9294727a3638bb1c13f48ef8158bfc9d"),
    ];
    for (hash, key_len, expected) in cases {
        let key = import_bytes(
            &provider,
            KeyType::Hmac,
            Algorithm::Mac(hmac(hash)),
            &vec![0x0b; key_len],
        )?;
        assert_eq!(
            hex::encode(mac_compute(&provider, &key, hmac(hash), b"Hi There")?),
            expected
        );
    }
    Ok(())
}

#[test]
fn every_other_hmac_hash_has_its_digest_length() -> TestResult {
    // Their values are cross-checked with openssl in symmetric_openssl.rs.
    let (provider, _dir) = provider();
    let key = generate(&provider, KeyType::Hmac, 256, Algorithm::None)?;
    for hash in [
        Hash::Sha512_224,
        Hash::Sha512_256,
        Hash::Sha3_224,
        Hash::Sha3_256,
        Hash::Sha3_384,
        Hash::Sha3_512,
        Hash::Ripemd160,
    ] {
        let mac = mac_compute(&provider, &key, hmac(hash), b"message")?;
        assert_eq!(mac.len(), hash.digest_len(), "{hash:?}");
        mac_verify(&provider, &key, hmac(hash), b"message", &mac)?;
    }
    for hash in [Hash::Md2, Hash::Md4] {
        assert!(is_not_supported(&mac_compute(
            &provider,
            &key,
            hmac(hash),
            b"message"
        )));
    }
    Ok(())
}

#[test]
fn cmac_matches_rfc4493_and_sp800_38b() -> TestResult {
    let (provider, _dir) = provider();
    let message = unhex(
        "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51\
         30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
    );
    // RFC 4493 §4, examples 1 to 4 (AES-128; also SP 800-38B D.1).
    let key = import_hex(
        &provider,
        KeyType::Aes,
        Algorithm::Mac(CMAC),
        "2b7e151628aed2a6abf7158809cf4f3c",
    );
    for (len, expected) in [
        (0, "bb1d6929e95937287fa37d129b756746"),
        (16, "070a16b46b4d4144f79bdd9dd04a287c"),
        (40, "dfa66747de9ae63030ca32611497c827"),
        (64, "51f0bebf7e3b9d92fc49741779363cfe"),
    ] {
        let mac = mac_compute(&provider, &key, CMAC, &message[..len])?;
        assert_eq!(hex::encode(&mac), expected, "{len} bytes");
        mac_verify(&provider, &key, CMAC, &message[..len], &mac)?;
    }
    // SP 800-38B D.2 and D.3, example 1 (empty message): AES-192 and AES-256.
    for (key, expected) in [
        (
            "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
            "d17ddf46adaacde531cac483de7a9367",
        ),
        (
            "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
            "028962f61b7bf89efc6b551f4667d983",
        ),
    ] {
        let key = import_hex(&provider, KeyType::Aes, Algorithm::Mac(CMAC), key);
        assert_eq!(
            hex::encode(mac_compute(&provider, &key, CMAC, b"")?),
            expected
        );
    }
    Ok(())
}

#[test]
fn truncated_macs_are_prefixes_of_the_full_mac() -> TestResult {
    let (provider, _dir) = provider();
    let hmac_key = generate(&provider, KeyType::Hmac, 256, Algorithm::None)?;
    let aes_key = generate(&provider, KeyType::Aes, 192, Algorithm::None)?;
    let cases = [
        (
            &hmac_key,
            FullLengthMac::Hmac { hash: Hash::Sha256 },
            [4, 16, 31, 32],
        ),
        (
            &hmac_key,
            FullLengthMac::Hmac {
                hash: Hash::Sha3_512,
            },
            [4, 20, 63, 64],
        ),
        (&aes_key, FullLengthMac::Cmac, [4, 8, 15, 16]),
    ];
    for (key, full_mac, lengths) in cases {
        let full = mac_compute(&provider, key, Mac::FullLength(full_mac), b"data")?;
        for length in lengths {
            let alg = truncated(full_mac, length);
            let mac = mac_compute(&provider, key, alg, b"data")?;
            assert_eq!(mac, full[..usize::try_from(length)?]);
            mac_verify(&provider, key, alg, b"data", &mac)?;
            // The full MAC, or a shorter prefix, is not the truncated MAC.
            if mac.len() < full.len() {
                assert!(is_invalid_signature(&mac_verify(
                    &provider, key, alg, b"data", &full
                )));
            }
            assert!(is_invalid_signature(&mac_verify(
                &provider,
                key,
                alg,
                b"data",
                &mac[..3]
            )));
        }
        for length in [0, 3, u32::try_from(full.len())? + 1] {
            let result = mac_compute(&provider, key, truncated(full_mac, length), b"data");
            assert!(is_invalid_argument(&result), "{full_mac:?} {length}");
        }
    }
    Ok(())
}

#[test]
fn tampered_macs_and_messages_do_not_verify() -> TestResult {
    let (provider, _dir) = provider();
    let hmac_key = generate(&provider, KeyType::Hmac, 128, Algorithm::None)?;
    let aes_key = generate(&provider, KeyType::Aes, 256, Algorithm::None)?;
    for (key, alg) in [(&hmac_key, hmac(Hash::Sha384)), (&aes_key, CMAC)] {
        let message = random(&provider, 100);
        let mac = mac_compute(&provider, key, alg, &message)?;
        for i in [0, mac.len() / 2, mac.len() - 1] {
            let mut bad = mac.clone();
            bad[i] ^= 0x80;
            assert!(is_invalid_signature(&mac_verify(
                &provider, key, alg, &message, &bad
            )));
        }
        let mut other = message.clone();
        other[99] ^= 1;
        assert!(is_invalid_signature(&mac_verify(
            &provider, key, alg, &other, &mac
        )));
        assert!(is_invalid_signature(&mac_verify(
            &provider, key, alg, &message, b""
        )));
        let longer = [mac.as_slice(), &[0]].concat();
        assert!(is_invalid_signature(&mac_verify(
            &provider, key, alg, &message, &longer
        )));
    }
    Ok(())
}

#[test]
fn macs_refuse_what_they_do_not_run() -> TestResult {
    let (provider, _dir) = provider();
    let aes = generate(&provider, KeyType::Aes, 128, Algorithm::None)?;
    let hmac_key = generate(&provider, KeyType::Hmac, 128, Algorithm::None)?;
    let raw = generate(&provider, KeyType::RawData, 128, Algorithm::None)?;
    let cbc_mac = Mac::FullLength(FullLengthMac::CbcMac);
    assert!(is_not_supported(&mac_compute(
        &provider, &aes, cbc_mac, b"m"
    )));
    assert!(is_not_supported(&mac_compute(
        &provider,
        &aes,
        truncated(FullLengthMac::CbcMac, 8),
        b"m"
    )));
    for (key, alg) in [
        (&aes, hmac(Hash::Sha256)),
        (&hmac_key, CMAC),
        (&raw, hmac(Hash::Sha256)),
    ] {
        assert!(
            is_invalid_argument(&mac_compute(&provider, key, alg, b"m")),
            "{alg:?}"
        );
    }
    Ok(())
}
