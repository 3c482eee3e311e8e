//! Secrets given in a configuration (PINs, hierarchy passwords).

use std::fmt;

use psc_psa::SecretBytes;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// A secret option: `Debug` and `Display` print `<redacted>`, the bytes are zeroized on
/// drop, and a value of the wrong type is refused without being quoted. Deserialized from a
/// string taken as is ([`Secret::deserialize`]) or, with
/// `#[serde(deserialize_with = "Secret::prefixed")]`, with the original's prefixes: `str:`
/// (the rest as UTF-8 bytes), `hex:` (hexadecimal), none (as `str:`).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(SecretBytes);

impl Secret {
    /// The secret's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// Parses the original's `str:`/`hex:` forms.
    ///
    /// # Errors
    /// A message (without the value) when `hex:` is not followed by hexadecimal.
    pub fn from_prefixed(text: &str) -> Result<Secret, &'static str> {
        match text.strip_prefix("hex:") {
            Some(digits) => hex::decode(digits)
                .map(|bytes| Secret(SecretBytes::new(bytes)))
                .map_err(|_| "a hex: secret must be an even number of hexadecimal digits"),
            None => {
                let text = text.strip_prefix("str:").unwrap_or(text);
                Ok(Secret(SecretBytes::new(text.as_bytes().to_vec())))
            }
        }
    }

    /// For `#[serde(deserialize_with = "Secret::prefixed")]`: a string in the `str:`/`hex:`
    /// forms.
    ///
    /// # Errors
    /// The deserializer's error, never quoting the value.
    pub fn prefixed<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
        deserializer.deserialize_any(SecretVisitor { prefixed: true })
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
        deserializer.deserialize_any(SecretVisitor { prefixed: false })
    }
}

/// Accepts a string; anything else is refused with a message that does not quote it.
struct SecretVisitor {
    prefixed: bool,
}

const NOT_A_STRING: &str = "a secret must be a string (its value is not shown)";

impl<'de> Visitor<'de> for SecretVisitor {
    type Value = Secret;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Secret, E> {
        if self.prefixed {
            Secret::from_prefixed(text).map_err(E::custom)
        } else {
            Ok(Secret(SecretBytes::new(text.as_bytes().to_vec())))
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Secret, E> {
        Err(E::custom(NOT_A_STRING))
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<Secret, A::Error> {
        Err(de::Error::custom(NOT_A_STRING))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<Secret, A::Error> {
        Err(de::Error::custom(NOT_A_STRING))
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn prefixes_are_the_originals() {
        assert_eq!(Secret::from_prefixed("str:abc").unwrap().as_bytes(), b"abc");
        assert_eq!(Secret::from_prefixed("abc").unwrap().as_bytes(), b"abc");
        assert_eq!(
            Secret::from_prefixed("hex:0aFF").unwrap().as_bytes(),
            [0x0a, 0xff]
        );
        assert!(Secret::from_prefixed("hex:0").is_err());
    }

    #[test]
    fn debug_and_display_redact() {
        let secret = Secret::from_prefixed("hunter2").unwrap();
        assert_eq!(format!("{secret:?} {secret}"), "<redacted> <redacted>");
    }
}
