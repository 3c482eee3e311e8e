//! Mode `persistent`: our client, `psc-client`, as an application uses it: a blocking
//! [`Client`] per thread, on the bench's endpoint, authenticated by Unix peer credentials,
//! with its persistent connections on (each request asks the service to keep the
//! connection, and the client's pool reuses it for the next one).
//!
//! One client per thread, as the published mode has one `BasicClient` per thread: each
//! thread's client keeps its own connection. (Clones of one client share a pool that keeps at
//! most 8 idle connections, so one client shared by more threads than that would reconnect
//! for part of its requests.)

use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use psc_client::{Auth, Client, Endpoint, Error, ProviderId, Status};

use super::psa::{ecdsa, ecdsa_key, gcm, rsa_pkcs1};
use super::{Availability, Driver, Failure, Fixture, Session};
use crate::case::{Case, HASH, Mode, NONCE, PLAINTEXT_LEN, RANDOM_LEN};

/// The client's timeout for one exchange (the published mode's too).
const TIMEOUT: Duration = Duration::from_secs(10);

/// A client of the service on `socket`, sending to `provider` with Unix peer credentials,
/// its connections kept across requests, busy-polling for answers for `busy_poll`.
fn client(socket: &Path, provider: ProviderId, busy_poll: Duration) -> Client {
    let mut client = Client::with_endpoint(Endpoint::unix(socket));
    client.set_busy_poll(busy_poll);
    client.set_auth(Auth::UnixPeerCredentials);
    client.set_provider(provider);
    client.set_timeout(Some(TIMEOUT));
    client.set_persistent(true);
    client
}

/// Whether `client`'s last request left its connection open in the client's pool.
fn kept(client: &Client) -> bool {
    client.idle_connections() == 1 && !client.peer_is_per_request()
}

/// The persistent-connection mode over a prepared daemon.
#[derive(Debug)]
pub(crate) struct Persistent<'a> {
    fixture: &'a Fixture,
    busy_poll: Duration,
}

impl Persistent<'_> {
    /// The mode over `fixture`'s daemon and keys, its clients busy-polling for `busy_poll`
    /// ([`Client::set_busy_poll`]). Warns when the service does not keep
    /// connections open (the client then falls back to a connection per request, as the
    /// published client does).
    ///
    /// # Errors
    /// When the service cannot be reached.
    pub(crate) fn new(fixture: &Fixture, busy_poll: Duration) -> anyhow::Result<Persistent<'_>> {
        let probe = client(fixture.socket(), fixture.provider(), busy_poll);
        probe.ping().context("ping through psc-client")?;
        probe.ping().context("second ping through psc-client")?;
        if !kept(&probe) {
            eprintln!(
                "psc-bench: the service does not keep connections open: psc-client falls back \
                 to a connection per request, and so does the persistent mode"
            );
        }
        Ok(Persistent { fixture, busy_poll })
    }
}

impl Driver for Persistent<'_> {
    fn mode(&self) -> Mode {
        Mode::Persistent
    }

    fn availability(&self, case: Case) -> Availability {
        self.fixture.availability(case)
    }

    fn session(&self, thread: usize) -> Result<Box<dyn Session + '_>, Failure> {
        let names = self.fixture.names();
        Ok(Box::new(PersistentSession {
            client: client(
                self.fixture.socket(),
                self.fixture.provider(),
                self.busy_poll,
            ),
            ecdsa: names.fixed(Case::EcdsaSign).unwrap_or_default(),
            rsa: names.fixed(Case::RsaSign).unwrap_or_default(),
            aes: names.fixed(Case::AesGcm).unwrap_or_default(),
            transient: names.transient(Mode::Persistent, thread),
            signature: self.fixture.signature(),
            plaintext: vec![0x42; PLAINTEXT_LEN],
        }))
    }
}

/// One thread's client and inputs.
struct PersistentSession<'a> {
    client: Client,
    ecdsa: String,
    rsa: String,
    aes: String,
    transient: String,
    signature: &'a [u8],
    plaintext: Vec<u8>,
}

impl Session for PersistentSession<'_> {
    fn run(&mut self, case: Case) -> Result<(), Failure> {
        let client = &self.client;
        match case {
            Case::Ping => client.ping().map(drop),
            Case::EcdsaSign => client.sign_hash(&self.ecdsa, ecdsa(), &HASH).map(drop),
            Case::RsaSign => client.sign_hash(&self.rsa, rsa_pkcs1(), &HASH).map(drop),
            Case::EcdsaVerify => client.verify_hash(&self.ecdsa, ecdsa(), &HASH, self.signature),
            Case::AesGcm => client
                .aead_encrypt(&self.aes, gcm(), &NONCE, &[], &self.plaintext)
                .map(drop),
            Case::Random => client.generate_random(RANDOM_LEN).map(drop),
            Case::GenerateDestroy => client
                .generate_key(&self.transient, ecdsa_key())
                .and_then(|()| client.destroy_key(&self.transient)),
            Case::ListKeys => client.list_keys().map(drop),
            Case::EcdsaSignParsed | Case::RsaSignParsed => {
                return Err(Failure::other("aws-lc-rs alone runs in process only"));
            }
        }
        .map_err(failure)
    }
}

/// The client's error as a [`Failure`].
fn failure(error: Error) -> Failure {
    match error {
        Error::Service(Status::PsaErrorNotSupported) => Failure::NotSupported,
        other => Failure::other(other),
    }
}

/// Opens `count` connections to the service on `path`, so the service holds them all: for
/// measuring its memory with many clients connected. Each is the kept connection of a
/// client of its own, after one ping.
///
/// # Errors
/// When a ping fails or the service does not keep its connection.
pub(crate) fn hold_connections(path: &Path, count: usize) -> anyhow::Result<Vec<Client>> {
    let mut held = Vec::with_capacity(count);
    for n in 0..count {
        let client = client(path, ProviderId::Core, Duration::ZERO);
        client
            .ping()
            .with_context(|| format!("ping on connection {n}"))?;
        anyhow::ensure!(kept(&client), "the service closed connection {n}");
        held.push(client);
    }
    Ok(held)
}
