//! PsaMacVerify (0x17): check a MAC over a message. Served but never advertised, like
//! PsaMacCompute.

use psc_psa::Mac;

use crate::error::{Error, required};
use crate::ops::Body;
use crate::proto::algorithm;

/// Verify a MAC.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct MacVerifyRequest {
    /// The key.
    pub key_name: String,
    /// The MAC.
    pub alg: Mac,
    /// The message.
    pub input: Vec<u8>,
    /// The expected MAC.
    pub mac: Vec<u8>,
}

/// `psa_mac_verify.Operation`.
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
    /// MAC.
    #[prost(bytes = "vec", tag = "4")]
    pub mac: Vec<u8>,
}

impl Body for MacVerifyRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(MacVerifyRequest {
            key_name: m.key_name,
            alg: required(m.alg, "alg")?.try_into()?,
            input: m.input,
            mac: m.mac,
        })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage {
            key_name: self.key_name.clone(),
            alg: Some(self.alg.into()),
            input: self.input.clone(),
            mac: self.mac.clone(),
        }
    }
}

empty_body! {
    /// The MAC is valid (an invalid one answers PsaErrorInvalidSignature).
    MacVerifyResponse
}
