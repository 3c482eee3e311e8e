//! Why a provider could not be built at start (or reload).

/// Why a provider could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The device is absent and the provider's own configuration says to start without it
    /// (the original's `skip_if_no_tpm = true`): the service starts without this provider,
    /// with a warning that says so, and tries again at the next reload.
    #[error("device absent: {0}")]
    Absent(String),
    /// The provider cannot start: the service does not start (a reload is refused).
    #[error("{0}")]
    Failed(String),
}

impl From<String> for OpenError {
    fn from(reason: String) -> OpenError {
        OpenError::Failed(reason)
    }
}
