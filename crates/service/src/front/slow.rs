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
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};

use thread_priority::ThreadPriority;
use thread_priority::unix::{
    NormalThreadSchedulePolicy, ThreadSchedulePolicy, set_thread_priority_and_policy,
    thread_native_id,
};
use tokio::sync::oneshot;

use crate::auth::Application;
use crate::back::fair::Fair;

/// The measurement switch: `PSC_SLOW_QUEUE=fifo` serves slow work in one queue, in
/// arrival order, whoever asked (what the fair queue is measured against; see docs/TPM.md).
/// It applies to device work too (`device.rs`).
pub(super) const QUEUE_SWITCH: &str = "PSC_SLOW_QUEUE";

/// The niceness of the slow threads, on Linux's scale from -20 (first) to 19 (last).
const NICENESS: u8 = 10;

type Job = Box<dyn FnOnce() + Send>;

/// The capacity for slow work: its threads, and the turns between applications.
#[derive(Debug)]
pub(crate) struct Slow {
    turns: Arc<Fair<Option<Application>>>,
    jobs: Sender<Job>,
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
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name(format!("psc-slow-{n}"))
                .spawn(move || work(&queue))?;
        }
        let fifo = std::env::var_os(QUEUE_SWITCH).is_some_and(|v| v == "fifo");
        if fifo {
            tracing::warn!(
                "{QUEUE_SWITCH}=fifo: slow work is served in arrival order, not in turn"
            );
        }
        Ok(Slow {
            turns: Fair::new(threads),
            jobs,
            fifo,
        })
    }

    /// Runs `job` for `tenant` on a slow thread, in the tenant's turn. `None` if the job
    /// panicked or the threads are gone.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        tenant: Option<Application>,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let tenant = if self.fifo { None } else { tenant };
        let turn = self.turns.turn(tenant).await;
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _turn = turn;
            let _ = done.send(job());
        });
        self.jobs.send(job).ok()?;
        result.await.ok()
    }
}

/// A slow thread: lowers its priority, then runs jobs until the queue closes.
fn work(queue: &Mutex<Receiver<Job>>) {
    if let Err(error) = lower_priority() {
        tracing::warn!(%error, "slow work runs at normal priority");
    }
    loop {
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = next else {
            return;
        };
        // A panicking job drops its answer's sender: its caller sees the failure, and this
        // thread goes on.
        let _ = std::panic::catch_unwind(AssertUnwindSafe(job));
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
    use super::*;

    #[tokio::test]
    async fn slow_work_runs_on_its_own_threads_below_normal_priority() {
        let slow = Slow::per_cpu().unwrap();
        let (name, niceness) = slow
            .run(None, || {
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
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        for _ in 0..threads {
            assert_eq!(
                slow.run(None, || panic!("a provider bug")).await,
                None::<()>
            );
        }
        assert_eq!(slow.run(None, || 7).await, Some(7), "the threads go on");
    }
}
