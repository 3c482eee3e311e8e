//! The published `parsec-client` crate, unchanged, against our service in this process.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::collections::HashSet;
use std::process::Command;
use std::time::Duration;

use parsec_client::BasicClient;
use parsec_client::core::interface::requests::{AuthType, Opcode, ProviderId, ResponseStatus};
use parsec_client::core::ipc_handler::unix_socket::Handler;
use parsec_client::error::Error;
use psc_testkit::TestDaemon;

/// A naked client (NoAuth, core provider) talking to `daemon`: `BasicClient::new_naked()`
/// with the endpoint set programmatically instead of through the environment.
fn naked_client(daemon: &TestDaemon) -> BasicClient {
    let mut client = BasicClient::default();
    let handler = Handler::new(
        daemon.socket_path().to_owned(),
        Some(Duration::from_secs(10)),
    )
    .expect("the socket exists");
    client.set_ipc_handler(Box::new(handler));
    client
}

#[test]
fn ping_answers_wire_protocol_1_0() {
    let daemon = TestDaemon::start();
    assert_eq!(naked_client(&daemon).ping().unwrap(), (1, 0));
}

#[test]
fn list_providers_ends_with_the_core_provider() {
    let daemon = TestDaemon::start();
    let providers = naked_client(&daemon).list_providers().unwrap();
    let core = providers.last().expect("at least the core provider");
    assert_eq!(core.id, ProviderId::Core);
    assert_eq!(
        core.uuid.to_string(),
        "47049873-2a43-4845-9d72-831eab668784"
    );
    assert_eq!((core.version_maj, core.version_min), (0, 1));
}

#[test]
fn list_opcodes_of_the_core_provider() {
    let daemon = TestDaemon::start();
    let opcodes = naked_client(&daemon)
        .list_opcodes(ProviderId::Core)
        .unwrap();
    let expected: HashSet<_> = [
        Opcode::Ping,
        Opcode::ListProviders,
        Opcode::ListOpcodes,
        Opcode::ListAuthenticators,
        Opcode::ListKeys,
        Opcode::ListClients,
        Opcode::DeleteClient,
    ]
    .into_iter()
    .collect();
    assert_eq!(opcodes, expected);
}

#[test]
fn list_providers_puts_the_software_provider_first() {
    let daemon = TestDaemon::start();
    let providers = naked_client(&daemon).list_providers().unwrap();
    let ids: Vec<_> = providers.iter().map(|p| p.id).collect();
    assert_eq!(ids, [ProviderId::MbedCrypto, ProviderId::Core]);
    // The original's clients recognise the software provider by the Mbed Crypto UUID
    // (issue 22 item 8): we report it; the vendor says who we are.
    assert_eq!(
        providers[0].uuid.to_string(),
        "1c1139dc-ad7c-47dc-ad6b-db6fdb466552"
    );
    assert_eq!(providers[0].vendor, "psc");
    // The Core provider's version is the service's (the original's clients read it so).
    let core = &providers[1];
    assert_eq!(
        (core.version_maj, core.version_min, core.version_rev),
        (
            env!("CARGO_PKG_VERSION_MAJOR").parse().unwrap(),
            env!("CARGO_PKG_VERSION_MINOR").parse().unwrap(),
            env!("CARGO_PKG_VERSION_PATCH").parse().unwrap()
        )
    );
}

#[test]
fn list_opcodes_of_an_absent_provider_is_refused() {
    let daemon = TestDaemon::start();
    let error = naked_client(&daemon)
        .list_opcodes(ProviderId::Tpm)
        .unwrap_err();
    assert!(
        matches!(error, Error::Service(ResponseStatus::ProviderNotRegistered)),
        "{error:?}"
    );
}

#[test]
fn list_authenticators_in_order_of_preference() {
    let daemon = TestDaemon::start();
    let authenticators = naked_client(&daemon).list_authenticators().unwrap();
    let ids: Vec<_> = authenticators.iter().map(|a| a.id).collect();
    assert_eq!(ids, [AuthType::UnixPeerCredentials, AuthType::Direct]);
    assert!(
        authenticators
            .iter()
            .all(|a| (a.version_maj, a.version_min) == (0, 1))
    );
}

/// `BasicClient::new_naked()` reads `PARSEC_SERVICE_ENDPOINT`, which only a fresh process
/// can be given without unsafe code: the test binary runs itself with the variable set.
#[test]
fn new_naked_finds_the_service_through_the_environment() {
    if let Ok(endpoint) = std::env::var("PSC_CHILD_ENDPOINT_CHECK") {
        assert_eq!(std::env::var("PARSEC_SERVICE_ENDPOINT").unwrap(), endpoint);
        let client = BasicClient::new_naked().unwrap();
        assert_eq!(client.ping().unwrap(), (1, 0));
        assert_eq!(
            client.list_providers().unwrap().last().unwrap().id,
            ProviderId::Core
        );
        assert!(
            client
                .list_opcodes(ProviderId::Core)
                .unwrap()
                .contains(&Opcode::Ping)
        );
        assert!(!client.list_authenticators().unwrap().is_empty());
        return;
    }
    let daemon = TestDaemon::start();
    let status = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "new_naked_finds_the_service_through_the_environment",
            "--nocapture",
        ])
        .env("PARSEC_SERVICE_ENDPOINT", daemon.endpoint())
        .env("PSC_CHILD_ENDPOINT_CHECK", daemon.endpoint())
        .status()
        .unwrap();
    assert!(status.success(), "the child test failed: {status}");
}
