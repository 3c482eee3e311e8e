//! A TPM that hangs without closing its connection (swtpm under SIGSTOP): the request
//! waiting for it is answered `PsaErrorCommunicationFailure` at the deadline
//! (`core_settings.device_timeout_ms`, 1 s here), later requests to the TPM are refused at
//! once while the stuck call has not returned, the software provider serves throughout
//! (its slow work included), and after SIGCONT the TPM serves again with no restart. The
//! key generation caught in the hang ends committed or rolled back, never half-done.

use std::time::{Duration, Instant};

use parsec_client::BasicClient;
use parsec_client::core::interface::requests::{ProviderId, ResponseStatus};

use super::common::{Daemon, ECDSA_SHA256, Heartbeat, Site, app_client, ecc_attributes, poll};
use super::daemon::config;
use super::resilience::{rsa_2048, status};
use super::serial;
use super::swtpm::Swtpm;

/// The deadline of the configuration.
const DEVICE_TIMEOUT: Duration = Duration::from_secs(1);

#[test]
fn a_tpm_that_hangs_answers_a_clean_status_at_the_deadline_and_serves_again() {
    let _serial = serial();
    let site = Site::new();
    let swtpm = Swtpm::start(&site.path().join("tpm-state"));
    let mut daemon = start(&site, &swtpm);
    let tpm = app_client(&site.socket());
    assert_eq!(tpm.implicit_provider(), ProviderId::Tpm);
    let mut soft = app_client(&site.socket());
    soft.set_implicit_provider(ProviderId::MbedCrypto);
    tpm.psa_generate_key("tpm-key", ecc_attributes()).unwrap();
    soft.psa_generate_key("soft-key", ecc_attributes()).unwrap();
    let heartbeat = Heartbeat::start(&site.socket(), "soft-key");

    swtpm.pause();
    // Signatures caught in the hang beside it, enough to hold every slow thread (they wait
    // for the TPM's mutex, which the stuck call holds).
    let cpus = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let signers: Vec<_> = (0..cpus)
        .map(|_| {
            let socket = site.socket();
            std::thread::spawn(move || {
                let client = app_client(&socket);
                status(client.psa_sign_hash("tpm-key", &[2; 32], ECDSA_SHA256))
            })
        })
        .collect();
    // A key generation caught in the hang: answered at the deadline, its call left stuck.
    let asked = Instant::now();
    let caught = status(tpm.psa_generate_key("caught", ecc_attributes()));
    let waited = asked.elapsed();
    for signer in signers {
        assert_eq!(
            signer.join().unwrap(),
            ResponseStatus::PsaErrorCommunicationFailure
        );
    }
    eprintln!("key generation on a hung TPM: {caught:?} after {waited:?}");
    assert_eq!(caught, ResponseStatus::PsaErrorCommunicationFailure);
    assert!(waited >= DEVICE_TIMEOUT, "{waited:?}");
    assert!(waited < DEVICE_TIMEOUT * 3, "{waited:?}");

    // While its call is stuck, the TPM is refused at once (a sign, another generation).
    for _ in 0..5 {
        let asked = Instant::now();
        let refused = status(tpm.psa_sign_hash("tpm-key", &[3; 32], ECDSA_SHA256));
        let waited = asked.elapsed();
        assert_eq!(refused, ResponseStatus::PsaErrorCommunicationFailure);
        assert!(
            waited < Duration::from_millis(300),
            "refused fast: {waited:?}"
        );
    }
    let asked = Instant::now();
    let refused = status(tpm.psa_generate_key("refused", ecc_attributes()));
    eprintln!(
        "sign and generate on a stalled TPM: {refused:?}, the last after {:?}",
        asked.elapsed()
    );
    assert_eq!(refused, ResponseStatus::PsaErrorCommunicationFailure);
    // The software provider's slow work (an RSA generation) still gets a slow thread: the
    // stuck ones were replaced.
    let asked = Instant::now();
    soft.psa_generate_key("soft-rsa", rsa_2048()).unwrap();
    eprintln!(
        "software RSA-2048 generation during the stall: {:?}",
        asked.elapsed()
    );
    let (beats, slowest) = heartbeat.stop();
    eprintln!("during the stall: {beats} software pings and signatures, the slowest {slowest:?}");
    assert!(beats >= 10, "{beats}");
    assert!(slowest < Duration::from_millis(500), "{slowest:?}");

    // The TPM answers again: the stuck call returns, the stall clears, no restart.
    swtpm.resume();
    let signature = poll("the TPM to serve again", || {
        tpm.psa_sign_hash("tpm-key", &[4; 32], ECDSA_SHA256).ok()
    });
    tpm.psa_verify_hash("tpm-key", &[4; 32], ECDSA_SHA256, &signature)
        .unwrap();
    let stderr = daemon.wait_stderr("a call stuck past core_settings.device_timeout_ms returned");
    assert!(
        stderr.contains("did not answer PsaGenerateKey within"),
        "{stderr}"
    );
    assert!(stderr.contains("is stalled"), "{stderr}");

    the_caught_key_is_whole(&tpm);
    tpm.psa_generate_key("after", ecc_attributes()).unwrap();
    daemon.stop();
}

/// The daemon with the TPM of `swtpm` and the software provider, at the test's deadline.
fn start(site: &Site, swtpm: &Swtpm) -> Daemon {
    let software = format!(
        "\n[[provider]]\nprovider_type = \"MbedCrypto\"\nkey_info_manager = \"sqlite-manager\"\n\
         master_key_path = \"{}\"\n",
        site.master_key().display()
    );
    let tpm_config = config(site, &swtpm.tcti()).replacen(
        "[core_settings]\n",
        &format!(
            "[core_settings]\ndevice_timeout_ms = {}\n",
            DEVICE_TIMEOUT.as_millis()
        ),
        1,
    );
    site.write_config(&format!("{tpm_config}{software}"));
    Daemon::start(site)
}

/// The generation caught in the hang ended whole: its key committed (it signs) or rolled
/// back (the name is free again), never a name held by a half-made key.
fn the_caught_key_is_whole(tpm: &BasicClient) {
    let listed = tpm.list_keys().unwrap();
    let committed = listed.iter().any(|k| k.name == "caught");
    eprintln!(
        "the caught generation ended {}",
        if committed {
            "committed"
        } else {
            "rolled back"
        }
    );
    if committed {
        let signature = tpm.psa_sign_hash("caught", &[5; 32], ECDSA_SHA256).unwrap();
        tpm.psa_verify_hash("caught", &[5; 32], ECDSA_SHA256, &signature)
            .unwrap();
    } else {
        tpm.psa_generate_key("caught", ecc_attributes()).unwrap();
    }
}
