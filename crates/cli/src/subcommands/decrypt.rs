//! `decrypt`: decrypts what `encrypt` printed (or any RSA ciphertext in base64) with the
//! key's algorithm and prints the plaintext as text.

use std::borrow::Cow;
use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use psc_client::{Client, SecretBytes, Status};
use zeroize::Zeroizing;

use crate::error::Error;
use crate::keys;
use crate::subcommands::Context;
use crate::subcommands::encrypt::{Scheme, nonce_len};

/// Which key, and the ciphertext.
#[derive(Debug, clap::Args)]
pub(crate) struct Decrypt {
    /// The decryption key's name.
    #[arg(short = 'k', long = "key-name")]
    key_name: String,

    /// The ciphertext, in base64.
    input_data: String,
}

impl Decrypt {
    /// Prints the plaintext (invalid UTF-8 replaced by U+FFFD) and a newline.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        let input = STANDARD
            .decode(self.input_data.trim())
            .map_err(|source| Error::Base64 {
                what: "ciphertext",
                command: "encrypt",
                source,
            })?;
        let client = context.key_client()?;
        let key = keys::key_info(client, &self.key_name)?;
        let scheme = Scheme::of(&key)?;
        log::info!("Decrypting data with {}...", scheme.name());
        let plaintext = decrypt(client, &self.key_name, scheme, &input)?;
        let text = match String::from_utf8_lossy(&plaintext) {
            Cow::Borrowed(text) => Zeroizing::new(text.to_owned()),
            Cow::Owned(text) => Zeroizing::new(text),
        };
        writeln!(out, "{}", text.as_str())?;
        Ok(())
    }
}

fn decrypt(
    client: &Client,
    name: &str,
    scheme: Scheme,
    input: &[u8],
) -> Result<SecretBytes, Error> {
    Ok(match scheme {
        Scheme::Asymmetric(alg) => {
            client
                .asymmetric_decrypt(name, alg, input, None)
                .map_err(|e| match e.status() {
                    Some(Status::PsaErrorInvalidPadding | Status::PsaErrorInvalidArgument) => {
                        Error::NotDecryptable {
                            name: name.to_owned(),
                            alg: scheme.name(),
                        }
                    }
                    _ => e.into(),
                })?
        }
        Scheme::Cipher(alg) => client.cipher_decrypt(name, alg, input)?,
        Scheme::Aead(alg) => {
            let Some((nonce, sealed)) = input.split_at_checked(nonce_len(alg)) else {
                return Err(Error::Truncated {
                    needed: nonce_len(alg),
                });
            };
            client
                .aead_decrypt(name, alg, nonce, &[], sealed)
                .map_err(|e| match e.status() {
                    Some(Status::PsaErrorInvalidSignature) => Error::NotAuthentic(name.to_owned()),
                    _ => e.into(),
                })?
        }
    })
}
