//! PsaExportPublicKey (0x07): the public key of a key pair, or a public key.

use crate::error::Error;
use crate::ops::Body;
use crate::ops::destroy_key::KeyNameMessage;

/// Export a public key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct ExportPublicKeyRequest {
    /// The key.
    pub key_name: String,
}

impl Body for ExportPublicKeyRequest {
    type Proto = KeyNameMessage;

    fn from_proto(m: KeyNameMessage) -> Result<Self, Error> {
        Ok(ExportPublicKeyRequest { key_name: m.key_name })
    }

    fn to_proto(&self) -> KeyNameMessage {
        KeyNameMessage { key_name: self.key_name.clone() }
    }
}

/// The public key in PSA format (PKCS#1 `RSAPublicKey`, or an uncompressed point).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct ExportPublicKeyResponse {
    /// The public key.
    pub data: Vec<u8>,
}

/// `psa_export_public_key.Result` and `psa_export_key.Result`: one `data` bytes field.
#[derive(Clone, PartialEq, prost::Message)]
pub struct DataMessage {
    /// Key data.
    #[prost(bytes = "vec", tag = "1")]
    pub data: Vec<u8>,
}

impl Body for ExportPublicKeyResponse {
    type Proto = DataMessage;

    fn from_proto(m: DataMessage) -> Result<Self, Error> {
        Ok(ExportPublicKeyResponse { data: m.data })
    }

    fn to_proto(&self) -> DataMessage {
        DataMessage { data: self.data.clone() }
    }
}
