//! `delete-client`: destroys every key of one application (administrators only).

use std::io::Write;

use psc_client::Status;

use crate::error::Error;
use crate::subcommands::Context;

/// Which application.
#[derive(Debug, clap::Args)]
pub(crate) struct DeleteClient {
    /// The application's name, as `list-clients` prints it.
    #[arg(short = 'c', long = "client")]
    client: String,
}

impl DeleteClient {
    /// Prints nothing on stdout.
    pub(crate) fn run(&self, context: &Context, _out: &mut dyn Write) -> Result<(), Error> {
        context
            .key_client()?
            .delete_client(&self.client)
            .map_err(|e| match e.status() {
                Some(Status::PsaErrorDoesNotExist) => Error::NoSuchClient(self.client.clone()),
                Some(Status::AdminOperation) => Error::NotAdmin("delete-client"),
                _ => e.into(),
            })?;
        log::info!("Client \"{}\" deleted.", self.client);
        Ok(())
    }
}
