//! The checks on real files: a real key store (SQLite, with its WAL files) in a temporary
//! directory, modes set with chmod.

use std::error::Error;
use std::fs::Permissions;
use std::os::unix::fs::PermissionsExt;

use super::*;
use crate::config::ProviderConfig;
use crate::keystore::KeyStore;

type TestResult = Result<(), Box<dyn Error>>;

/// A deployment in `dir`: the key store in `dir/store`, the socket in `dir/run`.
struct Layout {
    dir: tempfile::TempDir,
    config: Config,
    /// Open, so its `-wal` and `-shm` files exist as while the service runs.
    _store: KeyStore,
}

impl Layout {
    fn new() -> Result<Layout, Box<dyn Error>> {
        let dir = tempfile::tempdir()?;
        let store = dir.path().join("store").join("keys.sqlite3");
        let (opened, _) = KeyStore::open(&store)?;
        let config = Config {
            socket_path: dir.path().join("run").join("parsec.sock"),
            providers: vec![ProviderConfig::software(&store)],
            ..Config::default()
        };
        Ok(Layout {
            dir,
            config,
            _store: opened,
        })
    }

    fn store(&self) -> PathBuf {
        self.dir.path().join("store").join("keys.sqlite3")
    }

    fn store_dir(&self) -> PathBuf {
        self.dir.path().join("store")
    }
}

fn chmod(path: &Path, mode: u32) -> io::Result<()> {
    std::fs::set_permissions(path, Permissions::from_mode(mode))
}

/// Asserts that the message names the path, its mode and the fix.
fn names_all(message: &str, path: &Path, mode: u32, fix: &str) {
    for part in [
        path.display().to_string(),
        format!("{mode:04o}"),
        fix.into(),
    ] {
        assert!(message.contains(&part), "{part:?} missing from: {message}");
    }
}

#[test]
fn a_private_layout_passes_without_warnings() -> TestResult {
    let layout = Layout::new()?;
    for companion in ["-wal", "-shm"] {
        let mut path = layout.store().into_os_string();
        path.push(companion);
        assert!(
            Path::new(&path).exists(),
            "the store has no {companion} file"
        );
    }
    assert_eq!(check(&layout.config)?, []);
    Ok(())
}

#[test]
fn a_store_file_writable_by_group_or_others_is_refused_with_the_fix() -> TestResult {
    let layout = Layout::new()?;
    let store = layout.store();
    for mode in [0o666, 0o620, 0o602, 0o660] {
        chmod(&store, mode)?;
        let error = check(&layout.config).err().ok_or("accepted")?;
        match &error {
            PermissionError::Writable {
                kind,
                path,
                mode: found,
                ..
            } => assert_eq!((*kind, path, *found), (Kind::StoreFile, &store, mode)),
            other => panic!("mode {mode:o}: {other:?}"),
        }
        let fix = format!("chmod 600 {}", store.display());
        names_all(&error.to_string(), &store, mode, &fix);
    }
    Ok(())
}

#[test]
fn a_store_file_readable_by_group_or_others_is_a_warning_naming_it() -> TestResult {
    let layout = Layout::new()?;
    let store = layout.store();
    for mode in [0o640, 0o604, 0o644, 0o400 | 0o040] {
        chmod(&store, mode)?;
        let warnings = check(&layout.config)?;
        let [warning] = warnings.as_slice() else {
            panic!("mode {mode:o}: {warnings:?}");
        };
        assert_eq!(
            (warning.kind, &warning.path, warning.mode),
            (Kind::StoreFile, &store, mode)
        );
        let fix = format!("chmod 600 {}", store.display());
        names_all(&warning.to_string(), &store, mode, &fix);
    }
    Ok(())
}

#[test]
fn a_writable_wal_file_is_refused_too() -> TestResult {
    let layout = Layout::new()?;
    let mut wal = layout.store().into_os_string();
    wal.push("-wal");
    let wal = PathBuf::from(wal);
    chmod(&wal, 0o666)?;
    match check(&layout.config) {
        Err(PermissionError::Writable { kind, path, .. }) => {
            assert_eq!((kind, path), (Kind::StoreFile, wal));
        }
        other => panic!("{other:?}"),
    }
    Ok(())
}

#[test]
fn the_store_directory_is_checked_like_the_file() -> TestResult {
    let layout = Layout::new()?;
    let dir = layout.store_dir();
    // Sticky does not help: others could still create the store's -wal file first.
    for mode in [0o777, 0o770, 0o1777, 0o730] {
        chmod(&dir, mode)?;
        match check(&layout.config) {
            Err(error @ PermissionError::Writable { .. }) => {
                let fix = format!("chmod 700 {}", dir.display());
                names_all(&error.to_string(), &dir, mode, &fix);
            }
            other => panic!("mode {mode:o}: {other:?}"),
        }
    }
    chmod(&dir, 0o755)?;
    let warnings = check(&layout.config)?;
    assert_eq!(
        warnings
            .iter()
            .map(|w| (w.kind, &w.path, w.mode))
            .collect::<Vec<_>>(),
        [(Kind::StoreDir, &dir, 0o755)]
    );
    Ok(())
}

#[test]
fn a_socket_directory_others_can_write_is_refused_unless_sticky() -> TestResult {
    let layout = Layout::new()?;
    let run = layout.dir.path().join("run");
    std::fs::create_dir(&run)?;
    chmod(&run, 0o777)?;
    match check(&layout.config) {
        Err(error @ PermissionError::WritableSocketDir { .. }) => {
            let fix = format!("chmod o-w {}", run.display());
            names_all(&error.to_string(), &run, 0o777, &fix);
        }
        other => panic!("{other:?}"),
    }
    // Sticky, like /tmp: nobody can remove or rename another's socket.
    chmod(&run, 0o1777)?;
    assert_eq!(check(&layout.config)?, []);
    // The group can: a warning.
    chmod(&run, 0o775)?;
    let warnings = check(&layout.config)?;
    let [warning] = warnings.as_slice() else {
        panic!("{warnings:?}");
    };
    assert_eq!((warning.kind, &warning.path), (Kind::SocketDir, &run));
    names_all(
        &warning.to_string(),
        &run,
        0o775,
        &format!("chmod g-w {}", run.display()),
    );
    Ok(())
}

#[test]
fn a_missing_socket_directory_is_judged_by_its_nearest_ancestor() -> TestResult {
    let layout = Layout::new()?;
    let parent = layout.dir.path();
    chmod(parent, 0o777)?;
    let refused = check(&layout.config);
    chmod(parent, 0o700)?;
    match refused {
        Err(PermissionError::WritableSocketDir { path, mode, .. }) => {
            assert_eq!((path.as_path(), mode), (parent, 0o777));
        }
        other => panic!("{other:?}"),
    }
    Ok(())
}

#[test]
fn a_master_key_directory_group_or_others_can_write_is_refused() -> TestResult {
    let mut layout = Layout::new()?;
    let dir = layout.dir.path().join("master");
    std::fs::create_dir(&dir)?;
    layout.config.providers[0].kind = ProviderKind::Software {
        master_key_path: dir.join("master.key"),
        key_cache_size: 0,
        min_rsa_bits: 1024,
    };
    chmod(&dir, 0o700)?;
    assert_eq!(check(&layout.config)?, []);
    // Sticky does not help: others could put their own key there before the first start.
    for mode in [0o770, 0o777, 0o1777] {
        chmod(&dir, mode)?;
        let error = check(&layout.config).err().ok_or("accepted")?;
        assert!(
            matches!(&error, PermissionError::Writable { kind: Kind::MasterKeyDir, path, .. } if *path == dir),
            "{error:?}"
        );
        let fix = format!("chmod 700 {}", dir.display());
        names_all(&error.to_string(), &dir, mode, &fix);
    }
    Ok(())
}
