//! The conveniences cost one request per call, however many keys the application has: a
//! key's algorithm is looked up once (ListKeys) and kept, and looked up again only when the
//! service refuses it, as after the key was made again with another algorithm. Requests are
//! counted by opcode by a proxy in front of the real service.

#[allow(dead_code)] // the proxy's connection counting and the scripted peer are not used here
mod common;

use common::{Mode, Proxy};
use psc_client::psa::{AsymmetricSignature, Attributes, Hash, KeyType, SignHash};
use psc_client::{Client, Error, Opcode, easy};
use psc_testkit::TestDaemon;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const APP: &str = "round-trips-test";
const OTHER_KEYS: usize = 1_000;
const SIGNS: usize = 100;

fn discovered(path: &std::path::Path) -> Result<Client, Error> {
    let mut client = Client::new(path);
    client.discover(Some(APP))?;
    Ok(client)
}

fn rsa_signing_attributes() -> Attributes {
    let alg = AsymmetricSignature::RsaPkcs1v15Sign {
        hash: SignHash::Specific(Hash::Sha256),
    };
    Attributes::signing_key(KeyType::RsaKeyPair, 2048, alg)
}

#[test]
fn a_hundred_signatures_are_a_hundred_requests_among_a_thousand_keys() -> TestResult {
    let daemon = TestDaemon::start();
    // The application's other keys, made directly (not counted): cheap AES keys.
    let direct = discovered(daemon.socket_path())?;
    for n in 0..OTHER_KEYS {
        direct.generate_key(&format!("other-{n}"), easy::encryption_attributes())?;
    }
    direct.generate_signing_key("signing")?;
    assert_eq!(direct.list_keys()?.len(), OTHER_KEYS + 1);

    let proxy = Proxy::start(daemon.socket_path(), Mode::Transparent)?;
    let client = discovered(proxy.path())?;
    let before = proxy.all_requests();
    let mut signatures = Vec::new();
    for n in 0..SIGNS {
        signatures.push(client.sign("signing", format!("message {n}").as_bytes())?);
    }
    assert_eq!(proxy.requests(Opcode::PsaSignHash), SIGNS);
    assert_eq!(
        proxy.requests(Opcode::ListKeys),
        1,
        "the key looked up once"
    );
    assert_eq!(proxy.all_requests() - before, SIGNS + 1);

    // Verifying with the same key needs no lookup either; a clone shares what was learnt.
    let clone = client.clone();
    for (n, signature) in signatures.iter().enumerate() {
        clone.verify("signing", format!("message {n}").as_bytes(), signature)?;
    }
    assert_eq!(proxy.requests(Opcode::PsaVerifyHash), SIGNS);
    assert_eq!(proxy.requests(Opcode::ListKeys), 1);
    assert_eq!(proxy.all_requests() - before, 2 * SIGNS + 1);
    client.sign("signing", b"the original still knows the key")?;
    assert_eq!(proxy.all_requests() - before, 2 * SIGNS + 2);
    Ok(())
}

#[test]
fn a_key_made_again_with_another_algorithm_is_looked_up_again_once() -> TestResult {
    let daemon = TestDaemon::start();
    let proxy = Proxy::start(daemon.socket_path(), Mode::Transparent)?;
    let client = discovered(proxy.path())?;
    client.generate_signing_key("k")?;
    let ecdsa = client.sign("k", b"message")?;
    assert_eq!(ecdsa.len(), 64, "ECDSA P-256 r ‖ s");
    assert_eq!(proxy.requests(Opcode::ListKeys), 1);

    // Another process (a client of its own) makes the key again as RSA.
    let other = discovered(daemon.socket_path())?;
    other.destroy_key("k")?;
    other.generate_key("k", rsa_signing_attributes())?;

    let rsa = client.sign("k", b"message")?;
    assert_eq!(rsa.len(), 256, "RSA-2048 PKCS#1 v1.5");
    assert_eq!(
        proxy.requests(Opcode::PsaSignHash),
        3,
        "the first signature, the refused ECDSA one, the RSA one"
    );
    assert_eq!(proxy.requests(Opcode::ListKeys), 2, "one refresh");
    client.verify("k", b"message", &rsa)?;
    client.sign("k", b"message")?;
    assert_eq!(
        proxy.requests(Opcode::ListKeys),
        2,
        "the new algorithm is kept"
    );

    // A key that is gone: the service's answer, and the next use looks it up again.
    other.destroy_key("k")?;
    let gone = client.sign("k", b"message");
    assert_eq!(
        gone.err().and_then(|e| e.status()),
        Some(psc_client::Status::PsaErrorDoesNotExist)
    );
    other.generate_signing_key("k")?;
    assert_eq!(client.sign("k", b"message")?.len(), 64);
    assert_eq!(proxy.requests(Opcode::ListKeys), 3);
    Ok(())
}

#[test]
fn another_identity_does_not_reuse_what_was_learnt() -> TestResult {
    let daemon = TestDaemon::start();
    let proxy = Proxy::start(daemon.socket_path(), Mode::Transparent)?;
    let mut client = discovered(proxy.path())?;
    client.generate_signing_key("k")?;
    client.sign("k", b"message")?;
    client.set_auth(psc_client::Auth::Direct("someone-else".into()));
    let theirs = client.sign("k", b"message");
    assert_eq!(
        theirs.err().and_then(|e| e.status()),
        Some(psc_client::Status::PsaErrorDoesNotExist),
        "someone else has no key k, whatever this client knew of ours"
    );
    assert_eq!(proxy.requests(Opcode::ListKeys), 2);
    assert_eq!(proxy.requests(Opcode::PsaSignHash), 1);
    Ok(())
}
