//! `verify`: the inverse of `sign`. Hashes the text here with the hash of the key's
//! algorithm and has the service check the base64 signature over that hash (ECDSA as DER
//! `SEQUENCE { r, s }`, as `sign` and openssl print it, or as raw `r || s`).

use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use psc_client::Status;

use crate::error::Error;
use crate::formats::FormatError;
use crate::subcommands::Context;
use crate::{keys, names};

/// The longest signature accepted, in base64 characters: an RSA-16384 signature.
const MAX_SIGNATURE: usize = 4 * (16384 / 8) / 3 + 4;

/// Which key, the message and its signature.
#[derive(Debug, clap::Args)]
pub(crate) struct Verify {
    /// The name of the key that made the signature (a key pair or a public key).
    #[arg(short = 'k', long = "key-name")]
    key_name: String,

    /// The signature, in base64, as `parsec-tool sign` prints it.
    #[arg(short = 's', long = "signature")]
    signature: String,

    /// The message, as UTF-8 text.
    input_data: String,
}

impl Verify {
    /// Prints `Signature verified.` when the signature is valid; an invalid one fails.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        let client = context.key_client()?;
        let key = keys::key_info(client, &self.key_name)?;
        let (alg, hash) = keys::signature_algorithm(&key)?;
        let mut signature = self.decode()?;
        if alg.is_ecdsa() {
            let scalar_len = usize::try_from(key.attributes.bits.div_ceil(8)).unwrap_or(0);
            signature = match keys::ecdsa_signature_from_der(&signature, scalar_len) {
                Ok(raw) => raw,
                Err(_) if signature.len() == 2 * scalar_len => signature,
                Err(e) => return Err(e),
            };
        }
        log::info!("Hashing data with {hash:?}...");
        let digest = keys::digest(client, hash, self.input_data.as_bytes())?;
        log::info!("Verifying signature with {}...", names::signature(alg));
        match client.verify_hash(&self.key_name, alg, &digest, &signature) {
            Err(e) if e.status() == Some(Status::PsaErrorInvalidSignature) => {
                Err(FormatError::InvalidSignature(self.key_name.clone()).into())
            }
            other => other.map_err(Error::from),
        }?;
        writeln!(out, "Signature verified.")?;
        Ok(())
    }

    fn decode(&self) -> Result<Vec<u8>, Error> {
        let text = self.signature.trim();
        if text.len() > MAX_SIGNATURE {
            return Err(FormatError::TooLong {
                what: "signature",
                limit: MAX_SIGNATURE,
            }
            .into());
        }
        STANDARD.decode(text).map_err(|source| Error::Base64 {
            what: "signature",
            command: "sign",
            source,
        })
    }
}
