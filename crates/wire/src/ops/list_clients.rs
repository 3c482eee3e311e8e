//! ListClients (0x1B, admin): the applications that own at least one key.

use crate::error::Error;
use crate::ops::Body;

empty_body! {
    /// ListClients takes no arguments.
    ListClientsRequest
}

/// The applications, sorted.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct ListClientsResponse {
    /// Application names.
    pub clients: Vec<String>,
}

/// `list_clients.Result`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResponseMessage {
    /// Client names.
    #[prost(string, repeated, tag = "1")]
    pub clients: Vec<String>,
}

impl Body for ListClientsResponse {
    type Proto = ResponseMessage;

    fn from_proto(m: ResponseMessage) -> Result<Self, Error> {
        Ok(ListClientsResponse { clients: m.clients })
    }

    fn to_proto(&self) -> ResponseMessage {
        ResponseMessage { clients: self.clients.clone() }
    }
}
