//! The kept-open connections waiting for their next request, so that the one idle longest
//! can be closed when a new connection arrives at `max_connections`: an idle connection
//! costs its client nothing to reopen, a refused one costs another client its request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use tokio::sync::oneshot;

/// The idle connections, shared by the accept loop and every connection.
#[derive(Clone, Debug, Default)]
pub(crate) struct IdleSet {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug, Default)]
struct Inner {
    next: u64,
    idle: HashMap<u64, Entry>,
}

#[derive(Debug)]
struct Entry {
    since: Instant,
    /// Dropped to tell the connection to close.
    _close: oneshot::Sender<()>,
}

/// A connection's place in the set while it idles; leaves the set when dropped.
#[derive(Debug)]
pub(crate) struct Idling {
    set: IdleSet,
    id: u64,
    closed: oneshot::Receiver<()>,
}

impl IdleSet {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Nothing in the set can be left inconsistent by a panic.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Enters the set, idle from now.
    pub(crate) fn enter(&self) -> Idling {
        let (close, closed) = oneshot::channel();
        let mut inner = self.lock();
        let id = inner.next;
        inner.next += 1;
        inner.idle.insert(
            id,
            Entry {
                since: Instant::now(),
                _close: close,
            },
        );
        Idling {
            set: self.clone(),
            id,
            closed,
        }
    }

    /// Tells the connection idle longest to close; false if none idles.
    pub(crate) fn close_longest_idle(&self) -> bool {
        let mut inner = self.lock();
        let oldest = inner
            .idle
            .iter()
            .min_by_key(|(_, entry)| entry.since)
            .map(|(id, _)| *id);
        oldest.is_some_and(|id| inner.idle.remove(&id).is_some())
    }
}

impl Idling {
    /// Completes when the accept loop wants this connection closed.
    pub(crate) async fn closed(&mut self) {
        let _ = (&mut self.closed).await;
    }
}

impl Drop for Idling {
    fn drop(&mut self) {
        self.set.lock().idle.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_longest_idle_is_closed_first() {
        let set = IdleSet::default();
        let mut first = set.enter();
        let second = set.enter();
        assert!(set.close_longest_idle());
        first.closed().await;
        drop(first);
        drop(second);
        assert!(!set.close_longest_idle());
    }
}
