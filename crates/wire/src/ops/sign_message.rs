//! PsaSignMessage (0x18): hash and sign a message.

use psc_psa::AsymmetricSignature;

use crate::error::{Error, required};
use crate::ops::Body;
use crate::ops::sign_hash::SignatureMessage;
use crate::proto::algorithm;

/// Sign a message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct SignMessageRequest {
    /// The signing key.
    pub key_name: String,
    /// The signature algorithm.
    pub alg: AsymmetricSignature,
    /// The message.
    pub message: Vec<u8>,
}

/// `psa_sign_message.Operation`.
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
}

impl Body for SignMessageRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(SignMessageRequest {
            key_name: m.key_name,
            alg: required(m.alg, "alg")?.try_into()?,
            message: m.message,
        })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage {
            key_name: self.key_name.clone(),
            alg: Some(self.alg.into()),
            message: self.message.clone(),
        }
    }
}

/// The signature.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct SignMessageResponse {
    /// The signature.
    pub signature: Vec<u8>,
}

impl Body for SignMessageResponse {
    type Proto = SignatureMessage;

    fn from_proto(m: SignatureMessage) -> Result<Self, Error> {
        Ok(SignMessageResponse { signature: m.signature })
    }

    fn to_proto(&self) -> SignatureMessage {
        SignatureMessage { signature: self.signature.clone() }
    }
}
