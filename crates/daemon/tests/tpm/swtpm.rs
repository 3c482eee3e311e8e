//! A private swtpm for one test: a free loopback port, its state in a temporary directory,
//! stopped (SIGTERM, then waited for) when dropped.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process};

/// Where `swtpm_setup --createek` makes the RSA-2048 endorsement key persistent (the TCG
/// EK Credential Profile's handle).
pub(crate) const EK_HANDLE: &str = "0x81010001";

/// A running swtpm.
pub(crate) struct Swtpm {
    child: Option<Child>,
    state: PathBuf,
    port: u16,
    ctrl: u16,
}

/// Two consecutive ports free now on the loopback interface: the swtpm TCTI finds the
/// control port next to the server's.
fn free_ports() -> (u16, u16) {
    for _ in 0..100 {
        let a = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = a.local_addr().expect("address").port();
        if port < u16::MAX && TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return (port, port + 1);
        }
    }
    panic!("no two consecutive free loopback ports");
}

impl Swtpm {
    /// Starts swtpm on the state in `state` (created if empty: a new TPM). Fails the test
    /// loudly when swtpm is not installed: these tests never skip.
    pub(crate) fn start(state: &Path) -> Swtpm {
        std::fs::create_dir_all(state).expect("state directory");
        let (port, ctrl) = free_ports();
        let mut swtpm = Swtpm {
            child: None,
            state: state.to_owned(),
            port,
            ctrl,
        };
        swtpm.spawn();
        swtpm
    }

    /// Starts swtpm on a state that `swtpm_setup` manufactures in `state` first, with the
    /// TCG default endorsement keys (RSA-2048 persistent at [`EK_HANDLE`], and ECC P-256),
    /// as a TPM vendor ships them.
    pub(crate) fn manufactured(state: &Path) -> Swtpm {
        std::fs::create_dir_all(state).expect("state directory");
        let output = Command::new("swtpm_setup")
            .arg("--tpm2")
            .arg("--createek")
            .arg("--tpm-state")
            .arg(state)
            .output()
            .unwrap_or_else(|e| panic!("cannot run swtpm_setup ({e}): Debian package swtpm-tools"));
        assert!(
            output.status.success(),
            "swtpm_setup: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Swtpm::start(state)
    }

    fn spawn(&mut self) {
        let child = Command::new("swtpm")
            .arg("socket")
            .arg("--tpm2")
            .arg("--server")
            .arg(format!("type=tcp,port={},bindaddr=127.0.0.1", self.port))
            .arg("--ctrl")
            .arg(format!("type=tcp,port={},bindaddr=127.0.0.1", self.ctrl))
            .arg("--tpmstate")
            .arg(format!("dir={}", self.state.display()))
            .arg("--flags")
            .arg("not-need-init,startup-clear")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run swtpm ({e}): the TPM tests need it (Debian packages swtpm, \
                     swtpm-tools; scripts/test installs them)"
                )
            });
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        // The control port answers once the TPM has started; the server port is left alone
        // (swtpm serves one client at a time).
        while TcpStream::connect(("127.0.0.1", self.ctrl)).is_err() {
            if let Some(status) = self
                .child
                .as_mut()
                .and_then(|c| c.try_wait().ok().flatten())
            {
                panic!("swtpm exited at start: {status}");
            }
            assert!(Instant::now() < deadline, "swtpm did not start in 10 s");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The `tcti` option that reaches it.
    pub(crate) fn tcti(&self) -> String {
        format!("swtpm:host=127.0.0.1,port={}", self.port)
    }

    /// Stops swtpm (its state stays) and starts it again on the same state and ports: a
    /// TPM reset.
    pub(crate) fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    /// SIGKILL, as a TPM that goes away in the middle of a command: nothing is saved, the
    /// connection breaks. [`restart`](Self::restart) brings it back on the same state.
    pub(crate) fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGSTOP, as a TPM that hangs: its connection stays open and nothing answers.
    /// [`resume`](Self::resume) lets it go on.
    pub(crate) fn pause(&self) {
        self.signal(Signal::STOP);
    }

    /// SIGCONT: a paused swtpm answers what it was sent.
    pub(crate) fn resume(&self) {
        self.signal(Signal::CONT);
    }

    fn signal(&self, signal: Signal) {
        let child = self.child.as_ref().expect("swtpm runs");
        kill_process(pid(child), signal).expect("signal swtpm");
    }

    /// SIGTERM, then waits for the exit (swtpm saves its state and needs about a second).
    pub(crate) fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let pid = pid(&child);
            let _ = kill_process(pid, Signal::TERM);
            // A paused swtpm acts on the SIGTERM only once it runs again.
            let _ = kill_process(pid, Signal::CONT);
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                if child.try_wait().ok().flatten().is_some() {
                    break;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

fn pid(child: &Child) -> Pid {
    Pid::from_raw(i32::try_from(child.id()).expect("pid")).expect("pid")
}

impl Drop for Swtpm {
    fn drop(&mut self) {
        self.stop();
    }
}
