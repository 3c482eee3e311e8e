//! `psa_key_attributes`: its protobuf shape and its conversion to [`psc_psa::Attributes`].

use psc_psa as psa;

use super::Empty;
use super::algorithm::Algorithm;
use crate::error::{Error, enum_code, enum_value, narrow, required};

/// `psa_key_attributes.KeyAttributes`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct KeyAttributes {
    /// The key type (mandatory).
    #[prost(message, optional, tag = "1")]
    pub key_type: Option<KeyType>,
    /// The size in bits (`uint32`, decoded wide: see [`narrow`]).
    #[prost(uint64, tag = "2")]
    pub key_bits: u64,
    /// The policy (mandatory).
    #[prost(message, optional, tag = "3")]
    pub key_policy: Option<KeyPolicy>,
}

/// `psa_key_attributes.KeyType`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct KeyType {
    /// The type.
    #[prost(
        oneof = "KeyTypeVariant",
        tags = "1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14"
    )]
    pub variant: Option<KeyTypeVariant>,
}

/// `KeyType.variant`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum KeyTypeVariant {
    /// Raw data.
    #[prost(message, tag = "1")]
    RawData(Empty),
    /// HMAC.
    #[prost(message, tag = "2")]
    Hmac(Empty),
    /// Derivation input.
    #[prost(message, tag = "3")]
    Derive(Empty),
    /// AES.
    #[prost(message, tag = "4")]
    Aes(Empty),
    /// DES.
    #[prost(message, tag = "5")]
    Des(Empty),
    /// Camellia.
    #[prost(message, tag = "6")]
    Camellia(Empty),
    /// ARC4.
    #[prost(message, tag = "7")]
    Arc4(Empty),
    /// ChaCha20.
    #[prost(message, tag = "8")]
    Chacha20(Empty),
    /// RSA public key.
    #[prost(message, tag = "9")]
    RsaPublicKey(Empty),
    /// RSA key pair.
    #[prost(message, tag = "10")]
    RsaKeyPair(Empty),
    /// ECC key pair.
    #[prost(message, tag = "11")]
    EccKeyPair(Family),
    /// ECC public key.
    #[prost(message, tag = "12")]
    EccPublicKey(Family),
    /// DH key pair.
    #[prost(message, tag = "13")]
    DhKeyPair(Family),
    /// DH public key.
    #[prost(message, tag = "14")]
    DhPublicKey(Family),
}

/// `EccKeyPair`, `EccPublicKey` (`curve_family = 1`), `DhKeyPair`, `DhPublicKey`
/// (`group_family = 1`): one enum field numbered 1.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Family {
    /// Enum `EccFamily` or `DhFamily`.
    #[prost(int64, tag = "1")]
    pub family: i64,
}

/// `psa_key_attributes.KeyPolicy`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct KeyPolicy {
    /// Usage flags (mandatory).
    #[prost(message, optional, tag = "1")]
    pub key_usage_flags: Option<UsageFlags>,
    /// Permitted algorithm (mandatory).
    #[prost(message, optional, tag = "2")]
    pub key_algorithm: Option<Algorithm>,
}

/// `psa_key_attributes.UsageFlags`.
#[derive(Clone, Copy, PartialEq, prost::Message)]
pub struct UsageFlags {
    /// Export.
    #[prost(bool, tag = "1")]
    pub export: bool,
    /// Copy.
    #[prost(bool, tag = "2")]
    pub copy: bool,
    /// Cache.
    #[prost(bool, tag = "3")]
    pub cache: bool,
    /// Encrypt.
    #[prost(bool, tag = "4")]
    pub encrypt: bool,
    /// Decrypt.
    #[prost(bool, tag = "5")]
    pub decrypt: bool,
    /// Sign message.
    #[prost(bool, tag = "6")]
    pub sign_message: bool,
    /// Verify message.
    #[prost(bool, tag = "7")]
    pub verify_message: bool,
    /// Sign hash.
    #[prost(bool, tag = "8")]
    pub sign_hash: bool,
    /// Verify hash.
    #[prost(bool, tag = "9")]
    pub verify_hash: bool,
    /// Derive.
    #[prost(bool, tag = "10")]
    pub derive: bool,
}

fn ecc(family: Family) -> Result<psa::EccFamily, Error> {
    enum_value(family.family, psa::EccFamily::from_code, "curve_family")
}

fn dh(family: Family) -> Result<psa::DhFamily, Error> {
    enum_value(family.family, psa::DhFamily::from_code, "group_family")
}

impl TryFrom<KeyAttributes> for psa::Attributes {
    type Error = Error;

    fn try_from(message: KeyAttributes) -> Result<Self, Error> {
        let policy = required(message.key_policy, "key_policy")?;
        Ok(psa::Attributes {
            key_type: required(message.key_type, "key_type")?.try_into()?,
            bits: narrow(message.key_bits, "key_bits")?,
            policy: psa::Policy {
                usage_flags: required(policy.key_usage_flags, "key_usage_flags")?.into(),
                permitted_algorithm: required(policy.key_algorithm, "key_algorithm")?.try_into()?,
            },
        })
    }
}

impl TryFrom<KeyType> for psa::KeyType {
    type Error = Error;

    fn try_from(message: KeyType) -> Result<Self, Error> {
        use KeyTypeVariant as V;
        Ok(match required(message.variant, "key_type")? {
            V::RawData(_) => psa::KeyType::RawData,
            V::Hmac(_) => psa::KeyType::Hmac,
            V::Derive(_) => psa::KeyType::Derive,
            V::Aes(_) => psa::KeyType::Aes,
            V::Des(_) => psa::KeyType::Des,
            V::Camellia(_) => psa::KeyType::Camellia,
            V::Arc4(_) => psa::KeyType::Arc4,
            V::Chacha20(_) => psa::KeyType::Chacha20,
            V::RsaPublicKey(_) => psa::KeyType::RsaPublicKey,
            V::RsaKeyPair(_) => psa::KeyType::RsaKeyPair,
            V::EccKeyPair(f) => psa::KeyType::EccKeyPair {
                curve_family: ecc(f)?,
            },
            V::EccPublicKey(f) => psa::KeyType::EccPublicKey {
                curve_family: ecc(f)?,
            },
            V::DhKeyPair(f) => psa::KeyType::DhKeyPair {
                group_family: dh(f)?,
            },
            V::DhPublicKey(f) => psa::KeyType::DhPublicKey {
                group_family: dh(f)?,
            },
        })
    }
}

impl From<UsageFlags> for psa::UsageFlags {
    fn from(f: UsageFlags) -> Self {
        psa::UsageFlags {
            export: f.export,
            copy: f.copy,
            cache: f.cache,
            encrypt: f.encrypt,
            decrypt: f.decrypt,
            sign_message: f.sign_message,
            verify_message: f.verify_message,
            sign_hash: f.sign_hash,
            verify_hash: f.verify_hash,
            derive: f.derive,
        }
    }
}

impl From<psa::Attributes> for KeyAttributes {
    fn from(attributes: psa::Attributes) -> Self {
        KeyAttributes {
            key_type: Some(attributes.key_type.into()),
            key_bits: attributes.bits.into(),
            key_policy: Some(KeyPolicy {
                key_usage_flags: Some(attributes.policy.usage_flags.into()),
                key_algorithm: Some(attributes.policy.permitted_algorithm.into()),
            }),
        }
    }
}

impl From<psa::KeyType> for KeyType {
    fn from(key_type: psa::KeyType) -> Self {
        use KeyTypeVariant as V;
        let family = |code: u32| Family {
            family: enum_code(code),
        };
        let variant = match key_type {
            psa::KeyType::RawData => V::RawData(Empty {}),
            psa::KeyType::Hmac => V::Hmac(Empty {}),
            psa::KeyType::Derive => V::Derive(Empty {}),
            psa::KeyType::Aes => V::Aes(Empty {}),
            psa::KeyType::Des => V::Des(Empty {}),
            psa::KeyType::Camellia => V::Camellia(Empty {}),
            psa::KeyType::Arc4 => V::Arc4(Empty {}),
            psa::KeyType::Chacha20 => V::Chacha20(Empty {}),
            psa::KeyType::RsaPublicKey => V::RsaPublicKey(Empty {}),
            psa::KeyType::RsaKeyPair => V::RsaKeyPair(Empty {}),
            psa::KeyType::EccKeyPair { curve_family } => V::EccKeyPair(family(curve_family.code())),
            psa::KeyType::EccPublicKey { curve_family } => {
                V::EccPublicKey(family(curve_family.code()))
            }
            psa::KeyType::DhKeyPair { group_family } => V::DhKeyPair(family(group_family.code())),
            psa::KeyType::DhPublicKey { group_family } => {
                V::DhPublicKey(family(group_family.code()))
            }
        };
        KeyType {
            variant: Some(variant),
        }
    }
}

impl From<psa::UsageFlags> for UsageFlags {
    fn from(f: psa::UsageFlags) -> Self {
        UsageFlags {
            export: f.export,
            copy: f.copy,
            cache: f.cache,
            encrypt: f.encrypt,
            decrypt: f.decrypt,
            sign_message: f.sign_message,
            verify_message: f.verify_message,
            sign_hash: f.sign_hash,
            verify_hash: f.verify_hash,
            derive: f.derive,
        }
    }
}

/// Encodes attributes as their protobuf message: the stable form the key store persists.
pub fn encode(attributes: &psa::Attributes) -> Vec<u8> {
    prost::Message::encode_to_vec(&KeyAttributes::from(*attributes))
}

/// Decodes attributes persisted by [`encode`].
///
/// # Errors
/// [`Error::Protobuf`] or [`Error::InvalidField`] for bytes that are not valid attributes.
pub fn decode(bytes: &[u8]) -> Result<psa::Attributes, Error> {
    let message: KeyAttributes = prost::Message::decode(bytes)?;
    message.try_into()
}
