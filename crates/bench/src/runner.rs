//! Runs cells: one case, in one mode, at one thread count. Every thread opens its session,
//! then all run ops through a warm-up and a measured window; only ops started inside the
//! window are counted and timed.

use std::sync::Barrier;
use std::sync::atomic::{AtomicU8, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::case::{Case, Mode};
use crate::histogram::Histogram;
use crate::modes::{Availability, Driver, Failure};

const WARMING: u8 = 0;
const MEASURING: u8 = 1;
const STOPPED: u8 = 2;

/// How long each cell runs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Timing {
    /// Ops run but not counted, before the window.
    pub(crate) warm_up: Duration,
    /// The measured window.
    pub(crate) window: Duration,
}

/// The result of one case × mode × thread count.
#[derive(Debug)]
pub(crate) struct Cell {
    /// The client mode.
    pub(crate) mode: Mode,
    /// The case.
    pub(crate) case: Case,
    /// The client threads.
    pub(crate) threads: usize,
    /// What was measured.
    pub(crate) outcome: Outcome,
}

/// What a cell found.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Ops ran and were timed.
    Measured(Measurement),
    /// The back end answered "not supported".
    NotSupported,
    /// The case means nothing in this mode (ping without a service).
    Meaningless,
}

/// Counts and latencies of a measured window.
#[derive(Debug)]
pub(crate) struct Measurement {
    /// Successful ops started in the window.
    pub(crate) ops: u64,
    /// Failed ops started in the window (and sessions that failed to open).
    pub(crate) errors: u64,
    /// The window's actual length.
    pub(crate) elapsed: Duration,
    /// Latencies of the successful ops.
    pub(crate) latencies: Histogram,
    /// The first failure, for the log.
    pub(crate) first_error: Option<String>,
}

impl Measurement {
    /// Successful ops per second.
    pub(crate) fn ops_per_second(&self) -> f64 {
        self.ops as f64 / self.elapsed.as_secs_f64().max(f64::MIN_POSITIVE)
    }

    /// Adds another window of the same cell: counts, time and latencies.
    pub(crate) fn absorb(&mut self, other: Measurement) {
        self.ops += other.ops;
        self.errors += other.errors;
        self.elapsed += other.elapsed;
        self.latencies.merge(&other.latencies);
        self.first_error = self.first_error.take().or(other.first_error);
    }
}

/// Runs `case` in `driver`'s mode at each thread count, after one probe op that detects an
/// unsupported case.
pub(crate) fn run_case(
    driver: &dyn Driver,
    case: Case,
    threads: &[usize],
    timing: Timing,
) -> Vec<Cell> {
    let cell = |threads, outcome| Cell {
        mode: driver.mode(),
        case,
        threads,
        outcome,
    };
    let unavailable = match driver.availability(case) {
        Availability::Yes if probe_unsupported(driver, case) => Some(Outcome::NotSupported),
        Availability::Yes => None,
        Availability::NotSupported => Some(Outcome::NotSupported),
        Availability::Meaningless => Some(Outcome::Meaningless),
    };
    threads
        .iter()
        .map(|&n| match &unavailable {
            Some(Outcome::NotSupported) => cell(n, Outcome::NotSupported),
            Some(_) => cell(n, Outcome::Meaningless),
            None => cell(n, Outcome::Measured(measure(driver, case, n, timing))),
        })
        .collect()
}

/// Whether one op of `case` answers "not supported". Other failures are left to the cells,
/// where they are counted as errors.
fn probe_unsupported(driver: &dyn Driver, case: Case) -> bool {
    driver
        .session(0)
        .and_then(|mut session| session.run(case))
        .is_err_and(|failure| matches!(failure, Failure::NotSupported))
}

/// One cell: `threads` sessions running `case` through the warm-up and the window.
fn measure(driver: &dyn Driver, case: Case, threads: usize, timing: Timing) -> Measurement {
    let phase = AtomicU8::new(WARMING);
    let ready = Barrier::new(threads + 1);
    thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|n| {
                let (phase, ready) = (&phase, &ready);
                scope.spawn(move || worker(driver, case, n, phase, ready))
            })
            .collect();
        ready.wait();
        thread::sleep(timing.warm_up);
        let start = Instant::now();
        phase.store(MEASURING, Ordering::Release);
        thread::sleep(timing.window);
        phase.store(STOPPED, Ordering::Release);
        let elapsed = start.elapsed();
        let mut total = Tally::new();
        for worker in workers {
            match worker.join() {
                Ok(tally) => total.merge(tally),
                Err(_) => total.fail(&Failure::other("a client thread panicked")),
            }
        }
        Measurement {
            ops: total.latencies.len(),
            errors: total.errors,
            elapsed,
            latencies: total.latencies,
            first_error: total.first_error,
        }
    })
}

/// One client thread: opens its session, waits for the others, then runs ops until stopped.
fn worker(
    driver: &dyn Driver,
    case: Case,
    thread: usize,
    phase: &AtomicU8,
    ready: &Barrier,
) -> Tally {
    let session = driver.session(thread);
    ready.wait();
    let mut tally = Tally::new();
    let mut session = match session {
        Ok(session) => session,
        Err(failure) => {
            tally.fail(&failure);
            return tally;
        }
    };
    loop {
        let now = phase.load(Ordering::Acquire);
        if now == STOPPED {
            return tally;
        }
        let start = Instant::now();
        let result = session.run(case);
        if now == MEASURING {
            match result {
                Ok(()) => tally.latencies.record(start.elapsed()),
                Err(failure) => tally.fail(&failure),
            }
        }
    }
}

/// What one thread saw in the window.
struct Tally {
    latencies: Histogram,
    errors: u64,
    first_error: Option<String>,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            latencies: Histogram::new(),
            errors: 0,
            first_error: None,
        }
    }

    fn fail(&mut self, failure: &Failure) {
        self.errors += 1;
        self.first_error.get_or_insert_with(|| failure.to_string());
    }

    fn merge(&mut self, other: Tally) {
        self.latencies.merge(&other.latencies);
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
}
