//! Authenticators on the real `parsec` binary: an `auth_type` this build does not have, or an
//! option an authenticator does not take, stops the start (or a SIGHUP reload) with a message
//! naming it; nothing falls back to another authenticator.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use common::{Daemon, Options, Site, app_client};
use rustix::process::Signal;

const PEER: &str = "auth_type = \"UnixPeerCredentials\"\n";

/// The site's configuration with its `[authenticator]` table's type line replaced by `with`.
fn config_with(site: &Site, with: &str) -> String {
    let config = site.original_config(&Options::default());
    assert!(config.contains(PEER));
    config.replace(PEER, with)
}

/// Starts the binary on the site's configuration, which it must refuse: the error line.
fn refused_start(site: &Site) -> String {
    let stderr = Daemon::refused(site);
    assert!(!site.socket().exists(), "it bound its socket");
    stderr
}

#[test]
fn an_auth_type_this_build_lacks_or_cannot_use_stops_the_start_naming_it() {
    for (line, named, says) in [
        (
            "auth_type = \"JwtSvid\"\nworkload_endpoint = \"unix:///run/spire/agent.sock\"\n",
            "JwtSvid",
            "local validation",
        ),
        ("auth_type = \"Kerberos\"\n", "\"Kerberos\"", "is unknown"),
    ] {
        let site = Site::new();
        site.write_config(&config_with(&site, line));
        let stderr = refused_start(&site);
        assert!(stderr.contains(named), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
        assert!(
            stderr.contains(&site.config().display().to_string()),
            "{stderr}"
        );
    }
}

#[test]
fn an_option_the_authenticator_does_not_take_stops_the_start_naming_it() {
    let site = Site::new();
    site.write_config(&config_with(&site, &format!("{PEER}gid_check = true\n")));
    let stderr = refused_start(&site);
    assert!(stderr.contains("gid_check"), "{stderr}");
    assert!(stderr.contains("UnixPeerCredentials"), "{stderr}");
}

#[test]
fn a_reload_to_an_unsupported_auth_type_is_refused_and_the_old_one_keeps_serving() {
    let site = Site::new();
    site.write_config(&site.original_config(&Options::default()));
    let mut daemon = Daemon::start(&site);
    let client = app_client(&site.socket());
    client
        .psa_generate_key("before", common::ecc_attributes())
        .unwrap();

    site.write_config(&config_with(&site, "auth_type = \"Kerberos\"\n"));
    daemon.signal(Signal::HUP);
    let stderr = daemon.wait_stderr("reload refused");
    let refusal = stderr
        .lines()
        .find(|line| line.contains("reload refused"))
        .unwrap();
    assert!(refusal.contains("\"Kerberos\""), "{refusal}");
    assert!(refusal.contains("is unknown"), "{refusal}");

    // Still peer credentials: the same application, its key still there.
    assert_eq!(client.list_keys().unwrap().len(), 1);
    daemon.stop();
}
