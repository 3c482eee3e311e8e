//! MACs: HMAC and CMAC-AES, full length or truncated to the first `length` bytes.
//!
//! HMAC runs on aws-lc-rs for SHA-1 and SHA-2 (224, 256, 384, 512), and on RustCrypto's
//! `hmac` for SHA-512/224, SHA-512/256, SHA3-224/256/384/512, MD5 and RIPEMD-160; MD2 and
//! MD4 have no maintained implementation. CMAC-AES runs on aws-lc-rs. CBC-MAC is not
//! supported: it is forgeable once messages vary in length. Verification is
//! `crypt.rs`'s constant-time comparison against [`compute`].

use ::hmac::digest::{Digest, block_api::BlockSizeUser};
use ::hmac::{KeyInit, Mac as _, SimpleHmac};
use aws_lc_rs::cmac;
use aws_lc_rs::hmac as aws_hmac;
use psc_provider_api::ProviderError;
use psc_psa::{Algorithm, Attributes, FullLengthMac, Hash, KeyType, Mac};

use super::{check_key, corrupt};

/// What a MAC operation will run.
#[derive(Clone, Copy, Debug)]
pub(super) struct MacPlan {
    kind: MacKind,
    /// The output length: the full MAC or the truncated length.
    output_len: usize,
}

#[derive(Clone, Copy, Debug)]
enum MacKind {
    Hmac(Hash),
    CmacAes,
}

/// The plan for `alg` with a key like `attributes`.
pub(super) fn plan(attributes: &Attributes, alg: Mac) -> Result<MacPlan, ProviderError> {
    check_key(attributes, Algorithm::Mac(alg))?;
    let kind = match (attributes.key_type, alg.full_length()) {
        (
            KeyType::Hmac,
            FullLengthMac::Hmac {
                hash: Hash::Md2 | Hash::Md4,
            },
        ) => {
            return Err(ProviderError::NotSupported(
                "HMAC over MD2 or MD4: no maintained implementation".into(),
            ));
        }
        (KeyType::Hmac, FullLengthMac::Hmac { hash }) => MacKind::Hmac(hash),
        (KeyType::Aes, FullLengthMac::Cmac) => MacKind::CmacAes,
        (key_type, mac) => {
            return Err(ProviderError::NotSupported(format!(
                "{mac:?} with a {key_type:?} key"
            )));
        }
    };
    let full_len = match kind {
        MacKind::Hmac(hash) => hash.digest_len(),
        MacKind::CmacAes => 16,
    };
    Ok(MacPlan {
        kind,
        output_len: output_len(alg, full_len)?,
    })
}

/// The output length: the full MAC, or a truncation of at least 4 bytes and at most the full
/// length (the service checks it too; a direct caller gets the same rule).
fn output_len(alg: Mac, full_len: usize) -> Result<usize, ProviderError> {
    match alg {
        Mac::FullLength(_) => Ok(full_len),
        Mac::Truncated { length, .. } => usize::try_from(length)
            .ok()
            .filter(|len| (4..=full_len).contains(len))
            .ok_or_else(|| {
                ProviderError::InvalidArgument(format!(
                    "a MAC of {full_len} bytes cannot be truncated to {length}"
                ))
            }),
    }
}

/// The MAC of `input`, truncated as planned.
pub(super) fn compute(plan: MacPlan, key: &[u8], input: &[u8]) -> Result<Vec<u8>, ProviderError> {
    let mut mac = match plan.kind {
        MacKind::Hmac(hash) => hmac_of(hash, key, input)?,
        MacKind::CmacAes => cmac_aes(key, input)?,
    };
    mac.truncate(plan.output_len);
    Ok(mac)
}

fn hmac_of(hash: Hash, key: &[u8], input: &[u8]) -> Result<Vec<u8>, ProviderError> {
    let aws = |algorithm| {
        Ok(aws_hmac::sign(&aws_hmac::Key::new(algorithm, key), input)
            .as_ref()
            .to_vec())
    };
    match hash {
        Hash::Sha1 => aws(aws_hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY),
        Hash::Sha224 => aws(aws_hmac::HMAC_SHA224),
        Hash::Sha256 => aws(aws_hmac::HMAC_SHA256),
        Hash::Sha384 => aws(aws_hmac::HMAC_SHA384),
        Hash::Sha512 => aws(aws_hmac::HMAC_SHA512),
        Hash::Sha512_224 => rust_crypto::<sha2::Sha512_224>(key, input),
        Hash::Sha512_256 => rust_crypto::<sha2::Sha512_256>(key, input),
        Hash::Sha3_224 => rust_crypto::<sha3::Sha3_224>(key, input),
        Hash::Sha3_256 => rust_crypto::<sha3::Sha3_256>(key, input),
        Hash::Sha3_384 => rust_crypto::<sha3::Sha3_384>(key, input),
        Hash::Sha3_512 => rust_crypto::<sha3::Sha3_512>(key, input),
        Hash::Md5 => rust_crypto::<md5::Md5>(key, input),
        Hash::Ripemd160 => rust_crypto::<ripemd::Ripemd160>(key, input),
        Hash::Md2 | Hash::Md4 => Err(ProviderError::NotSupported(format!("HMAC over {hash:?}"))),
    }
}

/// HMAC with a RustCrypto hash (any key length is valid).
fn rust_crypto<D: Digest + BlockSizeUser>(
    key: &[u8],
    input: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    let mut mac =
        <SimpleHmac<D> as KeyInit>::new_from_slice(key).map_err(|_| corrupt("HMAC", key.len()))?;
    mac.update(input);
    Ok(mac.finalize().into_bytes().to_vec())
}

fn cmac_aes(key: &[u8], input: &[u8]) -> Result<Vec<u8>, ProviderError> {
    let algorithm = match key.len() {
        16 => cmac::AES_128,
        24 => cmac::AES_192,
        32 => cmac::AES_256,
        len => return Err(corrupt("AES", len)),
    };
    let key = cmac::Key::new(algorithm, key).map_err(|_| corrupt("AES", key.len()))?;
    let tag = cmac::sign(&key, input)
        .map_err(|_| ProviderError::Other("CMAC computation failed".into()))?;
    Ok(tag.as_ref().to_vec())
}
