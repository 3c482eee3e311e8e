//! Camellia (RFC 3713) unauthenticated ciphers through OpenSSL 3: CTR, CFB-128, OFB, ECB and
//! CBC (no padding or PKCS#7), with the same IVs, lengths and padding rules as AES
//! (`symmetric/cipher.rs`, whose PKCS#7 helpers these use: OpenSSL's own padding is turned
//! off). XTS is not supported. Camellia-GCM and -CCM are in `symmetric/rust_crypto_aead.rs`.
//!
//! OpenSSL computes Camellia with table look-ups, as Mbed TLS (the original's engine) does:
//! see the timing note in `symmetric/rust_crypto_aead.rs`.

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use openssl::cipher::Cipher as OsslCipher;
use openssl::cipher_ctx::CipherCtx;
use psc_provider_api::ProviderError;
use psc_psa::{Cipher, SecretBytes};
use zeroize::Zeroizing;

use super::cipher::{BLOCK_LEN, check_length, pkcs7_pad, pkcs7_unpadded_len, plaintext_buffer};
use super::corrupt;

/// OpenSSL's name of Camellia with this key length in this mode.
fn name(key_len: usize, mode: Cipher) -> Result<String, ProviderError> {
    let bits = match key_len {
        16 => 128,
        24 => 192,
        32 => 256,
        len => return Err(corrupt("Camellia", len)),
    };
    let mode = match mode {
        Cipher::Ctr => "CTR",
        Cipher::Cfb => "CFB",
        Cipher::Ofb => "OFB",
        Cipher::EcbNoPadding => "ECB",
        Cipher::CbcNoPadding | Cipher::CbcPkcs7 => "CBC",
        Cipher::StreamCipher | Cipher::Xts => {
            return Err(ProviderError::NotSupported(format!(
                "{mode:?} is not a Camellia mode here"
            )));
        }
    };
    Ok(format!("CAMELLIA-{bits}-{mode}"))
}

fn iv_len(mode: Cipher) -> usize {
    if mode == Cipher::EcbNoPadding {
        0
    } else {
        BLOCK_LEN
    }
}

/// Encrypts under a random IV: `IV ‖ ciphertext`.
pub(super) fn encrypt(
    key: &[u8],
    mode: Cipher,
    plaintext: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    let mut buffer = plaintext_buffer(plaintext);
    if mode == Cipher::CbcPkcs7 {
        pkcs7_pad(&mut buffer);
    }
    check_length(mode, buffer.len())?;
    let mut iv = vec![0u8; iv_len(mode)];
    SystemRandom::new()
        .fill(&mut iv)
        .map_err(|_| ProviderError::Other("the random generator failed".into()))?;
    let body = run(key, mode, &iv, &buffer, true)?;
    Ok([iv.as_slice(), body.as_slice()].concat())
}

/// Decrypts `IV ‖ ciphertext`.
pub(super) fn decrypt(
    key: &[u8],
    mode: Cipher,
    input: &[u8],
) -> Result<SecretBytes, ProviderError> {
    let iv_len = iv_len(mode);
    let (iv, body) = input.split_at_checked(iv_len).ok_or_else(|| {
        ProviderError::InvalidArgument(format!(
            "{} bytes cannot hold a {iv_len}-byte IV",
            input.len()
        ))
    })?;
    check_length(mode, body.len())?;
    if mode == Cipher::CbcPkcs7 && body.is_empty() {
        return Err(ProviderError::InvalidArgument(
            "a padded CBC ciphertext holds at least one block".into(),
        ));
    }
    let plaintext = run(key, mode, iv, body, false)?;
    let len = if mode == Cipher::CbcPkcs7 {
        pkcs7_unpadded_len(&plaintext)?
    } else {
        plaintext.len()
    };
    Ok(SecretBytes::from(&plaintext[..len]))
}

/// One pass of OpenSSL's cipher over whole input (already padded).
fn run(
    key: &[u8],
    mode: Cipher,
    iv: &[u8],
    input: &[u8],
    encrypt: bool,
) -> Result<Zeroizing<Vec<u8>>, ProviderError> {
    let cipher =
        OsslCipher::fetch(None, &name(key.len(), mode)?, None).map_err(|_| failed("the cipher"))?;
    let mut ctx = CipherCtx::new().map_err(|_| failed("a context"))?;
    let iv = (!iv.is_empty()).then_some(iv);
    if encrypt {
        ctx.encrypt_init(Some(&cipher), Some(key), iv)
    } else {
        ctx.decrypt_init(Some(&cipher), Some(key), iv)
    }
    .map_err(|_| failed("key setup"))?;
    ctx.set_padding(false);
    let mut out = Zeroizing::new(vec![0u8; input.len() + BLOCK_LEN]);
    let written = ctx
        .cipher_update(input, Some(&mut out))
        .map_err(|_| failed("the cipher"))?;
    let tail = ctx
        .cipher_final(&mut out[written..])
        .map_err(|_| failed("the cipher"))?;
    out.truncate(written + tail);
    Ok(out)
}

fn failed(what: &str) -> ProviderError {
    ProviderError::Other(format!("Camellia: OpenSSL failed: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3713 Appendix A: the 128-, 192- and 256-bit test vectors (one block, ECB).
    #[test]
    fn rfc_3713_vectors() -> Result<(), ProviderError> {
        let hex = |s: &str| -> Vec<u8> {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or(0))
                .collect()
        };
        let plaintext = hex("0123456789abcdeffedcba9876543210");
        let key = hex("0123456789abcdeffedcba987654321000112233445566778899aabbccddeeff");
        let cases = [
            (16, "67673138549669730857065648eabe43"),
            (24, "b4993401b3e996f84ee5cee7d79b09b9"),
            (32, "9acc237dff16d76c20ef7c919e3a7509"),
        ];
        for (len, expected) in cases {
            let out = run(&key[..len], Cipher::EcbNoPadding, &[], &plaintext, true)?;
            assert_eq!(out.as_slice(), hex(expected), "{len}-byte key");
            let back = decrypt(&key[..len], Cipher::EcbNoPadding, &out)?;
            assert_eq!(back.as_bytes(), plaintext);
        }
        Ok(())
    }
}
