//! The host master key file: 32 random bytes, mode 0600, loaded or created once at start
//! (created only for a key store holding none of the provider's keys: the service says which).
//!
//! The file is the root of every sealed key, so the provider refuses to start on a file that
//! group or others could read or write, or one of the wrong size, rather than guess. A new file
//! is written whole under a temporary name and then linked into place, so a crash never leaves
//! a half-written key and two daemons starting together cannot overwrite each other's key.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

/// The master key's length in bytes (an AES-256 key).
pub(crate) const MASTER_KEY_LEN: usize = 32;

/// Key bytes, wiped when dropped.
pub(crate) type MasterKeyBytes = Zeroizing<[u8; MASTER_KEY_LEN]>;

/// Why the software provider could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The master key file is readable or writable by group or others.
    #[error(
        "master key file {} has mode {mode:03o}, open to group or others; fix it with `chmod 600 {}`",
        .path.display(), .path.display()
    )]
    Permissions {
        /// The master key file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The master key file does not hold exactly 32 bytes.
    #[error(
        "master key file {} holds {len} bytes instead of 32: restore the right file (moving it \
         away makes a new key, and every key sealed under the old one is lost)",
        .path.display()
    )]
    WrongSize {
        /// The master key file.
        path: PathBuf,
        /// Its length in bytes.
        len: u64,
    },
    /// The master key file is missing while the key store holds keys sealed under it.
    #[error(
        "master key file {} is missing, and the key store holds keys sealed under it: restore \
         the file (a new master key would make every one of those keys unusable)",
        .path.display()
    )]
    Missing {
        /// The master key file.
        path: PathBuf,
    },
    /// The master key path names something other than a regular file.
    #[error("master key path {} is not a regular file", .path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// A file system operation failed.
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        /// What was being done, e.g. "read the master key file".
        action: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The random generator or the cipher failed to initialise.
    #[error("the crypto library failed: {0}")]
    Crypto(&'static str),
}

/// Loads the master key at `path`; if absent, creates it (and its directory, mode 0700) when
/// `may_create`, and answers [`OpenError::Missing`] otherwise.
pub(crate) fn load_or_create(path: &Path, may_create: bool) -> Result<MasterKeyBytes, OpenError> {
    match File::open(path) {
        Ok(file) => read_key(file, path),
        Err(err) if err.kind() == io::ErrorKind::NotFound && may_create => create(path),
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            Err(OpenError::Missing { path: path.into() })
        }
        Err(err) => Err(io_error("open the master key file", path, err)),
    }
}

/// Checks the open file's type, mode and size, then reads it.
fn read_key(mut file: File, path: &Path) -> Result<MasterKeyBytes, OpenError> {
    let meta = file
        .metadata()
        .map_err(|err| io_error("inspect the master key file", path, err))?;
    if !meta.is_file() {
        return Err(OpenError::NotAFile { path: path.into() });
    }
    let mode = meta.permissions().mode() & 0o7777;
    if mode & 0o077 != 0 {
        return Err(OpenError::Permissions {
            path: path.into(),
            mode,
        });
    }
    if meta.len() != MASTER_KEY_LEN as u64 {
        return Err(OpenError::WrongSize {
            path: path.into(),
            len: meta.len(),
        });
    }
    let mut key = Zeroizing::new([0u8; MASTER_KEY_LEN]);
    file.read_exact(key.as_mut())
        .map_err(|err| io_error("read the master key file", path, err))?;
    Ok(key)
}

/// Creates a fresh random key at `path`; if another process publishes one first, uses theirs.
fn create(path: &Path) -> Result<MasterKeyBytes, OpenError> {
    let dir = parent_dir(path);
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|err| io_error("create the master key directory", dir, err))?;
    let mut key = Zeroizing::new([0u8; MASTER_KEY_LEN]);
    aws_lc_rs::rand::fill(key.as_mut())
        .map_err(|_| OpenError::Crypto("no random bytes for the master key"))?;
    let temp = temp_path(path)?;
    let published = publish(&temp, path, key.as_ref());
    // Best effort: the temporary name is random and never read again.
    let _ = fs::remove_file(&temp);
    if published? {
        sync_dir(dir)?;
        Ok(key)
    } else {
        let file = File::open(path).map_err(|e| io_error("open the master key file", path, e))?;
        read_key(file, path)
    }
}

/// Writes `bytes` to `temp` (new, mode 0600, flushed), then links it to `path`. Answers
/// `false` when `path` already exists: another process won the race.
fn publish(temp: &Path, path: &Path, bytes: &[u8]) -> Result<bool, OpenError> {
    write_new(temp, bytes).map_err(|err| io_error("write the new master key file", temp, err))?;
    // A hard link is a rename that refuses to replace an existing file.
    match fs::hard_link(temp, path) {
        Ok(()) => Ok(true),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(err) => Err(io_error("put the new master key file in place", path, err)),
    }
}

/// Creates `path` with mode 0600, writes `bytes` and flushes them to disk.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// A fresh name in the same directory, so that linking it into place stays on one file system.
fn temp_path(path: &Path) -> Result<PathBuf, OpenError> {
    let name = path
        .file_name()
        .ok_or_else(|| OpenError::NotAFile { path: path.into() })?;
    let mut suffix = [0u8; 8];
    aws_lc_rs::rand::fill(&mut suffix)
        .map_err(|_| OpenError::Crypto("no random bytes for a temporary name"))?;
    let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    let mut temp = std::ffi::OsString::from(".");
    temp.push(name);
    temp.push(format!(".{suffix}.tmp"));
    Ok(parent_dir(path).join(temp))
}

/// The directory holding `path` (the current directory for a bare file name).
fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Flushes the directory entry of a newly published file.
fn sync_dir(dir: &Path) -> Result<(), OpenError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|err| io_error("flush the master key directory", dir, err))
}

fn io_error(action: &'static str, path: &Path, source: io::Error) -> OpenError {
    OpenError::Io {
        action,
        path: path.into(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_file_name_lives_in_the_current_directory() {
        assert_eq!(parent_dir(Path::new("master.key")), Path::new("."));
        assert_eq!(
            parent_dir(Path::new("/var/lib/psc/master.key")),
            Path::new("/var/lib/psc")
        );
    }

    #[test]
    fn temporary_names_are_hidden_siblings_and_unique() -> Result<(), OpenError> {
        let path = Path::new("/var/lib/psc/master.key");
        let (a, b) = (temp_path(path)?, temp_path(path)?);
        assert_ne!(a, b);
        assert_eq!(a.parent(), path.parent());
        let name = a.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        assert!(
            name.starts_with(".master.key.") && name.ends_with(".tmp"),
            "{name}"
        );
        Ok(())
    }
}
