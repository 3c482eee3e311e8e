//! The results: a CSV with one row per cell (plus the daemon's memory), and a Markdown table
//! per case and thread count with the modes side by side, then the ratios between modes.

use std::fmt::Write as _;
use std::time::Duration;

use crate::case::{Case, Mode};
use crate::runner::{Cell, Measurement, Outcome};

mod limit;

/// The daemon's memory, in KiB, where it could be read.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Memory {
    /// VmRSS before the first request (for a spawned daemon: right after its start).
    pub(crate) idle_kib: Option<u64>,
    /// RssAnon then: the anonymous part of `idle_kib` (heap, stacks, written data).
    pub(crate) idle_anon_kib: Option<u64>,
    /// PSS then (`smaps_rollup`): resident pages, shared ones divided among their processes.
    pub(crate) idle_pss_kib: Option<u64>,
    /// VmHWM after the cells: the peak resident size of the whole run.
    pub(crate) peak_kib: Option<u64>,
    /// VmRSS while this many connections were held open.
    pub(crate) connections: Option<(usize, u64)>,
}

/// The CSV header.
const CSV_HEADER: &str = "mode,case,threads,status,ops,seconds,ops_per_s,p50_us,p99_us,errors,rss_kib,rss_anon_kib,pss_kib";

/// Every cell as a CSV row, then the memory rows (mode `daemon`).
pub(crate) fn csv(cells: &[Cell], memory: &Memory) -> String {
    let mut out = format!("{CSV_HEADER}\n");
    for cell in cells {
        let (mode, case, threads) = (cell.mode, cell.case, cell.threads);
        let _ = match &cell.outcome {
            Outcome::Measured(m) => writeln!(
                out,
                "{mode},{case},{threads},ok,{},{:.3},{:.1},{:.1},{:.1},{},,,",
                m.ops,
                m.elapsed.as_secs_f64(),
                m.ops_per_second(),
                micros(m.latencies.quantile(0.5)),
                micros(m.latencies.quantile(0.99)),
                m.errors,
            ),
            Outcome::NotSupported => {
                writeln!(out, "{mode},{case},{threads},not-supported,,,n/a,,,0,,,")
            }
            Outcome::Meaningless => writeln!(out, "{mode},{case},{threads},no-service,,,-,,,0,,,"),
        };
    }
    let text = |kib: Option<u64>| kib.map(|k| k.to_string()).unwrap_or_default();
    if let Some(kib) = memory.idle_kib {
        let (anon, pss) = (text(memory.idle_anon_kib), text(memory.idle_pss_kib));
        let _ = writeln!(out, "daemon,rss-idle,0,ok,,,,,,,{kib},{anon},{pss}");
    }
    let mut row = |case: &str, clients: usize, kib: Option<u64>| {
        if let Some(kib) = kib {
            let _ = writeln!(out, "daemon,{case},{clients},ok,,,,,,,{kib},,");
        }
    };
    row("rss-peak", 0, memory.peak_kib);
    if let Some((count, kib)) = memory.connections {
        row("rss-connections", count, Some(kib));
    }
    out
}

/// The Markdown report: the table, the ratios, and the memory.
pub(crate) fn markdown(cells: &[Cell], memory: &Memory, modes: &[Mode]) -> String {
    let mut out = String::new();
    let mut header = "| case | threads |".to_owned();
    let mut rule = "|---|--:|".to_owned();
    for mode in modes {
        let _ = write!(header, " {mode} ops/s | p50 / p99 µs |");
        rule.push_str("--:|--:|");
    }
    let _ = writeln!(out, "{header}\n{rule}");
    for (case, threads) in rows(cells) {
        let _ = write!(out, "| {} | {threads} |", case.label());
        for &mode in modes {
            out.push_str(&mode_columns(find(cells, mode, case, threads)));
        }
        out.push('\n');
    }
    ratios(&mut out, cells, modes);
    limit::ratios(&mut out, cells);
    memory_lines(&mut out, memory);
    out
}

/// The (case, threads) pairs: cases in report order, thread counts ascending.
fn rows(cells: &[Cell]) -> Vec<(Case, usize)> {
    let mut rows: Vec<(Case, usize)> = cells.iter().map(|c| (c.case, c.threads)).collect();
    rows.sort();
    rows.dedup();
    rows
}

fn find(cells: &[Cell], mode: Mode, case: Case, threads: usize) -> Option<&Cell> {
    cells
        .iter()
        .find(|c| c.mode == mode && c.case == case && c.threads == threads)
}

fn measured(cells: &[Cell], mode: Mode, case: Case, threads: usize) -> Option<&Measurement> {
    match &find(cells, mode, case, threads)?.outcome {
        Outcome::Measured(m) if m.ops > 0 => Some(m),
        _ => None,
    }
}

/// The two columns of one mode: ops/s (with errors, if any), and p50 / p99.
fn mode_columns(cell: Option<&Cell>) -> String {
    match cell.map(|c| &c.outcome) {
        Some(Outcome::Measured(m)) => {
            let errors = match m.errors {
                0 => String::new(),
                n => format!(" ({n} errors)"),
            };
            format!(
                " {}{errors} | {} / {} |",
                thousands(m.ops_per_second()),
                latency(m.latencies.quantile(0.5)),
                latency(m.latencies.quantile(0.99)),
            )
        }
        Some(Outcome::NotSupported) => " n/a | n/a |".to_owned(),
        Some(Outcome::Meaningless) | None => " — | — |".to_owned(),
    }
}

/// Throughput of each daemon mode as a share of the in-process limit, and persistent over
/// published, for every row where both sides were measured.
fn ratios(out: &mut String, cells: &[Cell], modes: &[Mode]) {
    let pairs: Vec<(Mode, Mode)> = [
        (Mode::Published, Mode::InProcess),
        (Mode::Persistent, Mode::InProcess),
        (Mode::Persistent, Mode::Published),
    ]
    .into_iter()
    .filter(|(a, b)| modes.contains(a) && modes.contains(b))
    .collect();
    if pairs.is_empty() {
        return;
    }
    let _ = write!(out, "\nRatios of ops/s, same run:\n\n| case | threads |");
    for (a, b) in &pairs {
        let _ = write!(out, " {a} / {b} |");
    }
    let _ = writeln!(out, "\n|---|--:|{}", "--:|".repeat(pairs.len()));
    for (case, threads) in rows(cells) {
        let _ = write!(out, "| {} | {threads} |", case.label());
        for &(a, b) in &pairs {
            let ratio = measured(cells, a, case, threads)
                .zip(measured(cells, b, case, threads))
                .map(|(a, b)| a.ops_per_second() / b.ops_per_second());
            match ratio {
                Some(r) if r < 10.0 => {
                    let _ = write!(out, " {:.0} % |", r * 100.0);
                }
                Some(r) => {
                    let _ = write!(out, " {r:.0} × |");
                }
                None => out.push_str(" — |"),
            }
        }
        out.push('\n');
    }
}

fn memory_lines(out: &mut String, memory: &Memory) {
    let mib = |kib: u64| format!("{:.1} MiB", kib as f64 / 1024.0);
    let mut lines = Vec::new();
    if let Some(kib) = memory.idle_kib {
        let part = |name: &str, kib: Option<u64>| kib.map(|k| format!("{name} {}, ", mib(k)));
        lines.push(format!(
            "- daemon memory idle, before the first request: {}{}VmRSS {}",
            part("RssAnon", memory.idle_anon_kib).unwrap_or_default(),
            part("PSS", memory.idle_pss_kib).unwrap_or_default(),
            mib(kib)
        ));
    }
    if let Some(kib) = memory.peak_kib {
        lines.push(format!(
            "- daemon peak RSS over the cells (VmHWM): {}",
            mib(kib)
        ));
    }
    if let Some((count, kib)) = memory.connections {
        lines.push(format!(
            "- daemon RSS with {count} open connections (VmRSS): {}",
            mib(kib)
        ));
    }
    if !lines.is_empty() {
        let _ = write!(out, "\n{}\n", lines.join("\n"));
    }
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// A latency in µs: one decimal below 100 µs, whole microseconds above.
pub(crate) fn latency(duration: Duration) -> String {
    let us = micros(duration);
    if us < 100.0 {
        format!("{us:.1}")
    } else {
        thousands(us)
    }
}

/// A rate or latency rounded, with thousands separators: 12,345; below 100, one decimal.
pub(crate) fn thousands(value: f64) -> String {
    if value < 100.0 {
        return format!("{value:.1}");
    }
    let digits = format!("{value:.0}");
    let mut out = String::new();
    for (n, digit) in digits.chars().enumerate() {
        if n > 0 && (digits.len() - n).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(1_234_567.4), "1,234,567");
        assert_eq!(thousands(123.0), "123");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(12.34), "12.3");
    }
}
