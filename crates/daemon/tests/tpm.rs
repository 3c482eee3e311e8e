//! The TPM provider on a real (software) TPM: every test that needs a device is in this one
//! binary, serialized, each with its own swtpm (`tpm/swtpm.rs`) on a free loopback port and
//! a state directory of its own. swtpm missing fails these tests: they never skip.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

#[path = "tpm/attestation.rs"]
mod attestation;
mod common;
#[path = "tpm/fairness.rs"]
mod fairness;
#[path = "tpm/resilience.rs"]
mod resilience;
#[path = "tpm/stall.rs"]
mod stall;
#[path = "tpm/swtpm.rs"]
mod swtpm;
#[path = "tpm/tool.rs"]
mod tool;

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use daemon::config as daemon_config;
use psc_provider_api::{Binding, Check, KeyRef, NewKey, OpenError, Provider, ProviderError};
use psc_provider_tpm::{TpmOptions, TpmProvider};
use psc_psa::{
    Algorithm, AsymmetricEncryption, AsymmetricSignature, Attributes, EccFamily, Hash,
    KeyAgreement, KeyType, Policy, RawKeyAgreement, SignHash, UsageFlags,
};
use swtpm::Swtpm;

/// One device test at a time: swtpm serves one client, and the machine is small.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A swtpm with a fresh state, and the provider on it.
struct Bench {
    // Field order: the provider (its connection) goes before its swtpm.
    provider: Option<TpmProvider>,
    swtpm: Swtpm,
    dir: tempfile::TempDir,
    _serial: MutexGuard<'static, ()>,
}

impl Bench {
    fn new() -> Bench {
        let serial = serial();
        let dir = tempfile::tempdir().unwrap();
        let swtpm = Swtpm::start(&dir.path().join("state"));
        let provider = Some(open(&swtpm));
        Bench {
            provider,
            swtpm,
            dir,
            _serial: serial,
        }
    }

    fn provider(&self) -> &TpmProvider {
        self.provider.as_ref().unwrap()
    }

    /// A software provider beside the TPM, to check what each makes with the other.
    fn software(&self) -> psc_provider_software::SoftwareProvider {
        psc_provider_software::SoftwareProvider::open(&self.dir.path().join("master.key")).unwrap()
    }
}

fn open(swtpm: &Swtpm) -> TpmProvider {
    let started = Instant::now();
    let provider = TpmProvider::open(&TpmOptions::for_tcti(&swtpm.tcti()).unwrap())
        .unwrap_or_else(|e| panic!("the provider opens on {}: {e}", swtpm.tcti()));
    eprintln!("provider opened in {:?}", started.elapsed());
    provider
}

const BINDING: Binding<'static> = Binding(b"tpm-test-owner");

fn usage() -> UsageFlags {
    UsageFlags {
        export: false,
        copy: false,
        cache: false,
        encrypt: true,
        decrypt: true,
        sign_message: true,
        verify_message: true,
        sign_hash: true,
        verify_hash: true,
        derive: false,
    }
}

fn attributes(key_type: KeyType, bits: u32, alg: Algorithm) -> Attributes {
    Attributes {
        key_type,
        bits,
        policy: Policy {
            usage_flags: usage(),
            permitted_algorithm: alg,
        },
    }
}

const P256: KeyType = KeyType::EccKeyPair {
    curve_family: EccFamily::SecpR1,
};

fn ecdsa(hash: Hash) -> AsymmetricSignature {
    AsymmetricSignature::Ecdsa {
        hash: SignHash::Specific(hash),
    }
}

fn key_ref(key: &NewKey) -> KeyRef<'_> {
    KeyRef {
        attributes: &key.attributes,
        blob: &key.blob,
    }
}

fn generate(provider: &TpmProvider, attributes: &Attributes) -> NewKey {
    let started = Instant::now();
    let key = provider
        .key_lifecycle()
        .unwrap()
        .generate(attributes, BINDING)
        .unwrap();
    eprintln!(
        "generated {:?} in {:?}",
        attributes.key_type,
        started.elapsed()
    );
    key
}

fn sign_and_verify(provider: &TpmProvider, key: &NewKey, alg: AsymmetricSignature) -> Vec<u8> {
    let signer = provider.sign_hash().unwrap();
    let hash = vec![
        0x42;
        alg.sign_hash()
            .and_then(SignHash::specific)
            .unwrap()
            .digest_len()
    ];
    let signature = signer.sign_hash(key_ref(key), BINDING, alg, &hash).unwrap();
    signer
        .verify_hash(key_ref(key), BINDING, alg, &hash, &signature)
        .unwrap();
    signature
}

#[test]
fn ecdsa_p256_signs_and_verifies() {
    let bench = Bench::new();
    let alg = ecdsa(Hash::Sha256);
    let key = generate(
        bench.provider(),
        &attributes(P256, 256, Algorithm::AsymmetricSignature(alg)),
    );
    let signature = sign_and_verify(bench.provider(), &key, alg);
    assert_eq!(signature.len(), 64, "r ‖ s");
    let refused = bench.provider().sign_hash().unwrap().verify_hash(
        key_ref(&key),
        BINDING,
        alg,
        &[0x43; 32],
        &signature,
    );
    assert!(
        matches!(refused, Err(ProviderError::InvalidSignature)),
        "{refused:?}"
    );
}

/// The provider conformance suite, one check per test, each on its own swtpm.
mod conformance {
    use psc_testkit::conformance;

    use super::Bench;

    #[test]
    fn key_lifecycle() {
        conformance::key_lifecycle(Bench::new().provider());
    }

    #[test]
    fn signatures() {
        conformance::signatures(Bench::new().provider());
    }

    #[test]
    fn encryption() {
        conformance::encryption(Bench::new().provider());
    }

    #[test]
    fn symmetric_refused_ecdh_agreed_hashes() {
        let bench = Bench::new();
        conformance::aead(bench.provider());
        conformance::ciphers(bench.provider());
        conformance::macs(bench.provider());
        conformance::agreement(bench.provider());
        conformance::hashes(bench.provider());
    }

    #[test]
    fn known_answers() {
        let ran = conformance::known_answers(Bench::new().provider());
        println!("{ran} known-answer vectors ran");
    }

    #[test]
    fn random() {
        conformance::random(Bench::new().provider());
    }
}

fn rsa_pss(hash: Hash) -> AsymmetricSignature {
    AsymmetricSignature::RsaPss {
        hash: SignHash::Specific(hash),
    }
}

fn rsa_pkcs1(hash: Hash) -> AsymmetricSignature {
    AsymmetricSignature::RsaPkcs1v15Sign {
        hash: SignHash::Specific(hash),
    }
}

/// CanDoCrypto says what swtpm has and refuses what a TPM cannot do.
#[test]
fn can_do_crypto_follows_the_tpm() {
    let bench = Bench::new();
    let provider = bench.provider();
    let sig = Algorithm::AsymmetricSignature;
    let ecdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh));
    let oaep =
        Algorithm::AsymmetricEncryption(AsymmetricEncryption::RsaOaep { hash: Hash::Sha256 });
    let pkcs1_crypt = Algorithm::AsymmetricEncryption(AsymmetricEncryption::RsaPkcs1v15Crypt);
    let supported = [
        attributes(KeyType::RsaKeyPair, 2048, sig(rsa_pkcs1(Hash::Sha256))),
        attributes(KeyType::RsaKeyPair, 2048, sig(rsa_pss(Hash::Sha384))),
        attributes(KeyType::RsaKeyPair, 2048, oaep),
        attributes(KeyType::RsaKeyPair, 2048, pkcs1_crypt),
        attributes(P256, 256, sig(ecdsa(Hash::Sha256))),
        attributes(P256, 384, sig(ecdsa(Hash::Sha384))),
        attributes(P256, 256, ecdh),
    ];
    for cell in supported {
        for check in [Check::Generate, Check::Use] {
            assert!(provider.can_do(check, &cell).is_ok(), "{check:?} {cell:?}");
        }
    }
    // swtpm 0.7.1 (libtpms 0.9) has RSA-3072 and P-521, not RSA-4096.
    let sizes = |key_type, bits| {
        provider
            .can_do(
                Check::Generate,
                &attributes(key_type, bits, Algorithm::None),
            )
            .is_ok()
    };
    assert!(
        sizes(KeyType::RsaKeyPair, 3072) && sizes(P256, 521) && !sizes(KeyType::RsaKeyPair, 4096)
    );
    let public = attributes(KeyType::RsaPublicKey, 2048, sig(rsa_pss(Hash::Sha256)));
    assert!(provider.can_do(Check::Import, &public).is_ok());
    let pair = attributes(P256, 256, sig(ecdsa(Hash::Sha256)));
    assert!(provider.can_do(Check::Import, &pair).is_ok());
    assert!(provider.can_do(Check::Generate, &public).is_err());
}

/// CanDoCrypto refuses what a TPM cannot do, or this provider does not.
#[test]
fn can_do_crypto_refuses_what_a_tpm_cannot_do() {
    let bench = Bench::new();
    let provider = bench.provider();
    let sig = Algorithm::AsymmetricSignature;
    let ecdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh));
    let refused = [
        (
            Check::Generate,
            attributes(KeyType::RsaKeyPair, 1024, sig(rsa_pkcs1(Hash::Sha256))),
        ),
        (
            Check::Use,
            attributes(KeyType::RsaKeyPair, 2048, sig(rsa_pkcs1(Hash::Sha224))),
        ),
        (
            Check::Use,
            attributes(
                P256,
                256,
                sig(AsymmetricSignature::DeterministicEcdsa {
                    hash: SignHash::Specific(Hash::Sha256),
                }),
            ),
        ),
        (
            Check::Use,
            attributes(P256, 256, sig(AsymmetricSignature::EcdsaAny)),
        ),
        (
            Check::Import,
            attributes(
                KeyType::EccKeyPair {
                    curve_family: EccFamily::Montgomery,
                },
                255,
                ecdh,
            ),
        ),
        (
            Check::Generate,
            attributes(KeyType::Aes, 128, Algorithm::None),
        ),
    ];
    for (check, cell) in refused {
        assert!(
            matches!(
                provider.can_do(check, &cell),
                Err(ProviderError::NotSupported(_))
            ),
            "{check:?} {cell:?}"
        );
    }
}

/// Signatures the TPM makes verify with the software provider (aws-lc-rs): ECDSA r ‖ s,
/// PKCS#1 v1.5, and PSS with a salt as long as the hash, as PSA requires; the TPM verifies
/// them again with the public key imported alone.
#[test]
fn the_software_provider_verifies_what_the_tpm_signs() {
    let bench = Bench::new();
    let tpm = bench.provider();
    let software = bench.software();
    let cases = [
        (P256, 256, ecdsa(Hash::Sha256)),
        (P256, 384, ecdsa(Hash::Sha384)),
        (KeyType::RsaKeyPair, 2048, rsa_pkcs1(Hash::Sha256)),
        (KeyType::RsaKeyPair, 2048, rsa_pss(Hash::Sha256)),
        (KeyType::RsaKeyPair, 2048, rsa_pss(Hash::Sha512)),
    ];
    for (key_type, bits, alg) in cases {
        let pair = attributes(key_type, bits, Algorithm::AsymmetricSignature(alg));
        let key = generate(tpm, &pair);
        let signature = sign_and_verify(tpm, &key, alg);
        let public = tpm
            .key_lifecycle()
            .unwrap()
            .export_public(key_ref(&key), BINDING)
            .unwrap();
        let mut public_attributes = pair;
        public_attributes.key_type = key_type.public_counterpart();
        let theirs = software
            .key_lifecycle()
            .unwrap()
            .import(&public_attributes, &public, BINDING)
            .unwrap();
        let hash = vec![
            0x42;
            alg.sign_hash()
                .and_then(SignHash::specific)
                .unwrap()
                .digest_len()
        ];
        software
            .sign_hash()
            .unwrap()
            .verify_hash(key_ref(&theirs), BINDING, alg, &hash, &signature)
            .unwrap_or_else(|e| panic!("{key_type:?} {bits} {alg:?}: {e:?}"));
        // And the TPM verifies with the public key imported alone.
        let ours = tpm
            .key_lifecycle()
            .unwrap()
            .import(&public_attributes, &public, BINDING)
            .unwrap();
        assert_eq!(ours.attributes.bits, bits);
        tpm.sign_hash()
            .unwrap()
            .verify_hash(key_ref(&ours), BINDING, alg, &hash, &signature)
            .unwrap();
    }
}

/// An OAEP ciphertext the software provider makes, with no label or one the TPM takes,
/// decrypts on the TPM; other labels are NotSupported, a bad ciphertext is a bad padding.
#[test]
fn oaep_from_the_software_provider_decrypts_on_the_tpm() {
    let bench = Bench::new();
    let tpm = bench.provider();
    let software = bench.software();
    let alg = AsymmetricEncryption::RsaOaep { hash: Hash::Sha256 };
    let pair = attributes(
        KeyType::RsaKeyPair,
        2048,
        Algorithm::AsymmetricEncryption(alg),
    );
    let key = generate(tpm, &pair);
    let public = tpm
        .key_lifecycle()
        .unwrap()
        .export_public(key_ref(&key), BINDING)
        .unwrap();
    let mut public_attributes = pair;
    public_attributes.key_type = KeyType::RsaPublicKey;
    let theirs = software
        .key_lifecycle()
        .unwrap()
        .import(&public_attributes, &public, BINDING)
        .unwrap();
    for label in [&b""[..], b"label\0"] {
        let ciphertext = software
            .asymmetric_crypt()
            .unwrap()
            .encrypt(key_ref(&theirs), BINDING, alg, b"for the TPM", label)
            .unwrap();
        let plaintext = tpm
            .asymmetric_crypt()
            .unwrap()
            .decrypt(key_ref(&key), BINDING, alg, &ciphertext, label)
            .unwrap();
        assert_eq!(&*plaintext, b"for the TPM");
    }
    let refused =
        tpm.asymmetric_crypt()
            .unwrap()
            .encrypt(key_ref(&key), BINDING, alg, b"x", b"label");
    assert!(
        matches!(refused, Err(ProviderError::NotSupported(_))),
        "{refused:?}"
    );
    let garbage =
        tpm.asymmetric_crypt()
            .unwrap()
            .decrypt(key_ref(&key), BINDING, alg, &[0x17; 256], &[]);
    assert!(
        matches!(garbage, Err(ProviderError::InvalidPadding)),
        "{garbage:?}"
    );
}

/// Random bytes past the TPM's per-call maximum (a digest) come in chunks.
#[test]
fn random_bytes_past_the_per_call_maximum() {
    let bench = Bench::new();
    let mut out = vec![0u8; 10_000];
    bench.provider().random().unwrap().fill(&mut out).unwrap();
    let zeros = out.iter().filter(|b| **b == 0).count();
    assert!(zeros < 200, "{zeros} zero bytes in 10 000");
    assert_ne!(out[..5000], out[5000..]);
}

/// A blob is bound to its owner and attributes: copied to another owner or with its
/// policy edited, it is corrupt, before the TPM is asked.
#[test]
fn a_blob_opens_only_for_its_owner_and_attributes() {
    let bench = Bench::new();
    let provider = bench.provider();
    let alg = ecdsa(Hash::Sha256);
    let key = generate(
        provider,
        &attributes(P256, 256, Algorithm::AsymmetricSignature(alg)),
    );
    let other_owner = provider.sign_hash().unwrap().sign_hash(
        key_ref(&key),
        Binding(b"someone else"),
        alg,
        &[1; 32],
    );
    assert!(
        matches!(other_owner, Err(ProviderError::CorruptKey(_))),
        "{other_owner:?}"
    );
    let mut edited = key.attributes;
    edited.policy.usage_flags.export = true;
    let edited_ref = KeyRef {
        attributes: &edited,
        blob: &key.blob,
    };
    let refused = provider
        .sign_hash()
        .unwrap()
        .sign_hash(edited_ref, BINDING, alg, &[1; 32]);
    assert!(
        matches!(refused, Err(ProviderError::CorruptKey(_))),
        "{refused:?}"
    );
    let mut flipped = key.blob.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 1;
    let flipped_ref = KeyRef {
        attributes: &key.attributes,
        blob: &flipped,
    };
    let refused = provider
        .sign_hash()
        .unwrap()
        .sign_hash(flipped_ref, BINDING, alg, &[1; 32]);
    assert!(
        matches!(refused, Err(ProviderError::CorruptKey(_))),
        "{refused:?}"
    );
}

/// Keys live in their blobs: after the provider is dropped and swtpm restarted on the same
/// state (a TPM reset), a new provider derives the same primary and uses the old keys.
#[test]
fn keys_survive_a_tpm_reset() {
    let mut bench = Bench::new();
    let alg = rsa_pss(Hash::Sha256);
    let key = generate(
        bench.provider(),
        &attributes(
            KeyType::RsaKeyPair,
            2048,
            Algorithm::AsymmetricSignature(alg),
        ),
    );
    let ecc_alg = ecdsa(Hash::Sha384);
    let ecc = generate(
        bench.provider(),
        &attributes(P256, 384, Algorithm::AsymmetricSignature(ecc_alg)),
    );
    let name = bench.provider().primary_name().to_vec();
    assert_eq!(name.len(), 34, "SHA-256 name: algorithm, digest");
    bench.provider = None;
    bench.swtpm.restart();
    bench.provider = Some(open(&bench.swtpm));
    assert_eq!(bench.provider().primary_name(), name);
    sign_and_verify(bench.provider(), &key, alg);
    sign_and_verify(bench.provider(), &ecc, ecc_alg);
}

/// A cleared TPM (here: a new one, with a new owner seed) derives another primary, and the
/// old keys do not load under it.
#[test]
fn a_new_tpm_has_another_primary_and_refuses_old_keys() {
    let mut bench = Bench::new();
    let alg = ecdsa(Hash::Sha256);
    let key = generate(
        bench.provider(),
        &attributes(P256, 256, Algorithm::AsymmetricSignature(alg)),
    );
    let name = bench.provider().primary_name().to_vec();
    bench.provider = None;
    bench.swtpm = Swtpm::start(&bench.dir.path().join("another-state"));
    bench.provider = Some(open(&bench.swtpm));
    assert_ne!(bench.provider().primary_name(), name);
    let refused =
        bench
            .provider()
            .sign_hash()
            .unwrap()
            .sign_hash(key_ref(&key), BINDING, alg, &[1; 32]);
    let status = refused.as_ref().map_err(ProviderError::status);
    assert!(
        refused.is_err(),
        "an old key under a new primary: {refused:?}"
    );
    eprintln!("old key under a new primary: {status:?}");
}

/// An unreachable TPM fails the start, or is absent when `skip_if_no_tpm` says so.
#[test]
fn an_unreachable_tpm_is_absent_only_when_skip_if_no_tpm() {
    let _serial = serial();
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut options = TpmOptions::for_tcti(&format!("swtpm:host=127.0.0.1,port={port}")).unwrap();
    match TpmProvider::open(&options) {
        Err(OpenError::Failed(message)) => {
            assert!(message.contains("skip_if_no_tpm"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    options.skip_if_no_tpm = true;
    assert!(matches!(
        TpmProvider::open(&options),
        Err(OpenError::Absent(_))
    ));
}

/// The real daemon with a Tpm configuration: create, sign, verify; restart the daemon, and
/// the key still works; reset the TPM, and it still works; a new TPM refuses the start with
/// the root-check error.
mod daemon {
    use parsec_client::core::interface::requests::ProviderId;

    use super::common::{Daemon, ECDSA_SHA256, Site, app_client, ecc_attributes};
    use super::{Swtpm, serial};

    pub(super) fn config(site: &Site, tcti: &str) -> String {
        format!(
            r#"[core_settings]
allow_root = true
log_level = "info"

[listener]
listener_type = "DomainSocket"
timeout = 5000
socket_path = "{socket}"

[authenticator]
auth_type = "UnixPeerCredentials"

[[key_manager]]
name = "sqlite-manager"
manager_type = "SQLite"
sqlite_db_path = "{store}"

[[provider]]
provider_type = "Tpm"
key_info_manager = "sqlite-manager"
tcti = "{tcti}"
owner_hierarchy_auth = ""
"#,
            socket = site.socket().display(),
            store = site.store().display(),
        )
    }

    #[test]
    fn keys_survive_daemon_restarts_and_tpm_resets() {
        let _serial = serial();
        let site = Site::new();
        let mut swtpm = Swtpm::start(&site.path().join("tpm-state"));
        site.write_config(&config(&site, &swtpm.tcti()));

        let mut daemon = Daemon::start(&site);
        let client = app_client(&site.socket());
        assert_eq!(client.implicit_provider(), ProviderId::Tpm);
        client
            .psa_generate_key("tpm-key", ecc_attributes())
            .unwrap();
        let hash = [0x5a; 32];
        let signature = client
            .psa_sign_hash("tpm-key", &hash, ECDSA_SHA256)
            .unwrap();
        assert_eq!(signature.len(), 64);
        client
            .psa_verify_hash("tpm-key", &hash, ECDSA_SHA256, &signature)
            .unwrap();
        let public = client.psa_export_public_key("tpm-key").unwrap();
        daemon.stop();

        let mut daemon = Daemon::start(&site);
        let client = app_client(&site.socket());
        assert_eq!(client.psa_export_public_key("tpm-key").unwrap(), public);
        client
            .psa_verify_hash("tpm-key", &hash, ECDSA_SHA256, &signature)
            .unwrap();
        let again = client
            .psa_sign_hash("tpm-key", &[0x22; 32], ECDSA_SHA256)
            .unwrap();
        client
            .psa_verify_hash("tpm-key", &[0x22; 32], ECDSA_SHA256, &again)
            .unwrap();
        daemon.stop();

        swtpm.restart();
        let mut daemon = Daemon::start(&site);
        let client = app_client(&site.socket());
        let after_reset = client
            .psa_sign_hash("tpm-key", &hash, ECDSA_SHA256)
            .unwrap();
        client
            .psa_verify_hash("tpm-key", &hash, ECDSA_SHA256, &after_reset)
            .unwrap();
        daemon.stop();
        drop(swtpm);

        // Another TPM (a cleared one has a new owner seed too): the start is refused.
        let other = Swtpm::start(&site.path().join("another-tpm"));
        site.write_config(&config(&site, &other.tcti()));
        let mut refused = Daemon::spawn(Daemon::command(&site, &[]));
        let status = refused.wait_exit();
        assert!(!status.success());
        let stderr = refused.stderr();
        assert!(
            stderr.contains("storage primary key") && stderr.contains("cleared"),
            "{stderr}"
        );
    }
}

/// Key pairs made elsewhere are imported with TPM2_Import: the software provider makes and
/// exports them, the TPM signs, the software provider verifies; a scalar out of range is
/// refused.
#[test]
fn key_pairs_import_with_tpm2_import() {
    let bench = Bench::new();
    let tpm = bench.provider();
    let software = bench.software();
    let cases = [
        (P256, 256, ecdsa(Hash::Sha256)),
        (P256, 384, ecdsa(Hash::Sha384)),
        (KeyType::RsaKeyPair, 2048, rsa_pss(Hash::Sha256)),
    ];
    for (key_type, bits, alg) in cases {
        let mut made = attributes(key_type, bits, Algorithm::AsymmetricSignature(alg));
        made.policy.usage_flags.export = true;
        let theirs = software
            .key_lifecycle()
            .unwrap()
            .generate(&made, BINDING)
            .unwrap();
        let material = software
            .key_lifecycle()
            .unwrap()
            .export(key_ref(&theirs), BINDING)
            .unwrap();
        let mut declared = made;
        declared.bits = 0;
        let ours = tpm
            .key_lifecycle()
            .unwrap()
            .import(&declared, &material, BINDING)
            .unwrap_or_else(|e| panic!("{key_type:?} {bits}: {e:?}"));
        assert_eq!(ours.attributes.bits, bits);
        assert_eq!(
            tpm.key_lifecycle()
                .unwrap()
                .export_public(key_ref(&ours), BINDING)
                .unwrap(),
            software
                .key_lifecycle()
                .unwrap()
                .export_public(key_ref(&theirs), BINDING)
                .unwrap()
        );
        let signature = sign_and_verify(tpm, &ours, alg);
        let hash = vec![
            0x42;
            alg.sign_hash()
                .and_then(SignHash::specific)
                .unwrap()
                .digest_len()
        ];
        software
            .sign_hash()
            .unwrap()
            .verify_hash(key_ref(&theirs), BINDING, alg, &hash, &signature)
            .unwrap();
    }
    let garbage = tpm.key_lifecycle().unwrap().import(
        &attributes(
            P256,
            256,
            Algorithm::AsymmetricSignature(ecdsa(Hash::Sha256)),
        ),
        &[0xff; 32],
        BINDING,
    );
    assert!(
        matches!(garbage, Err(ProviderError::InvalidArgument(_))),
        "{garbage:?}"
    );
}

/// A wrong owner hierarchy password stops the start with the command and its response
/// code, and the password appears in no output, even at trace level.
#[test]
fn a_wrong_owner_password_is_named_never_quoted() {
    let _serial = serial();
    let site = common::Site::new();
    let swtpm = Swtpm::start(&site.path().join("tpm-state"));
    let secret = "hunter2-owner-password";
    let config = daemon_config(&site, &swtpm.tcti())
        .replace(
            "owner_hierarchy_auth = \"\"",
            &format!("owner_hierarchy_auth = \"str:{secret}\""),
        )
        .replace("log_level = \"info\"", "log_level = \"trace\"");
    site.write_config(&config);
    let mut refused = common::Daemon::spawn(common::Daemon::command(&site, &[]));
    let status = refused.wait_exit();
    assert!(!status.success());
    let (stdout, stderr) = (refused.stdout(), refused.stderr());
    assert!(stderr.contains("TPM2_CreatePrimary"), "{stderr}");
    assert!(
        !stdout.contains(secret) && !stderr.contains(secret),
        "{stderr}"
    );
    eprintln!("{stderr}");
}

/// The device's limit through the provider alone (no service): ECDSA P-256 signatures in a
/// loop, the key left loaded between them (one TPM2_Sign each), every one verified after.
/// Prints ops/s and p50: compare with `scripts/tpm-speed` (docs/TPM.md).
#[test]
fn signing_in_process_keeps_the_key_loaded() {
    const SIGNS: usize = 100;
    let bench = Bench::new();
    let provider = bench.provider();
    let alg = ecdsa(Hash::Sha256);
    let key = generate(
        provider,
        &attributes(P256, 256, Algorithm::AsymmetricSignature(alg)),
    );
    let signer = provider.sign_hash().unwrap();
    let mut took = Vec::with_capacity(SIGNS);
    let mut signatures = Vec::with_capacity(SIGNS);
    let started = Instant::now();
    for n in 0..SIGNS {
        let hash = [u8::try_from(n % 256).unwrap(); 32];
        let asked = Instant::now();
        signatures.push(
            signer
                .sign_hash(key_ref(&key), BINDING, alg, &hash)
                .unwrap(),
        );
        took.push(asked.elapsed());
    }
    let elapsed = started.elapsed();
    took.sort();
    eprintln!(
        "in process: {SIGNS} ECDSA P-256 signatures in {elapsed:?}: {:.0} ops/s, p50 {:?}",
        SIGNS as f64 / elapsed.as_secs_f64(),
        took[SIGNS / 2]
    );
    for (n, signature) in signatures.iter().enumerate() {
        let hash = [u8::try_from(n % 256).unwrap(); 32];
        signer
            .verify_hash(key_ref(&key), BINDING, alg, &hash, signature)
            .unwrap();
    }
}
