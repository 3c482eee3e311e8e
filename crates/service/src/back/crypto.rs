//! Cryptographic operations on stored keys. Each function resolves the caller's key, checks
//! its policy, then calls the provider's capability.

use psc_provider_api::{Binding, KeyRef, SignHash};
use psc_wire::Opcode;
use psc_wire::ops::{SignHashRequest, SignHashResponse, VerifyHashRequest};

use super::policy::binding;
use super::slots::Slot;
use crate::auth::Application;
use crate::error::Error;

fn signer(slot: &Slot, opcode: Opcode) -> Result<&dyn SignHash, Error> {
    slot.provider.sign_hash().ok_or(Error::NotSupported {
        opcode,
        provider: slot.id,
    })
}

pub(crate) fn sign_hash(
    slot: &Slot,
    app: &Application,
    request: &SignHashRequest,
) -> Result<SignHashResponse, Error> {
    let key = slot.key(app, &request.key_name)?;
    key.attributes.check_sign_hash(request.alg, &request.hash)?;
    if !key.attributes.key_type.is_key_pair() {
        return Err(Error::InvalidArgument("a public key cannot sign"));
    }
    let signer = signer(slot, Opcode::PsaSignHash)?;
    let owner = binding(app, &request.key_name);
    let key_ref = KeyRef {
        attributes: &key.attributes,
        blob: &key.blob,
    };
    let signature = signer
        .sign_hash(key_ref, Binding(&owner), request.alg, &request.hash)
        .map_err(|source| Error::Provider {
            provider: slot.id,
            source,
        })?;
    Ok(SignHashResponse { signature })
}

pub(crate) fn verify_hash(
    slot: &Slot,
    app: &Application,
    request: &VerifyHashRequest,
) -> Result<(), Error> {
    let key = slot.key(app, &request.key_name)?;
    key.attributes
        .check_verify_hash(request.alg, &request.hash)?;
    let signer = signer(slot, Opcode::PsaVerifyHash)?;
    let owner = binding(app, &request.key_name);
    let key_ref = KeyRef {
        attributes: &key.attributes,
        blob: &key.blob,
    };
    signer
        .verify_hash(
            key_ref,
            Binding(&owner),
            request.alg,
            &request.hash,
            &request.signature,
        )
        .map_err(|source| Error::Provider {
            provider: slot.id,
            source,
        })
}
