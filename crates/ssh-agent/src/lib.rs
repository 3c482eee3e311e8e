//! An SSH agent whose identities are keys held by the Parsec service: OpenSSH lists, signs
//! and adds keys through it, and the private keys never leave the service.
//!
//! - [`keys`]: which service keys are SSH identities, and the conversions between PSA's
//!   formats and SSH's (public keys, signatures, private keys to import);
//! - [`agent`]: the answers to the agent requests, over a `psc-client` connection;
//! - [`server`]: the socket, its permissions and the bounded framing.
//!
//! The `parsec-ssh-agent` binary (`src/main.rs`) puts them together as `ssh-agent` does;
//! `docs/SSH.md` is the user's guide.

pub mod agent;
pub mod keys;
pub mod server;
