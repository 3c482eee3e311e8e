//! Cross-checks with the `openssl` command line: it decrypts our AES and ChaCha20 output and
//! we decrypt its, and it computes the same HMACs and CMACs. (`openssl enc` has no AEAD
//! modes; the AEADs are checked against published vectors in `symmetric.rs`.)

mod symmetric_common;

use std::path::Path;
use std::process::Command;

use psc_provider_api::KeyLifecycle;
use psc_provider_software::SoftwareProvider;
use psc_psa::{Algorithm, Cipher, FullLengthMac, Hash, KeyType, Mac};
use symmetric_common::*;

type Failure = Box<dyn std::error::Error>;

/// Runs openssl in `dir`; answers its standard output.
fn openssl(dir: &Path, args: &[&str]) -> Result<Vec<u8>, Failure> {
    let output = Command::new("openssl")
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

/// `openssl enc` over `input`, written to a file first.
fn openssl_enc(dir: &Path, args: &[&str], input: &[u8]) -> Result<Vec<u8>, Failure> {
    std::fs::write(dir.join("input.bin"), input)?;
    let args = [&["enc", "-in", "input.bin"], args].concat();
    openssl(dir, &args)
}

/// The hex value at the end of an `openssl dgst` or `openssl mac` line.
fn last_hex(output: &[u8]) -> Result<Vec<u8>, Failure> {
    let text = String::from_utf8(output.to_vec())?;
    let word = text
        .split_whitespace()
        .last()
        .ok_or("empty openssl output")?;
    Ok(hex::decode(word.to_ascii_lowercase())?)
}

fn exported_hex(
    provider: &SoftwareProvider,
    key: &psc_provider_api::NewKey,
) -> Result<String, Failure> {
    Ok(hex::encode(
        provider.export(key_ref(key), BINDING)?.as_bytes(),
    ))
}

/// Our AES modes, their key size, and openssl's name for them.
const AES_CASES: [(Cipher, u32, &str); 8] = [
    (Cipher::CbcPkcs7, 128, "-aes-128-cbc"),
    (Cipher::CbcPkcs7, 256, "-aes-256-cbc"),
    (Cipher::CbcNoPadding, 192, "-aes-192-cbc"),
    (Cipher::Ctr, 128, "-aes-128-ctr"),
    (Cipher::Ctr, 256, "-aes-256-ctr"),
    (Cipher::Cfb, 192, "-aes-192-cfb"),
    (Cipher::Ofb, 256, "-aes-256-ofb"),
    (Cipher::EcbNoPadding, 128, "-aes-128-ecb"),
];

/// The openssl options for a mode: key, IV (none for ECB), padding.
fn enc_options(mode: Cipher, key: &str, iv: &[u8]) -> Vec<String> {
    let mut options = vec!["-K".to_owned(), key.to_owned()];
    if mode != Cipher::EcbNoPadding {
        options.extend(["-iv".to_owned(), hex::encode(iv)]);
    }
    if matches!(mode, Cipher::CbcNoPadding | Cipher::EcbNoPadding) {
        options.push("-nopad".to_owned());
    }
    options
}

fn plaintext_len(mode: Cipher) -> usize {
    match mode {
        Cipher::CbcNoPadding | Cipher::EcbNoPadding => 96,
        _ => 101,
    }
}

#[test]
fn openssl_decrypts_our_aes_ciphertexts() -> TestResult {
    let (provider, dir) = provider();
    for (mode, bits, name) in AES_CASES {
        let key = generate(&provider, KeyType::Aes, bits, Algorithm::Cipher(mode))?;
        let plaintext = random(&provider, plaintext_len(mode));
        let output = cipher_encrypt(&provider, &key, mode, &plaintext)?;
        let iv_len = if mode == Cipher::EcbNoPadding { 0 } else { 16 };
        let (iv, ciphertext) = output.split_at(iv_len);
        let options = enc_options(mode, &exported_hex(&provider, &key)?, iv);
        let mut args = vec!["-d", name];
        args.extend(options.iter().map(String::as_str));
        let decrypted = openssl_enc(dir.path(), &args, ciphertext)?;
        assert_eq!(decrypted, plaintext, "{mode:?} {bits}");
    }
    Ok(())
}

#[test]
fn we_decrypt_openssl_aes_ciphertexts() -> TestResult {
    let (provider, dir) = provider();
    for (mode, bits, name) in AES_CASES {
        let key = generate(&provider, KeyType::Aes, bits, Algorithm::Cipher(mode))?;
        let plaintext = random(&provider, plaintext_len(mode));
        let iv = if mode == Cipher::EcbNoPadding {
            Vec::new()
        } else {
            random(&provider, 16)
        };
        let options = enc_options(mode, &exported_hex(&provider, &key)?, &iv);
        let mut args = vec!["-e", name];
        args.extend(options.iter().map(String::as_str));
        let ciphertext = openssl_enc(dir.path(), &args, &plaintext)?;
        let input = [iv, ciphertext].concat();
        let decrypted = cipher_decrypt(&provider, &key, mode, &input)?;
        assert_eq!(decrypted.as_bytes(), plaintext, "{mode:?} {bits}");
    }
    Ok(())
}

#[test]
fn chacha20_agrees_with_openssl_both_ways() -> TestResult {
    // openssl's 16-byte ChaCha20 IV is the block counter (32 bits, little-endian) ‖ nonce.
    let (provider, dir) = provider();
    let alg = Cipher::StreamCipher;
    let key = generate(&provider, KeyType::Chacha20, 256, Algorithm::Cipher(alg))?;
    let key_hex = exported_hex(&provider, &key)?;
    let plaintext = random(&provider, 300);

    let output = cipher_encrypt(&provider, &key, alg, &plaintext)?;
    let iv = format!("00000000{}", hex::encode(&output[..12]));
    let args = ["-d", "-chacha20", "-K", &key_hex, "-iv", &iv];
    assert_eq!(openssl_enc(dir.path(), &args, &output[12..])?, plaintext);

    let nonce = random(&provider, 12);
    let iv = format!("00000000{}", hex::encode(&nonce));
    let args = ["-e", "-chacha20", "-K", &key_hex, "-iv", &iv];
    let ciphertext = openssl_enc(dir.path(), &args, &plaintext)?;
    let decrypted = cipher_decrypt(&provider, &key, alg, &[nonce, ciphertext].concat())?;
    assert_eq!(decrypted.as_bytes(), plaintext);
    Ok(())
}

#[test]
fn hmac_agrees_with_openssl_for_every_hash() -> TestResult {
    let (provider, dir) = provider();
    let message = random(&provider, 333);
    std::fs::write(dir.path().join("message.bin"), &message)?;
    let hashes = [
        (Hash::Sha1, "-sha1"),
        (Hash::Sha224, "-sha224"),
        (Hash::Sha256, "-sha256"),
        (Hash::Sha384, "-sha384"),
        (Hash::Sha512, "-sha512"),
        (Hash::Sha512_224, "-sha512-224"),
        (Hash::Sha512_256, "-sha512-256"),
        (Hash::Sha3_224, "-sha3-224"),
        (Hash::Sha3_256, "-sha3-256"),
        (Hash::Sha3_384, "-sha3-384"),
        (Hash::Sha3_512, "-sha3-512"),
        (Hash::Md5, "-md5"),
        (Hash::Ripemd160, "-ripemd160"),
    ];
    // A short key, and one longer than every block size (hashed first).
    for key_len in [16, 200] {
        let key = generate(&provider, KeyType::Hmac, key_len * 8, Algorithm::None)?;
        let hexkey = format!("hexkey:{}", exported_hex(&provider, &key)?);
        for (hash, name) in hashes {
            let args = [
                "dgst",
                name,
                "-mac",
                "HMAC",
                "-macopt",
                &hexkey,
                "message.bin",
            ];
            let expected = last_hex(&openssl(dir.path(), &args)?)?;
            assert_eq!(
                mac_compute(&provider, &key, hmac(hash), &message)?,
                expected,
                "{hash:?}"
            );
            let truncated = Mac::Truncated {
                mac: FullLengthMac::Hmac { hash },
                length: 10,
            };
            assert_eq!(
                mac_compute(&provider, &key, truncated, &message)?,
                expected[..10]
            );
        }
    }
    Ok(())
}

#[test]
fn cmac_agrees_with_openssl() -> TestResult {
    let (provider, dir) = provider();
    let cmac = Mac::FullLength(FullLengthMac::Cmac);
    for bits in [128, 192, 256] {
        let key = generate(&provider, KeyType::Aes, bits, Algorithm::Mac(cmac))?;
        let hexkey = format!("hexkey:{}", exported_hex(&provider, &key)?);
        let cipher = format!("AES-{bits}-CBC");
        for len in [0, 16, 77] {
            let message = random(&provider, len);
            std::fs::write(dir.path().join("message.bin"), &message)?;
            let args = [
                "mac",
                "-cipher",
                &cipher,
                "-macopt",
                &hexkey,
                "-in",
                "message.bin",
                "CMAC",
            ];
            let expected = last_hex(&openssl(dir.path(), &args)?)?;
            assert_eq!(
                mac_compute(&provider, &key, cmac, &message)?,
                expected,
                "{bits} {len}"
            );
        }
    }
    Ok(())
}
