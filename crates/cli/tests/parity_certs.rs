//! `create-csr` beside the published `parsec-tool` 0.7's: for the same key and subject both
//! print the same log lines and a PEM request of the same layout (CRLF lines, then an empty
//! line), byte for byte for an RSA PKCS#1 v1.5 key, and openssl reads the same subject from
//! both. The published tool comes from
//! PSC_PARSEC_TOOL or `target/tools/bin` (scripts/test installs it); without it the test
//! fails, unless PSC_SKIP_PARSEC_TOOL=1 switches it off (see the README).

use std::path::PathBuf;
use std::process::{Command, Output};

use psc_testkit::TestDaemon;

const OURS: &str = env!("CARGO_BIN_EXE_parsec-tool");

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The published tool, or `None` when switched off.
fn published() -> Option<PathBuf> {
    if std::env::var_os("PSC_SKIP_PARSEC_TOOL").is_some() {
        eprintln!("switched off by PSC_SKIP_PARSEC_TOOL");
        return None;
    }
    let tool = std::env::var_os("PSC_PARSEC_TOOL").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/tools/bin/parsec-tool"),
        PathBuf::from,
    );
    let version = Command::new(&tool).arg("--version").output();
    let is_07 = version.is_ok_and(|v| String::from_utf8_lossy(&v.stdout).contains(" 0.7."));
    assert!(
        is_07,
        "the published parsec-tool 0.7 is not at {}: scripts/test installs it; or set \
         PSC_PARSEC_TOOL, or PSC_SKIP_PARSEC_TOOL=1",
        tool.display()
    );
    Some(tool)
}

fn run(tool: &std::path::Path, daemon: &TestDaemon, args: &[&str]) -> std::io::Result<Output> {
    Command::new(tool)
        .args(args)
        .env("PARSEC_SERVICE_ENDPOINT", daemon.endpoint())
        .env("RUST_LOG", "info")
        .output()
}

/// The subject openssl reads from a PEM request, after checking its signature.
fn openssl_subject(
    dir: &std::path::Path,
    name: &str,
    pem: &[u8],
) -> Result<String, Box<dyn std::error::Error>> {
    let path = dir.join(name);
    std::fs::write(&path, pem)?;
    let output = Command::new("openssl")
        .args(["req", "-verify", "-noout", "-subject", "-in"])
        .arg(&path)
        .output()
        .map_err(|e| format!("cannot run openssl ({e}): install it (scripts/test does)"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{name}: {stderr}");
    assert!(stderr.contains("verify OK"), "{name}: {stderr}");
    Ok(String::from_utf8(output.stdout)?)
}

#[test]
fn create_csr_prints_what_the_published_tool_prints() -> TestResult {
    let Some(theirs) = published() else {
        return Ok(());
    };
    let ours = PathBuf::from(OURS);
    let daemon = TestDaemon::start();
    let dir = tempfile::tempdir()?;
    // Both tools identify as the same Unix user, so they see the same keys.
    for create in [
        &["create-rsa-key", "-s", "-k", "rsa"][..],
        &["create-ecc-key", "-k", "ecc"],
    ] {
        assert!(run(&ours, &daemon, create)?.status.success());
    }
    for key in ["rsa", "ecc"] {
        let args = [
            "create-csr",
            "-k",
            key,
            "--cn",
            "parsec.example",
            "--o",
            "Parsec",
            "--c",
            "GB",
            "--serialNumber",
            "7",
            "--san",
            "parsec.example",
            "www.parsec.example",
        ];
        let (mine, published) = (run(&ours, &daemon, &args)?, run(&theirs, &daemon, &args)?);
        assert!(
            published.status.success(),
            "{}",
            String::from_utf8_lossy(&published.stderr)
        );
        assert!(
            mine.status.success(),
            "{}",
            String::from_utf8_lossy(&mine.stderr)
        );
        assert_eq!(
            String::from_utf8(mine.stderr)?,
            String::from_utf8(published.stderr)?
        );
        if key == "rsa" {
            // RSA PKCS#1 v1.5 signatures are deterministic: the same request, byte for byte.
            assert_eq!(
                String::from_utf8_lossy(&mine.stdout),
                String::from_utf8_lossy(&published.stdout)
            );
        }
        for stdout in [&mine.stdout, &published.stdout] {
            let text = std::str::from_utf8(stdout)?;
            assert!(
                text.starts_with("-----BEGIN CERTIFICATE REQUEST-----\r\n"),
                "{text}"
            );
            assert!(
                text.ends_with("-----END CERTIFICATE REQUEST-----\r\n\n"),
                "{text}"
            );
        }
        assert_eq!(
            openssl_subject(dir.path(), &format!("{key}-ours.pem"), &mine.stdout)?,
            openssl_subject(
                dir.path(),
                &format!("{key}-published.pem"),
                &published.stdout
            )?,
        );
    }
    Ok(())
}
