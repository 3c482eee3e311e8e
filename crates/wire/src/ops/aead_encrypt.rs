//! PsaAeadEncrypt (0x11): authenticated encryption; the result is `ciphertext ‖ tag`.

use psc_psa::{Aead, SecretBytes};
use zeroize::Zeroize;

use crate::error::{Error, required};
use crate::ops::Body;
use crate::ops::asymmetric_encrypt::OutputMessage;
use crate::proto::algorithm;

/// Encrypt and authenticate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct AeadEncryptRequest {
    /// The key.
    pub key_name: String,
    /// The AEAD.
    pub alg: Aead,
    /// The nonce, chosen by the caller.
    pub nonce: Vec<u8>,
    /// Data authenticated but not encrypted.
    pub additional_data: Vec<u8>,
    /// The message.
    pub plaintext: SecretBytes,
}

/// `psa_aead_encrypt.Operation` and `psa_aead_decrypt.Operation`: field 5 is the plaintext or
/// the ciphertext.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Key name.
    #[prost(string, tag = "1")]
    pub key_name: String,
    /// Algorithm (mandatory).
    #[prost(message, optional, tag = "2")]
    pub alg: Option<algorithm::Aead>,
    /// Nonce.
    #[prost(bytes = "vec", tag = "3")]
    pub nonce: Vec<u8>,
    /// Additional data.
    #[prost(bytes = "vec", tag = "4")]
    pub additional_data: Vec<u8>,
    /// Plaintext or ciphertext.
    #[prost(bytes = "vec", tag = "5")]
    pub input: Vec<u8>,
}

impl Body for AeadEncryptRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        // Taken first: a field refused further on must not leave it unwiped.
        let plaintext = SecretBytes::new(m.input);
        Ok(AeadEncryptRequest {
            key_name: m.key_name,
            alg: required(m.alg, "alg")?.try_into()?,
            nonce: m.nonce,
            additional_data: m.additional_data,
            plaintext,
        })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage {
            key_name: self.key_name.clone(),
            alg: Some(self.alg.into()),
            nonce: self.nonce.clone(),
            additional_data: self.additional_data.clone(),
            input: self.plaintext.to_vec(),
        }
    }

    fn scrub(m: &mut RequestMessage) {
        m.input.zeroize();
    }
}

/// `ciphertext ‖ tag`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct AeadEncryptResponse {
    /// The ciphertext followed by the tag.
    pub ciphertext: Vec<u8>,
}

impl Body for AeadEncryptResponse {
    type Proto = OutputMessage;

    fn from_proto(m: OutputMessage) -> Result<Self, Error> {
        Ok(AeadEncryptResponse { ciphertext: m.output })
    }

    fn to_proto(&self) -> OutputMessage {
        OutputMessage { output: self.ciphertext.clone() }
    }
}
