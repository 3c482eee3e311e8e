//! Moving between the two private-key forms, and sizing a key before aws-lc-rs sees it, with
//! the RustCrypto `pkcs1`/`pkcs8` decoders (strict DER, whole input, lengths checked).

use pkcs1::der::Decode;

/// The size in bits of the modulus of a DER two-prime `RSAPrivateKey`, or `None` when the data
/// is not exactly one such structure.
pub(super) fn private_key_modulus_bits(rsa_private_key: &[u8]) -> Option<u32> {
    let key = pkcs1::RsaPrivateKeyRef::from_der(rsa_private_key).ok()?;
    if key.other_prime_infos.is_some() {
        return None;
    }
    // `UintRef` holds the magnitude without leading zero bytes.
    let modulus = key.modulus.as_bytes();
    let leading = modulus.first()?.leading_zeros();
    u32::try_from(modulus.len())
        .ok()?
        .checked_mul(8)?
        .checked_sub(leading)
}

/// The size in bits of the modulus of a DER `RSAPublicKey`, or `None` when the data is not
/// exactly one such structure.
pub(super) fn public_key_modulus_bits(rsa_public_key: &[u8]) -> Option<u32> {
    let key = pkcs1::RsaPublicKeyRef::from_der(rsa_public_key).ok()?;
    let modulus = key.modulus.as_bytes();
    let leading = modulus.first()?.leading_zeros();
    u32::try_from(modulus.len())
        .ok()?
        .checked_mul(8)?
        .checked_sub(leading)
}

/// The PKCS#1 `RSAPrivateKey` inside a PKCS#8 `PrivateKeyInfo` (RFC 5208) whose algorithm is
/// `rsaEncryption`.
pub(super) fn pkcs1_of_pkcs8(private_key_info: &[u8]) -> Option<&[u8]> {
    let info = pkcs8::PrivateKeyInfoRef::from_der(private_key_info).ok()?;
    (info.algorithm.oid == pkcs1::ALGORITHM_OID).then(|| info.private_key.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `SEQUENCE { INTEGER 0, n, e, d, p, q, dp, dq, qinv }` with small values.
    fn two_prime(modulus: &[u8]) -> Vec<u8> {
        let mut body = vec![0x02, 0x01, 0x00, 0x02, modulus.len() as u8];
        body.extend_from_slice(modulus);
        for _ in 0..7 {
            body.extend_from_slice(&[0x02, 0x01, 0x03]);
        }
        [vec![0x30, body.len() as u8], body].concat()
    }

    #[test]
    fn modulus_sizes_ignore_the_sign_byte() {
        assert_eq!(private_key_modulus_bits(&two_prime(&[0x00, 0x80])), Some(8));
        assert_eq!(private_key_modulus_bits(&two_prime(&[0x01, 0x00])), Some(9));
        assert_eq!(private_key_modulus_bits(&two_prime(&[0x7f])), Some(7));
    }

    #[test]
    fn an_element_must_fill_its_input_exactly() {
        let key = two_prime(&[0x01, 0x01]);
        assert_eq!(private_key_modulus_bits(&key), Some(9));
        assert_eq!(private_key_modulus_bits(&[&key[..], &[0]].concat()), None);
        for len in 0..key.len() {
            assert_eq!(private_key_modulus_bits(&key[..len]), None);
        }
        // A negative modulus, or an RSAPublicKey's SEQUENCE { n, e }.
        assert_eq!(private_key_modulus_bits(&two_prime(&[0x80])), None);
        let public = [0x30, 0x06, 0x02, 0x01, 0x05, 0x02, 0x01, 0x03];
        assert_eq!(private_key_modulus_bits(&public), None);
    }

    #[test]
    fn pkcs8_unwraps_only_rsa_encryption() {
        let inner = [0x30, 0x00];
        let wrap = |oid: &[u8]| {
            let mut algorithm = vec![0x06, oid.len() as u8];
            algorithm.extend_from_slice(oid);
            algorithm.extend_from_slice(&[0x05, 0x00]);
            let mut body = vec![0x02, 1, 0, 0x30, algorithm.len() as u8];
            body.extend_from_slice(&algorithm);
            body.extend_from_slice(&[0x04, inner.len() as u8]);
            body.extend_from_slice(&inner);
            [vec![0x30, body.len() as u8], body].concat()
        };
        let rsa_encryption = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
        assert_eq!(pkcs1_of_pkcs8(&wrap(&rsa_encryption)), Some(&inner[..]));
        let ec_public_key = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
        assert_eq!(pkcs1_of_pkcs8(&wrap(&ec_public_key)), None);
        assert_eq!(
            pkcs1_of_pkcs8(&[&wrap(&rsa_encryption)[..], &[0]].concat()),
            None
        );
    }
}
