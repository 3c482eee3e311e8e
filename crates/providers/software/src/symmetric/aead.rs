//! AEAD: AES-GCM, AES-CCM, Camellia-GCM, Camellia-CCM and ChaCha20-Poly1305. The output is
//! `ciphertext ‖ tag`.
//!
//! aws-lc-rs runs ChaCha20-Poly1305 and AES-GCM with a 12-byte nonce and a 16-byte tag;
//! RustCrypto (`rust_crypto_aead`) runs AES-CCM, the other AES-GCM nonce and tag lengths,
//! and Camellia-GCM and -CCM.
//!
//! | construction | nonce (bytes) | tag (bytes) |
//! |---|---|---|
//! | GCM (AES, Camellia) | 1 to 16 (12 recommended, SP 800-38D §8.2) | 4, 8, 12 to 16 |
//! | CCM (AES, Camellia) | 7 to 13 | 4, 6, 8, 10, 12, 14, 16 |
//! | ChaCha20-Poly1305 | 12 | 16 |
//!
//! A nonce outside these lengths is an `InvalidArgument`, except a GCM nonce longer than 16
//! bytes: SP 800-38D allows it, this provider does not (`NotSupported`). A ciphertext shorter
//! than its tag is an `InvalidArgument` (as in Mbed TLS: malformed, not a forgery); a tag
//! that does not match is an `InvalidSignature`, and no plaintext leaves this module then.

use aws_lc_rs::aead::{
    AES_128_GCM, AES_192_GCM, AES_256_GCM, Aad, Algorithm as AwsAead, CHACHA20_POLY1305,
    LessSafeKey, Nonce, UnboundKey,
};
use psc_provider_api::ProviderError;
use psc_psa::{Aead, AeadAlg, Algorithm, Attributes, KeyType, SecretBytes};
use zeroize::Zeroizing;

use super::{check_key, corrupt, rust_crypto_aead};

/// The longest GCM nonce this provider accepts.
const MAX_GCM_NONCE_LEN: usize = 16;

/// What an AEAD operation will run: checked against the key, before any key material is
/// touched.
#[derive(Clone, Copy, Debug)]
pub(super) struct AeadPlan {
    /// AES or Camellia for GCM and CCM; ChaCha20 for ChaCha20-Poly1305.
    key_type: KeyType,
    construction: AeadAlg,
    tag_len: usize,
}

/// The plan for `alg` with a key like `attributes`. Every construction that fits the key
/// (the service's `is_compatible_with`) is implemented, with every tag length it defines;
/// another tag length is InvalidArgument, as the service answers.
pub(super) fn plan(attributes: &Attributes, alg: Aead) -> Result<AeadPlan, ProviderError> {
    check_key(attributes, Algorithm::Aead(alg))?;
    if !alg.has_valid_tag() {
        return Err(ProviderError::InvalidArgument(format!(
            "{alg:?}: the tag length is not one its construction defines"
        )));
    }
    let tag_len = usize::try_from(alg.tag_len())
        .map_err(|_| ProviderError::InvalidArgument("tag length out of range".into()))?;
    Ok(AeadPlan {
        key_type: attributes.key_type,
        construction: alg.construction(),
        tag_len,
    })
}

/// Which way an AEAD job goes.
#[derive(Clone, Copy, Debug)]
pub(super) enum Direction<'a> {
    /// Encrypt the buffer and answer the tag.
    Seal,
    /// Check `tag`, then decrypt the buffer.
    Open {
        /// The tag received with the ciphertext.
        tag: &'a [u8],
    },
}

/// One AEAD operation in place: `buffer` holds the plaintext (seal) or the ciphertext
/// without its tag (open). No `Debug`: the buffer may hold plaintext.
pub(super) struct Job<'a> {
    pub(super) nonce: &'a [u8],
    pub(super) additional_data: &'a [u8],
    pub(super) buffer: &'a mut [u8],
    pub(super) direction: Direction<'a>,
}

/// Encrypts `plaintext`: `ciphertext ‖ tag`.
pub(super) fn encrypt(
    plan: AeadPlan,
    key: &[u8],
    nonce: &[u8],
    additional_data: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    check_nonce(plan.construction, nonce)?;
    // Holds the plaintext until it is sealed, so an error path wipes it; room for the tag.
    let mut buffer = Zeroizing::new(Vec::with_capacity(plaintext.len() + plan.tag_len));
    buffer.extend_from_slice(plaintext);
    let job = Job {
        nonce,
        additional_data,
        buffer: &mut buffer,
        direction: Direction::Seal,
    };
    let tag = run(plan, key, job)?;
    let mut sealed = std::mem::take(&mut *buffer);
    sealed.extend_from_slice(&tag);
    Ok(sealed)
}

/// Checks the tag at the end of `ciphertext` and decrypts the rest.
pub(super) fn decrypt(
    plan: AeadPlan,
    key: &[u8],
    nonce: &[u8],
    additional_data: &[u8],
    ciphertext: &[u8],
) -> Result<SecretBytes, ProviderError> {
    check_nonce(plan.construction, nonce)?;
    let body_len = ciphertext.len().checked_sub(plan.tag_len).ok_or_else(|| {
        ProviderError::InvalidArgument(format!(
            "a ciphertext of {} bytes cannot hold a {}-byte tag",
            ciphertext.len(),
            plan.tag_len
        ))
    })?;
    let (body, tag) = ciphertext.split_at(body_len);
    // On failure the buffer may hold unauthenticated plaintext: it is wiped when dropped.
    let mut buffer = SecretBytes::from(body);
    let job = Job {
        nonce,
        additional_data,
        buffer: buffer.as_mut_bytes(),
        direction: Direction::Open { tag },
    };
    run(plan, key, job)?;
    Ok(buffer)
}

/// Checks the nonce length against the table in the module documentation.
fn check_nonce(construction: AeadAlg, nonce: &[u8]) -> Result<(), ProviderError> {
    let len = nonce.len();
    let fits = match construction {
        AeadAlg::Gcm if len > MAX_GCM_NONCE_LEN => {
            return Err(ProviderError::NotSupported(format!(
                "GCM nonces longer than {MAX_GCM_NONCE_LEN} bytes (got {len})"
            )));
        }
        AeadAlg::Gcm => len > 0,
        AeadAlg::Ccm => (7..=13).contains(&len),
        AeadAlg::Chacha20Poly1305 => len == 12,
    };
    if fits {
        Ok(())
    } else {
        Err(ProviderError::InvalidArgument(format!(
            "a {construction:?} nonce cannot be {len} bytes long"
        )))
    }
}

/// Runs a job on the back end for this plan; answers the tag when sealing.
fn run(plan: AeadPlan, key: &[u8], job: Job<'_>) -> Result<Vec<u8>, ProviderError> {
    match plan.construction {
        AeadAlg::Chacha20Poly1305 => aws_lc(&CHACHA20_POLY1305, key, job),
        AeadAlg::Gcm
            if plan.key_type == KeyType::Aes && plan.tag_len == 16 && job.nonce.len() == 12 =>
        {
            let algorithm = match key.len() {
                16 => &AES_128_GCM,
                24 => &AES_192_GCM,
                32 => &AES_256_GCM,
                len => return Err(corrupt("AES", len)),
            };
            aws_lc(algorithm, key, job)
        }
        construction => rust_crypto_aead::run(plan.key_type, construction, key, plan.tag_len, job),
    }
}

/// Runs a job with aws-lc-rs (12-byte nonce, 16-byte tag).
fn aws_lc(algorithm: &'static AwsAead, key: &[u8], job: Job<'_>) -> Result<Vec<u8>, ProviderError> {
    let key = UnboundKey::new(algorithm, key).map_err(|_| corrupt("AEAD", key.len()))?;
    let key = LessSafeKey::new(key);
    let nonce = Nonce::try_assume_unique_for_key(job.nonce).map_err(|_| {
        ProviderError::InvalidArgument(format!("a nonce of {} bytes", job.nonce.len()))
    })?;
    let aad = Aad::from(job.additional_data);
    match job.direction {
        Direction::Seal => key
            .seal_in_place_separate_tag(nonce, aad, job.buffer)
            .map(|tag| tag.as_ref().to_vec())
            .map_err(|_| too_long()),
        Direction::Open { tag } => key
            .open_in_place_separate_tag(nonce, aad, tag, job.buffer)
            .map(|_| Vec::new())
            .map_err(|_| ProviderError::InvalidSignature),
    }
}

/// The error for a message or associated data longer than the construction allows.
pub(super) fn too_long() -> ProviderError {
    ProviderError::InvalidArgument(
        "the message or associated data is too long for this AEAD and nonce length".into(),
    )
}
