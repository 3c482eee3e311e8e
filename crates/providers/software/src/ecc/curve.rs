//! The curves this provider implements, the sizes of their keys in PSA format, and how an
//! import's declared size and data length select one.

use psc_provider_api::ProviderError;
use psc_psa::EccFamily;

/// A curve the software provider implements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Curve {
    /// SECP_R1 256: NIST P-256 (secp256r1).
    P256,
    /// SECP_R1 384: NIST P-384 (secp384r1).
    P384,
    /// SECP_R1 521: NIST P-521 (secp521r1).
    P521,
    /// SECP_K1 256: secp256k1.
    Secp256k1,
    /// MONTGOMERY 255: Curve25519, used for X25519 key agreement only (RFC 7748).
    X25519,
    /// SECP_R1 192: NIST P-192 (OpenSSL).
    P192,
    /// SECP_R1 224: NIST P-224 (OpenSSL).
    P224,
    /// BRAINPOOL_P_R1 256: brainpoolP256r1 (RFC 5639; OpenSSL).
    BrainpoolP256,
    /// BRAINPOOL_P_R1 384: brainpoolP384r1 (OpenSSL).
    BrainpoolP384,
    /// BRAINPOOL_P_R1 512: brainpoolP512r1 (OpenSSL).
    BrainpoolP512,
    /// SECP_K1 192: secp192k1 (OpenSSL).
    Secp192k1,
    /// BRAINPOOL_P_R1 160: brainpoolP160r1 (deprecated; OpenSSL).
    BrainpoolP160,
    /// BRAINPOOL_P_R1 192: brainpoolP192r1 (OpenSSL).
    BrainpoolP192,
    /// BRAINPOOL_P_R1 224: brainpoolP224r1 (OpenSSL).
    BrainpoolP224,
    /// BRAINPOOL_P_R1 320: brainpoolP320r1 (OpenSSL).
    BrainpoolP320,
    /// MONTGOMERY 448: Curve448, X448 key agreement only (RFC 7748; OpenSSL, `ecc/x448.rs`).
    X448,
}

impl Curve {
    /// Every supported curve.
    pub(crate) const ALL: [Curve; 16] = [
        Curve::P256,
        Curve::P384,
        Curve::P521,
        Curve::Secp256k1,
        Curve::X25519,
        Curve::P192,
        Curve::P224,
        Curve::BrainpoolP256,
        Curve::BrainpoolP384,
        Curve::BrainpoolP512,
        Curve::Secp192k1,
        Curve::BrainpoolP160,
        Curve::BrainpoolP192,
        Curve::BrainpoolP224,
        Curve::BrainpoolP320,
        Curve::X448,
    ];

    /// The curve of this family and size, if supported.
    pub(crate) fn new(family: EccFamily, bits: u32) -> Option<Curve> {
        Curve::ALL
            .into_iter()
            .find(|curve| curve.family() == family && curve.bits() == bits)
    }

    /// The PSA curve family.
    pub(crate) fn family(self) -> EccFamily {
        match self {
            Curve::P192 | Curve::P224 | Curve::P256 | Curve::P384 | Curve::P521 => {
                EccFamily::SecpR1
            }
            Curve::BrainpoolP160
            | Curve::BrainpoolP192
            | Curve::BrainpoolP224
            | Curve::BrainpoolP256
            | Curve::BrainpoolP320
            | Curve::BrainpoolP384
            | Curve::BrainpoolP512 => EccFamily::BrainpoolPR1,
            Curve::Secp192k1 | Curve::Secp256k1 => EccFamily::SecpK1,
            Curve::X25519 | Curve::X448 => EccFamily::Montgomery,
        }
    }

    /// The PSA key size in bits. For the Weierstrass curves it is also the bit length of the
    /// group order, which ECDSA truncates its input to.
    pub(crate) fn bits(self) -> u32 {
        match self {
            Curve::BrainpoolP160 => 160,
            Curve::P192 | Curve::Secp192k1 | Curve::BrainpoolP192 => 192,
            Curve::P224 | Curve::BrainpoolP224 => 224,
            Curve::P256 | Curve::Secp256k1 | Curve::BrainpoolP256 => 256,
            Curve::BrainpoolP320 => 320,
            Curve::P384 | Curve::BrainpoolP384 => 384,
            Curve::X448 => 448,
            Curve::BrainpoolP512 => 512,
            Curve::P521 => 521,
            Curve::X25519 => 255,
        }
    }

    /// Whether OpenSSL runs this Weierstrass curve (`ecc/ossl.rs`), not aws-lc-rs.
    pub(crate) fn is_openssl(self) -> bool {
        matches!(
            self,
            Curve::P192
                | Curve::P224
                | Curve::Secp192k1
                | Curve::BrainpoolP160
                | Curve::BrainpoolP192
                | Curve::BrainpoolP224
                | Curve::BrainpoolP256
                | Curve::BrainpoolP320
                | Curve::BrainpoolP384
                | Curve::BrainpoolP512
        )
    }

    /// Whether this is a Montgomery curve (key agreement only, little-endian formats):
    /// X25519 or X448.
    pub(crate) fn is_montgomery(self) -> bool {
        self.family() == EccFamily::Montgomery
    }

    /// The length of a private key, a coordinate, a shared secret and one ECDSA signature
    /// half: `ceil(bits / 8)` bytes.
    pub(crate) fn scalar_len(self) -> usize {
        data_len(self.family(), self.bits(), false)
    }

    /// The length of a public key in PSA format.
    pub(crate) fn public_len(self) -> usize {
        data_len(self.family(), self.bits(), true)
    }
}

/// The PSA length of a key of this family and size, curve supported or not: a Weierstrass
/// private scalar or Montgomery key is `ceil(bits / 8)` bytes, a Weierstrass point
/// `0x04 ‖ X ‖ Y`.
fn data_len(family: EccFamily, bits: u32, public: bool) -> usize {
    let bytes = usize::try_from(bits.div_ceil(8)).unwrap_or(usize::MAX);
    if public && family != EccFamily::Montgomery {
        bytes.saturating_mul(2).saturating_add(1)
    } else {
        bytes
    }
}

/// The curve an import of `len` bytes names. `bits` may be 0: the size then comes from the
/// data. A family or a defined size this provider lacks is NotSupported; a size the family
/// does not define, or data whose length fits no curve (or contradicts `bits`), is
/// InvalidArgument.
pub(crate) fn for_import(
    family: EccFamily,
    bits: u32,
    len: usize,
    public: bool,
) -> Result<Curve, ProviderError> {
    if bits != 0 {
        // Data that contradicts the declared size is InvalidArgument before the curve is
        // looked for, as in the original (a P-256 point declared as 224 bits).
        if len != data_len(family, bits, public) {
            return Err(ProviderError::InvalidArgument(format!(
                "{family:?} {bits}-bit key data is {} bytes, not {len}",
                data_len(family, bits, public)
            )));
        }
        return Curve::new(family, bits).ok_or_else(|| undefined_or_unsupported(family, bits));
    }
    if let Some(curve) = Curve::ALL
        .into_iter()
        .find(|curve| curve.family() == family && data_len(family, curve.bits(), public) == len)
    {
        return Ok(curve);
    }
    let defined = family
        .curve_bits()
        .iter()
        .find(|bits| data_len(family, **bits, public) == len);
    match defined {
        Some(bits) => Err(unsupported(family, *bits)),
        None if !Curve::ALL.iter().any(|curve| curve.family() == family) => {
            Err(unsupported(family, bits))
        }
        None => Err(ProviderError::InvalidArgument(format!(
            "{len} bytes is the size of no {family:?} key"
        ))),
    }
}

/// The error for a size without a supported curve: NotSupported when the family defines it
/// (or the whole family is unsupported), InvalidArgument when it names no curve at all.
fn undefined_or_unsupported(family: EccFamily, bits: u32) -> ProviderError {
    let family_supported = Curve::ALL.iter().any(|curve| curve.family() == family);
    if family.curve_bits().contains(&bits) || !family_supported {
        unsupported(family, bits)
    } else {
        ProviderError::InvalidArgument(format!("{family:?} defines no {bits}-bit curve"))
    }
}

/// NotSupported for a curve this provider lacks.
pub(crate) fn unsupported(family: EccFamily, bits: u32) -> ProviderError {
    ProviderError::NotSupported(format!(
        "the software provider supports SECP_R1 192/224/256/384/521, SECP_K1 192/256, \
         BRAINPOOL_P_R1 160-512 and MONTGOMERY 255/448 elliptic-curve keys, not {family:?} with \
         {bits} bits"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_the_psa_formats() {
        let sizes: Vec<_> = Curve::ALL
            .into_iter()
            .map(|curve| (curve.scalar_len(), curve.public_len()))
            .collect();
        assert_eq!(
            sizes,
            [
                (32, 65),
                (48, 97),
                (66, 133),
                (32, 65),
                (32, 32),
                (24, 49),
                (28, 57),
                (32, 65),
                (48, 97),
                (64, 129),
                (24, 49),
                (20, 41),
                (24, 49),
                (28, 57),
                (40, 81),
                (56, 56)
            ]
        );
        for curve in Curve::ALL {
            assert_eq!(Curve::new(curve.family(), curve.bits()), Some(curve));
        }
        assert_eq!(Curve::new(EccFamily::SecpR1, 224), Some(Curve::P224));
        assert_eq!(
            Curve::new(EccFamily::BrainpoolPR1, 320),
            Some(Curve::BrainpoolP320)
        );
        assert_eq!(Curve::new(EccFamily::Montgomery, 448), Some(Curve::X448));
        assert_eq!(Curve::new(EccFamily::SecpK1, 225), None);
        assert_eq!(Curve::new(EccFamily::SectK1, 163), None);
    }

    #[test]
    fn imports_take_the_curve_from_the_data() -> Result<(), ProviderError> {
        let r1 = EccFamily::SecpR1;
        assert_eq!(for_import(r1, 0, 66, false)?, Curve::P521);
        assert_eq!(for_import(r1, 0, 97, true)?, Curve::P384);
        assert_eq!(for_import(r1, 384, 48, false)?, Curve::P384);
        assert_eq!(
            for_import(EccFamily::Montgomery, 0, 32, true)?,
            Curve::X25519
        );
        assert_eq!(
            for_import(EccFamily::SecpK1, 0, 32, false)?,
            Curve::Secp256k1
        );
        Ok(())
    }

    #[test]
    fn imports_refuse_unsupported_and_contradictory_sizes() {
        let not_supported = |result| matches!(result, Err(ProviderError::NotSupported(_)));
        let invalid = |result| matches!(result, Err(ProviderError::InvalidArgument(_)));
        let r1 = EccFamily::SecpR1;
        assert_eq!(for_import(r1, 0, 28, false).ok(), Some(Curve::P224));
        assert_eq!(for_import(r1, 224, 28, false).ok(), Some(Curve::P224));
        assert_eq!(
            for_import(EccFamily::SecpK1, 0, 24, false).ok(),
            Some(Curve::Secp192k1)
        );
        assert_eq!(
            for_import(EccFamily::Montgomery, 0, 56, false).ok(),
            Some(Curve::X448)
        );
        assert_eq!(
            for_import(EccFamily::BrainpoolPR1, 0, 40, false).ok(),
            Some(Curve::BrainpoolP320)
        );
        assert!(not_supported(for_import(EccFamily::SecpK1, 0, 29, false)));
        assert!(not_supported(for_import(EccFamily::SecpK1, 225, 29, false)));
        assert!(not_supported(for_import(EccFamily::SectK1, 0, 21, false)));
        assert!(not_supported(for_import(EccFamily::SecpR2, 160, 20, false)));
        assert!(invalid(for_import(r1, 0, 33, false)));
        assert!(invalid(for_import(r1, 256, 48, false)));
        assert!(
            invalid(for_import(r1, 224, 65, true)),
            "a P-256 point declared 224"
        );
        assert!(invalid(for_import(r1, 128, 32, false)));
        assert!(invalid(for_import(r1, 0, 0, true)));
    }
}
