//! Parsec wire protocol 1.0, sans I/O.
//!
//! A frame is a fixed 36-byte [`header`], a protobuf body and (for requests) an auth field.
//! This crate decodes and encodes all of it, and does nothing else: no sockets, no async, no
//! logging, so the service, the client, the tests and the fuzzers share one codec.
//!
//! - [`header`]: the fixed header, validated in the order published clients expect;
//! - [`ops`]: the operations table, from which [`Opcode`], [`Request`] and [`Response`] are
//!   generated, and one module per operation with its protobuf messages and typed bodies;
//! - [`proto`]: the protobuf messages shared by operations (algorithms, key attributes);
//! - [`frame`]: whole frames in memory.
//!
//! ```
//! use psc_wire::{AuthType, Opcode, ProviderId, Request, RequestHeader, Response, frame};
//! use psc_wire::ops::{PingRequest, PingResponse};
//!
//! let header = RequestHeader::new(ProviderId::Core, AuthType::NoAuth, Opcode::Ping);
//! let bytes = frame::encode_request(header, &Request::Ping(PingRequest).encode(), &[])?;
//! assert_eq!(bytes.len(), 36);
//!
//! let parsed = frame::decode_request(&bytes, 1 << 20).map_err(|(_, e)| e)?;
//! assert_eq!(parsed.header.opcode, Opcode::Ping);
//! let reply = Response::decode(Opcode::Ping, &[0x08, 0x01])?;
//! assert_eq!(reply, Response::Ping(PingResponse { major: 1, minor: 0 }));
//! # Ok::<(), psc_wire::Error>(())
//! ```

mod error;
pub mod frame;
pub mod header;
pub mod ops;
pub mod proto;

pub use error::Error;
pub use header::{AuthType, ProviderId, RequestHeader, ResponseHeader};
pub use ops::{Body, Opcode, Request, Response};
pub use psc_psa::Status;
