//! A SoftHSM2 token for tests, made fresh in a temporary directory: its own `softhsm2.conf`
//! (pointed to by `SOFTHSM2_CONF`, which the test passes to the process that loads the
//! library) and token directory, initialised with `softhsm2-util --init-token --free`.
//!
//! SoftHSM2 missing is a failure, never a skip: `scripts/test` installs it on a fresh
//! machine, and a developer without it sees what to install. The daemon's tests include this
//! file by path, so it uses only the standard library and `tempfile`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where Debian's `softhsm2` package puts the module.
pub const SOFTHSM2_LIBRARY: &str = "/usr/lib/softhsm/libsofthsm2.so";

/// The user PIN of every test token.
pub const USER_PIN: &str = "psc-user-1234";

/// One initialised token in a temporary directory (removed on drop).
#[derive(Debug)]
pub struct SoftHsm {
    dir: tempfile::TempDir,
    serial: String,
    label: String,
}

impl SoftHsm {
    /// Makes the configuration and token directory, and initialises a token labelled
    /// `label` with [`USER_PIN`].
    ///
    /// # Panics
    /// When SoftHSM2 is not installed or the token cannot be initialised: the message says
    /// what to install.
    pub fn new(label: &str) -> SoftHsm {
        assert!(
            Path::new(SOFTHSM2_LIBRARY).is_file(),
            "SoftHSM2 is not installed ({SOFTHSM2_LIBRARY} is missing): the PKCS#11 tests need \
             it. Install Debian's softhsm2 package (scripts/test does, as root)."
        );
        let dir = tempfile::tempdir().expect("a temporary directory");
        let tokens = dir.path().join("tokens");
        std::fs::create_dir(&tokens).expect("the token directory");
        let hsm = SoftHsm {
            dir,
            serial: String::new(),
            label: label.to_owned(),
        };
        std::fs::write(
            hsm.conf(),
            format!(
                "directories.tokendir = {}\nobjectstore.backend = file\nlog.level = ERROR\n\
                 slots.removable = false\n",
                tokens.display()
            ),
        )
        .expect("softhsm2.conf");
        let init = hsm
            .util()
            .args(["--init-token", "--free", "--label", label])
            .args(["--pin", USER_PIN, "--so-pin", "psc-so-5678"])
            .output()
            .expect("softhsm2-util runs (Debian package softhsm2)");
        assert!(
            init.status.success(),
            "softhsm2-util --init-token failed: {}",
            String::from_utf8_lossy(&init.stderr)
        );
        let serial = hsm.find_serial();
        SoftHsm { serial, ..hsm }
    }

    /// `softhsm2-util` on this token's configuration.
    fn util(&self) -> Command {
        let mut command = Command::new("softhsm2-util");
        command.env("SOFTHSM2_CONF", self.conf());
        command
    }

    /// The serial number `--show-slots` gives the token with our label.
    fn find_serial(&self) -> String {
        let shown = self
            .util()
            .arg("--show-slots")
            .output()
            .expect("softhsm2-util --show-slots");
        let text = String::from_utf8_lossy(&shown.stdout);
        // Each slot's block gives the serial number, then the label.
        let mut serial = "";
        for line in text.lines().map(str::trim) {
            if let Some(value) = line.strip_prefix("Serial number:") {
                serial = value.trim();
            }
            if let Some(label) = line.strip_prefix("Label:")
                && label.trim() == self.label
                && !serial.is_empty()
            {
                return serial.to_owned();
            }
        }
        panic!(
            "no token labelled {:?} in softhsm2-util --show-slots:\n{text}",
            self.label
        );
    }

    /// The `softhsm2.conf` to pass as `SOFTHSM2_CONF`.
    pub fn conf(&self) -> PathBuf {
        self.dir.path().join("softhsm2.conf")
    }

    /// The token's serial number.
    pub fn serial(&self) -> &str {
        &self.serial
    }

    /// The token's label.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The `[[provider]]` table for this token, as the original's configuration has it.
    pub fn provider_table(&self, key_info_manager: Option<&str>) -> String {
        provider_table(&self.serial, key_info_manager)
    }
}

/// The `[[provider]]` table for the test token with serial number `serial`.
pub fn provider_table(serial: &str, key_info_manager: Option<&str>) -> String {
    let manager = key_info_manager
        .map(|name| format!("key_info_manager = \"{name}\"\n"))
        .unwrap_or_default();
    format!(
        "[[provider]]\nname = \"pkcs11-provider\"\nprovider_type = \"Pkcs11\"\n{manager}\
         library_path = \"{SOFTHSM2_LIBRARY}\"\nserial_number = \"{serial}\"\n\
         user_pin = \"str:{USER_PIN}\"\nsoftware_public_operations = false\n\
         allow_export = true\n"
    )
}
