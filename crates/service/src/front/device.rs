//! Where short device work runs (requests placed [`Placement::Device`](crate::back::Placement::Device)
//! by their provider's cost: a signature on a PKCS#11 token): off the async workers, so a
//! device that hangs holds a device thread and never a worker, on threads of their own at
//! the service's normal priority, each request in its application's turn.
//!
//! Unlike slow work (`slow.rs`), this work is short, so nothing is gained by running it
//! below the rest of the service, and much is lost: at nice 10 the threads wait for a CPU
//! behind every client of a busy machine. The turns are kept in the queue the threads take
//! their work from ([`Queues`], the same bookkeeping as slow work's), not in front of it: a
//! thread that finishes a request takes the next one in turn at once, with no hop back to
//! the async worker to hand it over.
//!
//! There are as many threads as worker permits (twice the CPUs by default): enough for a
//! device that answers in milliseconds of its own time (a smart card, a network HSM) to
//! serve several requests at once, and a bound on how many requests a hung device holds.
//! Each request is waited for within its deadline, as slow work is (`deadline.rs`), with
//! the same stalled providers; unlike slow threads, a stuck device thread is not replaced:
//! their count is that bound.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use tokio::sync::oneshot;

use super::deadline::{self, Stalls, Ticket, Unfinished, Watch};
use crate::auth::Application;
use crate::back::fair::Queues;

type Job = Box<dyn FnOnce() + Send>;

/// The threads for device work and the queue they share.
#[derive(Debug)]
pub(crate) struct Device {
    inner: Arc<Inner>,
    /// The providers with a call stuck past its deadline, shared with slow work.
    stalls: Arc<Stalls>,
    /// One queue for everyone (`PSC_SLOW_QUEUE=fifo`, as for slow work).
    fifo: bool,
}

#[derive(Debug)]
struct Inner {
    state: Mutex<State>,
    /// Signalled when a job is ready or the pool closes.
    ready: Condvar,
}

struct State {
    /// Who waits, in turn; counts as running every job ready or being run.
    turns: Queues<Option<Application>, Job>,
    /// Jobs whose turn came, for the next free thread.
    ready: VecDeque<Job>,
    closed: bool,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("ready", &self.ready.len())
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Device {
    /// Starts `threads` (at least one) device threads, whose stuck calls mark their provider
    /// in `stalls`. They end once this is dropped, after the request they run.
    ///
    /// # Errors
    /// If a thread cannot be started.
    pub(crate) fn start(threads: usize, stalls: Arc<Stalls>) -> std::io::Result<Device> {
        let threads = threads.max(1);
        let inner = Arc::new(Inner {
            state: Mutex::new(State {
                turns: Queues::new(threads),
                ready: VecDeque::new(),
                closed: false,
            }),
            ready: Condvar::new(),
        });
        for n in 0..threads {
            let inner = Arc::clone(&inner);
            std::thread::Builder::new()
                .name(format!("psc-device-{n}"))
                .spawn(move || work(&inner))?;
        }
        let fifo = std::env::var_os(super::slow::QUEUE_SWITCH).is_some_and(|v| v == "fifo");
        Ok(Device {
            inner,
            stalls,
            fifo,
        })
    }

    /// Runs `job` for `tenant` on a device thread, in the tenant's turn, waiting for it at
    /// most `watch.deadline` once it has started. A job whose caller went away before its
    /// turn (dropped this future) is not run.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        tenant: Option<Application>,
        watch: Watch,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Unfinished> {
        let ticket = Arc::new(Ticket::new(watch, Arc::clone(&self.stalls), ()));
        let follows = Arc::clone(&ticket);
        let answer = self.submit(tenant, move || {
            let _running = follows.begin()?;
            Some(job())
        });
        match deadline::within(&ticket, answer).await {
            Some(Ok(Some(out))) => Ok(out),
            Some(Ok(None)) => Err(Unfinished::Stalled),
            Some(Err(_)) => Err(Unfinished::Failed),
            None => Err(Unfinished::TimedOut),
        }
    }

    /// Queues `job` for `tenant`; its answer comes on the receiver (closed if it panicked).
    /// Dropping the receiver before the job's turn cancels it.
    fn submit<T: Send + 'static>(
        &self,
        tenant: Option<Application>,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> oneshot::Receiver<T> {
        let tenant = if self.fifo { None } else { tenant };
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            if !done.is_closed() {
                let _ = done.send(job());
            }
        });
        let mut state = self.inner.lock();
        if let Some(job) = state.turns.arrive(tenant, job) {
            state.ready.push_back(job);
            drop(state);
            self.inner.ready.notify_one();
        }
        result
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        self.inner.lock().closed = true;
        self.inner.ready.notify_all();
    }
}

/// A device thread: runs the jobs that are ready, and after each, starts the next in turn.
fn work(inner: &Inner) {
    let mut state = inner.lock();
    loop {
        let Some(job) = state.ready.pop_front() else {
            if state.closed {
                return;
            }
            state = inner
                .ready
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
            continue;
        };
        drop(state);
        // A panicking job drops its answer's sender: its caller sees the failure, and this
        // thread goes on.
        let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
        state = inner.lock();
        // This thread is free: the next job in turn is ready (and most often taken by this
        // thread at once).
        if let Some(next) = state.turns.leave() {
            state.ready.push_back(next);
        }
    }
}

#[cfg(test)]
#[path = "device/tests.rs"]
mod tests;
