//! The service's error type. Each variant keeps its cause; the front end translates it to a
//! wire status in one place (`front::status_of`) and logs it once.

use psc_provider_api::ProviderError;
use psc_psa::PolicyError;
use psc_wire::{Opcode, ProviderId};

use crate::auth::CallerError;
use crate::keystore::StoreError;

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
    /// The key name is not acceptable.
    #[error("the key name {0}")]
    InvalidKeyName(&'static str),
    /// An argument is not acceptable before any provider is asked.
    #[error("invalid argument: {0}")]
    InvalidArgument(&'static str),
    /// A key with a deprecated primitive may not be generated here.
    #[error("deprecated primitives are not allowed (core_settings.allow_deprecated)")]
    Deprecated,
    /// The key's policy refuses the operation.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// The key store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The provider failed. The message carries the whole cause chain, so the one log line
    /// where the error becomes a wire status (`front/connection.rs`) shows the cause.
    #[error("provider {provider:?}: {}", chain(source))]
    Provider {
        /// The provider.
        provider: ProviderId,
        /// Its error.
        source: ProviderError,
    },
    /// A request asked for more than the configured response buffer limit.
    #[error("the response would exceed core_settings.buffer_size_limit")]
    ResponseTooLarge,
    /// The bytes held in requests and answers reached `core_settings.memory_budget_bytes`.
    #[error("the memory budget (core_settings.memory_budget_bytes) is spent")]
    MemoryBudget,
    /// The provider's call did not return within `core_settings.device_timeout_ms`: its
    /// device may hang. The call goes on, and the provider is stalled until it returns.
    #[error(
        "provider {provider:?} did not answer {opcode:?} within core_settings.device_timeout_ms \
         ({ms} ms): its device may hang; the provider is stalled until the call returns"
    )]
    DeviceTimedOut {
        /// The provider.
        provider: ProviderId,
        /// The operation asked.
        opcode: Opcode,
        /// The deadline, in milliseconds.
        ms: u128,
    },
    /// The provider has a call stuck past `core_settings.device_timeout_ms`: its requests
    /// are refused at once until that call returns.
    #[error(
        "provider {provider:?} is stalled (a call has not returned past \
         core_settings.device_timeout_ms): {opcode:?} refused at once"
    )]
    DeviceStalled {
        /// The provider.
        provider: ProviderId,
        /// The operation refused.
        opcode: Opcode,
    },
}

/// An error and its causes, `: `-separated.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(next) = cause {
        text.push_str(": ");
        text.push_str(&next.to_string());
        cause = next.source();
    }
    text
}
