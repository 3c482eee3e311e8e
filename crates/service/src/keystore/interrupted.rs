//! Interrupted operations the service could not finish yet: an intent whose provider was
//! unreachable (or not configured) when the store was opened, or whose object could not be
//! destroyed after a failed creation or during a deletion. Their rows stay in the file and
//! their names stay held; the service retries them on a later request to their provider
//! ([`KeyStore::take_due`]), at most once per [`RETRY_INTERVAL`].

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use psc_wire::ProviderId;

use super::{KeyStore, Pending};

/// The shortest time between two retries of a store's parked operations.
pub(super) const RETRY_INTERVAL: Duration = Duration::from_millis(500);

#[derive(Debug, Default)]
pub(super) struct Parked {
    list: Mutex<List>,
    /// Whether `list` may hold anything: the request path's check, without the lock.
    any: AtomicBool,
}

#[derive(Debug, Default)]
struct List {
    waiting: Vec<Pending>,
    last_try: Option<Instant>,
}

impl KeyStore {
    /// Keeps an interrupted operation (its row stays, its name stays held) for a later
    /// retry.
    pub fn park(&self, pending: Pending) {
        if let Ok(mut list) = self.parked.list.lock() {
            list.waiting.push(pending);
            self.parked.any.store(true, Ordering::Release);
        }
    }

    /// Whether any operation waits for a retry.
    pub fn has_parked(&self) -> bool {
        self.parked.any.load(Ordering::Acquire)
    }

    /// Takes out the parked operations of `provider` if a retry is due (none was tried in
    /// the last [`RETRY_INTERVAL`]); the caller parks again those it still cannot finish.
    pub fn take_due(&self, provider: ProviderId) -> Vec<Pending> {
        let Ok(mut list) = self.parked.list.lock() else {
            return Vec::new();
        };
        if !list.waiting.iter().any(|p| p.record.provider == provider)
            || list
                .last_try
                .is_some_and(|at| at.elapsed() < RETRY_INTERVAL)
        {
            return Vec::new();
        }
        list.last_try = Some(Instant::now());
        let (mine, others) = std::mem::take(&mut list.waiting)
            .into_iter()
            .partition(|p| p.record.provider == provider);
        list.waiting = others;
        self.parked
            .any
            .store(!list.waiting.is_empty(), Ordering::Release);
        mine
    }
}
