//! The benchmark's algorithms and key attributes in our PSA types (the persistent and
//! in-process modes); `published.rs` spells the same ones in the published client's types.

use psc_psa::{
    Aead, AeadAlg, Algorithm, AsymmetricSignature, Attributes, EccFamily, Hash, KeyType, Policy,
    SignHash, UsageFlags,
};

use crate::case::RSA_BITS;

/// ECDSA over SHA-256.
pub(crate) fn ecdsa() -> AsymmetricSignature {
    AsymmetricSignature::Ecdsa {
        hash: SignHash::Specific(Hash::Sha256),
    }
}

/// RSA PKCS#1 v1.5 over SHA-256.
pub(crate) fn rsa_pkcs1() -> AsymmetricSignature {
    AsymmetricSignature::RsaPkcs1v15Sign {
        hash: SignHash::Specific(Hash::Sha256),
    }
}

/// AES-GCM with its 16-byte tag.
pub(crate) fn gcm() -> Aead {
    Aead::DefaultTag(AeadAlg::Gcm)
}

/// The P-256 signing key.
pub(crate) fn ecdsa_key() -> Attributes {
    let ecc = KeyType::EccKeyPair {
        curve_family: EccFamily::SecpR1,
    };
    Attributes::signing_key(ecc, 256, ecdsa())
}

/// The RSA-2048 signing key.
pub(crate) fn rsa_key() -> Attributes {
    Attributes::signing_key(KeyType::RsaKeyPair, RSA_BITS, rsa_pkcs1())
}

/// The AES-128 key for AES-GCM.
pub(crate) fn aes_key() -> Attributes {
    Attributes {
        key_type: KeyType::Aes,
        bits: 128,
        policy: Policy {
            usage_flags: UsageFlags {
                encrypt: true,
                decrypt: true,
                ..UsageFlags::default()
            },
            permitted_algorithm: Algorithm::Aead(gcm()),
        },
    }
}
