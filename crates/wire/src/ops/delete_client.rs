//! DeleteClient (0x1C, admin): destroy every key of an application.

use crate::error::Error;
use crate::ops::Body;

/// Delete an application's keys.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct DeleteClientRequest {
    /// The application's name.
    pub client: String,
}

/// `delete_client.Operation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Client name.
    #[prost(string, tag = "1")]
    pub client: String,
}

impl Body for DeleteClientRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(DeleteClientRequest { client: m.client })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage { client: self.client.clone() }
    }
}

empty_body! {
    /// The application's keys are gone.
    DeleteClientResponse
}
