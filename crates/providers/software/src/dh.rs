//! Finite-field Diffie-Hellman over the RFC 7919 groups (ffdhe2048, 3072, 4096, 6144, 8192),
//! through OpenSSL 3: key pairs generated and imported, public keys imported, and the raw
//! agreement (PSA `FFDH`).
//!
//! PSA formats, every number big-endian and exactly as long as the group's prime
//! (`bits / 8` bytes): a key pair is its private exponent `x`, a public key `y = g^x mod p`,
//! and the shared secret `peer_y^x mod p` with its leading zeros kept. The sealed form is the
//! same bytes. An imported `x` must satisfy `1 < x < p − 1`, a public key or a peer key
//! `1 < y < p − 1`; anything else is InvalidArgument. The key size in bits names the group;
//! an import with 0 bits takes it from the data's length, and data of a length that is no
//! group's is NotSupported (as Mbed TLS answers).
//!
//! The group parameters are the RFC's published primes with generator 2, stored as the
//! `DH PARAMETERS` PEM files beside this module (written by `openssl genpkey -genparam
//! -algorithm DH -pkeyopt group:ffdheN`; OpenSSL recognises them as its named groups, so a
//! generated exponent has the group's recommended length, 225 bits for ffdhe2048). OpenSSL
//! exponentiates with the private exponent in constant time (`BN_FLG_CONSTTIME`), and checks
//! a peer key before agreeing. Memory: as for the OpenSSL curves (`ecc/ossl.rs`), the `DH`
//! object clears its exponent when freed; the temporary `BIGNUM`s are not wiped.

use openssl::bn::{BigNum, BigNumRef};
use openssl::derive::Deriver;
use openssl::dh::Dh;
use openssl::pkey::{PKey, Params, Private, Public};
use psc_provider_api::ProviderError;
use psc_psa::{Algorithm, Attributes, KeyAgreement, KeyType, RawKeyAgreement, SecretBytes};
use zeroize::Zeroizing;

/// The group sizes served, in bits: every RFC 7919 group.
pub(crate) const GROUP_BITS: [u32; 5] = [2048, 3072, 4096, 6144, 8192];

/// The parameters of the RFC 7919 group of `bits`.
fn group(bits: u32) -> Result<Dh<Params>, ProviderError> {
    let pem: &[u8] = match bits {
        2048 => include_bytes!("dh/ffdhe2048.pem"),
        3072 => include_bytes!("dh/ffdhe3072.pem"),
        4096 => include_bytes!("dh/ffdhe4096.pem"),
        6144 => include_bytes!("dh/ffdhe6144.pem"),
        8192 => include_bytes!("dh/ffdhe8192.pem"),
        other => return Err(unsupported(other)),
    };
    Dh::params_from_pem(pem).map_err(|_| failed("the group parameters"))
}

/// The group of an import of `len` bytes declared as `bits` (0: from the data). As in
/// Mbed TLS: data whose length is no group's is NotSupported, then data that contradicts a
/// declared size is InvalidArgument.
fn import_bits(bits: u32, len: usize) -> Result<u32, ProviderError> {
    let from_data = u32::try_from(len)
        .ok()
        .and_then(|len| len.checked_mul(8))
        .unwrap_or(0);
    if !GROUP_BITS.contains(&from_data) {
        return Err(unsupported(from_data));
    }
    if bits != 0 && bits != from_data {
        return Err(ProviderError::InvalidArgument(format!(
            "Diffie-Hellman key data of {len} bytes does not fit {bits} bits"
        )));
    }
    Ok(from_data)
}

/// A new private exponent for the group of `bits`, sealed form.
pub(crate) fn generate(bits: u32) -> Result<SecretBytes, ProviderError> {
    let pair = group(bits)?
        .generate_key()
        .map_err(|_| failed("key generation"))?;
    padded_secret(pair.private_key(), bits)
}

/// Imports a private exponent; answers the sealed form and the group size.
pub(crate) fn import_pair(bits: u32, data: &[u8]) -> Result<(SecretBytes, u32), ProviderError> {
    let bits = import_bits(bits, data.len())?;
    private_key(bits, data)?;
    Ok((SecretBytes::from(data), bits))
}

/// Imports a public value; answers the sealed form and the group size.
pub(crate) fn import_public(bits: u32, data: &[u8]) -> Result<(SecretBytes, u32), ProviderError> {
    let bits = import_bits(bits, data.len())?;
    public_key(bits, data)?;
    Ok((SecretBytes::from(data), bits))
}

/// The public value of a sealed key: computed from a key pair's exponent, or the public
/// key itself.
pub(crate) fn export_public(
    attributes: &Attributes,
    material: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    match attributes.key_type {
        KeyType::DhKeyPair { .. } => {
            let pair = private_key(attributes.bits, material).map_err(corrupt)?;
            padded(pair.public_key(), attributes.bits)
        }
        _ => Ok(material.to_vec()),
    }
}

/// The raw FFDH shared secret of a key pair (its sealed exponent) and a peer public value.
pub(crate) fn agree(
    attributes: &Attributes,
    material: &[u8],
    peer: &[u8],
) -> Result<SecretBytes, ProviderError> {
    match attributes.key_type {
        KeyType::DhKeyPair { .. } => {}
        KeyType::DhPublicKey { .. } => {
            return Err(ProviderError::InvalidArgument(
                "key agreement needs a key pair, not a public key".into(),
            ));
        }
        other => {
            return Err(ProviderError::InvalidArgument(format!(
                "FFDH needs a Diffie-Hellman key pair, not a {other:?} key"
            )));
        }
    }
    let bits = attributes.bits;
    let ours = PKey::from_dh(private_key(bits, material).map_err(corrupt)?)
        .map_err(|_| failed("the key"))?;
    let theirs = PKey::from_dh(public_key(bits, peer)?).map_err(|_| failed("the peer key"))?;
    let mut deriver = Deriver::new(&ours).map_err(|_| failed("FFDH"))?;
    deriver
        .set_peer(&theirs)
        .map_err(|_| ProviderError::InvalidArgument("the peer key does not fit".into()))?;
    let secret = Zeroizing::new(deriver.derive_to_vec().map_err(|_| failed("FFDH"))?);
    // OpenSSL drops the secret's leading zeros; PSA keeps them.
    let len = byte_len(bits);
    let mut out = SecretBytes::new(vec![0; len]);
    let start = len
        .checked_sub(secret.len())
        .ok_or_else(|| failed("FFDH"))?;
    out.as_mut_bytes()[start..].copy_from_slice(&secret);
    Ok(out)
}

/// Whether DH keys of this type and size can be created (size 0: any group).
pub(crate) fn supports_key(bits: u32) -> bool {
    bits == 0 || GROUP_BITS.contains(&bits)
}

/// Whether a DH key like `attributes` can run `alg`: raw FFDH, with a key pair.
pub(crate) fn supports_alg(attributes: &Attributes, alg: Algorithm) -> bool {
    supports_key(attributes.bits)
        && matches!(attributes.key_type, KeyType::DhKeyPair { .. })
        && alg == Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ffdh))
}

/// The group's prime `p` less one: both `x` and `y` must lie strictly between 1 and it.
fn p_minus_one(params: &Dh<Params>) -> Result<BigNum, ProviderError> {
    let mut bound = params
        .prime_p()
        .to_owned()
        .map_err(|_| failed("a number"))?;
    bound.sub_word(1).map_err(|_| failed("the group's bound"))?;
    Ok(bound)
}

/// Checks `1 < value < p − 1` for a number of the group's length.
fn in_range(bits: u32, data: &[u8], what: &str) -> Result<(Dh<Params>, BigNum), ProviderError> {
    let invalid = || {
        ProviderError::InvalidArgument(format!(
            "not a {bits}-bit Diffie-Hellman {what}: it must be {} bytes and 1 < value < p - 1",
            byte_len(bits)
        ))
    };
    if data.len() != byte_len(bits) {
        return Err(invalid());
    }
    let params = group(bits)?;
    let bound = p_minus_one(&params)?;
    let value = BigNum::from_slice(data).map_err(|_| invalid())?;
    if value.num_bits() <= 1 || value >= bound {
        return Err(invalid());
    }
    Ok((params, value))
}

fn private_key(bits: u32, data: &[u8]) -> Result<Dh<Private>, ProviderError> {
    let (params, mut x) = in_range(bits, data, "private key")?;
    x.set_const_time();
    params
        .set_private_key(x)
        .map_err(|_| failed("the public value"))
}

fn public_key(bits: u32, data: &[u8]) -> Result<Dh<Public>, ProviderError> {
    let (params, y) = in_range(bits, data, "public key")?;
    params
        .set_public_key(y)
        .map_err(|_| failed("the public key"))
}

fn byte_len(bits: u32) -> usize {
    usize::try_from(bits.div_ceil(8)).unwrap_or(usize::MAX)
}

/// A number as `bits / 8` big-endian bytes.
fn padded(value: &BigNumRef, bits: u32) -> Result<Vec<u8>, ProviderError> {
    let len = i32::try_from(byte_len(bits)).map_err(|_| failed("the group size"))?;
    value.to_vec_padded(len).map_err(|_| failed("a number"))
}

fn padded_secret(value: &BigNumRef, bits: u32) -> Result<SecretBytes, ProviderError> {
    let bytes = Zeroizing::new(padded(value, bits)?);
    Ok(SecretBytes::from(bytes.as_slice()))
}

/// A sealed key that does not parse: it cannot have been sealed by this module.
fn corrupt(_: ProviderError) -> ProviderError {
    ProviderError::CorruptKey("the sealed Diffie-Hellman key does not parse".into())
}

fn unsupported(bits: u32) -> ProviderError {
    ProviderError::NotSupported(format!(
        "the RFC 7919 groups are 2048, 3072, 4096, 6144 and 8192 bits, not {bits}"
    ))
}

fn failed(what: &str) -> ProviderError {
    ProviderError::Other(format!("OpenSSL failed: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each stored group is the RFC 7919 one: its prime has the size, its top and bottom 64
    /// bits all set (RFC 7919 §A), and the generator is 2.
    #[test]
    fn the_stored_groups_are_rfc_7919s() -> Result<(), ProviderError> {
        for bits in GROUP_BITS {
            let params = group(bits)?;
            let p = params.prime_p().to_vec();
            assert_eq!(p.len() * 8, usize::try_from(bits).unwrap_or(0));
            assert!(p[..8].iter().chain(&p[p.len() - 8..]).all(|b| *b == 0xff));
            assert_eq!(params.generator().to_vec(), [2]);
        }
        Ok(())
    }

    #[test]
    fn imports_check_sizes_and_ranges() {
        assert_eq!(import_bits(0, 256).ok(), Some(2048));
        assert_eq!(import_bits(8192, 1024).ok(), Some(8192));
        assert!(matches!(
            import_bits(2048, 384),
            Err(ProviderError::InvalidArgument(_))
        ));
        assert!(matches!(
            import_bits(2048, 255),
            Err(ProviderError::NotSupported(_))
        ));
        assert!(matches!(
            import_bits(1024, 128),
            Err(ProviderError::NotSupported(_))
        ));
        assert!(matches!(
            import_bits(0, 128),
            Err(ProviderError::NotSupported(_))
        ));
        let mut one = vec![0u8; 256];
        one[255] = 1;
        assert!(import_public(2048, &one).is_err());
        assert!(
            import_pair(2048, &[0xff; 256]).is_err(),
            "x = 2^2048 - 1 > p"
        );
        let mut two = vec![0u8; 256];
        two[255] = 2;
        assert!(import_public(2048, &two).is_ok());
    }
}
