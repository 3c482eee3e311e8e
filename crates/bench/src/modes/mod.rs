//! The three ways of reaching the crypto, behind one interface: a [`Driver`] prepares a
//! mode once, and hands each client thread a [`Session`] that performs one op per call.

mod fixture;
mod in_process;
mod in_process_pkcs11;
mod limit;
mod persistent;
mod psa;
mod published;

use std::fmt;

pub(crate) use fixture::Fixture;
pub(crate) use in_process::InProcess;
pub(crate) use in_process_pkcs11::InProcessPkcs11;
pub(crate) use persistent::{Persistent, hold_connections};
pub(crate) use psa::ecdsa_key;
pub(crate) use published::{Published, client as published_client, ecdsa as published_ecdsa};

use crate::case::{Case, Mode};

/// Why an op did not succeed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The back end answered `PsaErrorNotSupported`: the case is reported as "n/a".
    NotSupported,
    /// Anything else: counted as an error of the cell.
    Other(String),
}

impl Failure {
    /// A failure other than "not supported", described.
    pub(crate) fn other(error: impl fmt::Display) -> Failure {
        Failure::Other(error.to_string())
    }
}

impl std::error::Error for Failure {}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::NotSupported => f.write_str("not supported"),
            Failure::Other(message) => f.write_str(message),
        }
    }
}

/// Whether a mode can run a case at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Availability {
    /// It can.
    Yes,
    /// Its back end answered "not supported" while preparing (reported as "n/a").
    NotSupported,
    /// The case has no meaning in this mode (ping without a service; reported as "—").
    Meaningless,
}

/// One mode, prepared: keys created, ready to open sessions from many threads.
pub(crate) trait Driver: Sync {
    /// Which mode this is.
    fn mode(&self) -> Mode;

    /// Whether `case` can run in this mode.
    fn availability(&self, case: Case) -> Availability;

    /// A client for thread `thread`: a connection, a client object, or a handle.
    ///
    /// # Errors
    /// When the service cannot be reached.
    fn session(&self, thread: usize) -> Result<Box<dyn Session + '_>, Failure>;
}

/// One client thread's way of running ops.
pub(crate) trait Session {
    /// Runs one op of `case`.
    ///
    /// # Errors
    /// [`Failure::NotSupported`] when the back end lacks the operation, else
    /// [`Failure::Other`].
    fn run(&mut self, case: Case) -> Result<(), Failure>;
}
