//! X448 (RFC 7748) through OpenSSL 3: MONTGOMERY 448 keys, for key agreement only.
//!
//! As for X25519 (`ecc/x25519.rs`): a private key is 56 bytes, little-endian, clamped
//! (`decodeScalar448`: the two lowest bits cleared, the highest set) when generated or
//! imported and sealed so; a public key is the 56-byte u-coordinate, and one of small order
//! (its shared secret all zeros for every clamped key) is refused on import and as a peer.
//! OpenSSL's X448 ladder is constant-time; the keys it is handed are freed with
//! `EVP_PKEY_free`, which clears them.

use openssl::derive::Deriver;
use openssl::pkey::{Id, PKey};
use psc_provider_api::ProviderError;
use psc_psa::SecretBytes;
use zeroize::Zeroizing;

/// The length of every X448 key and shared secret.
const LEN: usize = 56;

/// A new random private key, clamped.
pub(super) fn generate() -> Result<SecretBytes, ProviderError> {
    let key = PKey::generate_x448().map_err(|_| failed("key generation"))?;
    let raw = Zeroizing::new(
        key.raw_private_key()
            .map_err(|_| failed("key generation"))?,
    );
    import(&raw)
}

/// Imports a private key in PSA format (any 56 bytes); answers it clamped.
pub(super) fn import(data: &[u8]) -> Result<SecretBytes, ProviderError> {
    if data.len() != LEN {
        return Err(ProviderError::InvalidArgument(format!(
            "an X448 private key is {LEN} bytes, not {}",
            data.len()
        )));
    }
    let mut scalar = SecretBytes::from(data);
    clamp(scalar.as_mut_bytes());
    Ok(scalar)
}

/// The public key of a sealed private key.
pub(super) fn public_key(scalar: &[u8]) -> Result<Vec<u8>, ProviderError> {
    PKey::private_key_from_raw_bytes(scalar, Id::X448)
        .and_then(|key| key.raw_public_key())
        .map_err(|_| ProviderError::CorruptKey("the sealed X448 key does not parse".into()))
}

/// Checks a public key in PSA format: 56 bytes, not a point of small order.
pub(super) fn check_public(u: &[u8]) -> Result<(), ProviderError> {
    // Any clamped scalar is a multiple of the cofactor: a small-order point gives zeros,
    // which OpenSSL refuses, whichever the scalar.
    let mut probe = [0x5a; LEN];
    clamp(&mut probe);
    agree(&probe, u).map(|_| ())
}

/// The X448 shared secret; a peer key of the wrong size or of small order is
/// InvalidArgument.
pub(super) fn agree(scalar: &[u8], peer: &[u8]) -> Result<SecretBytes, ProviderError> {
    if peer.len() != LEN {
        return Err(ProviderError::InvalidArgument(format!(
            "an X448 public key is {LEN} bytes, not {}",
            peer.len()
        )));
    }
    let ours = PKey::private_key_from_raw_bytes(scalar, Id::X448)
        .map_err(|_| ProviderError::CorruptKey("the sealed X448 key does not parse".into()))?;
    let theirs = PKey::public_key_from_raw_bytes(peer, Id::X448)
        .map_err(|_| ProviderError::InvalidArgument("not an X448 public key".into()))?;
    let mut deriver = Deriver::new(&ours).map_err(|_| failed("X448"))?;
    let small_order =
        || ProviderError::InvalidArgument("the X448 peer key is a point of small order".into());
    deriver.set_peer(&theirs).map_err(|_| small_order())?;
    let secret = Zeroizing::new(deriver.derive_to_vec().map_err(|_| small_order())?);
    if secret.len() != LEN || secret.iter().all(|b| *b == 0) {
        return Err(small_order());
    }
    Ok(SecretBytes::from(secret.as_slice()))
}

/// `decodeScalar448` (RFC 7748 §5).
fn clamp(scalar: &mut [u8]) {
    if let Some(first) = scalar.first_mut() {
        *first &= 0xfc;
    }
    if let Some(last) = scalar.last_mut() {
        *last |= 0x80;
    }
}

fn failed(what: &str) -> ProviderError {
    ProviderError::Other(format!("OpenSSL failed: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7748 §6.2: Alice's and Bob's keys and their shared secret.
    #[test]
    fn rfc_7748_vectors() -> Result<(), ProviderError> {
        let hex = |s: &str| -> Vec<u8> {
            (0..s.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or(0))
                .collect()
        };
        let alice = hex("9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28d\
             d9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b");
        let bob_public = hex("3eb7a829b0cd20f5bcfc0b599b6feccf6da4627107bdb0d4f345b430\
             27d8b972fc3e34fb4232a13ca706dcb57aec3dae07bdc1c67bf33609");
        let shared = hex("07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282b\
             b60c0b56fd2464c335543936521c24403085d59a449a5037514a879d");
        let alice = import(&alice)?;
        assert_eq!(agree(&alice, &bob_public)?.as_bytes(), shared);
        check_public(&bob_public)?;
        assert!(check_public(&[0; LEN]).is_err());
        let mut one = [0; LEN];
        one[0] = 1;
        assert!(check_public(&one).is_err());
        Ok(())
    }
}
