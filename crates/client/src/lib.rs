//! Client of the Parsec security service, over wire protocol 1.0 on a Unix socket.
//!
//! This crate is the application side of the workspace: it finds the service
//! ([`Endpoint`], from `PARSEC_SERVICE_ENDPOINT`), identifies the application ([`Auth`]),
//! and exchanges requests encoded and checked with `psc-wire`, the same codec the service
//! uses. It works with our service and with the original Parsec. The `parsec-tool` CLI is
//! built on it.
//!
//! # From zero to a signature
//!
//! Start the service (from the workspace; it listens on `/run/parsec/parsec.sock`, where
//! every client looks by default; `--allow-root` only for a quick start as root):
//!
//! ```sh
//! cargo run --release --bin parsec -- --allow-root
//! ```
//!
//! Then, in your application:
//!
//! ```
//! # let daemon = psc_testkit::TestDaemon::start();
//! # let mut client = psc_client::Client::new(daemon.socket_path());
//! # client.discover(Some("my-app"))?;
//! # /*
//! let client = psc_client::Client::connect("my-app")?;
//! # */
//! client.generate_signing_key("my-key")?;
//! let signature = client.sign("my-key", b"hello")?;
//! client.verify("my-key", b"hello", &signature)?;
//! # Ok::<(), psc_client::Error>(())
//! ```
//!
//! [`Client::connect`] takes the endpoint from `PARSEC_SERVICE_ENDPOINT` (default
//! `unix:/run/parsec/parsec.sock`), the service's default provider, and the first
//! authentication it accepts that this client can give (Unix peer credentials, or Direct
//! with the name `my-app`). The key lives in the service, in this application's namespace,
//! and never leaves it: the signature is made there. [`Client::generate_signing_key`] makes
//! an ECDSA P-256 / SHA-256 key; [`Client::sign`] and [`Client::verify`] use whatever
//! algorithm the key's policy names. The other conveniences ([`easy`]) encrypt with
//! AES-256-GCM under a fresh nonce ([`Client::seal`], [`Client::open`]) and hash
//! ([`Client::hash`]).
//!
//! Every operation of the contract also has a typed method with explicit algorithms
//! ([`Client::sign_hash`], [`Client::aead_encrypt`], [`Client::generate_key`],
//! [`Client::list_keys`], ...), and [`Client::call`] sends any [`Request`] as it is, to any
//! provider with any identity:
//!
//! ```
//! use psc_client::wire::ops::PingRequest;
//! use psc_client::{Auth, ProviderId, Request, Response};
//! # let daemon = psc_testkit::TestDaemon::start();
//! # let client = psc_client::Client::new(daemon.socket_path());
//! # /*
//! let client = psc_client::Client::connect("my-app")?;
//! # */
//!
//! let reply = client.call(ProviderId::Core, &Auth::NoAuth, Request::Ping(PingRequest))?;
//! assert!(matches!(reply, Response::Ping(_)));
//! # Ok::<(), psc_client::Error>(())
//! ```
//!
//! # Errors
//!
//! A request either succeeds, is refused by the service ([`Error::Service`] with the wire
//! [`Status`]: no such key, not permitted, invalid signature...), or fails on this side of
//! the socket ([`Error::Client`] with a [`ClientError`]: no service, timeout, a response
//! that is malformed or answers another operation, a body over the client's size limit).
//! Every error displays as one line saying what went wrong and what to do.
//!
//! ```
//! use psc_client::{Error, Status};
//! # let daemon = psc_testkit::TestDaemon::start();
//! # let mut client = psc_client::Client::new(daemon.socket_path());
//! # client.discover(Some("my-app"))?;
//! # /*
//! let client = psc_client::Client::connect("my-app")?;
//! # */
//!
//! let outcome = client.sign("no-such-key", b"hello");
//! match &outcome {
//!     Ok(signature) => println!("signed: {} bytes", signature.len()),
//!     Err(Error::Service(Status::PsaErrorDoesNotExist)) => println!("create the key first"),
//!     Err(Error::Service(status)) => println!("refused: {status}"),
//!     Err(problem) => println!("cannot talk to the service: {problem}"),
//! }
//! # assert_eq!(outcome.err().and_then(|e| e.status()), Some(Status::PsaErrorDoesNotExist));
//! # Ok::<(), psc_client::Error>(())
//! ```
//!
//! # Persistent connections, and the original Parsec
//!
//! Wire protocol 1.0 serves one request per connection. Our service also keeps a connection
//! open when the request asks (flag bit 0 of the header, see `docs/wire-protocol.md`), which
//! saves a connect per request. A client asks by default: connections the service kept wait
//! in a small pool (shared by the client's clones; each request in flight has a connection
//! of its own) for the next requests. Against the original Parsec, which ignores the flag,
//! answers without it and closes, the first successful answer tells the client, which from
//! then on sends one request per connection, byte for byte what the published clients send.
//! Nothing to configure either way; [`Client::peer_is_per_request`] says which case it is.
//!
//! A kept connection the service closed while it was idle (after 30 s, or at a restart) is
//! noticed before use and replaced; a close that crosses a request is retried once on a
//! fresh connection, and only when nothing of the answer arrived (the write failed, or the
//! stream ended before the first response byte). That is safe: the service acts only on a
//! complete request, answers every request it reads, and closes a kept connection only
//! while waiting for the next one. A timeout or an answer cut short is never retried.
//!
//! [`Client::set_persistent`]`(false)` turns the whole mechanism off.
//!
//! # Busy-polling (off unless asked)
//!
//! A thread waiting for an answer sleeps, and is woken when it arrives. On a virtual
//! machine without guest halt polling, waking a halted CPU costs more than a signature;
//! [`Client::set_busy_poll`] lets the blocking client poll for its answer for a bounded
//! window before it sleeps, at the price of that much of the application's CPU time per
//! request. It is off by default: a library does not spin in its application's threads
//! unless asked.
//!
//! # Async
//!
//! With the `async` feature (on by default), [`AsyncClient`] has the same methods as
//! `async fn`s, for tokio applications; the typed methods of both clients are generated from
//! one table. Build without default features for a blocking client without tokio.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), psc_client::Error> {
//! # let daemon = psc_testkit::TestDaemon::start();
//! # let mut client = psc_client::AsyncClient::new(daemon.socket_path());
//! # client.discover(Some("my-app")).await?;
//! # /*
//! let client = psc_client::AsyncClient::connect("my-app").await?;
//! # */
//! client.generate_encryption_key("my-secrets").await?;
//! let sealed = client.seal("my-secrets", b"the password", b"db").await?;
//! let opened = client.open("my-secrets", &sealed, b"db").await?;
//! assert_eq!(opened.as_bytes(), b"the password");
//! # Ok(())
//! # }
//! ```

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
mod key_policies;
mod operation;
mod settings;
mod shared;
mod transport;
mod typed;

#[cfg(feature = "async")]
pub use async_client::AsyncClient;
pub use auth::{Auth, JWT_SVID_ENV, JWT_SVID_FILE_ENV, JwtSvid};
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
