//! Ownership: a checked path must belong to the service's effective user or to root.
//!
//! Mode bits say nothing when the attacker owns the path: the owner may change the mode at
//! will, and may have made the path before the service first started (a data directory
//! under `/tmp`, with a master key they know and an empty store; a socket directory where
//! they replace the socket). Root owns what an administrator or systemd prepared for the
//! service, which is fine; any other owner stops the start with the path, its owner and the
//! `chown` that fixes it.

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use super::{Kind, PermissionError};

/// The service's effective user id.
pub fn service_uid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// Refuses `path` when it exists and is owned by neither the service's user nor root
/// (following symbolic links, as the service will when it opens the path).
///
/// # Errors
/// [`PermissionError::Owner`], or [`PermissionError::Io`] if `path` cannot be inspected.
pub fn check(kind: Kind, path: &Path) -> Result<(), PermissionError> {
    let owner = match std::fs::metadata(path) {
        Ok(meta) => meta.uid(),
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(PermissionError::Io {
                path: path.to_owned(),
                source,
            });
        }
    };
    let service = service_uid();
    if owner == service || owner == 0 {
        return Ok(());
    }
    Err(PermissionError::Owner {
        kind,
        path: path.to_owned(),
        owner,
        service,
        fix: format!("chown {service} {}", path.display()),
    })
}
