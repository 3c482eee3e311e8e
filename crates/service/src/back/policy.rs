//! Checks that run before any provider is called: key names, new keys' attributes, and the
//! bytes that bind a sealed key to its owner.

use psc_psa::{Algorithm, Attributes};

use crate::error::Error;
pub(crate) use crate::keystore::binding;

/// The longest key name accepted, in bytes.
pub(crate) const MAX_KEY_NAME_LEN: usize = 1024;

/// Key names are non-empty UTF-8 (the codec checked), at most [`MAX_KEY_NAME_LEN`] bytes,
/// without control characters nor bidirectional overrides and isolates (U+202A–U+202E,
/// U+2066–U+2069), which make a name read differently in a log or a terminal than it is.
pub(crate) fn check_key_name(name: &str) -> Result<(), Error> {
    let reason = if name.is_empty() {
        "is empty"
    } else if name.len() > MAX_KEY_NAME_LEN {
        "is longer than 1024 bytes"
    } else if name.chars().any(char::is_control) {
        "contains a control character"
    } else if name.chars().any(is_bidi_control) {
        "contains a bidirectional override or isolate character"
    } else {
        return Ok(());
    };
    Err(Error::InvalidKeyName(reason))
}

/// The bidirectional embedding, override and isolate characters.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// How a key comes to exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Creation {
    Generate,
    Import,
}

/// Checks the attributes of a key about to be created: a size its type allows (0 on import
/// means "from the data"), a policy whose algorithm fits the key, and no deprecated primitive
/// unless the configuration allows it (imports are only warned about, as in the original).
pub(crate) fn check_new_key(
    attributes: &Attributes,
    creation: Creation,
    allow_deprecated: bool,
) -> Result<(), Error> {
    let key_type = attributes.key_type;
    if creation == Creation::Generate && key_type.is_public_key() {
        return Err(Error::InvalidArgument(
            "a public key cannot be generated; import it",
        ));
    }
    let size_given = attributes.bits != 0 || creation == Creation::Generate;
    if size_given && !key_type.supports_bits(attributes.bits) {
        return Err(Error::InvalidArgument(
            "the key size is not valid for the key type",
        ));
    }
    let alg = attributes.policy.permitted_algorithm;
    if alg != Algorithm::None && !attributes.is_compatible_with(alg) {
        return Err(Error::InvalidArgument(
            "the permitted algorithm does not fit the key type",
        ));
    }
    if attributes.is_deprecated() {
        if creation == Creation::Generate && !allow_deprecated {
            return Err(Error::Deprecated);
        }
        tracing::warn!("a key with a deprecated primitive is being created");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use psc_psa::{AsymmetricSignature, EccFamily, Hash, KeyType, SignHash};
    use psc_wire::AuthType;

    use super::*;
    use crate::auth::Application;

    fn ecc(bits: u32, hash: Hash) -> Attributes {
        Attributes::signing_key(
            KeyType::EccKeyPair {
                curve_family: EccFamily::SecpR1,
            },
            bits,
            AsymmetricSignature::Ecdsa {
                hash: SignHash::Specific(hash),
            },
        )
    }

    #[test]
    fn key_names() {
        assert!(check_key_name("k").is_ok());
        assert!(check_key_name("/keys/rsa/k1 é").is_ok());
        assert!(matches!(check_key_name(""), Err(Error::InvalidKeyName(_))));
        assert!(matches!(
            check_key_name(&"x".repeat(1025)),
            Err(Error::InvalidKeyName(_))
        ));
        assert!(check_key_name(&"x".repeat(1024)).is_ok());
        assert!(matches!(
            check_key_name("a\nb"),
            Err(Error::InvalidKeyName(_))
        ));
        for bidi in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}'] {
            assert!(matches!(
                check_key_name(&format!("invoice{bidi}fdp.exe")),
                Err(Error::InvalidKeyName(reason)) if reason.contains("bidirectional")
            ));
        }
        assert!(
            check_key_name("\u{2065}x\u{206A}\u{2029}").is_ok(),
            "neighbours are names"
        );
    }

    #[test]
    fn new_keys() {
        assert!(check_new_key(&ecc(256, Hash::Sha256), Creation::Generate, false).is_ok());
        assert!(matches!(
            check_new_key(&ecc(0, Hash::Sha256), Creation::Generate, false),
            Err(Error::InvalidArgument(_))
        ));
        assert!(check_new_key(&ecc(0, Hash::Sha256), Creation::Import, false).is_ok());
        assert!(matches!(
            check_new_key(&ecc(255, Hash::Sha256), Creation::Import, false),
            Err(Error::InvalidArgument(_))
        ));
        assert!(matches!(
            check_new_key(&ecc(256, Hash::Sha1), Creation::Generate, false),
            Err(Error::Deprecated)
        ));
        assert!(check_new_key(&ecc(256, Hash::Sha1), Creation::Generate, true).is_ok());
        assert!(check_new_key(&ecc(256, Hash::Sha1), Creation::Import, false).is_ok());
        let mut public = ecc(256, Hash::Sha256);
        public.key_type = KeyType::EccPublicKey {
            curve_family: EccFamily::SecpR1,
        };
        assert!(matches!(
            check_new_key(&public, Creation::Generate, false),
            Err(Error::InvalidArgument(_))
        ));
        let mut aes = ecc(256, Hash::Sha256);
        aes.key_type = KeyType::Aes;
        assert!(matches!(
            check_new_key(&aes, Creation::Generate, false),
            Err(Error::InvalidArgument(_))
        ));
    }

    #[test]
    fn bindings_are_unambiguous() {
        let app = |auth, name: &str| Application {
            auth,
            name: name.into(),
        };
        let a = binding(&app(AuthType::Direct, "ab"), "c");
        assert_ne!(a, binding(&app(AuthType::Direct, "a"), "bc"));
        assert_ne!(a, binding(&app(AuthType::UnixPeerCredentials, "ab"), "c"));
        assert_eq!(a, binding(&app(AuthType::Direct, "ab"), "c"));
    }
}
