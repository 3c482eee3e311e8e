//! `psa_algorithm.Algorithm`: its protobuf shape and its conversion to [`psc_psa::Algorithm`].
//!
//! Enum fields are declared `int32`, which encodes exactly as a protobuf enum does.

use psc_psa as psa;

use super::Empty;
use crate::error::{Error, enum_code, enum_value, narrow, required};

/// `psa_algorithm.Algorithm`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Algorithm {
    /// The algorithm family.
    #[prost(oneof = "Variant", tags = "1, 2, 3, 4, 5, 6, 7, 8, 9")]
    pub variant: Option<Variant>,
}

/// `Algorithm.variant`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Variant {
    /// No algorithm.
    #[prost(message, tag = "1")]
    None(Empty),
    /// A hash (enum `Hash`).
    #[prost(int64, tag = "2")]
    Hash(i64),
    /// A MAC.
    #[prost(message, tag = "3")]
    Mac(Mac),
    /// A cipher (enum `Cipher`).
    #[prost(int64, tag = "4")]
    Cipher(i64),
    /// An AEAD.
    #[prost(message, tag = "5")]
    Aead(Aead),
    /// An asymmetric signature.
    #[prost(message, tag = "6")]
    AsymmetricSignature(AsymmetricSignature),
    /// An asymmetric encryption.
    #[prost(message, tag = "7")]
    AsymmetricEncryption(AsymmetricEncryption),
    /// A key agreement.
    #[prost(message, tag = "8")]
    KeyAgreement(KeyAgreement),
    /// A key derivation.
    #[prost(message, tag = "9")]
    KeyDerivation(KeyDerivation),
}

/// `Algorithm.Mac`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Mac {
    /// Full length or truncated.
    #[prost(oneof = "MacVariant", tags = "1, 2")]
    pub variant: Option<MacVariant>,
}

/// `Mac.variant`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum MacVariant {
    /// The full-length MAC.
    #[prost(message, tag = "1")]
    FullLength(FullLength),
    /// A truncated MAC.
    #[prost(message, tag = "2")]
    Truncated(Truncated),
}

/// `Mac.FullLength`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct FullLength {
    /// HMAC, CBC-MAC or CMAC.
    #[prost(oneof = "FullLengthVariant", tags = "1, 2, 3")]
    pub variant: Option<FullLengthVariant>,
}

/// `FullLength.variant`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum FullLengthVariant {
    /// HMAC.
    #[prost(message, tag = "1")]
    Hmac(HashAlg),
    /// CBC-MAC.
    #[prost(message, tag = "2")]
    CbcMac(Empty),
    /// CMAC.
    #[prost(message, tag = "3")]
    Cmac(Empty),
}

/// A message whose only field is `hash_alg = 1` (enum `Hash`): `Hmac`, `RsaOaep`, `Hkdf`,
/// `Tls12Prf`, `Tls12PskToMs`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct HashAlg {
    /// The hash.
    #[prost(int64, tag = "1")]
    pub hash_alg: i64,
}

/// `Mac.Truncated`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Truncated {
    /// The MAC truncated (mandatory).
    #[prost(message, optional, tag = "1")]
    pub mac_alg: Option<FullLength>,
    /// Bytes kept.
    #[prost(uint64, tag = "2")]
    pub mac_length: u64,
}

/// `Algorithm.Aead`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Aead {
    /// Default or shortened tag.
    #[prost(oneof = "AeadVariant", tags = "1, 2")]
    pub variant: Option<AeadVariant>,
}

/// `Aead.variant`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum AeadVariant {
    /// Enum `AeadWithDefaultLengthTag`.
    #[prost(int64, tag = "1")]
    AeadWithDefaultLengthTag(i64),
    /// A shortened tag.
    #[prost(message, tag = "2")]
    AeadWithShortenedTag(AeadWithShortenedTag),
}

/// `Aead.AeadWithShortenedTag`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AeadWithShortenedTag {
    /// Enum `AeadWithDefaultLengthTag`.
    #[prost(int64, tag = "1")]
    pub aead_alg: i64,
    /// Tag bytes.
    #[prost(uint64, tag = "2")]
    pub tag_length: u64,
}

/// `Algorithm.AsymmetricSignature`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AsymmetricSignature {
    /// The scheme.
    #[prost(oneof = "SignatureVariant", tags = "1, 2, 3, 4, 5, 6")]
    pub variant: Option<SignatureVariant>,
}

/// `AsymmetricSignature.variant`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum SignatureVariant {
    /// RSA PKCS#1 v1.5 with a hash.
    #[prost(message, tag = "1")]
    RsaPkcs1v15Sign(HashAndSign),
    /// RSA PKCS#1 v1.5 over an encoded input.
    #[prost(message, tag = "2")]
    RsaPkcs1v15SignRaw(Empty),
    /// RSA-PSS.
    #[prost(message, tag = "3")]
    RsaPss(HashAndSign),
    /// ECDSA.
    #[prost(message, tag = "4")]
    Ecdsa(HashAndSign),
    /// ECDSA without a hash binding.
    #[prost(message, tag = "5")]
    EcdsaAny(Empty),
    /// Deterministic ECDSA.
    #[prost(message, tag = "6")]
    DeterministicEcdsa(HashAndSign),
}

/// A hash-and-sign scheme: `hash_alg = 1` of type `SignHash` (mandatory).
#[derive(Clone, PartialEq, prost::Message)]
pub struct HashAndSign {
    /// The hash.
    #[prost(message, optional, tag = "1")]
    pub hash_alg: Option<SignHash>,
}

/// `AsymmetricSignature.SignHash`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SignHash {
    /// Any or specific.
    #[prost(oneof = "SignHashVariant", tags = "1, 2")]
    pub variant: Option<SignHashVariant>,
}

/// `SignHash.variant`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum SignHashVariant {
    /// The wildcard.
    #[prost(message, tag = "1")]
    Any(Empty),
    /// Enum `Hash`.
    #[prost(int64, tag = "2")]
    Specific(i64),
}

/// `Algorithm.AsymmetricEncryption`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AsymmetricEncryption {
    /// The scheme.
    #[prost(oneof = "EncryptionVariant", tags = "1, 2")]
    pub variant: Option<EncryptionVariant>,
}

/// `AsymmetricEncryption.variant`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum EncryptionVariant {
    /// RSA PKCS#1 v1.5.
    #[prost(message, tag = "1")]
    RsaPkcs1v15Crypt(Empty),
    /// RSA-OAEP.
    #[prost(message, tag = "2")]
    RsaOaep(HashAlg),
}

/// `Algorithm.KeyAgreement`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct KeyAgreement {
    /// Raw or with a derivation.
    #[prost(oneof = "AgreementVariant", tags = "1, 2")]
    pub variant: Option<AgreementVariant>,
}

/// `KeyAgreement.variant`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum AgreementVariant {
    /// Enum `KeyAgreement.Raw`.
    #[prost(int64, tag = "1")]
    Raw(i64),
    /// With a key derivation.
    #[prost(message, tag = "2")]
    WithKeyDerivation(WithKeyDerivation),
}

/// `KeyAgreement.WithKeyDerivation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct WithKeyDerivation {
    /// Enum `KeyAgreement.Raw`.
    #[prost(int64, tag = "1")]
    pub ka_alg: i64,
    /// The derivation (mandatory).
    #[prost(message, optional, tag = "2")]
    pub kdf_alg: Option<KeyDerivation>,
}

/// `Algorithm.KeyDerivation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct KeyDerivation {
    /// The function.
    #[prost(oneof = "DerivationVariant", tags = "1, 2, 3")]
    pub variant: Option<DerivationVariant>,
}

/// `KeyDerivation.variant`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum DerivationVariant {
    /// HKDF.
    #[prost(message, tag = "1")]
    Hkdf(HashAlg),
    /// TLS 1.2 PRF.
    #[prost(message, tag = "2")]
    Tls12Prf(HashAlg),
    /// TLS 1.2 PSK to master secret.
    #[prost(message, tag = "3")]
    Tls12PskToMs(HashAlg),
}

// ---- protobuf -> PSA -------------------------------------------------------------------------

/// Decodes an enum `Hash` field.
pub(crate) fn hash(value: i64) -> Result<psa::Hash, Error> {
    enum_value(value, psa::Hash::from_code, "hash")
}

fn hash_alg(message: HashAlg) -> Result<psa::Hash, Error> {
    hash(message.hash_alg)
}

/// Decodes an enum `Cipher` field.
pub(crate) fn cipher(value: i64) -> Result<psa::Cipher, Error> {
    enum_value(value, psa::Cipher::from_code, "cipher")
}

/// Decodes an enum `KeyAgreement.Raw` field.
pub(crate) fn raw_agreement(value: i64) -> Result<psa::RawKeyAgreement, Error> {
    enum_value(value, psa::RawKeyAgreement::from_code, "key_agreement.raw")
}

fn aead_alg(value: i64) -> Result<psa::AeadAlg, Error> {
    enum_value(value, psa::AeadAlg::from_code, "aead")
}

impl TryFrom<Algorithm> for psa::Algorithm {
    type Error = Error;

    fn try_from(message: Algorithm) -> Result<Self, Error> {
        Ok(match required(message.variant, "algorithm")? {
            Variant::None(_) => psa::Algorithm::None,
            Variant::Hash(value) => psa::Algorithm::Hash(hash(value)?),
            Variant::Mac(mac) => psa::Algorithm::Mac(mac.try_into()?),
            Variant::Cipher(value) => psa::Algorithm::Cipher(cipher(value)?),
            Variant::Aead(aead) => psa::Algorithm::Aead(aead.try_into()?),
            Variant::AsymmetricSignature(sig) => {
                psa::Algorithm::AsymmetricSignature(sig.try_into()?)
            }
            Variant::AsymmetricEncryption(enc) => {
                psa::Algorithm::AsymmetricEncryption(enc.try_into()?)
            }
            Variant::KeyAgreement(ka) => psa::Algorithm::KeyAgreement(ka.try_into()?),
            Variant::KeyDerivation(kdf) => psa::Algorithm::KeyDerivation(kdf.try_into()?),
        })
    }
}

impl TryFrom<FullLength> for psa::FullLengthMac {
    type Error = Error;

    fn try_from(message: FullLength) -> Result<Self, Error> {
        Ok(match required(message.variant, "mac.full_length")? {
            FullLengthVariant::Hmac(hmac) => psa::FullLengthMac::Hmac {
                hash: hash_alg(hmac)?,
            },
            FullLengthVariant::CbcMac(_) => psa::FullLengthMac::CbcMac,
            FullLengthVariant::Cmac(_) => psa::FullLengthMac::Cmac,
        })
    }
}

impl TryFrom<Mac> for psa::Mac {
    type Error = Error;

    fn try_from(message: Mac) -> Result<Self, Error> {
        Ok(match required(message.variant, "mac")? {
            MacVariant::FullLength(full) => psa::Mac::FullLength(full.try_into()?),
            MacVariant::Truncated(truncated) => psa::Mac::Truncated {
                mac: required(truncated.mac_alg, "mac.truncated.mac_alg")?.try_into()?,
                length: narrow(truncated.mac_length, "mac_length")?,
            },
        })
    }
}

impl TryFrom<Aead> for psa::Aead {
    type Error = Error;

    fn try_from(message: Aead) -> Result<Self, Error> {
        Ok(match required(message.variant, "aead")? {
            AeadVariant::AeadWithDefaultLengthTag(value) => psa::Aead::DefaultTag(aead_alg(value)?),
            AeadVariant::AeadWithShortenedTag(short) => psa::Aead::ShortenedTag {
                aead: aead_alg(short.aead_alg)?,
                tag_length: narrow(short.tag_length, "tag_length")?,
            },
        })
    }
}

impl TryFrom<HashAndSign> for psa::SignHash {
    type Error = Error;

    fn try_from(message: HashAndSign) -> Result<Self, Error> {
        let sign_hash = required(message.hash_alg, "hash_alg")?;
        Ok(match required(sign_hash.variant, "sign_hash")? {
            SignHashVariant::Any(_) => psa::SignHash::Any,
            SignHashVariant::Specific(value) => psa::SignHash::Specific(hash(value)?),
        })
    }
}

impl TryFrom<AsymmetricSignature> for psa::AsymmetricSignature {
    type Error = Error;

    fn try_from(message: AsymmetricSignature) -> Result<Self, Error> {
        use psa::AsymmetricSignature as Sig;
        Ok(match required(message.variant, "asymmetric_signature")? {
            SignatureVariant::RsaPkcs1v15Sign(h) => Sig::RsaPkcs1v15Sign {
                hash: h.try_into()?,
            },
            SignatureVariant::RsaPkcs1v15SignRaw(_) => Sig::RsaPkcs1v15SignRaw,
            SignatureVariant::RsaPss(h) => Sig::RsaPss {
                hash: h.try_into()?,
            },
            SignatureVariant::Ecdsa(h) => Sig::Ecdsa {
                hash: h.try_into()?,
            },
            SignatureVariant::EcdsaAny(_) => Sig::EcdsaAny,
            SignatureVariant::DeterministicEcdsa(h) => Sig::DeterministicEcdsa {
                hash: h.try_into()?,
            },
        })
    }
}

impl TryFrom<AsymmetricEncryption> for psa::AsymmetricEncryption {
    type Error = Error;

    fn try_from(message: AsymmetricEncryption) -> Result<Self, Error> {
        Ok(match required(message.variant, "asymmetric_encryption")? {
            EncryptionVariant::RsaPkcs1v15Crypt(_) => psa::AsymmetricEncryption::RsaPkcs1v15Crypt,
            EncryptionVariant::RsaOaep(oaep) => psa::AsymmetricEncryption::RsaOaep {
                hash: hash_alg(oaep)?,
            },
        })
    }
}

impl TryFrom<KeyAgreement> for psa::KeyAgreement {
    type Error = Error;

    fn try_from(message: KeyAgreement) -> Result<Self, Error> {
        Ok(match required(message.variant, "key_agreement")? {
            AgreementVariant::Raw(value) => psa::KeyAgreement::Raw(raw_agreement(value)?),
            AgreementVariant::WithKeyDerivation(with) => psa::KeyAgreement::WithKeyDerivation {
                agreement: raw_agreement(with.ka_alg)?,
                derivation: required(with.kdf_alg, "kdf_alg")?.try_into()?,
            },
        })
    }
}

impl TryFrom<KeyDerivation> for psa::KeyDerivation {
    type Error = Error;

    fn try_from(message: KeyDerivation) -> Result<Self, Error> {
        Ok(match required(message.variant, "key_derivation")? {
            DerivationVariant::Hkdf(h) => psa::KeyDerivation::Hkdf { hash: hash_alg(h)? },
            DerivationVariant::Tls12Prf(h) => psa::KeyDerivation::Tls12Prf { hash: hash_alg(h)? },
            DerivationVariant::Tls12PskToMs(h) => {
                psa::KeyDerivation::Tls12PskToMs { hash: hash_alg(h)? }
            }
        })
    }
}

// ---- PSA -> protobuf -------------------------------------------------------------------------

fn hash_message(hash: psa::Hash) -> HashAlg {
    HashAlg {
        hash_alg: enum_code(hash.code()),
    }
}

impl From<psa::Algorithm> for Algorithm {
    fn from(alg: psa::Algorithm) -> Self {
        let variant = match alg {
            psa::Algorithm::None => Variant::None(Empty {}),
            psa::Algorithm::Hash(hash) => Variant::Hash(enum_code(hash.code())),
            psa::Algorithm::Mac(mac) => Variant::Mac(mac.into()),
            psa::Algorithm::Cipher(cipher) => Variant::Cipher(enum_code(cipher.code())),
            psa::Algorithm::Aead(aead) => Variant::Aead(aead.into()),
            psa::Algorithm::AsymmetricSignature(sig) => Variant::AsymmetricSignature(sig.into()),
            psa::Algorithm::AsymmetricEncryption(enc) => Variant::AsymmetricEncryption(enc.into()),
            psa::Algorithm::KeyAgreement(ka) => Variant::KeyAgreement(ka.into()),
            psa::Algorithm::KeyDerivation(kdf) => Variant::KeyDerivation(kdf.into()),
        };
        Algorithm {
            variant: Some(variant),
        }
    }
}

impl From<psa::FullLengthMac> for FullLength {
    fn from(mac: psa::FullLengthMac) -> Self {
        let variant = match mac {
            psa::FullLengthMac::Hmac { hash } => FullLengthVariant::Hmac(hash_message(hash)),
            psa::FullLengthMac::CbcMac => FullLengthVariant::CbcMac(Empty {}),
            psa::FullLengthMac::Cmac => FullLengthVariant::Cmac(Empty {}),
        };
        FullLength {
            variant: Some(variant),
        }
    }
}

impl From<psa::Mac> for Mac {
    fn from(mac: psa::Mac) -> Self {
        let variant = match mac {
            psa::Mac::FullLength(full) => MacVariant::FullLength(full.into()),
            psa::Mac::Truncated { mac, length } => MacVariant::Truncated(Truncated {
                mac_alg: Some(mac.into()),
                mac_length: length.into(),
            }),
        };
        Mac {
            variant: Some(variant),
        }
    }
}

impl From<psa::Aead> for Aead {
    fn from(aead: psa::Aead) -> Self {
        let variant = match aead {
            psa::Aead::DefaultTag(alg) => {
                AeadVariant::AeadWithDefaultLengthTag(enum_code(alg.code()))
            }
            psa::Aead::ShortenedTag { aead, tag_length } => {
                AeadVariant::AeadWithShortenedTag(AeadWithShortenedTag {
                    aead_alg: enum_code(aead.code()),
                    tag_length: tag_length.into(),
                })
            }
        };
        Aead {
            variant: Some(variant),
        }
    }
}

impl From<psa::SignHash> for HashAndSign {
    fn from(hash: psa::SignHash) -> Self {
        let variant = match hash {
            psa::SignHash::Any => SignHashVariant::Any(Empty {}),
            psa::SignHash::Specific(hash) => SignHashVariant::Specific(enum_code(hash.code())),
        };
        HashAndSign {
            hash_alg: Some(SignHash {
                variant: Some(variant),
            }),
        }
    }
}

impl From<psa::AsymmetricSignature> for AsymmetricSignature {
    fn from(sig: psa::AsymmetricSignature) -> Self {
        use psa::AsymmetricSignature as Sig;
        let variant = match sig {
            Sig::RsaPkcs1v15Sign { hash } => SignatureVariant::RsaPkcs1v15Sign(hash.into()),
            Sig::RsaPkcs1v15SignRaw => SignatureVariant::RsaPkcs1v15SignRaw(Empty {}),
            Sig::RsaPss { hash } => SignatureVariant::RsaPss(hash.into()),
            Sig::Ecdsa { hash } => SignatureVariant::Ecdsa(hash.into()),
            Sig::EcdsaAny => SignatureVariant::EcdsaAny(Empty {}),
            Sig::DeterministicEcdsa { hash } => SignatureVariant::DeterministicEcdsa(hash.into()),
        };
        AsymmetricSignature {
            variant: Some(variant),
        }
    }
}

impl From<psa::AsymmetricEncryption> for AsymmetricEncryption {
    fn from(enc: psa::AsymmetricEncryption) -> Self {
        let variant = match enc {
            psa::AsymmetricEncryption::RsaPkcs1v15Crypt => {
                EncryptionVariant::RsaPkcs1v15Crypt(Empty {})
            }
            psa::AsymmetricEncryption::RsaOaep { hash } => {
                EncryptionVariant::RsaOaep(hash_message(hash))
            }
        };
        AsymmetricEncryption {
            variant: Some(variant),
        }
    }
}

impl From<psa::KeyAgreement> for KeyAgreement {
    fn from(ka: psa::KeyAgreement) -> Self {
        let variant = match ka {
            psa::KeyAgreement::Raw(raw) => AgreementVariant::Raw(enum_code(raw.code())),
            psa::KeyAgreement::WithKeyDerivation {
                agreement,
                derivation,
            } => AgreementVariant::WithKeyDerivation(WithKeyDerivation {
                ka_alg: enum_code(agreement.code()),
                kdf_alg: Some(derivation.into()),
            }),
        };
        KeyAgreement {
            variant: Some(variant),
        }
    }
}

impl From<psa::KeyDerivation> for KeyDerivation {
    fn from(kdf: psa::KeyDerivation) -> Self {
        let variant = match kdf {
            psa::KeyDerivation::Hkdf { hash } => DerivationVariant::Hkdf(hash_message(hash)),
            psa::KeyDerivation::Tls12Prf { hash } => {
                DerivationVariant::Tls12Prf(hash_message(hash))
            }
            psa::KeyDerivation::Tls12PskToMs { hash } => {
                DerivationVariant::Tls12PskToMs(hash_message(hash))
            }
        };
        KeyDerivation {
            variant: Some(variant),
        }
    }
}
