//! Key lifecycle operations and the key-listing core operations.

use std::sync::Arc;

use psc_provider_api::{Binding, KeyLifecycle, KeyRef, NewKey, ProviderError};
use psc_psa::{PolicyError, Usage};
use psc_wire::ops::list_keys::KeyInfo;
use psc_wire::ops::{
    DeleteClientResponse, DestroyKeyRequest, DestroyKeyResponse, ExportKeyRequest,
    ExportKeyResponse, ExportPublicKeyRequest, ExportPublicKeyResponse, GenerateKeyRequest,
    GenerateKeyResponse, ImportKeyRequest, ImportKeyResponse, ListClientsResponse,
    ListKeysResponse,
};
use psc_wire::{Opcode, ProviderId};

use super::policy::{self, Creation, binding};
use super::slots::Slot;
use crate::auth::Application;
use crate::error::Error;
use crate::keystore::{KeyRecord, KeyStore, Pending};

fn lifecycle(slot: &Slot, opcode: Opcode) -> Result<&dyn KeyLifecycle, Error> {
    slot.provider.key_lifecycle().ok_or(Error::NotSupported {
        opcode,
        provider: slot.id,
    })
}

pub(crate) fn generate(
    slot: &Slot,
    app: &Application,
    request: &GenerateKeyRequest,
    allow_deprecated: bool,
    quota: usize,
) -> Result<GenerateKeyResponse, Error> {
    policy::check_key_name(&request.key_name)?;
    policy::check_new_key(&request.attributes, Creation::Generate, allow_deprecated)?;
    let lifecycle = lifecycle(slot, Opcode::PsaGenerateKey)?;
    let owner = binding(app, &request.key_name);
    create(
        slot,
        app,
        &request.key_name,
        quota,
        lifecycle,
        &request.attributes,
        |plan| match plan {
            Some(plan) => lifecycle.generate_planned(plan, &request.attributes, Binding(&owner)),
            None => lifecycle.generate(&request.attributes, Binding(&owner)),
        },
    )?;
    Ok(GenerateKeyResponse)
}

pub(crate) fn import(
    slot: &Slot,
    app: &Application,
    request: &ImportKeyRequest,
    allow_deprecated: bool,
    quota: usize,
) -> Result<ImportKeyResponse, Error> {
    policy::check_key_name(&request.key_name)?;
    policy::check_new_key(&request.attributes, Creation::Import, allow_deprecated)?;
    let lifecycle = lifecycle(slot, Opcode::PsaImportKey)?;
    let owner = binding(app, &request.key_name);
    create(
        slot,
        app,
        &request.key_name,
        quota,
        lifecycle,
        &request.attributes,
        |plan| match plan {
            Some(plan) => {
                lifecycle.import_planned(plan, &request.attributes, &request.data, Binding(&owner))
            }
            None => lifecycle.import(&request.attributes, &request.data, Binding(&owner)),
        },
    )?;
    Ok(ImportKeyResponse)
}

/// The creation protocol: reserve the name; for a provider with external state, ask it to
/// plan the object and record the intent (the plan's blob) durably; create; commit the row
/// as a key. A failure after the intent undoes the creation (destroys the planned object,
/// then removes the row); if the object cannot be destroyed, its intent stays, parked for a
/// retry (`recovery.rs`), so nothing is orphaned. An application holding `quota` keys in
/// the store (`core_settings.max_keys_per_application`) creates no more.
fn create(
    slot: &Slot,
    app: &Application,
    name: &str,
    quota: usize,
    lifecycle: &dyn KeyLifecycle,
    attributes: &psc_psa::Attributes,
    make: impl FnOnce(Option<&[u8]>) -> Result<NewKey, ProviderError>,
) -> Result<(), Error> {
    let store = &slot.store;
    let provider_error = |source| Error::Provider {
        provider: slot.id,
        source,
    };
    store.reserve_within(app, name, quota)?;
    let intent = if lifecycle.keeps_external_state() {
        let planned = lifecycle
            .plan(attributes)
            .map_err(provider_error)
            .and_then(|blob| {
                let record = KeyRecord {
                    provider: slot.id,
                    attributes: *attributes,
                    blob,
                };
                store.record_intent(app, name, &record)?;
                Ok(record)
            });
        match planned {
            Ok(record) => Some(record),
            Err(error) => {
                release(store, app, name);
                return Err(error);
            }
        }
    } else {
        None
    };
    let outcome = make(intent.as_ref().map(|r| r.blob.as_slice()))
        .map_err(provider_error)
        .and_then(|new| {
            let record = KeyRecord {
                provider: slot.id,
                attributes: new.attributes,
                blob: new.blob,
            };
            store.commit(app, name, record.clone()).map_err(|error| {
                if intent.is_none() {
                    // Blob-only keys: nothing outside the store to undo.
                    let key = KeyRef {
                        attributes: &record.attributes,
                        blob: &record.blob,
                    };
                    if let Err(destroy) = lifecycle.destroy(key) {
                        tracing::error!(%destroy, "could not destroy a key whose creation failed");
                    }
                }
                Error::from(error)
            })
        });
    if outcome.is_err() {
        match intent {
            Some(record) => super::recovery::finish(
                store,
                Some(slot.provider.as_ref()),
                Pending {
                    app: app.clone(),
                    name: name.to_owned(),
                    record,
                    deleting: false,
                },
            ),
            None => release(store, app, name),
        }
    }
    outcome
}

fn release(store: &KeyStore, app: &Application, name: &str) {
    if let Err(error) = store.release(app, name) {
        tracing::error!(%error, "could not release a key name");
    }
}

pub(crate) fn export_public(
    slot: &Slot,
    app: &Application,
    request: &ExportPublicKeyRequest,
) -> Result<ExportPublicKeyResponse, Error> {
    let key = slot.key(app, &request.key_name)?;
    if !key.attributes.key_type.is_asymmetric() {
        return Err(Error::InvalidArgument("a symmetric key has no public part"));
    }
    let lifecycle = lifecycle(slot, Opcode::PsaExportPublicKey)?;
    let owner = binding(app, &request.key_name);
    let key_ref = KeyRef {
        attributes: &key.attributes,
        blob: &key.blob,
    };
    let data = lifecycle
        .export_public(key_ref, Binding(&owner))
        .map_err(|source| Error::Provider {
            provider: slot.id,
            source,
        })?;
    Ok(ExportPublicKeyResponse { data })
}

/// The key material itself: only with the export usage flag.
pub(crate) fn export(
    slot: &Slot,
    app: &Application,
    request: &ExportKeyRequest,
) -> Result<ExportKeyResponse, Error> {
    let key = slot.key(app, &request.key_name)?;
    if !key.attributes.policy.usage_flags.allows(Usage::Export) {
        return Err(PolicyError::UsageNotAllowed(Usage::Export).into());
    }
    let lifecycle = lifecycle(slot, Opcode::PsaExportKey)?;
    let owner = binding(app, &request.key_name);
    let key_ref = KeyRef {
        attributes: &key.attributes,
        blob: &key.blob,
    };
    let data = lifecycle
        .export(key_ref, Binding(&owner))
        .map_err(|source| Error::Provider {
            provider: slot.id,
            source,
        })?;
    Ok(ExportKeyResponse { data })
}

pub(crate) fn destroy(
    slot: &Slot,
    app: &Application,
    request: &DestroyKeyRequest,
) -> Result<DestroyKeyResponse, Error> {
    slot.key(app, &request.key_name)?;
    let lifecycle = lifecycle(slot, Opcode::PsaDestroyKey)?;
    destroy_named(slot.id, &slot.store, lifecycle, app, &request.key_name)?;
    Ok(DestroyKeyResponse)
}

/// The deletion protocol: take the key out of use (recording the intent durably when the
/// provider keeps external state), destroy the provider's object, then remove the row. A
/// deletion is durable or not started: if the row cannot be removed (a full disk), a key
/// without external state is back in use, so the client is never told a key is gone that
/// would come back at the next start. For a provider with external state, once the intent
/// is written the deletion is finished later if a step fails (`recovery.rs`): the key never
/// comes back.
pub(crate) fn destroy_named(
    provider: ProviderId,
    store: &KeyStore,
    lifecycle: &dyn KeyLifecycle,
    app: &Application,
    name: &str,
) -> Result<(), Error> {
    let external = lifecycle.keeps_external_state();
    let record = store.begin_delete(app, name, external)?;
    let key = KeyRef {
        attributes: &record.attributes,
        blob: &record.blob,
    };
    let park = || {
        store.park(Pending {
            app: app.clone(),
            name: name.to_owned(),
            record: KeyRecord::clone(&record),
            deleting: true,
        });
    };
    if let Err(source) = lifecycle.destroy(key) {
        if external {
            park();
        } else {
            store.cancel_delete(app, name, Arc::clone(&record))?;
        }
        return Err(Error::Provider { provider, source });
    }
    if let Err(error) = store.finish_delete(app, name) {
        // The row is still there (the write did not commit): a key without external state
        // is still whole, so it goes back into use and a retry can delete it. A key with
        // external state stays marked as being deleted, parked for a retry.
        if external {
            park();
        } else {
            store.cancel_delete(app, name, record)?;
        }
        return Err(error.into());
    }
    Ok(())
}

/// An upper bound of what one key costs in an encoded ListKeys answer besides its name:
/// field tags and lengths, the provider and the attributes (`listing_bound_holds` checks it).
const LISTED_KEY_OVERHEAD: usize = 128;

/// The caller's keys over every provider: store by store, each sorted by name. A listing
/// whose answer could exceed `limit` bytes (`core_settings.buffer_size_limit`) is refused
/// with `ResponseTooLarge` before it is built.
pub(crate) fn list(
    slots: &[Slot],
    app: &Application,
    limit: u32,
) -> Result<ListKeysResponse, Error> {
    let mut left = limit as usize;
    let mut keys = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        // Providers sharing a store list it once.
        if slots[..i]
            .iter()
            .any(|s| Arc::ptr_eq(&s.store, &slot.store))
        {
            continue;
        }
        let listed = match slot.store.list_within(app, left, LISTED_KEY_OVERHEAD) {
            Err(crate::keystore::StoreError::ListingTooLarge(_)) => {
                return Err(Error::ResponseTooLarge);
            }
            other => other?,
        };
        for (name, _) in &listed {
            left = left.saturating_sub(name.len() + LISTED_KEY_OVERHEAD);
        }
        for (name, record) in listed {
            keys.push(KeyInfo {
                provider_id: record.provider,
                name,
                attributes: record.attributes,
            });
        }
    }
    Ok(ListKeysResponse { keys })
}

/// The applications of the admin's authenticator owning at least one key, sorted.
pub(crate) fn clients(slots: &[Slot], admin: &Application) -> Result<ListClientsResponse, Error> {
    let mut names = Vec::new();
    for slot in slots {
        for app in slot.store.applications()? {
            if app.auth == admin.auth {
                names.push(app.name);
            }
        }
    }
    names.sort();
    names.dedup();
    Ok(ListClientsResponse { clients: names })
}

/// Destroys every key of `client` (under the admin's authenticator) in every provider. Every
/// key is attempted; the first failure is reported, and a client without keys is
/// `DoesNotExist` rather than a silent success.
pub(crate) fn delete_client(
    slots: &[Slot],
    admin: &Application,
    client: &str,
) -> Result<DeleteClientResponse, Error> {
    let app = Application {
        auth: admin.auth,
        name: client.to_owned(),
    };
    let mut found = false;
    let mut first_error = None;
    for slot in slots {
        let Some(lifecycle) = slot.provider.key_lifecycle() else {
            continue;
        };
        for (name, record) in slot.store.list(&app)? {
            if record.provider != slot.id {
                continue;
            }
            found = true;
            if let Err(error) = destroy_named(slot.id, &slot.store, lifecycle, &app, &name) {
                tracing::error!(%error, provider = %slot.name, "DeleteClient could not destroy a key");
                first_error.get_or_insert(error);
            }
        }
    }
    match (first_error, found) {
        (Some(error), _) => Err(error),
        (None, true) => Ok(DeleteClientResponse),
        (None, false) => Err(crate::keystore::StoreError::DoesNotExist.into()),
    }
}
