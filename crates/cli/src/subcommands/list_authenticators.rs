//! `list-authenticators`: one block per authenticator, preferred first.

use std::io::Write;

use psc_client::AuthenticatorInfo;
use serde::Serialize;

use crate::error::Error;
use crate::subcommands::Context;
use crate::{names, output};

/// Takes no options.
#[derive(Debug, clap::Args)]
pub(crate) struct ListAuthenticators {}

/// One authenticator in the `--json` listing.
#[derive(Debug, Serialize)]
struct AuthenticatorEntry<'a> {
    id: u8,
    name: &'static str,
    description: &'a str,
    version: String,
}

impl<'a> AuthenticatorEntry<'a> {
    fn of(info: &'a AuthenticatorInfo) -> AuthenticatorEntry<'a> {
        AuthenticatorEntry {
            id: info.id.code(),
            name: names::authenticator(info.id),
            description: &info.description,
            version: format!(
                "{}.{}.{}",
                info.version_maj, info.version_min, info.version_rev
            ),
        }
    }
}

impl ListAuthenticators {
    /// Prints each authenticator's ID, description and version, then a blank line.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        let authenticators = context.client.list_authenticators()?;
        if context.json {
            let entries: Vec<AuthenticatorEntry<'_>> =
                authenticators.iter().map(AuthenticatorEntry::of).collect();
            return output::json(out, &entries);
        }
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
