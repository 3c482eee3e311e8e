//! `import-key`: a key file openssl wrote (PEM or DER: PKCS#8, SEC1, PKCS#1 or
//! SubjectPublicKeyInfo) into the service, under a policy chosen here. The default is the
//! safest useful one: signing with SHA-256, not exportable.

use std::io::Write;
use std::path::PathBuf;

use psc_client::Attributes;
use psc_client::psa::{
    Algorithm, AsymmetricEncryption, AsymmetricSignature, Hash, KeyType, Policy, SignHash,
    UsageFlags,
};

use crate::error::Error;
use crate::formats::key_file::{self, KeyMaterial};
use crate::formats::{self, FormatError};
use crate::subcommands::Context;

/// The largest key file accepted: an RSA-16384 private key in PEM is about 13 KB.
const MAX_KEY_FILE: usize = 64 << 10;

/// The key's name, where to read it, and its policy.
#[derive(Debug, clap::Args)]
pub(crate) struct ImportKey {
    /// The new key's name.
    #[arg(short = 'k', long = "key-name")]
    key_name: String,

    /// The key file, PEM or DER; without it (or with `-`), standard input.
    input: Option<PathBuf>,

    /// For signing and verifying (the default): RSA PKCS#1 v1.5 or ECDSA, with --hash.
    #[arg(short = 's', long = "for-signing", conflicts_with = "for_encryption")]
    for_signing: bool,

    /// For encryption and decryption with RSA PKCS#1 v1.5 (or OAEP with --oaep).
    #[arg(short = 'e', long = "for-encryption")]
    for_encryption: bool,

    /// With --for-encryption: RSA OAEP with SHA-256 instead of PKCS#1 v1.5.
    #[arg(long = "oaep", requires = "for_encryption")]
    oaep: bool,

    /// For signing: RSA-PSS instead of RSA PKCS#1 v1.5.
    #[arg(long = "pss", conflicts_with = "for_encryption")]
    pss: bool,

    /// For signing: the hash signed messages are hashed with.
    #[arg(long = "hash", value_enum, default_value_t = SigningHash::Sha256,
          conflicts_with = "for_encryption")]
    hash: SigningHash,

    /// Let the key be exported again (PsaExportKey); off by default.
    #[arg(long = "exportable")]
    exportable: bool,
}

/// The hashes a signing policy may name.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub(crate) enum SigningHash {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl ImportKey {
    /// Prints nothing on stdout.
    pub(crate) fn run(&self, context: &Context, _out: &mut dyn Write) -> Result<(), Error> {
        let input = formats::read_input(self.input.as_deref(), "key file", MAX_KEY_FILE)?;
        let key = key_file::parse(&input)?;
        drop(input);
        let attributes = self.attributes(&key)?;
        log::info!(
            "Importing {:?} ({} bits) from {}...",
            key.key_type,
            key.bits,
            key.format
        );
        context
            .key_client()?
            .import_key(&self.key_name, attributes, &key.data)?;
        log::info!("Key \"{}\" imported.", self.key_name);
        Ok(())
    }

    /// The attributes the options ask for, for this key.
    fn attributes(&self, key: &KeyMaterial) -> Result<Attributes, FormatError> {
        let pair = key.key_type.is_key_pair();
        let rsa = matches!(key.key_type, KeyType::RsaKeyPair | KeyType::RsaPublicKey);
        let mut usage_flags = UsageFlags {
            export: self.exportable,
            ..UsageFlags::default()
        };
        // Clap refuses both at once; signing is the default.
        let for_encryption = self.for_encryption && !self.for_signing;
        let permitted_algorithm = if for_encryption {
            if !rsa {
                return Err(FormatError::Purpose(
                    "for encryption: only RSA keys encrypt",
                ));
            }
            usage_flags.encrypt = true;
            usage_flags.decrypt = pair;
            Algorithm::AsymmetricEncryption(if self.oaep {
                AsymmetricEncryption::RsaOaep { hash: Hash::Sha256 }
            } else {
                AsymmetricEncryption::RsaPkcs1v15Crypt
            })
        } else {
            usage_flags.sign_hash = pair;
            usage_flags.sign_message = pair;
            usage_flags.verify_hash = true;
            usage_flags.verify_message = true;
            Algorithm::AsymmetricSignature(self.signature(rsa).ok_or(FormatError::Purpose(
                "with --pss: only RSA keys sign with PSS",
            ))?)
        };
        Ok(Attributes {
            key_type: key.key_type,
            bits: key.bits,
            policy: Policy {
                usage_flags,
                permitted_algorithm,
            },
        })
    }

    /// The signature algorithm: `None` for PSS on an elliptic-curve key.
    fn signature(&self, rsa: bool) -> Option<AsymmetricSignature> {
        let hash = SignHash::Specific(match self.hash {
            SigningHash::Sha256 => Hash::Sha256,
            SigningHash::Sha384 => Hash::Sha384,
            SigningHash::Sha512 => Hash::Sha512,
        });
        Some(match (rsa, self.pss) {
            (true, false) => AsymmetricSignature::RsaPkcs1v15Sign { hash },
            (true, true) => AsymmetricSignature::RsaPss { hash },
            (false, false) => AsymmetricSignature::Ecdsa { hash },
            (false, true) => return None,
        })
    }
}
