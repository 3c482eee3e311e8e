//! The back end: everything after a request's header has been validated. The [`Service`]
//! authenticates the caller, routes the request, checks the key's policy once, and calls the
//! provider.

mod attestation;
mod core;
mod crypto;
pub(crate) mod fair;
mod keyless;
mod keys;
mod placement;
mod policy;
mod recovery;
mod service;
mod slots;

pub use placement::Placement;
pub use service::{Prepared, Service};
pub use slots::{ProviderFactory, StartError, StoreState};
