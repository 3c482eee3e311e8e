//! `hash`: the digest of a text or of standard input, computed by the service
//! (PsaHashCompute) and printed in hexadecimal.

use std::io::Write;

use psc_client::psa::Hash;

use crate::error::Error;
use crate::formats;
use crate::subcommands::Context;

/// The most the data may hold: the service's default request body limit, less room for the
/// rest of the request.
const MAX_INPUT: usize = (1 << 20) - 1024;

/// The algorithm, and the data.
#[derive(Debug, clap::Args)]
pub(crate) struct HashCommand {
    /// The hash algorithm.
    #[arg(short = 'a', long = "alg", value_enum, default_value_t = HashName::Sha256)]
    alg: HashName,

    /// The text to hash, as UTF-8; without it, the bytes of standard input.
    input_data: Option<String>,
}

/// The hash algorithms offered, by their usual names.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum HashName {
    /// SHA-224.
    Sha224,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
    /// SHA-512/224.
    #[value(name = "sha512-224")]
    Sha512_224,
    /// SHA-512/256.
    #[value(name = "sha512-256")]
    Sha512_256,
    /// SHA3-224.
    #[value(name = "sha3-224")]
    Sha3_224,
    /// SHA3-256.
    #[value(name = "sha3-256")]
    Sha3_256,
    /// SHA3-384.
    #[value(name = "sha3-384")]
    Sha3_384,
    /// SHA3-512.
    #[value(name = "sha3-512")]
    Sha3_512,
    /// RIPEMD-160.
    Ripemd160,
}

impl HashName {
    fn psa(self) -> Hash {
        match self {
            HashName::Sha224 => Hash::Sha224,
            HashName::Sha256 => Hash::Sha256,
            HashName::Sha384 => Hash::Sha384,
            HashName::Sha512 => Hash::Sha512,
            HashName::Sha512_224 => Hash::Sha512_224,
            HashName::Sha512_256 => Hash::Sha512_256,
            HashName::Sha3_224 => Hash::Sha3_224,
            HashName::Sha3_256 => Hash::Sha3_256,
            HashName::Sha3_384 => Hash::Sha3_384,
            HashName::Sha3_512 => Hash::Sha3_512,
            HashName::Ripemd160 => Hash::Ripemd160,
        }
    }
}

impl HashCommand {
    /// Prints the digest in lowercase hexadecimal and a newline.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        let stdin;
        let data = match &self.input_data {
            Some(text) => text.as_bytes(),
            None => {
                stdin = formats::read_input(None, "input", MAX_INPUT)?;
                stdin.as_slice()
            }
        };
        if data.len() > MAX_INPUT {
            return Err(formats::FormatError::TooLong {
                what: "text",
                limit: MAX_INPUT,
            }
            .into());
        }
        let alg = self.alg.psa();
        log::info!("Hashing data with {alg:?}...");
        let digest = context.key_client()?.hash_compute(alg, data)?;
        let hex: String = digest.iter().map(|byte| format!("{byte:02x}")).collect();
        writeln!(out, "{hex}")?;
        Ok(())
    }
}
