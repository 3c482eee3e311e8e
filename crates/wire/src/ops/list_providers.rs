//! ListProviders (0x08): the configured providers, in priority order, the core provider last.

use uuid::Uuid;

use crate::error::Error;
use crate::header::ProviderId;
use crate::ops::Body;

empty_body! {
    /// ListProviders takes no arguments.
    ListProvidersRequest
}

/// A description of one provider.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct ProviderInfo {
    /// The provider implementation's UUID.
    #[cfg_attr(
        any(test, feature = "proptest"),
        proptest(strategy = "proptest::strategy::Strategy::prop_map(proptest::num::u128::ANY, Uuid::from_u128)")
    )]
    pub uuid: Uuid,
    /// Free text.
    pub description: String,
    /// Free text.
    pub vendor: String,
    /// Version, major.
    pub version_maj: u32,
    /// Version, minor.
    pub version_min: u32,
    /// Version, revision.
    pub version_rev: u32,
    /// The slot it answers on.
    pub id: ProviderId,
}

/// The providers.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct ListProvidersResponse {
    /// The providers, in priority order, the core provider last.
    pub providers: Vec<ProviderInfo>,
}

/// `list_providers.ProviderInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ProviderInfoMessage {
    /// UUID text.
    #[prost(string, tag = "1")]
    pub uuid: String,
    /// Description.
    #[prost(string, tag = "2")]
    pub description: String,
    /// Vendor.
    #[prost(string, tag = "3")]
    pub vendor: String,
    /// Major.
    #[prost(uint32, tag = "4")]
    pub version_maj: u32,
    /// Minor.
    #[prost(uint32, tag = "5")]
    pub version_min: u32,
    /// Revision.
    #[prost(uint32, tag = "6")]
    pub version_rev: u32,
    /// Provider id.
    #[prost(uint32, tag = "7")]
    pub id: u32,
}

/// `list_providers.Result`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResponseMessage {
    /// Providers.
    #[prost(message, repeated, tag = "1")]
    pub providers: Vec<ProviderInfoMessage>,
}

/// A provider id carried in a uint32 field.
pub(crate) fn provider_id(value: u32) -> Result<ProviderId, Error> {
    u8::try_from(value).map_err(|_| Error::Provider(value)).and_then(ProviderId::from_code)
}

impl TryFrom<ProviderInfoMessage> for ProviderInfo {
    type Error = Error;

    fn try_from(m: ProviderInfoMessage) -> Result<Self, Error> {
        Ok(ProviderInfo {
            uuid: Uuid::parse_str(&m.uuid).map_err(|_| Error::ProviderUuid(m.uuid.clone()))?,
            description: m.description,
            vendor: m.vendor,
            version_maj: m.version_maj,
            version_min: m.version_min,
            version_rev: m.version_rev,
            id: provider_id(m.id)?,
        })
    }
}

impl From<&ProviderInfo> for ProviderInfoMessage {
    fn from(info: &ProviderInfo) -> Self {
        ProviderInfoMessage {
            uuid: info.uuid.hyphenated().to_string(),
            description: info.description.clone(),
            vendor: info.vendor.clone(),
            version_maj: info.version_maj,
            version_min: info.version_min,
            version_rev: info.version_rev,
            id: info.id.code().into(),
        }
    }
}

impl Body for ListProvidersResponse {
    type Proto = ResponseMessage;

    fn from_proto(m: ResponseMessage) -> Result<Self, Error> {
        let providers = m.providers.into_iter().map(TryInto::try_into).collect::<Result<_, _>>()?;
        Ok(ListProvidersResponse { providers })
    }

    fn to_proto(&self) -> ResponseMessage {
        ResponseMessage { providers: self.providers.iter().map(Into::into).collect() }
    }
}
