//! The core provider's operations: discovery, answered by every service without
//! authentication. Each is one request to provider 0 with the client's identity.

use std::collections::BTreeSet;

use psc_wire::ops::list_authenticators::AuthenticatorInfo;
use psc_wire::ops::list_providers::ProviderInfo;
use psc_wire::ops::{
    ListAuthenticatorsRequest, ListOpcodesRequest, ListProvidersRequest, PingRequest,
};
use psc_wire::{Opcode, ProviderId};

use crate::typed::typed_methods;

typed_methods! {
    /// The highest wire protocol version the service speaks, as (major, minor).
    ///
    /// # Errors
    /// See [`Client::call`](crate::Client::call).
    pub fn ping(&self) -> (u8, u8) {
        core(PingRequest) => |version| (version.major, version.minor)
    }

    /// The configured providers, in priority order: the first is the one clients use by
    /// default, the core provider comes last.
    ///
    /// # Errors
    /// See [`Client::call`](crate::Client::call).
    pub fn list_providers(&self) -> Vec<ProviderInfo> {
        core(ListProvidersRequest) => |response| response.providers
    }

    /// The operations `provider` implements.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `ProviderNotRegistered` when the
    /// service has no such provider; otherwise see [`Client::call`](crate::Client::call).
    pub fn list_opcodes(&self, provider: ProviderId) -> BTreeSet<Opcode> {
        core(ListOpcodesRequest { provider_id: provider }) => |response| response.opcodes
    }

    /// The authentication types the service accepts, preferred first.
    ///
    /// # Errors
    /// See [`Client::call`](crate::Client::call).
    pub fn list_authenticators(&self) -> Vec<AuthenticatorInfo> {
        core(ListAuthenticatorsRequest) => |response| response.authenticators
    }
}
