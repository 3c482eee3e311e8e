//! What this provider supports on this token: the predicates CanDoCrypto answers from and
//! every operation checks first, so that an algorithm the token lacks is `NotSupported`
//! before any token call, and CanDoCrypto never says otherwise.

use cryptoki::mechanism::MechanismType;
use psc_provider_api::{Check, ProviderError};
use psc_psa::{
    Aead, AeadAlg, Algorithm, AsymmetricEncryption, AsymmetricSignature, Attributes, FullLengthMac,
    Hash, KeyAgreement, KeyType, Mac, RawKeyAgreement,
};

use crate::ec::Curve;
use crate::mechanisms::Mechanisms;

/// The hashes signatures are made with (the caller's hash is signed; messages are hashed in
/// process).
pub(crate) const SIGNATURE_HASHES: [Hash; 4] =
    [Hash::Sha224, Hash::Sha256, Hash::Sha384, Hash::Sha512];

/// The smallest RSA key created here.
const MIN_RSA_BITS: u32 = 2048;

/// Whether keys of this type and size can be generated (`generate`) or imported. `bits` 0
/// (an import that reads the size from the data) passes the size check.
pub(crate) fn supports_key(m: &Mechanisms, key_type: KeyType, bits: u32, generate: bool) -> bool {
    match key_type {
        KeyType::RsaKeyPair | KeyType::RsaPublicKey => {
            if generate && key_type.is_public_key() {
                return false;
            }
            let sizes = m.sizes(MechanismType::RSA_PKCS_KEY_PAIR_GEN);
            let size_ok = |bits: u32| {
                bits >= MIN_RSA_BITS
                    && bits.is_multiple_of(8)
                    && sizes.is_none_or(|s| s.contains(bits))
            };
            if generate {
                sizes.is_some() && size_ok(bits)
            } else {
                bits == 0 || size_ok(bits)
            }
        }
        KeyType::EccKeyPair { curve_family } | KeyType::EccPublicKey { curve_family } => {
            if generate && key_type.is_public_key() {
                return false;
            }
            let curve_ok = |bits| Curve::of(curve_family, bits).is_some();
            if generate {
                m.sizes(MechanismType::ECC_KEY_PAIR_GEN)
                    .is_some_and(|s| s.contains(bits))
                    && curve_ok(bits)
            } else {
                curve_family == psc_psa::EccFamily::SecpR1 && (bits == 0 || curve_ok(bits))
            }
        }
        KeyType::Aes => {
            let sizes = m.sizes(MechanismType::AES_KEY_GEN);
            let size_ok = |bits: u32| {
                matches!(bits, 128 | 192 | 256) && sizes.is_none_or(|s| s.contains(bits / 8))
            };
            if generate {
                sizes.is_some() && size_ok(bits)
            } else {
                m.has(MechanismType::AES_GCM) && (bits == 0 || size_ok(bits))
            }
        }
        KeyType::Hmac => {
            let size_ok = |bits: u32| bits > 0 && bits.is_multiple_of(8) && bits <= MAX_HMAC_BITS;
            if generate {
                m.has(MechanismType::GENERIC_SECRET_KEY_GEN) && size_ok(bits)
            } else {
                bits == 0 || size_ok(bits)
            }
        }
        _ => false,
    }
}

/// The largest HMAC key created here (a key longer than the hash's block is hashed first,
/// so nothing is gained beyond 1024 bits).
const MAX_HMAC_BITS: u32 = 4096;

/// The shortest tag a truncated MAC or a shortened AEAD tag may have.
const MIN_TAG_LEN: u32 = 4;

/// Whether a key like `attributes` can run the AEAD algorithm `alg`: AES-GCM, with a tag of
/// 4, 8 or 12 to 16 bytes (NIST SP 800-38D).
pub(crate) fn supports_aead(m: &Mechanisms, attributes: &Attributes, alg: Aead) -> bool {
    let tag = alg.tag_len();
    attributes.key_type == KeyType::Aes
        && alg.construction() == AeadAlg::Gcm
        && m.has(MechanismType::AES_GCM)
        && (tag == MIN_TAG_LEN || tag == 8 || (12..=16).contains(&tag))
}

/// Whether a key like `attributes` can run the MAC `alg`: HMAC with a hash the token has a
/// mechanism for, the key within that mechanism's sizes (in bytes).
pub(crate) fn supports_mac(m: &Mechanisms, attributes: &Attributes, alg: Mac) -> bool {
    let FullLengthMac::Hmac { hash } = alg.full_length() else {
        return false;
    };
    let mechanism = match hash {
        Hash::Sha1 => MechanismType::SHA1_HMAC,
        Hash::Sha224 => MechanismType::SHA224_HMAC,
        Hash::Sha256 => MechanismType::SHA256_HMAC,
        Hash::Sha384 => MechanismType::SHA384_HMAC,
        Hash::Sha512 => MechanismType::SHA512_HMAC,
        _ => return false,
    };
    let length_ok = match alg {
        Mac::FullLength(_) => true,
        Mac::Truncated { length, .. } => (MIN_TAG_LEN..=hash.digest_len() as u32).contains(&length),
    };
    let bits = attributes.bits;
    attributes.key_type == KeyType::Hmac
        && length_ok
        && m.sizes(mechanism)
            .is_some_and(|s| bits == 0 || (bits.is_multiple_of(8) && s.contains(bits / 8)))
}

fn signature_hash_ok(hash: psc_psa::SignHash, accepted: &[Hash]) -> bool {
    match hash.specific() {
        Some(hash) => accepted.contains(&hash),
        None => !accepted.is_empty(),
    }
}

/// Whether a key like `attributes` can run the signature algorithm `alg`.
pub(crate) fn supports_signature(
    m: &Mechanisms,
    attributes: &Attributes,
    alg: AsymmetricSignature,
) -> bool {
    let rsa = matches!(
        attributes.key_type,
        KeyType::RsaKeyPair | KeyType::RsaPublicKey
    );
    let ecc = matches!(
        attributes.key_type,
        KeyType::EccKeyPair { .. } | KeyType::EccPublicKey { .. }
    );
    match alg {
        AsymmetricSignature::RsaPkcs1v15Sign { hash } => {
            rsa && m.has(MechanismType::RSA_PKCS) && signature_hash_ok(hash, &SIGNATURE_HASHES)
        }
        AsymmetricSignature::RsaPkcs1v15SignRaw => rsa && m.has(MechanismType::RSA_PKCS),
        AsymmetricSignature::RsaPss { hash } => {
            let hashes: Vec<Hash> = SIGNATURE_HASHES
                .into_iter()
                .filter(|h| m.pss_hashes.contains(h))
                .collect();
            rsa && m.has(MechanismType::RSA_PKCS_PSS) && signature_hash_ok(hash, &hashes)
        }
        AsymmetricSignature::Ecdsa { hash } => {
            ecc && m.has(MechanismType::ECDSA) && signature_hash_ok(hash, &SIGNATURE_HASHES)
        }
        AsymmetricSignature::EcdsaAny => ecc && m.has(MechanismType::ECDSA),
        // Tokens sign ECDSA with a random nonce; RFC 6979 is not a PKCS#11 mechanism.
        AsymmetricSignature::DeterministicEcdsa { .. } => false,
    }
}

/// Whether a key like `attributes` can run the encryption algorithm `alg`.
pub(crate) fn supports_encryption(
    m: &Mechanisms,
    attributes: &Attributes,
    alg: AsymmetricEncryption,
) -> bool {
    let rsa = matches!(
        attributes.key_type,
        KeyType::RsaKeyPair | KeyType::RsaPublicKey
    );
    match alg {
        AsymmetricEncryption::RsaPkcs1v15Crypt => rsa && m.has(MechanismType::RSA_PKCS),
        AsymmetricEncryption::RsaOaep { hash } => {
            rsa && m.has(MechanismType::RSA_PKCS_OAEP) && m.oaep_hashes.contains(&hash)
        }
    }
}

/// Whether a key like `attributes` can run the raw key agreement `alg`.
pub(crate) fn supports_agreement(
    m: &Mechanisms,
    attributes: &Attributes,
    alg: RawKeyAgreement,
) -> bool {
    alg == RawKeyAgreement::Ecdh
        && matches!(attributes.key_type, KeyType::EccKeyPair { .. })
        && m.has(MechanismType::ECDH1_DERIVE)
}

/// The provider's CanDoCrypto answer.
pub(crate) fn can_do(
    m: &Mechanisms,
    check: Check,
    attributes: &Attributes,
) -> Result<(), ProviderError> {
    let key_ok = match check {
        Check::Use => supports_key(m, attributes.key_type, attributes.bits, false),
        Check::Generate => supports_key(m, attributes.key_type, attributes.bits, true),
        Check::Import => supports_key(m, attributes.key_type, attributes.bits, false),
    };
    let alg_ok = match attributes.policy.permitted_algorithm {
        Algorithm::None => check != Check::Use,
        Algorithm::AsymmetricSignature(alg) => supports_signature(m, attributes, alg),
        Algorithm::AsymmetricEncryption(alg) => supports_encryption(m, attributes, alg),
        Algorithm::KeyAgreement(KeyAgreement::Raw(alg)) => supports_agreement(m, attributes, alg),
        Algorithm::Aead(alg) => supports_aead(m, attributes, alg),
        Algorithm::Mac(alg) => supports_mac(m, attributes, alg),
        _ => false,
    };
    if key_ok && alg_ok {
        Ok(())
    } else {
        Err(ProviderError::NotSupported(format!(
            "{check:?} {attributes:?} on this token"
        )))
    }
}
