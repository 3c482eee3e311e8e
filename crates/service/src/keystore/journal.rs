//! Group commit: writers arriving while a commit is on its way to the disk are committed
//! together by the next one, in one transaction and one fsync. Each writer still returns
//! only once its own writes are durable, so durability is that of a commit per write.
//!
//! There is no writer thread: whoever takes the database lock commits everything queued so
//! far, and leaves the others' outcomes for them before releasing the lock.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use super::StoreError;
use super::sqlite::{Database, Write};

/// The database, behind its queue of writes.
#[derive(Debug)]
pub(super) struct Journal {
    queue: Mutex<Queue>,
    db: Mutex<Database>,
}

/// Writes waiting for a commit, and outcomes waiting for their writer.
#[derive(Debug, Default)]
struct Queue {
    next: u64,
    waiting: Vec<(u64, Vec<Write>)>,
    done: HashMap<u64, Result<(), StoreError>>,
}

impl Journal {
    pub(super) fn new(db: Database) -> Journal {
        Journal {
            queue: Mutex::new(Queue::default()),
            db: Mutex::new(db),
        }
    }

    /// Applies `writes` atomically and durably, possibly in the same transaction as other
    /// threads' writes; returns once they are committed.
    pub(super) fn write(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        let ticket = {
            let mut queue = self.queue()?;
            let ticket = queue.next;
            queue.next += 1;
            queue.waiting.push((ticket, writes));
            ticket
        };
        // Lock order: the database, then the queue; the queue alone never waits for the
        // database, so writers can queue while a commit is in progress.
        let mut db = self.db.lock().map_err(|_| StoreError::Poisoned)?;
        let waiting = {
            let mut queue = self.queue()?;
            // A commit that ended while we waited for the lock may have carried our writes.
            if let Some(outcome) = queue.done.remove(&ticket) {
                return outcome;
            }
            std::mem::take(&mut queue.waiting)
        };
        let (tickets, batches): (Vec<u64>, Vec<Vec<Write>>) = waiting.into_iter().unzip();
        let outcomes = db.apply(&batches);
        let mut queue = self.queue()?;
        let mut mine = Err(StoreError::Unreachable("a queued write was not committed"));
        for (id, outcome) in tickets.into_iter().zip(outcomes) {
            if id == ticket {
                mine = outcome;
            } else {
                queue.done.insert(id, outcome);
            }
        }
        // The outcomes are published before the database lock is released (`db` drops after
        // `queue`), so the writers they belong to find them when they get the lock.
        drop(queue);
        drop(db);
        mine
    }

    /// Runs `f` on the database, between commits: for reads and rare writes of their own
    /// (a provider's root check value) that need no group commit.
    pub(super) fn with_db<T>(
        &self,
        f: impl FnOnce(&Database) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let db = self.db.lock().map_err(|_| StoreError::Poisoned)?;
        f(&db)
    }

    fn queue(&self) -> Result<MutexGuard<'_, Queue>, StoreError> {
        self.queue.lock().map_err(|_| StoreError::Poisoned)
    }
}
