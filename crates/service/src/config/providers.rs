//! `[[key_manager]]` and `[[provider]]`: the original's sections, validated into
//! [`ProviderConfig`]s.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{DEFAULT_KEY_STORE, ProviderConfig, ProviderKind};

/// A validation failure: the option, and why.
type Refusal = (&'static str, String);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKeyManager {
    name: String,
    manager_type: String,
    store_path: Option<PathBuf>,
    sqlite_db_path: Option<PathBuf>,
}

/// Every option any provider type of the original takes; which apply is checked per type.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(super) struct RawProvider {
    provider_type: String,
    name: Option<String>,
    key_info_manager: Option<String>,
    /// Ours: the software provider's master key file.
    master_key_path: Option<PathBuf>,
    /// Ours: the test provider's directory of objects (`TestExternal` only).
    objects_dir: Option<PathBuf>,
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

pub(super) fn validate(
    managers: Vec<RawKeyManager>,
    providers: Vec<RawProvider>,
) -> Result<Vec<ProviderConfig>, Refusal> {
    let stores = key_stores(managers)?;
    if providers.is_empty() {
        let store = stores
            .first()
            .map_or_else(|| PathBuf::from(DEFAULT_KEY_STORE), |s| s.1.clone());
        return Ok(vec![ProviderConfig::software(&store)]);
    }
    let mut out: Vec<ProviderConfig> = Vec::new();
    for raw in providers {
        let provider = provider(raw, &stores)?;
        if out.iter().any(|p| p.name == provider.name) {
            return Err((
                "provider.name",
                format!("{:?} is used twice", provider.name),
            ));
        }
        if out.iter().any(|p| p.id == provider.id) {
            return Err((
                "provider.provider_type",
                format!("{:?} is configured twice", provider.id),
            ));
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

fn provider(raw: RawProvider, stores: &[(String, PathBuf)]) -> Result<ProviderConfig, Refusal> {
    let store = match &raw.key_info_manager {
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
    match raw.provider_type.as_str() {
        "MbedCrypto" => software(raw, &store),
        "TestExternal" => test_external(raw, &store),
        "Pkcs11" | "Tpm" | "TrustedService" | "CryptoAuthLib" => Err((
            "provider.provider_type",
            format!(
                "{:?} is not available in this build; use \"MbedCrypto\"",
                raw.provider_type
            ),
        )),
        "" => Err(("provider.provider_type", "is required".into())),
        other => Err((
            "provider.provider_type",
            format!("unknown provider type {other:?}"),
        )),
    }
}

fn software(raw: RawProvider, store: &Path) -> Result<ProviderConfig, Refusal> {
    let foreign = [
        ("provider.objects_dir", raw.objects_dir.is_some()),
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
    if let Some(path) = raw.master_key_path {
        if !path.is_absolute() {
            return Err((
                "provider.master_key_path",
                format!("{} is not absolute", path.display()),
            ));
        }
        config.kind = ProviderKind::Software {
            master_key_path: path,
        };
    }
    Ok(config)
}

/// The test provider: `objects_dir` (absolute, required) and the common options only.
fn test_external(raw: RawProvider, store: &Path) -> Result<ProviderConfig, Refusal> {
    if raw.master_key_path.is_some() {
        return Err((
            "provider.master_key_path",
            "does not apply to provider_type \"TestExternal\"".into(),
        ));
    }
    let objects_dir = raw
        .objects_dir
        .ok_or(("provider.objects_dir", "is required".to_owned()))?;
    if !objects_dir.is_absolute() {
        return Err((
            "provider.objects_dir",
            format!("{} is not absolute", objects_dir.display()),
        ));
    }
    Ok(ProviderConfig {
        name: raw.name.unwrap_or_else(|| "test-external-provider".into()),
        id: psc_wire::ProviderId::Pkcs11,
        key_store: store.to_owned(),
        kind: ProviderKind::TestExternal { objects_dir },
    })
}
