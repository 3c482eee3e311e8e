//! The back end: everything after a request's header has been validated. The [`Service`]
//! authenticates the caller, routes the request, checks the key's policy once, and calls the
//! provider.

mod attestation;
mod core;
mod crypto;
mod dispatch;
pub(crate) mod fair;
mod keyless;
mod keys;
mod placement;
mod policy;
mod recovery;
mod slots;

pub use dispatch::{Prepared, Service};
pub use placement::Placement;
pub use slots::{ProviderFactory, StartError, StoreState};
