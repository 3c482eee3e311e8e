//! What can go wrong, as one log line each. The prefixes are the published tool's, so logs
//! read the same; the rest says what failed and what to do.

/// A failed subcommand.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// The client library failed, or the service refused the request.
    #[error(transparent)]
    Client(#[from] psc_client::Error),
    /// A provider ID outside the protocol's range.
    #[error(
        "provider ID {0} does not exist: valid IDs are 0 (core) to 5; `parsec-tool \
         list-providers` shows the service's providers"
    )]
    UnknownProvider(u8),
    /// Writing the results failed.
    #[error("cannot write the results to standard output: {0}")]
    Output(#[from] std::io::Error),
}

/// Why the tool exits with a failure.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// The client could not be set up (endpoint, socket).
    #[error("Error spinning up the BasicClient: {0}")]
    SpinUp(psc_client::Error),
    /// The global `--provider` is not a provider ID.
    #[error(
        "The provider ID entered does not map with an existing provider: {0} is not one of 0 \
         (core) to 5; `parsec-tool list-providers` shows the service's providers"
    )]
    Provider(u8),
    /// The subcommand failed.
    #[error("Subcommand failed: {0}")]
    Subcommand(#[from] Error),
}
