//! `encrypt`: encrypts a message with the key's algorithm and prints the ciphertext in
//! base64.
//!
//! - RSA keys (PKCS#1 v1.5, OAEP): the ciphertext, as the published tool prints it.
//! - AEAD keys (ours; e.g. from `create-aes-key`): a fresh random nonce from the service
//!   (12 bytes for AES-GCM and ChaCha20-Poly1305, 13 for AES-CCM), then the ciphertext,
//!   then the tag, with no additional data: `base64(nonce || ciphertext || tag)`.
//! - Unauthenticated cipher keys (ours): the service's output, `base64(iv || ciphertext)`.
//!
//! `decrypt` takes each of these back.

use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use psc_client::psa::{Aead, AeadAlg, Algorithm, AsymmetricEncryption, Cipher};
use psc_client::{Client, KeyInfo};

use crate::error::Error;
use crate::subcommands::Context;
use crate::{keys, names};

/// Which key, and the message.
#[derive(Debug, clap::Args)]
pub(crate) struct Encrypt {
    /// The encryption key's name.
    #[arg(short = 'k', long = "key-name")]
    key_name: String,

    /// The message, as UTF-8 text.
    input_data: String,
}

/// How a key encrypts, from its permitted algorithm.
#[derive(Clone, Copy, Debug)]
pub(super) enum Scheme {
    /// RSA encryption.
    Asymmetric(AsymmetricEncryption),
    /// Authenticated encryption, nonce first in the output.
    Aead(Aead),
    /// An unauthenticated cipher, IV first in the output.
    Cipher(Cipher),
}

impl Scheme {
    /// The scheme of the key, or why it cannot encrypt.
    pub(super) fn of(key: &KeyInfo) -> Result<Scheme, Error> {
        match key.attributes.policy.permitted_algorithm {
            Algorithm::AsymmetricEncryption(alg) => Ok(Scheme::Asymmetric(alg)),
            Algorithm::Aead(alg) => Ok(Scheme::Aead(alg)),
            Algorithm::Cipher(alg) => Ok(Scheme::Cipher(alg)),
            _ => Err(Error::WrongKeyType {
                name: key.name.clone(),
                needed: "an encryption key (create one with create-rsa-key or create-aes-key)",
            }),
        }
    }

    /// The algorithm as the log lines name it.
    pub(super) fn name(self) -> String {
        match self {
            Scheme::Asymmetric(alg) => names::encryption(alg),
            Scheme::Aead(alg) => names::aead(alg),
            Scheme::Cipher(alg) => format!("{alg:?}"),
        }
    }
}

/// The nonce length this tool uses with an AEAD.
pub(super) fn nonce_len(alg: Aead) -> usize {
    match alg.construction() {
        AeadAlg::Ccm => 13,
        AeadAlg::Gcm | AeadAlg::Chacha20Poly1305 => 12,
    }
}

impl Encrypt {
    /// Prints the base64 ciphertext and a newline.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        let client = context.key_client()?;
        let key = keys::key_info(client, &self.key_name)?;
        let scheme = Scheme::of(&key)?;
        log::info!("Encrypting data with {}...", scheme.name());
        let ciphertext = encrypt(client, &self.key_name, scheme, self.input_data.as_bytes())?;
        writeln!(out, "{}", STANDARD.encode(ciphertext))?;
        Ok(())
    }
}

fn encrypt(
    client: &Client,
    name: &str,
    scheme: Scheme,
    plaintext: &[u8],
) -> Result<Vec<u8>, Error> {
    Ok(match scheme {
        Scheme::Asymmetric(alg) => client.asymmetric_encrypt(name, alg, plaintext, None)?,
        Scheme::Cipher(alg) => client.cipher_encrypt(name, alg, plaintext)?,
        Scheme::Aead(alg) => {
            let nonce = client.generate_random(nonce_len(alg))?;
            let sealed = client.aead_encrypt(name, alg, &nonce, &[], plaintext)?;
            let mut output = nonce.to_vec();
            output.extend_from_slice(&sealed);
            output
        }
    })
}
