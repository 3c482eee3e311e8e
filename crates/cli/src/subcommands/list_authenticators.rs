//! `list-authenticators`: one block per authenticator, preferred first.

use std::io::Write;

use psc_client::AuthenticatorInfo;

use crate::error::Error;
use crate::names;
use crate::subcommands::Context;

/// Takes no options.
#[derive(Debug, clap::Args)]
pub(crate) struct ListAuthenticators {}

impl ListAuthenticators {
    /// Prints each authenticator's ID, description and version, then a blank line.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        let authenticators = context.client.list_authenticators()?;
        log::info!("Available authenticators:");
        for authenticator in &authenticators {
            write_authenticator(out, authenticator)?;
        }
        Ok(())
    }
}

fn write_authenticator(out: &mut dyn Write, info: &AuthenticatorInfo) -> std::io::Result<()> {
    writeln!(
        out,
        "ID: 0x{:02x} ({})",
        info.id.code(),
        names::authenticator(info.id)
    )?;
    writeln!(out, "Description: {}", info.description)?;
    writeln!(
        out,
        "Version: {}.{}.{}",
        info.version_maj, info.version_min, info.version_rev
    )?;
    writeln!(out)
}
