//! `list-providers`: one block per provider, in the service's priority order.

use std::io::Write;

use psc_client::ProviderInfo;
use serde::Serialize;

use crate::error::Error;
use crate::subcommands::Context;
use crate::{names, output};

/// Takes no options.
#[derive(Debug, clap::Args)]
pub(crate) struct ListProviders {}

/// One provider in the `--json` listing.
#[derive(Debug, Serialize)]
struct ProviderEntry<'a> {
    id: u8,
    name: &'static str,
    description: &'a str,
    version: String,
    vendor: &'a str,
    uuid: String,
}

impl<'a> ProviderEntry<'a> {
    fn of(provider: &'a ProviderInfo) -> ProviderEntry<'a> {
        ProviderEntry {
            id: provider.id.code(),
            name: names::provider(provider.id),
            description: &provider.description,
            version: format!(
                "{}.{}.{}",
                provider.version_maj, provider.version_min, provider.version_rev
            ),
            vendor: &provider.vendor,
            uuid: provider.uuid.to_string(),
        }
    }
}

impl ListProviders {
    /// Prints each provider's ID, description, version, vendor and UUID, then a blank line.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        let providers = context.client.list_providers()?;
        if context.json {
            let entries: Vec<ProviderEntry<'_>> = providers.iter().map(ProviderEntry::of).collect();
            return output::json(out, &entries);
        }
        log::info!("Available providers:");
        for provider in &providers {
            write_provider(out, provider)?;
        }
        Ok(())
    }
}

fn write_provider(out: &mut dyn Write, provider: &ProviderInfo) -> std::io::Result<()> {
    let id = provider.id;
    writeln!(out, "ID: 0x{:02x} ({})", id.code(), names::provider(id))?;
    writeln!(out, "Description: {}", provider.description)?;
    let (major, minor, revision) = (
        provider.version_maj,
        provider.version_min,
        provider.version_rev,
    );
    writeln!(out, "Version: {major}.{minor}.{revision}")?;
    let vendor = if provider.vendor.is_empty() {
        "Unspecified"
    } else {
        &provider.vendor
    };
    writeln!(out, "Vendor: {vendor}")?;
    writeln!(out, "UUID: {}", provider.uuid)?;
    writeln!(out)
}
