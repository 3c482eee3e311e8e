//! The Parsec service as a library.
//!
//! The daemon binary is a thin `main` over this crate; tests start the same service in their
//! own process. A request travels:
//!
//! ```text
//! socket ─▶ front::connection (read frame in stages, header checks, limits)
//!        ─▶ back::Service::serve (authenticate, route, access checks, decode body)
//!        ─▶ dispatch match (one arm per operation) ─▶ provider
//!        ◀─ front::status_of (the one error → status translation) ◀─ response frame
//! ```
//!
//! [`run`] serves a bound listener until a shutdown future completes.

pub mod auth;
mod back;
pub mod config;
mod error;
mod front;
pub mod keystore;
pub mod permissions;

pub use back::{Placement, Prepared, ProviderFactory, Service, StartError, StoreState};
pub use config::Config;
pub use error::Error;
pub use front::run;
