//! PsaCipherDecrypt (0x15): decrypt `IV ‖ ciphertext`.

use psc_psa::{Cipher, SecretBytes};
use zeroize::Zeroize;

use crate::error::{Error, enum_code};
use crate::ops::Body;
use crate::ops::asymmetric_encrypt::OutputMessage;
use crate::ops::cipher_encrypt::RequestMessage;
use crate::proto::algorithm::cipher;

/// Decrypt.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct CipherDecryptRequest {
    /// The key.
    pub key_name: String,
    /// The mode.
    pub alg: Cipher,
    /// The IV followed by the ciphertext.
    pub ciphertext: Vec<u8>,
}

impl Body for CipherDecryptRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(CipherDecryptRequest { key_name: m.key_name, alg: cipher(m.alg)?, ciphertext: m.input })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage {
            key_name: self.key_name.clone(),
            alg: enum_code(self.alg.code()),
            input: self.ciphertext.clone(),
        }
    }
}

/// The plaintext.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct CipherDecryptResponse {
    /// The plaintext.
    pub plaintext: SecretBytes,
}

impl Body for CipherDecryptResponse {
    type Proto = OutputMessage;

    fn from_proto(m: OutputMessage) -> Result<Self, Error> {
        Ok(CipherDecryptResponse { plaintext: SecretBytes::new(m.output) })
    }

    fn to_proto(&self) -> OutputMessage {
        OutputMessage { output: self.plaintext.to_vec() }
    }

    fn scrub(m: &mut OutputMessage) {
        m.output.zeroize();
    }
}
