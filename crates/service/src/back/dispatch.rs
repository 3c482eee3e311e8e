//! The one dispatcher. Routing, authentication and access checks run once, in the order
//! published clients expect (WIRE.md §1.3 steps 8–17), before the operation's match arm runs.

use psc_wire::ops::Access;
use psc_wire::ops::list_opcodes::ListOpcodesResponse;
use psc_wire::ops::ping::PingResponse;
use psc_wire::ops::{ListAuthenticatorsResponse, Scope};
use psc_wire::{Opcode, ProviderId, Request, RequestHeader, Response};

use super::core::CoreProvider;
use crate::auth::{Authenticators, Caller, PeerCredentials};
use crate::config::Config;
use crate::error::Error;

/// The service: configuration, authenticators and providers, shared by every connection.
#[derive(Debug)]
pub struct Service {
    config: Config,
    authenticators: Authenticators,
    core: CoreProvider,
}

impl Service {
    /// Builds the service from a validated configuration.
    pub fn new(config: Config) -> Service {
        let authenticators = Authenticators::new(&config.authenticators);
        Service {
            config,
            authenticators,
            core: CoreProvider::new(),
        }
    }

    /// The configuration this service runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Answers one request whose header is valid.
    ///
    /// # Errors
    /// The first check that refuses the request, or the operation's own failure.
    pub fn serve(
        &self,
        header: &RequestHeader,
        body: &[u8],
        auth: &[u8],
        peer: Option<&PeerCredentials>,
    ) -> Result<Response, Error> {
        let caller = self.authenticators.caller(header.auth_type, auth, peer)?;
        self.route(header.provider, header.opcode)?;
        let spec = header.opcode.spec();
        if spec.access == Access::Admin {
            match &caller {
                Caller::Anonymous => return Err(Error::NotAuthenticated(header.opcode)),
                Caller::App { admin: false, .. } => return Err(Error::NotAdmin(header.opcode)),
                Caller::App { admin: true, .. } => {}
            }
        }
        let request = Request::decode(header.opcode, body)?;
        if spec.access == Access::App && caller == Caller::Anonymous {
            return Err(Error::NotAuthenticated(header.opcode));
        }
        self.dispatch(request)
    }

    /// Checks that the provider is configured and that the operation belongs to it.
    fn route(&self, provider: ProviderId, opcode: Opcode) -> Result<(), Error> {
        if provider != ProviderId::Core {
            return Err(Error::ProviderNotRegistered(provider));
        }
        if opcode.spec().scope != Scope::Core {
            return Err(Error::NotSupported { opcode, provider });
        }
        Ok(())
    }

    fn dispatch(&self, request: Request) -> Result<Response, Error> {
        Ok(match request {
            Request::Ping(_) => PingResponse { major: 1, minor: 0 }.into(),
            Request::ListProviders(_) => self.core.list_providers().into(),
            Request::ListOpcodes(r) => self.list_opcodes(r.provider_id)?.into(),
            Request::ListAuthenticators(_) => ListAuthenticatorsResponse {
                authenticators: self.authenticators.infos(),
            }
            .into(),
            other => {
                let opcode = other.opcode();
                return Err(Error::NotSupported {
                    opcode,
                    provider: ProviderId::Core,
                });
            }
        })
    }

    fn list_opcodes(&self, provider: ProviderId) -> Result<ListOpcodesResponse, Error> {
        if provider != ProviderId::Core {
            return Err(Error::ProviderNotRegistered(provider));
        }
        let opcodes = CoreProvider::IMPLEMENTS
            .iter()
            .copied()
            .filter(|op| op.spec().published)
            .collect();
        Ok(ListOpcodesResponse { opcodes })
    }
}
