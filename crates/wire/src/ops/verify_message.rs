//! PsaVerifyMessage (0x19): hash a message and verify a signature over it.

use psc_psa::AsymmetricSignature;

use crate::error::{Error, required};
use crate::ops::Body;
use crate::proto::algorithm;

/// Verify a signature over a message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct VerifyMessageRequest {
    /// The verifying key.
    pub key_name: String,
    /// The signature algorithm.
    pub alg: AsymmetricSignature,
    /// The message.
    pub message: Vec<u8>,
    /// The signature.
    pub signature: Vec<u8>,
}

/// `psa_verify_message.Operation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Key name.
    #[prost(string, tag = "1")]
    pub key_name: String,
    /// Algorithm (mandatory).
    #[prost(message, optional, tag = "2")]
    pub alg: Option<algorithm::AsymmetricSignature>,
    /// Message.
    #[prost(bytes = "vec", tag = "3")]
    pub message: Vec<u8>,
    /// Signature.
    #[prost(bytes = "vec", tag = "4")]
    pub signature: Vec<u8>,
}

impl Body for VerifyMessageRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(VerifyMessageRequest {
            key_name: m.key_name,
            alg: required(m.alg, "alg")?.try_into()?,
            message: m.message,
            signature: m.signature,
        })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage {
            key_name: self.key_name.clone(),
            alg: Some(self.alg.into()),
            message: self.message.clone(),
            signature: self.signature.clone(),
        }
    }
}

empty_body! {
    /// The signature is valid (an invalid one answers PsaErrorInvalidSignature).
    VerifyMessageResponse
}
