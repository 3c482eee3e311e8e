use std::path::Path;

use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, Path::new("/etc/parsec/config.toml"))
}

/// The error message, for checking that it names the option and the file.
fn message(text: &str) -> String {
    match parse(text) {
        Ok(config) => panic!("accepted: {config:?}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn an_empty_file_gives_the_defaults() {
    let config = parse("").unwrap();
    assert_eq!(config, Config::default());
    assert_eq!(config.socket_path, Path::new("/run/parsec/parsec.sock"));
    assert_eq!(config.limits.body_len_limit, 1 << 20);
    assert!(!config.allow_root);
    assert_eq!(
        config.authenticators[0].auth_type,
        AuthType::UnixPeerCredentials
    );
}

#[test]
fn the_originals_sections_and_options_are_read() {
    let config = parse(
        r#"
        [core_settings]
        allow_root = true
        thread_pool_size = 4
        idle_listener_sleep_duration = 10
        log_level = "info"
        log_timestamp = false
        body_len_limit = 2048
        log_error_details = false
        buffer_size_limit = 4096
        allow_deprecated = true

        [listener]
        listener_type = "DomainSocket"
        timeout = 200
        socket_path = "/tmp/parsec/parsec.sock"

        [authenticator]
        auth_type = "Direct"
        admins = [ { name = "admin" }, { name = "root" } ]
        "#,
    )
    .unwrap();
    assert!(config.allow_root && config.allow_deprecated);
    assert_eq!(config.threads, 4);
    assert_eq!(config.limits.body_len_limit, 2048);
    assert_eq!(config.limits.buffer_size_limit, 4096);
    assert_eq!(config.timeout, Duration::from_millis(200));
    assert_eq!(config.socket_path, Path::new("/tmp/parsec/parsec.sock"));
    assert_eq!(
        config.authenticators,
        vec![AuthenticatorConfig {
            auth_type: AuthType::Direct,
            admins: vec!["admin".into(), "root".into()],
        }]
    );
}

#[test]
fn idle_polling_is_off_by_default_and_can_be_set() {
    assert_eq!(parse("").unwrap().idle_poll, Duration::ZERO);
    for (us, window) in [(0, Duration::ZERO), (1000, Duration::from_millis(1))] {
        let config = parse(&format!("[core_settings]\nidle_poll_us = {us}\n")).unwrap();
        assert_eq!(config.idle_poll, window);
    }
}

#[test]
fn several_authenticators_are_kept_in_order() {
    let config = parse(
        r#"
        [[authenticator]]
        auth_type = "UnixPeerCredentials"
        admins = [ { name = "0" } ]
        [[authenticator]]
        auth_type = "Direct"
        "#,
    )
    .unwrap();
    let types: Vec<_> = config.authenticators.iter().map(|a| a.auth_type).collect();
    assert_eq!(types, [AuthType::UnixPeerCredentials, AuthType::Direct]);
}

#[test]
fn unknown_keys_are_errors_naming_the_key_and_the_file() {
    for (text, key) in [
        ("[core_settings]\nbody_len_limt = 5\n", "body_len_limt"),
        ("[listener]\nsocket = \"/x\"\n", "socket"),
        (
            "[authenticator]\nauth_type = \"Direct\"\nadmin = []\n",
            "admin",
        ),
        ("[core]\n", "core"),
    ] {
        let message = message(text);
        assert!(message.contains(key), "{message}");
        assert!(message.contains("/etc/parsec/config.toml"), "{message}");
    }
}

#[test]
fn bad_values_are_errors_naming_the_option() {
    for (text, option) in [
        (
            "[core_settings]\nbody_len_limit = 0\n",
            "core_settings.body_len_limit",
        ),
        (
            "[core_settings]\nlog_level = \"loud\"\n",
            "core_settings.log_level",
        ),
        (
            "[core_settings]\nidle_poll_us = 100001\n",
            "core_settings.idle_poll_us",
        ),
        (
            "[listener]\nlistener_type = \"Tcp\"\n",
            "listener.listener_type",
        ),
        ("[listener]\ntimeout = 0\n", "listener.timeout"),
        (
            "[listener]\nsocket_path = \"relative.sock\"\n",
            "listener.socket_path",
        ),
        (
            "[authenticator]\nauth_type = \"Kerberos\"\n",
            "authenticator.auth_type",
        ),
        (
            "[[authenticator]]\nauth_type = \"Direct\"\n[[authenticator]]\nauth_type = \"Direct\"\n",
            "authenticator.auth_type",
        ),
    ] {
        let message = message(text);
        assert!(message.contains(option), "{text:?} gave {message}");
    }
}

#[test]
fn a_wrong_type_names_the_key() {
    let message = message("[core_settings]\nallow_root = \"yes\"\n");
    assert!(message.contains("allow_root"), "{message}");
}

/// The layout of the original's documented configuration: SQLite key manager, peer credentials, Mbed Crypto.
const ORIGINAL_LAYOUT: &str = r#"
[core_settings]
allow_root = false
log_level = "info"

[listener]
listener_type = "DomainSocket"
timeout = 200
socket_path = "/run/parsec/parsec.sock"

[authenticator]
auth_type = "UnixPeerCredentials"

[[key_manager]]
name = "sqlite-manager"
manager_type = "SQLite"
sqlite_db_path = "/var/lib/parsec/kim-mappings/sqlite/sqlite-key-info-manager.sqlite3"

[[provider]]
provider_type = "MbedCrypto"
key_info_manager = "sqlite-manager"
"#;

#[test]
fn the_originals_provider_layout_selects_the_software_provider() {
    let config = parse(ORIGINAL_LAYOUT).unwrap();
    assert_eq!(config.providers.len(), 1);
    let provider = &config.providers[0];
    assert_eq!(provider.id, ProviderId::MbedCrypto);
    assert_eq!(provider.name, "mbed-crypto-provider");
    assert_eq!(
        provider.key_store,
        Path::new("/var/lib/parsec/kim-mappings/sqlite/sqlite-key-info-manager.sqlite3")
    );
    assert!(
        matches!(&provider.kind, ProviderKind::Software { master_key_path, .. }
        if master_key_path == Path::new("/var/lib/parsec/kim-mappings/sqlite/psc-master.key"))
    );
}

#[test]
fn without_providers_the_software_provider_is_the_default() {
    let config = parse("").unwrap();
    assert_eq!(
        config.providers,
        vec![ProviderConfig::software(Path::new(DEFAULT_KEY_STORE))]
    );
}

#[test]
fn provider_options_are_checked_per_type() {
    for (text, option) in [
        (
            "[[provider]]\nprovider_type = \"MbedCrypto\"\nlibrary_path = \"/x.so\"\n",
            "provider.library_path",
        ),
        (
            "[[provider]]\nprovider_type = \"Quantum\"\n",
            "provider.provider_type",
        ),
        ("[[provider]]\nname = \"p\"\n", "provider.provider_type"),
        (
            "[[provider]]\nprovider_type = \"MbedCrypto\"\nkey_info_manager = \"nope\"\n",
            "provider.key_info_manager",
        ),
        (
            "[[provider]]\nprovider_type = \"MbedCrypto\"\n[[provider]]\nprovider_type = \"MbedCrypto\"\nname = \"b\"\n",
            "provider.provider_type",
        ),
        (
            "[[key_manager]]\nname = \"m\"\nmanager_type = \"Redis\"\n",
            "key_manager.manager_type",
        ),
        (
            "[[key_manager]]\nname = \"m\"\nmanager_type = \"SQLite\"\nstore_path = \"/x\"\n",
            "key_manager.store_path",
        ),
        (
            "[[provider]]\nprovider_type = \"MbedCrypto\"\nmaster_key_path = \"rel\"\n",
            "provider.master_key_path",
        ),
    ] {
        let message = message(text);
        assert!(message.contains(option), "{text:?} gave {message}");
    }
    let unknown = message("[[provider]]\nprovider_type = \"MbedCrypto\"\nlibary_path = \"/x\"\n");
    assert!(unknown.contains("libary_path"), "{unknown}");
}

#[test]
fn an_on_disk_manager_keeps_our_file_in_its_directory() {
    let config = parse(
        "[[key_manager]]\nname = \"d\"\nmanager_type = \"OnDisk\"\nstore_path = \"/srv/parsec\"\n\
         [[provider]]\nprovider_type = \"MbedCrypto\"\nkey_info_manager = \"d\"\n",
    )
    .unwrap();
    assert_eq!(
        config.providers[0].key_store,
        Path::new("/srv/parsec/psc-keys.sqlite3")
    );
}

#[test]
fn a_peer_credentials_admin_that_is_not_a_uid_is_an_error_naming_the_option() {
    for name in ["root", "-1", "1000 ", "01000", "4294967296", ""] {
        let text = format!(
            "[authenticator]\nauth_type = \"UnixPeerCredentials\"\nadmins = [ {{ name = \"0\" }}, {{ name = {name:?} }} ]\n"
        );
        let message = message(&text);
        assert!(
            message.contains("authenticator.admins"),
            "{name:?}: {message}"
        );
        assert!(
            message.contains(&format!("{name:?}")),
            "{name:?}: {message}"
        );
        assert!(message.contains("/etc/parsec/config.toml"), "{message}");
    }
    // Numbers are accepted, and Direct administrators are names of any kind.
    let config = parse(
        "[[authenticator]]\nauth_type = \"UnixPeerCredentials\"\nadmins = [ { name = \"0\" }, { name = \"4294967295\" } ]\n\
         [[authenticator]]\nauth_type = \"Direct\"\nadmins = [ { name = \"root\" } ]\n",
    )
    .unwrap();
    assert_eq!(config.authenticators[0].admins, ["0", "4294967295"]);
    assert_eq!(config.authenticators[1].admins, ["root"]);
}

#[test]
fn the_software_providers_key_cache_size_is_read_and_bounded() {
    let size = |text: &str| match &parse(text).unwrap().providers[0].kind {
        ProviderKind::Software { key_cache_size, .. } => *key_cache_size,
        ProviderKind::Own { .. } => panic!("not the software provider"),
    };
    assert_eq!(size(""), 256, "the default");
    assert_eq!(
        size("[[provider]]\nprovider_type = \"MbedCrypto\"\nkey_cache_size = 0\n"),
        0
    );
    assert_eq!(
        size("[[provider]]\nprovider_type = \"MbedCrypto\"\nkey_cache_size = 1024\n"),
        1024
    );
    for text in [
        "[[provider]]\nprovider_type = \"MbedCrypto\"\nkey_cache_size = 65537\n",
        "[[provider]]\nprovider_type = \"MbedCrypto\"\nkey_cache_size = -1\n",
    ] {
        let message = message(text);
        assert!(
            message.contains("key_cache_size"),
            "{text:?} gave {message}"
        );
    }
}

#[test]
fn the_software_providers_min_rsa_bits_is_read_and_bounded() {
    let bits = |text: &str| match &parse(text).unwrap().providers[0].kind {
        ProviderKind::Software { min_rsa_bits, .. } => *min_rsa_bits,
        ProviderKind::Own { .. } => panic!("not the software provider"),
    };
    assert_eq!(bits(""), 1024, "the default: the original serves RSA-1024");
    assert_eq!(
        bits("[[provider]]\nprovider_type = \"MbedCrypto\"\nmin_rsa_bits = 2048\n"),
        2048
    );
    for text in [
        "[[provider]]\nprovider_type = \"MbedCrypto\"\nmin_rsa_bits = 512\n",
        "[[provider]]\nprovider_type = \"MbedCrypto\"\nmin_rsa_bits = 16384\n",
        "[[provider]]\nprovider_type = \"MbedCrypto\"\nmin_rsa_bits = \"2048\"\n",
    ] {
        let message = message(text);
        assert!(message.contains("min_rsa_bits"), "{text:?} gave {message}");
    }
}
