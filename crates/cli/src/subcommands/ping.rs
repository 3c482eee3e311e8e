//! `ping`: the highest wire protocol version the service speaks, as `major.minor`.

use std::io::Write;

use crate::error::Error;
use crate::subcommands::Context;

/// Takes no options.
#[derive(Debug, clap::Args)]
pub(crate) struct Ping {}

impl Ping {
    /// Prints e.g. `1.0`.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        let (major, minor) = context.client.ping()?;
        log::info!("Service wire protocol version");
        writeln!(out, "{major}.{minor}")?;
        Ok(())
    }
}
