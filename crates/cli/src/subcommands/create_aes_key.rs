//! `create-aes-key` (ours; the published tool has none): an AES key for AES-GCM, which
//! `encrypt` and `decrypt` then use (see `encrypt` for the output format).

use std::io::Write;

use psc_client::Attributes;
use psc_client::psa::{Aead, AeadAlg, Algorithm, KeyType, Policy, UsageFlags};

use crate::error::Error;
use crate::subcommands::Context;

/// The key's name and size.
#[derive(Debug, clap::Args)]
pub(crate) struct CreateAesKey {
    /// The new key's name.
    #[arg(short = 'k', long = "key-name")]
    key_name: String,

    /// The key size in bits.
    #[arg(short = 'b', long = "bits", default_value = "256", value_parser = aes_bits())]
    bits: u32,
}

/// 128, 192 or 256, refused by clap otherwise with the list of valid sizes.
fn aes_bits() -> impl clap::builder::TypedValueParser<Value = u32> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(["128", "192", "256"])
        .try_map(|bits| bits.parse::<u32>())
}

impl CreateAesKey {
    /// Prints nothing on stdout.
    pub(crate) fn run(&self, context: &Context, _out: &mut dyn Write) -> Result<(), Error> {
        log::info!("Creating AES-GCM encryption key...");
        let attributes = Attributes {
            key_type: KeyType::Aes,
            bits: self.bits,
            policy: Policy {
                usage_flags: UsageFlags {
                    encrypt: true,
                    decrypt: true,
                    ..UsageFlags::default()
                },
                permitted_algorithm: Algorithm::Aead(Aead::DefaultTag(AeadAlg::Gcm)),
            },
        };
        context
            .key_client()?
            .generate_key(&self.key_name, attributes)?;
        log::info!("Key \"{}\" created.", self.key_name);
        Ok(())
    }
}
