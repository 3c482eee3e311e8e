//! `sign`: hashes a message here with the hash of the key's algorithm, has the service sign
//! the hash, and prints the signature in base64 (ECDSA as DER `SEQUENCE { r, s }`, the form
//! openssl and X.509 use).

use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::error::Error;
use crate::subcommands::Context;
use crate::{keys, names};

/// Where the published tool's log lines about signing come from.
const LOG_TARGET: &str = "parsec_tool::util";

/// Which key, and the message.
#[derive(Debug, clap::Args)]
pub(crate) struct Sign {
    /// The signing key's name.
    #[arg(short = 'k', long = "key-name")]
    key_name: String,

    /// The message, as UTF-8 text.
    input_data: String,
}

impl Sign {
    /// Prints the base64 signature and a newline.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        let client = context.key_client()?;
        let key = keys::key_info(client, &self.key_name)?;
        let (alg, hash) = keys::signature_algorithm(&key)?;
        // The published tool logs these two lines from its `util` module.
        log::info!(target: LOG_TARGET, "Hashing data with {hash:?}...");
        let digest = keys::digest(client, hash, self.input_data.as_bytes())?;
        log::info!(target: LOG_TARGET, "Signing data with {}...", names::signature(alg));
        let mut signature = client.sign_hash(&self.key_name, alg, &digest)?;
        if alg.is_ecdsa() {
            signature = keys::ecdsa_signature_to_der(&signature)?;
        }
        writeln!(out, "{}", STANDARD.encode(signature))?;
        Ok(())
    }
}
