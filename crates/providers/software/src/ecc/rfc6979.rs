//! ECDSA with RustCrypto arithmetic, for what aws-lc-rs cannot do: deterministic ECDSA
//! (RFC 6979), and P-521 over an input whose integer does not fit a SHA-512 digest.
//!
//! The nonce comes from RustCrypto's `rfc6979` crate: RFC 6979 §3.2 with the signature's
//! own hash as the HMAC, and no extra data for deterministic signatures; with 32 fresh
//! random bytes as the §3.6 extra data for randomized ones (a "hedged" nonce). The signing
//! equation `r = x(k·G) mod n, s = k⁻¹·(e + r·d) mod n` is written here rather than taken
//! from the `ecdsa` crate, because that crate normalizes secp256k1 signatures to low-S, which
//! RFC 6979 and PSA do not.
//!
//! Constant time: the nonce is multiplied by the generator through the curve crates'
//! precomputed base-point table, whose lookups select every entry (`subtle`), and inverted
//! with crypto-bigint's constant-time safegcd (`invert`, not `invert_vartime`); field and
//! scalar arithmetic use the crates' constant-time formulas. The crates state this as their
//! design goal, with the caveat that the generated assembly has not been assessed; k256 was
//! audited by NCC Group, p256/p384/p521 never were. The `rfc6979` crate's HMAC-DRBG does not
//! branch on secrets. Only the "k in range" and "r, s non-zero" checks branch, and they fail
//! with negligible probability. Zeroization: the key and nonce scalars and their encodings are
//! wiped; `rfc6979` 0.6 does not wipe its HMAC-DRBG state when dropped.

use aws_lc_rs::rand;
use k256::Secp256k1;
use k256::elliptic_curve::ff::{Field, PrimeField};
use k256::elliptic_curve::group::{Curve as _, Group};
use k256::elliptic_curve::ops::{Invert, Reduce};
use k256::elliptic_curve::point::AffineCoordinates;
use k256::elliptic_curve::{CurveArithmetic, FieldBytes, NonZeroScalar, ProjectivePoint, Scalar};
use p256::NistP256;
use p384::NistP384;
use p521::NistP521;
use p521::ecdsa::signature::hazmat::PrehashVerifier;
use psc_provider_api::ProviderError;
use psc_psa::Hash;
use rfc6979::KGenerator;
use rfc6979::hmac::digest::Digest;
use rfc6979::hmac::digest::block_api::BlockSizeUser;
use sha2::{Sha224, Sha256, Sha384, Sha512};
use zeroize::Zeroizing;

use super::Curve;

/// Candidate nonces tried before giving up. Each fails with probability about 2^-128 or less.
const MAX_NONCES: usize = 16;
/// Random bytes mixed into a hedged nonce (RFC 6979 §3.6 extra data).
const HEDGE_LEN: usize = 32;

/// The RFC 6979 deterministic signature `r ‖ s` of the hash `h1`, made with `hash`, where
/// `e` is the integer ECDSA signs (`h1` truncated to the order's bit length, `ceil(bits/8)`
/// bytes big-endian).
pub(crate) fn sign_deterministic(
    curve: Curve,
    hash: Hash,
    scalar: &[u8],
    h1: &[u8],
    e: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    match hash {
        Hash::Md5 => sign_on::<md5::Md5>(curve, scalar, h1, e, &[]),
        Hash::Ripemd160 => sign_on::<ripemd::Ripemd160>(curve, scalar, h1, e, &[]),
        Hash::Sha1 => sign_on::<sha1::Sha1>(curve, scalar, h1, e, &[]),
        Hash::Sha512_224 => sign_on::<sha2::Sha512_224>(curve, scalar, h1, e, &[]),
        Hash::Sha512_256 => sign_on::<sha2::Sha512_256>(curve, scalar, h1, e, &[]),
        Hash::Sha3_224 => sign_on::<sha3::Sha3_224>(curve, scalar, h1, e, &[]),
        Hash::Sha3_256 => sign_on::<sha3::Sha3_256>(curve, scalar, h1, e, &[]),
        Hash::Sha3_384 => sign_on::<sha3::Sha3_384>(curve, scalar, h1, e, &[]),
        Hash::Sha3_512 => sign_on::<sha3::Sha3_512>(curve, scalar, h1, e, &[]),
        Hash::Sha224 => sign_on::<Sha224>(curve, scalar, h1, e, &[]),
        Hash::Sha256 => sign_on::<Sha256>(curve, scalar, h1, e, &[]),
        Hash::Sha384 => sign_on::<Sha384>(curve, scalar, h1, e, &[]),
        Hash::Sha512 => sign_on::<Sha512>(curve, scalar, h1, e, &[]),
        other => Err(ProviderError::NotSupported(format!(
            "deterministic ECDSA with {other:?}"
        ))),
    }
}

/// A randomized signature `r ‖ s` of the integer `e`, with a hedged nonce.
pub(crate) fn sign_randomized(
    curve: Curve,
    scalar: &[u8],
    e: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    let mut hedge = Zeroizing::new([0u8; HEDGE_LEN]);
    rand::fill(&mut *hedge)
        .map_err(|_| ProviderError::Other("the random generator failed".into()))?;
    sign_on::<Sha512>(curve, scalar, e, e, &*hedge)
}

/// Verifies `r ‖ s` over the integer `e` on P-521 (`e` is 66 bytes, below 2^521).
pub(crate) fn verify_p521(point: &[u8], e: &[u8], signature: &[u8]) -> Result<(), ProviderError> {
    let key = p521::ecdsa::VerifyingKey::from_sec1_bytes(point)
        .map_err(|_| ProviderError::CorruptKey("the P-521 public key does not parse".into()))?;
    let signature = p521::ecdsa::Signature::from_slice(signature)
        .map_err(|_| ProviderError::InvalidSignature)?;
    // `e` already has its top 7 bits clear, so the crate's reduction keeps its value.
    key.verify_prehash(e, &signature)
        .map_err(|_| ProviderError::InvalidSignature)
}

fn sign_on<D: Digest + BlockSizeUser>(
    curve: Curve,
    scalar: &[u8],
    h: &[u8],
    e: &[u8],
    extra: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    match curve {
        Curve::P256 => sign::<NistP256, D>(scalar, h, e, extra),
        Curve::P384 => sign::<NistP384, D>(scalar, h, e, extra),
        Curve::P521 => sign::<NistP521, D>(scalar, h, e, extra),
        Curve::Secp256k1 => sign::<Secp256k1, D>(scalar, h, e, extra),
        Curve::X25519 | Curve::X448 => Err(ProviderError::InvalidArgument(
            "an X25519 or X448 key is for key agreement only, not ECDSA".into(),
        )),
        other => Err(ProviderError::NotSupported(format!(
            "deterministic ECDSA on {other:?}"
        ))),
    }
}

/// Signs the integer `e` with the nonce RFC 6979 derives from the key, `h` and `extra`.
fn sign<C: CurveArithmetic, D: Digest + BlockSizeUser>(
    scalar: &[u8],
    h: &[u8],
    e: &[u8],
    extra: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    let d = Zeroizing::new(secret_scalar::<C>(scalar)?);
    let e = FieldBytes::<C>::try_from(e)
        .map_err(|_| ProviderError::Other("the signed integer has the wrong length".into()))?;
    let e = <Scalar<C> as Reduce<FieldBytes<C>>>::reduce(&e);
    let order = C::ORDER;
    let x = Zeroizing::new(d.to_repr());
    let mut nonces = KGenerator::<D, C::Uint>::new(&x, h, extra, &order);
    for _ in 0..MAX_NONCES {
        let mut k = Zeroizing::new(FieldBytes::<C>::default());
        nonces.fill_next_k(&mut k);
        let Some(k) = NonZeroScalar::<C>::from_repr(*k)
            .into_option()
            .map(Zeroizing::new)
        else {
            continue;
        };
        if let Some(signature) = sign_with_nonce::<C>(&d, &k, &e) {
            return Ok(signature);
        }
    }
    Err(ProviderError::Other("no usable ECDSA nonce".into()))
}

/// `r = x(k·G) mod n`, `s = k⁻¹·(e + r·d) mod n`; `None` when r or s is zero.
fn sign_with_nonce<C: CurveArithmetic>(
    d: &NonZeroScalar<C>,
    k: &NonZeroScalar<C>,
    e: &Scalar<C>,
) -> Option<Vec<u8>> {
    let big_r = ProjectivePoint::<C>::mul_by_generator(k).to_affine();
    let r = <Scalar<C> as Reduce<FieldBytes<C>>>::reduce(&big_r.x());
    let s = *k.invert() * (*e + r * d.as_ref());
    if bool::from(r.is_zero() | s.is_zero()) {
        return None;
    }
    Some([r.to_repr().as_slice(), s.to_repr().as_slice()].concat())
}

/// A private scalar in PSA format: `ceil(bits/8)` bytes big-endian, `0 < d < n`.
fn secret_scalar<C: CurveArithmetic>(scalar: &[u8]) -> Result<NonZeroScalar<C>, ProviderError> {
    let invalid = || ProviderError::InvalidArgument("not a valid private key".into());
    let bytes = Zeroizing::new(FieldBytes::<C>::try_from(scalar).map_err(|_| invalid())?);
    NonZeroScalar::<C>::from_repr(*bytes)
        .into_option()
        .ok_or_else(invalid)
}
