//! `parsec-ssh-agent` driven by the real OpenSSH (`ssh-add`, `ssh-keygen -Y`, `ssh`, `sshd`)
//! over keys held by the service started in-process. Each test has its own service and
//! agent. Missing OpenSSH programs fail the tests (scripts/packages installs them).

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod common;

use std::io::{Read as _, Write as _};
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use psc_client::Status;
use psc_client::psa::{Hash, KeyType};
use psc_testkit::TestDaemon;

/// The keys `ssh-add -L` lists are the caller's SSH-capable service keys, with the key name
/// as the comment; other keys are not listed.
#[test]
fn ssh_add_lists_the_service_keys() -> TestResult {
    let daemon = TestDaemon::start();
    let client = client(&daemon, None);
    client.generate_key("p256", ecdsa(256, Hash::Sha256))?;
    client.generate_key("p384", ecdsa(384, Hash::Sha384))?;
    client.generate_key("p521", ecdsa(521, Hash::Sha512))?;
    client.generate_key("rsa", rsa())?;
    // Not SSH identities: a curve/hash pair SSH lacks, an encryption key.
    client.generate_key("p256-sha384", ecdsa(256, Hash::Sha384))?;
    client.generate_encryption_key("aes")?;
    let agent = RunningAgent::start(&daemon, &[]);
    let mut listed = agent.listed();
    listed.sort();
    let mut expected: Vec<String> = ["p256", "p384", "p521", "rsa"]
        .iter()
        .map(|name| authorized_line(&client, name))
        .collect();
    expected.sort();
    assert_eq!(listed, expected);
    assert!(listed[0].starts_with("ecdsa-sha2-nistp256 ") && listed[0].ends_with(" p256"));
    Ok(())
}

/// With `--prefix`, only keys whose names start with it are identities.
#[test]
fn the_prefix_selects_the_identities() -> TestResult {
    let daemon = TestDaemon::start();
    let client = client(&daemon, None);
    client.generate_key("ssh/laptop", ecdsa(256, Hash::Sha256))?;
    client.generate_key("web", ecdsa(256, Hash::Sha256))?;
    let agent = RunningAgent::start(&daemon, &["--prefix", "ssh/"]);
    assert_eq!(agent.listed(), vec![authorized_line(&client, "ssh/laptop")]);
    Ok(())
}

/// `ssh-keygen -Y sign` signs through the agent, `ssh-keygen -Y verify` accepts the
/// signature: ECDSA on the three curves and RSA (which ssh-keygen asks for as rsa-sha2-512).
#[test]
fn ssh_keygen_signs_through_the_agent_and_verifies() -> TestResult {
    let daemon = TestDaemon::start();
    let client = client(&daemon, None);
    client.generate_key("p256", ecdsa(256, Hash::Sha256))?;
    client.generate_key("p384", ecdsa(384, Hash::Sha384))?;
    client.generate_key("p521", ecdsa(521, Hash::Sha512))?;
    client.generate_key("rsa", rsa())?;
    let agent = RunningAgent::start(&daemon, &[]);
    let dir = agent.dir.path();
    let data = dir.join("data");
    std::fs::write(&data, b"signed through parsec-ssh-agent\n")?;
    for name in ["p256", "p384", "p521", "rsa"] {
        let line = authorized_line(&client, name);
        let public = dir.join(format!("{name}.pub"));
        std::fs::write(&public, format!("{line}\n"))?;
        let signature = dir.join("data.sig");
        let _ = std::fs::remove_file(&signature);
        run_ok(
            agent
                .command("ssh-keygen")
                .args(["-Y", "sign", "-n", "file", "-f"])
                .arg(&public)
                .arg(&data),
        );
        let allowed = dir.join("allowed_signers");
        std::fs::write(&allowed, format!("tester {line}\n"))?;
        run_ok(
            agent
                .command("ssh-keygen")
                .args(["-Y", "verify", "-n", "file", "-I", "tester", "-f"])
                .arg(&allowed)
                .arg("-s")
                .arg(&signature)
                .stdin(std::fs::File::open(&data)?),
        );
        // The signature is bound to the data: other data does not verify.
        let other = dir.join("other");
        std::fs::write(&other, b"something else\n")?;
        let refused = agent
            .command("ssh-keygen")
            .args(["-Y", "verify", "-n", "file", "-I", "tester", "-f"])
            .arg(&allowed)
            .arg("-s")
            .arg(&signature)
            .stdin(std::fs::File::open(&other)?)
            .output()?;
        assert!(!refused.status.success(), "{name}: other data verified");
    }
    Ok(())
}

/// A port on the loopback interface nobody listens on (as far as we know).
fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// An `sshd` on a loopback port with a temporary host key and the given `authorized_keys`;
/// killed on drop.
struct Sshd {
    child: std::process::Child,
    port: u16,
    log: std::path::PathBuf,
}

impl Sshd {
    fn start(dir: &Path, authorized_keys: &str) -> Result<Sshd, Box<dyn std::error::Error>> {
        let sshd = require("sshd");
        // sshd insists on its privilege-separation directory.
        std::fs::create_dir_all("/run/sshd")?;
        let host_key = dir.join("host_key");
        run_ok(
            Command::new(require("ssh-keygen"))
                .args(["-q", "-t", "ecdsa", "-N", "", "-f"])
                .arg(&host_key),
        );
        let authorized = dir.join("authorized_keys");
        std::fs::write(&authorized, authorized_keys)?;
        let config = dir.join("sshd_config");
        std::fs::write(
            &config,
            format!(
                "ListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\nPidFile none\n\
                 StrictModes no\nUsePAM no\nPasswordAuthentication no\n\
                 KbdInteractiveAuthentication no\nPubkeyAuthentication yes\n\
                 AuthenticationMethods publickey\nPermitRootLogin prohibit-password\n\
                 LogLevel VERBOSE\n",
                host_key.display(),
                authorized.display()
            ),
        )?;
        let port = free_port()?;
        let log = dir.join("sshd.log");
        let child = Command::new(sshd)
            .arg("-D")
            .arg("-f")
            .arg(&config)
            .arg("-p")
            .arg(port.to_string())
            .arg("-E")
            .arg(&log)
            .spawn()?;
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "sshd did not listen on port {port}: {}",
                read(&log)
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(Sshd { child, port, log })
    }

    /// `ssh ... echo ok` through `agent`, as the current user.
    fn login(&self, agent: &RunningAgent) -> std::process::Output {
        let user = rustix::process::getuid();
        let name = if user.is_root() {
            "root".to_owned()
        } else {
            std::env::var("USER").unwrap_or_else(|_| "root".into())
        };
        agent
            .command("ssh")
            .args(["-F", "/dev/null", "-o", "BatchMode=yes"])
            .args([
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
            ])
            .arg("-o")
            .arg(format!("IdentityAgent={}", agent.socket.display()))
            // No key files: only the agent's keys are offered.
            .args(["-o", "IdentityFile=/nonexistent/parsec-ssh-agent-test"])
            .args(["-o", "PasswordAuthentication=no"])
            .arg("-p")
            .arg(self.port.to_string())
            .arg(format!("{name}@127.0.0.1"))
            .args(["echo", "ok"])
            .output()
            .expect("ssh runs")
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `ssh` logs in to an `sshd` with a service key through the agent, and is refused when
/// the agent holds no key `authorized_keys` names (hidden with `ssh-add -d`, or locked).
#[test]
fn ssh_logs_in_with_a_service_key_and_is_refused_without_one() -> TestResult {
    let daemon = TestDaemon::start();
    let client = client(&daemon, None);
    client.generate_key("login", ecdsa(256, Hash::Sha256))?;
    client.generate_key("login-rsa", rsa())?;
    client.generate_key("stranger", ecdsa(384, Hash::Sha384))?;
    let agent = RunningAgent::start(&daemon, &[]);
    let dir = agent.dir.path().join("sshd");
    std::fs::create_dir(&dir)?;
    let authorized = format!(
        "{}\n{}\n",
        authorized_line(&client, "login"),
        authorized_line(&client, "login-rsa")
    );
    let sshd = Sshd::start(&dir, &authorized)?;
    let ok = |out: &std::process::Output| {
        out.status.success() && String::from_utf8_lossy(&out.stdout) == "ok\n"
    };
    let first = sshd.login(&agent);
    assert!(
        ok(&first),
        "login failed: {}\nsshd: {}\nagent: {}",
        String::from_utf8_lossy(&first.stderr),
        read(&sshd.log),
        agent.log()
    );
    // Hide the ECDSA key: the RSA one logs in (rsa-sha2-512 or -256, as ssh picks).
    let public = agent.dir.path().join("login.pub");
    std::fs::write(&public, format!("{}\n", authorized_line(&client, "login")))?;
    run_ok(agent.command("ssh-add").arg("-d").arg(&public));
    let rsa_login = sshd.login(&agent);
    assert!(ok(&rsa_login), "RSA login failed: {}", read(&sshd.log));
    assert!(read(&sshd.log).contains("Accepted publickey for"));
    // Hide the RSA key too: only "stranger" is left, which authorized_keys does not name.
    let rsa_public = agent.dir.path().join("login-rsa.pub");
    std::fs::write(
        &rsa_public,
        format!("{}\n", authorized_line(&client, "login-rsa")),
    )?;
    run_ok(agent.command("ssh-add").arg("-d").arg(&rsa_public));
    assert_eq!(agent.listed(), vec![authorized_line(&client, "stranger")]);
    let refused = sshd.login(&agent);
    assert!(!ok(&refused), "logged in with a key authorized_keys lacks");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("Permission denied"));
    // Hidden, not destroyed.
    assert!(client.key_info("login")?.is_some());
    Ok(())
}

/// The `ssh-add -x`/`-X` lock: a locked agent lists nothing and signs nothing until it is
/// unlocked with the same passphrase.
#[test]
fn ssh_add_locks_and_unlocks() -> TestResult {
    let daemon = TestDaemon::start();
    let client = client(&daemon, None);
    client.generate_key("locked", ecdsa(256, Hash::Sha256))?;
    let agent = RunningAgent::start(&daemon, &[]);
    let askpass = |passphrase: &str| -> Result<std::path::PathBuf, std::io::Error> {
        let path = agent.dir.path().join(format!("askpass-{passphrase}"));
        std::fs::write(&path, format!("#!/bin/sh\necho {passphrase}\n"))?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700))?;
        Ok(path)
    };
    let with_pass = |flag: &str, passphrase: &str| -> Result<bool, Box<dyn std::error::Error>> {
        Ok(agent
            .command("ssh-add")
            .arg(flag)
            .env("SSH_ASKPASS", askpass(passphrase)?)
            .env("SSH_ASKPASS_REQUIRE", "force")
            .env("DISPLAY", ":0")
            .output()?
            .status
            .success())
    };
    assert!(with_pass("-x", "sesame")?);
    assert!(agent.listed().is_empty());
    assert!(!with_pass("-X", "wrong")?);
    assert!(agent.listed().is_empty());
    assert!(with_pass("-X", "sesame")?);
    assert_eq!(agent.listed(), vec![authorized_line(&client, "locked")]);
    Ok(())
}

/// `ssh-add -D` hides every identity; with `--allow-destroy` it destroys the keys.
#[test]
fn removing_hides_unless_destroying_is_allowed() -> TestResult {
    let daemon = TestDaemon::start();
    let client = client(&daemon, None);
    client.generate_key("one", ecdsa(256, Hash::Sha256))?;
    {
        let agent = RunningAgent::start(&daemon, &[]);
        run_ok(agent.command("ssh-add").arg("-D"));
        assert!(agent.listed().is_empty());
        assert!(client.key_info("one")?.is_some());
    }
    let agent = RunningAgent::start(&daemon, &["--allow-destroy"]);
    assert_eq!(agent.listed().len(), 1);
    run_ok(agent.command("ssh-add").arg("-D"));
    assert!(client.key_info("one")?.is_none());
    assert!(agent.log().contains("destroyed the service key \"one\""));
    Ok(())
}

/// The private scalar of an ECDSA key or the private exponent of an RSA key, from an
/// OpenSSH private key file.
fn private_material(path: &Path) -> Vec<u8> {
    let key = ssh_key::PrivateKey::read_openssh_file(path).expect("an OpenSSH private key");
    match key.key_data() {
        ssh_key::private::KeypairData::Ecdsa(pair) => pair.private_key_bytes().to_vec(),
        ssh_key::private::KeypairData::Rsa(pair) => pair
            .private
            .d
            .as_positive_bytes()
            .expect("a positive exponent")
            .to_vec(),
        other => panic!("unexpected key {other:?}"),
    }
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else if path.is_file() {
            found.push(path);
        }
    }
    found
}

/// Fails when any of `secrets` is in any of `files`.
fn assert_no_secret(files: &[std::path::PathBuf], secrets: &[Vec<u8>]) -> TestResult {
    for path in files {
        let bytes = std::fs::read(path)?;
        for secret in secrets {
            assert!(
                !contains_secret(&bytes, secret),
                "a private key is in {}",
                path.display()
            );
        }
    }
    Ok(())
}

/// Whether `needle` appears in `haystack` raw, in hexadecimal or in base64.
fn contains_secret(haystack: &[u8], needle: &[u8]) -> bool {
    use base64::Engine as _;
    let raw = haystack.windows(needle.len()).any(|w| w == needle);
    let text = String::from_utf8_lossy(haystack).to_lowercase();
    let hex = text.contains(&hex::encode(needle));
    // Base64 of a slice starting at each of the three alignments.
    let b64 = (0..3).any(|skip| {
        let encoded = base64::engine::general_purpose::STANDARD.encode(&needle[skip..]);
        String::from_utf8_lossy(haystack).contains(&encoded[..encoded.len() - 4])
    });
    raw || hex || b64
}

/// Four private key files, made by openssl (SEC1 P-256, PKCS#8 RSA-2048) and ssh-keygen
/// (P-384 and RSA-3072 with comments), and their private parts.
type KeyFiles = ([std::path::PathBuf; 4], Vec<Vec<u8>>);

fn key_files(dir: &Path) -> Result<KeyFiles, Box<dyn std::error::Error>> {
    // openssl: a SEC1 PEM P-256 key, and a PKCS#8 RSA key.
    let ec_pem = dir.join("openssl-ec.pem");
    run_ok(
        Command::new("openssl")
            .args([
                "ecparam",
                "-name",
                "prime256v1",
                "-genkey",
                "-noout",
                "-out",
            ])
            .arg(&ec_pem),
    );
    let rsa_pem = dir.join("openssl-rsa.pem");
    run_ok(
        Command::new("openssl")
            .args([
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                "rsa_keygen_bits:2048",
                "-out",
            ])
            .arg(&rsa_pem),
    );
    // ssh-keygen: P-384 and RSA-3072 in OpenSSH's own format, with comments.
    let ssh_ec = dir.join("ssh-ec");
    run_ok(
        Command::new(require("ssh-keygen"))
            .args([
                "-q",
                "-t",
                "ecdsa",
                "-b",
                "384",
                "-N",
                "",
                "-C",
                "ec384@test",
                "-f",
            ])
            .arg(&ssh_ec),
    );
    let ssh_rsa = dir.join("ssh-rsa");
    run_ok(
        Command::new(require("ssh-keygen"))
            .args([
                "-q",
                "-t",
                "rsa",
                "-b",
                "3072",
                "-N",
                "",
                "-C",
                "rsa3072@test",
                "-f",
            ])
            .arg(&ssh_rsa),
    );
    for file in [&ec_pem, &rsa_pem] {
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))?;
    }
    // The private parts, read from OpenSSH-format copies of the openssl keys.
    let mut secrets = Vec::new();
    for (pem, copy) in [(&ec_pem, "ec-copy"), (&rsa_pem, "rsa-copy")] {
        let copy = dir.join(copy);
        std::fs::copy(pem, &copy)?;
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o600))?;
        run_ok(
            Command::new(require("ssh-keygen"))
                .args(["-q", "-p", "-N", "", "-P", "", "-f"])
                .arg(&copy),
        );
        secrets.push(private_material(&copy));
    }
    secrets.push(private_material(&ssh_ec));
    secrets.push(private_material(&ssh_rsa));

    Ok(([ec_pem, rsa_pem, ssh_ec, ssh_rsa], secrets))
}

/// `ssh-add` of an openssl-made and ssh-keygen-made key imports them into the service,
/// non-exportable, under their comments; they then sign through the agent, and their
/// private parts are in no file the agent wrote nor in the service's key store.
#[test]
fn ssh_add_imports_openssl_and_ssh_keygen_keys() -> TestResult {
    let daemon = TestDaemon::start();
    let client = client(&daemon, None);
    let agent = RunningAgent::start(&daemon, &[]);
    let keys = tempfile::tempdir()?;
    let (files, secrets) = key_files(keys.path())?;
    let [ec_pem, rsa_pem, ssh_ec, _] = &files;
    for file in &files {
        let out = run_ok(agent.command("ssh-add").arg(file));
        assert!(String::from_utf8_lossy(&out.stderr).contains("Identity added"));
    }
    // Named after their comments (ssh-add gives a PEM key its file name).
    let mut names: Vec<String> = client.list_keys()?.into_iter().map(|k| k.name).collect();
    names.sort();
    let mut expected = vec![
        ec_pem.display().to_string(),
        rsa_pem.display().to_string(),
        "ec384@test".to_owned(),
        "rsa3072@test".to_owned(),
    ];
    expected.sort();
    assert_eq!(names, expected);
    for name in &expected {
        let info = client.key_info(name)?.expect("imported");
        assert!(
            !info.attributes.policy.usage_flags.export,
            "{name} exportable"
        );
        assert_eq!(
            client.export_key(name).err().and_then(|e| e.status()),
            Some(Status::PsaErrorNotPermitted)
        );
        assert!(
            agent
                .log()
                .contains(&format!("non-exportable service key {name:?}"))
        );
    }
    assert_eq!(agent.listed().len(), 4);
    // Adding the same key again is fine.
    run_ok(agent.command("ssh-add").arg(ssh_ec));

    // An imported key signs through the agent and verifies against its public key file.
    let data = keys.path().join("data");
    std::fs::write(&data, b"imported\n")?;
    let public = keys.path().join("ssh-rsa.pub");
    run_ok(
        agent
            .command("ssh-keygen")
            .args(["-Y", "sign", "-n", "file", "-f"])
            .arg(&public)
            .arg(&data),
    );
    let allowed = keys.path().join("allowed");
    std::fs::write(&allowed, format!("t {}", std::fs::read_to_string(&public)?))?;
    run_ok(
        agent
            .command("ssh-keygen")
            .args(["-Y", "verify", "-n", "file", "-I", "t", "-f"])
            .arg(&allowed)
            .arg("-s")
            .arg(keys.path().join("data.sig"))
            .stdin(std::fs::File::open(&data)?),
    );

    // No private part in any file the agent wrote (its log, its directory), nor in the
    // service's directory (the key store seals them).
    let mut written = files_under(agent.dir.path());
    written.extend(files_under(daemon.dir()));
    assert!(written.iter().any(|p| p == &agent.log));
    assert_no_secret(&written, &secrets)?;
    Ok(())
}

/// What the agent cannot hold is refused with the reason in its log: Ed25519 keys,
/// constraints, certificates.
#[test]
fn unsupported_additions_fail_with_a_reason() -> TestResult {
    let daemon = TestDaemon::start();
    let client = client(&daemon, None);
    let agent = RunningAgent::start(&daemon, &[]);
    let keys = tempfile::tempdir()?;
    let ed = keys.path().join("ed");
    run_ok(
        Command::new(require("ssh-keygen"))
            .args(["-q", "-t", "ed25519", "-N", "", "-C", "ed@test", "-f"])
            .arg(&ed),
    );
    let out = agent.ssh_add(&[ed.to_str().ok_or("path")?]);
    assert!(!out.status.success());
    assert!(
        agent
            .log()
            .contains("Ed25519 private keys cannot be held by the service")
            || agent
                .log()
                .contains("ssh-ed25519 private keys cannot be held by the service"),
        "{}",
        agent.log()
    );
    let ec = keys.path().join("ec");
    run_ok(
        Command::new(require("ssh-keygen"))
            .args(["-q", "-t", "ecdsa", "-N", "", "-C", "ec@test", "-f"])
            .arg(&ec),
    );
    let out = agent.ssh_add(&["-t", "60", ec.to_str().ok_or("path")?]);
    assert!(!out.status.success());
    assert!(agent.log().contains("constraints are not supported"));
    // A certificate for the key: ssh-add adds the key and then refuses the certificate.
    let ca = keys.path().join("ca");
    run_ok(
        Command::new(require("ssh-keygen"))
            .args(["-q", "-t", "ecdsa", "-N", "", "-f"])
            .arg(&ca),
    );
    run_ok(
        Command::new(require("ssh-keygen"))
            .args(["-q", "-s"])
            .arg(&ca)
            // A bounded validity: ssh-key cannot decode "forever".
            .args(["-I", "id", "-n", "root", "-V", "+52w"])
            .arg(ec.with_extension("pub")),
    );
    let _ = agent.ssh_add(&[ec.to_str().ok_or("path")?]);
    assert!(
        agent.log().contains("certificates are not supported"),
        "{}",
        agent.log()
    );
    // Nothing of the refused keys was imported; the plain ECDSA key was.
    let names: Vec<String> = client.list_keys()?.into_iter().map(|k| k.name).collect();
    assert_eq!(names, vec!["ec@test".to_owned()]);
    Ok(())
}

/// Reads one answer: its type byte and body.
fn answer(stream: &mut UnixStream) -> std::io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    stream.read_exact(&mut len)?;
    let mut body = vec![0u8; u32::from_be_bytes(len) as usize];
    stream.read_exact(&mut body)?;
    Ok(body)
}

/// Malformed and oversized messages get SSH_AGENT_FAILURE (5); the agent goes on serving,
/// on the same connection after a malformed one, on new ones after an oversized one.
#[test]
fn malformed_and_oversized_messages_get_a_failure() -> TestResult {
    const FAILURE: u8 = 5;
    const IDENTITIES_ANSWER: u8 = 12;
    let daemon = TestDaemon::start();
    let client = client(&daemon, None);
    client.generate_key("k", ecdsa(256, Hash::Sha256))?;
    let agent = RunningAgent::start(&daemon, &[]);
    let mut stream = UnixStream::connect(&agent.socket)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let malformed: [&[u8]; 4] = [
        // A sign request whose key blob claims 4 GiB.
        &[0, 0, 0, 5, 13, 0xff, 0xff, 0xff, 0xff],
        // An unknown message type.
        &[0, 0, 0, 1, 200],
        // An add-identity with a truncated key type.
        &[0, 0, 0, 6, 17, 0, 0, 0, 9, b's'],
        // A lock with no passphrase.
        &[0, 0, 0, 1, 22],
    ];
    for message in malformed {
        stream.write_all(message)?;
        assert_eq!(answer(&mut stream)?, vec![FAILURE], "{message:?}");
    }
    stream.write_all(&[0, 0, 0, 1, 11])?;
    assert_eq!(answer(&mut stream)?[0], IDENTITIES_ANSWER);
    // Oversized: answered, then the connection is closed (its body cannot be skipped).
    for prefix in [[0x7f, 0xff, 0xff, 0xff], [0, 4, 0, 1], [0, 0, 0, 0]] {
        let mut stream = UnixStream::connect(&agent.socket)?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        stream.write_all(&prefix)?;
        assert_eq!(answer(&mut stream)?, vec![FAILURE]);
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest)?;
        assert!(rest.is_empty());
    }
    assert!(
        agent
            .log()
            .contains("refused a message of 2147483647 bytes")
    );
    // Still serving.
    assert_eq!(agent.listed(), vec![authorized_line(&client, "k")]);
    Ok(())
}

/// Two identities' agents see only their own keys: one agent as this Unix user (peer
/// credentials), one as a Direct application; neither lists nor signs with the other's.
#[test]
fn two_identities_agents_see_only_their_own_keys() -> TestResult {
    let daemon = TestDaemon::start();
    let own = client(&daemon, None);
    let other = client(&daemon, Some("bob"));
    own.generate_key("mine", ecdsa(256, Hash::Sha256))?;
    other.generate_key("bobs", ecdsa(256, Hash::Sha256))?;
    let mine = RunningAgent::start(&daemon, &[]);
    let bobs = RunningAgent::start(&daemon, &["--direct", "bob"]);
    assert_eq!(mine.listed(), vec![authorized_line(&own, "mine")]);
    assert_eq!(bobs.listed(), vec![authorized_line(&other, "bobs")]);
    // Bob's agent does not sign with this user's key, even when asked directly.
    let mine_public = ssh_key::PublicKey::from_openssh(&authorized_line(&own, "mine"))?;
    let mut raw = ssh_agent_lib::blocking::Client::new(UnixStream::connect(&bobs.socket)?);
    let refused = raw.sign(ssh_agent_lib::proto::SignRequest {
        credential: ssh_agent_lib::proto::PublicCredential::Key(mine_public.key_data().clone()),
        data: b"x".to_vec(),
        flags: 0,
    });
    assert!(refused.is_err());
    assert!(bobs.log().contains("no service key has the public key"));
    // And this user's agent does with its own.
    let mut raw = ssh_agent_lib::blocking::Client::new(UnixStream::connect(&mine.socket)?);
    raw.sign(ssh_agent_lib::proto::SignRequest {
        credential: ssh_agent_lib::proto::PublicCredential::Key(mine_public.key_data().clone()),
        data: b"x".to_vec(),
        flags: 0,
    })?;
    assert!(!matches!(
        other.key_info("mine")?.map(|k| k.attributes.key_type),
        Some(KeyType::EccKeyPair { .. })
    ));
    Ok(())
}

/// Without `-D` the agent goes to the background: the printed variables work with
/// `ssh-add`, the socket is 0600 in a 0700 directory, and `-k` stops it and removes both.
#[test]
fn the_background_agent_and_k() -> TestResult {
    let daemon = TestDaemon::start();
    let client = client(&daemon, None);
    client.generate_key("bg", ecdsa(256, Hash::Sha256))?;
    let out = run_ok(
        Command::new(AGENT)
            .arg("-s")
            .env("PARSEC_SERVICE_ENDPOINT", daemon.endpoint())
            .env("TMPDIR", std::env::temp_dir()),
    );
    let text = String::from_utf8(out.stdout)?;
    let value = |name: &str| -> Option<String> {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .and_then(|rest| rest.split(';').next())
            .map(str::to_owned)
    };
    let socket = value("SSH_AUTH_SOCK").ok_or("no SSH_AUTH_SOCK")?;
    let pid = value("SSH_AGENT_PID").ok_or("no SSH_AGENT_PID")?;
    assert!(text.contains(&format!("echo Agent pid {pid};")));
    let socket = Path::new(&socket);
    let mode = |p: &Path| std::fs::metadata(p).map(|m| m.permissions().mode() & 0o777);
    assert_eq!(mode(socket)?, 0o600);
    let dir = socket.parent().ok_or("no directory")?;
    assert_eq!(mode(dir)?, 0o700);
    let listed = Command::new(require("ssh-add"))
        .arg("-L")
        .env("SSH_AUTH_SOCK", socket)
        .output()?;
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout),
        format!("{}\n", authorized_line(&client, "bg"))
    );
    let killed = run_ok(
        Command::new(AGENT)
            .args(["-k", "-s"])
            .env("SSH_AGENT_PID", &pid),
    );
    assert!(String::from_utf8_lossy(&killed.stdout).contains("unset SSH_AUTH_SOCK;"));
    let started = Instant::now();
    while dir.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the agent's directory is still there"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

/// SHA-1 `ssh-rsa` signatures are refused with the reason in the log; the SHA-2 ones are
/// made under the name the flags ask for.
#[test]
fn sha1_rsa_signatures_are_refused() -> TestResult {
    let daemon = TestDaemon::start();
    let client = client(&daemon, None);
    client.generate_key("rsa", rsa())?;
    let agent = RunningAgent::start(&daemon, &[]);
    let public = ssh_key::PublicKey::from_openssh(&authorized_line(&client, "rsa"))?;
    let mut raw = ssh_agent_lib::blocking::Client::new(UnixStream::connect(&agent.socket)?);
    let request = |flags| ssh_agent_lib::proto::SignRequest {
        credential: ssh_agent_lib::proto::PublicCredential::Key(public.key_data().clone()),
        data: b"data".to_vec(),
        flags,
    };
    assert!(raw.sign(request(0)).is_err());
    assert!(
        agent
            .log()
            .contains("ssh-rsa signatures (SHA-1) are refused")
    );
    for (flags, name) in [(2, "rsa-sha2-256"), (4, "rsa-sha2-512")] {
        let signature = raw.sign(request(flags))?;
        assert_eq!(signature.algorithm().as_str(), name);
    }
    Ok(())
}
