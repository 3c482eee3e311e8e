//! Where slow work runs (requests placed [`Placement::Slow`](crate::back::Placement::Slow)
//! by their provider's cost): off the async workers, on a few threads of their own, as many
//! as the machine has CPUs, each request waiting for its application's turn (see
//! [`Fair`]).
//!
//! The threads run below the rest of the service (`SCHED_BATCH` at nice 10): when slow work
//! keeps every CPU busy, a short request (a Ping, another application's P-256 key) still
//! gets a CPU as soon as it is ready, instead of a time slice among the slow threads. Slow
//! work then takes the CPU time nothing else wants, and all of it when nothing else runs.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};

use thread_priority::ThreadPriority;
use thread_priority::unix::{
    NormalThreadSchedulePolicy, ThreadSchedulePolicy, set_thread_priority_and_policy,
    thread_native_id,
};
use tokio::sync::oneshot;

use super::deadline::{self, Stalls, Ticket, Unfinished, Watch};
use crate::auth::Application;
use crate::back::fair::{Fair, Turn};

/// The measurement switch: `PSC_SLOW_QUEUE=fifo` serves slow work in one queue, in
/// arrival order, whoever asked (what the fair queue is measured against; see docs/TPM.md).
/// It applies to device work too (`device.rs`).
pub(super) const QUEUE_SWITCH: &str = "PSC_SLOW_QUEUE";

/// The niceness of the slow threads, on Linux's scale from -20 (first) to 19 (last).
const NICENESS: u8 = 10;

/// How many threads, per slow thread, may be started in place of threads stuck in a call
/// past its deadline (see `deadline.rs`): with 2, two devices can hang with every slow
/// thread inside each, and the pool still has its full capacity for the other providers.
const REPLACEMENTS_PER_THREAD: usize = 2;

type Job = Box<dyn FnOnce() + Send>;

/// A job on its way to a slow thread, with its ticket (which holds its turn).
struct Task {
    job: Job,
    ticket: Arc<Ticket<Turn<Option<Application>>>>,
}

/// The capacity for slow work: its threads, and the turns between applications.
#[derive(Debug)]
pub(crate) struct Slow {
    turns: Arc<Fair<Option<Application>>>,
    jobs: Sender<Task>,
    queue: Arc<Mutex<Receiver<Task>>>,
    /// How many more threads may be started in place of stuck ones.
    spare: Arc<AtomicUsize>,
    stalls: Arc<Stalls>,
    /// One queue for everyone (the measurement switch), instead of one per application.
    fifo: bool,
}

impl Slow {
    /// Starts one slow thread per CPU. They end once the last handle to this is dropped,
    /// after the request they run.
    ///
    /// # Errors
    /// If a thread cannot be started.
    pub(crate) fn per_cpu() -> std::io::Result<Slow> {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let (jobs, queue) = mpsc::channel::<Task>();
        let slow = Slow {
            turns: Fair::new(threads),
            jobs,
            queue: Arc::new(Mutex::new(queue)),
            spare: Arc::new(AtomicUsize::new(threads * REPLACEMENTS_PER_THREAD)),
            stalls: Arc::default(),
            fifo: std::env::var_os(QUEUE_SWITCH).is_some_and(|v| v == "fifo"),
        };
        for _ in 0..threads {
            slow.spawn()?;
        }
        if slow.fifo {
            tracing::warn!(
                "{QUEUE_SWITCH}=fifo: slow work is served in arrival order, not in turn"
            );
        }
        Ok(slow)
    }

    fn spawn(&self) -> std::io::Result<()> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let (queue, spare) = (Arc::clone(&self.queue), Arc::clone(&self.spare));
        std::thread::Builder::new()
            .name(format!("psc-slow-{n}"))
            .spawn(move || work(&queue, &spare))
            .map(drop)
    }

    /// The providers with a call stuck past its deadline (their work is refused at once),
    /// shared with device work.
    pub(crate) fn stalls(&self) -> Arc<Stalls> {
        Arc::clone(&self.stalls)
    }

    /// Runs `job` for `tenant` on a slow thread, in the tenant's turn, waiting for it at
    /// most `watch.deadline` once it has started (see `deadline.rs`).
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        tenant: Option<Application>,
        watch: Watch,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Unfinished> {
        let tenant = if self.fifo { None } else { tenant };
        let turn = self.turns.turn(tenant).await;
        let ticket = Arc::new(Ticket::new(watch, Arc::clone(&self.stalls), turn));
        let (done, mut result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(job());
        });
        let task = Task {
            job,
            ticket: Arc::clone(&ticket),
        };
        self.jobs.send(task).map_err(|_| Unfinished::Failed)?;
        match deadline::within(&ticket, &mut result).await {
            Some(answer) => answer.map_err(|_| refusal(&ticket)),
            None => {
                self.replace(&ticket, watch);
                Err(Unfinished::TimedOut)
            }
        }
    }

    /// Starts a thread in place of the one stuck in `ticket`'s job, if the bound allows,
    /// and gives the stuck job's turn to the next waiter.
    fn replace(&self, ticket: &Ticket<Turn<Option<Application>>>, watch: Watch) {
        let taken = self
            .spare
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        let replaced = taken && self.spawn().is_ok();
        if replaced {
            ticket.replaced();
        } else if taken {
            self.spare.fetch_add(1, Ordering::SeqCst);
        }
        tracing::warn!(
            provider = ?watch.provider,
            opcode = ?watch.opcode,
            deadline_ms = watch.deadline.as_millis(),
            replaced,
            "a call ran past core_settings.device_timeout_ms: its provider is stalled until it \
             returns"
        );
    }
}

/// Why a job gave no answer without timing out.
fn refusal<H>(ticket: &Ticket<H>) -> Unfinished {
    if ticket.refused() {
        Unfinished::Stalled
    } else {
        Unfinished::Failed
    }
}

/// A slow thread: lowers its priority, then runs jobs until the queue closes, or until the
/// job it ran was stuck past its deadline and a thread took its place.
fn work(queue: &Mutex<Receiver<Task>>, spare: &AtomicUsize) {
    if let Err(error) = lower_priority() {
        tracing::warn!(%error, "slow work runs at normal priority");
    }
    loop {
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(Task { job, ticket }) = next else {
            return;
        };
        if !ticket.start() {
            // Its provider is stalled: dropping the job tells its waiter.
            continue;
        }
        // A panicking job drops its answer's sender: its caller sees the failure, and this
        // thread goes on.
        let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
        if ticket.finish() {
            spare.fetch_add(1, Ordering::SeqCst);
            return;
        }
    }
}

/// `SCHED_BATCH` at [`NICENESS`] for this thread only (allowed to any user: it lowers).
fn lower_priority() -> Result<(), thread_priority::Error> {
    // Crossplatform levels 0..=99 map linearly onto niceness 19..=-20.
    let level = (u32::from(19 - NICENESS) * 99 / 39) as u8;
    let priority = ThreadPriority::Crossplatform(
        level
            .try_into()
            .map_err(|_| thread_priority::Error::Priority("out of range"))?,
    );
    set_thread_priority_and_policy(
        thread_native_id(),
        priority,
        ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Batch),
    )
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use psc_wire::{Opcode, ProviderId};

    use super::*;

    fn watch(provider: ProviderId, deadline: Duration) -> Watch {
        Watch {
            provider,
            opcode: Opcode::PsaSignHash,
            deadline,
        }
    }

    fn threads() -> usize {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    }

    const LONG: Duration = Duration::from_secs(30);

    #[tokio::test]
    async fn slow_work_runs_on_its_own_threads_below_normal_priority() {
        let slow = Slow::per_cpu().unwrap();
        let (name, niceness) = slow
            .run(None, watch(ProviderId::MbedCrypto, LONG), || {
                let name = std::thread::current().name().map(str::to_owned);
                (name, rustix::process::getpriority_process(None).unwrap())
            })
            .await
            .unwrap();
        assert!(name.unwrap().starts_with("psc-slow-"));
        assert_eq!(niceness, i32::from(NICENESS));
    }

    #[tokio::test]
    async fn a_panicking_job_fails_alone() {
        let slow = Slow::per_cpu().unwrap();
        let soft = watch(ProviderId::MbedCrypto, LONG);
        for _ in 0..threads() {
            assert_eq!(
                slow.run(None, soft, || panic!("a provider bug")).await,
                Err::<(), _>(Unfinished::Failed)
            );
        }
        assert_eq!(slow.run(None, soft, || 7).await, Ok(7), "the threads go on");
    }

    /// Every slow thread stuck in one provider's calls: each times out, the provider is
    /// refused at once while they are stuck, another provider's work still runs, and once
    /// the calls return the provider serves again.
    #[tokio::test]
    async fn stuck_calls_time_out_stall_their_provider_and_leave_room_for_others() {
        let slow = Arc::new(Slow::per_cpu().unwrap());
        let device = watch(ProviderId::Tpm, Duration::from_millis(100));
        let (release, held) = mpsc::channel::<()>();
        let held = Arc::new(Mutex::new(held));
        let mut stuck = Vec::new();
        for _ in 0..threads() {
            let (slow, held) = (Arc::clone(&slow), Arc::clone(&held));
            stuck.push(tokio::spawn(async move {
                slow.run(None, device, move || {
                    let _ = held.lock().unwrap().recv();
                })
                .await
            }));
        }
        for call in stuck {
            let started = Instant::now();
            assert_eq!(call.await.unwrap(), Err(Unfinished::TimedOut));
            assert!(started.elapsed() < Duration::from_secs(5));
        }
        assert!(slow.stalls().is_stalled(ProviderId::Tpm));
        assert_eq!(slow.run(None, device, || 1).await, Err(Unfinished::Stalled));
        let soft = watch(ProviderId::MbedCrypto, LONG);
        for n in 0..threads() * 3 {
            assert_eq!(
                slow.run(None, soft, move || n).await,
                Ok(n),
                "others still run"
            );
        }
        for _ in 0..threads() {
            release.send(()).unwrap();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while slow.stalls().is_stalled(ProviderId::Tpm) {
            assert!(
                Instant::now() < deadline,
                "the stall clears once the calls return"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(slow.run(None, device, || 2).await, Ok(2));
        while slow.spare.load(Ordering::SeqCst) != threads() * REPLACEMENTS_PER_THREAD {
            assert!(Instant::now() < deadline, "the replaced threads end");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
