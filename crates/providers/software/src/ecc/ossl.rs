//! The Weierstrass curves aws-lc-rs lacks, through OpenSSL 3: SECP-R1 192 and 224, SECP-K1
//! 192, Brainpool P-R1 160, 192, 224, 256, 320, 384 and 512. Randomized ECDSA (any hash: OpenSSL truncates the input to the order's bit
//! length as SEC1 does), and ECDH (the x-coordinate).
//!
//! OpenSSL multiplies scalars on these curves with its constant-time Montgomery ladder and
//! inverts the nonce in constant time. Deterministic ECDSA (RFC 6979) is not offered on them:
//! OpenSSL 3.0 has none, and no maintained constant-time crate covers the curves;
//! `NotSupported`, in CanDoCrypto too. A key pair is sealed as its private scalar in PSA
//! format (big-endian, `ceil(bits/8)` bytes), a public key as its uncompressed point.
//!
//! Memory: the `EC_KEY` built for each operation clears its private scalar when freed
//! (`EC_KEY_free`); the temporary `BIGNUM` the scalar is read into is freed by `BN_free`,
//! which does not wipe it (the `openssl` crate has no secure from-bytes constructor).

use openssl::bn::{BigNum, BigNumContext};
use openssl::derive::Deriver;
use openssl::ec::{EcGroup, EcKey, EcPoint, PointConversionForm};
use openssl::ecdsa::EcdsaSig;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private, Public};
use psc_provider_api::ProviderError;
use psc_psa::SecretBytes;
use zeroize::Zeroizing;

use super::Curve;

/// brainpoolP160r1, which the `openssl` crate does not name: OpenSSL's `NID_brainpoolP160r1`
/// (checked by the test below).
const BRAINPOOL_P160R1: Nid = Nid::from_raw(921);

/// OpenSSL's name of a curve this module serves.
fn nid(curve: Curve) -> Result<Nid, ProviderError> {
    match curve {
        Curve::P192 => Ok(Nid::X9_62_PRIME192V1),
        Curve::P224 => Ok(Nid::SECP224R1),
        Curve::BrainpoolP256 => Ok(Nid::BRAINPOOL_P256R1),
        Curve::BrainpoolP384 => Ok(Nid::BRAINPOOL_P384R1),
        Curve::BrainpoolP512 => Ok(Nid::BRAINPOOL_P512R1),
        Curve::Secp192k1 => Ok(Nid::SECP192K1),
        Curve::BrainpoolP160 => Ok(BRAINPOOL_P160R1),
        Curve::BrainpoolP192 => Ok(Nid::BRAINPOOL_P192R1),
        Curve::BrainpoolP224 => Ok(Nid::BRAINPOOL_P224R1),
        Curve::BrainpoolP320 => Ok(Nid::BRAINPOOL_P320R1),
        other => Err(ProviderError::Other(format!(
            "{other:?} is aws-lc-rs's, not OpenSSL's"
        ))),
    }
}

fn group(curve: Curve) -> Result<EcGroup, ProviderError> {
    EcGroup::from_curve_name(nid(curve)?).map_err(|_| failed("the curve"))
}

/// A new private scalar, sealed form.
pub(super) fn generate(curve: Curve) -> Result<SecretBytes, ProviderError> {
    let group = group(curve)?;
    let key = EcKey::generate(&group).map_err(|_| failed("key generation"))?;
    scalar_bytes(curve, &key)
}

/// Checks a private scalar in PSA format (`0 < d < n`, length already checked); answers the
/// sealed form.
pub(super) fn import_scalar(curve: Curve, scalar: &[u8]) -> Result<SecretBytes, ProviderError> {
    private_key(curve, scalar)?;
    Ok(SecretBytes::from(scalar))
}

/// The public point of a private scalar, in PSA format.
pub(super) fn public_point(curve: Curve, scalar: &[u8]) -> Result<Vec<u8>, ProviderError> {
    let key = private_key(curve, scalar)?;
    point_bytes(&group(curve)?, key.public_key())
}

/// Checks a public key in PSA format: an uncompressed point on the curve, not infinity.
pub(super) fn check_point(curve: Curve, data: &[u8]) -> Result<(), ProviderError> {
    public_key(curve, data).map(|_| ())
}

/// A randomized ECDSA signature `r ‖ s` of `input`.
pub(super) fn sign(curve: Curve, scalar: &[u8], input: &[u8]) -> Result<Vec<u8>, ProviderError> {
    let key = private_key(curve, scalar)?;
    let signature = EcdsaSig::sign(input, &key).map_err(|_| failed("ECDSA signing"))?;
    let len = i32::try_from(curve.scalar_len()).map_err(|_| failed("the curve size"))?;
    let r = signature.r().to_vec_padded(len).map_err(|_| failed("r"))?;
    let s = signature.s().to_vec_padded(len).map_err(|_| failed("s"))?;
    Ok([r, s].concat())
}

/// Verifies `r ‖ s` (length already checked) over `input` with a public point.
pub(super) fn verify(
    curve: Curve,
    public: &[u8],
    input: &[u8],
    signature: &[u8],
) -> Result<(), ProviderError> {
    let key = public_key(curve, public)
        .map_err(|_| ProviderError::CorruptKey("the public key does not parse".into()))?;
    let (r, s) = signature.split_at(signature.len() / 2);
    let invalid = |_| ProviderError::InvalidSignature;
    let signature = EcdsaSig::from_private_components(
        BigNum::from_slice(r).map_err(invalid)?,
        BigNum::from_slice(s).map_err(invalid)?,
    )
    .map_err(invalid)?;
    match signature.verify(input, &key) {
        Ok(true) => Ok(()),
        _ => Err(ProviderError::InvalidSignature),
    }
}

/// The ECDH shared secret (the x-coordinate) with a peer point in PSA format; a malformed
/// peer key or one off the curve is InvalidArgument.
pub(super) fn agree(
    curve: Curve,
    scalar: &[u8],
    peer: &[u8],
) -> Result<SecretBytes, ProviderError> {
    let ours = PKey::from_ec_key(private_key(curve, scalar)?).map_err(|_| failed("the key"))?;
    let theirs = PKey::from_ec_key(public_key(curve, peer)?).map_err(|_| failed("the peer"))?;
    let mut deriver = Deriver::new(&ours).map_err(|_| failed("ECDH"))?;
    deriver
        .set_peer(&theirs)
        .map_err(|_| ProviderError::InvalidArgument("the peer key does not fit".into()))?;
    let secret = Zeroizing::new(deriver.derive_to_vec().map_err(|_| failed("ECDH"))?);
    Ok(SecretBytes::from(secret.as_slice()))
}

fn private_key(curve: Curve, scalar: &[u8]) -> Result<EcKey<Private>, ProviderError> {
    let invalid = || {
        ProviderError::InvalidArgument(format!("not a {curve:?} private key: it must be 0 < d < n"))
    };
    let group = group(curve)?;
    let mut ctx = BigNumContext::new().map_err(|_| failed("a context"))?;
    let mut order = BigNum::new().map_err(|_| failed("a number"))?;
    group
        .order(&mut order, &mut ctx)
        .map_err(|_| failed("the order"))?;
    let mut d = BigNum::from_slice(scalar).map_err(|_| invalid())?;
    d.set_const_time();
    if d.num_bits() == 0 || d >= order {
        return Err(invalid());
    }
    let mut point = EcPoint::new(&group).map_err(|_| failed("a point"))?;
    point
        .mul_generator2(&group, &d, &mut ctx)
        .map_err(|_| failed("the public point"))?;
    EcKey::from_private_components(&group, &d, &point).map_err(|_| invalid())
}

fn public_key(curve: Curve, data: &[u8]) -> Result<EcKey<Public>, ProviderError> {
    let invalid = || {
        ProviderError::InvalidArgument(format!("not an uncompressed {curve:?} point on the curve"))
    };
    if data.len() != curve.public_len() || data.first() != Some(&0x04) {
        return Err(invalid());
    }
    let group = group(curve)?;
    let mut ctx = BigNumContext::new().map_err(|_| failed("a context"))?;
    let point = EcPoint::from_bytes(&group, data, &mut ctx).map_err(|_| invalid())?;
    let key = EcKey::from_public_key(&group, &point).map_err(|_| invalid())?;
    key.check_key().map_err(|_| invalid())?;
    Ok(key)
}

fn point_bytes(group: &EcGroup, point: &openssl::ec::EcPointRef) -> Result<Vec<u8>, ProviderError> {
    let mut ctx = BigNumContext::new().map_err(|_| failed("a context"))?;
    point
        .to_bytes(group, PointConversionForm::UNCOMPRESSED, &mut ctx)
        .map_err(|_| failed("the point"))
}

fn scalar_bytes(curve: Curve, key: &EcKey<Private>) -> Result<SecretBytes, ProviderError> {
    let len = i32::try_from(curve.scalar_len()).map_err(|_| failed("the curve size"))?;
    let bytes = Zeroizing::new(
        key.private_key()
            .to_vec_padded(len)
            .map_err(|_| failed("the scalar"))?,
    );
    Ok(SecretBytes::from(bytes.as_slice()))
}

fn failed(what: &str) -> ProviderError {
    ProviderError::Other(format!("OpenSSL failed: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_curve_has_its_openssl_group() -> Result<(), ProviderError> {
        assert_eq!(BRAINPOOL_P160R1.short_name().ok(), Some("brainpoolP160r1"));
        for curve in Curve::ALL.into_iter().filter(|curve| curve.is_openssl()) {
            let group = group(curve)?;
            assert_eq!(group.degree(), curve.bits(), "{curve:?}");
            let mut order = BigNum::new().map_err(|_| failed("a number"))?;
            let mut ctx = BigNumContext::new().map_err(|_| failed("a context"))?;
            group
                .order(&mut order, &mut ctx)
                .map_err(|_| failed("the order"))?;
            // The order fits the scalar's PSA length, so every private key has one form.
            assert!(order.num_bits() <= i32::try_from(curve.bits()).unwrap_or(0));
        }
        Ok(())
    }
}
