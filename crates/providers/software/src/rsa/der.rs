//! Just enough DER to move between the two private-key forms and to size a key before
//! aws-lc-rs sees it: the modulus of a PKCS#1 `RSAPrivateKey`, and the `RSAPrivateKey` inside
//! the PKCS#8 `PrivateKeyInfo` aws-lc-rs writes. Every read is bounds-checked and answers
//! `None` on anything that is not strict DER; nothing here trusts a length it has not checked.

const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const OBJECT_IDENTIFIER: u8 = 0x06;
const SEQUENCE: u8 = 0x30;
/// The content of the `rsaEncryption` OID, 1.2.840.113549.1.1.1 (RFC 8017 appendix C).
const RSA_ENCRYPTION_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

/// Reads consecutive DER elements from a byte string.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// The content of the one element with `tag` that makes up all of `input`.
    fn single(input: &'a [u8], tag: u8) -> Option<Reader<'a>> {
        let mut outer = Reader { rest: input };
        let content = outer.read(tag)?;
        outer.rest.is_empty().then_some(Reader { rest: content })
    }

    /// The content of the next element, which must have `tag`.
    fn read(&mut self, tag: u8) -> Option<&'a [u8]> {
        let (&found, rest) = self.rest.split_first()?;
        if found != tag {
            return None;
        }
        let (len, rest) = read_length(rest)?;
        let (content, rest) = rest.split_at_checked(len)?;
        self.rest = rest;
        Some(content)
    }
}

/// A definite DER length: short form, or long form of one to four bytes, minimal.
fn read_length(input: &[u8]) -> Option<(usize, &[u8])> {
    let (&first, rest) = input.split_first()?;
    if first < 0x80 {
        return Some((usize::from(first), rest));
    }
    let count = usize::from(first & 0x7f);
    if !(1..=4).contains(&count) {
        return None;
    }
    let (bytes, rest) = rest.split_at_checked(count)?;
    if bytes.first() == Some(&0) {
        return None;
    }
    let len = bytes
        .iter()
        .fold(0usize, |len, byte| len << 8 | usize::from(*byte));
    (len >= 0x80).then_some((len, rest))
}

/// The size in bits of the modulus of a DER two-prime `RSAPrivateKey`
/// (`SEQUENCE { version 0, n, … }`), or `None` when the data is not one such SEQUENCE or `n`
/// is not a positive INTEGER.
pub(super) fn private_key_modulus_bits(rsa_private_key: &[u8]) -> Option<u32> {
    let mut key = Reader::single(rsa_private_key, SEQUENCE)?;
    if key.read(INTEGER)? != [0] {
        return None;
    }
    positive_integer_bits(key.read(INTEGER)?)
}

/// The size in bits of a positive DER INTEGER's content.
fn positive_integer_bits(content: &[u8]) -> Option<u32> {
    let (&first, _) = content.split_first()?;
    if first & 0x80 != 0 {
        return None;
    }
    let start = content.iter().position(|byte| *byte != 0)?;
    let significant = content.get(start..)?;
    let leading = significant.first()?.leading_zeros();
    u32::try_from(significant.len())
        .ok()?
        .checked_mul(8)?
        .checked_sub(leading)
}

/// The PKCS#1 `RSAPrivateKey` inside a PKCS#8 `PrivateKeyInfo` (RFC 5208):
/// `SEQUENCE { version, SEQUENCE { rsaEncryption, … }, OCTET STRING { RSAPrivateKey } }`.
pub(super) fn pkcs1_of_pkcs8(private_key_info: &[u8]) -> Option<&[u8]> {
    let mut info = Reader::single(private_key_info, SEQUENCE)?;
    info.read(INTEGER)?;
    let mut algorithm = Reader {
        rest: info.read(SEQUENCE)?,
    };
    if algorithm.read(OBJECT_IDENTIFIER)? != RSA_ENCRYPTION_OID {
        return None;
    }
    let private_key = info.read(OCTET_STRING)?;
    info.rest.is_empty().then_some(private_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_definite_minimal_and_bounded() {
        assert_eq!(read_length(&[0x05, 9]), Some((5, &[9u8][..])));
        assert_eq!(read_length(&[0x81, 0x80]), Some((0x80, &[][..])));
        assert_eq!(read_length(&[0x82, 0x01, 0x00]), Some((0x100, &[][..])));
        // Indefinite, non-minimal, longer than four bytes, truncated.
        for bad in [
            &[0x80][..],
            &[0x81, 0x7f],
            &[0x82, 0x00, 0x80],
            &[0x85, 1, 0, 0, 0, 0],
            &[0x82, 0x01],
            &[],
        ] {
            assert_eq!(read_length(bad), None, "{bad:02x?}");
        }
    }

    #[test]
    fn integer_sizes_ignore_the_sign_byte_and_refuse_negatives() {
        assert_eq!(positive_integer_bits(&[0x00, 0x80]), Some(8));
        assert_eq!(positive_integer_bits(&[0x01, 0x00]), Some(9));
        assert_eq!(positive_integer_bits(&[0x7f]), Some(7));
        assert_eq!(positive_integer_bits(&[0x80]), None);
        assert_eq!(positive_integer_bits(&[0x00]), None);
        assert_eq!(positive_integer_bits(&[]), None);
    }

    #[test]
    fn an_element_must_fill_its_input_exactly() {
        // SEQUENCE { INTEGER 0, INTEGER 0x0101 }
        let key = [0x30, 0x07, 0x02, 0x01, 0x00, 0x02, 0x02, 0x01, 0x01];
        assert_eq!(private_key_modulus_bits(&key), Some(9));
        assert_eq!(private_key_modulus_bits(&[&key[..], &[0]].concat()), None);
        // Version 1 (multi-prime), or an RSAPublicKey's SEQUENCE { n, e }.
        let other_version = [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x01, 0x01];
        assert_eq!(private_key_modulus_bits(&other_version), None);
        for len in 0..key.len() {
            assert_eq!(private_key_modulus_bits(&key[..len]), None);
        }
    }

    #[test]
    fn pkcs8_unwraps_only_rsa_encryption() {
        let inner = [0x30, 0x00];
        let wrap = |oid: &[u8]| {
            let mut algorithm = vec![OBJECT_IDENTIFIER, oid.len() as u8];
            algorithm.extend_from_slice(oid);
            algorithm.extend_from_slice(&[0x05, 0x00]);
            let mut body = vec![INTEGER, 1, 0, SEQUENCE, algorithm.len() as u8];
            body.extend_from_slice(&algorithm);
            body.extend_from_slice(&[OCTET_STRING, inner.len() as u8]);
            body.extend_from_slice(&inner);
            [vec![SEQUENCE, body.len() as u8], body].concat()
        };
        assert_eq!(pkcs1_of_pkcs8(&wrap(RSA_ENCRYPTION_OID)), Some(&inner[..]));
        let ec_public_key = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
        assert_eq!(pkcs1_of_pkcs8(&wrap(&ec_public_key)), None);
    }
}
