//! Ping (0x01): the highest wire protocol version the service speaks.

use crate::error::Error;
use crate::ops::Body;

empty_body! {
    /// Ping takes no arguments.
    PingRequest
}

/// The highest wire protocol version supported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct PingResponse {
    /// Major version.
    pub major: u8,
    /// Minor version.
    pub minor: u8,
}

/// `ping.Result`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResponseMessage {
    /// Major version (a u8 value).
    #[prost(uint32, tag = "1")]
    pub wire_protocol_version_maj: u32,
    /// Minor version (a u8 value).
    #[prost(uint32, tag = "2")]
    pub wire_protocol_version_min: u32,
}

impl Body for PingResponse {
    type Proto = ResponseMessage;

    fn from_proto(m: ResponseMessage) -> Result<Self, Error> {
        let byte = |v: u32, name| u8::try_from(v).map_err(|_| Error::InvalidField(name));
        Ok(PingResponse {
            major: byte(m.wire_protocol_version_maj, "wire_protocol_version_maj")?,
            minor: byte(m.wire_protocol_version_min, "wire_protocol_version_min")?,
        })
    }

    fn to_proto(&self) -> ResponseMessage {
        ResponseMessage {
            wire_protocol_version_maj: self.major.into(),
            wire_protocol_version_min: self.minor.into(),
        }
    }
}
