//! `create-ecc-key`: a secp256r1 key pair for ECDSA with SHA-256.

use std::io::Write;

use psc_client::Attributes;
use psc_client::psa::{AsymmetricSignature, EccFamily, Hash, KeyType, SignHash};

use crate::error::Error;
use crate::subcommands::Context;

/// The key's name.
#[derive(Debug, clap::Args)]
pub(crate) struct CreateEccKey {
    /// The new key's name.
    #[arg(short = 'k', long = "key-name")]
    key_name: String,
}

impl CreateEccKey {
    /// Prints nothing on stdout.
    pub(crate) fn run(&self, context: &Context, _out: &mut dyn Write) -> Result<(), Error> {
        log::info!("Creating ECC signing key...");
        let key_type = KeyType::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        };
        let alg = AsymmetricSignature::Ecdsa {
            hash: SignHash::Specific(Hash::Sha256),
        };
        let attributes = Attributes::signing_key(key_type, 256, alg);
        context
            .key_client()?
            .generate_key(&self.key_name, attributes)?;
        log::info!("Key \"{}\" created.", self.key_name);
        Ok(())
    }
}
