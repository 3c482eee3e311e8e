//! The in-process sign cases against their limit, aws-lc-rs with a parsed key (issue 16:
//! at least 90 %).

use std::fmt::Write as _;

use super::{measured, rows};
use crate::case::{Case, Mode};
use crate::runner::Cell;

/// Each provider sign case and the aws-lc-rs case that is its limit.
const PAIRS: [(Case, Case); 2] = [
    (Case::EcdsaSign, Case::EcdsaSignParsed),
    (Case::RsaSign, Case::RsaSignParsed),
];

/// A table of in-process ops/s as a share of the limit's, for every thread count where both
/// were measured; nothing when none was.
pub(super) fn ratios(out: &mut String, cells: &[Cell]) {
    let mut lines = String::new();
    for (case, threads) in rows(cells) {
        let Some(&(_, limit)) = PAIRS.iter().find(|(c, _)| *c == case) else {
            continue;
        };
        let ratio = measured(cells, Mode::InProcess, case, threads)
            .zip(measured(cells, Mode::InProcess, limit, threads))
            .map(|(provider, limit)| provider.ops_per_second() / limit.ops_per_second());
        if let Some(ratio) = ratio {
            let _ = writeln!(
                lines,
                "| {} | {threads} | {:.0} % |",
                case.label(),
                ratio * 100.0
            );
        }
    }
    if !lines.is_empty() {
        let _ = write!(
            out,
            "\nIn-process provider sign / aws-lc-rs with a parsed key (the limit), same run:\n\n\
             | case | threads | share of the limit |\n|---|--:|--:|\n{lines}"
        );
    }
}
