//! What the blocking [`Client`](crate::Client) and the [`AsyncClient`](crate::AsyncClient)
//! share: their settings, the pool of kept connections, the key attributes the conveniences
//! learned, and the preparation of each exchange. Only the transport (and `.await`) differs.

use std::sync::Arc;
use std::time::Duration;

use psc_wire::{ProviderId, Request};

use crate::auth::Auth;
use crate::codec::Exchange;
use crate::endpoint::Endpoint;
use crate::error::{ClientError, Error};
use crate::keep_alive::Pool;
use crate::key_policies::{KeyPolicies, Scope};
use crate::transport::Link;

/// A client's state, over connections of type `S`. Clones share the pool and the policies.
#[derive(Debug)]
pub(crate) struct Shared<S> {
    pub(crate) settings: crate::settings::Settings,
    pub(crate) pool: Arc<Pool<S>>,
    /// The attributes of the keys the conveniences used (`key_policies.rs`).
    pub(crate) policies: Arc<KeyPolicies>,
}

impl<S> Clone for Shared<S> {
    fn clone(&self) -> Shared<S> {
        Shared {
            settings: self.settings.clone(),
            pool: Arc::clone(&self.pool),
            policies: Arc::clone(&self.policies),
        }
    }
}

impl<S> Shared<S> {
    /// A client of the service at `endpoint`, without authentication, with a pool of its own.
    pub(crate) fn new(endpoint: Endpoint) -> Shared<S> {
        Shared::with_settings(crate::settings::Settings::new(endpoint))
    }

    /// The same settings, with a pool and policies of their own.
    pub(crate) fn with_settings(settings: crate::settings::Settings) -> Shared<S> {
        Shared {
            settings,
            pool: Arc::new(Pool::new()),
            policies: Arc::default(),
        }
    }

    /// The endpoint `PARSEC_SERVICE_ENDPOINT` names (default `unix:/run/parsec/parsec.sock`).
    pub(crate) fn env_endpoint() -> Result<Endpoint, Error> {
        Endpoint::from_env().map_err(|(uri, problem)| ClientError::Endpoint { uri, problem }.into())
    }

    /// The namespace key names are looked up in: the identity and the provider.
    pub(crate) fn key_scope(&self) -> Scope {
        Scope {
            auth: self.settings.auth.clone(),
            provider: self.settings.provider,
        }
    }

    /// Encodes `request` for `provider` with the identity `auth`: what the answer must match,
    /// the frame to send, and where to send it (pooled when the connection is to be kept).
    pub(crate) fn prepare(
        &self,
        provider: ProviderId,
        auth: &Auth,
        request: &Request,
        busy_poll: Duration,
    ) -> Result<(Exchange, Vec<u8>, Link<'_, S>), Error> {
        let keep_alive = self.settings.persistent && !self.pool.per_request();
        let (exchange, frame) = Exchange::start(
            provider,
            auth,
            request,
            self.settings.max_body_size,
            keep_alive,
        )?;
        let link = Link {
            path: self.settings.endpoint.socket_path(),
            timeout: self.settings.timeout,
            pool: keep_alive.then_some(&*self.pool),
            busy_poll,
        };
        Ok((exchange, frame, link))
    }
}
