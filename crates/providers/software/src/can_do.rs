//! CanDoCrypto: answered from the same support predicates the family modules use, so the
//! answer agrees with what the operations do.

use psc_provider_api::{Check, ProviderError};
use psc_psa::{Algorithm, Attributes, KeyType};

use crate::{ecc, hash, rsa, symmetric};

/// Whether keys of this type and size can be created (`generate`: generated, else imported).
fn supports_key(key_type: KeyType, bits: u32, generate: bool) -> bool {
    match key_type {
        KeyType::EccKeyPair { curve_family } => ecc::supports_key(curve_family, bits, false),
        KeyType::EccPublicKey { curve_family } => {
            !generate && ecc::supports_key(curve_family, bits, true)
        }
        KeyType::RsaKeyPair => rsa::supports_key(bits, generate),
        KeyType::RsaPublicKey => !generate && rsa::supports_key(bits, false),
        other if symmetric::is_symmetric(other) => symmetric::supports_key(other, bits, generate),
        _ => false,
    }
}

/// Whether a key like `attributes` can run `alg`.
fn supports_alg(attributes: &Attributes, alg: Algorithm) -> bool {
    match attributes.key_type {
        KeyType::EccKeyPair { .. } | KeyType::EccPublicKey { .. } => {
            ecc::supports_alg(attributes, alg)
        }
        KeyType::RsaKeyPair | KeyType::RsaPublicKey => rsa::supports_alg(attributes, alg),
        other if symmetric::is_symmetric(other) => symmetric::supports_alg(attributes, alg),
        _ => false,
    }
}

/// The provider's CanDoCrypto answer.
pub(crate) fn can_do(check: Check, attributes: &Attributes) -> Result<(), ProviderError> {
    let alg = attributes.policy.permitted_algorithm;
    let unsupported = || {
        Err(ProviderError::NotSupported(format!(
            "{check:?} {attributes:?}"
        )))
    };
    let key_ok = match check {
        Check::Use => true,
        Check::Generate => supports_key(attributes.key_type, attributes.bits, true),
        Check::Import => supports_key(attributes.key_type, attributes.bits, false),
    };
    if !key_ok {
        return unsupported();
    }
    let alg_ok = match alg {
        Algorithm::None => check != Check::Use,
        Algorithm::Hash(hash) => hash::supports(hash) && check != Check::Use,
        alg => supports_alg(attributes, alg),
    };
    if alg_ok { Ok(()) } else { unsupported() }
}
