//! The published `parsec-tool` 0.7 and ours, run side by side: the same commands against two
//! fresh services give byte-identical stdout, stderr and exit status wherever the output is
//! deterministic, the same shape where it is random (signatures, ciphertexts, key material),
//! and keys one tool creates work with the other; `create-csr` gives the same log lines and PEM
//! layout (CRLF lines, then an empty line), byte for byte for an RSA PKCS#1 v1.5 key.
//!
//! Where ours deliberately differs (error messages say what to do), only the exit status is
//! compared. The published tool comes from PSC_PARSEC_TOOL or `target/tools/bin` (installed by
//! scripts/test); without it the tests fail, unless PSC_SKIP_PARSEC_TOOL=1 switches them off
//! (see the README).

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::process::{Command, Output};

use psc_testkit::TestDaemon;

const OURS: &str = env!("CARGO_BIN_EXE_parsec-tool");

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

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
        "the published parsec-tool 0.7 is not at {}: run `cargo install --locked --root \
         target/tools parsec-tool --version 0.7.0` (scripts/test does), set PSC_PARSEC_TOOL, \
         or set PSC_SKIP_PARSEC_TOOL=1",
        tool.display()
    );
    Some(tool)
}

/// A service whose administrator is the test's Unix user, so list-clients answers.
fn service() -> Result<TestDaemon, std::io::Error> {
    let uid = tempfile::tempdir()?.path().metadata()?.uid();
    Ok(TestDaemon::start_with(|config| {
        for authenticator in &mut config.authenticators {
            authenticator.admins.push(uid.to_string());
        }
    }))
}

fn run(tool: &std::path::Path, daemon: &TestDaemon, args: &[&str]) -> std::io::Result<Output> {
    Command::new(tool)
        .args(args)
        .env("PARSEC_SERVICE_ENDPOINT", daemon.endpoint())
        .env("RUST_LOG", "info")
        .output()
}

/// How closely two runs must agree.
#[derive(Clone, Copy, PartialEq)]
enum Same {
    /// Byte for byte: stdout, stderr, exit status.
    Everything,
    /// stderr and exit status; stdout has the same line count and line lengths (random
    /// content of a fixed size).
    Shape,
    /// stderr and exit status; stdout differs in length too (DER signatures).
    Stderr,
    /// Exit status only (our error messages say more).
    Status,
}

fn lengths(output: &[u8]) -> Vec<usize> {
    output.split(|&b| b == b'\n').map(<[u8]>::len).collect()
}

/// Runs `args` with both tools, each against its own service, and compares.
fn compare(pair: &(PathBuf, TestDaemon, TestDaemon), same: Same, args: &[&str]) -> TestResult {
    let (published, theirs, ours_daemon) = pair;
    let expected = run(published, theirs, args)?;
    let actual = run(std::path::Path::new(OURS), ours_daemon, args)?;
    let show = |o: &Output| {
        format!(
            "{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };
    let context = format!(
        "{args:?}\n--- published:\n{}\n--- ours:\n{}",
        show(&expected),
        show(&actual)
    );
    assert_eq!(expected.status.code(), actual.status.code(), "{context}");
    if same != Same::Status {
        assert_eq!(expected.stderr, actual.stderr, "{context}");
    }
    match same {
        Same::Everything => assert_eq!(expected.stdout, actual.stdout, "{context}"),
        Same::Shape => assert_eq!(
            lengths(&expected.stdout),
            lengths(&actual.stdout),
            "{context}"
        ),
        Same::Stderr | Same::Status => {}
    }
    Ok(())
}

#[test]
fn both_tools_print_the_same() -> TestResult {
    let Some(published) = published() else {
        return Ok(());
    };
    let pair = (published, service()?, service()?);
    let steps: &[(Same, &[&str])] = &[
        (Same::Everything, &["ping"]),
        (Same::Everything, &["list-keys"]),
        (Same::Everything, &["list-clients"]),
        (Same::Everything, &["create-ecc-key", "-k", "ecc"]),
        (Same::Everything, &["create-rsa-key", "-k", "rsa"]),
        (
            Same::Everything,
            &["create-rsa-key", "-k", "rsa-sign", "-s"],
        ),
        (
            Same::Everything,
            &["create-rsa-key", "-k", "oaep", "-o", "-b", "3072"],
        ),
        (Same::Everything, &["list-keys"]),
        (Same::Everything, &["list-clients"]),
        (Same::Stderr, &["sign", "-k", "ecc", "a message"]),
        (Same::Shape, &["sign", "-k", "rsa-sign", "a message"]),
        (Same::Shape, &["encrypt", "-k", "rsa", "a message"]),
        (Same::Shape, &["encrypt", "-k", "oaep", "a message"]),
        (Same::Shape, &["export-public-key", "-k", "ecc"]),
        (Same::Shape, &["export-public-key", "-k", "rsa"]),
        (Same::Shape, &["export-public-key", "-k", "oaep", "--pkcs1"]),
        (Same::Everything, &["generate-random", "-n", "0"]),
        (Same::Shape, &["generate-random", "--nbytes", "32"]),
        (Same::Everything, &["delete-key", "-k", "ecc"]),
        (Same::Everything, &["list-keys"]),
        (Same::Status, &["sign", "-k", "ecc", "a message"]),
        (Same::Status, &["encrypt", "-k", "rsa-sign", "a message"]),
        (Same::Status, &["sign", "-k", "rsa", "a message"]),
        (
            Same::Status,
            &["export-public-key", "-k", "rsa-sign", "--pkcs1"],
        ),
        (Same::Status, &["delete-key", "-k", "ecc"]),
        (Same::Status, &["decrypt", "-k", "rsa", "%%%"]),
    ];
    for (same, args) in steps {
        compare(&pair, *same, args)?;
    }
    Ok(())
}

/// Runs a tool against `daemon`, checks it succeeded, and returns its stdout.
fn stdout(tool: &std::path::Path, daemon: &TestDaemon, args: &[&str]) -> TestResult<String> {
    let output = run(tool, daemon, args)?;
    assert!(
        output.status.success(),
        "{} {args:?}: {}",
        tool.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8(output.stdout)?)
}

#[test]
fn keys_one_tool_creates_work_with_the_other() -> TestResult {
    let Some(published) = published() else {
        return Ok(());
    };
    let daemon = service()?;
    let ours = std::path::Path::new(OURS);
    stdout(
        &published,
        &daemon,
        &["create-rsa-key", "-k", "theirs-rsa", "-o"],
    )?;
    stdout(ours, &daemon, &["create-rsa-key", "-k", "ours-rsa"])?;
    for key in ["theirs-rsa", "ours-rsa"] {
        let by_them = stdout(&published, &daemon, &["encrypt", "-k", key, "a message"])?;
        let by_us = stdout(ours, &daemon, &["encrypt", "-k", key, "a message"])?;
        assert_eq!(
            stdout(ours, &daemon, &["decrypt", "-k", key, by_them.trim()])?,
            "a message\n"
        );
        assert_eq!(
            stdout(&published, &daemon, &["decrypt", "-k", key, by_us.trim()])?,
            "a message\n"
        );
        let pem_them = stdout(&published, &daemon, &["export-public-key", "-k", key])?;
        assert_eq!(
            pem_them,
            stdout(ours, &daemon, &["export-public-key", "-k", key])?
        );
    }
    stdout(&published, &daemon, &["create-ecc-key", "-k", "theirs-ecc"])?;
    let pem = stdout(
        &published,
        &daemon,
        &["export-public-key", "-k", "theirs-ecc"],
    )?;
    assert_eq!(
        pem,
        stdout(ours, &daemon, &["export-public-key", "-k", "theirs-ecc"])?
    );
    let listing = stdout(&published, &daemon, &["list-keys"])?;
    assert_eq!(listing, stdout(ours, &daemon, &["list-keys"])?);
    assert_eq!(listing.lines().count(), 3, "{listing}");
    stdout(ours, &daemon, &["delete-key", "-k", "theirs-ecc"])?;
    stdout(&published, &daemon, &["delete-key", "-k", "ours-rsa"])?;
    assert_eq!(stdout(ours, &daemon, &["list-keys"])?.lines().count(), 1);
    Ok(())
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
