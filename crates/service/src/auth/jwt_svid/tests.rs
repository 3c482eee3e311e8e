use std::path::Path;
use std::time::Instant;

use base64::Engine;
use psc_testkit::jwt_svid::{SigningKey, bundle, claims};
use serde_json::json;

use super::*;

const WEB: &str = "spiffe://example.org/web";

fn options(toml_text: &str) -> AuthOptions {
    AuthOptions::new(toml_text.parse::<toml::Table>().unwrap())
}

fn started(toml_text: &str) -> JwtSvidAuthenticator {
    let auth = JwtSvidAuthenticator::from_options(&options(toml_text)).unwrap();
    auth.refresh().unwrap();
    auth
}

fn write(path: &Path, value: &serde_json::Value) {
    std::fs::write(path, serde_json::to_vec(value).unwrap()).unwrap();
}

fn refusal(result: Result<String, AuthError>) -> String {
    match result {
        Err(AuthError::Refused(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_single_bundle_needs_its_trust_domain_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.json");
    let key = SigningKey::ec_p256("k1");
    write(&path, &bundle(&[&key]));
    let unnamed = format!("bundle_path = {path:?}");
    let auth = JwtSvidAuthenticator::from_options(&options(&unnamed)).unwrap();
    let error = auth.refresh().unwrap_err().to_string();
    assert!(error.contains("trust_domains"), "{error}");

    let auth = started(&format!("{unnamed}\ntrust_domains = [\"example.org\"]"));
    let token = key.sign(&claims(WEB, "parsec", 300));
    assert_eq!(
        auth.authenticate(token.as_bytes(), None),
        Ok(WEB.to_owned())
    );
}

#[test]
fn a_set_of_bundles_is_read_as_objects_or_as_spiffe_helper_base64() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("set.json");
    let (a, b) = (SigningKey::ec_p256("a"), SigningKey::ec_p256("b"));
    let encoded = base64::engine::general_purpose::STANDARD
        .encode(serde_json::to_vec(&bundle(&[&b])).unwrap());
    write(&path, &json!({ "a.org": bundle(&[&a]), "b.org": encoded }));
    let auth = started(&format!("bundle_path = {path:?}"));
    for (key, id) in [(&a, "spiffe://a.org/x"), (&b, "spiffe://b.org/y")] {
        let token = key.sign(&claims(id, "parsec", 300));
        assert_eq!(auth.authenticate(token.as_bytes(), None), Ok(id.to_owned()));
    }
    // A domain's key never vouches for another domain's workload.
    let crossed = a.sign(&claims("spiffe://b.org/x", "parsec", 300));
    assert!(refusal(auth.authenticate(crossed.as_bytes(), None)).contains("no key \"a\""));

    // trust_domains narrows the set.
    let auth = started(&format!(
        "bundle_path = {path:?}\ntrust_domains = [\"a.org\"]"
    ));
    let other = b.sign(&claims("spiffe://b.org/y", "parsec", 300));
    let why = refusal(auth.authenticate(other.as_bytes(), None));
    assert!(why.contains("\"b.org\" is not trusted"), "{why}");
}

#[test]
fn a_bundles_table_names_one_file_per_trust_domain() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (SigningKey::ec_p256("a"), SigningKey::ec_p256("b"));
    write(&dir.path().join("a.json"), &bundle(&[&a]));
    write(&dir.path().join("b.json"), &bundle(&[&b]));
    let auth = started(&format!(
        "[bundles]\n\"a.org\" = {:?}\n\"b.org\" = {:?}",
        dir.path().join("a.json"),
        dir.path().join("b.json")
    ));
    let token = b.sign(&claims("spiffe://b.org/y", "parsec", 300));
    assert_eq!(
        auth.authenticate(token.as_bytes(), None),
        Ok("spiffe://b.org/y".to_owned())
    );
}

#[test]
fn options_are_checked_when_built() {
    for (text, says) in [
        ("", "needs bundle_path"),
        ("workload_endpoint = \"unix:///a\"", "spiffe-helper"),
        (
            "bundle_path = \"/a\"\n[bundles]\n\"a.org\" = \"/b\"",
            "exclude each other",
        ),
        ("bundle_path = \"/a\"\naudience = \"\"", "audience"),
        ("bundle_path = \"/a\"\nleeway_s = 601", "leeway_s"),
        (
            "bundle_path = \"/a\"\ntrust_domains = []",
            "trust_domains is empty",
        ),
        (
            "bundle_path = \"/a\"\ntrust_domains = [\"A.org\"]",
            "trust_domains",
        ),
        ("[bundles]\n\"a.org\" = \"/b\"\n", ""),
        (
            "trust_domains = [\"c.org\"]\n[bundles]\n\"a.org\" = \"/b\"",
            "does not list",
        ),
        ("bundle_path = \"/a\"\ncolour = 1", "colour"),
    ] {
        match JwtSvidAuthenticator::from_options(&options(text)) {
            Ok(_) => assert!(says.is_empty(), "{text:?} was accepted"),
            Err(error) => assert!(error.to_string().contains(says), "{text:?}: {error}"),
        }
    }
}

#[test]
fn a_changed_bundle_is_reloaded_and_a_bad_one_keeps_the_last() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.json");
    let (old, new) = (SigningKey::ec_p256("old"), SigningKey::ec_p256("new"));
    write(&path, &bundle(&[&old]));
    let auth = started(&format!(
        "bundle_path = {path:?}\ntrust_domains = [\"example.org\"]"
    ));
    let by_old = old.sign(&claims(WEB, "parsec", 300));
    let by_new = new.sign(&claims(WEB, "parsec", 300));
    assert!(auth.authenticate(by_old.as_bytes(), None).is_ok());

    std::fs::write(&path, b"{ \"keys\": [").unwrap();
    let error = auth.refresh().unwrap_err().to_string();
    assert!(error.contains("the last one keeps serving"), "{error}");
    assert!(auth.authenticate(by_old.as_bytes(), None).is_ok());
    // Unchanged since: not re-read, not re-logged.
    assert_eq!(auth.refresh(), Ok(()));

    // Replaced by a rename, as atomic writers do: the old key (and its cached token) go.
    let next = dir.path().join("next.json");
    write(&next, &bundle(&[&new]));
    std::fs::rename(&next, &path).unwrap();
    auth.refresh().unwrap();
    assert!(auth.authenticate(by_new.as_bytes(), None).is_ok());
    assert!(refusal(auth.authenticate(by_old.as_bytes(), None)).contains("no key \"old\""));
}

#[test]
fn unusable_keys_are_skipped_and_the_rest_serve() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.json");
    let key = SigningKey::ec_p256("good");
    let mut value = bundle(&[&key]);
    let keys = value["keys"].as_array_mut().unwrap();
    keys.push(json!({ "kty": "oct", "k": "c2VjcmV0", "kid": "mac", "use": "jwt-svid" }));
    keys.push(json!({ "kty": "EC", "crv": "P-256", "use": "x509-svid", "x": "", "y": "" }));
    let mut no_kid = key.jwk();
    no_kid.as_object_mut().unwrap().remove("kid");
    keys.push(no_kid);
    write(&path, &value);
    let auth = started(&format!(
        "bundle_path = {path:?}\ntrust_domains = [\"example.org\"]"
    ));
    assert_eq!(auth.snapshot().bundles.counts(), (1, 1));
    let token = key.sign(&claims(WEB, "parsec", 300));
    assert!(auth.authenticate(token.as_bytes(), None).is_ok());
}

#[test]
fn verified_tokens_are_cached_until_they_expire() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.json");
    let key = SigningKey::ec_p256("k");
    write(&path, &bundle(&[&key]));
    let auth = started(&format!(
        "bundle_path = {path:?}\ntrust_domains = [\"example.org\"]\nleeway_s = 0"
    ));
    let token = key.sign(&claims(WEB, "parsec", 300));
    assert!(auth.authenticate(token.as_bytes(), None).is_ok());
    assert_eq!(auth.snapshot().cache.len(), 1);
    let digest = Cache::digest(token.as_bytes());
    let exp = now() + 300;
    assert!(auth.snapshot().cache.get(&digest, exp, 0).is_some());
    assert!(auth.snapshot().cache.get(&digest, exp + 1, 0).is_none());
}

/// The cost of one validation and of a cached one; prints them (run with `--nocapture`).
#[test]
fn cost_of_a_validation_and_of_a_cached_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.json");
    let ec = SigningKey::ec_p256("ec");
    let rsa = SigningKey::rsa_2048("rsa", jsonwebtoken::Algorithm::RS256);
    write(&path, &bundle(&[&ec, &rsa]));
    let auth = started(&format!(
        "bundle_path = {path:?}\ntrust_domains = [\"example.org\"]"
    ));
    const ROUNDS: u32 = 200;
    for key in [&ec, &rsa] {
        let tokens: Vec<String> = (0..ROUNDS)
            .map(|i| key.sign(&claims(&format!("{WEB}/{i}"), "parsec", 300)))
            .collect();
        let start = Instant::now();
        for token in &tokens {
            auth.authenticate(token.as_bytes(), None).unwrap();
        }
        let fresh = start.elapsed() / ROUNDS;
        let start = Instant::now();
        for token in &tokens {
            auth.authenticate(token.as_bytes(), None).unwrap();
        }
        let cached = start.elapsed() / ROUNDS;
        println!(
            "JWT-SVID {:?}, {} bytes: verified in {:.1} µs, cached in {:.1} µs",
            key.alg,
            tokens[0].len(),
            fresh.as_secs_f64() * 1e6,
            cached.as_secs_f64() * 1e6
        );
        assert!(
            cached < fresh,
            "a cached token costs less than a verification"
        );
    }
}
