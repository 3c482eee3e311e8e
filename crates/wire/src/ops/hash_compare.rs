//! PsaHashCompare (0x10): compare a message's digest with an expected one; needs no identity.

use psc_psa::Hash;

use crate::error::{Error, enum_code};
use crate::ops::Body;
use crate::proto::algorithm::hash;

/// Compare a digest.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct HashCompareRequest {
    /// The hash.
    pub alg: Hash,
    /// The message.
    pub input: Vec<u8>,
    /// The expected digest.
    pub hash: Vec<u8>,
}

/// `psa_hash_compare.Operation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Enum `Hash`.
    #[prost(int64, tag = "1")]
    pub alg: i64,
    /// Input.
    #[prost(bytes = "vec", tag = "2")]
    pub input: Vec<u8>,
    /// Expected digest.
    #[prost(bytes = "vec", tag = "3")]
    pub hash: Vec<u8>,
}

impl Body for HashCompareRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(HashCompareRequest { alg: hash(m.alg)?, input: m.input, hash: m.hash })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage {
            alg: enum_code(self.alg.code()),
            input: self.input.clone(),
            hash: self.hash.clone(),
        }
    }
}

empty_body! {
    /// The digests match (a mismatch answers PsaErrorInvalidSignature).
    HashCompareResponse
}
