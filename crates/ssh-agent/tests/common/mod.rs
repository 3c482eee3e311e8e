//! Shared set-up of the agent tests: the service in-process, `parsec-ssh-agent -D` started on
//! it, and OpenSSH's programs run against the agent's socket. A missing OpenSSH program fails
//! the test, saying which package to install.

#![allow(dead_code, unreachable_pub)]
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use psc_client::psa::{AsymmetricSignature, Attributes, EccFamily, Hash, KeyType, SignHash};
use psc_client::{Auth, Client};
use psc_testkit::TestDaemon;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub const AGENT: &str = env!("CARGO_BIN_EXE_parsec-ssh-agent");

/// Fails loudly when an OpenSSH program is missing.
pub fn require(program: &str) -> String {
    for dir in ["/usr/bin", "/usr/sbin", "/bin", "/sbin"] {
        let path = Path::new(dir).join(program);
        if path.exists() {
            return path.display().to_string();
        }
    }
    panic!(
        "{program} is missing: install openssh-client and openssh-server (scripts/packages \
         does, as root)"
    );
}

/// A `parsec-ssh-agent -D` on a socket of its own; stopped (SIGTERM) on drop.
pub struct RunningAgent {
    pub child: Child,
    pub socket: PathBuf,
    pub log: PathBuf,
    pub dir: tempfile::TempDir,
}

impl RunningAgent {
    /// Starts the agent on `daemon` with the extra arguments, and waits for its variables.
    pub fn start(daemon: &TestDaemon, extra: &[&str]) -> RunningAgent {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let socket = dir.path().join("agent.sock");
        let log = dir.path().join("agent.log");
        let mut child = Command::new(AGENT)
            .arg("-D")
            .arg("-a")
            .arg(&socket)
            .arg("--log-file")
            .arg(&log)
            .args(extra)
            .env("PARSEC_SERVICE_ENDPOINT", daemon.endpoint())
            .env("RUST_LOG", "debug")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the agent starts");
        let stdout = child.stdout.take().expect("the agent's stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = lines
            .next()
            .and_then(Result::ok)
            .unwrap_or_else(|| panic!("the agent printed nothing; its log: {}", read(&log)));
        assert_eq!(
            first,
            format!("SSH_AUTH_SOCK={}; export SSH_AUTH_SOCK;", socket.display())
        );
        RunningAgent {
            child,
            socket,
            log,
            dir,
        }
    }

    /// An OpenSSH program run with `SSH_AUTH_SOCK` pointing at this agent.
    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new(require(program));
        command
            .env("SSH_AUTH_SOCK", &self.socket)
            .env_remove("SSH_AGENT_PID")
            .stdin(Stdio::null());
        command
    }

    /// Runs `ssh-add` with `args`.
    pub fn ssh_add(&self, args: &[&str]) -> Output {
        self.command("ssh-add")
            .args(args)
            .output()
            .expect("ssh-add runs")
    }

    /// `ssh-add -L`'s lines, or none when it fails (no identities).
    pub fn listed(&self) -> Vec<String> {
        let out = self.ssh_add(&["-L"]);
        if !out.status.success() {
            return Vec::new();
        }
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// The agent's log so far.
    pub fn log(&self) -> String {
        read(&self.log)
    }
}

impl Drop for RunningAgent {
    fn drop(&mut self) {
        if let Some(pid) = rustix::process::Pid::from_raw(self.child.id() as i32) {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
        let _ = self.child.wait();
    }
}

/// A file's text, or empty.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// A client of `daemon` as this user (peer credentials), or as a Direct application.
pub fn client(daemon: &TestDaemon, direct: Option<&str>) -> Client {
    let mut client = Client::new(daemon.socket_path());
    client
        .discover(Some("ssh-test"))
        .expect("the service answers");
    if let Some(name) = direct {
        client.set_auth(Auth::Direct(name.to_owned()));
    }
    client
}

/// Attributes of an ECDSA key on the SECP-R1 curve of `bits` signing with `hash`.
pub fn ecdsa(bits: u32, hash: Hash) -> Attributes {
    Attributes::signing_key(
        KeyType::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        },
        bits,
        AsymmetricSignature::Ecdsa {
            hash: SignHash::Specific(hash),
        },
    )
}

/// Attributes of an RSA-2048 PKCS#1 v1.5 signing key with any hash.
pub fn rsa() -> Attributes {
    Attributes::signing_key(
        KeyType::RsaKeyPair,
        2048,
        AsymmetricSignature::RsaPkcs1v15Sign {
            hash: SignHash::Any,
        },
    )
}

/// The `authorized_keys` line of a service key, as `parsec-tool ssh-public-key` prints it.
pub fn authorized_line(client: &Client, name: &str) -> String {
    let info = client
        .key_info(name)
        .expect("the service lists keys")
        .expect("the key exists");
    let exported = client.export_public_key(name).expect("the public key");
    let public = psc_ssh_agent::keys::public_key(&info.attributes, &exported).expect("an SSH key");
    ssh_key::PublicKey::new(public, name)
        .to_openssh()
        .expect("an OpenSSH line")
}

/// Runs a command and fails the test with its output when it fails.
pub fn run_ok(command: &mut Command) -> Output {
    let out = command.output().expect("the program runs");
    assert!(
        out.status.success(),
        "{command:?} failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
