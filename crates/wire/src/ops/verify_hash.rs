//! PsaVerifyHash (0x05): verify a signature over a precomputed hash.

use psc_psa::AsymmetricSignature;

use crate::error::{Error, required};
use crate::ops::Body;
use crate::proto::algorithm;

/// Verify a signature over a hash.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct VerifyHashRequest {
    /// The verifying key.
    pub key_name: String,
    /// The signature algorithm.
    pub alg: AsymmetricSignature,
    /// The signed hash.
    pub hash: Vec<u8>,
    /// The signature.
    pub signature: Vec<u8>,
}

/// `psa_verify_hash.Operation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Key name.
    #[prost(string, tag = "1")]
    pub key_name: String,
    /// Algorithm (mandatory).
    #[prost(message, optional, tag = "2")]
    pub alg: Option<algorithm::AsymmetricSignature>,
    /// Hash.
    #[prost(bytes = "vec", tag = "3")]
    pub hash: Vec<u8>,
    /// Signature.
    #[prost(bytes = "vec", tag = "4")]
    pub signature: Vec<u8>,
}

impl Body for VerifyHashRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(VerifyHashRequest {
            key_name: m.key_name,
            alg: required(m.alg, "alg")?.try_into()?,
            hash: m.hash,
            signature: m.signature,
        })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage {
            key_name: self.key_name.clone(),
            alg: Some(self.alg.into()),
            hash: self.hash.clone(),
            signature: self.signature.clone(),
        }
    }
}

empty_body! {
    /// The signature is valid (an invalid one answers PsaErrorInvalidSignature).
    VerifyHashResponse
}
