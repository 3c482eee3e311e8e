//! `list-opcodes`: the operations of one provider, one per line, in opcode order (the
//! published tool prints them in no particular order).

use std::io::Write;

use psc_client::ProviderId;
use serde::Serialize;

use crate::error::Error;
use crate::subcommands::Context;
use crate::{names, output};

/// Which provider to ask about.
#[derive(Debug, clap::Args)]
pub(crate) struct ListOpcodes {
    /// ID of the provider; without it, the global --provider, or else the core provider.
    #[arg(short = 'p', long = "provider", value_name = "provider")]
    provider: Option<u8>,
}

/// One operation in the `--json` listing, e.g. `{"opcode": 1, "name": "Ping"}`.
#[derive(Debug, Serialize)]
struct OpcodeEntry {
    opcode: u32,
    name: String,
}

impl ListOpcodes {
    /// Prints e.g. `0x01 (Ping)` for each operation.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        let provider = match self.provider {
            Some(id) => ProviderId::from_code(id).map_err(|_| Error::UnknownProvider(id))?,
            None => context.provider,
        };
        let opcodes = context.client.list_opcodes(provider)?;
        if context.json {
            let entries: Vec<OpcodeEntry> = opcodes
                .iter()
                .map(|opcode| OpcodeEntry {
                    opcode: opcode.code(),
                    name: format!("{opcode:?}"),
                })
                .collect();
            return output::json(out, &entries);
        }
        log::info!("Available opcodes for {}:", names::provider(provider));
        for opcode in opcodes {
            writeln!(out, "0x{:02x} ({opcode:?})", opcode.code())?;
        }
        Ok(())
    }
}
