//! `create-rsa-key`: an RSA key pair for encryption (PKCS#1 v1.5 or OAEP) or signing
//! (PKCS#1 v1.5 or PSS), all with SHA-256.

use std::io::Write;

use psc_client::Attributes;
use psc_client::psa::{
    Algorithm, AsymmetricEncryption, AsymmetricSignature, Hash, KeyType, Policy, SignHash,
    UsageFlags,
};

use crate::error::Error;
use crate::progress::Spinner;
use crate::subcommands::Context;

/// The key's name, purpose and size.
#[derive(Debug, clap::Args)]
pub(crate) struct CreateRsaKey {
    /// The new key's name.
    #[arg(short = 'k', long = "key-name")]
    key_name: String,

    /// Create a signing key (RSA PKCS#1 v1.5 with SHA-256) instead of an encryption key.
    #[arg(short = 's', long = "for-signing")]
    for_signing: bool,

    /// Create a signing key for RSA-PSS with SHA-256 (salt as long as the hash).
    #[arg(short = 'r', long = "for-signing-pss", conflicts_with = "for_signing")]
    for_signing_pss: bool,

    /// The key size in bits; the service decides which sizes it supports.
    #[arg(short = 'b', long = "bits", default_value_t = 2048)]
    bits: u32,

    /// For an encryption key: RSA OAEP with SHA-256 instead of RSA PKCS#1 v1.5. Ignored for
    /// signing keys, as by the published tool.
    #[arg(short = 'o', long = "oaep")]
    oaep: bool,
}

impl CreateRsaKey {
    /// Prints nothing on stdout; shows a spinner on a terminal while the service generates.
    pub(crate) fn run(&self, context: &Context, _out: &mut dyn Write) -> Result<(), Error> {
        let sha256 = SignHash::Specific(Hash::Sha256);
        let attributes = if self.for_signing || self.for_signing_pss {
            log::info!("Creating RSA signing key...");
            let alg = if self.for_signing_pss {
                AsymmetricSignature::RsaPss { hash: sha256 }
            } else {
                AsymmetricSignature::RsaPkcs1v15Sign { hash: sha256 }
            };
            Attributes::signing_key(KeyType::RsaKeyPair, self.bits, alg)
        } else {
            log::info!("Creating RSA encryption key...");
            self.encryption_key()
        };
        let client = context.key_client()?;
        let spinner = Spinner::start("generating the RSA key");
        let created = client.generate_key(&self.key_name, attributes);
        drop(spinner);
        created?;
        log::info!("Key \"{}\" created.", self.key_name);
        Ok(())
    }

    fn encryption_key(&self) -> Attributes {
        let alg = if self.oaep {
            AsymmetricEncryption::RsaOaep { hash: Hash::Sha256 }
        } else {
            AsymmetricEncryption::RsaPkcs1v15Crypt
        };
        Attributes {
            key_type: KeyType::RsaKeyPair,
            bits: self.bits,
            policy: Policy {
                usage_flags: UsageFlags {
                    encrypt: true,
                    decrypt: true,
                    ..UsageFlags::default()
                },
                permitted_algorithm: Algorithm::AsymmetricEncryption(alg),
            },
        }
    }
}
