//! JWT-SVID authentication (auth type 4) on the real `parsec` binary, beside Unix peer
//! credentials and Direct: tokens minted here with keys generated here, verified by the daemon
//! against a bundle file written here. Every bad token is refused with AuthenticationError and
//! a log line saying why; the bundle is reloaded without a restart, a bad one keeps the last;
//! identities never meet across authenticators; a stalled bundle read holds nobody up.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Daemon, Site, app_client, direct_client, our_uid, poll};
use jsonwebtoken::Algorithm;
use psc_client::{Auth, Client, Error, JwtSvid, ProviderId, Status};
use psc_testkit::jwt_svid::{SigningKey, bundle, claims, hmac, now, part, unsigned};
use rustix::process::Signal;
use serde_json::json;

const DOMAIN: &str = "example.org";
const ADMIN: &str = "spiffe://example.org/ops";

/// A daemon trusting one bundle file for [`DOMAIN`], with peer credentials and Direct too.
struct Deployment {
    site: Site,
    daemon: Daemon,
}

impl Deployment {
    fn start(keys: &[&SigningKey]) -> Deployment {
        let site = Site::new();
        write_bundle(&bundle_path(&site), keys);
        site.write_config(&config(&site));
        let daemon = Daemon::start(&site);
        Deployment { site, daemon }
    }

    fn bundle(&self) -> PathBuf {
        bundle_path(&self.site)
    }

    /// Our client presenting `token`.
    fn client(&self, token: &str) -> Client {
        let mut client = Client::new(self.site.socket());
        client.set_auth(Auth::JwtSvid(JwtSvid::Token(token.into())));
        client.set_provider(ProviderId::MbedCrypto);
        client
    }
}

fn bundle_path(site: &Site) -> PathBuf {
    site.path().join("spire").join("jwt_bundle.json")
}

/// The bundle file as `spiffe-helper` writes it: trust domain → base64 of the bundle.
fn write_bundle(path: &Path, keys: &[&SigningKey]) {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD
        .encode(serde_json::to_vec(&bundle(keys)).unwrap());
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        path,
        serde_json::to_vec(&json!({ DOMAIN: encoded })).unwrap(),
    )
    .unwrap();
}

fn config(site: &Site) -> String {
    format!(
        r#"[core_settings]
allow_root = true
log_level = "info"
[listener]
listener_type = "DomainSocket"
timeout = 2000
socket_path = "{socket}"

[[authenticator]]
auth_type = "JwtSvid"
bundle_path = "{bundle}"
admins = [ {{ name = "{ADMIN}" }} ]
[[authenticator]]
auth_type = "UnixPeerCredentials"
[[authenticator]]
auth_type = "Direct"

[[key_manager]]
name = "sqlite-manager"
manager_type = "SQLite"
sqlite_db_path = "{store}"

[[provider]]
provider_type = "MbedCrypto"
key_info_manager = "sqlite-manager"
"#,
        socket = site.socket().display(),
        bundle = bundle_path(site).display(),
        store = site.store().display(),
    )
}

fn web(n: u32) -> String {
    format!("spiffe://{DOMAIN}/web/{n}")
}

fn refused(result: Result<impl std::fmt::Debug, Error>) {
    match result {
        Err(Error::Service(Status::AuthenticationError)) => {}
        other => panic!("expected AuthenticationError, got {other:?}"),
    }
}

#[test]
fn every_bad_token_is_refused_with_a_log_line_saying_why() {
    let ec = SigningKey::ec_p256("ec");
    let rsa = SigningKey::rsa_2048("rsa", Algorithm::RS256);
    let mut deployment = Deployment::start(&[&ec, &rsa]);
    let good = claims(&web(1), "parsec", 300);
    let valid = ec.sign(&good);
    deployment.client(&valid).list_keys().unwrap();

    let cases = bad_tokens(&ec, &rsa, &valid);
    for (what, token, _) in &cases {
        refused(deployment.client(token).list_keys());
        eprintln!("refused: {what}");
    }
    let log = deployment.daemon.wait_stderr("more than the 8192");
    for (what, _, says) in &cases {
        assert!(
            log.lines()
                .any(|l| l.contains("request refused") && l.contains(says)),
            "{what}: no log line saying {says:?} in\n{log}"
        );
    }
    assert!(
        !log.contains(&valid[valid.len() - 20..]),
        "a token reached the log"
    );
    deployment.daemon.stop();
}

/// Each bad token (what it is, the token, what the log line says), made by the bundle's
/// keys `ec` and `rsa` (RS256 only) or by others; `valid` is a good token by `ec`.
fn bad_tokens(
    ec: &SigningKey,
    rsa: &SigningKey,
    valid: &str,
) -> Vec<(&'static str, String, &'static str)> {
    let good = claims(&web(1), "parsec", 300);
    let stranger = SigningKey::ec_p256("stranger");
    let impostor = SigningKey::ec_p256("ec");
    let mut not_yet = good.clone();
    not_yet["nbf"] = json!(now() + 300);
    let mut future_iat = good.clone();
    future_iat["iat"] = json!(now() + 300);
    vec![
        (
            "expired",
            ec.sign(&claims(&web(1), "parsec", -120)),
            "has expired",
        ),
        ("not yet valid", ec.sign(&not_yet), "not valid yet"),
        (
            "issued in the future",
            ec.sign(&future_iat),
            "issued in the future",
        ),
        (
            "wrong audience",
            ec.sign(&claims(&web(1), "vault", 300)),
            "does not include \"parsec\"",
        ),
        (
            "unknown trust domain",
            ec.sign(&claims("spiffe://elsewhere.org/web", "parsec", 300)),
            "\"elsewhere.org\" is not trusted",
        ),
        (
            "key not in the bundle",
            stranger.sign(&good),
            "no key \"stranger\"",
        ),
        (
            "a known kid, another key",
            impostor.sign(&good),
            "signature does not verify",
        ),
        ("alg none", unsigned("ec", &good), "alg none"),
        (
            "HMAC with the public key as secret",
            hmac(&ec.public_bytes, "ec", &good),
            "alg HS256 is refused",
        ),
        (
            "PS256 by an RS256-only key",
            rsa.sign_as(Algorithm::PS256, &good),
            "alg PS256 is not one key \"rsa\" takes",
        ),
        (
            "RS256 naming an EC key",
            rsa_named_as(rsa, "ec", &good),
            "alg RS256 is not one key \"ec\" takes",
        ),
        (
            "sub not a SPIFFE ID",
            ec.sign(&claims("web", "parsec", 300)),
            "does not start",
        ),
        ("malformed", "not-a-token".into(), "not a JWS"),
        ("bad base64", "!!!.e30.e30".into(), "not base64url"),
        (
            "truncated",
            valid[..valid.len() - 8].into(),
            "signature does not verify",
        ),
        (
            "cut at a dot",
            valid[..valid.rfind('.').unwrap()].into(),
            "not a JWS",
        ),
        (
            "oversized",
            format!("{}.{}.x", part(&json!({"alg": "ES256"})), "A".repeat(9000)),
            "more than the 8192",
        ),
    ]
}

/// A token signed by `key` (RS256) whose header names the key `kid` instead.
fn rsa_named_as(key: &SigningKey, kid: &str, claims: &serde_json::Value) -> String {
    let token = key.sign(claims);
    let header = part(&json!({ "alg": "RS256", "kid": kid }));
    let rest = &token[token.find('.').unwrap()..];
    format!("{header}{rest}")
}

#[test]
fn spiffe_ids_are_isolated_from_each_other_and_from_other_authenticators() {
    let key = SigningKey::ec_p256("k");
    let deployment = Deployment::start(&[&key]);
    let socket = deployment.site.socket();
    // The same digits as our Unix user, and Direct claiming the very same SPIFFE ID.
    let uid = our_uid();
    let same_digits = format!("spiffe://{DOMAIN}/{uid}");
    let a = deployment.client(&key.sign(&claims(&same_digits, "parsec", 300)));
    let b = deployment.client(&key.sign(&claims(&web(2), "parsec", 300)));
    let unix = app_client(&socket);
    let direct = direct_client(&socket, &same_digits, Duration::from_secs(2));

    a.generate_signing_key("shared-name").unwrap();
    b.generate_signing_key("shared-name").unwrap();
    b.generate_signing_key("b-only").unwrap();
    unix.psa_generate_key("shared-name", common::ecc_attributes())
        .unwrap();
    assert_eq!(a.list_keys().unwrap().len(), 1);
    assert_eq!(b.list_keys().unwrap().len(), 2);
    assert_eq!(unix.list_keys().unwrap().len(), 1);
    assert!(direct.list_keys().unwrap().is_empty());
    let public = |c: &Client| c.export_public_key("shared-name").unwrap();
    assert_ne!(public(&a), public(&b));
    assert_ne!(
        public(&a),
        unix.psa_export_public_key("shared-name").unwrap()
    );
    match a.sign("b-only", b"message") {
        Err(Error::Service(Status::PsaErrorDoesNotExist)) => {}
        other => panic!("a reached b's key: {other:?}"),
    }

    // Administrators are SPIFFE IDs: ops may list clients, a workload may not.
    match a.list_clients() {
        Err(Error::Service(Status::AdminOperation)) => {}
        other => panic!("a workload listed clients: {other:?}"),
    }
    let ops = deployment.client(&key.sign(&claims(ADMIN, "parsec", 300)));
    let clients = ops.list_clients().unwrap();
    assert!(clients.contains(&same_digits), "{clients:?}");
    assert!(clients.contains(&web(2)), "{clients:?}");
}

#[test]
fn a_rotated_bundle_serves_without_a_restart_and_a_bad_one_keeps_the_last() {
    let (first, second, third) = (
        SigningKey::ec_p256("first"),
        SigningKey::ec_p256("second"),
        SigningKey::ec_p256("third"),
    );
    let mut deployment = Deployment::start(&[&first]);
    let by =
        |d: &Deployment, key: &SigningKey| d.client(&key.sign(&claims(&web(3), "parsec", 300)));
    by(&deployment, &first).list_keys().unwrap();
    refused(by(&deployment, &second).list_keys());

    // Rewritten in place.
    write_bundle(&deployment.bundle(), &[&second]);
    poll("the rewritten bundle to serve", || {
        by(&deployment, &second).list_keys().ok()
    });
    refused(by(&deployment, &first).list_keys());

    // Broken: the last good bundle keeps serving, and the log says why.
    std::fs::write(deployment.bundle(), b"{\"example.org\": ").unwrap();
    deployment.daemon.wait_stderr("trust bundle not loaded");
    by(&deployment, &second).list_keys().unwrap();

    // Replaced by a rename, as atomic writers do.
    let next = deployment.bundle().with_extension("next");
    write_bundle(&next, &[&third]);
    std::fs::rename(&next, deployment.bundle()).unwrap();
    poll("the renamed bundle to serve", || {
        by(&deployment, &third).list_keys().ok()
    });
    deployment.daemon.stop();
}

#[test]
fn a_sighup_rereads_the_bundle() {
    let (first, second) = (SigningKey::ec_p256("first"), SigningKey::ec_p256("second"));
    let mut deployment = Deployment::start(&[&first]);
    write_bundle(&deployment.bundle(), &[&second]);
    deployment.daemon.signal(Signal::HUP);
    deployment.daemon.wait_stderr("configuration reloaded");
    let token = second.sign(&claims(&web(5), "parsec", 300));
    deployment.client(&token).list_keys().unwrap();
    deployment.daemon.stop();
}

#[test]
fn a_stalled_bundle_read_delays_neither_a_ping_nor_a_verification() {
    let (old, new) = (SigningKey::ec_p256("old"), SigningKey::ec_p256("new"));
    let deployment = Deployment::start(&[&old]);
    // A FIFO renamed over the bundle: the daemon's next poll blocks reading it until we
    // write, on the blocking pool.
    let fifo = deployment.site.path().join("fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success(), "mkfifo failed");
    let link = deployment.bundle().with_extension("fifo");
    std::fs::hard_link(&fifo, &link).unwrap();
    std::fs::rename(&link, deployment.bundle()).unwrap();
    let writer = poll("the daemon to open the FIFO", || {
        std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
            .open(&fifo)
            .ok()
    });

    let naked = Client::new(deployment.site.socket());
    for _ in 0..20 {
        let start = Instant::now();
        naked.ping().unwrap();
        // A fresh token each time: a real verification, not a cache hit.
        let token = old.sign(&claims(
            &format!("{}/{}", web(4), start.elapsed().as_nanos()),
            "parsec",
            300,
        ));
        deployment.client(&token).list_keys().unwrap();
        assert!(
            start.elapsed() < Duration::from_millis(500),
            "held up by the read"
        );
    }

    // Now feed the stalled read the new bundle: it takes over.
    let mut writer = writer;
    let value = json!({ DOMAIN: bundle(&[&new]) });
    std::io::Write::write_all(&mut writer, &serde_json::to_vec(&value).unwrap()).unwrap();
    drop(writer);
    poll("the bundle read through the FIFO to serve", || {
        deployment
            .client(&new.sign(&claims(&web(4), "parsec", 300)))
            .list_keys()
            .ok()
    });
    // The daemon may be reading the FIFO again: it is killed when dropped, not stopped.
}
