//! `[[key_manager]]` and `[[provider]]`: the original's sections, validated into
//! [`ProviderConfig`]s.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use psc_provider_api::{OptionsError, ProviderOptions};
use psc_wire::ProviderId;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::{
    ConfigError, DEFAULT_KEY_CACHE_SIZE, DEFAULT_KEY_STORE, DEFAULT_MIN_RSA_BITS,
    MAX_KEY_CACHE_SIZE, MIN_RSA_BITS_RANGE, ProviderConfig, ProviderKind,
};

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

/// The software provider's table (strict). It also names every option other provider
/// types of the original take, so that one given here is refused as not applying to
/// `MbedCrypto`. The software provider's options are still read by the service because
/// the start-up permission checks need its master key's path.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawProvider {
    provider_type: String,
    name: Option<String>,
    key_info_manager: Option<String>,
    /// Ours: the software provider's master key file.
    master_key_path: Option<PathBuf>,
    /// Ours: how many parsed keys the software provider keeps (0: off).
    key_cache_size: Option<usize>,
    /// Ours: the smallest RSA key the software provider serves (default 1024).
    min_rsa_bits: Option<u32>,
    library_path: Option<toml::Value>,
    serial_number: Option<toml::Value>,
    slot_number: Option<toml::Value>,
    user_pin: Option<toml::Value>,
    software_public_operations: Option<toml::Value>,
    allow_export: Option<toml::Value>,
    tcti: Option<toml::Value>,
    owner_hierarchy_auth: Option<toml::Value>,
    endorsement_hierarchy_auth: Option<toml::Value>,
    skip_if_no_tpm: Option<toml::Value>,
    iface_type: Option<toml::Value>,
    device_type: Option<toml::Value>,
    wake_delay: Option<toml::Value>,
    rx_retries: Option<toml::Value>,
    slave_address: Option<toml::Value>,
    bus: Option<toml::Value>,
    baud: Option<toml::Value>,
    access_key_file_name: Option<toml::Value>,
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
        "MbedCrypto" => return Ok(software(options.parse_all()?, &store)?),
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
        kind: ProviderKind::Own {
            provider_type: common.provider_type,
            options,
        },
    })
}

/// The original's default provider names.
fn default_name(provider_type: &str) -> String {
    match provider_type {
        "Pkcs11" => "pkcs11-provider".into(),
        "Tpm" => "tpm-provider".into(),
        "TrustedService" => "trusted-service-provider".into(),
        "CryptoAuthLib" => "cryptoauthlib-provider".into(),
        other => format!("{}-provider", other.to_lowercase()),
    }
}

fn software(raw: RawProvider, store: &Path) -> Result<ProviderConfig, Refusal> {
    let foreign = [
        ("provider.library_path", raw.library_path.is_some()),
        ("provider.serial_number", raw.serial_number.is_some()),
        ("provider.slot_number", raw.slot_number.is_some()),
        ("provider.user_pin", raw.user_pin.is_some()),
        (
            "provider.software_public_operations",
            raw.software_public_operations.is_some(),
        ),
        ("provider.allow_export", raw.allow_export.is_some()),
        ("provider.tcti", raw.tcti.is_some()),
        (
            "provider.owner_hierarchy_auth",
            raw.owner_hierarchy_auth.is_some(),
        ),
        (
            "provider.endorsement_hierarchy_auth",
            raw.endorsement_hierarchy_auth.is_some(),
        ),
        ("provider.skip_if_no_tpm", raw.skip_if_no_tpm.is_some()),
        ("provider.iface_type", raw.iface_type.is_some()),
        ("provider.device_type", raw.device_type.is_some()),
        ("provider.wake_delay", raw.wake_delay.is_some()),
        ("provider.rx_retries", raw.rx_retries.is_some()),
        ("provider.slave_address", raw.slave_address.is_some()),
        ("provider.bus", raw.bus.is_some()),
        ("provider.baud", raw.baud.is_some()),
        (
            "provider.access_key_file_name",
            raw.access_key_file_name.is_some(),
        ),
    ];
    if let Some((option, _)) = foreign.iter().find(|(_, present)| *present) {
        return Err((
            option,
            "does not apply to provider_type \"MbedCrypto\"".into(),
        ));
    }
    let mut config = ProviderConfig::software(store);
    if let Some(name) = raw.name {
        config.name = name;
    }
    let mut master_key_path = super::default_master_key_path(&config.key_store);
    if let Some(path) = raw.master_key_path {
        if !path.is_absolute() {
            return Err((
                "provider.master_key_path",
                format!("{} is not absolute", path.display()),
            ));
        }
        master_key_path = path;
    }
    let key_cache_size = raw.key_cache_size.unwrap_or(DEFAULT_KEY_CACHE_SIZE);
    if key_cache_size > MAX_KEY_CACHE_SIZE {
        return Err((
            "provider.key_cache_size",
            format!("{key_cache_size} is more than {MAX_KEY_CACHE_SIZE} (0 turns the cache off)"),
        ));
    }
    let min_rsa_bits = raw.min_rsa_bits.unwrap_or(DEFAULT_MIN_RSA_BITS);
    if !MIN_RSA_BITS_RANGE.contains(&min_rsa_bits) {
        return Err((
            "provider.min_rsa_bits",
            format!(
                "{min_rsa_bits} is outside {}..={} (the RSA key sizes served)",
                MIN_RSA_BITS_RANGE.start(),
                MIN_RSA_BITS_RANGE.end()
            ),
        ));
    }
    config.kind = ProviderKind::Software {
        master_key_path,
        key_cache_size,
        min_rsa_bits,
    };
    Ok(config)
}
