//! Start-up permission checks, on the real binary and real files (issue 7): a key store that
//! group or others can write, or a socket directory anyone can write without the sticky
//! bit, or a master key directory group or others can write, stops the start with one error
//! naming the path, its mode and the fix, before the socket is bound; a key store they can
//! read is a warning and the daemon serves.

// Test code (and the shared helpers in `common`): a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::error::Error;
use std::fs::Permissions;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

mod common;

use common::{Daemon, Options, Site, naked_client};

type TestResult = Result<(), Box<dyn Error>>;

fn chmod(path: &Path, mode: u32) -> std::io::Result<()> {
    std::fs::set_permissions(path, Permissions::from_mode(mode))
}

/// A site whose key store exists: the daemon started on it once.
fn site_with_a_store() -> Site {
    let site = Site::new();
    site.write_config(&site.original_config(&Options::default()));
    Daemon::start(&site).stop();
    assert!(site.store().exists(), "the first start made no key store");
    site
}

/// Starts the daemon, which must exit with a failure; answers its stderr.
fn refused_start(site: &Site) -> String {
    let mut daemon = Daemon::spawn(Daemon::command(site, &[]));
    let status = daemon.wait_exit();
    let stderr = daemon.stderr();
    assert!(!status.success(), "the daemon started; stderr:\n{stderr}");
    assert!(
        !site.socket().exists(),
        "the socket was bound before the refusal"
    );
    stderr
}

fn assert_names(stderr: &str, parts: &[String]) {
    for part in parts {
        assert!(
            stderr.contains(part),
            "{part:?} missing from stderr:\n{stderr}"
        );
    }
}

#[test]
fn a_key_store_group_or_others_can_write_stops_the_start_with_the_fix() -> TestResult {
    let site = site_with_a_store();
    let store = site.store();
    for mode in [0o666, 0o620] {
        chmod(&store, mode)?;
        let stderr = refused_start(&site);
        assert_names(
            &stderr,
            &[
                "ERROR".into(),
                format!("key store file {}", store.display()),
                format!("mode {mode:04o}"),
                format!("`chmod 600 {}`", store.display()),
            ],
        );
    }
    // Fixed as the message says, the daemon starts.
    chmod(&store, 0o600)?;
    Daemon::start(&site).stop();
    Ok(())
}

#[test]
fn a_key_store_directory_others_can_write_stops_the_start() -> TestResult {
    let site = site_with_a_store();
    let dir = site.store().parent().ok_or("no directory")?.to_owned();
    chmod(&dir, 0o777)?;
    let stderr = refused_start(&site);
    assert_names(
        &stderr,
        &[
            format!("key store directory {}", dir.display()),
            "mode 0777".into(),
            format!("`chmod 700 {}`", dir.display()),
        ],
    );
    Ok(())
}

#[test]
fn a_key_store_others_can_read_is_a_warning_and_the_daemon_serves() -> TestResult {
    let site = site_with_a_store();
    let store = site.store();
    chmod(&store, 0o644)?;
    let mut daemon = Daemon::start(&site);
    assert_eq!(naked_client(&site.socket()).ping()?, (1, 0));
    let stderr = daemon.wait_stderr("key store file");
    let warning = stderr
        .lines()
        .find(|line| line.contains("key store file"))
        .ok_or("no warning line")?;
    assert_names(
        warning,
        &[
            "WARN".into(),
            store.display().to_string(),
            "mode 0644".into(),
            "can read it".into(),
            format!("`chmod 600 {}`", store.display()),
        ],
    );
    daemon.stop();
    Ok(())
}

#[test]
fn a_socket_directory_anyone_can_write_stops_the_start_unless_sticky() -> TestResult {
    let site = Site::new();
    site.write_config(&site.original_config(&Options::default()));
    let dir = site.socket().parent().ok_or("no directory")?.to_owned();
    std::fs::create_dir_all(&dir)?;
    chmod(&dir, 0o777)?;
    let stderr = refused_start(&site);
    assert_names(
        &stderr,
        &[
            format!("socket directory {}", dir.display()),
            "mode 0777".into(),
            format!("`chmod o-w {}`", dir.display()),
            "pose as the service".into(),
        ],
    );
    // Sticky, as /tmp is: nobody can remove or rename another user's socket.
    chmod(&dir, 0o1777)?;
    Daemon::start(&site).stop();
    Ok(())
}

#[test]
fn a_master_key_directory_others_can_write_stops_the_start() -> TestResult {
    let site = Site::new();
    let options = Options {
        master_key_option: true,
        ..Options::default()
    };
    site.write_config(&site.original_config(&options));
    Daemon::start(&site).stop();
    let dir = site.master_key().parent().ok_or("no directory")?.to_owned();
    chmod(&dir, 0o1777)?;
    let stderr = refused_start(&site);
    assert_names(
        &stderr,
        &[
            format!("master key directory {}", dir.display()),
            "mode 1777".into(),
            "replace the master key".into(),
            format!("`chmod 700 {}`", dir.display()),
        ],
    );
    Ok(())
}

/// The user another local account runs as in the ownership tests: `nobody`.
const OTHER_UID: u32 = 65534;

/// Whether the ownership tests can run: they hand files to another user, which needs root.
/// Off only when asked (`PSC_SKIP_ROOT_TESTS=1`); otherwise not being root fails the test.
fn can_chown() -> bool {
    if std::env::var_os("PSC_SKIP_ROOT_TESTS").is_some() {
        eprintln!("switched off by PSC_SKIP_ROOT_TESTS");
        return false;
    }
    assert!(
        rustix::process::geteuid().is_root(),
        "the ownership tests give files to another user and need root; set \
         PSC_SKIP_ROOT_TESTS=1 to switch them off"
    );
    true
}

fn chown(path: &Path, uid: u32) -> std::io::Result<()> {
    std::os::unix::fs::chown(path, Some(uid), None)
}

/// The refusal names the path, what it is, its owner and the `chown` that fixes it.
fn assert_owner_refused(site: &Site, kind: &str, path: &Path) {
    let stderr = refused_start(site);
    let service = rustix::process::geteuid().as_raw();
    assert_names(
        &stderr,
        &[
            "ERROR".into(),
            format!("{kind} {} is owned by uid {OTHER_UID}", path.display()),
            format!("`chown {service} {}`", path.display()),
        ],
    );
}

#[test]
fn a_data_directory_another_user_prepared_stops_the_start_with_the_chown() -> TestResult {
    if !can_chown() {
        return Ok(());
    }
    // Another user got there first: the store's directory, and a master key it knows in a
    // directory of its own, all private to it (the modes alone are what the service wants).
    let site = Site::new();
    site.write_config(&site.original_config(&Options {
        master_key_option: true,
        ..Options::default()
    }));
    let store_dir = site.store().parent().ok_or("no directory")?.to_owned();
    let master_dir = site.master_key().parent().ok_or("no directory")?.to_owned();
    for dir in [&store_dir, &master_dir] {
        std::fs::create_dir_all(dir)?;
        chmod(dir, 0o700)?;
    }
    std::fs::write(site.master_key(), [0x41; 32])?;
    chmod(&site.master_key(), 0o600)?;
    for path in [&store_dir, &master_dir, &site.master_key()] {
        chown(path, OTHER_UID)?;
    }
    // Each is refused in turn, and fixed as the message says.
    for (kind, path) in [
        ("key store directory", store_dir),
        ("master key", site.master_key()),
        ("master key directory", master_dir),
    ] {
        assert_owner_refused(&site, kind, &path);
        chown(&path, rustix::process::geteuid().as_raw())?;
    }
    Daemon::start(&site).stop();
    // The files SQLite made are checked too: the store file given away is refused.
    let store = site.store();
    chown(&store, OTHER_UID)?;
    assert_owner_refused(&site, "key store file", &store);
    chown(&store, 0)?;
    Daemon::start(&site).stop();
    Ok(())
}

#[test]
fn a_socket_directory_another_user_owns_stops_the_start() -> TestResult {
    if !can_chown() {
        return Ok(());
    }
    let site = Site::new();
    site.write_config(&site.original_config(&Options::default()));
    let dir = site.socket().parent().ok_or("no directory")?.to_owned();
    std::fs::create_dir_all(&dir)?;
    chmod(&dir, 0o755)?;
    chown(&dir, OTHER_UID)?;
    assert_owner_refused(&site, "socket directory", &dir);
    chown(&dir, 0)?;
    Daemon::start(&site).stop();
    Ok(())
}
