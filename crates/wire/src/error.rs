//! The codec's error type, and its translation to a wire [`Status`].

use psc_psa::Status;

/// Why a frame or a body could not be decoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The first four bytes are not the Parsec magic number.
    #[error("bad magic number {0:#010x}")]
    BadMagic(u32),
    /// The header size field is not 30.
    #[error("header size {0}, expected 30")]
    HeaderSize(u16),
    /// The wire protocol version is not 1.0.
    #[error("wire protocol version {major}.{minor} is not supported")]
    Version {
        /// Major version sent.
        major: u8,
        /// Minor version sent.
        minor: u8,
    },
    /// A reserved header byte is not zero.
    #[error("reserved header bytes are not zero")]
    ReservedNotZero,
    /// The declared body length is above the limit.
    #[error("body of {len} bytes exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        /// Declared length.
        len: u32,
        /// Configured limit.
        limit: u32,
    },
    /// The content type byte is not a known body type.
    #[error("content type {0} is not supported")]
    ContentType(u8),
    /// The accept type byte is not a known body type.
    #[error("accept type {0} is not supported")]
    AcceptType(u8),
    /// The authentication type byte is not defined.
    #[error("authentication type {0} does not exist")]
    AuthType(u8),
    /// The opcode is not defined.
    #[error("opcode {0:#x} does not exist")]
    Opcode(u32),
    /// The provider id is not defined.
    #[error("provider id {0} does not exist")]
    Provider(u32),
    /// A provider description carries a UUID that is not one.
    #[error("provider UUID {0:?} is not a UUID")]
    ProviderUuid(String),
    /// A response carries a status the protocol does not define.
    #[error("status {0} is not defined")]
    Status(u16),
    /// The frame ended before the lengths its header declares.
    #[error("frame truncated: {missing} bytes missing")]
    Truncated {
        /// Bytes missing.
        missing: usize,
    },
    /// A body or auth field is too long for its length field.
    #[error("{field} of {len} bytes does not fit its length field")]
    TooLong {
        /// `body` or `auth`.
        field: &'static str,
        /// Its length.
        len: usize,
    },
    /// The body is not valid protobuf.
    #[error("body is not valid protobuf: {0}")]
    Protobuf(#[from] prost::DecodeError),
    /// A mandatory field is absent, or a field holds a value the contract does not define.
    #[error("field `{0}` is missing or holds an undefined value")]
    InvalidField(&'static str),
}

impl Error {
    /// The status the protocol answers for this error.
    pub fn status(&self) -> Status {
        match self {
            Error::BadMagic(_) | Error::HeaderSize(_) | Error::ReservedNotZero => {
                Status::InvalidHeader
            }
            Error::Version { .. } => Status::WireProtocolVersionNotSupported,
            Error::ProviderUuid(_) => Status::WrongProviderUuid,
            Error::BodyTooLarge { .. } => Status::BodySizeExceedsLimit,
            Error::ContentType(_) => Status::ContentTypeNotSupported,
            Error::AcceptType(_) => Status::AcceptTypeNotSupported,
            Error::AuthType(_) => Status::AuthenticatorDoesNotExist,
            Error::Opcode(_) => Status::OpcodeDoesNotExist,
            Error::Provider(_) => Status::ProviderDoesNotExist,
            Error::Status(_) | Error::InvalidField(_) | Error::TooLong { .. } => {
                Status::InvalidEncoding
            }
            Error::Truncated { .. } => Status::ConnectionError,
            Error::Protobuf(_) => Status::DeserializingBodyFailed,
        }
    }
}

/// A mandatory message field: absent is [`Error::InvalidField`].
pub(crate) fn required<T>(field: Option<T>, name: &'static str) -> Result<T, Error> {
    field.ok_or(Error::InvalidField(name))
}

/// A protobuf enum field: the zero (`NONE`) value and undefined values are
/// [`Error::InvalidField`]. Enum fields are decoded as 64-bit values (an `int32` is sent as a
/// sign-extended 64-bit varint), so a varint beyond the enum's range is refused here rather
/// than truncated by the decoder to a value that may be defined.
pub(crate) fn enum_value<T>(
    value: i64,
    from_code: fn(u32) -> Option<T>,
    name: &'static str,
) -> Result<T, Error> {
    u32::try_from(value)
        .ok()
        .and_then(from_code)
        .ok_or(Error::InvalidField(name))
}

/// The protobuf value of a contract enum.
pub(crate) fn enum_code(code: u32) -> i64 {
    i64::from(code)
}

/// A protobuf `uint32` field, decoded as `uint64` (the same bytes on the wire for every
/// `uint32` value) so that a larger varint is [`Error::InvalidField`], not truncated to its
/// low 32 bits (`key_bits = 2^32 + 256` would otherwise be 256).
pub(crate) fn narrow(value: u64, name: &'static str) -> Result<u32, Error> {
    u32::try_from(value).map_err(|_| Error::InvalidField(name))
}
