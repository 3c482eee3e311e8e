//! Shared by the property-test files: runs a proptest property on a thread with a large stack.
//!
//! The derived strategy for `Request`/`Response` (a 31-variant union of nested bodies) has a
//! value tree of about 700 KB; debug builds copy it between frames and overflow the 2 MiB
//! stack of the default test thread (16 MiB is still not enough). Running the property on a
//! 64 MiB thread fixes that without touching the codec or the environment.

use std::fmt::Debug;
use std::thread;

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

const STACK: usize = 64 << 20;

/// Runs `test` on `cases` values of the strategy `make()` builds, on a large-stack thread.
///
/// # Errors
/// The minimal failing case and its reason, as text.
pub(crate) fn run_property<S, M, F>(cases: u32, make: M, test: F) -> Result<(), String>
where
    S: Strategy,
    S::Value: Debug,
    M: FnOnce() -> S + Send + 'static,
    F: Fn(S::Value) -> Result<(), TestCaseError> + Send + 'static,
{
    let worker = thread::Builder::new().stack_size(STACK).spawn(move || {
        let config = Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        };
        TestRunner::new(config)
            .run(&make(), test)
            .map_err(|e| e.to_string())
    });
    match worker.map_err(|e| e.to_string())?.join() {
        Ok(outcome) => outcome,
        Err(_) => Err("the property thread panicked".to_owned()),
    }
}
