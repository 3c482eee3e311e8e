//! The status codes of Parsec responses.

use std::fmt;

macro_rules! statuses {
    ($($(#[doc = $doc:literal])* $name:ident = $code:literal,)*) => {
        /// A Parsec response status: 0 for success, 1–22 for service conditions, 1000 + |PSA
        /// status| for PSA Crypto errors.
        ///
        /// This is a result code for the wire, not an error type: library crates keep their own
        /// typed errors and translate them to a `Status` in one place.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "proptest", derive(proptest_derive::Arbitrary))]
        #[repr(u16)]
        #[non_exhaustive]
        pub enum Status {
            $($(#[doc = $doc])* $name = $code,)*
        }

        impl Status {
            /// Every status, in code order.
            pub const ALL: &'static [Status] = &[$(Status::$name,)*];

            /// The status with this code, or `None` for a code the protocol does not define.
            pub fn from_code(code: u16) -> Option<Status> {
                match code {
                    $($code => Some(Status::$name),)*
                    _ => None,
                }
            }

            /// The name used by the Parsec documentation and clients.
            pub fn name(self) -> &'static str {
                match self {
                    $(Status::$name => stringify!($name),)*
                }
            }
        }
    };
}

statuses! {
    /// The operation completed.
    Success = 0,
    /// The request's provider does not match the back end that received it.
    WrongProviderId = 1,
    /// The request body's content type is not supported.
    ContentTypeNotSupported = 2,
    /// The requested response content type is not supported.
    AcceptTypeNotSupported = 3,
    /// The wire protocol version is not 1.0.
    WireProtocolVersionNotSupported = 4,
    /// The provider id is valid but no such provider is configured.
    ProviderNotRegistered = 5,
    /// The provider id is not one the protocol defines.
    ProviderDoesNotExist = 6,
    /// The body is not valid protobuf for the operation.
    DeserializingBodyFailed = 7,
    /// The result could not be encoded.
    SerializingBodyFailed = 8,
    /// The opcode is not one the protocol defines.
    OpcodeDoesNotExist = 9,
    /// The response would exceed the configured buffer limit.
    ResponseTooLarge = 10,
    /// The authenticator rejected the request's credentials.
    AuthenticationError = 11,
    /// The authentication type is not one the protocol defines.
    AuthenticatorDoesNotExist = 12,
    /// The authentication type is valid but not configured.
    AuthenticatorNotRegistered = 13,
    /// The key metadata store failed.
    KeyInfoManagerError = 14,
    /// Reading or writing the connection failed or timed out.
    ConnectionError = 15,
    /// A field holds a value the protocol does not allow.
    InvalidEncoding = 16,
    /// The fixed header is malformed.
    InvalidHeader = 17,
    /// A provider UUID is not a valid UUID.
    WrongProviderUuid = 18,
    /// The operation needs an authenticated application.
    NotAuthenticated = 19,
    /// The request body is longer than the configured limit.
    BodySizeExceedsLimit = 20,
    /// The operation is reserved to administrators.
    AdminOperation = 21,
    /// The request uses a deprecated primitive that the configuration refuses.
    DeprecatedPrimitive = 22,
    /// PSA_ERROR_GENERIC_ERROR.
    PsaErrorGenericError = 1132,
    /// PSA_ERROR_NOT_PERMITTED.
    PsaErrorNotPermitted = 1133,
    /// PSA_ERROR_NOT_SUPPORTED.
    PsaErrorNotSupported = 1134,
    /// PSA_ERROR_INVALID_ARGUMENT.
    PsaErrorInvalidArgument = 1135,
    /// PSA_ERROR_INVALID_HANDLE.
    PsaErrorInvalidHandle = 1136,
    /// PSA_ERROR_BAD_STATE.
    PsaErrorBadState = 1137,
    /// PSA_ERROR_BUFFER_TOO_SMALL.
    PsaErrorBufferTooSmall = 1138,
    /// PSA_ERROR_ALREADY_EXISTS.
    PsaErrorAlreadyExists = 1139,
    /// PSA_ERROR_DOES_NOT_EXIST.
    PsaErrorDoesNotExist = 1140,
    /// PSA_ERROR_INSUFFICIENT_MEMORY.
    PsaErrorInsufficientMemory = 1141,
    /// PSA_ERROR_INSUFFICIENT_STORAGE.
    PsaErrorInsufficientStorage = 1142,
    /// PSA_ERROR_INSUFFICIENT_DATA.
    PsaErrorInsufficientData = 1143,
    /// PSA_ERROR_COMMUNICATION_FAILURE.
    PsaErrorCommunicationFailure = 1145,
    /// PSA_ERROR_STORAGE_FAILURE.
    PsaErrorStorageFailure = 1146,
    /// PSA_ERROR_HARDWARE_FAILURE.
    PsaErrorHardwareFailure = 1147,
    /// PSA_ERROR_INSUFFICIENT_ENTROPY.
    PsaErrorInsufficientEntropy = 1148,
    /// PSA_ERROR_INVALID_SIGNATURE.
    PsaErrorInvalidSignature = 1149,
    /// PSA_ERROR_INVALID_PADDING.
    PsaErrorInvalidPadding = 1150,
    /// PSA_ERROR_CORRUPTION_DETECTED.
    PsaErrorCorruptionDetected = 1151,
    /// PSA_ERROR_DATA_CORRUPT.
    PsaErrorDataCorrupt = 1152,
    /// PSA_ERROR_DATA_INVALID (known to Rust clients only).
    PsaErrorDataInvalid = 1153,
}

impl Status {
    /// The numeric code carried in the response header.
    pub fn code(self) -> u16 {
        self as u16
    }

    /// Whether the Go client can decode this status (it rejects 22 and 1153).
    pub fn known_to_all_clients(self) -> bool {
        !matches!(
            self,
            Status::DeprecatedPrimitive | Status::PsaErrorDataInvalid
        )
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_gaps_are_unknown() {
        for status in Status::ALL {
            assert_eq!(Status::from_code(status.code()), Some(*status));
        }
        assert_eq!(Status::ALL.len(), 23 + 21);
        for unknown in [23, 999, 1131, 1144, 1154, u16::MAX] {
            assert_eq!(Status::from_code(unknown), None);
        }
        assert_eq!(Status::PsaErrorInvalidSignature.code(), 1149);
        assert_eq!(Status::AdminOperation.to_string(), "AdminOperation (21)");
    }
}
