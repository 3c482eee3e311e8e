//! ListOpcodes (0x09): the operations a provider implements.

use std::collections::BTreeSet;

use crate::error::{Error, narrow};
use crate::header::ProviderId;
use crate::ops::list_providers::provider_id;
use crate::ops::{Body, Opcode};

/// List a provider's operations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct ListOpcodesRequest {
    /// The provider asked about (an undefined id is ProviderDoesNotExist).
    pub provider_id: ProviderId,
}

/// `list_opcodes.Operation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Provider id.
    #[prost(uint64, tag = "1")]
    pub provider_id: u64,
}

impl Body for ListOpcodesRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(ListOpcodesRequest { provider_id: provider_id(narrow(m.provider_id, "provider_id")?)? })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage { provider_id: self.provider_id.code().into() }
    }
}

/// The operations, as a set (the protocol gives them no order).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct ListOpcodesResponse {
    /// The opcodes.
    pub opcodes: BTreeSet<Opcode>,
}

/// `list_opcodes.Result`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResponseMessage {
    /// Opcodes (packed).
    #[prost(uint32, repeated, tag = "1")]
    pub opcodes: Vec<u32>,
}

impl Body for ListOpcodesResponse {
    type Proto = ResponseMessage;

    fn from_proto(m: ResponseMessage) -> Result<Self, Error> {
        let opcodes = m
            .opcodes
            .into_iter()
            .map(|code| Opcode::from_code(code).ok_or(Error::Opcode(code)))
            .collect::<Result<_, _>>()?;
        Ok(ListOpcodesResponse { opcodes })
    }

    fn to_proto(&self) -> ResponseMessage {
        ResponseMessage { opcodes: self.opcodes.iter().map(|op| op.code()).collect() }
    }
}
