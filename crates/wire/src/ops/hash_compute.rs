//! PsaHashCompute (0x0F): a digest; needs no identity.

use psc_psa::Hash;

use crate::error::Error;
use crate::ops::Body;
use crate::ops::asymmetric_encrypt::OutputMessage;
use crate::proto::algorithm::hash;

/// Hash a message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct HashComputeRequest {
    /// The hash.
    pub alg: Hash,
    /// The message.
    pub input: Vec<u8>,
}

/// `psa_hash_compute.Operation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Enum `Hash`.
    #[prost(int64, tag = "1")]
    pub alg: i64,
    /// Input.
    #[prost(bytes = "vec", tag = "2")]
    pub input: Vec<u8>,
}

impl Body for HashComputeRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(HashComputeRequest { alg: hash(m.alg)?, input: m.input })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage { alg: crate::error::enum_code(self.alg.code()), input: self.input.clone() }
    }
}

/// The digest.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct HashComputeResponse {
    /// The digest.
    pub hash: Vec<u8>,
}

impl Body for HashComputeResponse {
    type Proto = OutputMessage;

    fn from_proto(m: OutputMessage) -> Result<Self, Error> {
        Ok(HashComputeResponse { hash: m.output })
    }

    fn to_proto(&self) -> OutputMessage {
        OutputMessage { output: self.hash.clone() }
    }
}
