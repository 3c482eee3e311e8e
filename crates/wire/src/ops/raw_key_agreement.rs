//! PsaRawKeyAgreement (0x13): the raw shared secret of a key pair and a peer's public key.

use psc_psa::{RawKeyAgreement, SecretBytes};
use zeroize::Zeroize;

use crate::error::{Error, enum_code};
use crate::ops::Body;
use crate::ops::asymmetric_encrypt::OutputMessage;
use crate::proto::algorithm::raw_agreement;

/// Agree on a shared secret.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct RawKeyAgreementRequest {
    /// The agreement.
    pub alg: RawKeyAgreement,
    /// Our key pair.
    pub private_key_name: String,
    /// The peer's public key, in PSA export format.
    pub peer_key: Vec<u8>,
}

/// `psa_raw_key_agreement.Operation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Enum `KeyAgreement.Raw`.
    #[prost(int64, tag = "1")]
    pub alg: i64,
    /// Private key name.
    #[prost(string, tag = "2")]
    pub private_key_name: String,
    /// Peer public key.
    #[prost(bytes = "vec", tag = "3")]
    pub peer_key: Vec<u8>,
}

impl Body for RawKeyAgreementRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(RawKeyAgreementRequest {
            alg: raw_agreement(m.alg)?,
            private_key_name: m.private_key_name,
            peer_key: m.peer_key,
        })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage {
            alg: enum_code(self.alg.code()),
            private_key_name: self.private_key_name.clone(),
            peer_key: self.peer_key.clone(),
        }
    }
}

/// The shared secret.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct RawKeyAgreementResponse {
    /// The shared secret.
    pub shared_secret: SecretBytes,
}

impl Body for RawKeyAgreementResponse {
    type Proto = OutputMessage;

    fn from_proto(m: OutputMessage) -> Result<Self, Error> {
        Ok(RawKeyAgreementResponse { shared_secret: SecretBytes::new(m.output) })
    }

    fn to_proto(&self) -> OutputMessage {
        OutputMessage { output: self.shared_secret.to_vec() }
    }

    fn scrub(m: &mut OutputMessage) {
        m.output.zeroize();
    }
}
