//! The async client end to end against the real service: typed methods, conveniences,
//! persistent connections, the fallback, and the retry rule, as for the blocking client.

mod common;

use std::time::Duration;

use common::{Mode, Proxy, ScriptedPeer, answer_then, ping_answer, read_request};
use psc_client::wire::header::FLAG_KEEP_ALIVE;
use psc_client::{AsyncClient, Client, ClientError, Error, ProviderId, Status};
use psc_testkit::TestDaemon;

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn discovered(path: &std::path::Path) -> Result<AsyncClient, Error> {
    let mut client = AsyncClient::new(path);
    client.discover(Some("async-test")).await?;
    Ok(client)
}

#[tokio::test]
async fn typed_methods_and_conveniences_work_over_one_connection() -> TestResult {
    let daemon = TestDaemon::start();
    let proxy = Proxy::start(daemon.socket_path(), Mode::Transparent)?;
    let client = discovered(proxy.path()).await?;
    assert_eq!(client.provider(), ProviderId::MbedCrypto);
    assert_eq!(client.ping().await?, (1, 0));
    client.generate_signing_key("async-signing").await?;
    let signature = client.sign("async-signing", b"message").await?;
    client
        .verify("async-signing", b"message", &signature)
        .await?;
    let refused = client.verify("async-signing", b"other", &signature).await;
    assert_eq!(
        refused.err().and_then(|e| e.status()),
        Some(Status::PsaErrorInvalidSignature)
    );
    client.generate_encryption_key("async-sealing").await?;
    let sealed = client.seal("async-sealing", b"plain", b"aad").await?;
    let opened = client.open("async-sealing", &sealed, b"aad").await?;
    assert_eq!(opened.as_bytes(), b"plain");
    assert_eq!(client.hash(b"abc").await?[..4], [0xba, 0x78, 0x16, 0xbf]);
    let names: Vec<_> = client
        .list_keys()
        .await?
        .into_iter()
        .map(|k| k.name)
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    client.destroy_key("async-signing").await?;
    assert!(client.key_info("async-signing").await?.is_none());
    assert_eq!(proxy.accepted(), 1, "every request on one connection");
    assert_eq!(proxy.first_request_flags(), [FLAG_KEEP_ALIVE]);
    Ok(())
}

#[tokio::test]
async fn the_blocking_and_the_async_client_see_the_same_keys() -> TestResult {
    let daemon = TestDaemon::start();
    let mut blocking = Client::new(daemon.socket_path());
    blocking.discover(Some("shared-app"))?;
    blocking.generate_signing_key("shared")?;
    let client = AsyncClient::from(blocking.clone());
    assert_eq!(client.auth(), blocking.auth());
    let signature = client.sign("shared", b"m").await?;
    blocking.verify("shared", b"m", &signature)?;
    Ok(())
}

#[tokio::test]
async fn concurrent_requests_each_get_a_connection_of_their_own() -> TestResult {
    let daemon = TestDaemon::start();
    let proxy = Proxy::start(daemon.socket_path(), Mode::Transparent)?;
    let client = AsyncClient::new(proxy.path());
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                for _ in 0..10 {
                    client.ping().await?;
                }
                Ok::<_, Error>(())
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    assert!(proxy.accepted() <= 4, "{} connections", proxy.accepted());
    assert!(client.idle_connections() >= 1);
    Ok(())
}

#[tokio::test]
async fn a_service_like_the_original_gets_one_request_per_connection() -> TestResult {
    let daemon = TestDaemon::start();
    let original = Proxy::start(daemon.socket_path(), Mode::LikeTheOriginal)?;
    let client = discovered(original.path()).await?;
    client.generate_signing_key("fallback").await?;
    let signature = client.sign("fallback", b"m").await?;
    client.verify("fallback", b"m", &signature).await?;
    assert!(client.peer_is_per_request());
    // ListProviders, ListAuthenticators, generate, then sign (the key's attributes read
    // first: two requests) and verify (the attributes kept: one).
    assert_eq!(original.accepted(), 6);
    let flags = original.first_request_flags();
    assert!(flags[1..].iter().all(|f| *f == 0), "{flags:?}");
    Ok(())
}

#[tokio::test]
async fn a_restarted_service_is_reached_on_a_fresh_connection() -> TestResult {
    let daemon = TestDaemon::start();
    let client = AsyncClient::new(daemon.socket_path());
    client.ping().await?;
    assert_eq!(client.idle_connections(), 1);
    let daemon = tokio::task::spawn_blocking(move || daemon.restart()).await?;
    assert_eq!(client.ping().await?, (1, 0));
    drop(daemon);
    Ok(())
}

#[tokio::test]
async fn a_close_crossing_the_request_is_retried_but_a_cut_answer_is_not() -> TestResult {
    let crossing = ScriptedPeer::start(vec![
        answer_then(|mut stream| {
            let _ = read_request(&mut stream);
        }),
        answer_then(drop),
    ])?;
    let client = AsyncClient::new(crossing.path());
    client.ping().await?;
    assert_eq!(client.ping().await?, (1, 0));
    assert_eq!(crossing.accepted(), 2);

    let cut = ScriptedPeer::start(vec![answer_then(|mut stream| {
        if read_request(&mut stream).is_ok() {
            let _ = std::io::Write::write_all(&mut stream, &ping_answer(true)[..10]);
        }
    })])?;
    let client = AsyncClient::new(cut.path());
    client.ping().await?;
    let error = client.ping().await.err();
    assert!(
        matches!(error, Some(Error::Client(ClientError::Closed))),
        "{error:?}"
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(cut.accepted(), 1, "the request was not sent again");
    Ok(())
}

#[tokio::test]
async fn the_deadline_covers_the_whole_exchange() -> TestResult {
    let silent = ScriptedPeer::start(vec![Box::new(|mut stream| {
        let _ = read_request(&mut stream);
        std::thread::sleep(Duration::from_millis(500));
    })])?;
    let mut client = AsyncClient::new(silent.path());
    client.set_timeout(Some(Duration::from_millis(100)));
    let error = client.ping().await.err();
    assert!(
        matches!(error, Some(Error::Client(ClientError::Timeout(_)))),
        "{error:?}"
    );
    Ok(())
}

#[test]
fn futures_can_be_spawned_on_a_multi_threaded_runtime() {
    fn spawnable<F: Future + Send>(_: F) {}
    fn shareable<T: Clone + Send + Sync + 'static>() {}
    shareable::<AsyncClient>();
    let client = AsyncClient::new("/nonexistent");
    spawnable(client.sign("k", b"m"));
    spawnable(client.seal("k", b"m", b""));
    spawnable(client.open("k", b"m", b""));
    spawnable(client.verify("k", b"m", b""));
    spawnable(client.list_keys());
}

#[tokio::test]
async fn conveniences_look_a_key_up_once_and_again_when_it_changed() -> TestResult {
    use psc_client::Opcode;
    use psc_client::psa::{AsymmetricSignature, Attributes, Hash, KeyType, SignHash};
    let daemon = TestDaemon::start();
    let proxy = Proxy::start(daemon.socket_path(), Mode::Transparent)?;
    let client = discovered(proxy.path()).await?;
    client.generate_signing_key("k").await?;
    for _ in 0..10 {
        let signature = client.sign("k", b"message").await?;
        client.verify("k", b"message", &signature).await?;
    }
    assert_eq!(proxy.requests(Opcode::PsaSignHash), 10);
    assert_eq!(proxy.requests(Opcode::PsaVerifyHash), 10);
    assert_eq!(proxy.requests(Opcode::ListKeys), 1);

    let other = discovered(daemon.socket_path()).await?;
    other.destroy_key("k").await?;
    let rsa = Attributes::signing_key(
        KeyType::RsaKeyPair,
        2048,
        AsymmetricSignature::RsaPkcs1v15Sign {
            hash: SignHash::Specific(Hash::Sha256),
        },
    );
    other.generate_key("k", rsa).await?;
    assert_eq!(client.sign("k", b"message").await?.len(), 256);
    assert_eq!(proxy.requests(Opcode::ListKeys), 2, "one refresh");
    assert_eq!(proxy.requests(Opcode::PsaSignHash), 12);
    Ok(())
}
