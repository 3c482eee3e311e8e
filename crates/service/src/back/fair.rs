//! Fair sharing of the capacity for slow work: at most `capacity` slow requests run at once,
//! and when more are waiting, applications are served in turn (round-robin between the
//! applications with requests waiting, each application's own requests in arrival order).
//! One application with a hundred requests queued delays another's next request by at most
//! one request per other waiting application, not by a hundred.
//!
//! [`Queues`] is the bookkeeping, with no synchronisation; [`Fair`] wraps it for the async
//! front end.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::oneshot;

/// Who is waiting, in which order. `W` stands for a waiter (something to wake).
#[derive(Debug)]
pub(crate) struct Queues<K, W> {
    capacity: usize,
    running: usize,
    waiting: HashMap<K, VecDeque<W>>,
    /// The applications with waiters, next to be served first. Each appears once.
    turns: VecDeque<K>,
}

impl<K: Hash + Eq + Clone, W> Queues<K, W> {
    /// Room for `capacity` (at least one) requests running at once.
    pub(crate) fn new(capacity: usize) -> Queues<K, W> {
        Queues {
            capacity: capacity.max(1),
            running: 0,
            waiting: HashMap::new(),
            turns: VecDeque::new(),
        }
    }

    /// A request of `tenant` arrives. Returns the waiter back if it may start now (it is
    /// counted as running), else queues it.
    pub(crate) fn arrive(&mut self, tenant: K, waiter: W) -> Option<W> {
        if self.running < self.capacity {
            self.running += 1;
            return Some(waiter);
        }
        let queue = self.waiting.entry(tenant.clone()).or_default();
        if queue.is_empty() {
            self.turns.push_back(tenant);
        }
        queue.push_back(waiter);
        None
    }

    /// A running request ended. Returns the next waiter to start (counted as running): the
    /// oldest of the application whose turn it is, which then goes to the back of the line.
    pub(crate) fn leave(&mut self) -> Option<W> {
        self.running = self.running.saturating_sub(1);
        let tenant = self.turns.pop_front()?;
        let queue = self.waiting.get_mut(&tenant)?;
        let waiter = queue.pop_front()?;
        if queue.is_empty() {
            self.waiting.remove(&tenant);
        } else {
            self.turns.push_back(tenant);
        }
        self.running += 1;
        Some(waiter)
    }

    /// How many run now.
    #[cfg(test)]
    pub(crate) fn running(&self) -> usize {
        self.running
    }
}

/// The capacity for slow work, shared by every connection, handed out in turn.
#[derive(Debug)]
pub(crate) struct Fair<K> {
    queues: Mutex<Queues<K, oneshot::Sender<()>>>,
}

/// The right to run one slow request; the next waiter starts when it is dropped.
#[derive(Debug)]
pub(crate) struct Turn<K: Hash + Eq + Clone> {
    fair: Arc<Fair<K>>,
}

impl<K: Hash + Eq + Clone> Fair<K> {
    /// Room for `capacity` slow requests at once.
    pub(crate) fn new(capacity: usize) -> Arc<Fair<K>> {
        Arc::new(Fair {
            queues: Mutex::new(Queues::new(capacity)),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queues<K, oneshot::Sender<()>>> {
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for `tenant`'s turn. Cancel-safe: a waiter dropped before its turn gives its
    /// place up, and one dropped just after being woken hands the turn on.
    pub(crate) async fn turn(self: &Arc<Self>, tenant: K) -> Turn<K> {
        let (wake, woken) = oneshot::channel();
        if self.lock().arrive(tenant, wake).is_some() {
            return Turn {
                fair: Arc::clone(self),
            };
        }
        let mut waiting = Waiting {
            fair: Arc::clone(self),
            woken,
        };
        // The sender lives in the queue as long as `self` does: it is never dropped unsent.
        let _ = (&mut waiting.woken).await;
        Turn {
            fair: Arc::clone(self),
        }
    }

    /// A turn ended: wakes the next waiter still there.
    fn release(&self) {
        let mut queues = self.lock();
        while let Some(next) = queues.leave() {
            if next.send(()).is_ok() {
                return;
            }
            // That waiter was dropped: its place goes to the next one.
        }
    }
}

impl<K: Hash + Eq + Clone> Drop for Turn<K> {
    fn drop(&mut self) {
        self.fair.release();
    }
}

/// A queued waiter: if dropped after it was woken but before it took its turn, the turn is
/// handed on.
struct Waiting<K: Hash + Eq + Clone> {
    fair: Arc<Fair<K>>,
    woken: oneshot::Receiver<()>,
}

impl<K: Hash + Eq + Clone> Drop for Waiting<K> {
    fn drop(&mut self) {
        self.woken.close();
        if self.woken.try_recv().is_ok() {
            self.fair.release();
        }
    }
}

#[cfg(test)]
#[path = "fair/tests.rs"]
mod tests;
