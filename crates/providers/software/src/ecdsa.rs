//! ECDSA over a hash the caller computed, on P-256.
//!
//! aws-lc-rs signs a precomputed digest only as a SHA-256-sized value for P-256, so every
//! input is first reduced to the integer ECDSA actually signs: its leftmost 256 bits (SEC1
//! v2 §4.1.3 step 5). For SHA-384 and SHA-512 that is the standard truncation; for
//! `EcdsaAny`, an input shorter than 32 bytes is the same integer left-padded with zeros.
//! The result is the same signature a library signing with that hash would produce.
//! Signatures are the fixed-size PSA form `r ‖ s`, 32 bytes each.

use aws_lc_rs::digest::{Digest, SHA256};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
use psc_provider_api::ProviderError;
use psc_psa::{AsymmetricSignature, Hash, SignHash};

use crate::ecc::EccKey;

/// A P-256 signature: `r ‖ s`.
const SIGNATURE_LEN: usize = 64;
/// The byte length of the P-256 group order.
const SCALAR_LEN: usize = 32;

/// Signs `hash` with `alg`. A public key cannot sign: InvalidArgument.
pub(crate) fn sign(
    key: &EccKey,
    alg: AsymmetricSignature,
    hash: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    if let AsymmetricSignature::DeterministicEcdsa { .. } = alg {
        return Err(ProviderError::NotSupported(
            "deterministic ECDSA (RFC 6979) signing is not implemented by the software provider"
                .into(),
        ));
    }
    let digest = signed_integer(alg, hash)?;
    let EccKey::Pair(pair) = key else {
        return Err(ProviderError::InvalidArgument(
            "a public key cannot sign: import or generate the key pair".into(),
        ));
    };
    let signature = pair
        .sign_digest(&digest)
        .map_err(|_| ProviderError::Other("ECDSA P-256 signing failed".into()))?;
    Ok(signature.as_ref().to_vec())
}

/// Verifies `signature` over `hash`. Deterministic and randomized ECDSA verify alike.
pub(crate) fn verify(
    key: &EccKey,
    alg: AsymmetricSignature,
    hash: &[u8],
    signature: &[u8],
) -> Result<(), ProviderError> {
    let digest = signed_integer(alg, hash)?;
    if signature.len() != SIGNATURE_LEN {
        return Err(ProviderError::InvalidSignature);
    }
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, key.public_point())
        .verify_digest(&digest, signature)
        .map_err(|_| ProviderError::InvalidSignature)
}

/// Checks the algorithm and input length, then reduces the input to the 32 bytes ECDSA signs.
fn signed_integer(alg: AsymmetricSignature, input: &[u8]) -> Result<Digest, ProviderError> {
    match alg {
        AsymmetricSignature::Ecdsa { hash } | AsymmetricSignature::DeterministicEcdsa { hash } => {
            check_hash(hash, input)?;
        }
        AsymmetricSignature::EcdsaAny => {}
        other => {
            return Err(ProviderError::InvalidArgument(format!(
                "{other:?} is not an ECDSA algorithm"
            )));
        }
    }
    Digest::import_less_safe(&leftmost_bytes(input), &SHA256)
        .map_err(|_| ProviderError::Other("cannot import the digest".into()))
}

/// The hashes supported, and the input's length against the hash's.
fn check_hash(hash: SignHash, input: &[u8]) -> Result<(), ProviderError> {
    let hash = match hash {
        SignHash::Specific(hash @ (Hash::Sha224 | Hash::Sha256 | Hash::Sha384 | Hash::Sha512)) => {
            hash
        }
        SignHash::Specific(other) => {
            return Err(ProviderError::NotSupported(format!(
                "ECDSA with {other:?}: the software provider supports SHA-224, SHA-256, SHA-384 \
                 and SHA-512"
            )));
        }
        SignHash::Any => {
            return Err(ProviderError::InvalidArgument(
                "the any-hash wildcard belongs in a policy, not in an operation".into(),
            ));
        }
    };
    if input.len() == hash.digest_len() {
        Ok(())
    } else {
        Err(ProviderError::InvalidArgument(format!(
            "a {hash:?} hash is {} bytes, not {}",
            hash.digest_len(),
            input.len()
        )))
    }
}

/// The leftmost 256 bits of `input` as 32 bytes; a shorter input is left-padded with zeros,
/// which leaves its integer value unchanged.
fn leftmost_bytes(input: &[u8]) -> [u8; SCALAR_LEN] {
    let mut out = [0u8; SCALAR_LEN];
    let kept = input.len().min(SCALAR_LEN);
    out[SCALAR_LEN - kept..].copy_from_slice(&input[..kept]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_inputs_are_left_padded_and_long_ones_truncated() {
        let mut expected = [0u8; 32];
        expected[31] = 7;
        assert_eq!(leftmost_bytes(&[7]), expected);
        assert_eq!(leftmost_bytes(&[]), [0u8; 32]);
        let long: Vec<u8> = (0..64).collect();
        assert_eq!(leftmost_bytes(&long).as_slice(), &long[..32]);
    }

    #[test]
    fn hash_length_mismatch_is_an_invalid_argument() {
        let sha384 = SignHash::Specific(Hash::Sha384);
        assert!(matches!(
            check_hash(sha384, &[0; 32]),
            Err(ProviderError::InvalidArgument(_))
        ));
        assert!(check_hash(sha384, &[0; 48]).is_ok());
        assert!(matches!(
            check_hash(SignHash::Specific(Hash::Sha3_256), &[0; 32]),
            Err(ProviderError::NotSupported(_))
        ));
        assert!(matches!(
            check_hash(SignHash::Any, &[0; 32]),
            Err(ProviderError::InvalidArgument(_))
        ));
    }
}
