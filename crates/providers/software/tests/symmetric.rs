//! Symmetric keys and AEAD: generation, import and export, sealing, and AES-GCM, AES-CCM and
//! ChaCha20-Poly1305 against their published vectors, round trips and tampering.

mod symmetric_common;

use psc_provider_api::{KeyLifecycle, ProviderError};
use psc_psa::{Aead, AeadAlg, Algorithm, KeyType};
use symmetric_common::*;

/// McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 3 to 5: the key, the
/// plaintext (60 bytes in cases 4 and 5), the associated data of cases 4 and 5.
const GCM_KEY: &str = "feffe9928665731c6d6a8f9467308308";
const GCM_PLAINTEXT: &str = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72\
                             1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
const GCM_AAD: &str = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
const GCM_NONCE: &str = "cafebabefacedbaddecaf888";
/// Test case 4: ciphertext ‖ tag.
const GCM_TC4: &str = "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e\
                       21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091\
                       5bc94fbc3221a5db94fae95ae7121a47";

fn aes_gcm_key(
    provider: &psc_provider_software::SoftwareProvider,
    key: &str,
) -> psc_provider_api::NewKey {
    import_hex(provider, KeyType::Aes, Algorithm::Aead(gcm()), key)
}

#[test]
fn generated_keys_have_the_requested_size_and_export_raw() -> TestResult {
    let (provider, _dir) = provider();
    let cases = [
        (KeyType::Aes, 128),
        (KeyType::Aes, 192),
        (KeyType::Aes, 256),
        (KeyType::Chacha20, 256),
        (KeyType::Hmac, 8),
        (KeyType::Hmac, 1024),
        (KeyType::RawData, 65528),
        (KeyType::Derive, 256),
    ];
    for (key_type, bits) in cases {
        let key = generate(&provider, key_type, bits, Algorithm::None)?;
        assert_eq!(key.attributes.bits, bits);
        let material = provider.export(key_ref(&key), BINDING)?;
        assert_eq!(material.len() * 8, usize::try_from(bits)?);
        let again = generate(&provider, key_type, bits, Algorithm::None)?;
        assert_ne!(provider.export(key_ref(&again), BINDING)?, material);
    }
    Ok(())
}

#[test]
fn imported_keys_take_their_size_from_the_data_and_export_unchanged() -> TestResult {
    let (provider, _dir) = provider();
    for (key_type, len) in [
        (KeyType::Aes, 16),
        (KeyType::Aes, 24),
        (KeyType::Aes, 32),
        (KeyType::Chacha20, 32),
        (KeyType::Hmac, 1),
        (KeyType::Hmac, 200),
        (KeyType::RawData, 8191),
        (KeyType::Derive, 48),
    ] {
        let data = random(&provider, len);
        let key = import_bytes(&provider, key_type, Algorithm::None, &data)?;
        assert_eq!(key.attributes.bits, u32::try_from(len * 8)?);
        assert_eq!(provider.export(key_ref(&key), BINDING)?.as_bytes(), data);
        // A declared size that matches is accepted too.
        let attributes = sym_attributes(key_type, key.attributes.bits, Algorithm::None);
        provider.import(&attributes, &data, BINDING)?;
    }
    Ok(())
}

#[test]
fn sizes_a_type_cannot_have_are_invalid_arguments() {
    let (provider, _dir) = provider();
    let import = |key_type, len| import_bytes(&provider, key_type, Algorithm::None, &vec![7; len]);
    for (key_type, len) in [
        (KeyType::Aes, 0),
        (KeyType::Aes, 15),
        (KeyType::Aes, 33),
        (KeyType::Chacha20, 16),
        (KeyType::Hmac, 0),
        (KeyType::RawData, 0),
    ] {
        assert!(
            is_invalid_argument(&import(key_type, len)),
            "{key_type:?} {len}"
        );
    }
    // The declared size must match the data.
    let attributes = sym_attributes(KeyType::Aes, 256, Algorithm::None);
    assert!(is_invalid_argument(&provider.import(
        &attributes,
        &[1; 16],
        BINDING
    )));
    for (key_type, bits) in [
        (KeyType::Aes, 0),
        (KeyType::Aes, 64),
        (KeyType::Chacha20, 128),
        (KeyType::Hmac, 0),
        (KeyType::Hmac, 12),
        (KeyType::RawData, 7),
    ] {
        let result = generate(&provider, key_type, bits, Algorithm::None);
        assert!(is_invalid_argument(&result), "{key_type:?} {bits}");
    }
}

#[test]
fn oversized_and_refused_types_are_not_supported() {
    let (provider, _dir) = provider();
    assert!(is_not_supported(&generate(
        &provider,
        KeyType::RawData,
        65536,
        Algorithm::None
    )));
    let big = vec![1; 8192];
    assert!(is_not_supported(&import_bytes(
        &provider,
        KeyType::Hmac,
        Algorithm::None,
        &big
    )));
    for key_type in [KeyType::Des, KeyType::Arc4] {
        for bits in [64, 128, 192, 256] {
            let generated = generate(&provider, key_type, bits, Algorithm::None);
            assert!(is_not_supported(&generated), "{key_type:?} {bits}");
        }
        let imported = import_bytes(&provider, key_type, Algorithm::None, &[0x5a; 16]);
        assert!(is_not_supported(&imported), "{key_type:?}");
    }
}

#[test]
fn the_sealed_blob_never_holds_the_key_bytes() -> TestResult {
    let (provider, _dir) = provider();
    let secret: Vec<u8> = (0..32u8).map(|i| i.wrapping_mul(37) ^ 0xa5).collect();
    let key = import_bytes(&provider, KeyType::Aes, Algorithm::Aead(gcm()), &secret)?;
    for window in secret.windows(4) {
        assert!(
            !key.blob.windows(4).any(|w| w == window),
            "{window:02x?} in the blob"
        );
    }
    let generated = generate(&provider, KeyType::Hmac, 512, Algorithm::None)?;
    let material = provider.export(key_ref(&generated), BINDING)?;
    for window in material.windows(8) {
        assert!(!generated.blob.windows(8).any(|w| w == window));
    }
    Ok(())
}

#[test]
fn another_binding_does_not_open_a_symmetric_key() -> TestResult {
    let (provider, _dir) = provider();
    let key = aes_gcm_key(&provider, GCM_KEY);
    let result = psc_provider_api::AeadCrypt::encrypt(
        &provider,
        key_ref(&key),
        OTHER_BINDING,
        gcm(),
        &[0; 12],
        b"",
        b"x",
    );
    assert!(matches!(result, Err(ProviderError::CorruptKey(_))));
    let export = provider.export(key_ref(&key), OTHER_BINDING);
    assert!(matches!(export, Err(ProviderError::CorruptKey(_))));
    Ok(())
}

#[test]
fn gcm_matches_mcgrew_viega_test_cases() -> TestResult {
    let (provider, _dir) = provider();
    // Test case 2: all-zero key, nonce and one block of plaintext.
    let zero = aes_gcm_key(&provider, &"00".repeat(16));
    let sealed = aead_encrypt(&provider, &zero, gcm(), &[0; 12], b"", &[0; 16])?;
    let tc2 = "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf";
    assert_eq!(hex::encode(&sealed), tc2);

    // Test cases 4 (AES-128), 10 (AES-192) and 16 (AES-256): key, ciphertext ‖ tag.
    let cases = [
        (GCM_KEY.to_owned(), GCM_TC4),
        (
            format!("{GCM_KEY}feffe9928665731c"),
            "3980ca0b3c00e841eb06fac4872a2757859e1ceaa6efd984628593b40ca1e19c\
             7d773d00c144c525ac619d18c84a3f4718e2448b2fe324d9ccda2710\
             2519498e80f1478f37ba55bd6d27618c",
        ),
        (
            GCM_KEY.repeat(2),
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa\
             8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662\
             76fc6ece0f4e1768cddf8853bb2d551b",
        ),
    ];
    for (key, expected) in cases {
        let key = aes_gcm_key(&provider, &key);
        let (nonce, aad, plaintext) = (unhex(GCM_NONCE), unhex(GCM_AAD), unhex(GCM_PLAINTEXT));
        let sealed = aead_encrypt(&provider, &key, gcm(), &nonce, &aad, &plaintext)?;
        assert_eq!(hex::encode(&sealed), expected);
        let opened = aead_decrypt(&provider, &key, gcm(), &nonce, &aad, &unhex(expected))?;
        assert_eq!(opened.as_bytes(), plaintext);
    }
    Ok(())
}

#[test]
fn gcm_with_an_8_byte_nonce_matches_test_case_5() -> TestResult {
    let (provider, _dir) = provider();
    let key = aes_gcm_key(&provider, GCM_KEY);
    let (nonce, aad) = (unhex("cafebabefacedbad"), unhex(GCM_AAD));
    let expected = "61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c7423\
                    73806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f4598\
                    3612d2e79e3b0785561be14aaca2fccb";
    let sealed = aead_encrypt(&provider, &key, gcm(), &nonce, &aad, &unhex(GCM_PLAINTEXT))?;
    assert_eq!(hex::encode(&sealed), expected);
    let opened = aead_decrypt(&provider, &key, gcm(), &nonce, &aad, &sealed)?;
    assert_eq!(opened.as_bytes(), unhex(GCM_PLAINTEXT));
    Ok(())
}

#[test]
fn gcm_shortened_tags_are_the_leading_bytes_of_the_full_tag() -> TestResult {
    // SP 800-38D §7.1: the tag is MSB_t of the full tag.
    let (provider, _dir) = provider();
    let key = aes_gcm_key(&provider, GCM_KEY);
    let (nonce, aad, plaintext) = (unhex(GCM_NONCE), unhex(GCM_AAD), unhex(GCM_PLAINTEXT));
    let full = unhex(GCM_TC4);
    for tag_length in [4, 8, 12, 13, 14, 15, 16] {
        let alg = Aead::ShortenedTag {
            aead: AeadAlg::Gcm,
            tag_length,
        };
        let sealed = aead_encrypt(&provider, &key, alg, &nonce, &aad, &plaintext)?;
        assert_eq!(sealed, full[..60 + usize::try_from(tag_length)?]);
        let opened = aead_decrypt(&provider, &key, alg, &nonce, &aad, &sealed)?;
        assert_eq!(opened.as_bytes(), plaintext);
        let mut forged = sealed.clone();
        *forged.last_mut().ok_or("empty")? ^= 1;
        assert!(is_invalid_signature(&aead_decrypt(
            &provider, &key, alg, &nonce, &aad, &forged
        )));
    }
    Ok(())
}

#[test]
fn gcm_nonce_lengths() -> TestResult {
    let (provider, _dir) = provider();
    let key = aes_gcm_key(&provider, GCM_KEY);
    for len in 1..=16 {
        let nonce = random(&provider, len);
        let sealed = aead_encrypt(&provider, &key, gcm(), &nonce, b"ad", b"message")?;
        let opened = aead_decrypt(&provider, &key, gcm(), &nonce, b"ad", &sealed)?;
        assert_eq!(opened.as_bytes(), b"message");
    }
    assert!(is_invalid_argument(&aead_encrypt(
        &provider,
        &key,
        gcm(),
        &[],
        b"",
        b"m"
    )));
    for len in [17, 60] {
        let nonce = vec![1; len];
        assert!(is_not_supported(&aead_encrypt(
            &provider,
            &key,
            gcm(),
            &nonce,
            b"",
            b"m"
        )));
        assert!(is_not_supported(&aead_decrypt(
            &provider,
            &key,
            gcm(),
            &nonce,
            b"",
            &[0; 32]
        )));
    }
    Ok(())
}

#[test]
fn ccm_matches_sp800_38c_and_rfc3610() -> TestResult {
    let (provider, _dir) = provider();
    let sp_key = "404142434445464748494a4b4c4d4e4f";
    // SP 800-38C Appendix C.1 to C.3, and RFC 3610 packet vector #1: key, tag length,
    // nonce, associated data, plaintext, ciphertext ‖ tag.
    let cases = [
        (
            sp_key,
            4,
            "10111213141516",
            "0001020304050607",
            "20212223",
            "7162015b4dac255d",
        ),
        (
            sp_key,
            6,
            "1011121314151617",
            "000102030405060708090a0b0c0d0e0f",
            "202122232425262728292a2b2c2d2e2f",
            "d2a1f0e051ea5f62081a7792073d593d1fc64fbfaccd",
        ),
        (
            sp_key,
            8,
            "101112131415161718191a1b",
            "000102030405060708090a0b0c0d0e0f10111213",
            "202122232425262728292a2b2c2d2e2f3031323334353637",
            "e3b201a9f5b71a7a9b1ceaeccd97e70b6176aad9a4428aa5484392fbc1b09951",
        ),
        (
            "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf",
            8,
            "00000003020100a0a1a2a3a4a5",
            "0001020304050607",
            "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e",
            "588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0",
        ),
    ];
    for (key, tag_length, nonce, aad, plaintext, expected) in cases {
        let alg = ccm(tag_length);
        let key = import_hex(&provider, KeyType::Aes, Algorithm::Aead(alg), key);
        let (nonce, aad, plaintext) = (unhex(nonce), unhex(aad), unhex(plaintext));
        let sealed = aead_encrypt(&provider, &key, alg, &nonce, &aad, &plaintext)?;
        assert_eq!(hex::encode(&sealed), expected);
        let opened = aead_decrypt(&provider, &key, alg, &nonce, &aad, &sealed)?;
        assert_eq!(opened.as_bytes(), plaintext);
    }
    Ok(())
}

#[test]
fn ccm_takes_every_nonce_and_tag_length_it_defines() -> TestResult {
    let (provider, _dir) = provider();
    let key = generate(&provider, KeyType::Aes, 192, Algorithm::Aead(ccm(16)))?;
    let plaintext = random(&provider, 40);
    for tag_length in [4, 6, 8, 10, 12, 14, 16] {
        let alg = ccm(tag_length);
        for nonce_len in 7..=13 {
            let nonce = random(&provider, nonce_len);
            let sealed = aead_encrypt(&provider, &key, alg, &nonce, b"hdr", &plaintext)?;
            assert_eq!(sealed.len(), 40 + usize::try_from(tag_length)?);
            let opened = aead_decrypt(&provider, &key, alg, &nonce, b"hdr", &sealed)?;
            assert_eq!(opened.as_bytes(), plaintext);
        }
        for nonce_len in [0, 6, 14, 16] {
            let nonce = vec![3; nonce_len];
            let result = aead_encrypt(&provider, &key, alg, &nonce, b"", &plaintext);
            assert!(is_invalid_argument(&result), "nonce of {nonce_len}");
        }
    }
    // Default tag: 16 bytes.
    let sealed = aead_encrypt(
        &provider,
        &key,
        Aead::DefaultTag(AeadAlg::Ccm),
        &[0; 13],
        b"",
        b"",
    )?;
    assert_eq!(sealed.len(), 16);
    Ok(())
}

#[test]
fn chacha20_poly1305_matches_rfc8439() -> TestResult {
    // RFC 8439 §2.8.2.
    let (provider, _dir) = provider();
    let alg = Aead::DefaultTag(AeadAlg::Chacha20Poly1305);
    let key = import_hex(
        &provider,
        KeyType::Chacha20,
        Algorithm::Aead(alg),
        "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
    );
    let nonce = unhex("070000004041424344454647");
    let aad = unhex("50515253c0c1c2c3c4c5c6c7");
    let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one \
                      tip for the future, sunscreen would be it.";
    let expected = "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6\
                    3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36\
                    92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc\
                    3ff4def08e4b7a9de576d26586cec64b6116\
                    1ae10b594f09e26a7e902ecbd0600691";
    let sealed = aead_encrypt(&provider, &key, alg, &nonce, &aad, plaintext)?;
    assert_eq!(hex::encode(&sealed), expected);
    let opened = aead_decrypt(&provider, &key, alg, &nonce, &aad, &sealed)?;
    assert_eq!(opened.as_bytes(), plaintext);
    // The same algorithm named with an explicit 16-byte tag.
    let shortened = Aead::ShortenedTag {
        aead: AeadAlg::Chacha20Poly1305,
        tag_length: 16,
    };
    assert_eq!(
        aead_encrypt(&provider, &key, shortened, &nonce, &aad, plaintext)?,
        sealed
    );
    for len in [8, 11, 13, 24] {
        let result = aead_encrypt(&provider, &key, alg, &vec![0; len], &aad, plaintext);
        assert!(is_invalid_argument(&result), "nonce of {len}");
    }
    Ok(())
}

/// One key per AEAD and key size, with a nonce length it takes.
fn aead_cases() -> Vec<(KeyType, u32, Aead, usize)> {
    let chacha = Aead::DefaultTag(AeadAlg::Chacha20Poly1305);
    let mut cases = vec![(KeyType::Chacha20, 256, chacha, 12)];
    for bits in [128, 192, 256] {
        cases.push((KeyType::Aes, bits, gcm(), 12));
        cases.push((
            KeyType::Aes,
            bits,
            Aead::ShortenedTag {
                aead: AeadAlg::Gcm,
                tag_length: 12,
            },
            16,
        ));
        cases.push((KeyType::Aes, bits, ccm(8), 13));
        cases.push((KeyType::Aes, bits, Aead::DefaultTag(AeadAlg::Ccm), 7));
    }
    cases
}

#[test]
fn aead_round_trips_random_data() -> TestResult {
    let (provider, _dir) = provider();
    for (key_type, bits, alg, nonce_len) in aead_cases() {
        let key = generate(&provider, key_type, bits, Algorithm::Aead(alg))?;
        for len in [0, 1, 15, 16, 17, 255, 1000] {
            let (nonce, aad, plaintext) = (
                random(&provider, nonce_len),
                random(&provider, len % 40),
                random(&provider, len),
            );
            let sealed = aead_encrypt(&provider, &key, alg, &nonce, &aad, &plaintext)?;
            assert_eq!(sealed.len(), len + usize::try_from(alg.tag_len())?);
            let opened = aead_decrypt(&provider, &key, alg, &nonce, &aad, &sealed)?;
            assert_eq!(opened.as_bytes(), plaintext, "{alg:?} {bits} {len}");
        }
    }
    Ok(())
}

#[test]
fn tampered_aead_inputs_are_invalid_signatures() -> TestResult {
    let (provider, _dir) = provider();
    for (key_type, bits, alg, nonce_len) in aead_cases() {
        let key = generate(&provider, key_type, bits, Algorithm::Aead(alg))?;
        let (nonce, aad) = (random(&provider, nonce_len), b"header".to_vec());
        let sealed = aead_encrypt(&provider, &key, alg, &nonce, &aad, b"attack at dawn")?;
        let open = |nonce: &[u8], aad: &[u8], sealed: &[u8]| {
            aead_decrypt(&provider, &key, alg, nonce, aad, sealed)
        };
        for i in [0, 13, sealed.len() - 1] {
            let mut bad = sealed.clone();
            bad[i] ^= 0x20;
            assert!(
                is_invalid_signature(&open(&nonce, &aad, &bad)),
                "{alg:?} byte {i}"
            );
        }
        let mut other_nonce = nonce.clone();
        other_nonce[0] ^= 1;
        assert!(is_invalid_signature(&open(&other_nonce, &aad, &sealed)));
        assert!(is_invalid_signature(&open(&nonce, b"headex", &sealed)));
        assert!(is_invalid_signature(&open(
            &nonce,
            &aad,
            &sealed[..sealed.len() - 1]
        )));
        // Shorter than the tag: malformed.
        let tag_len = usize::try_from(alg.tag_len())?;
        assert!(is_invalid_argument(&open(
            &nonce,
            &aad,
            &sealed[..tag_len - 1]
        )));
        assert!(is_invalid_argument(&open(&nonce, &aad, b"")));
    }
    Ok(())
}

#[test]
fn aeads_refuse_keys_they_do_not_fit() -> TestResult {
    let (provider, _dir) = provider();
    let chacha = Aead::DefaultTag(AeadAlg::Chacha20Poly1305);
    let aes = generate(&provider, KeyType::Aes, 128, Algorithm::Aead(gcm()))?;
    let chacha_key = generate(&provider, KeyType::Chacha20, 256, Algorithm::Aead(chacha))?;
    let hmac_key = generate(&provider, KeyType::Hmac, 256, Algorithm::None)?;
    let cases = [
        (&aes, chacha),
        (&chacha_key, gcm()),
        (&chacha_key, ccm(16)),
        (&hmac_key, gcm()),
        (&aes, ccm(5)),
        (
            &aes,
            Aead::ShortenedTag {
                aead: AeadAlg::Gcm,
                tag_length: 10,
            },
        ),
    ];
    for (key, alg) in cases {
        let result = aead_encrypt(&provider, key, alg, &[0; 12], b"", b"m");
        assert!(is_invalid_argument(&result), "{alg:?}: {result:?}");
        let result = aead_decrypt(&provider, key, alg, &[0; 12], b"", &[0; 32]);
        assert!(is_invalid_argument(&result), "{alg:?}: {result:?}");
    }
    Ok(())
}
