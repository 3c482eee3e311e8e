//! Idle polling as the running service does it (`core_settings.idle_poll_us`): one thread
//! under SCHED_IDLE that runs after a response and uses no CPU once its window has passed;
//! none at all with a window of 0. One test: it reads this process's threads.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

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

#[test]
fn one_idle_priority_thread_polls_after_a_response_and_none_with_a_zero_window() {
    let daemon = TestDaemon::start();
    // The poller starts with the accept loop, which may still be starting.
    ping(&daemon);
    let found = pollers();
    assert_eq!(found.len(), 1, "one poller by default");
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
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !pollers().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(pollers().is_empty(), "the poller ends with the service");

    let off = TestDaemon::start_with(|config| config.idle_poll = Duration::ZERO);
    ping(&off);
    assert!(pollers().is_empty(), "idle_poll_us = 0: no poller");
}
