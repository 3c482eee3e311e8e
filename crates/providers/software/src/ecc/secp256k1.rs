//! What aws-lc-rs lacks for secp256k1, from RustCrypto's k256: the public key of an imported
//! scalar, and ECDH. (aws-lc-rs handles secp256k1 key generation, PKCS#8 and ECDSA.)

use k256::elliptic_curve::sec1::ToSec1Point;
use k256::{PublicKey, SecretKey};
use psc_provider_api::ProviderError;
use psc_psa::SecretBytes;

/// A secp256k1 private scalar, coordinate or shared secret: 32 bytes.
const SCALAR_LEN: usize = 32;
/// A secp256k1 public key in PSA format: `0x04 ‖ X ‖ Y`.
const POINT_LEN: usize = 65;

/// The uncompressed public point of a private scalar (32 bytes big-endian, `0 < d < n`).
pub(super) fn public_point(scalar: &[u8]) -> Result<Vec<u8>, ProviderError> {
    let secret = secret_key(scalar)?;
    Ok(secret.public_key().to_sec1_point(false).as_bytes().to_vec())
}

/// The ECDH shared secret (the x-coordinate of `d·Q`) with a peer point in PSA format.
pub(super) fn agree(scalar: &[u8], peer: &[u8]) -> Result<SecretBytes, ProviderError> {
    if peer.len() != POINT_LEN || peer.first() != Some(&0x04) {
        return Err(ProviderError::InvalidArgument(format!(
            "a secp256k1 public key is {POINT_LEN} bytes: 0x04 then X and Y"
        )));
    }
    // Refuses points off the curve and the identity.
    let peer = PublicKey::from_sec1_bytes(peer).map_err(|_| {
        ProviderError::InvalidArgument("the peer key is not a point on secp256k1".into())
    })?;
    let secret = secret_key(scalar)?;
    // The shared secret wipes itself on drop.
    let shared = secret.diffie_hellman(&peer);
    Ok(SecretBytes::from(shared.raw_secret_bytes().as_slice()))
}

/// Parses a scalar; `SecretKey` wipes itself on drop.
fn secret_key(scalar: &[u8]) -> Result<SecretKey, ProviderError> {
    if scalar.len() != SCALAR_LEN {
        return Err(ProviderError::InvalidArgument(format!(
            "a secp256k1 private key is {SCALAR_LEN} bytes, not {}",
            scalar.len()
        )));
    }
    SecretKey::from_slice(scalar)
        .map_err(|_| ProviderError::InvalidArgument("not a valid secp256k1 private key".into()))
}
