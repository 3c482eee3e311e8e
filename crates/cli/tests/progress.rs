//! The spinner during RSA key generation: drawn on stderr when it is a terminal (a pseudo-
//! terminal from `script`, part of every Debian system through bsdutils), never otherwise, so
//! scripts capturing stderr see only the log lines.

use std::process::Command;

use psc_testkit::TestDaemon;

const TOOL: &str = env!("CARGO_BIN_EXE_parsec-tool");
const SPINNER: &str = "generating the RSA key";

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn a_terminal_sees_the_spinner_and_its_line_erased() -> TestResult {
    let daemon = TestDaemon::start();
    let command = format!("{TOOL} create-rsa-key -k on-a-terminal -b 3072");
    let output = Command::new("script")
        .args(["--quiet", "--return", "--command", &command, "/dev/null"])
        .env("PARSEC_SERVICE_ENDPOINT", daemon.endpoint())
        .env("RUST_LOG", "info")
        .output();
    let output = output.map_err(|e| {
        format!("the `script` command (bsdutils) is needed for a pseudo-terminal: {e}")
    })?;
    let transcript = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{transcript}");
    assert!(
        transcript.contains(&format!("| {SPINNER}")),
        "{transcript:?}"
    );
    // The spinner's line is erased before the next log line.
    let erased = transcript
        .find("\r\x1b[2K")
        .ok_or("the spinner line was not erased")?;
    let created = transcript
        .find("Key \"on-a-terminal\" created.")
        .ok_or("no creation line")?;
    assert!(erased < created, "{transcript:?}");
    Ok(())
}

#[test]
fn a_pipe_sees_only_the_log_lines() -> TestResult {
    let daemon = TestDaemon::start();
    let output = Command::new(TOOL)
        .args(["create-rsa-key", "-k", "in-a-pipe", "-b", "3072"])
        .env("PARSEC_SERVICE_ENDPOINT", daemon.endpoint())
        .env("RUST_LOG", "info")
        .output()?;
    assert!(output.status.success());
    assert_eq!(output.stdout, b"");
    let stderr = String::from_utf8(output.stderr)?;
    assert_eq!(
        stderr,
        "[INFO  parsec_tool::subcommands::create_rsa_key] Creating RSA encryption key...\n\
         [INFO  parsec_tool::subcommands::create_rsa_key] Key \"in-a-pipe\" created.\n"
    );
    Ok(())
}
