//! The published `parsec-tool` 0.7 with `-p 3`, unchanged, against swtpm: keys, signatures
//! (openssl verifies one), PKCS#1 v1.5 and OAEP encryption, a CSR, listing and deletion.
//! Set PSC_SKIP_PARSEC_TOOL=1 to switch it off (see the README); PSC_PARSEC_TOOL names the
//! tool (`scripts/test` installs it).

use std::path::PathBuf;
use std::process::Command;

use super::common::{Daemon, Site, openssl_verifies};
use super::daemon::config;
use super::serial;
use super::swtpm::Swtpm;

#[test]
fn the_published_parsec_tool_drives_the_tpm_with_provider_3() {
    if std::env::var_os("PSC_SKIP_PARSEC_TOOL").is_some() {
        eprintln!("switched off by PSC_SKIP_PARSEC_TOOL");
        return;
    }
    let tool =
        std::env::var_os("PSC_PARSEC_TOOL").map_or_else(|| "parsec-tool".into(), PathBuf::from);
    let _serial = serial();
    let site = Site::new();
    let swtpm = Swtpm::start(&site.path().join("tpm-state"));
    site.write_config(&config(&site, &swtpm.tcti()));
    let mut daemon = Daemon::start(&site);
    let endpoint = format!("unix:{}", site.socket().display());
    let ok = |args: &[&str]| {
        let output = Command::new(&tool)
            .args(["-p", "3"])
            .args(args)
            .env("PARSEC_SERVICE_ENDPOINT", &endpoint)
            .output()
            .unwrap_or_else(|e| {
                panic!("parsec-tool 0.7 ({tool:?}) runs: {e}; scripts/test installs it")
            });
        assert!(
            output.status.success(),
            "parsec-tool {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    ok(&["create-ecc-key", "-k", "ecc"]);
    let signature = ok(&["sign", "-k", "ecc", "hello"]);
    let pem = ok(&["export-public-key", "-k", "ecc"]);
    openssl_verifies(site.path(), &pem, signature.trim(), b"hello");
    let csr = ok(&["create-csr", "-k", "ecc", "--cn", "psc.example"]);
    assert!(csr.contains("BEGIN CERTIFICATE REQUEST"), "{csr}");

    ok(&["create-rsa-key", "-k", "rsa"]);
    let ciphertext = ok(&["encrypt", "-k", "rsa", "for the TPM"]);
    let plaintext = ok(&["decrypt", "-k", "rsa", ciphertext.trim()]);
    assert_eq!(plaintext.trim(), "for the TPM");
    ok(&["create-rsa-key", "-s", "-k", "rsa-sign"]);
    let signature = ok(&["sign", "-k", "rsa-sign", "hello"]);
    let pem = ok(&["export-public-key", "-k", "rsa-sign"]);
    openssl_verifies(site.path(), &pem, signature.trim(), b"hello");
    ok(&["create-rsa-key", "-o", "-k", "oaep"]);
    let ciphertext = ok(&["encrypt", "-k", "oaep", "OAEP on the TPM"]);
    let plaintext = ok(&["decrypt", "-k", "oaep", ciphertext.trim()]);
    assert_eq!(plaintext.trim(), "OAEP on the TPM");

    let keys = ok(&["list-keys"]);
    for name in ["ecc", "rsa", "rsa-sign", "oaep"] {
        assert!(keys.contains(name), "{keys}");
        ok(&["delete-key", "-k", name]);
    }
    let keys = ok(&["list-keys"]);
    assert!(!keys.contains("rsa-sign"), "{keys}");
    daemon.stop();
}
