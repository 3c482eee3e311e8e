//! Where a request runs, decided once it is authenticated and decoded, from the provider's
//! own [`Provider::cost`](psc_provider_api::Provider::cost) of the operation on the caller's
//! key. The service never tests which provider it is.

use psc_provider_api::{Cost, Operation};
use psc_psa::Attributes;
use psc_wire::ops::prepare_key_attestation::PrepareParams;
use psc_wire::{Opcode, Request};

use super::slots::Slot;
use crate::auth::Application;

/// Where the front end runs a prepared request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Placement {
    /// On the connection's task: short, CPU-bound work (discovery, most software crypto).
    Inline,
    /// On the blocking pool, bounded by the worker permits: short work that waits for a
    /// commit to the key store's disk.
    Blocking,
    /// Off the async workers, on the threads for short device work (normal priority),
    /// shared in turn between applications (see [`Queues`](crate::back::fair::Queues)).
    Device,
    /// Off the async workers, on the bounded capacity for slow work, shared in turn between
    /// applications (see [`Fair`](crate::back::fair::Fair)).
    Slow,
}

/// The placement of a core operation: it never reaches a provider; one that commits to the
/// store (DeleteClient, which also destroys keys) waits on the blocking pool.
pub(crate) fn core(opcode: Opcode) -> Placement {
    if opcode.spec().commits {
        Placement::Blocking
    } else {
        Placement::Inline
    }
}

/// The placement of a crypto operation on `slot` by `app`. A request whose key does not
/// exist runs inline: it fails at once.
pub(crate) fn crypto(slot: &Slot, app: Option<&Application>, request: &Request) -> Placement {
    let (operation, key) = work(slot, app, request);
    let writes_store = request.opcode().spec().commits;
    match slot.provider.cost(operation, key.as_ref()) {
        Cost::Slow => Placement::Slow,
        Cost::Device => Placement::Device,
        Cost::Inline if writes_store => Placement::Blocking,
        Cost::Inline => Placement::Inline,
    }
}

/// The operation a request asks of its provider, and the attributes of its key.
fn work(
    slot: &Slot,
    app: Option<&Application>,
    request: &Request,
) -> (Operation, Option<Attributes>) {
    let stored = |name: &str| {
        app.and_then(|app| slot.key(app, name).ok())
            .map(|record| record.attributes)
    };
    match request {
        Request::PsaGenerateKey(r) => (Operation::Generate, Some(r.attributes)),
        Request::PsaImportKey(r) => (Operation::Import, Some(r.attributes)),
        Request::PsaExportPublicKey(r) => (Operation::ExportPublic, stored(&r.key_name)),
        Request::PsaExportKey(r) => (Operation::Export, stored(&r.key_name)),
        Request::PsaDestroyKey(r) => (Operation::Destroy, stored(&r.key_name)),
        Request::PsaSignHash(r) => (Operation::Sign, stored(&r.key_name)),
        Request::PsaSignMessage(r) => (Operation::Sign, stored(&r.key_name)),
        Request::PsaVerifyHash(r) => (Operation::Verify, stored(&r.key_name)),
        Request::PsaVerifyMessage(r) => (Operation::Verify, stored(&r.key_name)),
        Request::PsaAsymmetricEncrypt(r) => (Operation::Encrypt, stored(&r.key_name)),
        Request::PsaAsymmetricDecrypt(r) => (Operation::Decrypt, stored(&r.key_name)),
        Request::PsaAeadEncrypt(r) => (Operation::Symmetric, stored(&r.key_name)),
        Request::PsaAeadDecrypt(r) => (Operation::Symmetric, stored(&r.key_name)),
        Request::PsaCipherEncrypt(r) => (Operation::Symmetric, stored(&r.key_name)),
        Request::PsaCipherDecrypt(r) => (Operation::Symmetric, stored(&r.key_name)),
        Request::PsaMacCompute(r) => (Operation::Symmetric, stored(&r.key_name)),
        Request::PsaMacVerify(r) => (Operation::Symmetric, stored(&r.key_name)),
        Request::PsaRawKeyAgreement(r) => (Operation::Agreement, stored(&r.private_key_name)),
        Request::AttestKey(r) => (Operation::Attest, stored(&r.attested_key_name)),
        Request::PrepareKeyAttestation(r) => {
            let PrepareParams::ActivateCredential {
                attested_key_name, ..
            } = &r.parameters;
            (Operation::Attest, stored(attested_key_name))
        }
        _ => (Operation::Keyless, None),
    }
}
