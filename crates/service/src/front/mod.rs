//! The front end: the listener, one task per connection, and the translation of errors to
//! wire statuses.

mod budget;
mod connection;
mod deadline;
mod device;
mod idle_poll;
mod idle_set;
mod listener;
mod slow;

pub use listener::run;

use psc_psa::Status;

use crate::auth::CallerError;
use crate::error::Error;
use crate::keystore::StoreError;

/// The only translation of a service error to the status a client sees.
pub(crate) fn status_of(error: &Error) -> Status {
    match error {
        Error::Wire(wire) => wire.status(),
        Error::Io(_) | Error::TimedOut => Status::ConnectionError,
        Error::Caller(CallerError::NotRegistered(_)) => Status::AuthenticatorNotRegistered,
        Error::Caller(CallerError::Rejected(_)) => Status::AuthenticationError,
        Error::ProviderNotRegistered(_) => Status::ProviderNotRegistered,
        Error::NotSupported { .. } => Status::PsaErrorNotSupported,
        Error::NotAuthenticated(_) => Status::NotAuthenticated,
        Error::NotAdmin(_) => Status::AdminOperation,
        Error::InvalidKeyName(_) | Error::InvalidArgument(_) => Status::PsaErrorInvalidArgument,
        Error::Deprecated => Status::DeprecatedPrimitive,
        Error::Policy(policy) => policy.status(),
        Error::Store(StoreError::AlreadyExists) => Status::PsaErrorAlreadyExists,
        Error::Store(StoreError::DoesNotExist) => Status::PsaErrorDoesNotExist,
        Error::Store(StoreError::QuotaReached(_)) => Status::PsaErrorInsufficientStorage,
        Error::Store(_) => Status::KeyInfoManagerError,
        Error::Provider { source, .. } => source.status(),
        Error::ResponseTooLarge => Status::ResponseTooLarge,
        Error::MemoryBudget => Status::PsaErrorInsufficientMemory,
        Error::DeviceTimedOut { .. } | Error::DeviceStalled { .. } => {
            Status::PsaErrorCommunicationFailure
        }
    }
}
