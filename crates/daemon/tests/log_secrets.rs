//! No secret in any log line at any level (issue 7): the real `parsec` binary runs with
//! `RUST_LOG=trace` while a Direct client imports, exports and uses private and secret keys
//! (RSA, ECC, AES), encrypts and decrypts recognisable plaintexts (AEAD, cipher, RSA),
//! derives an ECDH shared secret and draws random bytes, including requests that fail with
//! secret bytes in them. Everything the daemon writes (stdout and stderr, read back as raw
//! bytes, so a binary leak cannot hide) is then searched for every secret, and for the master
//! key, in the encodings a careless log line would use: raw bytes, hex in either case,
//! base64 (standard and URL-safe), Rust `Debug` byte lists (`[1, 2, 3`, `[0x1, `, `[01, `)
//! and escaped byte strings (`\x01`). Any 8-byte run of a secret counts as a leak.
//!
//! The application name is an identity, not a secret: the request spans carry it by design,
//! and the test relies on that to show the requests really were logged. Nothing logs at TRACE
//! today, so the proof that the verbose levels are on is one DEBUG line per request: the test
//! fails if logging is off, or filtered to INFO or less.

// Test code (and the shared helpers in `common`): a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::error::Error;
use std::fs::File;
use std::path::Path;
use std::time::Duration;

use parsec_client::BasicClient;
use parsec_client::auth::Authentication;
use parsec_client::core::interface::operations::psa_algorithm::{
    Aead, AeadWithDefaultLengthTag, Algorithm, AsymmetricEncryption, Cipher, KeyAgreement,
    RawKeyAgreement,
};
use parsec_client::core::interface::operations::psa_key_attributes::{
    Attributes, EccFamily, Lifetime, Policy, Type, UsageFlags,
};
use rustix::process::Signal;

mod common;

use common::{DEADLINE, Daemon, DirectConfig, FileDaemon, Site, client_with_timeout, poll};

type TestResult<T = ()> = Result<T, Box<dyn Error>>;

/// The Direct application every request comes from.
const APP: &str = "log-secrets-app";
/// A run of this many consecutive secret bytes, in any encoding, is a leak.
const WINDOW: usize = 8;
const GCM: Aead = Aead::AeadWithDefaultLengthTag(AeadWithDefaultLengthTag::Gcm);

/// One secret the daemon handled, and what it was.
struct Secret {
    what: &'static str,
    bytes: Vec<u8>,
    /// Bytes that are public although they sit inside the secret (an RSA private key holds
    /// its modulus): a window found in here is not a leak.
    public: Vec<u8>,
}

impl Secret {
    fn new(what: &'static str, bytes: &[u8]) -> Secret {
        Secret {
            what,
            bytes: bytes.to_vec(),
            public: Vec::new(),
        }
    }
}

#[test]
fn no_secret_reaches_the_logs_at_trace_level() -> TestResult {
    let site = Site::new();
    site.write_config(&config(&site));
    let mut daemon = start_tracing(&site);
    let client = client(&site.socket());
    let mut secrets = Vec::new();
    random(&client, &mut secrets)?;
    aes(&client, &mut secrets)?;
    rsa(&client, &mut secrets)?;
    ecdh(&client, &mut secrets)?;
    refused_imports(&client, &mut secrets)?;
    secrets.push(Secret::new(
        "the master key",
        &std::fs::read(site.master_key())?,
    ));
    let log = daemon.stop_and_read();

    // Logging was on, at the verbose levels: every request above has its line, with the
    // application's name and the operation.
    let text = String::from_utf8_lossy(&log);
    let served: Vec<&str> = text.lines().filter(|l| l.contains(" served ")).collect();
    for opcode in [
        "PsaGenerateRandom",
        "PsaImportKey",
        "PsaExportKey",
        "PsaAeadEncrypt",
        "PsaAeadDecrypt",
        "PsaCipherEncrypt",
        "PsaCipherDecrypt",
        "PsaGenerateKey",
        "PsaAsymmetricEncrypt",
        "PsaAsymmetricDecrypt",
        "PsaRawKeyAgreement",
    ] {
        let needle = format!("opcode={opcode}");
        assert!(
            served
                .iter()
                .any(|l| l.contains("DEBUG") && l.contains(&needle) && l.contains(APP)),
            "no DEBUG line for {opcode} from {APP}; the log:\n{text}"
        );
    }
    assert!(
        text.lines()
            .any(|l| l.contains("WARN") && l.contains("request refused")),
        "the refused requests were not logged; the log:\n{text}"
    );
    for secret in &secrets {
        let found = leaks(&log, secret);
        assert!(
            found.is_empty(),
            "{} ({} bytes) appears in the log as {found:?}; the log:\n{text}",
            secret.what,
            secret.bytes.len()
        );
    }
    println!(
        "{} log lines ({} request lines, {} bytes) at RUST_LOG=trace; {} secrets ({} bytes) \
         searched in raw, hex, base64, Debug and escaped forms: none found",
        text.lines().count(),
        served.len(),
        log.len(),
        secrets.len(),
        secrets.iter().map(|s| s.bytes.len()).sum::<usize>()
    );
    Ok(())
}

/// The detector itself: each encoding of a secret is found, a log without it is clean, and
/// a window that is public does not count.
#[test]
fn the_detector_sees_every_encoding() -> TestResult {
    assert_eq!(base64(b"foobar", STANDARD), "Zm9vYmFy");
    assert_eq!(base64(&[0xfb, 0xff, 0xbf], URL_SAFE), "-_-_");
    let bytes = urandom(24)?;
    let secret = Secret::new("a test secret", &bytes);
    let shown = [
        bytes.clone(),
        hex(&bytes).into_bytes(),
        hex(&bytes).to_uppercase().into_bytes(),
        base64(&bytes[1..], STANDARD).into_bytes(),
        base64(&bytes[2..], URL_SAFE).into_bytes(),
        format!("{bytes:?}").into_bytes(),
        format!("{bytes:02x?}").into_bytes(),
        bytes
            .iter()
            .map(|b| format!("{b:#04x}"))
            .collect::<Vec<_>>()
            .join(", ")
            .into_bytes(),
        format!("data: {}", bytes.escape_ascii()).into_bytes(),
        // A part of it is enough.
        format!("{:?}", &bytes[5..5 + WINDOW]).into_bytes(),
    ];
    for log in shown {
        let line = [&b"2026-01-01 DEBUG request: "[..], &log, b"\n"].concat();
        assert!(
            !leaks(&line, &secret).is_empty(),
            "not found: {}",
            String::from_utf8_lossy(&line)
        );
    }
    assert!(leaks(b"DEBUG served status=Success micros=12\n", &secret).is_empty());
    let public = Secret {
        public: bytes.clone(),
        ..Secret::new("a public value", &bytes)
    };
    assert!(leaks(&bytes, &public).is_empty());
    Ok(())
}

/// GenerateRandom's output.
fn random(client: &BasicClient, secrets: &mut Vec<Secret>) -> TestResult {
    let bytes = client.psa_generate_random(32)?;
    assert_eq!(bytes.len(), 32);
    secrets.push(Secret::new("GenerateRandom output", &bytes));
    Ok(())
}

/// Two imported AES keys, exported back; an AEAD and a cipher round trip of recognisable
/// plaintexts; an AEAD decryption that fails its tag.
fn aes(client: &BasicClient, secrets: &mut Vec<Secret>) -> TestResult {
    let gcm_key = urandom(32)?;
    client.psa_import_key(
        "aes-gcm",
        &gcm_key,
        aes_attributes(256, Algorithm::Aead(GCM)),
    )?;
    assert_eq!(client.psa_export_key("aes-gcm")?, gcm_key);
    let (nonce, aad) = (urandom(12)?, b"associated data".to_vec());
    let plaintext = canary("AEAD")?;
    let sealed = client.psa_aead_encrypt("aes-gcm", GCM, &nonce, &aad, &plaintext)?;
    assert_eq!(
        client.psa_aead_decrypt("aes-gcm", GCM, &nonce, &aad, &sealed)?,
        plaintext
    );
    let mut forged = sealed;
    if let Some(last) = forged.last_mut() {
        *last ^= 1;
    }
    assert!(
        client
            .psa_aead_decrypt("aes-gcm", GCM, &nonce, &aad, &forged)
            .is_err()
    );
    secrets.push(Secret::new("an imported AES-256 key", &gcm_key));
    secrets.push(Secret::new("the AEAD plaintext", &plaintext));

    let cbc_key = urandom(16)?;
    let cbc = Algorithm::Cipher(Cipher::CbcPkcs7);
    client.psa_import_key("aes-cbc", &cbc_key, aes_attributes(128, cbc))?;
    assert_eq!(client.psa_export_key("aes-cbc")?, cbc_key);
    let plaintext = canary("CIPHER")?;
    let encrypted = client.psa_cipher_encrypt("aes-cbc".into(), Cipher::CbcPkcs7, &plaintext)?;
    let decrypted = client.psa_cipher_decrypt("aes-cbc".into(), Cipher::CbcPkcs7, &encrypted)?;
    assert_eq!(decrypted, plaintext);
    secrets.push(Secret::new("an imported AES-128 key", &cbc_key));
    secrets.push(Secret::new("the cipher plaintext", &plaintext));
    Ok(())
}

/// An RSA key pair generated, exported, destroyed, imported again and exported again; an
/// encryption and decryption of a recognisable plaintext.
fn rsa(client: &BasicClient, secrets: &mut Vec<Secret>) -> TestResult {
    let alg = AsymmetricEncryption::RsaPkcs1v15Crypt;
    let attributes = key_attributes(Type::RsaKeyPair, 2048, Algorithm::AsymmetricEncryption(alg));
    client.psa_generate_key("rsa-generated", attributes)?;
    let private = client.psa_export_key("rsa-generated")?;
    let public = client.psa_export_public_key("rsa-generated")?;
    client.psa_destroy_key("rsa-generated")?;
    client.psa_import_key("rsa-imported", &private, attributes)?;
    assert_eq!(client.psa_export_key("rsa-imported")?, private);
    let plaintext = canary("RSA")?;
    let ciphertext = client.psa_asymmetric_encrypt("rsa-imported", alg, &plaintext, None)?;
    assert_eq!(
        client.psa_asymmetric_decrypt("rsa-imported", alg, &ciphertext, None)?,
        plaintext
    );
    secrets.push(Secret {
        public,
        ..Secret::new("an RSA private key (PKCS#1)", &private)
    });
    secrets.push(Secret::new("the RSA plaintext", &plaintext));
    Ok(())
}

/// An imported P-256 private key, exported back; its raw ECDH shared secret with a generated
/// key, checked from both sides.
fn ecdh(client: &BasicClient, secrets: &mut Vec<Secret>) -> TestResult {
    let ecdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh));
    let p256 = Type::EccKeyPair {
        curve_family: EccFamily::SecpR1,
    };
    let mut scalar = urandom(32)?;
    // Below the group order, never zero.
    scalar[0] = 0x7f;
    client.psa_import_key("ecdh-imported", &scalar, key_attributes(p256, 256, ecdh))?;
    assert_eq!(client.psa_export_key("ecdh-imported")?, scalar);
    client.psa_generate_key("ecdh-peer", key_attributes(p256, 256, ecdh))?;
    let peer_public = client.psa_export_public_key("ecdh-peer")?;
    let own_public = client.psa_export_public_key("ecdh-imported")?;
    let shared =
        client.psa_raw_key_agreement(RawKeyAgreement::Ecdh, "ecdh-imported", &peer_public)?;
    assert_eq!(
        client.psa_raw_key_agreement(RawKeyAgreement::Ecdh, "ecdh-peer", &own_public)?,
        shared
    );
    assert_eq!(shared.len(), 32);
    secrets.push(Secret::new("an imported P-256 private key", &scalar));
    secrets.push(Secret::new("an ECDH shared secret", &shared));
    Ok(())
}

/// Imports refused for their data, which is secret all the same: the error paths log.
fn refused_imports(client: &BasicClient, secrets: &mut Vec<Secret>) -> TestResult {
    let ecdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh));
    let p256 = Type::EccKeyPair {
        curve_family: EccFamily::SecpR1,
    };
    // Above the P-256 group order.
    let mut scalar = urandom(32)?;
    scalar[..8].fill(0xff);
    let refused = client.psa_import_key("bad-ecc", &scalar, key_attributes(p256, 256, ecdh));
    assert!(refused.is_err(), "an out-of-range scalar was imported");
    let aes = urandom(33)?;
    let refused = client.psa_import_key("bad-aes", &aes, aes_attributes(0, Algorithm::Aead(GCM)));
    assert!(refused.is_err(), "a 33-byte AES key was imported");
    secrets.push(Secret::new("a refused P-256 private key", &scalar));
    secrets.push(Secret::new("a refused AES key", &aes));
    Ok(())
}

/// The leaks of `secret` in `log`: for each 8-byte run of it that is not public, each
/// encoding of it that `log` contains.
fn leaks(log: &[u8], secret: &Secret) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = &secret.bytes;
    let public = |run: &[u8]| contains(&secret.public, run);
    for run in bytes.windows(WINDOW).filter(|run| !public(run)) {
        for (name, shown) in encodings(run) {
            if contains(log, shown.as_bytes()) {
                found.push(format!("{name}: {shown}"));
            }
        }
        if contains(log, run) {
            found.push(format!("raw bytes {}", hex(run)));
        }
    }
    // Base64 runs over 3-byte groups: 9 bytes from every offset cover every alignment.
    for run in bytes.windows(9).filter(|run| !public(run)) {
        for alphabet in [STANDARD, URL_SAFE] {
            let shown = base64(run, alphabet);
            if contains(log, shown.as_bytes()) {
                found.push(format!("base64: {shown}"));
            }
        }
    }
    found
}

/// The ways a byte run is commonly printed, each a string to look for.
fn encodings(run: &[u8]) -> Vec<(&'static str, String)> {
    let list = |shown: String| shown.trim_matches(['[', ']']).to_string();
    let lists = [
        ("Debug list", list(format!("{run:?}"))),
        ("Debug hex list", list(format!("{run:x?}"))),
        ("Debug padded hex list", list(format!("{run:02x?}"))),
        ("Debug upper hex list", list(format!("{run:02X?}"))),
    ];
    let prefixed = |width: usize| {
        let each: Vec<String> = run.iter().map(|b| format!("{b:#0width$x}")).collect();
        each.join(", ")
    };
    let mut all = vec![
        ("0x list", prefixed(0)),
        ("0x padded list", prefixed(4)),
        ("hex", hex(run)),
        ("HEX", hex(run).to_uppercase()),
        ("escaped", run.escape_ascii().to_string()),
    ];
    for (name, shown) in lists {
        all.push((name, shown.trim().to_string()));
        all.push((name, shown.trim().replace(", ", ",")));
    }
    all
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64 of whole 3-byte groups (a trailing partial group is left out: its characters
/// depend on what follows).
fn base64(bytes: &[u8], alphabet: &[u8; 64]) -> String {
    let mut out = String::new();
    for group in bytes.chunks_exact(3) {
        let n = u32::from(group[0]) << 16 | u32::from(group[1]) << 8 | u32::from(group[2]);
        for shift in [18, 12, 6, 0] {
            out.push(char::from(alphabet[((n >> shift) & 0x3f) as usize]));
        }
    }
    out
}

fn urandom(len: usize) -> TestResult<Vec<u8>> {
    let mut bytes = vec![0; len];
    std::io::Read::read_exact(&mut File::open("/dev/urandom")?, &mut bytes)?;
    Ok(bytes)
}

/// A plaintext anyone would recognise in a log: a marker, then random letters.
fn canary(what: &str) -> TestResult<Vec<u8>> {
    Ok(format!("CANARY-{what}-{}", hex(&urandom(16)?)).into_bytes())
}

fn key_attributes(key_type: Type, bits: usize, alg: Algorithm) -> Attributes {
    let mut usage_flags = UsageFlags::default();
    usage_flags
        .set_export()
        .set_encrypt()
        .set_decrypt()
        .set_derive();
    Attributes {
        lifetime: Lifetime::Persistent,
        key_type,
        bits,
        policy: Policy {
            usage_flags,
            permitted_algorithms: alg,
        },
    }
}

fn aes_attributes(bits: usize, alg: Algorithm) -> Attributes {
    key_attributes(Type::Aes, bits, alg)
}

fn client(socket: &Path) -> BasicClient {
    let mut client = client_with_timeout(socket, Duration::from_secs(10));
    client.set_implicit_provider(parsec_client::core::interface::requests::ProviderId::MbedCrypto);
    client.set_auth_data(Authentication::Direct(APP.into()));
    client
}

/// The configuration: Direct authentication, the software provider, and the trace level
/// asked for in the file too.
fn config(site: &Site) -> String {
    site.direct_config(&DirectConfig {
        log_level: Some("trace"),
        timeout_ms: Some(5000),
        master_key_option: true,
    })
}

/// The daemon at `RUST_LOG=trace`, its output going to files read back as bytes.
fn start_tracing(site: &Site) -> FileDaemon {
    let mut command = Daemon::command(site, &[]);
    command.env("RUST_LOG", "trace");
    FileDaemon::start(
        command,
        site.path().join("stdout"),
        site.path().join("stderr"),
        &site.socket(),
        DEADLINE,
    )
}

/// The PIN the test provider's configuration gives (issue 15): recognisable, 20 bytes.
const PIN: &str = "pin-canary-7f3a9c1e5b";

/// The configuration above plus the test provider (keys outside the store) holding `pin`
/// (a TOML value as written) and `extra` lines.
fn config_with_pin(site: &Site, pin: &str, extra: &str) -> String {
    format!(
        "{}\n[[provider]]\nname = \"token\"\nprovider_type = \"TestExternal\"\n\
         key_info_manager = \"sqlite-manager\"\nobjects_dir = \"{}\"\npin = {pin}\n{extra}",
        config(site),
        site.path().join("token").display(),
    )
}

/// A PIN given in the configuration appears in no log line at trace level, through a start,
/// a request to its provider and a reload; and in no error when the configuration or the
/// token refuses the start (wrong PIN, a PIN of the wrong type or form, an unknown option
/// beside it). The unknown option is named, with its line and the file.
#[test]
fn a_configured_pin_reaches_no_log_and_no_error() -> TestResult {
    let site = Site::new();
    let token = site.path().join("token");
    std::fs::create_dir_all(&token)?;
    std::fs::write(token.join("expected-pin"), PIN)?;
    let secret = Secret::new("the configured PIN", PIN.as_bytes());

    site.write_config(&config_with_pin(&site, &format!("\"str:{PIN}\""), ""));
    let mut daemon = start_tracing(&site);
    let mut token_client = client(&site.socket());
    token_client
        .set_implicit_provider(parsec_client::core::interface::requests::ProviderId::Pkcs11);
    token_client.list_keys()?;
    daemon.signal(Signal::HUP);
    let stderr = daemon.stderr.clone();
    poll("the reload", || {
        let log = std::fs::read_to_string(&stderr).unwrap_or_default();
        log.contains("configuration reloaded").then_some(())
    });
    let log = daemon.stop_and_read();
    let text = String::from_utf8_lossy(&log);
    assert!(text.contains("TRACE") || text.contains("DEBUG"), "{text}");
    let found = leaks(&log, &secret);
    assert!(found.is_empty(), "the PIN appears as {found:?}:\n{text}");

    let digits = "31415926535897932384";
    let refusals = [
        (format!("\"str:{PIN}-wrong\""), String::new(), "wrong PIN"),
        (
            digits.to_owned(),
            String::new(),
            "a secret must be a string",
        ),
        (format!("\"hex:{PIN}\""), String::new(), "hexadecimal"),
        // A TOML syntax error: the line is named by its key only.
        (format!("\"str:{PIN}"), String::new(), "line 29 `pin = …`"),
        (
            format!("\"str:{PIN}\""),
            format!("pin_typo = \"str:{PIN}\"\n"),
            "unknown field `pin_typo`",
        ),
    ];
    for (pin, extra, reason) in refusals {
        let text = config_with_pin(&site, &pin, &extra);
        site.write_config(&text);
        let mut command = Daemon::command(&site, &[]);
        command.env("RUST_LOG", "trace");
        let mut refused = Daemon::spawn(command);
        let status = refused.wait_exit();
        let output = format!("{}{}", refused.stdout(), refused.stderr());
        assert!(!status.success(), "{output}");
        assert!(output.contains(reason), "{reason:?} not in:\n{output}");
        for secret in [
            Secret::new("the PIN", PIN.as_bytes()),
            Secret::new("digits", digits.as_bytes()),
        ] {
            let found = leaks(output.as_bytes(), &secret);
            assert!(
                found.is_empty(),
                "{} appears as {found:?}:\n{output}",
                secret.what
            );
        }
        if !extra.is_empty() {
            let line = text
                .lines()
                .position(|l| l.starts_with("pin_typo"))
                .unwrap()
                + 1;
            assert!(output.contains(&format!("line {line}")), "{output}");
            assert!(
                output.contains(&site.config().display().to_string()),
                "{output}"
            );
        }
    }
    Ok(())
}
