use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use super::*;

#[test]
fn every_auth_type_is_built_or_refused_naming_it() {
    let built = |auth_type| build(&AuthenticatorConfig::new(auth_type, Vec::new()));
    assert_eq!(built(AuthType::Direct).unwrap().info().id, AuthType::Direct);
    assert_eq!(
        built(AuthType::UnixPeerCredentials).unwrap().info().id,
        AuthType::UnixPeerCredentials
    );
    let error = built(AuthType::JwtSvid).unwrap_err();
    assert!(
        matches!(
            error,
            BuildError::Options {
                auth_type: AuthType::JwtSvid,
                ..
            }
        ),
        "JwtSvid is built from its options: {error:?}"
    );
    for auth_type in [AuthType::Jwt, AuthType::NoAuth] {
        let error = built(auth_type).unwrap_err();
        assert_eq!(error, BuildError::NotSupported(auth_type));
        assert!(
            error
                .to_string()
                .contains(&format!("\"{auth_type:?}\" is not supported in this build")),
            "{error}"
        );
    }
}

#[test]
fn a_service_configured_with_an_unsupported_authenticator_does_not_start() {
    let error = Authenticators::new(&[
        AuthenticatorConfig::new(AuthType::Direct, Vec::new()),
        AuthenticatorConfig::new(AuthType::Jwt, Vec::new()),
    ])
    .unwrap_err();
    assert_eq!(error, BuildError::NotSupported(AuthType::Jwt));
}

#[test]
fn each_authenticator_refuses_options_it_does_not_take() {
    let mut table = toml::Table::new();
    table.insert("colour".into(), toml::Value::String("blue".into()));
    for auth_type in [AuthType::Direct, AuthType::UnixPeerCredentials] {
        let config = AuthenticatorConfig {
            options: AuthOptions::new(table.clone()),
            ..AuthenticatorConfig::new(auth_type, Vec::new())
        };
        let error = build(&config).unwrap_err();
        assert!(
            matches!(&error, BuildError::Options { auth_type: t, .. } if *t == auth_type),
            "{error:?}"
        );
        assert!(error.to_string().contains("colour"), "{error}");
    }
}

/// An authenticator that refreshes slowly, counting its refreshes in `state`, which the test
/// keeps (the authenticator itself belongs to the [`Authenticators`]).
#[derive(Debug, Default)]
struct Refreshing {
    state: Arc<State>,
    slow: Duration,
    fail_first: bool,
}

#[derive(Debug, Default)]
struct State {
    refreshes: AtomicUsize,
    in_refresh: AtomicBool,
}

impl Authenticator for Refreshing {
    fn info(&self) -> AuthenticatorInfo {
        AuthenticatorInfo {
            description: "test".into(),
            version_maj: 0,
            version_min: 0,
            version_rev: 0,
            id: AuthType::Direct,
        }
    }

    fn authenticate(&self, _: &[u8], _: Option<&PeerCredentials>) -> Result<String, AuthError> {
        Ok(self.state.refreshes.load(Ordering::SeqCst).to_string())
    }

    fn refresh_every(&self) -> Option<Duration> {
        Some(Duration::from_millis(10))
    }

    fn refresh(&self) -> Result<(), AuthError> {
        let n = self.state.refreshes.fetch_add(1, Ordering::SeqCst);
        if self.fail_first && n == 0 {
            return Err(AuthError::Refused("bundle unreadable".into()));
        }
        self.state.in_refresh.store(true, Ordering::SeqCst);
        std::thread::sleep(self.slow);
        self.state.in_refresh.store(false, Ordering::SeqCst);
        Ok(())
    }
}

fn entry(authenticator: Refreshing) -> Entry {
    Entry {
        auth_type: AuthType::Direct,
        authenticator: Arc::new(authenticator),
        admins: HashSet::new(),
    }
}

fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn a_failed_first_refresh_refuses_the_start_naming_the_authenticator() {
    let authenticator = Refreshing {
        fail_first: true,
        ..Refreshing::default()
    };
    let error = Authenticators::start(vec![entry(authenticator)]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "authenticator Direct could not start: bundle unreadable"
    );
}

#[test]
fn refreshes_leave_the_async_workers_free_and_stop_with_the_authenticators() {
    // One worker: a refresh run on it would hold every task up for its whole length.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_time()
        .build()
        .unwrap();
    let state = Arc::new(State::default());
    let authenticator = Refreshing {
        state: Arc::clone(&state),
        slow: Duration::from_millis(300),
        fail_first: false,
    };
    let authenticators = runtime
        .block_on(async { Authenticators::start(vec![entry(authenticator)]) })
        .unwrap();
    assert_eq!(state.refreshes.load(Ordering::SeqCst), 1);
    wait_until("a periodic refresh", || {
        state.in_refresh.load(Ordering::SeqCst)
    });
    let started = Instant::now();
    let task = runtime.spawn(async {});
    runtime.block_on(task).unwrap();
    let waited = started.elapsed();
    assert!(
        state.in_refresh.load(Ordering::SeqCst),
        "the refresh ended before the task was measured"
    );
    assert!(
        waited < Duration::from_millis(150),
        "a task waited {waited:?} behind a refresh"
    );
    // Requests are answered meanwhile, from what the authenticator holds.
    let caller = authenticators.caller(AuthType::Direct, b"x", None).unwrap();
    assert!(caller.app().is_some());
    drop(authenticators);
    wait_until("the refresh in flight to end", || {
        !state.in_refresh.load(Ordering::SeqCst)
    });
    let after_drop = state.refreshes.load(Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        state.refreshes.load(Ordering::SeqCst),
        after_drop,
        "refreshes go on after the authenticators are dropped"
    );
}
