//! The core provider's operations: discovery, answered by every service without
//! authentication. Each is one request to provider 0 with the client's identity.

use std::collections::BTreeSet;

use psc_wire::ops::list_authenticators::AuthenticatorInfo;
use psc_wire::ops::list_providers::ProviderInfo;
use psc_wire::ops::{
    ListAuthenticatorsRequest, ListOpcodesRequest, ListProvidersRequest, PingRequest,
};
use psc_wire::{Opcode, ProviderId};

use crate::client::Client;
use crate::error::Error;

impl Client {
    /// The highest wire protocol version the service speaks, as (major, minor).
    ///
    /// # Errors
    /// See [`Client::call`].
    pub fn ping(&self) -> Result<(u8, u8), Error> {
        let version = self.send(ProviderId::Core, PingRequest)?;
        Ok((version.major, version.minor))
    }

    /// The configured providers, in priority order: the first is the one clients use by
    /// default, the core provider comes last.
    ///
    /// # Errors
    /// See [`Client::call`].
    pub fn list_providers(&self) -> Result<Vec<ProviderInfo>, Error> {
        Ok(self.send(ProviderId::Core, ListProvidersRequest)?.providers)
    }

    /// The operations `provider` implements.
    ///
    /// # Errors
    /// [`Error::Service`] with `ProviderNotRegistered` when the service has no such provider;
    /// otherwise see [`Client::call`].
    pub fn list_opcodes(&self, provider: ProviderId) -> Result<BTreeSet<Opcode>, Error> {
        let request = ListOpcodesRequest {
            provider_id: provider,
        };
        Ok(self.send(ProviderId::Core, request)?.opcodes)
    }

    /// The authentication types the service accepts, preferred first.
    ///
    /// # Errors
    /// See [`Client::call`].
    pub fn list_authenticators(&self) -> Result<Vec<AuthenticatorInfo>, Error> {
        Ok(self
            .send(ProviderId::Core, ListAuthenticatorsRequest)?
            .authenticators)
    }
}
