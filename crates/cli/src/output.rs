//! The machine-readable form of the listings: `--json` prints one JSON document (an array of
//! objects) on stdout, and nothing else, instead of the published tool's text.

use std::io::Write;

use serde::Serialize;

use crate::error::Error;

/// Writes `value` as pretty-printed JSON followed by a newline.
///
/// # Errors
/// [`Error::Output`] when stdout cannot be written.
pub(crate) fn json(out: &mut dyn Write, value: &impl Serialize) -> Result<(), Error> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(std::io::Error::from)?;
    writeln!(out)?;
    Ok(())
}
