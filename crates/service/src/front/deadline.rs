//! The deadline on slow work (`core_settings.device_timeout_ms`), and the providers that
//! have a call stuck past it.
//!
//! A call into a device cannot be cancelled (it is a C call, waiting on a socket or a
//! driver). So the deadline does not stop the call: it stops the *wait*. The connection
//! answers `PsaErrorCommunicationFailure`, the call goes on on its slow thread, and while it
//! has not returned its provider is **stalled**: new work for it is refused at once with the
//! same status (before it waits for a turn, and again when a thread picks it up), instead of
//! joining the stuck call. The mark is cleared when the stuck call returns, and the provider
//! serves again.
//!
//! Each job on a slow thread has a [`Ticket`], shared by the thread that runs it and the
//! connection waiting for it. The ticket also holds the job's turn (its share of the slow
//! capacity, see [`Fair`](crate::back::fair::Fair)), so that a job declared stuck can give
//! its turn up early once the pool has started a thread to replace it (`slow.rs`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use psc_wire::{Opcode, ProviderId};

use crate::error::Error;

/// What the service asks of the slow work it places: which provider, which operation, and
/// how long its call may take once started.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Watch {
    pub(crate) provider: ProviderId,
    pub(crate) opcode: Opcode,
    pub(crate) deadline: Duration,
}

/// Why slow work gave no answer.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Unfinished {
    /// The job panicked, or the threads are gone.
    Failed,
    /// Its provider has a call stuck past the deadline: refused without running.
    Stalled,
    /// It ran past its deadline; it goes on, and its provider is stalled until it returns.
    TimedOut,
}

/// Waits for `answer`, the outcome of the job `ticket` follows, until that job has run past
/// its deadline: `None` then (the job is stuck, its provider stalled).
pub(crate) async fn within<H, F: Future>(ticket: &Ticket<H>, answer: F) -> Option<F::Output> {
    let mut answer = std::pin::pin!(answer);
    let mut look = Instant::now() + ticket.watch.deadline;
    loop {
        if let Ok(out) = tokio::time::timeout_at(look.into(), &mut answer).await {
            return Some(out);
        }
        match ticket.overdue(Instant::now()) {
            Overdue::Not(then) => look = then,
            Overdue::Finished => return Some(answer.await),
            Overdue::Stuck => return None,
        }
    }
}

/// The service error for slow work that gave no answer.
pub(crate) fn error(unfinished: Unfinished, watch: Watch) -> Error {
    match unfinished {
        Unfinished::Failed => Error::Io(std::io::Error::other("slow work failed")),
        Unfinished::Stalled => stalled(watch),
        Unfinished::TimedOut => Error::DeviceTimedOut {
            provider: watch.provider,
            opcode: watch.opcode,
            ms: watch.deadline.as_millis(),
        },
    }
}

/// The error for work refused because its provider is stalled.
pub(crate) fn stalled(watch: Watch) -> Error {
    Error::DeviceStalled {
        provider: watch.provider,
        opcode: watch.opcode,
    }
}

/// The providers with calls stuck past their deadline, and how many each.
#[derive(Debug, Default)]
pub(crate) struct Stalls {
    stuck: Mutex<HashMap<ProviderId, usize>>,
}

impl Stalls {
    fn lock(&self) -> MutexGuard<'_, HashMap<ProviderId, usize>> {
        self.stuck.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether `provider` has a call that has not returned past its deadline.
    pub(crate) fn is_stalled(&self, provider: ProviderId) -> bool {
        self.lock().contains_key(&provider)
    }

    fn mark(&self, provider: ProviderId) {
        *self.lock().entry(provider).or_default() += 1;
    }

    /// One stuck call of `provider` returned; true if it was the last one.
    fn clear(&self, provider: ProviderId) -> bool {
        let mut stuck = self.lock();
        let Some(count) = stuck.get_mut(&provider) else {
            return false;
        };
        *count -= 1;
        if *count == 0 {
            stuck.remove(&provider);
            return true;
        }
        false
    }
}

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Sent to the slow threads, not yet picked up.
    Queued,
    /// Running since then.
    Running(Instant),
    /// Declared stuck by its waiter, its provider marked stalled; `replaced` if the pool
    /// started a thread in its place (this one then ends when the call returns).
    Late { replaced: bool },
    /// Not run: its provider was stalled when a thread picked it up.
    Refused,
    /// Returned.
    Done,
}

/// One job's progress, shared by its slow thread and the connection waiting for it. `H` is
/// what the job holds while it runs (its turn).
#[derive(Debug)]
pub(crate) struct Ticket<H> {
    watch: Watch,
    stalls: Arc<Stalls>,
    state: Mutex<(Phase, Option<H>)>,
}

/// A job running under its ticket ([`Ticket::begin`]): marks its end when dropped.
pub(crate) struct Running<H>(Arc<Ticket<H>>);

impl<H> Drop for Running<H> {
    fn drop(&mut self) {
        self.0.finish();
    }
}

/// What the waiter finds when its deadline passes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Overdue {
    /// Not yet: the job started later (or is still queued); look again at this instant.
    Not(Instant),
    /// Stuck: the job has run past its deadline and its provider is now marked stalled.
    Stuck,
    /// Finished in the meantime: its answer is there.
    Finished,
}

impl<H> Ticket<H> {
    /// A ticket for a job about to be queued, holding `held` until the job ends.
    pub(crate) fn new(watch: Watch, stalls: Arc<Stalls>, held: H) -> Ticket<H> {
        Ticket {
            watch,
            stalls,
            state: Mutex::new((Phase::Queued, Some(held))),
        }
    }

    fn lock(&self) -> MutexGuard<'_, (Phase, Option<H>)> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The slow thread is about to run the job: false if its provider is stalled (the job is
    /// refused, and what it held is let go).
    pub(crate) fn start(&self) -> bool {
        let refused = self.stalls.is_stalled(self.watch.provider);
        let released = {
            let mut state = self.lock();
            if refused {
                state.0 = Phase::Refused;
                state.1.take()
            } else {
                state.0 = Phase::Running(Instant::now());
                None
            }
        };
        drop(released);
        !refused
    }

    /// The job returned. True if a thread was started in this one's place (this thread
    /// should then end).
    pub(crate) fn finish(&self) -> bool {
        let (phase, released) = {
            let mut state = self.lock();
            let phase = state.0;
            state.0 = Phase::Done;
            (phase, state.1.take())
        };
        drop(released);
        let Phase::Late { replaced } = phase else {
            return false;
        };
        let last = self.stalls.clear(self.watch.provider);
        tracing::warn!(
            provider = ?self.watch.provider,
            opcode = ?self.watch.opcode,
            serving_again = last,
            "a call stuck past core_settings.device_timeout_ms returned"
        );
        replaced
    }

    /// For a job that marks its own start and end (device work): [`start`](Self::start),
    /// and a guard that marks the end when dropped, even if the job panics.
    pub(crate) fn begin(self: &Arc<Self>) -> Option<Running<H>> {
        self.start().then(|| Running(Arc::clone(self)))
    }

    /// Whether the job was refused because its provider was stalled.
    pub(crate) fn refused(&self) -> bool {
        self.lock().0 == Phase::Refused
    }

    /// The waiter's deadline passed: is the job stuck? A stuck job marks its provider
    /// stalled until it returns.
    pub(crate) fn overdue(&self, now: Instant) -> Overdue {
        let mut state = self.lock();
        match state.0 {
            Phase::Queued => Overdue::Not(now + self.watch.deadline),
            Phase::Running(started) if now < started + self.watch.deadline => {
                Overdue::Not(started + self.watch.deadline)
            }
            Phase::Running(_) => {
                state.0 = Phase::Late { replaced: false };
                self.stalls.mark(self.watch.provider);
                Overdue::Stuck
            }
            Phase::Late { .. } => Overdue::Stuck,
            Phase::Refused | Phase::Done => Overdue::Finished,
        }
    }

    /// A thread was started in place of this stuck job's: what the job held (its turn) is
    /// let go now, not when the call returns.
    pub(crate) fn replaced(&self) {
        let released = {
            let mut state = self.lock();
            if let Phase::Late { replaced } = &mut state.0 {
                *replaced = true;
                state.1.take()
            } else {
                None
            }
        };
        drop(released);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(stalls: &Arc<Stalls>, deadline: Duration) -> Ticket<()> {
        let watch = Watch {
            provider: ProviderId::Tpm,
            opcode: Opcode::PsaSignHash,
            deadline,
        };
        Ticket::new(watch, Arc::clone(stalls), ())
    }

    #[test]
    fn a_job_past_its_deadline_stalls_its_provider_until_it_returns() {
        let stalls = Arc::new(Stalls::default());
        let stuck = ticket(&stalls, Duration::ZERO);
        assert!(stuck.start());
        assert_eq!(stuck.overdue(Instant::now()), Overdue::Stuck);
        assert!(stalls.is_stalled(ProviderId::Tpm));
        assert!(!stalls.is_stalled(ProviderId::MbedCrypto));
        let next = ticket(&stalls, Duration::from_secs(1));
        assert!(!next.start(), "refused while stalled");
        assert!(next.refused());
        stuck.replaced();
        assert!(stuck.finish(), "its replacement goes on; this thread ends");
        assert!(!stalls.is_stalled(ProviderId::Tpm));
        assert!(ticket(&stalls, Duration::from_secs(1)).start());
    }

    #[test]
    fn a_job_in_time_or_queued_is_not_overdue() {
        let stalls = Arc::new(Stalls::default());
        let queued = ticket(&stalls, Duration::from_secs(5));
        let now = Instant::now();
        assert_eq!(
            queued.overdue(now),
            Overdue::Not(now + Duration::from_secs(5))
        );
        assert!(queued.start());
        assert!(matches!(queued.overdue(Instant::now()), Overdue::Not(_)));
        assert!(!queued.finish());
        assert_eq!(queued.overdue(Instant::now()), Overdue::Finished);
        assert!(!stalls.is_stalled(ProviderId::Tpm));
    }

    #[test]
    fn two_stuck_calls_clear_the_stall_when_the_last_returns() {
        let stalls = Arc::new(Stalls::default());
        let (a, b) = (
            ticket(&stalls, Duration::ZERO),
            ticket(&stalls, Duration::ZERO),
        );
        assert!(a.start() && b.start());
        assert_eq!(a.overdue(Instant::now()), Overdue::Stuck);
        assert_eq!(b.overdue(Instant::now()), Overdue::Stuck);
        assert!(!a.finish(), "not replaced: this thread goes on");
        assert!(stalls.is_stalled(ProviderId::Tpm));
        b.finish();
        assert!(!stalls.is_stalled(ProviderId::Tpm));
    }
}
