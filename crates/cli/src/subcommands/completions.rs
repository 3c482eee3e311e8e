//! `completions` (ours): a completion script for a shell, generated from the same definition
//! clap parses with, so it never goes stale. Needs no service.

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::ParsecToolApp;
use crate::error::Error;

/// Which shell.
#[derive(Debug, clap::Args)]
pub(crate) struct Completions {
    /// The shell, e.g. `bash` (install with `parsec-tool completions bash >
    /// /etc/bash_completion.d/parsec-tool`).
    shell: Shell,
}

impl Completions {
    /// Prints the script.
    pub(crate) fn run(&self, out: &mut dyn Write) -> Result<(), Error> {
        let mut command = ParsecToolApp::command();
        clap_complete::generate(self.shell, &mut command, "parsec-tool", out);
        Ok(())
    }
}
