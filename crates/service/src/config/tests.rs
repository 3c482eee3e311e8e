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
        vec![AuthenticatorConfig::new(
            AuthType::Direct,
            vec!["admin".into(), "root".into()]
        )]
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
fn the_device_deadline_is_30_s_by_default_and_can_be_set() {
    assert_eq!(parse("").unwrap().device_timeout, Duration::from_secs(30));
    let config = parse("[core_settings]\ndevice_timeout_ms = 1000\n").unwrap();
    assert_eq!(config.device_timeout, Duration::from_secs(1));
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
            "[core_settings]\ndevice_timeout_ms = 0\n",
            "core_settings.device_timeout_ms",
        ),
        (
            "[core_settings]\ndevice_timeout_ms = 600001\n",
            "core_settings.device_timeout_ms",
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
    // Its own options (the master key beside the store by default) are its crate's to read.
    assert_eq!(provider.provider_type, "MbedCrypto");
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
    ] {
        let message = message(text);
        assert!(message.contains(option), "{text:?} gave {message}");
    }
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
fn a_providers_own_options_are_handed_to_it_unread() {
    // The software provider's crate parses them (and refuses this one); the service does not.
    let config =
        parse("[[provider]]\nprovider_type = \"MbedCrypto\"\nkey_cache_size = 65537\n").unwrap();
    let provider = &config.providers[0];
    assert_eq!(
        (provider.id, provider.provider_type.as_str()),
        (ProviderId::MbedCrypto, "MbedCrypto")
    );
    assert_ne!(provider, &ProviderConfig::software(&provider.key_store));
    assert_eq!(
        provider,
        &ProviderConfig::software(&provider.key_store).with_options("key_cache_size = 65537")
    );
}

#[test]
fn jwt_svid_with_only_the_originals_workload_endpoint_is_told_to_use_a_bundle_file() {
    let error = parse(
        "[authenticator]\nauth_type = \"JwtSvid\"\n\
         workload_endpoint = \"unix:///run/spire/agent.sock\"\n",
    )
    .unwrap_err();
    let message = error.to_string();
    for says in [
        "JwtSvid",
        "workload_endpoint",
        "local validation needs a trust bundle file",
        "bundle_path",
        "spiffe-helper",
    ] {
        assert!(message.contains(says), "{says}: {message}");
    }
}

#[test]
fn jwt_svid_administrators_must_be_spiffe_ids() {
    let config = |admin: &str| {
        format!(
            "[authenticator]\nauth_type = \"JwtSvid\"\nbundle_path = \"/run/b.json\"\n\
             admins = [{{ name = \"{admin}\" }}]\n"
        )
    };
    assert!(parse(&config("spiffe://example.org/ops")).is_ok());
    let error = parse(&config("ops")).unwrap_err();
    assert!(error.to_string().contains("SPIFFE ID"), "{error}");
}

#[test]
fn an_auth_type_this_build_does_not_have_is_refused_naming_it() {
    for (name, says) in [
        ("Kerberos", "is unknown"),
        ("NoAuth", "is unknown"),
        ("unixpeercredentials", "is unknown"),
    ] {
        for text in [
            format!("[authenticator]\nauth_type = \"{name}\"\n"),
            // Not only the preferred one: any in the list.
            format!(
                "[[authenticator]]\nauth_type = \"Direct\"\n[[authenticator]]\nauth_type = \"{name}\"\n"
            ),
        ] {
            let error = parse(&text).unwrap_err();
            assert!(
                matches!(error, ConfigError::Authenticator { .. }),
                "{name}: {error:?}"
            );
            let message = error.to_string();
            assert!(message.contains(name), "{name}: {message}");
            assert!(message.contains(says), "{name}: {message}");
            assert!(message.contains("authenticator.auth_type"), "{message}");
            assert!(message.contains("/etc/parsec/config.toml"), "{message}");
            assert!(
                message.contains("Direct, UnixPeerCredentials and JwtSvid"),
                "the message says what the build has: {message}"
            );
        }
    }
}

#[test]
fn an_unknown_authenticator_option_is_refused_naming_it() {
    for (auth_type, option) in [
        ("Direct", "workload_endpoint"),
        ("UnixPeerCredentials", "colour"),
    ] {
        let message = message(&format!(
            "[authenticator]\nauth_type = \"{auth_type}\"\n{option} = \"x\"\n"
        ));
        assert!(message.contains(option), "{message}");
        assert!(message.contains(auth_type), "{message}");
        assert!(message.contains("/etc/parsec/config.toml"), "{message}");
    }
}

#[test]
fn an_authenticator_without_options_of_its_own_has_none() {
    let config = parse("[authenticator]\nauth_type = \"Direct\"\n").unwrap();
    assert_eq!(
        config.authenticators,
        [AuthenticatorConfig::new(AuthType::Direct, Vec::new())]
    );
}
