//! PsaImportKey (0x06): store key material supplied by the caller.

use psc_psa::{Attributes, SecretBytes};
use zeroize::Zeroize;

use crate::error::{Error, required};
use crate::ops::Body;
use crate::proto::key_attributes::KeyAttributes;

/// Import a key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct ImportKeyRequest {
    /// The name of the new key.
    pub key_name: String,
    /// Type, size (0: taken from the data) and policy.
    pub attributes: Attributes,
    /// The key material, in the PSA import format of its type.
    pub data: SecretBytes,
}

/// `psa_import_key.Operation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Key name.
    #[prost(string, tag = "1")]
    pub key_name: String,
    /// Attributes (mandatory).
    #[prost(message, optional, tag = "2")]
    pub attributes: Option<KeyAttributes>,
    /// Key material.
    #[prost(bytes = "vec", tag = "3")]
    pub data: Vec<u8>,
}

impl Body for ImportKeyRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        // Taken first: a field refused further on must not leave it unwiped.
        let data = SecretBytes::new(m.data);
        Ok(ImportKeyRequest {
            key_name: m.key_name,
            attributes: required(m.attributes, "attributes")?.try_into()?,
            data,
        })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage {
            key_name: self.key_name.clone(),
            attributes: Some(self.attributes.into()),
            data: self.data.to_vec(),
        }
    }

    fn scrub(m: &mut RequestMessage) {
        m.data.zeroize();
    }
}

empty_body! {
    /// The key exists once this is received.
    ImportKeyResponse
}
