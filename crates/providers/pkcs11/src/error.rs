//! Token failures: each keeps the PKCS#11 function and its `CKR_` value, and maps to the one
//! PSA status the protocol answers. Nothing here ever sees a PIN.

use cryptoki::error::{Error as CryptokiError, RvError};
use psc_provider_api::ProviderError;
use psc_psa::Status;

/// The cause kept in a [`ProviderError::Caused`]: what the token said.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// A PKCS#11 function returned an error.
    #[error("{function} returned {rv}")]
    Call {
        /// The function, `C_Sign` say.
        function: String,
        /// Its return value, `CKR_SIGNATURE_INVALID` say.
        rv: String,
    },
    /// The wrapper failed before or after the call (a conversion, a missing symbol).
    #[error("PKCS#11 wrapper: {0}")]
    Wrapper(String),
    /// The token withholds an attribute (a sensitive or unextractable key's value).
    #[error("the token withholds the key's {attribute} (sensitive or not extractable)")]
    Withheld {
        /// The attribute.
        attribute: String,
    },
    /// The token is not there (gone, or not back yet).
    #[error("the token is not present: {0}")]
    Absent(String),
    /// The object a key names is not on the token.
    #[error("no object with CKA_ID {id} on the token")]
    Missing {
        /// The CKA_ID, in hexadecimal.
        id: String,
    },
}

impl TokenError {
    /// The cause a cryptoki error describes.
    pub(crate) fn of(error: &CryptokiError) -> TokenError {
        match error {
            CryptokiError::Pkcs11(rv, function) => TokenError::Call {
                function: format!("C_{function:?}"),
                rv: ckr_name(*rv),
            },
            other => TokenError::Wrapper(other.to_string()),
        }
    }
}

/// The `CKR_` name of a return value: cryptoki's variant names are the constants' names in
/// camel case (`SignatureInvalid` is `CKR_SIGNATURE_INVALID`).
pub(crate) fn ckr_name(rv: RvError) -> String {
    match rv {
        RvError::VendorDefined(value) => format!("CKR_VENDOR_DEFINED+{value:#x}"),
        RvError::UnknownErrorCode(value) => format!("CKR_{value:#x}"),
        other => {
            let camel = format!("{other:?}");
            let mut name = String::from("CKR");
            for c in camel.chars() {
                if c.is_ascii_uppercase() {
                    name.push('_');
                }
                name.push(c.to_ascii_uppercase());
            }
            name
        }
    }
}

/// The return value of a cryptoki error, if the token returned one.
pub(crate) fn rv_of(error: &CryptokiError) -> Option<RvError> {
    match error {
        CryptokiError::Pkcs11(rv, _) => Some(*rv),
        _ => None,
    }
}

/// The provider error for a failed token call made while doing `context` ("signing").
/// Verification and padding failures become their own variants (the service and the
/// conformance suite match on them); a mechanism or size the token refuses is
/// `NotSupported`, naming the function and the return value.
pub(crate) fn failure(context: &str, error: &CryptokiError) -> ProviderError {
    let cause = TokenError::of(error);
    let Some(rv) = rv_of(error) else {
        return ProviderError::caused(Status::PsaErrorGenericError, context, cause);
    };
    let status = match rv {
        RvError::SignatureInvalid | RvError::SignatureLenRange => {
            return ProviderError::InvalidSignature;
        }
        RvError::EncryptedDataInvalid | RvError::EncryptedDataLenRange => {
            return ProviderError::InvalidPadding;
        }
        RvError::MechanismInvalid
        | RvError::MechanismParamInvalid
        | RvError::KeySizeRange
        | RvError::CurveNotSupported
        | RvError::FunctionNotSupported
        | RvError::DomainParamsInvalid => {
            return ProviderError::NotSupported(format!("{context}: {cause}"));
        }
        RvError::ArgumentsBad
        | RvError::DataInvalid
        | RvError::DataLenRange
        | RvError::AttributeValueInvalid
        | RvError::TemplateInconsistent
        | RvError::KeyTypeInconsistent
        | RvError::PublicKeyInvalid => Status::PsaErrorInvalidArgument,
        RvError::KeyFunctionNotPermitted
        | RvError::KeyUnextractable
        | RvError::AttributeSensitive
        | RvError::UserNotLoggedIn
        | RvError::PinIncorrect
        | RvError::PinLocked
        | RvError::PinExpired => Status::PsaErrorNotPermitted,
        RvError::BufferTooSmall => Status::PsaErrorBufferTooSmall,
        RvError::HostMemory => Status::PsaErrorInsufficientMemory,
        RvError::DeviceMemory => Status::PsaErrorInsufficientStorage,
        RvError::DeviceError
        | RvError::DeviceRemoved
        | RvError::TokenNotPresent
        | RvError::TokenNotRecognized
        | RvError::SessionHandleInvalid
        | RvError::SessionClosed
        | RvError::CryptokiNotInitialized => Status::PsaErrorHardwareFailure,
        RvError::RandomNoRng => Status::PsaErrorInsufficientEntropy,
        _ => Status::PsaErrorGenericError,
    };
    ProviderError::caused(status, context, cause)
}

/// The error for a key whose token object is gone.
pub(crate) fn missing(id: &[u8]) -> ProviderError {
    ProviderError::caused(
        Status::PsaErrorDoesNotExist,
        "the key's token object",
        TokenError::Missing { id: hex(id) },
    )
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use cryptoki::context::Function;

    use super::*;

    #[test]
    fn names_are_the_constants() {
        assert_eq!(ckr_name(RvError::SignatureInvalid), "CKR_SIGNATURE_INVALID");
        assert_eq!(
            ckr_name(RvError::UserAlreadyLoggedIn),
            "CKR_USER_ALREADY_LOGGED_IN"
        );
        assert_eq!(ckr_name(RvError::ArgumentsBad), "CKR_ARGUMENTS_BAD");
    }

    #[test]
    fn a_failure_names_the_function_and_the_value() {
        let error = CryptokiError::Pkcs11(RvError::DeviceRemoved, Function::Sign);
        let failure = failure("signing", &error);
        assert_eq!(failure.status(), Status::PsaErrorHardwareFailure);
        let cause = std::error::Error::source(&failure).map(ToString::to_string);
        assert_eq!(cause.as_deref(), Some("C_Sign returned CKR_DEVICE_REMOVED"));
        let refused = CryptokiError::Pkcs11(RvError::SignatureInvalid, Function::Verify);
        assert!(matches!(
            super::failure("verifying", &refused),
            ProviderError::InvalidSignature
        ));
        let unsupported = CryptokiError::Pkcs11(RvError::MechanismInvalid, Function::SignInit);
        match super::failure("signing", &unsupported) {
            ProviderError::NotSupported(message) => {
                assert!(message.contains("C_SignInit returned CKR_MECHANISM_INVALID"));
            }
            other => panic!("{other:?}"),
        }
    }
}
