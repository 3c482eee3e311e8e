//! Idle polling as the running service does it (`core_settings.idle_poll_us`): off by
//! default (no poller thread, so no CPU time spent between requests); when configured, one
//! thread under SCHED_IDLE that runs after a response and uses no CPU once its window has
//! passed; never on a single CPU, even when configured. One test: it reads this process's
//! threads.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use psc_testkit::TestDaemon;
use psc_wire::Opcode;
use psc_wire::header::{HEADER_LEN, RawHeader};

/// The `/proc` directories of this process's threads named `psc-idle-poll`.
fn pollers() -> Vec<PathBuf> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .map(|task| task.unwrap().path())
        .filter(|task| {
            std::fs::read_to_string(task.join("comm")).is_ok_and(|c| c.trim() == "psc-idle-poll")
        })
        .collect()
}

/// Nanoseconds the thread has run (first field of `schedstat`).
fn ran_ns(task: &Path) -> u64 {
    let stat = std::fs::read_to_string(task.join("schedstat")).unwrap();
    stat.split_whitespace().next().unwrap().parse().unwrap()
}

/// The scheduling policy (field 41 of `stat`; SCHED_IDLE is 5).
fn policy(task: &Path) -> String {
    let stat = std::fs::read_to_string(task.join("stat")).unwrap();
    let after_command: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    after_command[41 - 3].to_owned()
}

fn ping(daemon: &TestDaemon) {
    let request = RawHeader {
        version_major: 1,
        opcode: Opcode::Ping.code(),
        ..RawHeader::default()
    };
    let mut stream = UnixStream::connect(daemon.socket_path()).unwrap();
    stream.write_all(&request.encode()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    assert!(response.len() > HEADER_LEN, "a ping response");
}

/// Waits (up to 5 s) until no poller thread is left in this process.
fn no_poller_left() -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !pollers().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    pollers().is_empty()
}

/// The poller threads, once at least one is there (waiting up to 5 s): a new thread names
/// itself once it runs, so it may be listed a moment after the service answered.
fn pollers_started() -> Vec<PathBuf> {
    let deadline = Instant::now() + Duration::from_secs(5);
    while pollers().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    pollers()
}

/// The service configured to poll for 1 ms after each response.
fn polling() -> TestDaemon {
    TestDaemon::start_with(|config| config.idle_poll = Duration::from_millis(1))
}

#[test]
fn no_poller_by_default_one_idle_priority_poller_when_configured_none_on_one_cpu() {
    // The default: requests are answered and no thread polls.
    let default = TestDaemon::start();
    ping(&default);
    std::thread::sleep(Duration::from_millis(20));
    ping(&default);
    assert!(pollers().is_empty(), "idle_poll_us unset: no poller");
    drop(default);

    let daemon = polling();
    // The poller starts with the accept loop, which may still be starting.
    ping(&daemon);
    let found = pollers_started();
    assert_eq!(found.len(), 1, "idle_poll_us = 1000: one poller");
    let poller = &found[0];
    assert_eq!(policy(poller), "5", "the poller runs under SCHED_IDLE");

    std::thread::sleep(Duration::from_millis(50));
    let idle = ran_ns(poller);
    std::thread::sleep(Duration::from_millis(100));
    let still_idle = ran_ns(poller);
    assert!(
        still_idle - idle < 500_000,
        "no response for 100 ms: the poller is parked (ran {} ns)",
        still_idle - idle
    );

    ping(&daemon);
    std::thread::sleep(Duration::from_millis(30));
    let after_ping = ran_ns(poller);
    assert!(after_ping > still_idle, "the poller ran after the response");
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        ran_ns(poller) - after_ping < 500_000,
        "and parked again once its window (1 ms) had passed"
    );

    drop(daemon);
    assert!(no_poller_left(), "the poller ends with the service");

    // Configured, but the service may run on one CPU only: the threads it starts inherit
    // the affinity of the thread that starts it.
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let mut one = rustix::thread::CpuSet::new();
                one.set(rustix::thread::sched_getcpu());
                rustix::thread::sched_setaffinity(None, &one).unwrap();
                assert_eq!(std::thread::available_parallelism().unwrap().get(), 1);
                let daemon = polling();
                ping(&daemon);
                assert!(pollers().is_empty(), "one CPU: no poller");
            })
            .join()
            .unwrap();
    });
}
