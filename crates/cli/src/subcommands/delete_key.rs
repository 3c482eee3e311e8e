//! `delete-key`: destroys one of the application's keys.

use std::io::Write;

use psc_client::Status;

use crate::error::Error;
use crate::subcommands::Context;

/// Which key.
#[derive(Debug, clap::Args)]
pub(crate) struct DeleteKey {
    /// The key's name.
    #[arg(short = 'k', long = "key-name")]
    key_name: String,
}

impl DeleteKey {
    /// Prints nothing on stdout.
    pub(crate) fn run(&self, context: &Context, _out: &mut dyn Write) -> Result<(), Error> {
        log::info!("Deleting a key...");
        context
            .key_client()?
            .destroy_key(&self.key_name)
            .map_err(|e| match e.status() {
                Some(Status::PsaErrorDoesNotExist) => Error::NoSuchKey(self.key_name.clone()),
                _ => e.into(),
            })?;
        log::info!("Key \"{}\" deleted.", self.key_name);
        Ok(())
    }
}
