//! The service's error type. Each variant keeps its cause; the front end translates it to a
//! wire status in one place (`front::status_of`) and logs it once.

use psc_wire::{Opcode, ProviderId};

use crate::auth::CallerError;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The frame or body could not be decoded.
    #[error(transparent)]
    Wire(#[from] psc_wire::Error),
    /// Reading the request or writing the response failed.
    #[error("connection: {0}")]
    Io(#[from] std::io::Error),
    /// The client took longer than the configured timeout.
    #[error("the client did not send the request in time")]
    TimedOut,
    /// The caller's identity could not be established.
    #[error(transparent)]
    Caller(#[from] CallerError),
    /// The provider id is valid but no such provider is configured.
    #[error("provider {0:?} is not configured")]
    ProviderNotRegistered(ProviderId),
    /// The operation is not one this provider implements (including core operations sent to
    /// a crypto provider and the reverse).
    #[error("{provider:?} does not implement {opcode:?}")]
    NotSupported {
        /// The operation.
        opcode: Opcode,
        /// The provider addressed.
        provider: ProviderId,
    },
    /// The operation needs an authenticated application.
    #[error("{0:?} needs an authenticated application")]
    NotAuthenticated(Opcode),
    /// The operation is reserved to administrators.
    #[error("{0:?} is reserved to administrators")]
    NotAdmin(Opcode),
}
