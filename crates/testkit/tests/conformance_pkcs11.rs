//! The PKCS#11 provider on a real SoftHSM2 token: the conformance suite, then what only a
//! token shows (CanDoCrypto against its mechanism list, sensitive keys, signatures other
//! code verifies, errors naming the function and its `CKR_` value, sessions under threads).
//!
//! All device cases are in this one binary and run one after another (`harness = false`):
//! `main` makes a fresh token in a temporary directory, then runs itself again with
//! `SOFTHSM2_CONF` pointing at it (the library reads the variable when it is initialised,
//! and a test may not set its own environment), and the child runs the cases in turn. An
//! argument that does not start with `-` filters cases by name, as libtest's does.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::Instant;

use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, RSA_PKCS1_2048_8192_SHA256, RSA_PSS_2048_8192_SHA256,
    UnparsedPublicKey,
};
use psc_provider_api::{
    Binding, Check, KeyRef, NewKey, OpenError, Provider, ProviderError, ProviderOptions,
};
use psc_provider_pkcs11::Pkcs11Provider;
use psc_psa::{
    Algorithm, AsymmetricEncryption, AsymmetricSignature, Attributes, EccFamily, Hash, KeyType,
    Policy, SignHash, Status, UsageFlags,
};
use psc_testkit::softhsm::{self, SoftHsm, USER_PIN};
use zeroize::Zeroizing;

/// Set in the child: the token's serial number.
const SERIAL_VAR: &str = "PSC_TEST_SOFTHSM_SERIAL";

const BINDING: Binding<'static> = Binding(b"pkcs11-tests/owner");

type Case = (&'static str, fn(&str));

const CASES: &[Case] = &[
    // First: a login is per process, so a wrong PIN shows only while no session is open.
    (
        "start_up_errors_say_what_is_wrong",
        start_up_errors_say_what_is_wrong,
    ),
    ("conformance::key_lifecycle", |s| {
        psc_testkit::conformance::key_lifecycle(&provider(s))
    }),
    ("conformance::signatures", |s| {
        psc_testkit::conformance::signatures(&provider(s))
    }),
    ("conformance::encryption", |s| {
        psc_testkit::conformance::encryption(&provider(s))
    }),
    ("conformance::aead", |s| {
        psc_testkit::conformance::aead(&provider(s))
    }),
    ("conformance::ciphers", |s| {
        psc_testkit::conformance::ciphers(&provider(s))
    }),
    ("conformance::macs", |s| {
        psc_testkit::conformance::macs(&provider(s))
    }),
    ("conformance::agreement", |s| {
        psc_testkit::conformance::agreement(&provider(s))
    }),
    ("conformance::hashes", |s| {
        psc_testkit::conformance::hashes(&provider(s))
    }),
    ("conformance::known_answers", |s| {
        let ran = psc_testkit::conformance::known_answers(&provider(s));
        println!("    {ran} known-answer vectors ran");
    }),
    ("conformance::random", |s| {
        psc_testkit::conformance::random(&provider(s))
    }),
    ("can_do_follows_the_token", can_do_follows_the_token),
    (
        "can_do_symmetric_follows_the_token",
        can_do_symmetric_follows_the_token,
    ),
    (
        "private_keys_are_sensitive_unless_exportable",
        private_keys_are_sensitive_unless_exportable,
    ),
    (
        "signatures_verify_outside_the_token",
        signatures_verify_outside_the_token,
    ),
    (
        "an_exported_rsa_key_imports_back",
        an_exported_rsa_key_imports_back,
    ),
    (
        "destroying_what_is_gone_succeeds",
        destroying_what_is_gone_succeeds,
    ),
    (
        "token_errors_keep_their_cause",
        token_errors_keep_their_cause,
    ),
    (
        "sessions_serve_threads_at_once",
        sessions_serve_threads_at_once,
    ),
    (
        "software_public_operations_need_no_public_object",
        software_public_operations_need_no_public_object,
    ),
];

fn main() -> ExitCode {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    match std::env::var(SERIAL_VAR) {
        Ok(serial) => run_cases(&serial, &filters),
        Err(_) => {
            let hsm = SoftHsm::new("psc-conformance");
            let status = Command::new(std::env::current_exe().expect("this test binary"))
                .args(std::env::args_os().skip(1))
                .env("SOFTHSM2_CONF", hsm.conf())
                .env(SERIAL_VAR, hsm.serial())
                .status()
                .expect("the test binary runs again");
            if status.success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

fn run_cases(serial: &str, filters: &[String]) -> ExitCode {
    let start = Instant::now();
    let chosen: Vec<&Case> = CASES
        .iter()
        .filter(|(name, _)| filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str())))
        .collect();
    println!("\nrunning {} tests (SoftHSM2, one at a time)", chosen.len());
    let mut failed = Vec::new();
    for (name, case) in &chosen {
        let began = Instant::now();
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| case(serial)));
        let took = began.elapsed().as_secs_f64();
        match outcome {
            Ok(()) => println!("test {name} ... ok ({took:.2}s)"),
            Err(_) => {
                println!("test {name} ... FAILED ({took:.2}s)");
                failed.push(*name);
            }
        }
    }
    let verdict = if failed.is_empty() { "ok" } else { "FAILED" };
    if !failed.is_empty() {
        println!("\nfailures:\n    {}", failed.join("\n    "));
    }
    println!(
        "\ntest result: {verdict}. {} passed; {} failed; 0 ignored; 0 measured; {} filtered out; finished in {:.2}s\n",
        chosen.len() - failed.len(),
        failed.len(),
        CASES.len() - chosen.len(),
        start.elapsed().as_secs_f64()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn open(table: &str) -> Result<Pkcs11Provider, OpenError> {
    let text = Arc::new(Zeroizing::new(table.to_owned()));
    Pkcs11Provider::from_options(&ProviderOptions::new(
        Path::new("/test/config.toml"),
        text,
        0,
    ))
}

fn provider(serial: &str) -> Pkcs11Provider {
    open(&softhsm::provider_table(serial, None)).expect("the provider opens on the test token")
}

fn usage(export: bool) -> UsageFlags {
    UsageFlags {
        export,
        sign_hash: true,
        verify_hash: true,
        sign_message: true,
        verify_message: true,
        encrypt: true,
        decrypt: true,
        ..UsageFlags::default()
    }
}

fn attributes(key_type: KeyType, bits: u32, alg: Algorithm, export: bool) -> Attributes {
    Attributes {
        key_type,
        bits,
        policy: Policy {
            usage_flags: usage(export),
            permitted_algorithm: alg,
        },
    }
}

fn key_ref(key: &NewKey) -> KeyRef<'_> {
    KeyRef {
        attributes: &key.attributes,
        blob: &key.blob,
    }
}

const P256: KeyType = KeyType::EccKeyPair {
    curve_family: EccFamily::SecpR1,
};
const SHA256: SignHash = SignHash::Specific(Hash::Sha256);
const ECDSA: AsymmetricSignature = AsymmetricSignature::Ecdsa { hash: SHA256 };

fn failure_text(error: &OpenError) -> String {
    error.to_string()
}

fn start_up_errors_say_what_is_wrong(serial: &str) {
    let table = softhsm::provider_table(serial, None);
    let wrong_pin = table.replace(USER_PIN, "not-the-pin");
    let message = failure_text(&open(&wrong_pin).expect_err("a wrong PIN"));
    assert!(
        message.contains("CKR_PIN_INCORRECT") && message.contains("wrong PIN"),
        "{message}"
    );
    assert!(
        !message.contains("not-the-pin"),
        "the PIN is never shown: {message}"
    );

    let no_token = table.replace(serial, "0000000000000000");
    let message = failure_text(&open(&no_token).expect_err("no such serial"));
    assert!(
        message.contains("no initialised token has serial number")
            && message.contains(&format!("serial {serial}")),
        "the message lists the tokens there are: {message}"
    );

    let no_library = table.replace(softhsm::SOFTHSM2_LIBRARY, "/nonexistent/libnothing.so");
    let message = failure_text(&open(&no_library).expect_err("no library"));
    assert!(message.contains("cannot be loaded"), "{message}");

    let unknown = format!("{table}pin_cache = true\n");
    let message = failure_text(&open(&unknown).expect_err("an unknown option"));
    assert!(message.contains("pin_cache"), "{message}");
}

fn can_do_follows_the_token(serial: &str) {
    let provider = provider(serial);
    let can = |check, key_type, bits, alg| {
        provider
            .can_do(check, &attributes(key_type, bits, alg, false))
            .is_ok()
    };
    let sig = Algorithm::AsymmetricSignature;
    let enc = Algorithm::AsymmetricEncryption;
    for bits in [2048, 3072, 4096] {
        let pkcs1 = sig(AsymmetricSignature::RsaPkcs1v15Sign { hash: SHA256 });
        let pss = sig(AsymmetricSignature::RsaPss { hash: SHA256 });
        assert!(
            can(Check::Generate, KeyType::RsaKeyPair, bits, pkcs1),
            "RSA {bits}"
        );
        assert!(
            can(Check::Use, KeyType::RsaKeyPair, bits, pss),
            "PSS {bits}"
        );
        assert!(can(
            Check::Use,
            KeyType::RsaKeyPair,
            bits,
            enc(AsymmetricEncryption::RsaPkcs1v15Crypt)
        ));
    }
    for bits in [256, 384, 521] {
        assert!(can(Check::Generate, P256, bits, sig(ECDSA)), "P-{bits}");
        assert!(can(
            Check::Import,
            KeyType::EccPublicKey {
                curve_family: EccFamily::SecpR1
            },
            bits,
            sig(ECDSA)
        ));
    }
    // SoftHSM2 2.6.1 takes OAEP with SHA-1 only (docs/PKCS11.md): the probe found that.
    let oaep = |hash| enc(AsymmetricEncryption::RsaOaep { hash });
    assert!(can(Check::Use, KeyType::RsaKeyPair, 2048, oaep(Hash::Sha1)));
    assert!(!can(
        Check::Use,
        KeyType::RsaKeyPair,
        2048,
        oaep(Hash::Sha256)
    ));
    let deterministic = sig(AsymmetricSignature::DeterministicEcdsa { hash: SHA256 });
    assert!(!can(Check::Use, P256, 256, deterministic));
    assert!(!can(
        Check::Generate,
        KeyType::EccKeyPair {
            curve_family: EccFamily::SecpK1
        },
        256,
        sig(ECDSA)
    ));
    assert!(!can(
        Check::Generate,
        KeyType::RsaPublicKey,
        2048,
        Algorithm::None
    ));
    // What CanDoCrypto denies, the operation answers NotSupported (not a token error).
    let lifecycle = provider.key_lifecycle().unwrap();
    let key = lifecycle
        .generate(
            &attributes(KeyType::RsaKeyPair, 2048, oaep(Hash::Sha256), false),
            BINDING,
        )
        .unwrap();
    let refused = provider.asymmetric_crypt().unwrap().encrypt(
        key_ref(&key),
        BINDING,
        AsymmetricEncryption::RsaOaep { hash: Hash::Sha256 },
        b"x",
        &[],
    );
    assert!(
        matches!(refused, Err(ProviderError::NotSupported(_))),
        "{refused:?}"
    );
    lifecycle.destroy(key_ref(&key)).unwrap();
}

fn can_do_symmetric_follows_the_token(serial: &str) {
    let provider = provider(serial);
    let can = |check, key_type, bits, alg| {
        provider
            .can_do(check, &attributes(key_type, bits, alg, false))
            .is_ok()
    };
    // Symmetric keys where the token has the mechanisms: AES-GCM yes, CCM no (SoftHSM2 has
    // none); HMAC within each mechanism's key sizes (SHA-512's takes 64 bytes and up).
    let aead = |aead| Algorithm::Aead(psc_psa::Aead::DefaultTag(aead));
    assert!(can(
        Check::Generate,
        KeyType::Aes,
        256,
        aead(psc_psa::AeadAlg::Gcm)
    ));
    assert!(!can(
        Check::Use,
        KeyType::Aes,
        256,
        aead(psc_psa::AeadAlg::Ccm)
    ));
    let hmac = |hash| {
        Algorithm::Mac(psc_psa::Mac::FullLength(psc_psa::FullLengthMac::Hmac {
            hash,
        }))
    };
    assert!(can(Check::Generate, KeyType::Hmac, 256, hmac(Hash::Sha256)));
    assert!(!can(Check::Use, KeyType::Hmac, 256, hmac(Hash::Sha512)));
    assert!(can(Check::Use, KeyType::Hmac, 512, hmac(Hash::Sha512)));
    let cbc = Algorithm::Cipher(psc_psa::Cipher::CbcPkcs7);
    assert!(!can(Check::Use, KeyType::Aes, 128, cbc));
    assert!(
        provider.cipher().is_none(),
        "no cipher capability, so no cipher opcode"
    );
}

fn private_keys_are_sensitive_unless_exportable(serial: &str) {
    let provider = provider(serial);
    let lifecycle = provider.key_lifecycle().unwrap();
    let scalar = [0x42; 32];
    let kept = lifecycle
        .import(
            &attributes(P256, 0, Algorithm::AsymmetricSignature(ECDSA), false),
            &scalar,
            BINDING,
        )
        .unwrap();
    assert_eq!(kept.attributes.bits, 256);
    let refused = lifecycle.export(key_ref(&kept), BINDING);
    assert_eq!(
        refused.as_ref().map(|_| ()).map_err(ProviderError::status),
        Err(Status::PsaErrorNotPermitted),
        "a key without the export flag is sensitive on the token"
    );
    let exportable = lifecycle
        .import(
            &attributes(P256, 256, Algorithm::AsymmetricSignature(ECDSA), true),
            &scalar,
            BINDING,
        )
        .unwrap();
    assert_eq!(
        &*lifecycle.export(key_ref(&exportable), BINDING).unwrap(),
        &scalar
    );
    // Both have the public key of the scalar.
    let public = lifecycle.export_public(key_ref(&kept), BINDING).unwrap();
    assert_eq!(
        public,
        lifecycle
            .export_public(key_ref(&exportable), BINDING)
            .unwrap()
    );
    assert_eq!((public.len(), public[0]), (65, 4));
    // The export flag is refused altogether when allow_export is off.
    let strict = open(
        &softhsm::provider_table(serial, None)
            .replace("allow_export = true", "allow_export = false"),
    )
    .unwrap();
    let refused = strict.key_lifecycle().unwrap().generate(
        &attributes(P256, 256, Algorithm::AsymmetricSignature(ECDSA), true),
        BINDING,
    );
    assert_eq!(
        refused.map(|_| ()).map_err(|e| e.status()),
        Err(Status::PsaErrorNotPermitted)
    );
    for key in [kept, exportable] {
        lifecycle.destroy(key_ref(&key)).unwrap();
    }
}

fn signatures_verify_outside_the_token(serial: &str) {
    let provider = provider(serial);
    let lifecycle = provider.key_lifecycle().unwrap();
    let messages = provider.sign_message().unwrap();
    let message = b"signed on the token, verified by aws-lc-rs";

    let key = lifecycle
        .generate(
            &attributes(P256, 256, Algorithm::AsymmetricSignature(ECDSA), false),
            BINDING,
        )
        .unwrap();
    let signature = messages
        .sign_message(key_ref(&key), BINDING, ECDSA, message)
        .unwrap();
    assert_eq!(signature.len(), 64, "PSA's ECDSA form: r ‖ s");
    let public = lifecycle.export_public(key_ref(&key), BINDING).unwrap();
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &public)
        .verify(message, &signature)
        .expect("aws-lc-rs verifies the token's ECDSA signature");
    lifecycle.destroy(key_ref(&key)).unwrap();

    for (alg, verification) in [
        (
            AsymmetricSignature::RsaPkcs1v15Sign { hash: SHA256 },
            &RSA_PKCS1_2048_8192_SHA256,
        ),
        (
            AsymmetricSignature::RsaPss { hash: SHA256 },
            &RSA_PSS_2048_8192_SHA256,
        ),
    ] {
        let key = lifecycle
            .generate(
                &attributes(
                    KeyType::RsaKeyPair,
                    2048,
                    Algorithm::AsymmetricSignature(alg),
                    false,
                ),
                BINDING,
            )
            .unwrap();
        let signature = messages
            .sign_message(key_ref(&key), BINDING, alg, message)
            .unwrap();
        let public = lifecycle.export_public(key_ref(&key), BINDING).unwrap();
        UnparsedPublicKey::new(verification, &public)
            .verify(message, &signature)
            .unwrap_or_else(|_| panic!("aws-lc-rs verifies the token's {alg:?} signature"));
        lifecycle.destroy(key_ref(&key)).unwrap();
    }
}

fn an_exported_rsa_key_imports_back(serial: &str) {
    let provider = provider(serial);
    let lifecycle = provider.key_lifecycle().unwrap();
    let signer = provider.sign_hash().unwrap();
    let alg = AsymmetricSignature::RsaPkcs1v15Sign { hash: SHA256 };
    let attrs = attributes(
        KeyType::RsaKeyPair,
        2048,
        Algorithm::AsymmetricSignature(alg),
        true,
    );
    let original = lifecycle.generate(&attrs, BINDING).unwrap();
    let der = lifecycle.export(key_ref(&original), BINDING).unwrap();
    let copy = lifecycle
        .import(&Attributes { bits: 0, ..attrs }, &der, BINDING)
        .unwrap();
    assert_eq!(copy.attributes.bits, 2048);
    let hash = [0x17; 32];
    let signature = signer
        .sign_hash(key_ref(&original), BINDING, alg, &hash)
        .unwrap();
    signer
        .verify_hash(key_ref(&copy), BINDING, alg, &hash, &signature)
        .unwrap();
    // PKCS#1 v1.5 signatures are deterministic: the copy signs the same bytes.
    assert_eq!(
        signer
            .sign_hash(key_ref(&copy), BINDING, alg, &hash)
            .unwrap(),
        signature
    );
    let public_only = lifecycle
        .import(
            &attributes(
                KeyType::RsaPublicKey,
                0,
                Algorithm::AsymmetricSignature(alg),
                false,
            ),
            &lifecycle
                .export_public(key_ref(&original), BINDING)
                .unwrap(),
            BINDING,
        )
        .unwrap();
    signer
        .verify_hash(key_ref(&public_only), BINDING, alg, &hash, &signature)
        .unwrap();
    for key in [original, copy, public_only] {
        lifecycle.destroy(key_ref(&key)).unwrap();
    }
}

fn destroying_what_is_gone_succeeds(serial: &str) {
    let provider = provider(serial);
    let lifecycle = provider.key_lifecycle().unwrap();
    let attrs = attributes(P256, 256, Algorithm::AsymmetricSignature(ECDSA), false);
    let plan = lifecycle.plan(&attrs).unwrap();
    let never_made = KeyRef {
        attributes: &attrs,
        blob: &plan,
    };
    lifecycle
        .destroy(never_made)
        .expect("a plan never carried out");
    let key = lifecycle.generate_planned(&plan, &attrs, BINDING).unwrap();
    lifecycle.destroy(key_ref(&key)).unwrap();
    lifecycle.destroy(key_ref(&key)).expect("destroyed twice");
    // The key is gone from the token: using it says so, with the CKA_ID.
    let gone = provider
        .sign_hash()
        .unwrap()
        .sign_hash(key_ref(&key), BINDING, ECDSA, &[1; 32]);
    let error = gone.expect_err("the object is gone");
    assert_eq!(error.status(), Status::PsaErrorDoesNotExist);
    let cause = std::error::Error::source(&error).unwrap().to_string();
    assert!(cause.contains("no object with CKA_ID"), "{cause}");
}

fn token_errors_keep_their_cause(serial: &str) {
    let provider = provider(serial);
    let lifecycle = provider.key_lifecycle().unwrap();
    let alg = AsymmetricEncryption::RsaPkcs1v15Crypt;
    let key = lifecycle
        .generate(
            &attributes(
                KeyType::RsaKeyPair,
                2048,
                Algorithm::AsymmetricEncryption(alg),
                false,
            ),
            BINDING,
        )
        .unwrap();
    let crypt = provider.asymmetric_crypt().unwrap();
    let garbage = crypt.decrypt(key_ref(&key), BINDING, alg, &[0x33; 256], &[]);
    assert!(
        matches!(garbage, Err(ProviderError::InvalidPadding)),
        "{garbage:?}"
    );
    let too_long = crypt.encrypt(key_ref(&key), BINDING, alg, &[0; 300], &[]);
    assert!(
        matches!(too_long, Err(ProviderError::InvalidArgument(_))),
        "{too_long:?}"
    );
    // A key the token may not sign with: the error names the call and its CKR_ value.
    let no_sign = Attributes {
        policy: Policy {
            usage_flags: UsageFlags {
                sign_hash: false,
                sign_message: false,
                ..usage(false)
            },
            permitted_algorithm: Algorithm::AsymmetricSignature(ECDSA),
        },
        ..attributes(P256, 256, Algorithm::None, false)
    };
    let unsigning = lifecycle.generate(&no_sign, BINDING).unwrap();
    let error = provider
        .sign_hash()
        .unwrap()
        .sign_hash(key_ref(&unsigning), BINDING, ECDSA, &[1; 32])
        .expect_err("CKA_SIGN is false");
    assert_eq!(error.status(), Status::PsaErrorNotPermitted);
    let cause = std::error::Error::source(&error).unwrap().to_string();
    assert_eq!(cause, "C_SignInit returned CKR_KEY_FUNCTION_NOT_PERMITTED");
    lifecycle.destroy(key_ref(&unsigning)).unwrap();
    // Another owner's blob is refused before the token is asked.
    let other = crypt.encrypt(key_ref(&key), Binding(b"someone else"), alg, b"x", &[]);
    assert!(
        matches!(other, Err(ProviderError::CorruptKey(_))),
        "{other:?}"
    );
    lifecycle.destroy(key_ref(&key)).unwrap();
}

fn sessions_serve_threads_at_once(serial: &str) {
    let provider = provider(serial);
    let lifecycle = provider.key_lifecycle().unwrap();
    let key = lifecycle
        .generate(
            &attributes(P256, 256, Algorithm::AsymmetricSignature(ECDSA), false),
            BINDING,
        )
        .unwrap();
    let signer = provider.sign_hash().unwrap();
    let started = Instant::now();
    std::thread::scope(|scope| {
        for thread in 0..8u8 {
            let key = &key;
            scope.spawn(move || {
                for round in 0..25u8 {
                    let hash = [thread ^ round; 32];
                    let signature = signer
                        .sign_hash(key_ref(key), BINDING, ECDSA, &hash)
                        .unwrap();
                    signer
                        .verify_hash(key_ref(key), BINDING, ECDSA, &hash, &signature)
                        .unwrap();
                }
            });
        }
    });
    let rate = 400.0 / started.elapsed().as_secs_f64();
    println!("    8 threads: {rate:.0} ECDSA P-256 sign+verify pairs/s through the provider");
    lifecycle.destroy(key_ref(&key)).unwrap();
}

/// Deletes the token's public key object with the CKA_ID in `blob` (bytes 2..18 of a key's
/// blob, docs/PKCS11.md), with OpenSC's `pkcs11-tool` in another process.
fn delete_public_object(blob: &[u8]) {
    let id: String = blob[2..18].iter().map(|b| format!("{b:02x}")).collect();
    let deleted = Command::new("pkcs11-tool")
        .args([
            "--module",
            softhsm::SOFTHSM2_LIBRARY,
            "--token-label",
            "psc-conformance",
        ])
        .args([
            "--login",
            "--pin",
            USER_PIN,
            "--delete-object",
            "--type",
            "pubkey",
        ])
        .args(["--id", &id])
        .output()
        .expect("pkcs11-tool runs (Debian package opensc)");
    assert!(deleted.status.success(), "{deleted:?}");
}

/// With `software_public_operations = true`, verification and encryption use the public key
/// the blob keeps: they still work once the token's public key object is gone, and give the
/// same answers (a bad signature is InvalidSignature; the token decrypts what was encrypted).
fn software_public_operations_need_no_public_object(serial: &str) {
    let table = softhsm::provider_table(serial, None).replace(
        "software_public_operations = false",
        "software_public_operations = true",
    );
    let in_software = open(&table).expect("the provider opens");
    let lifecycle = in_software.key_lifecycle().unwrap();
    let signer = in_software.sign_hash().unwrap();
    let generate = |key_type, bits, alg| {
        lifecycle
            .generate(&attributes(key_type, bits, alg, false), BINDING)
            .unwrap()
    };
    let pss = AsymmetricSignature::RsaPss { hash: SHA256 };
    let oaep = AsymmetricEncryption::RsaOaep { hash: Hash::Sha1 };
    let ecc = generate(P256, 256, Algorithm::AsymmetricSignature(ECDSA));
    let rsa_signer = generate(
        KeyType::RsaKeyPair,
        2048,
        Algorithm::AsymmetricSignature(pss),
    );
    let rsa_crypt = generate(
        KeyType::RsaKeyPair,
        2048,
        Algorithm::AsymmetricEncryption(oaep),
    );
    let hash = [0x33; 32];
    let ecdsa_signature = signer
        .sign_hash(key_ref(&ecc), BINDING, ECDSA, &hash)
        .unwrap();
    let pss_signature = signer
        .sign_hash(key_ref(&rsa_signer), BINDING, pss, &hash)
        .unwrap();
    for key in [&ecc, &rsa_signer, &rsa_crypt] {
        delete_public_object(&key.blob);
    }
    signer
        .verify_hash(key_ref(&ecc), BINDING, ECDSA, &hash, &ecdsa_signature)
        .expect("ECDSA verified in process");
    signer
        .verify_hash(key_ref(&rsa_signer), BINDING, pss, &hash, &pss_signature)
        .expect("PSS verified in process");
    let tampered = signer.verify_hash(key_ref(&ecc), BINDING, ECDSA, &[0x34; 32], &ecdsa_signature);
    assert!(
        matches!(tampered, Err(ProviderError::InvalidSignature)),
        "{tampered:?}"
    );
    let crypt = in_software.asymmetric_crypt().unwrap();
    let ciphertext = crypt
        .encrypt(key_ref(&rsa_crypt), BINDING, oaep, b"in process", &[])
        .expect("OAEP encrypted in process");
    let plaintext = crypt
        .decrypt(key_ref(&rsa_crypt), BINDING, oaep, &ciphertext, &[])
        .expect("the token decrypts it");
    assert_eq!(plaintext.as_bytes(), b"in process");
    // On the token, the same verification needs the object that is gone.
    let on_token = provider(serial);
    let needs_object = on_token.sign_hash().unwrap().verify_hash(
        key_ref(&ecc),
        BINDING,
        ECDSA,
        &hash,
        &ecdsa_signature,
    );
    assert_eq!(
        needs_object.expect_err("no public object").status(),
        Status::PsaErrorDoesNotExist
    );
    for key in [&ecc, &rsa_signer, &rsa_crypt] {
        lifecycle.destroy(key_ref(key)).unwrap();
    }
}
