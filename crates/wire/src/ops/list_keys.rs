//! ListKeys (0x1A): the caller's keys, over every provider.

use psc_psa::Attributes;

use crate::error::{Error, required};
use crate::header::ProviderId;
use crate::ops::Body;
use crate::ops::list_providers::provider_id;
use crate::proto::key_attributes::KeyAttributes;

empty_body! {
    /// ListKeys takes no arguments; the caller's identity selects the keys.
    ListKeysRequest
}

/// One key of the caller's.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct KeyInfo {
    /// The provider holding the key.
    pub provider_id: ProviderId,
    /// The key's name.
    pub name: String,
    /// The key's attributes.
    pub attributes: Attributes,
}

/// The caller's keys.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct ListKeysResponse {
    /// The keys.
    pub keys: Vec<KeyInfo>,
}

/// `list_keys.KeyInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct KeyInfoMessage {
    /// Provider id.
    #[prost(uint32, tag = "1")]
    pub provider_id: u32,
    /// Name.
    #[prost(string, tag = "2")]
    pub name: String,
    /// Attributes (mandatory).
    #[prost(message, optional, tag = "3")]
    pub attributes: Option<KeyAttributes>,
}

/// `list_keys.Result`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResponseMessage {
    /// Keys.
    #[prost(message, repeated, tag = "1")]
    pub keys: Vec<KeyInfoMessage>,
}

impl TryFrom<KeyInfoMessage> for KeyInfo {
    type Error = Error;

    fn try_from(m: KeyInfoMessage) -> Result<Self, Error> {
        Ok(KeyInfo {
            provider_id: provider_id(m.provider_id)?,
            name: m.name,
            attributes: required(m.attributes, "attributes")?.try_into()?,
        })
    }
}

impl From<&KeyInfo> for KeyInfoMessage {
    fn from(info: &KeyInfo) -> Self {
        KeyInfoMessage {
            provider_id: info.provider_id.code().into(),
            name: info.name.clone(),
            attributes: Some(info.attributes.into()),
        }
    }
}

impl Body for ListKeysResponse {
    type Proto = ResponseMessage;

    fn from_proto(m: ResponseMessage) -> Result<Self, Error> {
        let keys = m.keys.into_iter().map(TryInto::try_into).collect::<Result<_, _>>()?;
        Ok(ListKeysResponse { keys })
    }

    fn to_proto(&self) -> ResponseMessage {
        ResponseMessage { keys: self.keys.iter().map(Into::into).collect() }
    }
}
