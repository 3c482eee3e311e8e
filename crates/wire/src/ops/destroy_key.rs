//! PsaDestroyKey (0x03): delete a key.

use crate::error::Error;
use crate::ops::Body;

/// Destroy a key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct DestroyKeyRequest {
    /// The key's name.
    pub key_name: String,
}

/// `psa_destroy_key.Operation`: also the shape of every request that names only a key.
#[derive(Clone, PartialEq, prost::Message)]
pub struct KeyNameMessage {
    /// Key name.
    #[prost(string, tag = "1")]
    pub key_name: String,
}

impl Body for DestroyKeyRequest {
    type Proto = KeyNameMessage;

    fn from_proto(m: KeyNameMessage) -> Result<Self, Error> {
        Ok(DestroyKeyRequest { key_name: m.key_name })
    }

    fn to_proto(&self) -> KeyNameMessage {
        KeyNameMessage { key_name: self.key_name.clone() }
    }
}

empty_body! {
    /// The key is gone once this is received.
    DestroyKeyResponse
}
