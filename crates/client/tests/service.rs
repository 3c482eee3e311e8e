//! The client against the real service, in-process on a temporary socket.

use psc_client::wire::ops::PingRequest;
use psc_client::{
    Auth, AuthType, Client, ClientError, Error, Opcode, ProviderId, Request, Response, Status,
};
use psc_testkit::TestDaemon;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn client(daemon: &TestDaemon) -> Client {
    Client::new(daemon.socket_path())
}

#[test]
fn ping_answers_wire_protocol_1_0() -> TestResult {
    let daemon = TestDaemon::start();
    assert_eq!(client(&daemon).ping()?, (1, 0));
    Ok(())
}

#[test]
fn list_providers_ends_with_the_core_provider() -> TestResult {
    let daemon = TestDaemon::start();
    let providers = client(&daemon).list_providers()?;
    let last = providers.last().ok_or("no providers listed")?;
    assert_eq!(last.id, ProviderId::Core);
    Ok(())
}

#[test]
fn list_opcodes_of_the_core_provider_contains_ping() -> TestResult {
    let daemon = TestDaemon::start();
    let opcodes = client(&daemon).list_opcodes(ProviderId::Core)?;
    assert!(opcodes.contains(&Opcode::Ping));
    assert!(opcodes.contains(&Opcode::ListOpcodes));
    Ok(())
}

#[test]
fn list_authenticators_lists_peer_credentials_then_direct() -> TestResult {
    let daemon = TestDaemon::start();
    let ids: Vec<_> = client(&daemon)
        .list_authenticators()?
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(ids, [AuthType::UnixPeerCredentials, AuthType::Direct]);
    Ok(())
}

#[test]
fn an_unconfigured_provider_is_a_service_error() -> TestResult {
    let daemon = TestDaemon::start();
    let client = client(&daemon);
    let request = Request::Ping(PingRequest);
    let error = client.call(ProviderId::Tpm, &Auth::NoAuth, request).err();
    assert!(
        matches!(error, Some(Error::Service(Status::ProviderNotRegistered))),
        "{error:?}"
    );
    let error = client.list_opcodes(ProviderId::Tpm).err();
    assert_eq!(
        error.and_then(|e| e.status()),
        Some(Status::ProviderNotRegistered)
    );
    Ok(())
}

#[test]
fn call_answers_with_the_requested_operation() -> TestResult {
    let daemon = TestDaemon::start();
    let reply = client(&daemon).call(ProviderId::Core, &Auth::NoAuth, PingRequest.into())?;
    assert!(matches!(reply, Response::Ping(version) if (version.major, version.minor) == (1, 0)));
    Ok(())
}

#[test]
fn authenticated_clients_are_served_too() -> TestResult {
    let daemon = TestDaemon::start();
    for auth in [Auth::UnixPeerCredentials, Auth::Direct("an-app".into())] {
        let mut client = client(&daemon);
        client.set_auth(auth.clone());
        assert_eq!(client.ping()?, (1, 0), "{auth:?}");
    }
    Ok(())
}

#[test]
fn a_response_over_the_body_limit_is_refused() -> TestResult {
    let daemon = TestDaemon::start();
    let mut client = client(&daemon);
    client.set_max_body_size(8);
    let error = client.list_authenticators().err();
    assert!(
        matches!(
            error,
            Some(Error::Client(ClientError::BodyTooLarge { limit: 8, .. }))
        ),
        "{error:?}"
    );
    Ok(())
}

#[test]
fn the_daemon_socket_passes_the_socket_check() -> TestResult {
    let daemon = TestDaemon::start();
    client(&daemon).check_socket()?;
    Ok(())
}

#[test]
fn no_socket_is_no_service() -> TestResult {
    let dir = tempfile::tempdir()?;
    let client = Client::new(dir.path().join("absent.sock"));
    let error = client.ping().err();
    assert!(
        matches!(error, Some(Error::Client(ClientError::NoService { .. }))),
        "{error:?}"
    );
    let error = client.check_socket().err();
    assert!(
        matches!(error, Some(Error::Client(ClientError::NoService { .. }))),
        "{error:?}"
    );
    Ok(())
}

#[test]
fn a_regular_file_is_no_service() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("file.sock");
    std::fs::write(&path, b"")?;
    let error = Client::new(&path).check_socket().err();
    assert!(
        matches!(error, Some(Error::Client(ClientError::NoService { .. }))),
        "{error:?}"
    );
    Ok(())
}
