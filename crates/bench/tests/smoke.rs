//! A short run of the benchmark against the real daemon binary: every case in every mode at
//! 1 and 2 threads, checked for shape (a CSV row per cell, no errors, "n/a" only where a
//! provider may still lack the algorithm). Figures are never asserted as thresholds.
//!
//! The daemon is `parsec` beside the bench binary (built by `cargo test --workspace`, or any
//! earlier `cargo build`), else it is built here; PSC_BENCH_DAEMON names another binary.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

const MODES: [&str; 3] = ["published", "persistent", "in-process"];
const CASES: [&str; 9] = [
    "ping",
    "ecdsa-sign",
    "ecdsa-sign-parsed",
    "rsa-sign",
    "rsa-sign-parsed",
    "ecdsa-verify",
    "aes-gcm",
    "random",
    "generate-destroy",
];
/// Cases whose algorithms the software provider may not have yet: "n/a" is allowed.
const MAY_BE_MISSING: [&str; 2] = ["rsa-sign", "aes-gcm"];
/// Cases of aws-lc-rs alone, the limit of the in-process ones: no service runs them.
const IN_PROCESS_ONLY: [&str; 2] = ["ecdsa-sign-parsed", "rsa-sign-parsed"];
const THREADS: [&str; 2] = ["1", "2"];

/// The daemon binary of this workspace, in the bench binary's profile directory.
fn daemon_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("PSC_BENCH_DAEMON") {
        return path.into();
    }
    let bench = Path::new(env!("CARGO_BIN_EXE_psc-bench"));
    let daemon = bench.with_file_name("parsec");
    if !daemon.exists() {
        let mut build = Command::new(env!("CARGO"));
        build.args(["build", "--quiet", "-p", "psc-daemon", "--bin", "parsec"]);
        if bench.parent().and_then(Path::file_name) == Some("release".as_ref()) {
            build.arg("--release");
        }
        assert!(build.status().unwrap().success(), "building the daemon");
    }
    daemon
}

/// The CSV's rows as field vectors, keyed by the header's column names.
struct Csv {
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Csv {
    fn parse(text: &str) -> Csv {
        let mut lines = text
            .lines()
            .map(|l| l.split(',').map(str::to_owned).collect());
        Csv {
            columns: lines.next().unwrap(),
            rows: lines.collect(),
        }
    }

    fn row(&self, mode: &str, case: &str, threads: &str) -> &[String] {
        let matches: Vec<_> = self
            .rows
            .iter()
            .filter(|r| r[0] == mode && r[1] == case && r[2] == threads)
            .collect();
        assert_eq!(matches.len(), 1, "one row for {mode} {case} ×{threads}");
        matches[0]
    }

    fn field<'a>(&self, row: &'a [String], column: &str) -> &'a str {
        let at = self.columns.iter().position(|c| c == column).unwrap();
        &row[at]
    }
}

#[test]
fn a_quick_run_reports_every_case_in_every_mode() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("bench.csv");
    let output = Command::new(env!("CARGO_BIN_EXE_psc-bench"))
        .args(["--quick", "--threads", "1,2", "--seconds", "0.2", "--csv"])
        .arg(&csv)
        .arg("--daemon")
        .arg(daemon_binary())
        .arg("--work-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(
        table.contains("| ECDSA P-256 sign | 2 |") && table.contains("share of the limit"),
        "{table}"
    );

    let csv = Csv::parse(&std::fs::read_to_string(&csv).unwrap());
    for mode in MODES {
        for case in CASES {
            for threads in THREADS {
                check_cell(&csv, mode, case, threads);
            }
        }
    }
    for memory in ["rss-idle", "rss-peak"] {
        let row = csv.row("daemon", memory, "0");
        assert!(csv.field(row, "rss_kib").parse::<u64>().unwrap() > 0);
    }
    // Idle: the anonymous part and the proportional share, each above zero and within
    // the whole resident size.
    let idle = csv.row("daemon", "rss-idle", "0");
    let kib = |column| csv.field(idle, column).parse::<u64>().unwrap();
    let rss = kib("rss_kib");
    for part in ["rss_anon_kib", "pss_kib"] {
        assert!(
            (1..=rss).contains(&kib(part)),
            "{part} {} of VmRSS {rss}",
            kib(part)
        );
    }
    assert!(
        table.contains("- daemon memory idle, before the first request: RssAnon "),
        "{table}"
    );
    assert!(csv.rows.iter().any(|r| r[1] == "rss-connections"));
}

/// `--scale --quick`: the daemon serves a store it did not fill itself (2,000 keys over 20
/// applications, made through the service's key store), as it serves an empty one.
#[test]
fn a_quick_scale_run_serves_a_filled_store() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("scale.csv");
    let output = Command::new(env!("CARGO_BIN_EXE_psc-bench"))
        .args(["--scale", "--quick", "--csv"])
        .arg(&csv)
        .arg("--daemon")
        .arg(daemon_binary())
        .arg("--work-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let table = String::from_utf8(output.stdout).unwrap();
    assert!(
        table.contains("| keys ListKeys returns | 10 | 10 |"),
        "{table}"
    );

    let csv = Csv::parse(&std::fs::read_to_string(&csv).unwrap());
    for (store, keys) in [("empty", "10"), ("full", "2000")] {
        let startup = csv.row(&format!("scale-{store}"), "startup", "0");
        assert_eq!(csv.field(startup, "ops"), keys);
        for mode in ["published", "persistent"] {
            for case in ["ecdsa-sign", "list-keys"] {
                let row = csv.row(&format!("{mode}@{store}"), case, "1");
                assert_eq!(csv.field(row, "errors"), "0", "{row:?}");
                assert!(csv.field(row, "ops").parse::<u64>().unwrap() > 0, "{row:?}");
            }
        }
    }
}

fn check_cell(csv: &Csv, mode: &str, case: &str, threads: &str) {
    let row = csv.row(mode, case, threads);
    let what = format!("{mode} {case} ×{threads}: {row:?}");
    let ops_per_s = csv.field(row, "ops_per_s");
    let status = csv.field(row, "status");
    if status == "not-supported" {
        assert!(MAY_BE_MISSING.contains(&case), "{what}");
        assert_eq!(ops_per_s, "n/a", "{what}");
    } else if status == "no-service" {
        assert!(
            (mode, case) == ("in-process", "ping")
                || (mode != "in-process" && IN_PROCESS_ONLY.contains(&case)),
            "{what}"
        );
    } else {
        assert_eq!(status, "ok", "{what}");
        assert_eq!(csv.field(row, "errors"), "0", "{what}");
        assert!(
            !IN_PROCESS_ONLY.contains(&case) || mode == "in-process",
            "{what}"
        );
        if case == "ping" || case.starts_with("ecdsa-sign") {
            assert!(ops_per_s.parse::<f64>().unwrap() > 0.0, "{what}");
        }
    }
}

/// `--provider pkcs11 --quick`: the daemon on a SoftHSM2 token the bench makes, and SoftHSM2
/// called directly in process; ECDSA sign and verify run in all three modes without error.
#[test]
fn a_quick_pkcs11_run_signs_on_a_token_in_every_mode() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("pkcs11.csv");
    let output = Command::new(env!("CARGO_BIN_EXE_psc-bench"))
        .args(["--provider", "pkcs11", "--quick", "--threads", "1,2"])
        .args([
            "--cases",
            "ecdsa-sign,ecdsa-verify",
            "--connections",
            "0",
            "--csv",
        ])
        .arg(&csv)
        .arg("--daemon")
        .arg(daemon_binary())
        .arg("--work-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let csv = Csv::parse(&std::fs::read_to_string(&csv).unwrap());
    for mode in MODES {
        for case in ["ecdsa-sign", "ecdsa-verify"] {
            for threads in THREADS {
                let row = csv.row(mode, case, threads);
                assert_eq!(csv.field(row, "status"), "ok", "{row:?}");
                assert_eq!(csv.field(row, "errors"), "0", "{row:?}");
                assert!(csv.field(row, "ops").parse::<u64>().unwrap() > 0, "{row:?}");
            }
        }
    }
}
