//! `list-keys`: the application's keys, in every provider.

use std::io::Write;

use psc_client::KeyInfo;
use serde::Serialize;

use crate::error::Error;
use crate::subcommands::Context;
use crate::{names, output};

/// Takes no options.
#[derive(Debug, clap::Args)]
pub(crate) struct ListKeys {}

/// One key in the `--json` listing; the type and algorithm are the texts of the text listing.
#[derive(Debug, Serialize)]
struct KeyEntry<'a> {
    name: &'a str,
    provider_id: u8,
    provider: &'static str,
    key_type: String,
    bits: u32,
    permitted_algorithm: String,
}

impl ListKeys {
    /// Prints e.g. `* my-key (Mbed Crypto provider, EccKeyPair { curve_family: SecpR1 }, 256
    /// bits, permitted algorithm: AsymmetricSignature(Ecdsa { hash_alg: Specific(Sha256) }))`
    /// for each key.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        let keys = context.key_client()?.list_keys()?;
        if context.json {
            let entries: Vec<KeyEntry<'_>> = keys.iter().map(entry).collect();
            return output::json(out, &entries);
        }
        if keys.is_empty() {
            log::info!("No keys currently available.");
            return Ok(());
        }
        log::info!("Available keys:");
        for key in &keys {
            let entry = entry(key);
            writeln!(
                out,
                "* {} ({}, {}, {} bits, permitted algorithm: {})",
                entry.name, entry.provider, entry.key_type, entry.bits, entry.permitted_algorithm
            )?;
        }
        Ok(())
    }
}

fn entry(key: &KeyInfo) -> KeyEntry<'_> {
    KeyEntry {
        name: &key.name,
        provider_id: key.provider_id.code(),
        provider: names::provider(key.provider_id),
        key_type: names::key_type(key.attributes.key_type),
        bits: key.attributes.bits,
        permitted_algorithm: names::algorithm(key.attributes.policy.permitted_algorithm),
    }
}
