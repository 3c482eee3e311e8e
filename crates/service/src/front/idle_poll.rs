//! Idle polling: for a short window after each response, one thread of the lowest priority
//! keeps a CPU busy, so that the next request does not wait for a halted CPU to wake up.
//!
//! Each request costs at least two wake-ups between threads: the client's write wakes the
//! service, the service's answer wakes the client. When the woken thread's CPU has halted
//! because it had nothing to run, the wake-up costs what the hardware takes to bring it back;
//! on a virtual machine that is an exit to the hypervisor, about 30 µs each on the 2-vCPU VM
//! of `docs/BENCHMARKS.md`, more than an ECDSA signature takes. Kernels can poll before
//! halting (`cpuidle-haltpoll` in KVM guests), but that is a machine setting and often off.
//!
//! This does the same from the service, within bounds: the poller runs under `SCHED_IDLE`,
//! so any other thread that becomes runnable on its CPU takes the CPU from it at once; it polls
//! only within `window` of the last response (`core_settings.idle_poll_us`), then parks
//! until the next one, so an idle service uses no CPU. It is off unless configured (the
//! default window is 0): keeping a CPU awake costs power, and a busy service keeps it at
//! 100 % between requests; it is a tuning knob for virtual machines without guest halt
//! polling. With a single CPU to run on it never starts: there is no other CPU to keep awake.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, OnceLock};
use std::thread::Thread;
use std::time::{Duration, Instant};

/// The running poller; stops it when dropped.
#[derive(Debug)]
pub(crate) struct IdlePoll {
    state: Arc<State>,
}

/// What connections hold: tells the poller that a response was just written.
#[derive(Clone, Debug)]
pub(crate) struct Activity {
    state: Option<Arc<State>>,
}

#[derive(Debug)]
struct State {
    epoch: Instant,
    window_ns: u64,
    /// Nanoseconds from `epoch` to the last response.
    last: AtomicU64,
    stop: AtomicBool,
    /// Whether the poller is parked (or about to park) and must be unparked.
    parked: AtomicBool,
    /// The poller's thread, once it runs.
    thread: OnceLock<Thread>,
}

impl State {
    fn now(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    fn in_window(&self) -> bool {
        self.now().saturating_sub(self.last.load(SeqCst)) < self.window_ns
    }

    fn wake(&self) {
        if let Some(thread) = self.thread.get() {
            thread.unpark();
        }
    }
}

impl IdlePoll {
    /// Starts the poller with this window, or none (and an [`Activity`] that does nothing)
    /// for a zero window, on a single CPU, or if its thread cannot be started.
    pub(crate) fn start(window: Duration) -> (Option<IdlePoll>, Activity) {
        let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        IdlePoll::start_on(window, cpus)
    }

    /// [`IdlePoll::start`] on a machine where the service may run on `cpus` CPUs.
    fn start_on(window: Duration, cpus: usize) -> (Option<IdlePoll>, Activity) {
        if window.is_zero() {
            return (None, Activity { state: None });
        }
        if cpus < 2 {
            tracing::warn!(
                idle_poll_us = window.as_micros(),
                "core_settings.idle_poll_us is ignored: the service runs on a single CPU, \
                 where polling would only delay the threads serving requests"
            );
            return (None, Activity { state: None });
        }
        let state = Arc::new(State {
            epoch: Instant::now(),
            window_ns: u64::try_from(window.as_nanos()).unwrap_or(u64::MAX),
            last: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            parked: AtomicBool::new(false),
            thread: OnceLock::new(),
        });
        let polling = Arc::clone(&state);
        let spawned = std::thread::Builder::new()
            .name("psc-idle-poll".into())
            .stack_size(64 * 1024)
            .spawn(move || poll(&polling));
        if let Err(error) = spawned {
            tracing::warn!(%error, "idle polling is off: its thread did not start");
            return (None, Activity { state: None });
        }
        let activity = Activity {
            state: Some(Arc::clone(&state)),
        };
        (Some(IdlePoll { state }), activity)
    }
}

impl Drop for IdlePoll {
    fn drop(&mut self) {
        self.state.stop.store(true, SeqCst);
        self.state.wake();
    }
}

impl Activity {
    /// Marks a response as written: the poller polls for the next window.
    pub(crate) fn touch(&self) {
        let Some(state) = &self.state else { return };
        state.last.store(state.now(), SeqCst);
        if state.parked.load(SeqCst) && state.parked.swap(false, SeqCst) {
            state.wake();
        }
    }
}

/// The poller's thread: polls while within the window, parks outside it.
fn poll(state: &State) {
    if let Err(error) = lowest_priority() {
        tracing::warn!(%error, "idle polling is off: its priority could not be lowered");
        return;
    }
    let _ = state.thread.set(std::thread::current());
    while !state.stop.load(SeqCst) {
        if state.in_window() {
            for _ in 0..64 {
                std::hint::spin_loop();
            }
            continue;
        }
        // Announce the park before the last look at the clock: a response written after
        // that look sees the flag and unparks (`touch`), one written before it is seen here.
        state.parked.store(true, SeqCst);
        if state.in_window() || state.stop.load(SeqCst) {
            state.parked.store(false, SeqCst);
            continue;
        }
        std::thread::park();
    }
}

/// `SCHED_IDLE` for this thread only: below every normal thread, however niced. A CPU that
/// runs only such threads still counts as idle when the kernel places a woken thread or
/// balances its queues, so the poller never keeps work away from a CPU (a thread at nice 19
/// does: measured, it cost up to a fifth of the 8-thread throughput).
fn lowest_priority() -> Result<(), thread_priority::Error> {
    thread_priority::unix::set_thread_priority_and_policy(
        thread_priority::unix::thread_native_id(),
        thread_priority::ThreadPriority::Min,
        thread_priority::unix::ThreadSchedulePolicy::Normal(
            thread_priority::unix::NormalThreadSchedulePolicy::Idle,
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parked(poll: &IdlePoll) -> bool {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if poll.state.parked.load(SeqCst) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        false
    }

    #[test]
    fn a_zero_window_starts_nothing() {
        let (poll, activity) = IdlePoll::start_on(Duration::ZERO, 4);
        assert!(poll.is_none());
        activity.touch();
    }

    #[test]
    fn a_single_cpu_starts_nothing() {
        let (poll, activity) = IdlePoll::start_on(Duration::from_millis(1), 1);
        assert!(poll.is_none());
        activity.touch();
        let (poll, _) = IdlePoll::start_on(Duration::from_millis(1), 2);
        assert!(poll.is_some(), "two CPUs: the poller starts");
    }

    #[test]
    fn the_poller_parks_after_its_window_and_polls_again_after_a_response() {
        let (poll, activity) = IdlePoll::start_on(Duration::from_millis(20), 2);
        let poll = poll.expect("started");
        assert!(parked(&poll), "parks once the window has passed");
        activity.touch();
        assert!(!poll.state.parked.load(SeqCst), "a response unparks it");
        assert!(parked(&poll), "and it parks again after the window");
    }

    #[test]
    fn the_poller_runs_under_sched_idle_and_stops_when_dropped() {
        let (poll, activity) = IdlePoll::start_on(Duration::from_millis(1), 2);
        drop(activity);
        let poll = poll.expect("started");
        assert!(parked(&poll));
        let tid = poll.state.thread.get().expect("thread set").id();
        // The nice value of the poller's thread, read back from /proc.
        let stat = std::fs::read_dir("/proc/self/task")
            .expect("tasks")
            .filter_map(Result::ok)
            .filter_map(|task| std::fs::read_to_string(task.path().join("stat")).ok())
            .find(|stat| stat.contains("(psc-idle-poll)"))
            .expect("the poller's thread is listed");
        let fields: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap()
            .split_whitespace()
            .collect();
        // After the command: state is field 3, policy is field 41 (1-based, man 5 proc);
        // SCHED_IDLE is 5.
        assert_eq!(fields[41 - 3], "5", "scheduling policy of {tid:?}");
        let state = Arc::clone(&poll.state);
        drop(poll);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Arc::strong_count(&state) > 1 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(Arc::strong_count(&state), 1, "the thread ended");
    }
}
