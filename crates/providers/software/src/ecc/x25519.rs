//! X25519 (RFC 7748) with aws-lc-rs: MONTGOMERY 255 keys, for key agreement only.
//!
//! A private key is 32 bytes, little-endian; it is clamped (`decodeScalar25519`, RFC 7748
//! §5) when generated or imported, then sealed as those 32 bytes, so the sealed and exported
//! forms have the forced bits set as PSA requires. Clamping does not change the key's X25519 results. A public key is the
//! 32-byte u-coordinate; points of small order, whose shared secret is all zeros, are refused.

use aws_lc_rs::agreement::{self, PrivateKey, UnparsedPublicKey, X25519};
use aws_lc_rs::constant_time::verify_slices_are_equal;
use psc_provider_api::ProviderError;
use psc_psa::SecretBytes;

/// The length of every X25519 key and shared secret.
const LEN: usize = 32;

/// A new random private key, clamped.
pub(super) fn generate() -> Result<SecretBytes, ProviderError> {
    let mut scalar = SecretBytes::new(vec![0; LEN]);
    aws_lc_rs::rand::fill(scalar.as_mut_bytes())
        .map_err(|_| ProviderError::Other("the random generator failed".into()))?;
    clamp(scalar.as_mut_bytes());
    Ok(scalar)
}

/// Imports a private key in PSA format (any 32 bytes); answers it clamped.
pub(super) fn import(data: &[u8]) -> Result<SecretBytes, ProviderError> {
    if data.len() != LEN {
        return Err(ProviderError::InvalidArgument(format!(
            "an X25519 private key is {LEN} bytes, not {}",
            data.len()
        )));
    }
    let mut scalar = SecretBytes::from(data);
    clamp(scalar.as_mut_bytes());
    Ok(scalar)
}

/// Checks a public key in PSA format: 32 bytes, not a point of small order.
pub(super) fn check_public(u: &[u8]) -> Result<(), ProviderError> {
    // Any clamped scalar is a multiple of the cofactor, so it maps exactly the small-order
    // points to the all-zero output: one agreement with a fixed key finds them.
    let mut probe = [9u8; LEN];
    clamp(&mut probe);
    agree(&probe, u).map(drop)
}

/// The public key of a sealed private key; a sealed key of the wrong size is corrupt.
pub(super) fn public_key(scalar: &[u8]) -> Result<Vec<u8>, ProviderError> {
    let public = private_key(scalar)
        .map_err(|_| ProviderError::CorruptKey("the sealed X25519 key does not parse".into()))?
        .compute_public_key()
        .map_err(|_| ProviderError::Other("cannot derive the X25519 public key".into()))?;
    Ok(public.as_ref().to_vec())
}

/// The X25519 shared secret; a peer key of the wrong size or of small order is
/// InvalidArgument.
pub(super) fn agree(scalar: &[u8], peer: &[u8]) -> Result<SecretBytes, ProviderError> {
    if peer.len() != LEN {
        return Err(ProviderError::InvalidArgument(format!(
            "an X25519 public key is {LEN} bytes, not {}",
            peer.len()
        )));
    }
    let key = private_key(scalar)
        .map_err(|_| ProviderError::CorruptKey("the sealed X25519 key does not parse".into()))?;
    let invalid =
        || ProviderError::InvalidArgument("the X25519 peer key is a point of small order".into());
    let secret = agreement::agree(
        &key,
        UnparsedPublicKey::new(&X25519, peer),
        invalid(),
        |secret| Ok(SecretBytes::from(secret)),
    )?;
    // aws-lc refuses an all-zero result already (RFC 7748 §6.1); checked again, in constant
    // time, because the PSA contract depends on it.
    if verify_slices_are_equal(&secret, &[0; LEN]).is_ok() {
        return Err(invalid());
    }
    Ok(secret)
}

fn private_key(scalar: &[u8]) -> Result<PrivateKey, ProviderError> {
    PrivateKey::from_private_key(&X25519, scalar)
        .map_err(|_| ProviderError::InvalidArgument("not an X25519 private key".into()))
}

/// `decodeScalar25519` without the decoding: clear the three low bits and the top bit, set
/// bit 254.
fn clamp(scalar: &mut [u8]) {
    if let Some(first) = scalar.first_mut() {
        *first &= 0xf8;
    }
    if let Some(last) = scalar.last_mut() {
        *last = (*last & 0x7f) | 0x40;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamping_sets_the_forced_bits() {
        let mut scalar = [0xffu8; LEN];
        clamp(&mut scalar);
        assert_eq!(scalar[0], 0xf8);
        assert_eq!(scalar[31], 0x7f);
        let mut zeros = [0u8; LEN];
        clamp(&mut zeros);
        assert_eq!(zeros[31], 0x40);
    }

    #[test]
    fn small_order_points_are_refused() {
        // RFC 7748 §6.1 leaves the check to callers; u = 0 and u = 1 have small order.
        let mut one = [0u8; LEN];
        one[0] = 1;
        for u in [[0u8; LEN], one] {
            assert!(matches!(
                check_public(&u),
                Err(ProviderError::InvalidArgument(_))
            ));
        }
        let mut nine = [0u8; LEN];
        nine[0] = 9;
        assert!(check_public(&nine).is_ok());
    }
}
