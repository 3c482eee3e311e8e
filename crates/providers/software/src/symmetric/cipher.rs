//! Unauthenticated ciphers: AES in CTR, CFB-128, OFB, ECB and CBC (no padding or PKCS#7)
//! with aws-lc-rs, and the ChaCha20 stream cipher with RustCrypto's `chacha20`.
//!
//! Encryption draws a random IV and answers `IV ‖ ciphertext`; decryption takes the same.
//!
//! | key | mode | IV (bytes) | input length |
//! |---|---|---|---|
//! | AES | CTR, CFB (128-bit segments), OFB | 16 | any |
//! | AES | CBC, no padding | 16 | a multiple of 16 |
//! | AES | CBC, PKCS#7 | 16 | any (encrypt); a non-zero multiple of 16 (decrypt) |
//! | AES | ECB, no padding | none | a multiple of 16 |
//! | Camellia | as AES, through OpenSSL (`symmetric/camellia.rs`) | | |
//! | ChaCha20 | stream cipher (RFC 8439, block counter from 0) | 12 | any, up to 256 GiB |
//!
//! XTS is not supported. PKCS#7 padding is checked in constant time over the last block
//! (no early exit on its bytes); the `InvalidPadding` status that PSA requires still tells a
//! caller whether padding was valid, so CBC decryption of attacker-chosen data is a padding
//! oracle by contract: use an AEAD when ciphertexts may be forged.

use aws_lc_rs::cipher::{
    AES_128, AES_192, AES_256, Algorithm as AwsCipher, DecryptingKey, DecryptionContext,
    EncryptingKey, UnboundCipherKey,
};
use aws_lc_rs::iv::FixedLength;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use chacha20::ChaCha20;
use chacha20::cipher::{KeyIvInit, StreamCipher};
use psc_provider_api::ProviderError;
use psc_psa::{Algorithm, Attributes, Cipher, KeyType, SecretBytes};
use subtle::{ConstantTimeEq, ConstantTimeGreater};
use zeroize::Zeroizing;

use super::{camellia, check_key, corrupt};

/// The AES block, and IV, length.
pub(super) const BLOCK_LEN: usize = 16;
/// The ChaCha20 nonce length (RFC 8439).
const CHACHA20_NONCE_LEN: usize = 12;

/// What a cipher operation will run.
#[derive(Clone, Copy, Debug)]
pub(super) enum CipherPlan {
    /// AES in this mode (never XTS or a stream cipher).
    Aes(Cipher),
    /// Camellia in this mode, through OpenSSL (`symmetric/camellia.rs`).
    Camellia(Cipher),
    /// The ChaCha20 stream cipher.
    Chacha20,
}

/// The plan for `alg` with a key like `attributes`.
pub(super) fn plan(attributes: &Attributes, alg: Cipher) -> Result<CipherPlan, ProviderError> {
    check_key(attributes, Algorithm::Cipher(alg))?;
    match (attributes.key_type, alg) {
        (KeyType::Aes, Cipher::Xts) => Err(ProviderError::NotSupported(
            "AES-XTS is not supported by the software provider".into(),
        )),
        (KeyType::Aes, mode) => Ok(CipherPlan::Aes(mode)),
        (KeyType::Camellia, Cipher::Xts) => Err(ProviderError::NotSupported(
            "Camellia-XTS is not supported by the software provider".into(),
        )),
        (KeyType::Camellia, mode) => Ok(CipherPlan::Camellia(mode)),
        (KeyType::Chacha20, _) => Ok(CipherPlan::Chacha20),
        (key_type, _) => Err(ProviderError::NotSupported(format!(
            "{alg:?} with a {key_type:?} key"
        ))),
    }
}

/// Encrypts under a random IV: `IV ‖ ciphertext`.
pub(super) fn encrypt(
    plan: CipherPlan,
    key: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    match plan {
        CipherPlan::Aes(mode) => aes_encrypt(key, mode, plaintext),
        CipherPlan::Camellia(mode) => camellia::encrypt(key, mode, plaintext),
        CipherPlan::Chacha20 => chacha20_encrypt(key, plaintext),
    }
}

/// Decrypts `IV ‖ ciphertext`.
pub(super) fn decrypt(
    plan: CipherPlan,
    key: &[u8],
    input: &[u8],
) -> Result<SecretBytes, ProviderError> {
    match plan {
        CipherPlan::Aes(mode) => aes_decrypt(key, mode, input),
        CipherPlan::Camellia(mode) => camellia::decrypt(key, mode, input),
        CipherPlan::Chacha20 => chacha20_decrypt(key, input),
    }
}

fn aes_encrypt(key: &[u8], mode: Cipher, plaintext: &[u8]) -> Result<Vec<u8>, ProviderError> {
    let mut buffer = plaintext_buffer(plaintext);
    if mode == Cipher::CbcPkcs7 {
        pkcs7_pad(&mut buffer);
    }
    check_length(mode, buffer.len())?;
    let key = EncryptingKey::new_for(aes_key(key)?, mode)?;
    // aws-lc-rs draws the IV from its random generator.
    let context = key.encrypt(&mut buffer).map_err(|_| failed("encryption"))?;
    let iv: &[u8] = match &context {
        DecryptionContext::None => &[],
        context => context.try_into().map_err(|_| failed("encryption"))?,
    };
    Ok([iv, buffer.as_slice()].concat())
}

fn aes_decrypt(key: &[u8], mode: Cipher, input: &[u8]) -> Result<SecretBytes, ProviderError> {
    let iv_len = if mode == Cipher::EcbNoPadding {
        0
    } else {
        BLOCK_LEN
    };
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
    let context = match <[u8; BLOCK_LEN]>::try_from(iv) {
        Ok(iv) => DecryptionContext::Iv128(FixedLength::from(iv)),
        Err(_) => DecryptionContext::None,
    };
    let mut buffer = SecretBytes::from(body);
    let key = DecryptingKey::new_for(aes_key(key)?, mode)?;
    key.decrypt(buffer.as_mut_bytes(), context)
        .map_err(|_| failed("decryption"))?;
    if mode == Cipher::CbcPkcs7 {
        let len = pkcs7_unpadded_len(&buffer)?;
        buffer = SecretBytes::from(&buffer[..len]);
    }
    Ok(buffer)
}

/// The aws-lc-rs key for an AES key of 16, 24 or 32 bytes.
fn aes_key(key: &[u8]) -> Result<UnboundCipherKey, ProviderError> {
    let algorithm: &'static AwsCipher = match key.len() {
        16 => &AES_128,
        24 => &AES_192,
        32 => &AES_256,
        len => return Err(corrupt("AES", len)),
    };
    UnboundCipherKey::new(algorithm, key).map_err(|_| corrupt("AES", key.len()))
}

/// Builds aws-lc-rs keys for a PSA cipher mode.
trait ForMode: Sized {
    fn new_for(key: UnboundCipherKey, mode: Cipher) -> Result<Self, ProviderError>;
}

impl ForMode for EncryptingKey {
    fn new_for(key: UnboundCipherKey, mode: Cipher) -> Result<Self, ProviderError> {
        match mode {
            Cipher::Ctr => EncryptingKey::ctr(key),
            Cipher::Cfb => EncryptingKey::cfb128(key),
            Cipher::Ofb => EncryptingKey::ofb(key),
            Cipher::EcbNoPadding => EncryptingKey::ecb(key),
            Cipher::CbcNoPadding | Cipher::CbcPkcs7 => EncryptingKey::cbc(key),
            Cipher::StreamCipher | Cipher::Xts => return Err(not_aes_mode(mode)),
        }
        .map_err(|_| failed("key setup"))
    }
}

impl ForMode for DecryptingKey {
    fn new_for(key: UnboundCipherKey, mode: Cipher) -> Result<Self, ProviderError> {
        match mode {
            Cipher::Ctr => DecryptingKey::ctr(key),
            Cipher::Cfb => DecryptingKey::cfb128(key),
            Cipher::Ofb => DecryptingKey::ofb(key),
            Cipher::EcbNoPadding => DecryptingKey::ecb(key),
            Cipher::CbcNoPadding | Cipher::CbcPkcs7 => DecryptingKey::cbc(key),
            Cipher::StreamCipher | Cipher::Xts => return Err(not_aes_mode(mode)),
        }
        .map_err(|_| failed("key setup"))
    }
}

/// Checks that the block modes get whole blocks (after padding, for PKCS#7).
pub(super) fn check_length(mode: Cipher, len: usize) -> Result<(), ProviderError> {
    let needs_blocks = matches!(
        mode,
        Cipher::EcbNoPadding | Cipher::CbcNoPadding | Cipher::CbcPkcs7
    );
    if needs_blocks && !len.is_multiple_of(BLOCK_LEN) {
        return Err(ProviderError::InvalidArgument(format!(
            "{mode:?} needs a multiple of {BLOCK_LEN} bytes, not {len}"
        )));
    }
    Ok(())
}

/// A copy of `plaintext` to encrypt in place, wiped when dropped (so on an error path too),
/// with room for the padding: growing the buffer would move the plaintext and leave the old
/// copy unwiped in freed memory.
pub(super) fn plaintext_buffer(plaintext: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut buffer = Zeroizing::new(Vec::with_capacity(plaintext.len() + BLOCK_LEN));
    buffer.extend_from_slice(plaintext);
    buffer
}

/// Appends PKCS#7 padding: 1 to 16 bytes, each holding the padding length.
pub(super) fn pkcs7_pad(buffer: &mut Zeroizing<Vec<u8>>) {
    let pad = BLOCK_LEN - buffer.len() % BLOCK_LEN;
    // `pad` is 1 to 16, so the conversion cannot fail.
    let byte = u8::try_from(pad).unwrap_or(0);
    let padded_len = buffer.len() + pad;
    buffer.resize(padded_len, byte);
}

/// The plaintext length once valid PKCS#7 padding is removed. Every byte of the last block
/// is examined whatever the padding length says, with no branch on their values; only the
/// verdict is branched on.
pub(super) fn pkcs7_unpadded_len(plaintext: &[u8]) -> Result<usize, ProviderError> {
    let last_block = plaintext
        .len()
        .checked_sub(BLOCK_LEN)
        .and_then(|start| plaintext.get(start..))
        .ok_or(ProviderError::InvalidPadding)?;
    let pad = last_block[BLOCK_LEN - 1];
    let mut valid = pad.ct_gt(&0) & !pad.ct_gt(&16);
    // Byte i of the block is padding when its distance from the end (16 - i) is at most pad.
    for (byte, distance) in last_block.iter().zip((1..=16u8).rev()) {
        let is_padding = !distance.ct_gt(&pad);
        valid &= !is_padding | byte.ct_eq(&pad);
    }
    if bool::from(valid) {
        Ok(plaintext.len() - usize::from(pad))
    } else {
        Err(ProviderError::InvalidPadding)
    }
}

fn chacha20_encrypt(key: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, ProviderError> {
    let mut nonce = [0u8; CHACHA20_NONCE_LEN];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| ProviderError::Other("the random generator failed".into()))?;
    let mut buffer = Zeroizing::new(plaintext.to_vec());
    chacha20_apply(key, &nonce, &mut buffer)?;
    Ok([&nonce[..], buffer.as_slice()].concat())
}

fn chacha20_decrypt(key: &[u8], input: &[u8]) -> Result<SecretBytes, ProviderError> {
    let (nonce, body) = input.split_at_checked(CHACHA20_NONCE_LEN).ok_or_else(|| {
        ProviderError::InvalidArgument(format!(
            "{} bytes cannot hold a {CHACHA20_NONCE_LEN}-byte nonce",
            input.len()
        ))
    })?;
    let mut buffer = SecretBytes::from(body);
    chacha20_apply(key, nonce, buffer.as_mut_bytes())?;
    Ok(buffer)
}

/// XORs the ChaCha20 keystream (block counter from 0) into `buffer`.
fn chacha20_apply(key: &[u8], nonce: &[u8], buffer: &mut [u8]) -> Result<(), ProviderError> {
    let mut cipher =
        ChaCha20::new_from_slices(key, nonce).map_err(|_| corrupt("ChaCha20", key.len()))?;
    cipher.try_apply_keystream(buffer).map_err(|_| {
        ProviderError::InvalidArgument("longer than the ChaCha20 keystream (256 GiB)".into())
    })
}

fn not_aes_mode(mode: Cipher) -> ProviderError {
    ProviderError::NotSupported(format!("{mode:?} is not an AES mode here"))
}

fn failed(what: &str) -> ProviderError {
    ProviderError::Other(format!("AES {what} failed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn padded(tail: &[u8]) -> Vec<u8> {
        let mut block = vec![0xa5; BLOCK_LEN - tail.len()];
        block.extend_from_slice(tail);
        block
    }

    #[test]
    fn pkcs7_accepts_every_valid_padding_length() {
        for pad in 1..=16u8 {
            let block = padded(&vec![pad; usize::from(pad)]);
            let len = pkcs7_unpadded_len(&block).ok();
            assert_eq!(len, Some(BLOCK_LEN - usize::from(pad)));
        }
    }

    #[test]
    fn pkcs7_refuses_bad_padding() {
        let bad = [
            padded(&[0]),
            padded(&[17]),
            padded(&[0xff]),
            padded(&[3, 2, 3]),
            padded(&[2, 1, 2]),
            vec![16; 15],
        ];
        for block in bad {
            assert!(matches!(
                pkcs7_unpadded_len(&block),
                Err(ProviderError::InvalidPadding)
            ));
        }
        // The padding length may not reach past the block.
        let mut two_blocks = vec![16u8; BLOCK_LEN];
        two_blocks.extend(padded(&[17]));
        assert!(pkcs7_unpadded_len(&two_blocks).is_err());
    }

    #[test]
    fn padding_never_moves_the_plaintext() {
        for len in [0, 1, 15, 16, 17, 100] {
            let mut buffer = plaintext_buffer(&vec![7u8; len]);
            let before = buffer.as_ptr();
            pkcs7_pad(&mut buffer);
            assert_eq!(buffer.as_ptr(), before, "{len} bytes were reallocated");
        }
    }

    #[test]
    fn pkcs7_pads_a_whole_block_onto_aligned_input() {
        let mut buffer = Zeroizing::new(vec![7u8; BLOCK_LEN]);
        pkcs7_pad(&mut buffer);
        assert_eq!(buffer.len(), 2 * BLOCK_LEN);
        assert!(buffer[BLOCK_LEN..].iter().all(|&b| b == 16));
    }
}
