//! CanDoCrypto: answered from the same support predicates the family modules use, so the
//! answer agrees with what the operations do.

use psc_provider_api::{Check, ProviderError};
use psc_psa::{Algorithm, Attributes, KeyType};

use crate::{ecc, rsa, symmetric};

/// Whether keys of this type and size can be created (`generate`: generated, else imported).
fn supports_key(key_type: KeyType, bits: u32, generate: bool, min_rsa: u32) -> bool {
    match key_type {
        KeyType::EccKeyPair { curve_family } => ecc::supports_key(curve_family, bits, false),
        KeyType::EccPublicKey { curve_family } => {
            !generate && ecc::supports_key(curve_family, bits, true)
        }
        KeyType::RsaKeyPair => rsa::supports_key(bits, generate, min_rsa),
        KeyType::RsaPublicKey => !generate && rsa::supports_key(bits, false, min_rsa),
        KeyType::DhKeyPair { .. } => crate::dh::supports_key(bits),
        KeyType::DhPublicKey { .. } => !generate && crate::dh::supports_key(bits),
        other if symmetric::is_symmetric(other) => symmetric::supports_key(other, bits, generate),
        _ => false,
    }
}

/// Whether a key like `attributes` can run `alg`.
fn supports_alg(attributes: &Attributes, alg: Algorithm, min_rsa: u32) -> bool {
    match attributes.key_type {
        KeyType::EccKeyPair { .. } | KeyType::EccPublicKey { .. } => {
            ecc::supports_alg(attributes, alg)
        }
        KeyType::RsaKeyPair | KeyType::RsaPublicKey => rsa::supports_alg(attributes, alg, min_rsa),
        KeyType::DhKeyPair { .. } | KeyType::DhPublicKey { .. } => {
            crate::dh::supports_alg(attributes, alg)
        }
        other if symmetric::is_symmetric(other) => symmetric::supports_alg(attributes, alg),
        _ => false,
    }
}

/// The provider's CanDoCrypto answer.
pub(crate) fn can_do(
    check: Check,
    attributes: &Attributes,
    min_rsa: u32,
) -> Result<(), ProviderError> {
    let alg = attributes.policy.permitted_algorithm;
    let unsupported = || {
        Err(ProviderError::NotSupported(format!(
            "{check:?} {attributes:?}"
        )))
    };
    let key_ok = match check {
        Check::Use => true,
        Check::Generate => supports_key(attributes.key_type, attributes.bits, true, min_rsa),
        Check::Import => supports_key(attributes.key_type, attributes.bits, false, min_rsa),
    };
    if !key_ok {
        return unsupported();
    }
    let alg_ok = match alg {
        Algorithm::None => check != Check::Use,
        Algorithm::Hash(hash) => psc_provider_api::digest::supports(hash) && check != Check::Use,
        alg => supports_alg(attributes, alg, min_rsa),
    };
    if alg_ok { Ok(()) } else { unsupported() }
}
