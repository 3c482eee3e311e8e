//! `list-clients`: the applications that have keys in the service (administrators only).

use std::io::Write;

use psc_client::Status;

use crate::error::Error;
use crate::output;
use crate::subcommands::Context;

/// Takes no options.
#[derive(Debug, clap::Args)]
pub(crate) struct ListClients {}

impl ListClients {
    /// Prints one application name per line (`--json`: an array of names).
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        let clients = context
            .key_client()?
            .list_clients()
            .map_err(|e| match e.status() {
                Some(Status::AdminOperation) => Error::NotAdmin("list-clients"),
                _ => e.into(),
            })?;
        if context.json {
            return output::json(out, &clients);
        }
        if clients.is_empty() {
            log::info!("No clients in the service.");
            return Ok(());
        }
        log::info!("Parsec clients:");
        for client in &clients {
            writeln!(out, "{client}")?;
        }
        Ok(())
    }
}
