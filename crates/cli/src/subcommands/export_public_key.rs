//! `export-public-key`: the public part of a key pair in PEM: SubjectPublicKeyInfo
//! (`PUBLIC KEY`) for RSA and elliptic-curve keys, or PKCS#1 (`RSA PUBLIC KEY`) for RSA with
//! `--pkcs1`.

use std::io::Write;

use psc_client::psa::KeyType;

use crate::error::Error;
use crate::keys;
use crate::subcommands::Context;

/// Which key, in which format.
#[derive(Debug, clap::Args)]
pub(crate) struct ExportPublicKey {
    /// The key's name.
    #[arg(short = 'k', long = "key-name")]
    key_name: String,

    /// Export an RSA public key in PKCS#1 format (`RSA PUBLIC KEY`).
    #[arg(long = "pkcs1")]
    pkcs1: bool,
}

impl ExportPublicKey {
    /// Prints the PEM block, lines ending with `\n`.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        let client = context.key_client()?;
        let key = keys::key_info(client, &self.key_name)?;
        if !key.attributes.key_type.is_asymmetric() {
            return Err(Error::NoPublicKeyFormat(key.attributes.key_type));
        }
        let is_rsa = key.attributes.key_type.public_counterpart() == KeyType::RsaPublicKey;
        if self.pkcs1 && !is_rsa {
            return Err(Error::WrongKeyType {
                name: self.key_name.clone(),
                needed: "an RSA key for --pkcs1 (export other keys without it)",
            });
        }
        let public = client.export_public_key(&self.key_name)?;
        let pem = if self.pkcs1 {
            keys::pem(keys::PKCS1_LABEL, &public)?
        } else {
            keys::pem(keys::SPKI_LABEL, &keys::spki_der(&key.attributes, &public)?)?
        };
        out.write_all(pem.as_bytes())?;
        Ok(())
    }
}
