//! CanDoCrypto (0x20, experimental): can a provider use or create a key like this?

use psc_psa::Attributes;

use crate::error::{Error, enum_code, enum_value, required};
use crate::ops::Body;
use crate::proto::key_attributes::KeyAttributes;

/// The question asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub enum CheckType {
    /// Can an existing key like this run its permitted algorithm?
    Use,
    /// Can such a key be generated?
    Generate,
    /// Can such a key be imported?
    Import,
    /// Can such a key be derived?
    Derive,
}

impl CheckType {
    fn code(self) -> u32 {
        match self {
            CheckType::Use => 1,
            CheckType::Generate => 2,
            CheckType::Import => 3,
            CheckType::Derive => 4,
        }
    }

    fn from_code(code: u32) -> Option<CheckType> {
        [CheckType::Use, CheckType::Generate, CheckType::Import, CheckType::Derive]
            .into_iter()
            .find(|check| check.code() == code)
    }
}

/// Ask whether an operation is supported.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct CanDoCryptoRequest {
    /// The question.
    pub check_type: CheckType,
    /// The key described (bits 0 = any size).
    pub attributes: Attributes,
}

/// `can_do_crypto.Operation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Enum `CheckType`.
    #[prost(int64, tag = "1")]
    pub check_type: i64,
    /// Attributes (mandatory).
    #[prost(message, optional, tag = "2")]
    pub attributes: Option<KeyAttributes>,
}

impl Body for CanDoCryptoRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(CanDoCryptoRequest {
            check_type: enum_value(m.check_type, CheckType::from_code, "check_type")?,
            attributes: required(m.attributes, "attributes")?.try_into()?,
        })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage {
            check_type: enum_code(self.check_type.code()),
            attributes: Some(self.attributes.into()),
        }
    }
}

empty_body! {
    /// Supported (otherwise PsaErrorNotSupported, or PsaErrorNotPermitted for a mismatch).
    CanDoCryptoResponse
}
