//! ECDSA over a hash the caller computed, on P-256, P-384, P-521 and secp256k1, with every
//! hash PSA names but MD2 and MD4 (randomized and deterministic).
//!
//! Every input is first reduced to the integer ECDSA actually signs: its leftmost
//! `bits(n)` bits (SEC1 v2 §4.1.3 step 5), as `ceil(bits(n)/8)` big-endian bytes. A longer
//! hash is truncated, a shorter one (or a short `EcdsaAny` input) keeps its integer value.
//! Any hash thus works with any curve, with the signature a library signing with that hash
//! would produce.
//!
//! Randomized signatures (`Ecdsa`, `EcdsaAny`) and all verification go through aws-lc-rs,
//! which takes the integer as a digest of its curve's hash (32 bytes for the 256-bit curves,
//! 48 for P-384, 64 for P-521). The one integer that does not fit, a P-521 `EcdsaAny` input
//! of 65 bytes or more whose value reaches 2^512, takes RustCrypto's P-521 instead
//! (`ecc/rfc6979.rs`), as do deterministic signatures (RFC 6979). Signatures are the
//! fixed-size PSA form `r ‖ s`, `ceil(bits/8)` bytes each.

use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::signature::UnparsedPublicKey;
use psc_provider_api::ProviderError;
use psc_psa::{AsymmetricSignature, Hash, SignHash};

use crate::ecc::{Curve, EccKey, ecdsa_algorithms, rfc6979};

/// The hashes ECDSA takes here, randomized and deterministic: every one PSA names but MD2
/// and MD4 (PSA allows any hash with ECDSA; the original's Mbed TLS has these).
const HASHES: [Hash; 13] = [
    Hash::Md5,
    Hash::Ripemd160,
    Hash::Sha1,
    Hash::Sha224,
    Hash::Sha256,
    Hash::Sha384,
    Hash::Sha512,
    Hash::Sha512_224,
    Hash::Sha512_256,
    Hash::Sha3_224,
    Hash::Sha3_256,
    Hash::Sha3_384,
    Hash::Sha3_512,
];

/// Signs `input` with `alg`. A public key or a Montgomery key cannot sign: InvalidArgument.
pub(crate) fn sign(
    key: &EccKey,
    alg: AsymmetricSignature,
    input: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    let curve = key.curve();
    let hash = check_input(alg, input)?;
    if curve.is_openssl() {
        if let AsymmetricSignature::DeterministicEcdsa { .. } = alg {
            return Err(ProviderError::NotSupported(format!(
                "deterministic ECDSA on {curve:?}: OpenSSL 3.0 has none"
            )));
        }
        return crate::ecc::openssl_sign(key, input);
    }
    let pair = key.ecdsa_pair()?;
    let e = signed_integer(curve, input);
    if let (AsymmetricSignature::DeterministicEcdsa { .. }, Some(hash)) = (alg, hash) {
        let scalar = key.private_key()?;
        return rfc6979::sign_deterministic(curve, hash, &scalar, input, &e);
    }
    match aws_digest(curve, &e)? {
        Some(digest) => pair
            .sign_digest(&digest)
            .map(|signature| signature.as_ref().to_vec())
            .map_err(|_| ProviderError::Other(format!("ECDSA {curve:?} signing failed"))),
        None => rfc6979::sign_randomized(curve, &key.private_key()?, &e),
    }
}

/// Verifies `signature` over `input`. Deterministic and randomized ECDSA verify alike; a
/// signature of the wrong length is InvalidSignature.
pub(crate) fn verify(
    key: &EccKey,
    alg: AsymmetricSignature,
    input: &[u8],
    signature: &[u8],
) -> Result<(), ProviderError> {
    let curve = key.curve();
    check_input(alg, input)?;
    if curve.is_openssl() && matches!(alg, AsymmetricSignature::DeterministicEcdsa { .. }) {
        return Err(ProviderError::NotSupported(format!(
            "deterministic ECDSA on {curve:?}: OpenSSL 3.0 has none"
        )));
    }
    if signature.len() != 2 * curve.scalar_len() {
        return Err(ProviderError::InvalidSignature);
    }
    if curve.is_openssl() {
        return crate::ecc::openssl_verify(key, input, signature);
    }
    let (_, verification) = ecdsa_algorithms(curve)?;
    let e = signed_integer(curve, input);
    match aws_digest(curve, &e)? {
        Some(digest) => UnparsedPublicKey::new(verification, key.public_point())
            .verify_digest(&digest, signature)
            .map_err(|_| ProviderError::InvalidSignature),
        None => rfc6979::verify_p521(key.public_point(), &e, signature),
    }
}

/// Whether `alg` is an ECDSA algorithm implemented here; a policy's wildcard hash counts,
/// since operations then name one of the hashes.
pub(crate) fn supports(alg: AsymmetricSignature) -> bool {
    match alg {
        AsymmetricSignature::Ecdsa { hash } | AsymmetricSignature::DeterministicEcdsa { hash } => {
            hash.specific().is_none_or(|hash| HASHES.contains(&hash))
        }
        AsymmetricSignature::EcdsaAny => true,
        _ => false,
    }
}

/// Checks the algorithm and the input's length against its hash; answers the hash.
fn check_input(alg: AsymmetricSignature, input: &[u8]) -> Result<Option<Hash>, ProviderError> {
    match alg {
        AsymmetricSignature::Ecdsa { hash } | AsymmetricSignature::DeterministicEcdsa { hash } => {
            check_hash(hash, input).map(Some)
        }
        AsymmetricSignature::EcdsaAny => Ok(None),
        other => Err(ProviderError::InvalidArgument(format!(
            "{other:?} is not an ECDSA algorithm"
        ))),
    }
}

/// The hashes supported, and the input's length against the hash's.
fn check_hash(hash: SignHash, input: &[u8]) -> Result<Hash, ProviderError> {
    let hash = match hash {
        SignHash::Specific(hash) if HASHES.contains(&hash) => hash,
        SignHash::Specific(other) => {
            return Err(ProviderError::NotSupported(format!(
                "ECDSA with {other:?}: the software provider supports every hash but MD2 and MD4"
            )));
        }
        SignHash::Any => {
            return Err(ProviderError::InvalidArgument(
                "the any-hash wildcard belongs in a policy, not in an operation".into(),
            ));
        }
    };
    if input.len() == hash.digest_len() {
        Ok(hash)
    } else {
        Err(ProviderError::InvalidArgument(format!(
            "a {hash:?} hash is {} bytes, not {}",
            hash.digest_len(),
            input.len()
        )))
    }
}

/// The integer ECDSA signs: the leftmost `bits` bits of `input` (all of it when shorter),
/// as `ceil(bits/8)` big-endian bytes.
fn signed_integer(curve: Curve, input: &[u8]) -> Vec<u8> {
    let len = curve.scalar_len();
    let mut out = vec![0u8; len];
    let bits = usize::try_from(curve.bits()).unwrap_or(usize::MAX);
    if input.len().saturating_mul(8) <= bits {
        out[len - input.len()..].copy_from_slice(input);
        return out;
    }
    // Longer than the order: keep `len` bytes, then drop the bits past `bits` (P-521: 7).
    out.copy_from_slice(&input[..len]);
    let shift = len * 8 - bits;
    if shift > 0 {
        for i in (0..len).rev() {
            let carry = if i > 0 { out[i - 1] << (8 - shift) } else { 0 };
            out[i] = (out[i] >> shift) | carry;
        }
    }
    out
}

/// The integer as the aws-lc-rs digest of the curve's hash, or `None` when it does not fit
/// (P-521, value at least 2^512).
fn aws_digest(curve: Curve, e: &[u8]) -> Result<Option<Digest>, ProviderError> {
    let algorithm = match curve {
        Curve::P256 | Curve::Secp256k1 => &digest::SHA256,
        Curve::P384 => &digest::SHA384,
        Curve::P521 => &digest::SHA512,
        Curve::X25519 | Curve::X448 => return Err(no_ecdsa()),
        other => {
            return Err(ProviderError::Other(format!(
                "{other:?} is OpenSSL's, not aws-lc-rs's"
            )));
        }
    };
    let (high, low) = e.split_at(e.len().saturating_sub(algorithm.output_len()));
    if high.iter().any(|byte| *byte != 0) {
        return Ok(None);
    }
    Digest::import_less_safe(low, algorithm)
        .map(Some)
        .map_err(|_| ProviderError::Other("cannot import the digest".into()))
}

fn no_ecdsa() -> ProviderError {
    ProviderError::InvalidArgument(
        "an X25519 or X448 key is for key agreement only, not ECDSA".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_inputs_keep_their_value_and_long_ones_are_truncated() {
        let mut expected = [0u8; 32];
        expected[31] = 7;
        assert_eq!(signed_integer(Curve::P256, &[7]), expected);
        assert_eq!(signed_integer(Curve::P256, &[]), [0u8; 32]);
        let long: Vec<u8> = (0..64).collect();
        assert_eq!(signed_integer(Curve::P256, &long), &long[..32]);
        assert_eq!(signed_integer(Curve::P384, &long), &long[..48]);
        assert_eq!(signed_integer(Curve::P521, &long)[2..], long);
    }

    #[test]
    fn p521_keeps_the_leftmost_521_bits() {
        // 66 bytes of 0xff: 528 bits, of which the leftmost 521 are kept.
        let e = signed_integer(Curve::P521, &[0xff; 66]);
        assert_eq!(e[0], 0x01);
        assert!(e[1..].iter().all(|byte| *byte == 0xff));
        // 0x80 followed by zeros: the top bit lands at bit 520.
        let mut input = vec![0u8; 80];
        input[0] = 0x80;
        input[65] = 0xff; // Past the first 66 bytes' last 7 bits: dropped.
        let e = signed_integer(Curve::P521, &input);
        assert_eq!(e[0], 0x01);
        assert_eq!(e[65], 0x01);
        assert!(e[1..65].iter().all(|byte| *byte == 0));
        // 65 bytes is 520 bits: kept whole.
        let e = signed_integer(Curve::P521, &[0xab; 65]);
        assert_eq!((e[0], e[1], e[65]), (0, 0xab, 0xab));
    }

    #[test]
    fn wide_p521_integers_do_not_fit_a_sha512_digest() -> Result<(), ProviderError> {
        assert!(aws_digest(Curve::P521, &signed_integer(Curve::P521, &[1; 64]))?.is_some());
        assert!(aws_digest(Curve::P521, &signed_integer(Curve::P521, &[1; 65]))?.is_none());
        assert!(aws_digest(Curve::P256, &[0xff; 32])?.is_some());
        Ok(())
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
            check_hash(SignHash::Specific(Hash::Md4), &[0; 16]),
            Err(ProviderError::NotSupported(_))
        ));
        assert!(matches!(
            check_hash(SignHash::Any, &[0; 32]),
            Err(ProviderError::InvalidArgument(_))
        ));
    }
}
