//! PsaExportKey (0x0C): the key material itself; needs the export usage flag.

use psc_psa::SecretBytes;
use zeroize::Zeroize;

use crate::error::Error;
use crate::ops::Body;
use crate::ops::destroy_key::KeyNameMessage;
use crate::ops::export_public_key::DataMessage;

/// Export a key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct ExportKeyRequest {
    /// The key.
    pub key_name: String,
}

impl Body for ExportKeyRequest {
    type Proto = KeyNameMessage;

    fn from_proto(m: KeyNameMessage) -> Result<Self, Error> {
        Ok(ExportKeyRequest { key_name: m.key_name })
    }

    fn to_proto(&self) -> KeyNameMessage {
        KeyNameMessage { key_name: self.key_name.clone() }
    }
}

/// The key material in the PSA export format of its type.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct ExportKeyResponse {
    /// The key material.
    pub data: SecretBytes,
}

impl Body for ExportKeyResponse {
    type Proto = DataMessage;

    fn from_proto(m: DataMessage) -> Result<Self, Error> {
        Ok(ExportKeyResponse { data: SecretBytes::new(m.data) })
    }

    fn to_proto(&self) -> DataMessage {
        DataMessage { data: self.data.to_vec() }
    }

    fn scrub(m: &mut DataMessage) {
        m.data.zeroize();
    }
}
