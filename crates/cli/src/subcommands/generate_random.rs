//! `generate-random`: random bytes from the provider, printed in hexadecimal.

use std::io::Write;

use crate::error::Error;
use crate::subcommands::Context;

/// How many bytes.
#[derive(Debug, clap::Args)]
pub(crate) struct GenerateRandom {
    /// The number of bytes.
    #[arg(short = 'n', long = "nbytes")]
    nbytes: usize,
}

impl GenerateRandom {
    /// Prints each byte as two upper-case hex digits and a space, then a newline, e.g.
    /// `0A FF 3C `.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        log::info!("Generating {} random bytes...", self.nbytes);
        let bytes = context.key_client()?.generate_random(self.nbytes)?;
        log::info!("Random bytes:");
        for byte in bytes.iter() {
            write!(out, "{byte:02X} ")?;
        }
        writeln!(out)?;
        Ok(())
    }
}
