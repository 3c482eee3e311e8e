//! RSA keys between their PSA forms (PKCS#1 DER `RSAPublicKey`, `RSAPrivateKey`) and a
//! token's attributes, and the DigestInfo a PKCS#1 v1.5 signature wraps the hash in.

use pkcs1::der::{Decode, Encode};
use pkcs1::{RsaPrivateKey, RsaPublicKey, UintRef};
use psc_provider_api::ProviderError;
use psc_psa::{Hash, SecretBytes};
use zeroize::Zeroizing;

/// An RSA public key's two numbers, big-endian.
pub(crate) struct PublicParts {
    pub(crate) modulus: Vec<u8>,
    pub(crate) exponent: Vec<u8>,
}

/// An RSA private key's numbers, big-endian (wiped on drop).
pub(crate) struct PrivateParts {
    pub(crate) public: PublicParts,
    pub(crate) private_exponent: Zeroizing<Vec<u8>>,
    pub(crate) prime1: Zeroizing<Vec<u8>>,
    pub(crate) prime2: Zeroizing<Vec<u8>>,
    pub(crate) exponent1: Zeroizing<Vec<u8>>,
    pub(crate) exponent2: Zeroizing<Vec<u8>>,
    pub(crate) coefficient: Zeroizing<Vec<u8>>,
}

fn invalid(what: &str) -> ProviderError {
    ProviderError::InvalidArgument(format!("not a DER {what}"))
}

/// The size in bits of a big-endian magnitude.
pub(crate) fn bits_of(magnitude: &[u8]) -> u32 {
    let magnitude = match magnitude.iter().position(|b| *b != 0) {
        Some(start) => &magnitude[start..],
        None => return 0,
    };
    let len = u32::try_from(magnitude.len()).unwrap_or(u32::MAX / 8);
    len * 8 - magnitude[0].leading_zeros()
}

/// Parses a PSA RSA public key.
pub(crate) fn parse_public(der: &[u8]) -> Result<PublicParts, ProviderError> {
    let key = RsaPublicKey::<UintRef<'_>>::from_der(der).map_err(|_| invalid("RSAPublicKey"))?;
    Ok(PublicParts {
        modulus: key.modulus.as_bytes().to_vec(),
        exponent: key.public_exponent.as_bytes().to_vec(),
    })
}

/// Parses a PSA RSA key pair (two primes only).
pub(crate) fn parse_private(der: &[u8]) -> Result<PrivateParts, ProviderError> {
    let key = RsaPrivateKey::<UintRef<'_>>::from_der(der).map_err(|_| invalid("RSAPrivateKey"))?;
    if key.other_prime_infos.is_some() {
        return Err(ProviderError::NotSupported("multi-prime RSA keys".into()));
    }
    let secret = |n: UintRef<'_>| Zeroizing::new(n.as_bytes().to_vec());
    Ok(PrivateParts {
        public: PublicParts {
            modulus: key.modulus.as_bytes().to_vec(),
            exponent: key.public_exponent.as_bytes().to_vec(),
        },
        private_exponent: secret(key.private_exponent),
        prime1: secret(key.prime1),
        prime2: secret(key.prime2),
        exponent1: secret(key.exponent1),
        exponent2: secret(key.exponent2),
        coefficient: secret(key.coefficient),
    })
}

fn uint(bytes: &[u8]) -> Result<UintRef<'_>, ProviderError> {
    UintRef::new(bytes).map_err(|_| ProviderError::Other("an RSA number does not encode".into()))
}

/// The PSA form of a public key.
pub(crate) fn encode_public(parts: &PublicParts) -> Result<Vec<u8>, ProviderError> {
    RsaPublicKey {
        modulus: uint(&parts.modulus)?,
        public_exponent: uint(&parts.exponent)?,
    }
    .to_der()
    .map_err(|_| ProviderError::Other("the RSA public key does not encode".into()))
}

/// The PSA form of a key pair.
pub(crate) fn encode_private(parts: &PrivateParts) -> Result<SecretBytes, ProviderError> {
    RsaPrivateKey {
        modulus: uint(&parts.public.modulus)?,
        public_exponent: uint(&parts.public.exponent)?,
        private_exponent: uint(&parts.private_exponent)?,
        prime1: uint(&parts.prime1)?,
        prime2: uint(&parts.prime2)?,
        exponent1: uint(&parts.exponent1)?,
        exponent2: uint(&parts.exponent2)?,
        coefficient: uint(&parts.coefficient)?,
        other_prime_infos: None,
    }
    .to_der()
    .map(SecretBytes::new)
    .map_err(|_| ProviderError::Other("the RSA private key does not encode".into()))
}

/// The DER `DigestInfo` prefix for `hash` (RFC 8017 §9.2 note 1), for the hashes PKCS#1
/// v1.5 signatures are made with here.
pub(crate) fn digest_info_prefix(hash: Hash) -> Option<&'static [u8]> {
    Some(match hash {
        Hash::Sha1 => &[
            0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
            0x14,
        ],
        Hash::Sha224 => &[
            0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x04, 0x05, 0x00, 0x04, 0x1c,
        ],
        Hash::Sha256 => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ],
        Hash::Sha384 => &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x02, 0x05, 0x00, 0x04, 0x30,
        ],
        Hash::Sha512 => &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x03, 0x05, 0x00, 0x04, 0x40,
        ],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_info_prefixes_announce_the_hash_length() {
        for hash in [
            Hash::Sha1,
            Hash::Sha224,
            Hash::Sha256,
            Hash::Sha384,
            Hash::Sha512,
        ] {
            let prefix = digest_info_prefix(hash).unwrap();
            assert_eq!(usize::from(prefix[prefix.len() - 1]), hash.digest_len());
            assert_eq!(usize::from(prefix[1]) + 2, prefix.len() + hash.digest_len());
        }
    }

    #[test]
    fn sizes_ignore_leading_zeros() {
        assert_eq!(bits_of(&[0, 0x80, 0]), 16);
        assert_eq!(bits_of(&[0x01, 0]), 9);
        assert_eq!(bits_of(&[]), 0);
    }
}
