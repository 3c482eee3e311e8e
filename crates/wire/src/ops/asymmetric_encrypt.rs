//! PsaAsymmetricEncrypt (0x0A): encrypt with a public key (RSA PKCS#1 v1.5 or OAEP).

use psc_psa::{AsymmetricEncryption, SecretBytes};
use zeroize::Zeroize;

use crate::error::{Error, required};
use crate::ops::Body;
use crate::proto::algorithm;

/// Encrypt a short message.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct AsymmetricEncryptRequest {
    /// The key.
    pub key_name: String,
    /// The scheme.
    pub alg: AsymmetricEncryption,
    /// The message.
    pub plaintext: SecretBytes,
    /// The OAEP label; empty means none (and must be empty for PKCS#1 v1.5).
    pub salt: Vec<u8>,
}

/// `psa_asymmetric_encrypt.Operation` and `psa_asymmetric_decrypt.Operation`: field 3 is the
/// plaintext or the ciphertext.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Key name.
    #[prost(string, tag = "1")]
    pub key_name: String,
    /// Algorithm (mandatory).
    #[prost(message, optional, tag = "2")]
    pub alg: Option<algorithm::AsymmetricEncryption>,
    /// Plaintext or ciphertext.
    #[prost(bytes = "vec", tag = "3")]
    pub input: Vec<u8>,
    /// Salt (OAEP label).
    #[prost(bytes = "vec", tag = "4")]
    pub salt: Vec<u8>,
}

impl Body for AsymmetricEncryptRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        // Taken first: a field refused further on must not leave it unwiped.
        let plaintext = SecretBytes::new(m.input);
        Ok(AsymmetricEncryptRequest {
            key_name: m.key_name,
            alg: required(m.alg, "alg")?.try_into()?,
            plaintext,
            salt: m.salt,
        })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage {
            key_name: self.key_name.clone(),
            alg: Some(self.alg.into()),
            input: self.plaintext.to_vec(),
            salt: self.salt.clone(),
        }
    }

    fn scrub(m: &mut RequestMessage) {
        m.input.zeroize();
    }
}

/// The ciphertext.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct AsymmetricEncryptResponse {
    /// The ciphertext.
    pub ciphertext: Vec<u8>,
}

/// A result whose only field is `bytes = 1`: ciphertexts, plaintexts, hashes, MACs.
#[derive(Clone, PartialEq, prost::Message)]
pub struct OutputMessage {
    /// The output.
    #[prost(bytes = "vec", tag = "1")]
    pub output: Vec<u8>,
}

impl Body for AsymmetricEncryptResponse {
    type Proto = OutputMessage;

    fn from_proto(m: OutputMessage) -> Result<Self, Error> {
        Ok(AsymmetricEncryptResponse { ciphertext: m.output })
    }

    fn to_proto(&self) -> OutputMessage {
        OutputMessage { output: self.ciphertext.clone() }
    }
}
