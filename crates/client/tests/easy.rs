//! The conveniences end to end against the real service: seal/open round trips and refuse
//! every tampering, sign/verify with the key's own algorithm, and openssl accepts the
//! signatures.

use std::process::Command;

use psc_client::easy;
use psc_client::{Client, ClientError, Error, Status};
use psc_testkit::TestDaemon;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn discovered(daemon: &TestDaemon) -> Result<Client, Error> {
    let mut client = Client::new(daemon.socket_path());
    client.discover(Some("easy-test"))?;
    Ok(client)
}

fn status(result: Result<impl std::fmt::Debug, Error>) -> Option<Status> {
    result.err().and_then(|e| e.status())
}

#[test]
fn sealed_data_opens_with_the_same_key_and_additional_data_only() -> TestResult {
    let daemon = TestDaemon::start();
    let client = discovered(&daemon)?;
    client.generate_encryption_key("sealing")?;
    client.generate_encryption_key("other")?;
    let sealed = client.seal("sealing", b"attack at dawn", b"orders")?;
    assert_eq!(sealed.len(), 1 + easy::NONCE_LEN + 14 + easy::TAG_LEN);
    assert_eq!(sealed[0], easy::SEALED_VERSION);
    let opened = client.open("sealing", &sealed, b"orders")?;
    assert_eq!(opened.as_bytes(), b"attack at dawn");
    // A fresh nonce each time: the same message never seals to the same bytes.
    let again = client.seal("sealing", b"attack at dawn", b"orders")?;
    assert_ne!(sealed[1..13], again[1..13]);
    let refused = Some(Status::PsaErrorInvalidSignature);
    assert_eq!(
        status(client.open("sealing", &sealed, b"other orders")),
        refused
    );
    assert_eq!(status(client.open("other", &sealed, b"orders")), refused);
    assert_eq!(
        client
            .open("sealing", &client.seal("sealing", b"", b"")?, b"")?
            .len(),
        0
    );
    Ok(())
}

#[test]
fn every_altered_byte_of_sealed_data_is_refused() -> TestResult {
    let daemon = TestDaemon::start();
    let client = discovered(&daemon)?;
    client.generate_encryption_key("sealing")?;
    let sealed = client.seal("sealing", b"attack at dawn", b"")?;
    for at in 0..sealed.len() {
        let mut altered = sealed.clone();
        altered[at] ^= 0x01;
        match client.open("sealing", &altered, b"") {
            Err(Error::Client(ClientError::NotSealed(_))) if at == 0 => {}
            Err(Error::Service(Status::PsaErrorInvalidSignature)) if at > 0 => {}
            other => panic!("byte {at} altered: {other:?}"),
        }
    }
    for len in [0, 1, 12, 28] {
        let error = client.open("sealing", &sealed[..len], b"").err();
        assert!(
            matches!(error, Some(Error::Client(ClientError::NotSealed(_)))),
            "{len} bytes: {error:?}"
        );
    }
    let cut = &sealed[..sealed.len() - 1];
    assert_eq!(
        status(client.open("sealing", cut, b"")),
        Some(Status::PsaErrorInvalidSignature)
    );
    Ok(())
}

#[test]
fn signatures_verify_with_the_same_key_and_message_only() -> TestResult {
    let daemon = TestDaemon::start();
    let client = discovered(&daemon)?;
    client.generate_signing_key("signing")?;
    client.generate_signing_key("other")?;
    let signature = client.sign("signing", b"release 1.0")?;
    assert_eq!(signature.len(), 64, "raw r || s on P-256");
    client.verify("signing", b"release 1.0", &signature)?;
    let invalid = Some(Status::PsaErrorInvalidSignature);
    assert_eq!(
        status(client.verify("signing", b"release 1.1", &signature)),
        invalid
    );
    assert_eq!(
        status(client.verify("other", b"release 1.0", &signature)),
        invalid
    );
    let key = client.key_info("signing")?.ok_or("the key is listed")?;
    assert_eq!(key.attributes, easy::signing_attributes());
    Ok(())
}

#[test]
fn unusable_keys_are_refused_before_anything_is_signed() -> TestResult {
    let daemon = TestDaemon::start();
    let client = discovered(&daemon)?;
    assert_eq!(
        status(client.sign("absent", b"m")),
        Some(Status::PsaErrorDoesNotExist)
    );
    client.generate_encryption_key("aes")?;
    let error = client.sign("aes", b"m").err();
    assert!(
        matches!(
            error,
            Some(Error::Client(ClientError::UnsuitableKey { .. }))
        ),
        "{error:?}"
    );
    client.generate_signing_key("ecdsa")?;
    assert_eq!(
        status(client.seal("ecdsa", b"m", b"")),
        Some(Status::PsaErrorNotPermitted)
    );
    assert_eq!(
        status(client.generate_signing_key("ecdsa")),
        Some(Status::PsaErrorAlreadyExists)
    );
    Ok(())
}

#[test]
fn hash_is_sha256() -> TestResult {
    let daemon = TestDaemon::start();
    let client = discovered(&daemon)?;
    let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    let hash: String = client
        .hash(b"abc")?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hash, expected);
    Ok(())
}

#[test]
fn openssl_verifies_a_convenience_signature() -> TestResult {
    let daemon = TestDaemon::start();
    let client = discovered(&daemon)?;
    client.generate_signing_key("interop")?;
    let message = b"signed by the Parsec service, checked by openssl";
    let signature = client.sign("interop", message)?;
    let dir = tempfile::tempdir()?;
    let (key, sig, msg) = (
        dir.path().join("key.der"),
        dir.path().join("sig.der"),
        dir.path().join("msg"),
    );
    std::fs::write(&key, p256_spki(&client.export_public_key("interop")?))?;
    std::fs::write(&sig, ecdsa_der(&signature))?;
    std::fs::write(&msg, message)?;
    let verify = |sig: &std::path::Path| {
        Command::new("openssl")
            .args(["dgst", "-sha256", "-keyform", "DER", "-verify"])
            .arg(&key)
            .arg("-signature")
            .arg(sig)
            .arg(&msg)
            .output()
    };
    let out = verify(&sig)?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "Verified OK");
    // And openssl refuses a signature over another message.
    let other = dir.path().join("other.der");
    std::fs::write(
        &other,
        ecdsa_der(&client.sign("interop", b"another message")?),
    )?;
    assert!(!verify(&other)?.status.success());
    Ok(())
}

/// SubjectPublicKeyInfo DER for a P-256 uncompressed point: the fixed prefix (id-ecPublicKey,
/// prime256v1, a 66-byte bit string) followed by the point.
fn p256_spki(point: &[u8]) -> Vec<u8> {
    assert_eq!(point.len(), 65);
    let mut der = vec![
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
        0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ];
    der.extend_from_slice(point);
    der
}

/// The DER `ECDSA-Sig-Value` of a raw `r || s` signature.
fn ecdsa_der(raw: &[u8]) -> Vec<u8> {
    let (r, s) = raw.split_at(raw.len() / 2);
    let (r, s) = (der_integer(r), der_integer(s));
    let mut der = vec![0x30, (r.len() + s.len()) as u8];
    der.extend(r);
    der.extend(s);
    der
}

/// A positive DER INTEGER: leading zeros dropped, one zero added when the top bit is set.
fn der_integer(bytes: &[u8]) -> Vec<u8> {
    let start = bytes
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(bytes.len() - 1);
    let value = &bytes[start..];
    let pad = value[0] & 0x80 != 0;
    let mut der = vec![0x02, (value.len() + usize::from(pad)) as u8];
    if pad {
        der.push(0);
    }
    der.extend_from_slice(value);
    der
}
