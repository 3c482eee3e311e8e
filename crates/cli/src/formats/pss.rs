//! RSA-PSS requests and certificates, which rcgen cannot sign: rcgen writes them for
//! `sha256WithRSAEncryption` with an empty signature, then the signature algorithm is
//! replaced by RSASSA-PSS (RFC 4055) and the signed part is signed again by the service.
//!
//! Both structures are `SEQUENCE { signed part, AlgorithmIdentifier, BIT STRING }`; in a
//! certificate the signed part repeats the AlgorithmIdentifier as its third field, so it is
//! replaced there too before signing.

use psc_client::psa::Hash;
use spki::der::asn1::{AnyRef, BitStringRef};
use spki::der::{Decode, Encode};
use spki::{AlgorithmIdentifier, AlgorithmIdentifierRef, ObjectIdentifier};

use super::FormatError;
use crate::error::Error;

/// id-RSASSA-PSS (RFC 4055).
const RSASSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
/// id-mgf1 (RFC 4055).
const MGF1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.8");
/// sha256WithRSAEncryption: what rcgen writes before the replacement.
const CARRIER: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
/// The index of the signature AlgorithmIdentifier in a TBSCertificate (after the version and
/// the serial number).
const TBS_SIGNATURE_FIELD: usize = 2;

/// What rcgen wrote.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Signed {
    /// A PKCS#10 request: the signed part has no algorithm inside.
    Request,
    /// A certificate: the signed part names its algorithm.
    Certificate,
}

/// The DER of the RSASSA-PSS AlgorithmIdentifier for `hash`, with MGF1 over the same hash
/// and a salt as long as the digest (the PSA definition of PSS).
///
/// # Errors
/// [`FormatError::Pss`] for a hash X.509 has no PSS parameters for here.
pub(crate) fn algorithm_identifier(hash: Hash) -> Result<Vec<u8>, Error> {
    let oid = match hash {
        Hash::Sha256 => "2.16.840.1.101.3.4.2.1",
        Hash::Sha384 => "2.16.840.1.101.3.4.2.2",
        Hash::Sha512 => "2.16.840.1.101.3.4.2.3",
        _ => return Err(FormatError::Pss("a PSS key hashing with other than SHA-2").into()),
    };
    let digest = AlgorithmIdentifierRef {
        oid: ObjectIdentifier::new(oid).map_err(|e| Error::Encoding(e.into()))?,
        parameters: Some(AnyRef::NULL),
    };
    let params = pkcs1::RsaPssParams {
        hash: digest,
        mask_gen: AlgorithmIdentifier {
            oid: MGF1,
            parameters: Some(digest),
        },
        salt_len: u8::try_from(hash.digest_len()).unwrap_or(u8::MAX),
        trailer_field: pkcs1::TrailerField::default(),
    };
    AlgorithmIdentifier {
        oid: RSASSA_PSS,
        parameters: Some(params),
    }
    .to_der()
    .map_err(Error::Encoding)
}

/// Replaces the signature algorithm of `der` (as rcgen wrote it) by `algorithm` and signs
/// its signed part again with `sign`.
///
/// # Errors
/// [`Error::Encoding`] when `der` does not have the shape rcgen writes; `sign`'s error.
pub(crate) fn resign(
    der: &[u8],
    kind: Signed,
    algorithm: &[u8],
    sign: impl FnOnce(&[u8]) -> Result<Vec<u8>, Error>,
) -> Result<Vec<u8>, Error> {
    let encoding = Error::Encoding;
    let outer = Vec::<AnyRef<'_>>::from_der(der).map_err(encoding)?;
    let [signed, old_algorithm, _signature] = outer.as_slice() else {
        return Err(FormatError::Pss("rcgen wrote a structure of another shape").into());
    };
    check_carrier(old_algorithm)?;
    let algorithm = AnyRef::from_der(algorithm).map_err(encoding)?;
    let signed = match kind {
        Signed::Request => signed.to_der().map_err(encoding)?,
        Signed::Certificate => {
            let mut fields = signed.decode_as::<Vec<AnyRef<'_>>>().map_err(encoding)?;
            let field =
                fields
                    .get_mut(TBS_SIGNATURE_FIELD)
                    .ok_or(Error::Format(FormatError::Pss(
                        "rcgen wrote a certificate without a signature field",
                    )))?;
            check_carrier(field)?;
            *field = algorithm;
            fields.to_der().map_err(encoding)?
        }
    };
    let signature = sign(&signed)?;
    let signature = BitStringRef::from_bytes(&signature)
        .and_then(|bits| bits.to_der())
        .map_err(encoding)?;
    let fields = [&signed, &signature].map(|field| AnyRef::from_der(field));
    let [Ok(signed), Ok(signature)] = fields else {
        return Err(FormatError::Pss("a re-encoded field does not decode").into());
    };
    vec![signed, algorithm, signature]
        .to_der()
        .map_err(encoding)
}

/// Checks that rcgen wrote the algorithm being replaced, so nothing else is overwritten.
fn check_carrier(field: &AnyRef<'_>) -> Result<(), Error> {
    let algorithm = field
        .decode_as::<AlgorithmIdentifierRef<'_>>()
        .map_err(Error::Encoding)?;
    if algorithm.oid != CARRIER {
        return Err(FormatError::Pss("rcgen wrote another signature algorithm").into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pss_sha256_identifier_is_the_one_openssl_writes() -> Result<(), Error> {
        // SEQUENCE { id-RSASSA-PSS, SEQUENCE { [0] sha256, [1] mgf1(sha256), [2] 32 } }
        let expected = [
            "3041",
            "06092a864886f70d01010a",
            "3034",
            "a00f300d0609608648016503040201",
            "0500",
            "a11c301a06092a864886f70d010108",
            "300d0609608648016503040201",
            "0500",
            "a203020120",
        ]
        .concat();
        let der = algorithm_identifier(Hash::Sha256)?;
        let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, expected);
        Ok(())
    }

    #[test]
    fn only_what_rcgen_writes_is_rewritten() -> Result<(), Error> {
        let algorithm = algorithm_identifier(Hash::Sha256)?;
        // A request signed with the PSS identifier already: not rcgen's carrier.
        let info = [0x30, 0x00];
        let fields = [&info[..], &algorithm, &[0x03, 0x01, 0x00]]
            .map(|field| AnyRef::from_der(field).map_err(Error::Encoding));
        let [Ok(info), Ok(alg), Ok(bits)] = fields else {
            return Err(FormatError::Pss("test fixture").into());
        };
        let der = vec![info, alg, bits].to_der().map_err(Error::Encoding)?;
        let result = resign(&der, Signed::Request, &algorithm, |_| Ok(vec![1]));
        assert!(matches!(result, Err(Error::Format(FormatError::Pss(_)))));
        Ok(())
    }
}
