//! Key attestation end to end: the test is the verifier. swtpm is manufactured by
//! `swtpm_setup` with its endorsement key; the verifier reads that key's public area with
//! tpm2-tools (in practice it comes with the EK certificate), checks what
//! PrepareKeyAttestation answers against it, makes a credential offline with
//! `tpm2_makecredential -T none`, and the published client's AttestKey must recover it.

use std::path::Path;
use std::process::Command;

use parsec_client::core::interface::requests::ResponseStatus;
use parsec_client::error::Error as ClientError;

use super::common::{Daemon, ECDSA_SHA256, Site, app_client, ecc_attributes};
use super::daemon::config;
use super::serial;
use super::swtpm::{EK_HANDLE, Swtpm};

fn tpm2_tool(tool: &str, tcti: &str, args: &[&str]) {
    let output = Command::new(tool)
        .args(["-T", tcti])
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {tool} ({e}): Debian package tpm2-tools"));
    assert!(
        output.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `tpm2_makecredential` offline, for the key named `name` and the EK public area in
/// `ek_public` (TPM2B_PUBLIC): the credential blob and the encrypted secret, as the
/// protocol carries them (the TPM2B contents).
fn make_credential(dir: &Path, ek_public: &Path, name: &[u8], secret: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let secret_file = dir.join("credential-secret");
    let out = dir.join("credential");
    std::fs::write(&secret_file, secret).unwrap();
    let _ = std::fs::remove_file(&out);
    tpm2_tool(
        "tpm2_makecredential",
        "none",
        &[
            "-u",
            ek_public.to_str().unwrap(),
            "-s",
            secret_file.to_str().unwrap(),
            "-n",
            &hex(name),
            "-o",
            out.to_str().unwrap(),
        ],
    );
    // tpm2-tools' file: magic 0xBADCC0DE, version 1, TPM2B_ID_OBJECT, TPM2B_ENCRYPTED_SECRET.
    let file = std::fs::read(&out).unwrap();
    assert_eq!(file[..8], [0xba, 0xdc, 0xc0, 0xde, 0, 0, 0, 1]);
    let sized = |at: usize| {
        let len = usize::from(u16::from_be_bytes([file[at], file[at + 1]]));
        (file[at + 2..at + 2 + len].to_vec(), at + 2 + len)
    };
    let (blob, next) = sized(8);
    let (encrypted, end) = sized(next);
    assert_eq!(end, file.len());
    (blob, encrypted)
}

fn sha256(dir: &Path, data: &[u8]) -> Vec<u8> {
    let input = dir.join("to-hash");
    std::fs::write(&input, data).unwrap();
    let output = Command::new("openssl")
        .args(["dgst", "-sha256", "-binary"])
        .arg(&input)
        .output()
        .unwrap();
    assert!(output.status.success());
    output.stdout
}

fn status(error: ClientError) -> ResponseStatus {
    match error {
        ClientError::Service(status) => status,
        other => panic!("a service status, not {other:?}"),
    }
}

#[test]
fn activate_credential_recovers_the_verifiers_secret() {
    let _serial = serial();
    let site = Site::new();
    let swtpm = Swtpm::manufactured(&site.path().join("tpm-state"));
    // The verifier knows the endorsement key before the daemon holds swtpm's one connection.
    let ek_public = site.path().join("ek.pub");
    let ek_der = site.path().join("ek.der");
    let tcti = swtpm.tcti();
    for (file, format) in [(&ek_public, "tss"), (&ek_der, "der")] {
        tpm2_tool(
            "tpm2_readpublic",
            &tcti,
            &["-c", EK_HANDLE, "-f", format, "-o", file.to_str().unwrap()],
        );
    }
    let ek_der = std::fs::read(ek_der).unwrap();

    site.write_config(&config(&site, &tcti));
    let mut daemon = Daemon::start(&site);
    let client = app_client(&site.socket());
    for key in ["attested", "other"] {
        client.psa_generate_key(key, ecc_attributes()).unwrap();
    }

    let challenge = client
        .prepare_activate_credential("attested".into(), None)
        .unwrap();
    // The EK is swtpm_setup's (its SubjectPublicKeyInfo ends with the PKCS#1 key), and the
    // name is SHA-256 (0x000b) of the public area the verifier is shown.
    assert!(
        ek_der.ends_with(&challenge.attesting_key_pub),
        "the attesting key is the EK swtpm_setup made"
    );
    let mut name = vec![0x00, 0x0b];
    name.extend(sha256(site.path(), &challenge.public));
    assert_eq!(challenge.name, name);

    let secret = b"the verifier's nonce, 32 bytes!!";
    let (blob, encrypted) = make_credential(site.path(), &ek_public, &challenge.name, secret);
    // Four times: the TPM's three transient slots are flushed after each.
    for _ in 0..4 {
        let recovered = client
            .activate_credential_attestation(
                "attested".into(),
                None,
                blob.clone(),
                encrypted.clone(),
            )
            .unwrap();
        assert_eq!(recovered, secret);
    }

    // A credential made for another key's name is refused, cleanly.
    let refused = client
        .activate_credential_attestation("other".into(), None, blob.clone(), encrypted)
        .unwrap_err();
    assert_eq!(status(refused), ResponseStatus::PsaErrorInvalidArgument);
    // A garbage secret (swtpm answers TPM_RC_FAILURE) is refused the same way.
    let refused = client
        .activate_credential_attestation("attested".into(), None, blob, vec![0x5a; 256])
        .unwrap_err();
    assert_eq!(status(refused), ResponseStatus::PsaErrorInvalidArgument);
    // Only the endorsement key attests, as in the original.
    let refused = client
        .prepare_activate_credential("attested".into(), Some("other".into()))
        .unwrap_err();
    assert_eq!(status(refused), ResponseStatus::PsaErrorNotSupported);

    // Nothing was left in the TPM: keys still sign.
    let signature = client
        .psa_sign_hash("attested", &[1; 32], ECDSA_SHA256)
        .unwrap();
    client
        .psa_verify_hash("attested", &[1; 32], ECDSA_SHA256, &signature)
        .unwrap();
    daemon.stop();
}
