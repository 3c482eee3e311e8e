//! Configuration: the original's `config.toml` sections and option names, parsed strictly
//! (an unknown key is an error naming the key and the file), then validated once into a
//! typed [`Config`] that runtime code uses without further checks.

use std::path::{Path, PathBuf};
use std::time::Duration;

use psc_wire::{AuthType, ProviderId};
use serde::Deserialize;

/// Where the original puts its socket, and where clients look by default.
pub const DEFAULT_SOCKET_PATH: &str = "/run/parsec/parsec.sock";

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid TOML for our schema (unknown key, wrong type, …).
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message, which names the offending key and its line.
        message: String,
    },
    /// An `[authenticator]` table was refused: an unknown or unsupported `auth_type`, or
    /// an option of the authenticator's own.
    #[error("{path}: {source}")]
    Authenticator {
        /// The file.
        path: PathBuf,
        /// The cause, naming the authenticator and the option.
        source: crate::auth::BuildError,
    },
    /// An option holds a value we refuse.
    #[error("{path}: option `{option}`: {reason}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The option, as `section.key`.
        option: &'static str,
        /// Why.
        reason: String,
    },
}

/// The validated configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The Unix socket the service listens on.
    pub socket_path: PathBuf,
    /// The deadline for reading a request and for writing its response.
    pub timeout: Duration,
    /// How long a kept-open connection may wait for its next request (`listener.keep_alive_timeout`).
    pub keep_alive_timeout: Duration,
    /// Size and concurrency limits.
    pub limits: Limits,
    /// Whether the service may run as root.
    pub allow_root: bool,
    /// Whether keys using deprecated primitives may be generated.
    pub allow_deprecated: bool,
    /// The number of worker threads (0 = one per CPU).
    pub threads: usize,
    /// How long after each response a lowest-priority thread keeps a CPU polling, so that
    /// the next request does not wait for a halted CPU to wake (zero, the default: off;
    /// never on a single CPU). See `front/idle_poll.rs`.
    pub idle_poll: Duration,
    /// How long a call to a provider on a slow thread may take once started before its
    /// client is answered `PsaErrorCommunicationFailure` and the provider is stalled until
    /// the call returns (`core_settings.device_timeout_ms`; see `front/deadline.rs`).
    pub device_timeout: Duration,
    /// The log level (`off`, `error`, `warn`, `info`, `debug`, `trace`) when `RUST_LOG` is
    /// not set; `None` for the default (`info`).
    pub log_level: Option<String>,
    /// The accepted authenticators, preferred first (clients pick the first they support).
    pub authenticators: Vec<AuthenticatorConfig>,
    /// The crypto providers, highest priority first (clients default to the first).
    pub providers: Vec<ProviderConfig>,
}

/// One crypto provider: what the service reads of its `[[provider]]` table (what every
/// provider has), and the table itself, for the provider's crate to parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderConfig {
    /// Its name; must never change while it holds keys.
    pub name: String,
    /// The slot it answers on (fixed by its type).
    pub id: ProviderId,
    /// The key store file holding its keys' mappings.
    pub key_store: PathBuf,
    /// The `provider_type` as written (`MbedCrypto`, `Pkcs11`, `Tpm`, … and the tests'
    /// `TestExternal`): the daemon's factory picks the provider's crate by it.
    pub provider_type: String,
    /// Its `[[provider]]` table, which the provider parses strictly itself.
    pub options: psc_provider_api::ProviderOptions,
}

/// Size and concurrency limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest request body accepted, in bytes.
    pub body_len_limit: u32,
    /// The largest response buffer a request may ask for (e.g. random bytes).
    pub buffer_size_limit: u32,
    /// The most connections served at once; more are refused at accept.
    pub max_connections: usize,
    /// The most bytes held at once in requests and answers over all connections, beyond a
    /// small allowance per connection (`core_settings.memory_budget_bytes`).
    pub memory_budget: usize,
    /// The most keys one application may hold in one key store
    /// (`core_settings.max_keys_per_application`).
    pub max_keys_per_application: usize,
}

/// One accepted authenticator and its administrators.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthenticatorConfig {
    /// Its type ([`auth::build`](crate::auth::build) says which this build has).
    pub auth_type: AuthType,
    /// Application names (for peer credentials: decimal UIDs) with admin rights.
    pub admins: Vec<String>,
    /// Its own options, parsed by the authenticator.
    pub options: crate::auth::AuthOptions,
}

impl AuthenticatorConfig {
    /// `auth_type` with these administrators and no options of its own.
    pub fn new(auth_type: AuthType, admins: Vec<String>) -> AuthenticatorConfig {
        AuthenticatorConfig {
            auth_type,
            admins,
            options: crate::auth::AuthOptions::default(),
        }
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            socket_path: PathBuf::from(DEFAULT_SOCKET_PATH),
            timeout: Duration::from_millis(DEFAULT_TIMEOUT_MS),
            keep_alive_timeout: Duration::from_millis(DEFAULT_KEEP_ALIVE_TIMEOUT_MS),
            limits: Limits {
                body_len_limit: DEFAULT_BUFFER_LIMIT,
                buffer_size_limit: DEFAULT_BUFFER_LIMIT,
                max_connections: DEFAULT_MAX_CONNECTIONS,
                memory_budget: DEFAULT_MEMORY_BUDGET,
                max_keys_per_application: DEFAULT_MAX_KEYS_PER_APPLICATION,
            },
            allow_root: false,
            allow_deprecated: false,
            threads: 0,
            idle_poll: Duration::from_micros(DEFAULT_IDLE_POLL_US),
            device_timeout: Duration::from_millis(DEFAULT_DEVICE_TIMEOUT_MS),
            log_level: None,
            authenticators: vec![AuthenticatorConfig::new(
                AuthType::UnixPeerCredentials,
                Vec::new(),
            )],
            providers: vec![ProviderConfig::software(Path::new(DEFAULT_KEY_STORE))],
        }
    }
}

impl ProviderConfig {
    /// The software provider (`provider_type = "MbedCrypto"`) with its key store at
    /// `key_store` and its own options at their defaults (its master key beside the store).
    pub fn software(key_store: &Path) -> ProviderConfig {
        ProviderConfig {
            name: "mbed-crypto-provider".into(),
            id: ProviderId::MbedCrypto,
            key_store: key_store.to_owned(),
            provider_type: "MbedCrypto".into(),
            options: built_in_table("MbedCrypto", ""),
        }
    }

    /// The same provider with `table` (TOML lines, such as `key_cache_size = 0`) as its own
    /// options instead, for configurations built in code.
    pub fn with_options(mut self, table: &str) -> ProviderConfig {
        self.options = built_in_table(&self.provider_type, table);
        self
    }
}

/// A `[[provider]]` table written in code: `provider_type` and the lines of `table`.
fn built_in_table(provider_type: &str, table: &str) -> psc_provider_api::ProviderOptions {
    let text = format!("[[provider]]\nprovider_type = {provider_type:?}\n{table}\n");
    psc_provider_api::ProviderOptions::new(
        Path::new("(built-in configuration)"),
        std::sync::Arc::new(zeroize::Zeroizing::new(text)),
        0,
    )
}

/// Where keys are recorded when no `[[key_manager]]` is configured.
pub const DEFAULT_KEY_STORE: &str = "/var/lib/parsec/psc/keys.sqlite3";

const DEFAULT_TIMEOUT_MS: u64 = 1_000;
const DEFAULT_BUFFER_LIMIT: u32 = 1 << 20;
const DEFAULT_MAX_CONNECTIONS: usize = 1_024;
/// Bytes held in requests and answers over all connections (64 MiB).
const DEFAULT_MEMORY_BUDGET: usize = 64 << 20;
/// Keys per application and key store.
const DEFAULT_MAX_KEYS_PER_APPLICATION: usize = 10_000;
/// How long a kept-open connection may idle between two requests (ms).
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS: u64 = 30_000;
/// Idle polling after each response (µs): off unless configured (1,000 bridges a client's
/// pause between two requests on a VM without guest halt polling, `docs/BENCHMARKS.md`).
const DEFAULT_IDLE_POLL_US: u64 = 0;
/// The longest idle polling accepted (µs): beyond, it is a busy loop, not a bridge.
const MAX_IDLE_POLL_US: u64 = 100_000;
/// How long a device call may take (ms): under the published clients' own 60 s, so that
/// they get our status and not their timeout; well above the slowest ordinary device work
/// (an RSA-2048 key generation on a slow discrete TPM takes seconds, rarely over 20).
const DEFAULT_DEVICE_TIMEOUT_MS: u64 = 30_000;
/// The range accepted for `core_settings.device_timeout_ms`.
const DEVICE_TIMEOUT_MS: std::ops::RangeInclusive<u64> = 100..=600_000;

impl Config {
    /// Reads and validates a configuration file.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file and, where there is one, the offending option.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Config::parse(&zeroize::Zeroizing::new(text), path)
    }

    /// Validates configuration text; `path` names it in errors.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file and, where there is one, the offending option.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            // The line number and the line itself, so the message names the offending key.
            let message = match e.span() {
                Some(span) => {
                    let number = text[..span.start].matches('\n').count() + 1;
                    let line = text.lines().nth(number - 1).unwrap_or_default();
                    // The key only: a value may be a secret (a PIN).
                    let key = match line.split_once('=') {
                        Some((key, _)) => format!("{} = …", key.trim()),
                        None => line.trim().to_owned(),
                    };
                    format!("line {number} `{key}`: {}", e.message())
                }
                None => e.message().to_owned(),
            };
            ConfigError::Parse {
                path: path.to_owned(),
                message,
            }
        })?;
        let text = std::sync::Arc::new(zeroize::Zeroizing::new(text.to_owned()));
        raw.validate(path, &text)
    }
}

/// The file as written. Every table denies unknown keys; defaults are the original's.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawConfig {
    core_settings: RawCoreSettings,
    listener: RawListener,
    /// `[authenticator]` (the original: one) or `[[authenticator]]` (ours: several, in order
    /// of preference).
    authenticator: Option<toml::Value>,
    key_manager: Vec<providers::RawKeyManager>,
    /// Each table is parsed later, by `providers.rs` and by its provider, from the text.
    provider: Vec<serde::de::IgnoredAny>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawCoreSettings {
    allow_root: bool,
    thread_pool_size: Option<usize>,
    /// Accepted for compatibility; our accept loop never sleeps.
    idle_listener_sleep_duration: Option<u64>,
    log_level: Option<String>,
    log_timestamp: Option<bool>,
    log_error_details: Option<bool>,
    body_len_limit: Option<u32>,
    buffer_size_limit: Option<u32>,
    allow_deprecated: bool,
    max_connections: Option<usize>,
    idle_poll_us: Option<u64>,
    device_timeout_ms: Option<u64>,
    memory_budget_bytes: Option<usize>,
    max_keys_per_application: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RawListener {
    listener_type: Option<String>,
    timeout: Option<u64>,
    socket_path: Option<PathBuf>,
    keep_alive_timeout: Option<u64>,
}

/// The keys the service reads; every other key is the authenticator's own, which it parses
/// strictly (`auth::build`).
#[derive(Debug, Deserialize)]
struct RawAuthenticator {
    auth_type: String,
    #[serde(default)]
    admins: Vec<RawAdmin>,
    #[serde(flatten)]
    own: toml::Table,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAdmin {
    name: String,
}

impl RawConfig {
    fn validate(
        self,
        path: &Path,
        text: &std::sync::Arc<zeroize::Zeroizing<String>>,
    ) -> Result<Config, ConfigError> {
        let invalid = |option, reason: String| ConfigError::Invalid {
            path: path.to_owned(),
            option,
            reason,
        };
        let defaults = Config::default();
        let core = self.core_settings;
        if let Some(level) = &core.log_level
            && !matches!(
                level.as_str(),
                "off" | "error" | "warn" | "info" | "debug" | "trace"
            )
        {
            return Err(invalid(
                "core_settings.log_level",
                format!("unknown level {level:?}"),
            ));
        }
        let limits = core_limits(&core, &defaults.limits, &invalid)?;
        check_memory_budget(&limits)
            .map_err(|r| invalid("core_settings.memory_budget_bytes", r))?;
        let idle_poll = idle_poll(core.idle_poll_us, defaults.idle_poll)
            .map_err(|r| invalid("core_settings.idle_poll_us", r))?;
        let device_timeout = device_timeout(core.device_timeout_ms)
            .map_err(|r| invalid("core_settings.device_timeout_ms", r))?;
        let listener = self.listener;
        if let Some(kind) = listener.listener_type.filter(|k| k != "DomainSocket") {
            return Err(invalid(
                "listener.listener_type",
                format!("{kind:?} is not supported; use \"DomainSocket\""),
            ));
        }
        let timeout_ms = nonzero(listener.timeout, DEFAULT_TIMEOUT_MS)
            .ok_or_else(|| invalid("listener.timeout", "must be > 0 milliseconds".into()))?;
        let keep_alive_ms = nonzero(listener.keep_alive_timeout, DEFAULT_KEEP_ALIVE_TIMEOUT_MS)
            .ok_or_else(|| {
                invalid(
                    "listener.keep_alive_timeout",
                    "must be > 0 milliseconds".into(),
                )
            })?;
        let socket_path = listener.socket_path.unwrap_or(defaults.socket_path);
        if !socket_path.is_absolute() {
            return Err(invalid(
                "listener.socket_path",
                format!("{} is not absolute", socket_path.display()),
            ));
        }
        let authenticators = match self.authenticator {
            None => defaults.authenticators,
            Some(value) => raw_authenticators(value)
                .map_err(|e| invalid("authenticator", e.message().to_owned()))?
                .into_iter()
                .map(|raw| authenticator(raw, path))
                .collect::<Result<_, _>>()?,
        };
        check_unique_authenticators(&authenticators)
            .map_err(|r| invalid("authenticator.auth_type", r))?;
        let provider_configs =
            providers::configs(self.key_manager, self.provider.len(), path, text)?;
        Ok(Config {
            socket_path,
            timeout: Duration::from_millis(timeout_ms),
            keep_alive_timeout: Duration::from_millis(keep_alive_ms),
            limits,
            allow_root: core.allow_root,
            allow_deprecated: core.allow_deprecated,
            threads: core.thread_pool_size.unwrap_or(0),
            idle_poll,
            device_timeout,
            log_level: core.log_level,
            authenticators,
            providers: provider_configs,
        })
    }
}

/// The size limits of `[core_settings]`, each refused at zero.
fn core_limits(
    core: &RawCoreSettings,
    defaults: &Limits,
    invalid: &impl Fn(&'static str, String) -> ConfigError,
) -> Result<Limits, ConfigError> {
    Ok(Limits {
        body_len_limit: nonzero(core.body_len_limit, defaults.body_len_limit)
            .ok_or_else(|| invalid("core_settings.body_len_limit", "must be > 0".into()))?,
        buffer_size_limit: nonzero(core.buffer_size_limit, defaults.buffer_size_limit)
            .ok_or_else(|| invalid("core_settings.buffer_size_limit", "must be > 0".into()))?,
        max_connections: nonzero(core.max_connections, defaults.max_connections)
            .ok_or_else(|| invalid("core_settings.max_connections", "must be > 0".into()))?,
        memory_budget: nonzero(core.memory_budget_bytes, defaults.memory_budget)
            .ok_or_else(|| invalid("core_settings.memory_budget_bytes", "must be > 0".into()))?,
        max_keys_per_application: nonzero(
            core.max_keys_per_application,
            defaults.max_keys_per_application,
        )
        .ok_or_else(|| {
            invalid(
                "core_settings.max_keys_per_application",
                "must be > 0".into(),
            )
        })?,
    })
}

/// `Some(default)` when unset, `None` when set to zero.
fn nonzero<T: Default + PartialEq>(value: Option<T>, default: T) -> Option<T> {
    match value {
        None => Some(default),
        Some(v) if v == T::default() => None,
        Some(v) => Some(v),
    }
}

/// `core_settings.idle_poll_us`, at most [`MAX_IDLE_POLL_US`].
fn idle_poll(us: Option<u64>, default: Duration) -> Result<Duration, String> {
    match us {
        Some(us) if us > MAX_IDLE_POLL_US => Err(format!(
            "{us} is above the maximum of {MAX_IDLE_POLL_US} microseconds (0 turns polling off)"
        )),
        Some(us) => Ok(Duration::from_micros(us)),
        None => Ok(default),
    }
}

/// `core_settings.device_timeout_ms`, within [`DEVICE_TIMEOUT_MS`].
fn device_timeout(ms: Option<u64>) -> Result<Duration, String> {
    let ms = ms.unwrap_or(DEFAULT_DEVICE_TIMEOUT_MS);
    if !DEVICE_TIMEOUT_MS.contains(&ms) {
        return Err(format!(
            "{ms} is outside {}..={} milliseconds (a device call that takes longer is \
             answered PsaErrorCommunicationFailure)",
            DEVICE_TIMEOUT_MS.start(),
            DEVICE_TIMEOUT_MS.end()
        ));
    }
    Ok(Duration::from_millis(ms))
}

/// The budget must hold the largest request and the largest answer, or they could never be
/// served.
fn check_memory_budget(limits: &Limits) -> Result<(), String> {
    let largest = limits.body_len_limit.max(limits.buffer_size_limit) as usize;
    let needed = 2 * (largest + psc_wire::header::MAX_AUTH_LEN + 4096);
    if limits.memory_budget < needed {
        return Err(format!(
            "{} bytes cannot hold the largest request and answer (body_len_limit and \
             buffer_size_limit); use at least {needed}",
            limits.memory_budget
        ));
    }
    Ok(())
}

/// One table or an array of tables.
fn raw_authenticators(value: toml::Value) -> Result<Vec<RawAuthenticator>, toml::de::Error> {
    match value {
        toml::Value::Array(many) => many.into_iter().map(toml::Value::try_into).collect(),
        one => Ok(vec![one.try_into()?]),
    }
}

/// One authenticator: its type must be one this build has and its own options must be the
/// ones it takes (it is built once here, to check, and again when the service starts); an
/// error names the authenticator and the option at fault.
fn authenticator(raw: RawAuthenticator, path: &Path) -> Result<AuthenticatorConfig, ConfigError> {
    let refused = |source| ConfigError::Authenticator {
        path: path.to_owned(),
        source,
    };
    let auth_type = crate::auth::auth_type_named(&raw.auth_type).map_err(refused)?;
    let config = AuthenticatorConfig {
        auth_type,
        admins: raw.admins.into_iter().map(|a| a.name).collect(),
        options: crate::auth::AuthOptions::new(raw.own),
    };
    crate::auth::build(&config).map_err(refused)?;
    let admins = match auth_type {
        AuthType::UnixPeerCredentials => check_uid_admins(&config.admins),
        AuthType::JwtSvid => check_spiffe_admins(&config.admins),
        _ => Ok(()),
    };
    admins.map_err(|reason| ConfigError::Invalid {
        path: path.to_owned(),
        option: "authenticator.admins",
        reason,
    })?;
    Ok(config)
}

/// A peer-credentials administrator is a user id: a decimal number that fits a `uid_t`. A
/// name such as "root" would never match a caller, so it is an error, not a silent no-op.
fn check_uid_admins(admins: &[String]) -> Result<(), String> {
    match admins.iter().find(|name| !is_uid(name)) {
        Some(name) => Err(format!(
            "{name:?} is not a user id: UnixPeerCredentials administrators are named by their \
             decimal UID (for example \"0\" or \"1000\")"
        )),
        None => Ok(()),
    }
}

/// A JWT-SVID administrator is a workload's SPIFFE ID, as its tokens' `sub` names it.
fn check_spiffe_admins(admins: &[String]) -> Result<(), String> {
    for name in admins {
        crate::auth::SpiffeId::parse(name).map_err(|e| {
            format!(
                "{name:?} is not a SPIFFE ID ({e}): JwtSvid administrators are named by their \
                 SPIFFE ID, for example \"spiffe://example.org/ops\""
            )
        })?;
    }
    Ok(())
}

/// Whether `name` is how the peer-credentials authenticator names a caller: the decimal UID,
/// without sign or leading zeros.
fn is_uid(name: &str) -> bool {
    name.parse::<u32>().is_ok_and(|uid| uid.to_string() == name)
}

fn check_unique_authenticators(list: &[AuthenticatorConfig]) -> Result<(), String> {
    for (i, a) in list.iter().enumerate() {
        if list[..i].iter().any(|b| b.auth_type == a.auth_type) {
            return Err(format!("{:?} is configured twice", a.auth_type));
        }
    }
    Ok(())
}

mod providers;
#[cfg(test)]
mod tests;
