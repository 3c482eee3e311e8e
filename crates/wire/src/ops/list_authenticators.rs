//! ListAuthenticators (0x0E): the authenticators the service accepts, preferred first.

use crate::error::Error;
use crate::header::AuthType;
use crate::ops::Body;

empty_body! {
    /// ListAuthenticators takes no arguments.
    ListAuthenticatorsRequest
}

/// A description of one authenticator.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct AuthenticatorInfo {
    /// Free text.
    pub description: String,
    /// Version, major.
    pub version_maj: u32,
    /// Version, minor.
    pub version_min: u32,
    /// Version, revision.
    pub version_rev: u32,
    /// The authentication type it handles.
    pub id: AuthType,
}

/// The authenticators.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct ListAuthenticatorsResponse {
    /// The authenticators, preferred first.
    pub authenticators: Vec<AuthenticatorInfo>,
}

/// `list_authenticators.AuthenticatorInfo`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AuthenticatorInfoMessage {
    /// Description.
    #[prost(string, tag = "1")]
    pub description: String,
    /// Major.
    #[prost(uint32, tag = "2")]
    pub version_maj: u32,
    /// Minor.
    #[prost(uint32, tag = "3")]
    pub version_min: u32,
    /// Revision.
    #[prost(uint32, tag = "4")]
    pub version_rev: u32,
    /// Auth type.
    #[prost(uint32, tag = "5")]
    pub id: u32,
}

/// `list_authenticators.Result`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResponseMessage {
    /// Authenticators.
    #[prost(message, repeated, tag = "1")]
    pub authenticators: Vec<AuthenticatorInfoMessage>,
}

impl TryFrom<AuthenticatorInfoMessage> for AuthenticatorInfo {
    type Error = Error;

    fn try_from(m: AuthenticatorInfoMessage) -> Result<Self, Error> {
        let id = u8::try_from(m.id).map_err(|_| Error::AuthType(u8::MAX))?;
        Ok(AuthenticatorInfo {
            description: m.description,
            version_maj: m.version_maj,
            version_min: m.version_min,
            version_rev: m.version_rev,
            id: AuthType::from_code(id)?,
        })
    }
}

impl From<&AuthenticatorInfo> for AuthenticatorInfoMessage {
    fn from(info: &AuthenticatorInfo) -> Self {
        AuthenticatorInfoMessage {
            description: info.description.clone(),
            version_maj: info.version_maj,
            version_min: info.version_min,
            version_rev: info.version_rev,
            id: info.id.code().into(),
        }
    }
}

impl Body for ListAuthenticatorsResponse {
    type Proto = ResponseMessage;

    fn from_proto(m: ResponseMessage) -> Result<Self, Error> {
        let authenticators =
            m.authenticators.into_iter().map(TryInto::try_into).collect::<Result<_, _>>()?;
        Ok(ListAuthenticatorsResponse { authenticators })
    }

    fn to_proto(&self) -> ResponseMessage {
        ResponseMessage { authenticators: self.authenticators.iter().map(Into::into).collect() }
    }
}
