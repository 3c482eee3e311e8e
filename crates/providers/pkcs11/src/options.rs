//! The provider's own options, as the original's PKCS#11 provider takes them (its
//! `[[provider]]` table less the common keys), parsed strictly: an unknown or mistyped option
//! is an error naming it, its line and the file.

use std::path::PathBuf;

use psc_provider_api::{OpenError, ProviderOptions, Secret};
use serde::Deserialize;

/// `provider_type = "Pkcs11"` options.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Options {
    /// The Cryptoki library (`.so`) to load.
    pub(crate) library_path: PathBuf,
    /// The token's serial number (compared with surrounding blanks trimmed); preferred over
    /// `slot_number`, which can change between boots.
    #[serde(default)]
    pub(crate) serial_number: Option<String>,
    /// The slot's number, used when no serial number is given.
    #[serde(default)]
    pub(crate) slot_number: Option<u64>,
    /// The user PIN, `str:` or `hex:` prefixed as in the original; none: no login.
    #[serde(default, deserialize_with = "prefixed")]
    pub(crate) user_pin: Option<Secret>,
    /// Verify and encrypt with public keys in process rather than on the token.
    #[serde(default)]
    pub(crate) software_public_operations: bool,
    /// Whether keys with the export usage flag may be created (the original's default: yes).
    #[serde(default = "yes")]
    pub(crate) allow_export: bool,
}

fn yes() -> bool {
    true
}

fn prefixed<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
    Secret::prefixed(d).map(Some)
}

impl Options {
    /// The options of one `[[provider]]` table.
    ///
    /// # Errors
    /// [`OpenError::Failed`] naming the option, its line and the file (never a PIN).
    pub(crate) fn parse(options: &ProviderOptions) -> Result<Options, OpenError> {
        Ok(options.parse().map_err(|e| e.to_string())?)
    }
}
