//! Client of the Parsec security service, over wire protocol 1.0 on a Unix socket.
//!
//! This crate is the application side of the workspace: it finds the service
//! ([`Endpoint`], from `PARSEC_SERVICE_ENDPOINT`), identifies the application ([`Auth`]),
//! and exchanges one request per connection, encoded and checked with `psc-wire`, the same
//! codec the service uses. The `parsec-tool` CLI is built on it.
//!
//! A request either succeeds, is refused by the service ([`Error::Service`] with the wire
//! [`Status`]), or fails on this side of the socket ([`Error::Client`]): no service, timeout,
//! a response that is malformed or answers another operation, or a body over the client's
//! size limit.
//!
//! ```no_run
//! use psc_client::{Client, ProviderId};
//!
//! let client = Client::from_env()?;
//! let (major, minor) = client.ping()?;
//! println!("wire protocol {major}.{minor}");
//! for provider in client.list_providers()? {
//!     println!("{:?}: {}", provider.id, provider.description);
//! }
//! let core_ops = client.list_opcodes(ProviderId::Core)?;
//! assert!(core_ops.contains(&psc_client::Opcode::Ping));
//! # Ok::<(), psc_client::Error>(())
//! ```
//!
//! Operations without a typed method yet go through [`Client::call`] with any
//! [`Request`]:
//!
//! ```no_run
//! use psc_client::{Auth, Client, ProviderId, Request, Response};
//! use psc_client::wire::ops::PingRequest;
//!
//! let client = Client::new("/run/parsec/parsec.sock");
//! let reply = client.call(ProviderId::Core, &Auth::NoAuth, Request::Ping(PingRequest))?;
//! assert!(matches!(reply, Response::Ping(_)));
//! # Ok::<(), psc_client::Error>(())
//! ```
//!
//! Encoding requests and checking responses does not depend on the transport, so the blocking
//! transport here and a future async one share that code.

mod admin_ops;
#[cfg(feature = "async")]
mod async_client;
#[cfg(feature = "async")]
mod async_easy;
#[cfg(feature = "async")]
mod async_transport;
mod auth;
mod client;
mod codec;
mod core_ops;
mod crypto_ops;
mod discovery;
pub mod easy;
mod endpoint;
mod error;
mod explain;
mod keep_alive;
mod key_ops;
mod operation;
mod settings;
mod transport;
mod typed;

#[cfg(feature = "async")]
pub use async_client::AsyncClient;
pub use auth::Auth;
pub use client::Client;
pub use endpoint::{DEFAULT_ENDPOINT, ENDPOINT_ENV, Endpoint, EndpointProblem};
pub use error::{ClientError, Error};
pub use psc_psa as psa;
pub use psc_psa::{Attributes, SecretBytes, Status};
pub use psc_wire as wire;
pub use psc_wire::ops::can_do_crypto::CheckType;
pub use psc_wire::ops::list_authenticators::AuthenticatorInfo;
pub use psc_wire::ops::list_keys::KeyInfo;
pub use psc_wire::ops::list_providers::ProviderInfo;
pub use psc_wire::{AuthType, Opcode, ProviderId, Request, Response};
