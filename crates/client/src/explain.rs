//! What each response status means to the caller, and what to do about it: the text after
//! the status in [`crate::Error::Service`]'s message.

use psc_psa::Status;

/// One sentence: what the status says about the request, and the usual remedy.
pub(crate) fn explain(status: Status) -> &'static str {
    service_condition(status)
        .or_else(|| psa_condition(status))
        .unwrap_or("the service refused the request; its log says why")
}

/// Statuses 1–22: the service's own conditions.
fn service_condition(status: Status) -> Option<&'static str> {
    Some(match status {
        Status::Success => "the operation completed",
        Status::WrongProviderId
        | Status::ContentTypeNotSupported
        | Status::AcceptTypeNotSupported
        | Status::InvalidHeader => {
            "the service could not read the request header; client and service disagree on \
             the wire format"
        }
        Status::WireProtocolVersionNotSupported => {
            "the service does not speak wire protocol 1.0; use a client for its version"
        }
        Status::ProviderNotRegistered => {
            "no provider with this ID is configured in the service; list the configured ones \
             with ListProviders"
        }
        Status::ProviderDoesNotExist => "this provider ID is not defined; valid IDs are 0 to 5",
        Status::DeserializingBodyFailed | Status::InvalidEncoding => {
            "the service could not decode the request body; a field holds an invalid value"
        }
        Status::SerializingBodyFailed => "the service could not encode its answer; see its log",
        Status::OpcodeDoesNotExist => "the service does not know this operation",
        Status::ResponseTooLarge => {
            "the answer would exceed the service's buffer limit; ask \
                                     for less data"
        }
        Status::AuthenticationError => "the service rejected this client's credentials",
        Status::AuthenticatorDoesNotExist | Status::AuthenticatorNotRegistered => {
            "the service does not accept this authentication type; list the accepted ones \
             with ListAuthenticators"
        }
        Status::KeyInfoManagerError => "the service's key store failed; see its log",
        Status::ConnectionError => "the service could not read the whole request in time; retry",
        Status::WrongProviderUuid => "a provider UUID is invalid",
        Status::NotAuthenticated => "this operation needs an authenticated application",
        Status::BodySizeExceedsLimit => "the request body exceeds the service's size limit",
        Status::AdminOperation => "this operation is reserved to the service's administrators",
        Status::DeprecatedPrimitive => {
            "the service refuses deprecated algorithms or key sizes; \
                                        choose a current one"
        }
        _ => return None,
    })
}

/// Statuses 1132–1153: PSA Crypto errors from a provider.
fn psa_condition(status: Status) -> Option<&'static str> {
    Some(match status {
        Status::PsaErrorNotPermitted => "the key's policy does not permit this operation",
        Status::PsaErrorNotSupported => {
            "the provider does not support this operation, algorithm or key type"
        }
        Status::PsaErrorInvalidArgument => "an argument is invalid for this key or algorithm",
        Status::PsaErrorInvalidHandle | Status::PsaErrorDoesNotExist => {
            "no such key exists for this application"
        }
        Status::PsaErrorAlreadyExists => {
            "a key with this name already exists; choose another \
                                          name or delete it first"
        }
        Status::PsaErrorBufferTooSmall => "an output buffer is too small",
        Status::PsaErrorInsufficientMemory | Status::PsaErrorInsufficientStorage => {
            "the provider ran out of memory or storage"
        }
        Status::PsaErrorInvalidSignature => "the signature does not match",
        Status::PsaErrorInvalidPadding => "the ciphertext's padding is invalid",
        Status::PsaErrorInsufficientData => "the input is too short",
        Status::PsaErrorCommunicationFailure | Status::PsaErrorHardwareFailure => {
            "the provider's hardware failed or could not be reached"
        }
        Status::PsaErrorStorageFailure
        | Status::PsaErrorDataCorrupt
        | Status::PsaErrorDataInvalid
        | Status::PsaErrorCorruptionDetected => {
            "the provider's stored data is corrupt or \
                                                 unreadable; see the service's log"
        }
        Status::PsaErrorInsufficientEntropy => "the provider lacks entropy; retry later",
        Status::PsaErrorBadState => "the provider is not in a state to run this operation",
        Status::PsaErrorGenericError => "the provider failed; see the service's log",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_specific_explanation() {
        for &status in Status::ALL {
            let text = service_condition(status).or_else(|| psa_condition(status));
            assert!(text.is_some(), "{status} has no explanation");
        }
    }
}
