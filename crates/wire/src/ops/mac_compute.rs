//! PsaMacCompute (0x16): a MAC over a message. Published Rust clients do not know this opcode,
//! so it is served but never advertised.

use psc_psa::Mac;

use crate::error::{Error, required};
use crate::ops::Body;
use crate::ops::asymmetric_encrypt::OutputMessage;
use crate::proto::algorithm;

/// Compute a MAC.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct MacComputeRequest {
    /// The key.
    pub key_name: String,
    /// The MAC.
    pub alg: Mac,
    /// The message.
    pub input: Vec<u8>,
}

/// `psa_mac_compute.Operation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Key name.
    #[prost(string, tag = "1")]
    pub key_name: String,
    /// Algorithm (mandatory).
    #[prost(message, optional, tag = "2")]
    pub alg: Option<algorithm::Mac>,
    /// Input.
    #[prost(bytes = "vec", tag = "3")]
    pub input: Vec<u8>,
}

impl Body for MacComputeRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(MacComputeRequest {
            key_name: m.key_name,
            alg: required(m.alg, "alg")?.try_into()?,
            input: m.input,
        })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage {
            key_name: self.key_name.clone(),
            alg: Some(self.alg.into()),
            input: self.input.clone(),
        }
    }
}

/// The MAC.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct MacComputeResponse {
    /// The MAC.
    pub mac: Vec<u8>,
}

impl Body for MacComputeResponse {
    type Proto = OutputMessage;

    fn from_proto(m: OutputMessage) -> Result<Self, Error> {
        Ok(MacComputeResponse { mac: m.output })
    }

    fn to_proto(&self) -> OutputMessage {
        OutputMessage { output: self.mac.clone() }
    }
}
