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
