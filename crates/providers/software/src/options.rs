//! The software provider's own `[[provider]]` options (`provider_type = "MbedCrypto"`),
//! parsed strictly from the table the service hands over: an unknown key is an error naming
//! it, its line and the file.

use std::path::{Path, PathBuf};

use psc_provider_api::{OptionsError, ProviderOptions};
use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::{DEFAULT_KEY_CACHE_SIZE, DEFAULT_MIN_RSA_BITS};

/// The range `min_rsa_bits` may take: from the smallest RSA key served to the largest.
pub(crate) const MIN_RSA_BITS_RANGE: std::ops::RangeInclusive<u32> = 1024..=8192;

/// The largest `key_cache_size` accepted.
pub const MAX_KEY_CACHE_SIZE: usize = 65_536;

/// The master key's file name when `master_key_path` is not set: beside the key store.
pub const DEFAULT_MASTER_KEY_NAME: &str = "psc-master.key";

/// The options of the software provider, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SoftwareOptions {
    /// The file holding the key that seals every stored private key (`master_key_path`;
    /// default: [`DEFAULT_MASTER_KEY_NAME`] beside the key store).
    pub master_key_path: PathBuf,
    /// How many parsed private keys are kept between operations (`key_cache_size`; 0: none).
    pub key_cache_size: usize,
    /// The smallest RSA key served (`min_rsa_bits`, default 1024 as the original; smaller
    /// keys are NotSupported).
    pub min_rsa_bits: u32,
}

/// The table as written. The original's options of the other provider types are named so
/// that one given here is refused as not applying to MbedCrypto, rather than as unknown.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Raw {
    master_key_path: Option<PathBuf>,
    key_cache_size: Option<usize>,
    min_rsa_bits: Option<u32>,
    library_path: Option<IgnoredAny>,
    serial_number: Option<IgnoredAny>,
    slot_number: Option<IgnoredAny>,
    user_pin: Option<IgnoredAny>,
    software_public_operations: Option<IgnoredAny>,
    allow_export: Option<IgnoredAny>,
    tcti: Option<IgnoredAny>,
    owner_hierarchy_auth: Option<IgnoredAny>,
    endorsement_hierarchy_auth: Option<IgnoredAny>,
    skip_if_no_tpm: Option<IgnoredAny>,
    iface_type: Option<IgnoredAny>,
    device_type: Option<IgnoredAny>,
    wake_delay: Option<IgnoredAny>,
    rx_retries: Option<IgnoredAny>,
    slave_address: Option<IgnoredAny>,
    bus: Option<IgnoredAny>,
    baud: Option<IgnoredAny>,
    access_key_file_name: Option<IgnoredAny>,
}

impl Raw {
    /// The first option of another provider type given.
    fn foreign(&self) -> Option<&'static str> {
        [
            ("library_path", self.library_path.is_some()),
            ("serial_number", self.serial_number.is_some()),
            ("slot_number", self.slot_number.is_some()),
            ("user_pin", self.user_pin.is_some()),
            (
                "software_public_operations",
                self.software_public_operations.is_some(),
            ),
            ("allow_export", self.allow_export.is_some()),
            ("tcti", self.tcti.is_some()),
            ("owner_hierarchy_auth", self.owner_hierarchy_auth.is_some()),
            (
                "endorsement_hierarchy_auth",
                self.endorsement_hierarchy_auth.is_some(),
            ),
            ("skip_if_no_tpm", self.skip_if_no_tpm.is_some()),
            ("iface_type", self.iface_type.is_some()),
            ("device_type", self.device_type.is_some()),
            ("wake_delay", self.wake_delay.is_some()),
            ("rx_retries", self.rx_retries.is_some()),
            ("slave_address", self.slave_address.is_some()),
            ("bus", self.bus.is_some()),
            ("baud", self.baud.is_some()),
            ("access_key_file_name", self.access_key_file_name.is_some()),
        ]
        .into_iter()
        .find_map(|(option, given)| given.then_some(option))
    }
}

impl SoftwareOptions {
    /// The defaults for a provider whose keys are recorded in `key_store`.
    pub fn defaults(key_store: &Path) -> SoftwareOptions {
        SoftwareOptions {
            master_key_path: default_master_key_path(key_store),
            key_cache_size: DEFAULT_KEY_CACHE_SIZE,
            min_rsa_bits: DEFAULT_MIN_RSA_BITS,
        }
    }

    /// Parses the provider's `[[provider]]` table; `key_store` is its key store's file (the
    /// master key's default is beside it).
    ///
    /// # Errors
    /// [`OptionsError`] naming the file, the option and, where known, its line.
    pub fn parse(
        options: &ProviderOptions,
        key_store: &Path,
    ) -> Result<SoftwareOptions, OptionsError> {
        let raw: Raw = options.parse()?;
        let refuse = |message: String| OptionsError {
            file: options.file().to_owned(),
            line: None,
            message: format!("[[provider]] option: {message}"),
        };
        if let Some(option) = raw.foreign() {
            return Err(refuse(format!(
                "provider.{option}: does not apply to provider_type \"MbedCrypto\""
            )));
        }
        let mut parsed = SoftwareOptions::defaults(key_store);
        if let Some(path) = raw.master_key_path {
            if !path.is_absolute() {
                return Err(refuse(format!(
                    "provider.master_key_path: {} is not absolute",
                    path.display()
                )));
            }
            parsed.master_key_path = path;
        }
        if let Some(size) = raw.key_cache_size {
            if size > MAX_KEY_CACHE_SIZE {
                return Err(refuse(format!(
                    "provider.key_cache_size: {size} is more than {MAX_KEY_CACHE_SIZE} (0 turns \
                     the cache off)"
                )));
            }
            parsed.key_cache_size = size;
        }
        if let Some(bits) = raw.min_rsa_bits {
            if !MIN_RSA_BITS_RANGE.contains(&bits) {
                return Err(refuse(format!(
                    "provider.min_rsa_bits: {bits} is outside {}..={} (the RSA key sizes served)",
                    MIN_RSA_BITS_RANGE.start(),
                    MIN_RSA_BITS_RANGE.end()
                )));
            }
            parsed.min_rsa_bits = bits;
        }
        Ok(parsed)
    }

    /// The files holding the provider's root secret (its master key), for the service's
    /// permission checks before the provider is built.
    pub fn secret_files(&self) -> Vec<PathBuf> {
        vec![self.master_key_path.clone()]
    }
}

/// The master key when `master_key_path` is not set: beside the key store.
fn default_master_key_path(key_store: &Path) -> PathBuf {
    let dir = key_store.parent().unwrap_or(Path::new("/"));
    dir.join(DEFAULT_MASTER_KEY_NAME)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use zeroize::Zeroizing;

    use super::*;

    const STORE: &str = "/var/lib/parsec/kim-mappings/sqlite/sqlite-key-info-manager.sqlite3";

    fn parse(table: &str) -> Result<SoftwareOptions, OptionsError> {
        let text = format!("[[provider]]\nprovider_type = \"MbedCrypto\"\nname = \"m\"\n{table}");
        let options = ProviderOptions::new(
            Path::new("/etc/parsec/config.toml"),
            Arc::new(Zeroizing::new(text)),
            0,
        );
        SoftwareOptions::parse(&options, Path::new(STORE))
    }

    fn message(table: &str) -> String {
        match parse(table) {
            Ok(options) => panic!("accepted: {options:?}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn the_defaults_put_the_master_key_beside_the_store() {
        assert_eq!(
            parse("").unwrap(),
            SoftwareOptions {
                master_key_path: "/var/lib/parsec/kim-mappings/sqlite/psc-master.key".into(),
                key_cache_size: 256,
                min_rsa_bits: 1024,
            }
        );
    }

    #[test]
    fn the_options_are_read() {
        let options =
            parse("master_key_path = \"/srv/master.key\"\nkey_cache_size = 1024\n").unwrap();
        assert_eq!(options.master_key_path, Path::new("/srv/master.key"));
        assert_eq!(options.key_cache_size, 1024);
        assert_eq!(parse("key_cache_size = 0\n").unwrap().key_cache_size, 0);
        assert_eq!(parse("min_rsa_bits = 2048\n").unwrap().min_rsa_bits, 2048);
        assert_eq!(options.secret_files(), [PathBuf::from("/srv/master.key")]);
    }

    #[test]
    fn a_wrong_option_is_an_error_naming_it_and_the_file() {
        for (table, option) in [
            ("library_path = \"/x.so\"\n", "provider.library_path"),
            ("libary_path = \"/x\"\n", "libary_path"),
            ("master_key_path = \"rel\"\n", "provider.master_key_path"),
            ("key_cache_size = 65537\n", "key_cache_size"),
            ("key_cache_size = -1\n", "key_cache_size"),
            ("min_rsa_bits = 512\n", "provider.min_rsa_bits"),
            ("min_rsa_bits = 16384\n", "provider.min_rsa_bits"),
            ("min_rsa_bits = \"2048\"\n", "min_rsa_bits"),
        ] {
            let message = message(table);
            assert!(message.contains(option), "{table:?} gave {message}");
            assert!(
                message.contains("/etc/parsec/config.toml"),
                "{table:?} gave {message}"
            );
        }
        let unknown = parse("libary_path = \"/x\"\n").unwrap_err();
        assert_eq!(unknown.line, Some(4), "{unknown}");
    }
}
