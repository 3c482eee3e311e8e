//! Unauthenticated ciphers: AES modes against NIST SP 800-38A, ChaCha20 against RFC 8439,
//! random IVs, round trips, length rules and PKCS#7 padding.

mod symmetric_common;

use psc_provider_api::NewKey;
use psc_provider_software::SoftwareProvider;
use psc_psa::{Algorithm, Cipher, KeyType};
use symmetric_common::*;

/// SP 800-38A Appendix F: the four plaintext blocks shared by every example.
const SP800_38A_PLAINTEXT: &str = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51\
                                   30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
/// The CBC, CFB and OFB initialisation vector, and the CTR initial counter block.
const SP800_38A_IV: &str = "000102030405060708090a0b0c0d0e0f";
const SP800_38A_COUNTER: &str = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
const AES_128_KEY: &str = "2b7e151628aed2a6abf7158809cf4f3c";
const AES_192_KEY: &str = "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b";
const AES_256_KEY: &str = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";

/// SP 800-38A F.1 (ECB), F.2 (CBC), F.3.13–F.3.18 (CFB128), F.4 (OFB), F.5 (CTR): mode,
/// key, ciphertext.
const SP800_38A: [(Cipher, &str, &str); 15] = [
    (
        Cipher::EcbNoPadding,
        AES_128_KEY,
        "3ad77bb40d7a3660a89ecaf32466ef97f5d3d58503b9699de785895a96fdbaaf\
         43b1cd7f598ece23881b00e3ed0306887b0c785e27e8ad3f8223207104725dd4",
    ),
    (
        Cipher::EcbNoPadding,
        AES_192_KEY,
        "bd334f1d6e45f25ff712a214571fa5cc974104846d0ad3ad7734ecb3ecee4eef\
         ef7afd2270e2e60adce0ba2face6444e9a4b41ba738d6c72fb16691603c18e0e",
    ),
    (
        Cipher::EcbNoPadding,
        AES_256_KEY,
        "f3eed1bdb5d2a03c064b5a7e3db181f8591ccb10d410ed26dc5ba74a31362870\
         b6ed21b99ca6f4f9f153e7b1beafed1d23304b7a39f9f3ff067d8d8f9e24ecc7",
    ),
    (
        Cipher::CbcNoPadding,
        AES_128_KEY,
        "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2\
         73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7",
    ),
    (
        Cipher::CbcNoPadding,
        AES_192_KEY,
        "4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a\
         571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd",
    ),
    (
        Cipher::CbcNoPadding,
        AES_256_KEY,
        "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d\
         39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b",
    ),
    (
        Cipher::Cfb,
        AES_128_KEY,
        "3b3fd92eb72dad20333449f8e83cfb4ac8a64537a0b3a93fcde3cdad9f1ce58b\
         26751f67a3cbb140b1808cf187a4f4dfc04b05357c5d1c0eeac4c66f9ff7f2e6",
    ),
    (
        Cipher::Cfb,
        AES_192_KEY,
        "cdc80d6fddf18cab34c25909c99a417467ce7f7f81173621961a2b70171d3d7a\
         2e1e8a1dd59b88b1c8e60fed1efac4c9c05f9f9ca9834fa042ae8fba584b09ff",
    ),
    (
        Cipher::Cfb,
        AES_256_KEY,
        "dc7e84bfda79164b7ecd8486985d386039ffed143b28b1c832113c6331e5407b\
         df10132415e54b92a13ed0a8267ae2f975a385741ab9cef82031623d55b1e471",
    ),
    (
        Cipher::Ofb,
        AES_128_KEY,
        "3b3fd92eb72dad20333449f8e83cfb4a7789508d16918f03f53c52dac54ed825\
         9740051e9c5fecf64344f7a82260edcc304c6528f659c77866a510d9c1d6ae5e",
    ),
    (
        Cipher::Ofb,
        AES_192_KEY,
        "cdc80d6fddf18cab34c25909c99a4174fcc28b8d4c63837c09e81700c1100401\
         8d9a9aeac0f6596f559c6d4daf59a5f26d9f200857ca6c3e9cac524bd9acc92a",
    ),
    (
        Cipher::Ofb,
        AES_256_KEY,
        "dc7e84bfda79164b7ecd8486985d38604febdc6740d20b3ac88f6ad82a4fb08d\
         71ab47a086e86eedf39d1c5bba97c4080126141d67f37be8538f5a8be740e484",
    ),
    (
        Cipher::Ctr,
        AES_128_KEY,
        "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff\
         5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee",
    ),
    (
        Cipher::Ctr,
        AES_192_KEY,
        "1abc932417521ca24f2b0459fe7e6e0b090339ec0aa6faefd5ccc2c6f4ce8e94\
         1e36b26bd1ebc670d1bd1d665620abf74f78a7f6d29809585a97daec58c6b050",
    ),
    (
        Cipher::Ctr,
        AES_256_KEY,
        "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5\
         2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6",
    ),
];

/// Every AES mode this provider runs.
const AES_MODES: [Cipher; 6] = [
    Cipher::Ctr,
    Cipher::Cfb,
    Cipher::Ofb,
    Cipher::EcbNoPadding,
    Cipher::CbcNoPadding,
    Cipher::CbcPkcs7,
];

fn aes_key(provider: &SoftwareProvider, mode: Cipher, key: &str) -> NewKey {
    import_hex(provider, KeyType::Aes, Algorithm::Cipher(mode), key)
}

#[test]
fn aes_modes_decrypt_the_sp800_38a_examples() -> TestResult {
    let (provider, _dir) = provider();
    for (mode, key, ciphertext) in SP800_38A {
        let key = aes_key(&provider, mode, key);
        let iv = match mode {
            Cipher::EcbNoPadding => String::new(),
            Cipher::Ctr => SP800_38A_COUNTER.to_owned(),
            _ => SP800_38A_IV.to_owned(),
        };
        let input = unhex(&format!("{iv}{ciphertext}"));
        let plaintext = cipher_decrypt(&provider, &key, mode, &input)?;
        assert_eq!(
            hex::encode(plaintext.as_bytes()),
            SP800_38A_PLAINTEXT,
            "{mode:?}"
        );
        // Every mode works front to back: a prefix of whole blocks decrypts on its own.
        let prefix = cipher_decrypt(&provider, &key, mode, &input[..input.len() - 16])?;
        assert_eq!(prefix.as_bytes(), &unhex(SP800_38A_PLAINTEXT)[..48]);
    }
    Ok(())
}

#[test]
fn ecb_encryption_is_deterministic_and_matches_sp800_38a() -> TestResult {
    let (provider, _dir) = provider();
    for (mode, key, ciphertext) in SP800_38A {
        if mode == Cipher::EcbNoPadding {
            let key = aes_key(&provider, mode, key);
            let output = cipher_encrypt(&provider, &key, mode, &unhex(SP800_38A_PLAINTEXT))?;
            assert_eq!(hex::encode(output), ciphertext);
        }
    }
    Ok(())
}

#[test]
fn encryption_prepends_a_fresh_random_iv() -> TestResult {
    let (provider, _dir) = provider();
    for mode in AES_MODES {
        let key = aes_key(&provider, mode, AES_128_KEY);
        let plaintext = unhex(SP800_38A_PLAINTEXT);
        let first = cipher_encrypt(&provider, &key, mode, &plaintext)?;
        let second = cipher_encrypt(&provider, &key, mode, &plaintext)?;
        let (iv_len, padding) = match mode {
            Cipher::EcbNoPadding => (0, 0),
            Cipher::CbcPkcs7 => (16, 16),
            _ => (16, 0),
        };
        assert_eq!(first.len(), iv_len + plaintext.len() + padding, "{mode:?}");
        if mode == Cipher::EcbNoPadding {
            assert_eq!(first, second);
        } else {
            assert_ne!(first[..16], second[..16], "{mode:?} reused an IV");
        }
    }
    Ok(())
}

#[test]
fn aes_modes_round_trip_random_data() -> TestResult {
    let (provider, _dir) = provider();
    for bits in [128, 192, 256] {
        for mode in AES_MODES {
            let key = generate(&provider, KeyType::Aes, bits, Algorithm::Cipher(mode))?;
            let whole_blocks = matches!(mode, Cipher::EcbNoPadding | Cipher::CbcNoPadding);
            for len in [0, 1, 15, 16, 17, 31, 32, 100, 1024] {
                if whole_blocks && len % 16 != 0 {
                    continue;
                }
                let plaintext = random(&provider, len);
                let output = cipher_encrypt(&provider, &key, mode, &plaintext)?;
                let decrypted = cipher_decrypt(&provider, &key, mode, &output)?;
                assert_eq!(decrypted.as_bytes(), plaintext, "{mode:?} {bits} {len}");
            }
        }
    }
    Ok(())
}

#[test]
fn block_modes_refuse_partial_blocks() -> TestResult {
    let (provider, _dir) = provider();
    for mode in [Cipher::EcbNoPadding, Cipher::CbcNoPadding, Cipher::CbcPkcs7] {
        let key = generate(&provider, KeyType::Aes, 128, Algorithm::Cipher(mode))?;
        if mode != Cipher::CbcPkcs7 {
            for len in [1, 15, 17, 33] {
                let result = cipher_encrypt(&provider, &key, mode, &vec![0; len]);
                assert!(is_invalid_argument(&result), "{mode:?} {len}");
            }
        }
        let iv_len = if mode == Cipher::EcbNoPadding { 0 } else { 16 };
        for len in [1, 15, 17, 33] {
            let result = cipher_decrypt(&provider, &key, mode, &vec![0; iv_len + len]);
            assert!(is_invalid_argument(&result), "{mode:?} {len}");
        }
    }
    // A padded CBC ciphertext holds at least one block after the IV.
    let key = generate(
        &provider,
        KeyType::Aes,
        128,
        Algorithm::Cipher(Cipher::CbcPkcs7),
    )?;
    assert!(is_invalid_argument(&cipher_decrypt(
        &provider,
        &key,
        Cipher::CbcPkcs7,
        &[0; 16]
    )));
    Ok(())
}

#[test]
fn inputs_shorter_than_the_iv_are_invalid() -> TestResult {
    let (provider, _dir) = provider();
    for mode in [
        Cipher::Ctr,
        Cipher::Cfb,
        Cipher::Ofb,
        Cipher::CbcNoPadding,
        Cipher::CbcPkcs7,
    ] {
        let key = generate(&provider, KeyType::Aes, 256, Algorithm::Cipher(mode))?;
        for len in [0, 1, 15] {
            let result = cipher_decrypt(&provider, &key, mode, &vec![0; len]);
            assert!(is_invalid_argument(&result), "{mode:?} {len}");
        }
        // The IV alone is an empty message (CBC with padding excepted, above).
        if mode != Cipher::CbcPkcs7 {
            assert!(cipher_decrypt(&provider, &key, mode, &[0; 16])?.is_empty());
        }
    }
    let chacha = generate(
        &provider,
        KeyType::Chacha20,
        256,
        Algorithm::Cipher(Cipher::StreamCipher),
    )?;
    let result = cipher_decrypt(&provider, &chacha, Cipher::StreamCipher, &[0; 11]);
    assert!(is_invalid_argument(&result));
    Ok(())
}

#[test]
fn bad_pkcs7_padding_is_invalid_padding() -> TestResult {
    let (provider, _dir) = provider();
    let key_bytes = random(&provider, 16);
    let raw_alg = Algorithm::Cipher(Cipher::CbcNoPadding);
    let raw = import_bytes(&provider, KeyType::Aes, raw_alg, &key_bytes)?;
    let padded_alg = Algorithm::Cipher(Cipher::CbcPkcs7);
    let padded = import_bytes(&provider, KeyType::Aes, padded_alg, &key_bytes)?;
    // Last blocks whose padding is wrong, encrypted without padding, then decrypted with it.
    let mut bad_tails: Vec<Vec<u8>> =
        vec![vec![0], vec![17], vec![0xff], vec![2, 1, 2], vec![5; 4]];
    bad_tails.push([vec![1], vec![16; 15]].concat());
    for tail in bad_tails {
        let mut block = vec![0x42; 32 - tail.len()];
        block.extend_from_slice(&tail);
        let output = cipher_encrypt(&provider, &raw, Cipher::CbcNoPadding, &block)?;
        let result = cipher_decrypt(&provider, &padded, Cipher::CbcPkcs7, &output);
        assert!(is_invalid_padding(&result), "{tail:02x?}");
    }
    // Valid padding written by hand is removed.
    for pad in 1..=16u8 {
        let mut block = vec![0x42; 32 - usize::from(pad)];
        block.extend(vec![pad; usize::from(pad)]);
        let output = cipher_encrypt(&provider, &raw, Cipher::CbcNoPadding, &block)?;
        let plaintext = cipher_decrypt(&provider, &padded, Cipher::CbcPkcs7, &output)?;
        assert_eq!(plaintext.as_bytes(), &block[..32 - usize::from(pad)]);
    }
    Ok(())
}

#[test]
fn chacha20_matches_rfc8439() -> TestResult {
    let (provider, _dir) = provider();
    let alg = Cipher::StreamCipher;
    // RFC 8439 A.1, test vector #1: all-zero key and nonce, block counter 0.
    let zero = import_bytes(
        &provider,
        KeyType::Chacha20,
        Algorithm::Cipher(alg),
        &[0; 32],
    )?;
    let keystream = cipher_decrypt(&provider, &zero, alg, &[0; 12 + 64])?;
    let expected = "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7\
                    da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586";
    assert_eq!(hex::encode(keystream.as_bytes()), expected);

    // RFC 8439 §2.4.2, which starts at block counter 1: one block of zeros stands in front.
    let key = import_hex(
        &provider,
        KeyType::Chacha20,
        Algorithm::Cipher(alg),
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
    );
    let ciphertext = "6e2e359a2568f98041ba0728dd0d6981e97e7aec1d4360c20a27afccfd9fae0b\
                      f91b65c5524733ab8f593dabcd62b3571639d624e65152ab8f530c359f0861d8\
                      07ca0dbf500d6a6156a38e088a22b65e52bc514d16ccf806818ce91ab7793736\
                      5af90bbf74a35be6b40b8eedf2785e42874d";
    let input = [
        unhex("000000000000004a00000000"),
        vec![0; 64],
        unhex(ciphertext),
    ]
    .concat();
    let output = cipher_decrypt(&provider, &key, alg, &input)?;
    let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one \
                      tip for the future, sunscreen would be it.";
    assert_eq!(&output[64..], plaintext);
    Ok(())
}

#[test]
fn chacha20_round_trips_under_random_nonces() -> TestResult {
    let (provider, _dir) = provider();
    let alg = Cipher::StreamCipher;
    let key = generate(&provider, KeyType::Chacha20, 256, Algorithm::Cipher(alg))?;
    for len in [0, 1, 63, 64, 65, 1000] {
        let plaintext = random(&provider, len);
        let output = cipher_encrypt(&provider, &key, alg, &plaintext)?;
        assert_eq!(output.len(), 12 + len);
        assert_eq!(
            cipher_decrypt(&provider, &key, alg, &output)?.as_bytes(),
            plaintext
        );
        let again = cipher_encrypt(&provider, &key, alg, &plaintext)?;
        assert_ne!(output[..12], again[..12]);
    }
    Ok(())
}

#[test]
fn ciphers_refuse_what_they_do_not_run() -> TestResult {
    let (provider, _dir) = provider();
    let aes = generate(&provider, KeyType::Aes, 256, Algorithm::Cipher(Cipher::Ctr))?;
    let chacha = generate(&provider, KeyType::Chacha20, 256, Algorithm::None)?;
    let hmac_key = generate(&provider, KeyType::Hmac, 256, Algorithm::None)?;
    assert!(is_not_supported(&cipher_encrypt(
        &provider,
        &aes,
        Cipher::Xts,
        &[0; 32]
    )));
    assert!(is_not_supported(&cipher_decrypt(
        &provider,
        &aes,
        Cipher::Xts,
        &[0; 48]
    )));
    for (key, mode) in [
        (&aes, Cipher::StreamCipher),
        (&chacha, Cipher::Ctr),
        (&chacha, Cipher::CbcPkcs7),
        (&hmac_key, Cipher::Ctr),
    ] {
        assert!(is_invalid_argument(&cipher_encrypt(
            &provider, key, mode, &[0; 32]
        )));
        assert!(is_invalid_argument(&cipher_decrypt(
            &provider, key, mode, &[0; 48]
        )));
    }
    Ok(())
}
