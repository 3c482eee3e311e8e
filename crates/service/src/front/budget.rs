//! The global budget of bytes held in requests and answers (`core_settings.memory_budget_bytes`).
//!
//! Every connection may hold [`ALLOWANCE`] bytes without asking: a small request or answer
//! (a ping, a signature) never waits for the budget, so a tenant that spends it cannot stall
//! discovery. What a connection holds beyond is bounded by `max_connections` times the
//! allowance. A larger request takes its declared size from the budget before its body is
//! read, and waits for it up to the request's deadline (nothing is held while it waits); a
//! larger answer, already computed, takes its size at once or is dropped and answered
//! `PsaErrorInsufficientMemory` (waiting would hold it outside the budget). What is taken is
//! given back when the buffer is dropped.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Bytes a connection may hold without taking from the budget.
pub(crate) const ALLOWANCE: usize = 4096;

/// The bytes not yet taken.
#[derive(Clone, Debug)]
pub(crate) struct Budget {
    bytes: Arc<Semaphore>,
    total: usize,
}

/// Bytes taken from the budget, given back when dropped.
#[derive(Debug, Default)]
pub(crate) struct Held {
    _permit: Option<OwnedSemaphorePermit>,
}

impl Budget {
    pub(crate) fn new(total: usize) -> Budget {
        let total = total.clamp(1, Semaphore::MAX_PERMITS);
        Budget {
            bytes: Arc::new(Semaphore::new(total)),
            total,
        }
    }

    /// What `bytes` costs: nothing within the allowance, and never more than the whole
    /// budget (the configuration makes the budget hold the largest request and answer).
    fn cost(&self, bytes: usize) -> Option<u32> {
        (bytes > ALLOWANCE).then(|| u32::try_from(bytes.min(self.total)).unwrap_or(u32::MAX))
    }

    /// Takes `bytes`, waiting for them (the caller bounds the wait).
    pub(crate) async fn take(&self, bytes: usize) -> Held {
        let Some(cost) = self.cost(bytes) else {
            return Held { _permit: None };
        };
        // The semaphore is never closed.
        Held {
            _permit: Arc::clone(&self.bytes).acquire_many_owned(cost).await.ok(),
        }
    }

    /// Takes `bytes` if they are there now.
    pub(crate) fn try_take(&self, bytes: usize) -> Option<Held> {
        let Some(cost) = self.cost(bytes) else {
            return Some(Held { _permit: None });
        };
        Arc::clone(&self.bytes)
            .try_acquire_many_owned(cost)
            .ok()
            .map(|permit| Held {
                _permit: Some(permit),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn small_buffers_are_free_and_large_ones_are_bounded() {
        let budget = Budget::new(10_000);
        let small: Vec<Held> = (0..100)
            .map(|_| budget.try_take(ALLOWANCE).unwrap())
            .collect();
        let big = budget.take(8_000).await;
        assert!(budget.try_take(5_000).is_none());
        drop(big);
        assert!(budget.try_take(5_000).is_some());
        // Never more than the whole budget, so a request larger than it is served alone.
        let whole = budget.try_take(1 << 30).unwrap();
        assert!(budget.try_take(ALLOWANCE + 1).is_none());
        drop((whole, small));
    }
}
