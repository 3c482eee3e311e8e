//! SECP-R1 curves on a token: their `CKA_EC_PARAMS` (named-curve OIDs), points in PSA form
//! (`04 ‖ X ‖ Y`) and in `CKA_EC_POINT` form (the same wrapped in a DER OCTET STRING), and
//! the public point of an imported scalar, computed in process with aws-lc-rs.

use aws_lc_rs::agreement::{self, ECDH_P256, ECDH_P384, ECDH_P521};
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P384_SHA384_FIXED, ECDSA_P521_SHA512_FIXED, ParsedPublicKey,
};
use psc_provider_api::ProviderError;
use psc_psa::EccFamily;

/// A curve this provider puts on tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Curve {
    P256,
    P384,
    P521,
}

impl Curve {
    /// The curve of a SECP-R1 key of `bits` (0: to be read from `len`, the length of a
    /// scalar or, with `point`, of a public point).
    pub(crate) fn of(family: EccFamily, bits: u32) -> Option<Curve> {
        match (family, bits) {
            (EccFamily::SecpR1, 256) => Some(Curve::P256),
            (EccFamily::SecpR1, 384) => Some(Curve::P384),
            (EccFamily::SecpR1, 521) => Some(Curve::P521),
            _ => None,
        }
    }

    /// The curve whose scalars (or, with `point`, public points) are `len` bytes.
    pub(crate) fn by_len(family: EccFamily, len: usize, point: bool) -> Option<Curve> {
        [Curve::P256, Curve::P384, Curve::P521]
            .into_iter()
            .filter(|_| family == EccFamily::SecpR1)
            .find(|c| len == if point { c.point_len() } else { c.scalar_len() })
    }

    pub(crate) fn bits(self) -> u32 {
        match self {
            Curve::P256 => 256,
            Curve::P384 => 384,
            Curve::P521 => 521,
        }
    }

    pub(crate) fn scalar_len(self) -> usize {
        self.bits().div_ceil(8) as usize
    }

    pub(crate) fn point_len(self) -> usize {
        1 + 2 * self.scalar_len()
    }

    /// `CKA_EC_PARAMS`: the DER named-curve OID.
    pub(crate) fn params(self) -> Vec<u8> {
        match self {
            Curve::P256 => vec![0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
            Curve::P384 => vec![0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22],
            Curve::P521 => vec![0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23],
        }
    }

    /// Checks a PSA public key: uncompressed, of this curve's length, on the curve.
    pub(crate) fn check_point(self, point: &[u8]) -> Result<(), ProviderError> {
        let verification = match self {
            Curve::P256 => &ECDSA_P256_SHA256_FIXED,
            Curve::P384 => &ECDSA_P384_SHA384_FIXED,
            Curve::P521 => &ECDSA_P521_SHA512_FIXED,
        };
        if point.len() != self.point_len() || point.first() != Some(&0x04) {
            return Err(ProviderError::InvalidArgument(format!(
                "a {self:?} public key is {} bytes: 0x04 then X and Y",
                self.point_len()
            )));
        }
        ParsedPublicKey::new(verification, point)
            .map(drop)
            .map_err(|_| ProviderError::InvalidArgument(format!("the point is not on {self:?}")))
    }

    /// The public point of a private scalar (which must be in range).
    pub(crate) fn public_of(self, scalar: &[u8]) -> Result<Vec<u8>, ProviderError> {
        let algorithm = match self {
            Curve::P256 => &ECDH_P256,
            Curve::P384 => &ECDH_P384,
            Curve::P521 => &ECDH_P521,
        };
        let invalid = || ProviderError::InvalidArgument(format!("not a {self:?} private key"));
        if scalar.len() != self.scalar_len() {
            return Err(invalid());
        }
        let key =
            agreement::PrivateKey::from_private_key(algorithm, scalar).map_err(|_| invalid())?;
        let public = key.compute_public_key().map_err(|_| invalid())?;
        Ok(public.as_ref().to_vec())
    }
}

/// `CKA_EC_POINT` for a PSA point: a DER OCTET STRING around it.
pub(crate) fn wrap_point(point: &[u8]) -> Vec<u8> {
    let mut der = vec![0x04];
    match u8::try_from(point.len()) {
        Ok(len) if len < 0x80 => der.push(len),
        Ok(len) => der.extend_from_slice(&[0x81, len]),
        // No curve here has a point this long; its length byte pair covers 256..65535.
        Err(_) => {
            let len = u16::try_from(point.len()).unwrap_or(u16::MAX).to_be_bytes();
            der.extend_from_slice(&[0x82, len[0], len[1]]);
        }
    }
    der.extend_from_slice(point);
    der
}

/// The PSA point in a `CKA_EC_POINT` value. Tokens differ: most wrap it in DER (as the
/// standard says), some return it raw; both are accepted.
pub(crate) fn unwrap_point(curve: Curve, value: &[u8]) -> Result<Vec<u8>, ProviderError> {
    let len = curve.point_len();
    if value.len() == len && value[0] == 0x04 {
        return Ok(value.to_vec());
    }
    let header: &[u8] = if len < 0x80 {
        &[0x04, len as u8]
    } else {
        &[0x04, 0x81, len as u8]
    };
    match value.strip_prefix(header) {
        Some(point) if point.len() == len => Ok(point.to_vec()),
        _ => Err(ProviderError::Other(format!(
            "the token's CKA_EC_POINT is not a {curve:?} point"
        ))),
    }
}

/// Which curve a key's attributes name, or `NotSupported`.
pub(crate) fn curve_for(family: EccFamily, bits: u32) -> Result<Curve, ProviderError> {
    Curve::of(family, bits).ok_or_else(|| {
        ProviderError::NotSupported(format!(
            "the PKCS#11 provider has no {family:?} curve of {bits} bits"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_wrap_and_unwrap() {
        for curve in [Curve::P256, Curve::P384, Curve::P521] {
            let point: Vec<u8> = std::iter::once(4)
                .chain((1..curve.point_len()).map(|i| i as u8))
                .collect();
            let wrapped = wrap_point(&point);
            assert_eq!(unwrap_point(curve, &wrapped).unwrap(), point);
            assert_eq!(unwrap_point(curve, &point).unwrap(), point);
            assert!(unwrap_point(curve, &wrapped[..wrapped.len() - 1]).is_err());
        }
        assert_eq!(&wrap_point(&[4; 65])[..2], &[0x04, 0x41]);
        assert_eq!(&wrap_point(&[4; 133])[..3], &[0x04, 0x81, 0x85]);
    }
}
