//! PsaAsymmetricDecrypt (0x0B): decrypt with a private key (RSA PKCS#1 v1.5 or OAEP).

use psc_psa::{AsymmetricEncryption, SecretBytes};
use zeroize::Zeroize;

use crate::error::{Error, required};
use crate::ops::Body;
use crate::ops::asymmetric_encrypt::{OutputMessage, RequestMessage};

/// Decrypt a short message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct AsymmetricDecryptRequest {
    /// The key.
    pub key_name: String,
    /// The scheme.
    pub alg: AsymmetricEncryption,
    /// The ciphertext.
    pub ciphertext: Vec<u8>,
    /// The OAEP label; empty means none.
    pub salt: Vec<u8>,
}

impl Body for AsymmetricDecryptRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(AsymmetricDecryptRequest {
            key_name: m.key_name,
            alg: required(m.alg, "alg")?.try_into()?,
            ciphertext: m.input,
            salt: m.salt,
        })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage {
            key_name: self.key_name.clone(),
            alg: Some(self.alg.into()),
            input: self.ciphertext.clone(),
            salt: self.salt.clone(),
        }
    }
}

/// The plaintext.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct AsymmetricDecryptResponse {
    /// The plaintext.
    pub plaintext: SecretBytes,
}

impl Body for AsymmetricDecryptResponse {
    type Proto = OutputMessage;

    fn from_proto(m: OutputMessage) -> Result<Self, Error> {
        Ok(AsymmetricDecryptResponse { plaintext: SecretBytes::new(m.output) })
    }

    fn to_proto(&self) -> OutputMessage {
        OutputMessage { output: self.plaintext.to_vec() }
    }

    fn scrub(m: &mut OutputMessage) {
        m.output.zeroize();
    }
}
