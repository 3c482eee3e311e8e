//! The AEADs taken from RustCrypto: AES-CCM (absent from aws-lc-rs' safe API), AES-GCM
//! with a nonce other than 12 bytes or a shortened tag, and GCM and CCM over Camellia
//! (RustCrypto's `camellia` block cipher; OpenSSL has no Camellia AEAD).
//!
//! Camellia, as in Mbed TLS (the original's engine) and OpenSSL, is computed with S-box
//! table look-ups indexed by key-dependent data: unlike AES here (AES-NI or bitsliced),
//! it is exposed to cache-timing attacks by code sharing the CPU. Prefer AES for new keys.
//!
//! These crates fix the nonce and tag lengths as type parameters, so each runtime length
//! selects one instantiation below; a length without one is refused. Both compare tags in
//! constant time. GCM decrypts only once the tag matches; CCM decrypts first, into the
//! caller's buffer, which is a wiped-on-drop [`SecretBytes`] never returned on failure.
//!
//! GCM tags of 4 and 8 bytes need the `hazmat` feature of `aes-gcm`: PSA allows them, and
//! SP 800-38D Appendix C bounds how many forgery attempts such a key should face. This
//! provider cannot count them; callers choosing short tags own that limit.
//!
//! [`SecretBytes`]: psc_psa::SecretBytes

use aes::cipher::array::ArraySize;
use aes::cipher::consts::{U1, U2, U3, U4, U5, U6, U7, U8, U9, U10, U11, U12, U13, U14, U15, U16};
use aes::cipher::{BlockCipherEncrypt, BlockSizeUser, KeyInit};
use aes::{Aes128, Aes192, Aes256};
use aes_gcm::AesGcm;
use aes_gcm::aead::{AeadInOut, Nonce, Tag};
use camellia::{Camellia128, Camellia192, Camellia256};
use ccm::Ccm;
use psc_provider_api::ProviderError;
use psc_psa::{AeadAlg, KeyType};

use super::aead::{Direction, Job, too_long};
use super::corrupt;

/// A 128-bit block cipher (AES or Camellia, any key size), as both crates take it.
trait AesCipher: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + Clone {}

impl<T: BlockCipherEncrypt + BlockSizeUser<BlockSize = U16> + Clone> AesCipher for T {}

/// Runs `job` with GCM or CCM over AES or Camellia (`key_type`) under `key`; answers the
/// tag when sealing.
pub(super) fn run(
    key_type: KeyType,
    construction: AeadAlg,
    key: &[u8],
    tag_len: usize,
    job: Job<'_>,
) -> Result<Vec<u8>, ProviderError> {
    if key_type == KeyType::Camellia {
        return run_camellia(construction, key, tag_len, job);
    }
    let bad_key = |_| corrupt("AES", key.len());
    match key.len() {
        16 => with_cipher(
            &Aes128::new_from_slice(key).map_err(bad_key)?,
            construction,
            tag_len,
            job,
        ),
        24 => with_cipher(
            &Aes192::new_from_slice(key).map_err(bad_key)?,
            construction,
            tag_len,
            job,
        ),
        32 => with_cipher(
            &Aes256::new_from_slice(key).map_err(bad_key)?,
            construction,
            tag_len,
            job,
        ),
        len => Err(corrupt("AES", len)),
    }
}

fn run_camellia(
    construction: AeadAlg,
    key: &[u8],
    tag_len: usize,
    job: Job<'_>,
) -> Result<Vec<u8>, ProviderError> {
    let bad_key = |_| corrupt("Camellia", key.len());
    match key.len() {
        16 => with_cipher(
            &Camellia128::new_from_slice(key).map_err(bad_key)?,
            construction,
            tag_len,
            job,
        ),
        24 => with_cipher(
            &Camellia192::new_from_slice(key).map_err(bad_key)?,
            construction,
            tag_len,
            job,
        ),
        32 => with_cipher(
            &Camellia256::new_from_slice(key).map_err(bad_key)?,
            construction,
            tag_len,
            job,
        ),
        len => Err(corrupt("Camellia", len)),
    }
}

fn with_cipher<C: AesCipher>(
    cipher: &C,
    construction: AeadAlg,
    tag_len: usize,
    job: Job<'_>,
) -> Result<Vec<u8>, ProviderError> {
    match construction {
        AeadAlg::Gcm => gcm(cipher, tag_len, job),
        AeadAlg::Ccm => ccm(cipher, tag_len, job),
        AeadAlg::Chacha20Poly1305 => Err(ProviderError::Other(
            "ChaCha20-Poly1305 is not a block cipher construction".into(),
        )),
    }
}

fn gcm<C: AesCipher>(cipher: &C, tag_len: usize, job: Job<'_>) -> Result<Vec<u8>, ProviderError> {
    match tag_len {
        4 => gcm_nonce::<C, U4>(cipher, job),
        8 => gcm_nonce::<C, U8>(cipher, job),
        12 => gcm_nonce::<C, U12>(cipher, job),
        13 => gcm_nonce::<C, U13>(cipher, job),
        14 => gcm_nonce::<C, U14>(cipher, job),
        15 => gcm_nonce::<C, U15>(cipher, job),
        16 => gcm_nonce::<C, U16>(cipher, job),
        len => Err(bad_length("GCM tag", len)),
    }
}

fn gcm_nonce<C: AesCipher, T: aes_gcm::TagSize>(
    cipher: &C,
    job: Job<'_>,
) -> Result<Vec<u8>, ProviderError> {
    macro_rules! by_nonce_len {
        ($($len:literal => $size:ty),* $(,)?) => {
            match job.nonce.len() {
                $($len => run_job(&AesGcm::<C, $size, T>::from(cipher.clone()), job),)*
                len => Err(bad_length("GCM nonce", len)),
            }
        };
    }
    by_nonce_len!(
        1 => U1, 2 => U2, 3 => U3, 4 => U4, 5 => U5, 6 => U6, 7 => U7, 8 => U8,
        9 => U9, 10 => U10, 11 => U11, 12 => U12, 13 => U13, 14 => U14, 15 => U15, 16 => U16,
    )
}

fn ccm<C: AesCipher>(cipher: &C, tag_len: usize, job: Job<'_>) -> Result<Vec<u8>, ProviderError> {
    match tag_len {
        4 => ccm_nonce::<C, U4>(cipher, job),
        6 => ccm_nonce::<C, U6>(cipher, job),
        8 => ccm_nonce::<C, U8>(cipher, job),
        10 => ccm_nonce::<C, U10>(cipher, job),
        12 => ccm_nonce::<C, U12>(cipher, job),
        14 => ccm_nonce::<C, U14>(cipher, job),
        16 => ccm_nonce::<C, U16>(cipher, job),
        len => Err(bad_length("CCM tag", len)),
    }
}

fn ccm_nonce<C: AesCipher, M: ccm::TagSize + ArraySize>(
    cipher: &C,
    job: Job<'_>,
) -> Result<Vec<u8>, ProviderError> {
    macro_rules! by_nonce_len {
        ($($len:literal => $size:ty),* $(,)?) => {
            match job.nonce.len() {
                $($len => run_job(&Ccm::<C, M, $size>::from(cipher.clone()), job),)*
                len => Err(bad_length("CCM nonce", len)),
            }
        };
    }
    by_nonce_len!(7 => U7, 8 => U8, 9 => U9, 10 => U10, 11 => U11, 12 => U12, 13 => U13)
}

/// Runs `job` on one instantiation.
fn run_job<A: AeadInOut>(aead: &A, job: Job<'_>) -> Result<Vec<u8>, ProviderError> {
    let nonce =
        Nonce::<A>::try_from(job.nonce).map_err(|_| bad_length("nonce", job.nonce.len()))?;
    match job.direction {
        Direction::Seal => aead
            .encrypt_inout_detached(&nonce, job.additional_data, job.buffer.into())
            .map(|tag| tag.to_vec())
            .map_err(|_| too_long()),
        Direction::Open { tag } => {
            let tag = Tag::<A>::try_from(tag).map_err(|_| ProviderError::InvalidSignature)?;
            aead.decrypt_inout_detached(&nonce, job.additional_data, job.buffer.into(), &tag)
                .map(|()| Vec::new())
                // Also a message too long for a CCM nonce: it cannot have been sealed so.
                .map_err(|_| ProviderError::InvalidSignature)
        }
    }
}

/// A length the plan or the nonce check already refused: an internal inconsistency.
fn bad_length(what: &str, len: usize) -> ProviderError {
    ProviderError::InvalidArgument(format!("a {what} of {len} bytes"))
}
