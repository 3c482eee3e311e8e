//! The key store's lock file: `<store>.lock` beside the database, locked exclusively (`flock`)
//! for as long as the store is open, so that two instances never serve one store. The holder
//! writes its PID into the file, for the refusal message of the next one.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::StoreError;

/// The lock, held until dropped (the kernel releases it when the process ends, however).
#[derive(Debug)]
pub(super) struct StoreLock {
    _file: File,
}

/// The lock file of the store at `store`: its name with `.lock` appended.
pub(super) fn lock_path(store: &Path) -> PathBuf {
    let mut name = store.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl StoreLock {
    /// Takes the lock of the store at `store`, without waiting.
    ///
    /// # Errors
    /// [`StoreError::Locked`] when another process (or another open of the store) holds it;
    /// [`StoreError::Io`] when the lock file cannot be opened.
    pub(super) fn acquire(store: &Path) -> Result<StoreLock, StoreError> {
        let path = lock_path(store);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Locked {
                    holder: holder(&mut file),
                    path,
                });
            }
            Err(std::fs::TryLockError::Error(error)) => return Err(error.into()),
        }
        file.set_len(0)?;
        file.rewind()?;
        writeln!(file, "{}", std::process::id())?;
        Ok(StoreLock { _file: file })
    }
}

/// The PID the holder wrote, if it can be read.
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}
