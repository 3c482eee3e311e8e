//! PsaAeadDecrypt (0x12): check the tag and decrypt `ciphertext ‖ tag`.

use psc_psa::{Aead, SecretBytes};
use zeroize::Zeroize;

use crate::error::{Error, required};
use crate::ops::Body;
use crate::ops::aead_encrypt::RequestMessage;
use crate::ops::asymmetric_encrypt::OutputMessage;

/// Authenticate and decrypt.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct AeadDecryptRequest {
    /// The key.
    pub key_name: String,
    /// The AEAD.
    pub alg: Aead,
    /// The nonce used to encrypt.
    pub nonce: Vec<u8>,
    /// The additional data used to encrypt.
    pub additional_data: Vec<u8>,
    /// The ciphertext followed by the tag.
    pub ciphertext: Vec<u8>,
}

impl Body for AeadDecryptRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(AeadDecryptRequest {
            key_name: m.key_name,
            alg: required(m.alg, "alg")?.try_into()?,
            nonce: m.nonce,
            additional_data: m.additional_data,
            ciphertext: m.input,
        })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage {
            key_name: self.key_name.clone(),
            alg: Some(self.alg.into()),
            nonce: self.nonce.clone(),
            additional_data: self.additional_data.clone(),
            input: self.ciphertext.clone(),
        }
    }
}

/// The plaintext.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct AeadDecryptResponse {
    /// The plaintext.
    pub plaintext: SecretBytes,
}

impl Body for AeadDecryptResponse {
    type Proto = OutputMessage;

    fn from_proto(m: OutputMessage) -> Result<Self, Error> {
        Ok(AeadDecryptResponse { plaintext: SecretBytes::new(m.output) })
    }

    fn to_proto(&self) -> OutputMessage {
        OutputMessage { output: self.plaintext.to_vec() }
    }

    fn scrub(m: &mut OutputMessage) {
        m.output.zeroize();
    }
}
