//! `[[key_manager]]` and `[[provider]]`: the original's sections, validated into
//! [`ProviderConfig`]s.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use psc_provider_api::{OptionsError, ProviderOptions};
use psc_wire::ProviderId;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::{ConfigError, DEFAULT_KEY_STORE, ProviderConfig};

/// A validation failure: the option, and why.
type Refusal = (&'static str, String);

/// Why a `[[provider]]` or `[[key_manager]]` table was refused.
#[derive(Debug)]
enum Refused {
    /// A value we refuse.
    Invalid(Refusal),
    /// The table does not parse (unknown key, wrong type), with its line.
    Options(OptionsError),
}

impl From<Refusal> for Refused {
    fn from(refusal: Refusal) -> Refused {
        Refused::Invalid(refusal)
    }
}

impl From<OptionsError> for Refused {
    fn from(error: OptionsError) -> Refused {
        Refused::Options(error)
    }
}

/// The options every provider has, read by the service; the rest of the table belongs to
/// the provider (lenient here: the provider's own parsing is strict).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RawCommon {
    provider_type: String,
    name: Option<String>,
    key_info_manager: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKeyManager {
    name: String,
    manager_type: String,
    store_path: Option<PathBuf>,
    sqlite_db_path: Option<PathBuf>,
}

/// The original's default SQLite key-info-manager file; our tables live beside its own.
const ORIGINAL_SQLITE_PATH: &str =
    "/var/lib/parsec/kim-mappings/sqlite/sqlite-key-info-manager.sqlite3";
/// The original's default OnDisk directory; our SQLite file goes inside it.
const ORIGINAL_ON_DISK_PATH: &str = "/var/lib/parsec/mappings";

/// The `count` `[[provider]]` tables of `text` (read from `path`), validated.
pub(super) fn configs(
    managers: Vec<RawKeyManager>,
    count: usize,
    path: &Path,
    text: &Arc<Zeroizing<String>>,
) -> Result<Vec<ProviderConfig>, ConfigError> {
    let tables = (0..count)
        .map(|i| ProviderOptions::new(path, Arc::clone(text), i))
        .collect();
    validate(managers, tables).map_err(|refused| match refused {
        Refused::Invalid((option, reason)) => ConfigError::Invalid {
            path: path.to_owned(),
            option,
            reason,
        },
        Refused::Options(error) => ConfigError::Parse {
            path: path.to_owned(),
            message: match error.line {
                Some(line) => format!("line {line}: {}", error.message),
                None => error.message,
            },
        },
    })
}

fn validate(
    managers: Vec<RawKeyManager>,
    providers: Vec<ProviderOptions>,
) -> Result<Vec<ProviderConfig>, Refused> {
    let stores = key_stores(managers)?;
    if providers.is_empty() {
        let store = stores
            .first()
            .map_or_else(|| PathBuf::from(DEFAULT_KEY_STORE), |s| s.1.clone());
        return Ok(vec![ProviderConfig::software(&store)]);
    }
    let mut out: Vec<ProviderConfig> = Vec::new();
    for options in providers {
        let provider = provider(options, &stores)?;
        if out.iter().any(|p| p.name == provider.name) {
            return Err(Refused::Invalid((
                "provider.name",
                format!("{:?} is used twice", provider.name),
            )));
        }
        if out.iter().any(|p| p.id == provider.id) {
            return Err(Refused::Invalid((
                "provider.provider_type",
                format!("{:?} is configured twice", provider.id),
            )));
        }
        out.push(provider);
    }
    Ok(out)
}

/// Each key manager's name and SQLite file.
fn key_stores(managers: Vec<RawKeyManager>) -> Result<Vec<(String, PathBuf)>, Refusal> {
    let mut stores: Vec<(String, PathBuf)> = Vec::new();
    for manager in managers {
        let path = match manager.manager_type.as_str() {
            "SQLite" => {
                reject(
                    manager.store_path.is_some(),
                    "key_manager.store_path",
                    "SQLite",
                )?;
                manager
                    .sqlite_db_path
                    .unwrap_or_else(|| ORIGINAL_SQLITE_PATH.into())
            }
            // The original's file-per-key layout: we keep our SQLite file in its directory.
            "OnDisk" => {
                reject(
                    manager.sqlite_db_path.is_some(),
                    "key_manager.sqlite_db_path",
                    "OnDisk",
                )?;
                manager
                    .store_path
                    .unwrap_or_else(|| ORIGINAL_ON_DISK_PATH.into())
                    .join("psc-keys.sqlite3")
            }
            other => {
                let reason = format!("unknown type {other:?}; use \"SQLite\"");
                return Err(("key_manager.manager_type", reason));
            }
        };
        if !path.is_absolute() {
            return Err((
                "key_manager.sqlite_db_path",
                format!("{} is not absolute", path.display()),
            ));
        }
        if stores.iter().any(|(name, _)| *name == manager.name) {
            return Err((
                "key_manager.name",
                format!("{:?} is used twice", manager.name),
            ));
        }
        stores.push((manager.name, path));
    }
    Ok(stores)
}

fn reject(present: bool, option: &'static str, kind: &str) -> Result<(), Refusal> {
    if present {
        return Err((option, format!("does not apply to a {kind} key manager")));
    }
    Ok(())
}

fn provider(
    options: ProviderOptions,
    stores: &[(String, PathBuf)],
) -> Result<ProviderConfig, Refused> {
    let common: RawCommon = options.parse_all()?;
    let store = match &common.key_info_manager {
        Some(name) => stores
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| p.clone())
            .ok_or_else(|| {
                (
                    "provider.key_info_manager",
                    format!("no [[key_manager]] is named {name:?}"),
                )
            })?,
        None => stores
            .first()
            .map_or_else(|| PathBuf::from(DEFAULT_KEY_STORE), |s| s.1.clone()),
    };
    let id = match common.provider_type.as_str() {
        "MbedCrypto" => ProviderId::MbedCrypto,
        "Pkcs11" => ProviderId::Pkcs11,
        "Tpm" => ProviderId::Tpm,
        "TrustedService" => ProviderId::TrustedService,
        "CryptoAuthLib" => ProviderId::CryptoAuthLib,
        // The test provider (tests only) answers on the PKCS#11 slot, as a token would.
        "TestExternal" => ProviderId::Pkcs11,
        "" => return Err(("provider.provider_type", "is required".to_owned()).into()),
        other => {
            return Err((
                "provider.provider_type",
                format!("unknown provider type {other:?}"),
            )
                .into());
        }
    };
    // Whether this build has the provider, and whether its options are right, is the
    // provider's to answer: the daemon's factory hands it `options`.
    Ok(ProviderConfig {
        name: common
            .name
            .unwrap_or_else(|| default_name(&common.provider_type)),
        id,
        key_store: store,
        provider_type: common.provider_type,
        options,
    })
}

/// The original's default provider names.
fn default_name(provider_type: &str) -> String {
    match provider_type {
        "MbedCrypto" => "mbed-crypto-provider".into(),
        "Pkcs11" => "pkcs11-provider".into(),
        "Tpm" => "tpm-provider".into(),
        "TrustedService" => "trusted-service-provider".into(),
        "CryptoAuthLib" => "cryptoauthlib-provider".into(),
        other => format!("{}-provider", other.to_lowercase()),
    }
}
