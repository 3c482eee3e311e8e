//! The daemon's own socket file: bound only where no live instance serves, and removed at exit
//! only if it is still the one this process bound (its device and inode are remembered), so
//! an instance still draining never unlinks the socket of the instance that replaced it.

use std::io::ErrorKind;
use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use tokio::net::UnixListener;

/// A socket file this process created.
#[derive(Debug)]
pub(crate) struct BoundSocket {
    path: PathBuf,
    dev: u64,
    ino: u64,
}

impl BoundSocket {
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Removes the socket file if it is still ours; another instance's is left alone.
    pub(crate) fn remove(self) {
        match std::fs::symlink_metadata(&self.path) {
            Ok(meta) if meta.dev() == self.dev && meta.ino() == self.ino => {
                if let Err(error) = std::fs::remove_file(&self.path) {
                    tracing::warn!(%error, socket = %self.path.display(), "cannot remove the socket");
                }
            }
            Ok(_) => tracing::info!(
                socket = %self.path.display(),
                "the socket file is another instance's now: left in place"
            ),
            Err(_) => {}
        }
    }
}

/// Binds the socket, replacing a stale socket file (one nobody answers on) but never a live
/// one nor another kind of file, and opens it to every local user: access control is the
/// authenticators' job (and the directory's).
pub(crate) fn bind(path: &Path) -> anyhow::Result<(UnixListener, BoundSocket)> {
    if let Some(dir) = path.parent().filter(|d| !d.exists()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755))?;
    }
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_socket() => remove_stale(path)?,
        Ok(_) => bail!(
            "{} exists and is not a socket; refusing to replace it",
            path.display()
        ),
        Err(_) => {}
    }
    let listener =
        UnixListener::bind(path).with_context(|| format!("cannot bind {}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666))?;
    let meta = std::fs::symlink_metadata(path)
        .with_context(|| format!("cannot inspect {}", path.display()))?;
    let bound = BoundSocket {
        path: path.to_owned(),
        dev: meta.dev(),
        ino: meta.ino(),
    };
    Ok((listener, bound))
}

/// Removes a socket file nobody listens on; refuses one that answers (a live instance).
fn remove_stale(path: &Path) -> anyhow::Result<()> {
    match std::os::unix::net::UnixStream::connect(path) {
        Ok(_) => bail!(
            "another instance is serving on the socket {}: refusing to take it over (stop \
             that instance first, or give this one another socket_path)",
            path.display()
        ),
        Err(error) if error.kind() == ErrorKind::ConnectionRefused => {}
        Err(error) => tracing::debug!(%error, "connecting to the old socket"),
    }
    std::fs::remove_file(path)
        .with_context(|| format!("cannot remove the stale socket {}", path.display()))
}
