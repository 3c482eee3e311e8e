//! PsaSignHash (0x04): sign a precomputed hash.

use psc_psa::AsymmetricSignature;

use crate::error::{Error, required};
use crate::ops::Body;
use crate::proto::algorithm;

/// Sign a hash.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct SignHashRequest {
    /// The signing key.
    pub key_name: String,
    /// The signature algorithm.
    pub alg: AsymmetricSignature,
    /// The hash to sign.
    pub hash: Vec<u8>,
}

/// `psa_sign_hash.Operation`.
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
}

impl Body for SignHashRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(SignHashRequest {
            key_name: m.key_name,
            alg: required(m.alg, "alg")?.try_into()?,
            hash: m.hash,
        })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage {
            key_name: self.key_name.clone(),
            alg: Some(self.alg.into()),
            hash: self.hash.clone(),
        }
    }
}

/// The signature (PSA format: raw `r ‖ s` for ECDSA, modulus-sized for RSA).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct SignHashResponse {
    /// The signature.
    pub signature: Vec<u8>,
}

/// `psa_sign_hash.Result`, and `psa_sign_message.Result`: one `signature` bytes field.
#[derive(Clone, PartialEq, prost::Message)]
pub struct SignatureMessage {
    /// Signature.
    #[prost(bytes = "vec", tag = "1")]
    pub signature: Vec<u8>,
}

impl Body for SignHashResponse {
    type Proto = SignatureMessage;

    fn from_proto(m: SignatureMessage) -> Result<Self, Error> {
        Ok(SignHashResponse { signature: m.signature })
    }

    fn to_proto(&self) -> SignatureMessage {
        SignatureMessage { signature: self.signature.clone() }
    }
}
