//! SIGHUP on the real `parsec` binary: a configuration file broken in place is refused, with a
//! message naming the offending key, and the old configuration keeps serving; a valid change
//! applies without a restart.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use common::{Daemon, ECDSA_SHA256, Options, Site, app_client, ecc_attributes, our_uid, poll};
use parsec_client::core::interface::requests::ResponseStatus;
use parsec_client::error::Error;
use rustix::process::Signal;

#[test]
fn a_reload_with_an_unknown_key_is_refused_and_the_old_config_keeps_serving() {
    let site = Site::new();
    site.write_config(&site.original_config(&Options::default()));
    let mut daemon = Daemon::start(&site);
    let client = app_client(&site.socket());
    client.psa_generate_key("before", ecc_attributes()).unwrap();

    site.write_config(&site.original_config(&Options {
        core_extra: "tread_pool_size = 2\n".into(),
        ..Options::default()
    }));
    daemon.signal(Signal::HUP);
    let stderr = daemon.wait_stderr("reload refused");
    let refusal = stderr
        .lines()
        .find(|line| line.contains("reload refused"))
        .unwrap();
    assert!(refusal.contains("tread_pool_size"), "{refusal}");
    assert!(
        refusal.contains(&site.config().display().to_string()),
        "{refusal}"
    );

    assert_eq!(client.ping().unwrap(), (1, 0));
    let hash = [0x33; 32];
    let signature = client.psa_sign_hash("before", &hash, ECDSA_SHA256).unwrap();
    client
        .psa_verify_hash("before", &hash, ECDSA_SHA256, &signature)
        .unwrap();
    daemon.stop();
}

#[test]
fn a_valid_reload_applies_new_admins() {
    let site = Site::new();
    site.write_config(&site.original_config(&Options::default()));
    let mut daemon = Daemon::start(&site);
    let client = app_client(&site.socket());
    client.psa_generate_key("mine", ecc_attributes()).unwrap();
    match client.list_clients() {
        Err(Error::Service(ResponseStatus::AdminOperation)) => {}
        other => panic!("ListClients before we are admin: {other:?}"),
    }

    site.write_config(&site.original_config(&Options {
        admins: vec![our_uid()],
        ..Options::default()
    }));
    daemon.signal(Signal::HUP);
    let clients = poll("ListClients to succeed after SIGHUP", || {
        match client.list_clients() {
            Ok(clients) => Some(clients),
            Err(Error::Service(ResponseStatus::AdminOperation)) => None,
            Err(other) => panic!("ListClients after SIGHUP: {other:?}"),
        }
    });
    assert_eq!(clients, [our_uid()]);
    daemon.wait_stderr("configuration reloaded");
    // The key store is carried over: the key made before the reload still signs.
    client
        .psa_sign_hash("mine", &[0x44; 32], ECDSA_SHA256)
        .unwrap();
    daemon.stop();
}
