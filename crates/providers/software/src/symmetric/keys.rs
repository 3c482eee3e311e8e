//! Symmetric key material: raw bytes, drawn from the system random generator or imported
//! as given. Which types and sizes this provider keeps is decided here, once.

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use psc_provider_api::ProviderError;
use psc_psa::{KeyType, SecretBytes};

/// The largest raw-data, HMAC or derivation key, in bits: Mbed TLS's `PSA_MAX_KEY_BITS`, the
/// limit of the original service's software back end.
const MAX_UNSTRUCTURED_BITS: u32 = 0xfff8;

/// The sizes a key type may have here.
enum Sizes {
    /// Any whole number of bytes, up to [`MAX_UNSTRUCTURED_BITS`].
    Unstructured,
    /// Exactly these sizes, in bits.
    Fixed(&'static [u32]),
    /// None: the type is refused, for this reason.
    Refused(&'static str),
}

fn sizes(key_type: KeyType) -> Sizes {
    match key_type {
        KeyType::RawData | KeyType::Hmac | KeyType::Derive => Sizes::Unstructured,
        KeyType::Aes | KeyType::Camellia => Sizes::Fixed(&[128, 192, 256]),
        KeyType::Chacha20 => Sizes::Fixed(&[256]),
        KeyType::Des => Sizes::Refused("DES and 3DES are deprecated"),
        KeyType::Arc4 => Sizes::Refused("ARC4 is broken"),
        _ => Sizes::Refused("not a symmetric key type"),
    }
}

/// Checks that this provider keeps keys of this type at all.
pub(super) fn check_type(key_type: KeyType) -> Result<(), ProviderError> {
    match sizes(key_type) {
        Sizes::Refused(why) => Err(ProviderError::NotSupported(format!(
            "{key_type:?} keys: {why}"
        ))),
        Sizes::Unstructured | Sizes::Fixed(_) => Ok(()),
    }
}

/// Checks a key size: `InvalidArgument` for a size the type cannot have, `NotSupported` for a
/// type refused here or a size past the cap.
pub(super) fn check_bits(key_type: KeyType, bits: u32) -> Result<(), ProviderError> {
    check_type(key_type)?;
    let invalid = || {
        Err(ProviderError::InvalidArgument(format!(
            "a {key_type:?} key cannot have {bits} bits"
        )))
    };
    match sizes(key_type) {
        Sizes::Unstructured if bits == 0 || !bits.is_multiple_of(8) => invalid(),
        Sizes::Unstructured if bits > MAX_UNSTRUCTURED_BITS => Err(ProviderError::NotSupported(
            format!("{key_type:?} keys of more than {MAX_UNSTRUCTURED_BITS} bits"),
        )),
        Sizes::Fixed(allowed) if !allowed.contains(&bits) => invalid(),
        _ => Ok(()),
    }
}

/// Generates random key material of `bits`.
pub(super) fn generate(key_type: KeyType, bits: u32) -> Result<SecretBytes, ProviderError> {
    check_bits(key_type, bits)?;
    let len = usize::try_from(bits / 8)
        .map_err(|_| ProviderError::NotSupported(format!("keys of {bits} bits")))?;
    let mut material = SecretBytes::new(vec![0; len]);
    SystemRandom::new()
        .fill(material.as_mut_bytes())
        .map_err(|_| ProviderError::Other("the random generator failed".into()))?;
    Ok(material)
}

/// Imports raw key bytes; answers them and their size in bits. `bits` 0 takes the size from
/// the data; any other value must match it.
pub(super) fn import(
    key_type: KeyType,
    bits: u32,
    data: &[u8],
) -> Result<(SecretBytes, u32), ProviderError> {
    check_type(key_type)?;
    let actual = u32::try_from(data.len())
        .ok()
        .and_then(|len| len.checked_mul(8))
        .ok_or_else(|| ProviderError::NotSupported(format!("a {key_type:?} key that large")))?;
    if bits != 0 && bits != actual {
        return Err(ProviderError::InvalidArgument(format!(
            "the key data holds {actual} bits, the attributes say {bits}"
        )));
    }
    check_bits(key_type, actual)?;
    Ok((SecretBytes::from(data), actual))
}

/// Whether keys of this type and size can be created; every size that can be imported can
/// also be generated. A size of 0 stands for "any", as in CanDoCrypto.
pub(super) fn supports_key(key_type: KeyType, bits: u32, generate: bool) -> bool {
    let _ = generate;
    if bits == 0 {
        check_type(key_type).is_ok()
    } else {
        check_bits(key_type, bits).is_ok()
    }
}
