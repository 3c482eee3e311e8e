//! Finishing operations a crash (or a failure) interrupted, for keys whose provider keeps
//! objects outside the store.
//!
//! An intent row names the object (its blob is the provider's plan, or the key's blob for a
//! deletion). Finishing it is always the same two steps: destroy the object (an interrupted
//! creation is undone, an interrupted deletion completed; destroying an object that is
//! already gone succeeds), then remove the row. If the provider is not configured, or the
//! destroy fails (device absent, wrong PIN), the row stays in the file, the name stays
//! held, and the operation is parked in the store; [`retry`] tries again on a later request
//! to that provider, where that request runs off the connection's task (`Service::run`): a
//! device that hangs in the retry holds a slow thread, under its deadline, never an async
//! worker. A row is removed only once its object is known to be gone.

use psc_provider_api::{KeyRef, Provider};

use super::slots::Slot;
use crate::keystore::{KeyStore, Pending};

/// Finishes `pending`, or parks it in `store` for a retry. `provider` is the one the row
/// names, if it is configured.
pub(crate) fn finish(store: &KeyStore, provider: Option<&dyn Provider>, pending: Pending) {
    let Some(provider) = provider else {
        tracing::warn!(
            provider = ?pending.record.provider,
            deleting = pending.deleting,
            "an interrupted operation waits for its provider, which is not configured"
        );
        store.park(pending);
        return;
    };
    if let Some(lifecycle) = provider.key_lifecycle() {
        let key = KeyRef {
            attributes: &pending.record.attributes,
            blob: &pending.record.blob,
        };
        if let Err(error) = lifecycle.destroy(key) {
            tracing::warn!(
                %error,
                provider = ?pending.record.provider,
                deleting = pending.deleting,
                "could not destroy the object of an interrupted operation; its row is kept and \
                 the operation retried on a later request to the provider"
            );
            store.park(pending);
            return;
        }
    }
    if let Err(error) = store.finish_delete(&pending.app, &pending.name) {
        tracing::warn!(%error, "could not remove the row of an interrupted operation; retried later");
        store.park(pending);
        return;
    }
    tracing::info!(
        deleting = pending.deleting,
        "finished an interrupted operation"
    );
}

/// Retries the operations parked for this slot's provider, if a retry is due. Cheap when
/// nothing is parked (one atomic load).
pub(crate) fn retry(slot: &Slot) {
    if !slot.store.has_parked() {
        return;
    }
    for pending in slot.store.take_due(slot.id) {
        finish(&slot.store, Some(slot.provider.as_ref()), pending);
    }
}
