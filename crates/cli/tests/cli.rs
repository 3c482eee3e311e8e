//! `parsec-tool` as a script sees it: stdout, stderr and exit status.
//!
//! The snapshot cases live in `tests/cmd/`: `service/` runs against the real service started
//! in-process, `offline/` needs no service. `keys/` and `admin/` hold sessions (`*.md`, one
//! command after another, stdout and stderr together), each run against a fresh service so
//! its listings see only its own keys; `admin/` against a service accepting only Direct
//! authentication, with the tool's application name `parsec-tool` as administrator.
//! Regenerate the expected outputs after an intended change with `TRYCMD=overwrite cargo test
//! -p psc-cli`.

use std::io::Read;
use std::os::unix::net::UnixListener;
use std::process::{Command, Output};

use psc_client::AuthType;
use psc_service::config::AuthenticatorConfig;
use psc_testkit::TestDaemon;

const TOOL: &str = env!("CARGO_BIN_EXE_parsec-tool");
const ENDPOINT: &str = "PARSEC_SERVICE_ENDPOINT";

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn cases() -> trycmd::TestCases {
    let cases = trycmd::TestCases::new();
    // The published tool's default level, whatever the developer's environment says.
    cases
        .default_bin_path(TOOL)
        .register_bin("parsec-tool", std::path::Path::new(TOOL))
        .env("RUST_LOG", "info");
    cases
}

/// Runs each session of `dir` against its own fresh service.
fn sessions(dir: &str, start: impl Fn() -> TestDaemon) -> TestResult {
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|path| path.extension().is_some_and(|ext| ext == "md"));
    assert!(!files.is_empty(), "no sessions in {dir}");
    for file in files {
        let daemon = start();
        cases().env(ENDPOINT, daemon.endpoint()).case(file).run();
    }
    Ok(())
}

#[test]
fn key_sessions_against_a_fresh_service_each() -> TestResult {
    sessions("tests/cmd/keys", TestDaemon::start)
}

#[test]
fn admin_sessions_against_a_service_with_the_tool_as_admin() -> TestResult {
    sessions("tests/cmd/admin", || {
        TestDaemon::start_with(|config| {
            config.authenticators = vec![AuthenticatorConfig::new(
                AuthType::Direct,
                vec!["parsec-tool".into()],
            )];
        })
    })
}

#[test]
fn a_jwt_svid_from_the_environment_is_the_identity_and_its_file_is_reread() -> TestResult {
    use psc_testkit::jwt_svid::{SigningKey, authenticator, bundle, claims};
    let dir = tempfile::tempdir()?;
    let key = SigningKey::ec_p256("k");
    let bundle_path = dir.path().join("bundle.json");
    std::fs::write(&bundle_path, bundle(&[&key]).to_string())?;
    let daemon = TestDaemon::start_with(|config| {
        config.authenticators = vec![authenticator(&bundle_path, "example.org")];
    });
    let token = |id: &str| key.sign(&claims(id, "parsec", 300));
    let token_file = dir.path().join("jwt_svid.token");
    let from_file = |args: &[&str]| {
        Command::new(TOOL)
            .args(args)
            .env(ENDPOINT, daemon.endpoint())
            .env("PARSEC_JWT_SVID_FILE", &token_file)
            .env_remove("PARSEC_JWT_SVID")
            .output()
    };
    std::fs::write(&token_file, token("spiffe://example.org/a") + "\n")?;
    let created = from_file(&["create-ecc-key", "--key-name", "a-key"])?;
    assert!(created.status.success(), "{created:?}");
    let listed = String::from_utf8(from_file(&["list-keys"])?.stdout)?;
    assert!(listed.contains("a-key"), "{listed}");

    // The file now holds another workload's token: the next run is that workload.
    std::fs::write(&token_file, token("spiffe://example.org/b"))?;
    let listed = from_file(&["list-keys"])?;
    assert!(listed.status.success(), "{listed:?}");
    assert!(!String::from_utf8(listed.stdout)?.contains("a-key"));

    // The token itself in PARSEC_JWT_SVID.
    let listed = Command::new(TOOL)
        .arg("list-keys")
        .env(ENDPOINT, daemon.endpoint())
        .env("PARSEC_JWT_SVID", token("spiffe://example.org/a"))
        .output()?;
    assert!(String::from_utf8(listed.stdout)?.contains("a-key"));
    Ok(())
}

#[test]
fn snapshots_against_the_service() {
    let daemon = TestDaemon::start();
    cases()
        .env(ENDPOINT, daemon.endpoint())
        .case("tests/cmd/service/*.toml")
        .run();
}

#[test]
fn snapshots_without_a_service() {
    cases().case("tests/cmd/offline/*.toml").run();
}

fn tool(endpoint: &str, args: &[&str]) -> Result<Output, std::io::Error> {
    Command::new(TOOL)
        .args(args)
        .env(ENDPOINT, endpoint)
        .env("RUST_LOG", "info")
        .output()
}

#[test]
fn rust_log_silences_the_log_lines_only() -> TestResult {
    let daemon = TestDaemon::start();
    let output = Command::new(TOOL)
        .arg("ping")
        .env(ENDPOINT, daemon.endpoint())
        .env("RUST_LOG", "off")
        .output()?;
    assert!(output.status.success());
    assert_eq!(output.stdout, b"1.0\n");
    assert_eq!(output.stderr, b"");
    Ok(())
}

#[test]
fn a_socket_nobody_listens_on_is_no_service() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("stale.sock");
    drop(UnixListener::bind(&path)?);
    let output = tool(&format!("unix:{}", path.display()), &["ping"])?;
    let stderr = String::from_utf8(output.stderr)?;
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert_eq!(output.stdout, b"", "{stderr}");
    let expected = format!(
        "[ERROR parsec_tool] Subcommand failed: no Parsec service at {}",
        path.display()
    );
    assert!(stderr.starts_with(&expected), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    Ok(())
}

#[test]
fn a_silent_service_times_out_after_the_timeout_option() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("silent.sock");
    let listener = UnixListener::bind(&path)?;
    let peer = std::thread::spawn(move || {
        if let Ok((mut stream, _)) = listener.accept() {
            // Hold the connection until the tool gives up and closes it.
            let _ = stream.read_to_end(&mut Vec::new());
        }
    });
    let output = tool(
        &format!("unix:{}", path.display()),
        &["--timeout", "1", "ping"],
    )?;
    let _ = peer.join();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr)?;
    assert!(stderr.contains("did not answer within 1 s"), "{stderr}");
    Ok(())
}
