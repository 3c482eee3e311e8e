//! Operations that use no stored key: hashes, random bytes, and CanDoCrypto.

use psc_provider_api::Check;
use psc_psa::{Algorithm, SecretBytes};
use psc_wire::Opcode;
use psc_wire::ops::can_do_crypto::CheckType;
use psc_wire::ops::{
    CanDoCryptoRequest, CanDoCryptoResponse, GenerateRandomRequest, GenerateRandomResponse,
    HashCompareRequest, HashCompareResponse, HashComputeRequest, HashComputeResponse,
};

use super::slots::Slot;
use crate::error::Error;

fn provider_error(slot: &Slot) -> impl Fn(psc_provider_api::ProviderError) -> Error + '_ {
    move |source| Error::Provider {
        provider: slot.id,
        source,
    }
}

fn not_supported(slot: &Slot, opcode: Opcode) -> Error {
    Error::NotSupported {
        opcode,
        provider: slot.id,
    }
}

pub(crate) fn hash_compute(
    slot: &Slot,
    r: &HashComputeRequest,
) -> Result<HashComputeResponse, Error> {
    let hasher = slot
        .provider
        .hash()
        .ok_or_else(|| not_supported(slot, Opcode::PsaHashCompute))?;
    let hash = hasher
        .compute(r.alg, &r.input)
        .map_err(provider_error(slot))?;
    Ok(HashComputeResponse { hash })
}

pub(crate) fn hash_compare(
    slot: &Slot,
    r: &HashCompareRequest,
) -> Result<HashCompareResponse, Error> {
    let hasher = slot
        .provider
        .hash()
        .ok_or_else(|| not_supported(slot, Opcode::PsaHashCompare))?;
    hasher
        .compare(r.alg, &r.input, &r.hash)
        .map_err(provider_error(slot))?;
    Ok(HashCompareResponse)
}

/// Random bytes, at most `limit` (`core_settings.buffer_size_limit`): the size is checked
/// before anything is allocated.
pub(crate) fn generate_random(
    slot: &Slot,
    r: &GenerateRandomRequest,
    limit: u32,
) -> Result<GenerateRandomResponse, Error> {
    let size = usize::try_from(r.size)
        .ok()
        .filter(|size| *size <= limit as usize);
    let size = size.ok_or(Error::ResponseTooLarge)?;
    let random = slot
        .provider
        .random()
        .ok_or_else(|| not_supported(slot, Opcode::PsaGenerateRandom))?;
    let mut bytes = SecretBytes::new(vec![0; size]);
    random
        .fill(bytes.as_mut_bytes())
        .map_err(provider_error(slot))?;
    Ok(GenerateRandomResponse {
        random_bytes: bytes,
    })
}

/// CanDoCrypto: the decision table of `psc_provider_api::Check` (the service's own checks,
/// the same for every provider), then the provider's answer. Success means supported;
/// every refusal is NotSupported, as in the original.
pub(crate) fn can_do_crypto(
    slot: &Slot,
    r: &CanDoCryptoRequest,
    allow_deprecated: bool,
) -> Result<CanDoCryptoResponse, Error> {
    let attributes = &r.attributes;
    let check = match r.check_type {
        CheckType::Use => Check::Use,
        CheckType::Generate => Check::Generate,
        CheckType::Import => Check::Import,
        CheckType::Derive => return Err(not_supported(slot, Opcode::CanDoCrypto)),
    };
    let alg = attributes.policy.permitted_algorithm;
    let usage = attributes.policy.usage_flags;
    let usable = usage.encrypt
        || usage.decrypt
        || usage.sign_hash
        || usage.sign_message
        || usage.verify_hash
        || usage.verify_message;
    if check == Check::Use && (alg == Algorithm::None || !usable) {
        return Err(not_supported(slot, Opcode::CanDoCrypto));
    }
    let fits = attributes.is_compatible_with(alg)
        && !matches!(alg, Algorithm::Aead(aead) if !aead.has_valid_tag());
    if alg != Algorithm::None && !fits {
        return Err(not_supported(slot, Opcode::CanDoCrypto));
    }
    let creating = check != Check::Use;
    if creating && attributes.bits != 0 && !attributes.key_type.supports_bits(attributes.bits) {
        return Err(not_supported(slot, Opcode::CanDoCrypto));
    }
    if check == Check::Generate
        && (attributes.key_type.is_public_key() || attributes.is_deprecated() && !allow_deprecated)
    {
        return Err(not_supported(slot, Opcode::CanDoCrypto));
    }
    slot.provider
        .can_do(check, attributes)
        .map_err(provider_error(slot))?;
    Ok(CanDoCryptoResponse)
}
