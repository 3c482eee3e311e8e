//! PsaGenerateKey (0x02): create a key with these attributes under this name.

use psc_psa::Attributes;

use crate::error::{Error, required};
use crate::ops::Body;
use crate::proto::key_attributes::KeyAttributes;

/// Generate a key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct GenerateKeyRequest {
    /// The name of the new key, in the caller's namespace.
    pub key_name: String,
    /// Type, size and policy of the key.
    pub attributes: Attributes,
}

/// `psa_generate_key.Operation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Key name.
    #[prost(string, tag = "1")]
    pub key_name: String,
    /// Attributes (mandatory).
    #[prost(message, optional, tag = "2")]
    pub attributes: Option<KeyAttributes>,
}

impl Body for GenerateKeyRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(GenerateKeyRequest {
            key_name: m.key_name,
            attributes: required(m.attributes, "attributes")?.try_into()?,
        })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage { key_name: self.key_name.clone(), attributes: Some(self.attributes.into()) }
    }
}

empty_body! {
    /// The key exists once this is received.
    GenerateKeyResponse
}
