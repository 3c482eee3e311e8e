//! A TPM that goes away and comes back (issue 18 item 5): swtpm killed in the middle of a
//! key generation, the requests on the TPM fail fast with a clean status while the
//! software provider goes on serving, and once swtpm is back on its state the TPM provider
//! serves again, without a restart of the daemon.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use parsec_client::BasicClient;
use parsec_client::core::interface::operations::psa_algorithm::{
    AsymmetricSignature, Hash, SignHash,
};
use parsec_client::core::interface::operations::psa_key_attributes::{
    Attributes, Lifetime, Policy, Type, UsageFlags,
};
use parsec_client::core::interface::requests::{ProviderId, ResponseStatus};
use parsec_client::error::Error as ClientError;

use super::common::{Daemon, ECDSA_SHA256, Site, app_client, ecc_attributes};
use super::daemon::config;
use super::serial;
use super::swtpm::Swtpm;

/// The listener timeout of the configuration: every answer must come before it.
const LISTENER_TIMEOUT: Duration = Duration::from_secs(5);

pub(super) fn rsa_2048() -> Attributes {
    let mut usage_flags = UsageFlags::default();
    usage_flags.set_sign_hash().set_verify_hash();
    Attributes {
        lifetime: Lifetime::Persistent,
        key_type: Type::RsaKeyPair,
        bits: 2048,
        policy: Policy {
            usage_flags,
            permitted_algorithms: AsymmetricSignature::RsaPkcs1v15Sign {
                hash_alg: SignHash::Specific(Hash::Sha256),
            }
            .into(),
        },
    }
}

pub(super) fn status(result: Result<impl std::fmt::Debug, ClientError>) -> ResponseStatus {
    match result {
        Err(ClientError::Service(status)) => status,
        other => panic!("a service status, not {other:?}"),
    }
}

#[test]
fn a_tpm_that_goes_away_fails_cleanly_and_serves_again_when_back() {
    let _serial = serial();
    let site = Site::new();
    let mut swtpm = Swtpm::start(&site.path().join("tpm-state"));
    let software = format!(
        "\n[[provider]]\nprovider_type = \"MbedCrypto\"\nkey_info_manager = \"sqlite-manager\"\n\
         master_key_path = \"{}\"\n",
        site.master_key().display()
    );
    site.write_config(&format!("{}{software}", config(&site, &swtpm.tcti())));
    let mut daemon = Daemon::start(&site);
    let tpm = app_client(&site.socket());
    assert_eq!(tpm.implicit_provider(), ProviderId::Tpm);
    let mut soft = app_client(&site.socket());
    soft.set_implicit_provider(ProviderId::MbedCrypto);
    tpm.psa_generate_key("tpm-key", ecc_attributes()).unwrap();
    soft.psa_generate_key("soft-key", ecc_attributes()).unwrap();

    // RSA key generations (about a second each on swtpm) until one fails: swtpm is killed
    // in the middle of one.
    let failed: Arc<Mutex<Option<(ResponseStatus, Instant)>>> = Arc::default();
    let started = Arc::new(AtomicBool::new(false));
    let generator = {
        let (failed, started, socket) = (failed.clone(), started.clone(), site.socket());
        std::thread::spawn(move || {
            let client: BasicClient = app_client(&socket);
            for n in 0.. {
                started.store(true, Ordering::SeqCst);
                if let Err(e) = client.psa_generate_key(&format!("rsa-{n}"), rsa_2048()) {
                    *failed.lock().unwrap() = Some((status(Err::<(), _>(e)), Instant::now()));
                    return;
                }
            }
        })
    };
    while !started.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    swtpm.kill();
    let killed = Instant::now();
    generator.join().unwrap();
    let (generation, at) = failed.lock().unwrap().take().unwrap();
    let waited = at.duration_since(killed);
    eprintln!("key generation with swtpm killed under it: {generation:?} after {waited:?}");
    assert_eq!(generation, ResponseStatus::PsaErrorCommunicationFailure);
    assert!(waited < LISTENER_TIMEOUT, "{waited:?}");

    // While swtpm is away: the TPM answers fast and cleanly; the software provider serves.
    let asked = Instant::now();
    let refused = status(tpm.psa_sign_hash("tpm-key", &[3; 32], ECDSA_SHA256));
    let waited = asked.elapsed();
    eprintln!("signature with swtpm away: {refused:?} after {waited:?}");
    assert_eq!(refused, ResponseStatus::PsaErrorCommunicationFailure);
    assert!(waited < LISTENER_TIMEOUT, "{waited:?}");
    let signature = soft
        .psa_sign_hash("soft-key", &[3; 32], ECDSA_SHA256)
        .unwrap();
    soft.psa_verify_hash("soft-key", &[3; 32], ECDSA_SHA256, &signature)
        .unwrap();
    assert!(tpm.ping().is_ok());

    // swtpm back on the same state and port: the next request connects again.
    swtpm.restart();
    let signature = tpm
        .psa_sign_hash("tpm-key", &[4; 32], ECDSA_SHA256)
        .unwrap();
    tpm.psa_verify_hash("tpm-key", &[4; 32], ECDSA_SHA256, &signature)
        .unwrap();
    tpm.psa_generate_key("after", ecc_attributes()).unwrap();
    let stderr = daemon.wait_stderr("connected to the TPM again");
    assert!(
        stderr.contains("the connection to the TPM was lost"),
        "{stderr}"
    );
    daemon.stop();
}
