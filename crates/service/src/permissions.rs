//! Start-up checks of the permissions around what the service keeps on disk and where it
//! listens, run by [`Service::start`](crate::Service::start) before any store is opened (so
//! at every start and every reload).
//!
//! | path | refused | warned |
//! |---|---|---|
//! | key store file (and its `-wal`, `-shm` files) | group or others can write it | group or others can read it |
//! | key store directory | group or others can write it (even sticky: they could plant the `-wal` file) | group or others can list it |
//! | the software provider's master key directory | group or others can write it (even sticky: they could plant a master key of their own before the first start) | — |
//! | socket directory (or, if absent, its nearest existing ancestor) | others can write it and it is not sticky | group can write it and it is not sticky |
//!
//! Writing the store lets someone delete keys, or put back an older record of a key (its
//! sealed blob still opens under the same owner and attributes), so it is refused. Reading it
//! reveals key names, owners and policies but no key (each is sealed), so it is a warning.
//! Whoever can write the socket's directory without the sticky bit can replace the socket
//! with one of their own and answer every client in the service's place; that is refused for
//! others and a warning for the group (a `parsec-clients` group may be trusted that far).
//! Whoever can write the master key's directory can swap the master key for one they know:
//! every key created afterwards would be sealed under it. The master key file itself is
//! checked by the software provider, more strictly (any group or other access is refused).
//!
//! Every one of those paths (the key store's files and directory, the master key and its
//! directory, the socket's directory) must also be owned by the service's effective user or
//! by root, see [`owner`]: whoever owns a path can change its mode, and may have put a
//! master key or a store of their own there before the first start.

use std::fmt;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::config::Config;

/// Group or others may write.
const GROUP_OTHER_WRITE: u32 = 0o022;
/// Group or others may read.
const GROUP_OTHER_READ: u32 = 0o044;
const OTHER_WRITE: u32 = 0o002;
const GROUP_WRITE: u32 = 0o020;
const STICKY: u32 = 0o1000;

/// A path whose permissions stop the service from starting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PermissionError {
    /// Group or others can write the key store file or its directory, or the master key's
    /// directory.
    #[error(
        "{kind} {} has mode {mode:04o}: group or others can write it, and {}; fix it with \
         `{fix}`",
        .path.display(), .kind.write_risk()
    )]
    Writable {
        /// File or directory.
        kind: Kind,
        /// The path.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
        /// The command that fixes it.
        fix: String,
    },
    /// Others can write the socket's directory, which is not sticky.
    #[error(
        "socket directory {} has mode {mode:04o}: any local user can replace the socket in it \
         with their own and pose as the service; fix it with `{fix}` (or make it sticky: \
         `chmod +t {}`)",
        .path.display(), .path.display()
    )]
    WritableSocketDir {
        /// The directory.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
        /// The command that fixes it.
        fix: String,
    },
    /// A checked path is owned by neither the service's user nor root.
    #[error(
        "{kind} {} is owned by uid {owner}, not by the service's user (uid {service}) or \
         root: its owner {}; fix it with `{fix}`",
        .path.display(), .kind.write_risk()
    )]
    Owner {
        /// What the path is.
        kind: Kind,
        /// The path.
        path: PathBuf,
        /// Its owner.
        owner: u32,
        /// The service's effective user.
        service: u32,
        /// The command that fixes it.
        fix: String,
    },
    /// A path could not be inspected.
    #[error("cannot inspect {}: {source}", .path.display())]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

/// What a checked path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Kind {
    /// The key store's database file, or one of its `-wal` and `-shm` companions.
    StoreFile,
    /// The directory holding the key store.
    StoreDir,
    /// The directory holding the socket.
    SocketDir,
    /// The directory holding the software provider's master key.
    MasterKeyDir,
    /// The software provider's master key file.
    MasterKey,
}

impl Kind {
    /// What someone who can write a path of this kind can do.
    fn write_risk(self) -> &'static str {
        match self {
            Kind::StoreFile | Kind::StoreDir => "could delete keys or put back old key records",
            Kind::SocketDir => "could replace the socket and pose as the service",
            Kind::MasterKeyDir => {
                "could replace the master key with one they know, and read every key sealed \
                 after that"
            }
            Kind::MasterKey => "may know the master key, and read every key sealed under it",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::StoreFile => "key store file",
            Kind::StoreDir => "key store directory",
            Kind::SocketDir => "socket directory",
            Kind::MasterKeyDir => "master key directory",
            Kind::MasterKey => "master key",
        })
    }
}

/// A permission the service starts with, but the administrator should fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warning {
    /// What the path is.
    pub kind: Kind,
    /// The path.
    pub path: PathBuf,
    /// Its permission bits.
    pub mode: u32,
    /// The command that fixes it.
    pub fix: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let risk = match self.kind {
            Kind::StoreFile | Kind::StoreDir => {
                "group or others can read it (key names, owners and policies; the keys \
                 themselves are sealed)"
            }
            Kind::SocketDir => "its group can replace the socket in it and pose as the service",
            Kind::MasterKeyDir | Kind::MasterKey => "group or others can read it",
        };
        write!(
            f,
            "{} {} has mode {:04o}: {risk}; fix it with `{}`",
            self.kind,
            self.path.display(),
            self.mode,
            self.fix
        )
    }
}

/// Checks every configured key store and the socket's directory.
///
/// # Errors
/// The first path whose permissions refuse the start (see the module documentation), or
/// one that cannot be inspected.
pub fn check(config: &Config) -> Result<Vec<Warning>, PermissionError> {
    let mut warnings = Vec::new();
    let mut stores: Vec<&Path> = config.providers.iter().map(|p| &*p.key_store).collect();
    stores.sort();
    stores.dedup();
    for store in stores {
        check_store(store, &mut warnings)?;
    }
    check_socket_dir(&config.socket_path, &mut warnings)?;
    Ok(warnings)
}

/// Checks a file holding a provider's root secret (the software provider's master key), as
/// the provider's factory names it (`ProviderFactory::secret_files`): owned by the service's
/// user or root, in a directory group and others cannot write. The service calls it for each
/// provider at every start and reload, before the provider is built.
///
/// # Errors
/// The file or directory that refuses the start, or one that cannot be inspected.
pub fn check_secret_file(path: &Path) -> Result<(), PermissionError> {
    owner::check(Kind::MasterKey, path)?;
    check_master_key_dir(path)
}

/// The store's files that exist, then its directory if it exists (the store creates a
/// missing one private).
fn check_store(path: &Path, warnings: &mut Vec<Warning>) -> Result<(), PermissionError> {
    let mut files = vec![path.to_owned()];
    for suffix in ["-wal", "-shm"] {
        let mut companion = path.as_os_str().to_owned();
        companion.push(suffix);
        files.push(companion.into());
    }
    for file in files {
        owner::check(Kind::StoreFile, &file)?;
        if let Some(mode) = mode_of(&file)? {
            private(Kind::StoreFile, file, mode, warnings)?;
        }
    }
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => match mode_of(dir)? {
            Some(mode) => {
                owner::check(Kind::StoreDir, dir)?;
                private(Kind::StoreDir, dir.to_owned(), mode, warnings)
            }
            None => Ok(()),
        },
        None => Ok(()),
    }
}

/// Refuses group or other write access; warns about group or other read access.
fn private(
    kind: Kind,
    path: PathBuf,
    mode: u32,
    warnings: &mut Vec<Warning>,
) -> Result<(), PermissionError> {
    let fix = format!(
        "chmod {} {}",
        if kind == Kind::StoreDir { "700" } else { "600" },
        path.display()
    );
    if mode & GROUP_OTHER_WRITE != 0 {
        return Err(PermissionError::Writable {
            kind,
            path,
            mode,
            fix,
        });
    }
    if mode & GROUP_OTHER_READ != 0 {
        warnings.push(Warning {
            kind,
            path,
            mode,
            fix,
        });
    }
    Ok(())
}

/// The master key's directory, if it exists (the provider creates a missing one private):
/// writable by group or others, sticky or not, is refused.
fn check_master_key_dir(master_key: &Path) -> Result<(), PermissionError> {
    let Some(dir) = master_key.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    owner::check(Kind::MasterKeyDir, dir)?;
    match mode_of(dir)? {
        Some(mode) if mode & GROUP_OTHER_WRITE != 0 => Err(PermissionError::Writable {
            kind: Kind::MasterKeyDir,
            path: dir.to_owned(),
            mode,
            fix: format!("chmod 700 {}", dir.display()),
        }),
        _ => Ok(()),
    }
}

/// The socket's directory, or the nearest ancestor that exists when the daemon is about to
/// create it: writable by others without the sticky bit is refused, by the group a warning.
fn check_socket_dir(socket: &Path, warnings: &mut Vec<Warning>) -> Result<(), PermissionError> {
    for dir in socket.ancestors().skip(1) {
        if dir.as_os_str().is_empty() {
            continue;
        }
        let Some(mode) = mode_of(dir)? else { continue };
        owner::check(Kind::SocketDir, dir)?;
        let path = dir.to_owned();
        if mode & STICKY == 0 && mode & OTHER_WRITE != 0 {
            let fix = format!("chmod o-w {}", path.display());
            return Err(PermissionError::WritableSocketDir { path, mode, fix });
        }
        if mode & STICKY == 0 && mode & GROUP_WRITE != 0 {
            let fix = format!("chmod g-w {}", path.display());
            warnings.push(Warning {
                kind: Kind::SocketDir,
                path,
                mode,
                fix,
            });
        }
        return Ok(());
    }
    Ok(())
}

/// The permission bits of `path` (following symbolic links), `None` if it does not exist.
fn mode_of(path: &Path) -> Result<Option<u32>, PermissionError> {
    match std::fs::metadata(path) {
        Ok(meta) => Ok(Some(meta.permissions().mode() & 0o7777)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(PermissionError::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

pub mod owner;
#[cfg(test)]
mod tests;
