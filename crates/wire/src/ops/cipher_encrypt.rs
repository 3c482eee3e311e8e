//! PsaCipherEncrypt (0x14): unauthenticated encryption; the result is `IV ‖ ciphertext`.

use psc_psa::{Cipher, SecretBytes};
use zeroize::Zeroize;

use crate::error::{Error, enum_code};
use crate::ops::Body;
use crate::ops::asymmetric_encrypt::OutputMessage;
use crate::proto::algorithm::cipher;

/// Encrypt.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct CipherEncryptRequest {
    /// The key.
    pub key_name: String,
    /// The mode.
    pub alg: Cipher,
    /// The message.
    pub plaintext: SecretBytes,
}

/// `psa_cipher_encrypt.Operation` and `psa_cipher_decrypt.Operation`: field 3 is the plaintext
/// or the ciphertext.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Key name.
    #[prost(string, tag = "1")]
    pub key_name: String,
    /// Enum `Cipher`.
    #[prost(int64, tag = "2")]
    pub alg: i64,
    /// Plaintext or ciphertext.
    #[prost(bytes = "vec", tag = "3")]
    pub input: Vec<u8>,
}

impl Body for CipherEncryptRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        // Taken first: a field refused further on must not leave it unwiped.
        let plaintext = SecretBytes::new(m.input);
        Ok(CipherEncryptRequest {
            key_name: m.key_name,
            alg: cipher(m.alg)?,
            plaintext,
        })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage {
            key_name: self.key_name.clone(),
            alg: enum_code(self.alg.code()),
            input: self.plaintext.to_vec(),
        }
    }

    fn scrub(m: &mut RequestMessage) {
        m.input.zeroize();
    }
}

/// `IV ‖ ciphertext`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct CipherEncryptResponse {
    /// The IV followed by the ciphertext.
    pub ciphertext: Vec<u8>,
}

impl Body for CipherEncryptResponse {
    type Proto = OutputMessage;

    fn from_proto(m: OutputMessage) -> Result<Self, Error> {
        Ok(CipherEncryptResponse { ciphertext: m.output })
    }

    fn to_proto(&self) -> OutputMessage {
        OutputMessage { output: self.ciphertext.clone() }
    }
}
