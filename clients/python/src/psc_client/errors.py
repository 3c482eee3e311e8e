"""Exceptions: the service's refusals (:class:`ServiceError`, with the status kept) apart from
what went wrong on this side of the socket (:class:`ClientError`).

Every message says what happened and what to do about it.
"""

from __future__ import annotations

import enum
from typing import Dict, Optional, Type, Union

__all__ = [
    "Status",
    "ParsecError",
    "ServiceError",
    "RequestRejected",
    "AuthenticationFailed",
    "PermissionDenied",
    "ProviderUnavailable",
    "ServiceFailure",
    "PsaError",
    "NotPermitted",
    "NotSupported",
    "InvalidArgument",
    "KeyNotFound",
    "KeyExists",
    "InvalidSignature",
    "ClientError",
    "EndpointError",
    "ServiceUnavailable",
    "ConnectionLost",
    "ResponseTimeout",
    "MalformedResponse",
    "NoCryptoProvider",
    "JwtSvidUnreadable",
    "NoAuthenticator",
    "UnsuitableKey",
    "SealedFormatError",
    "error_for_status",
]


class Status(enum.IntEnum):
    """A response status (header bytes 32–33)."""

    SUCCESS = 0
    WRONG_PROVIDER_ID = 1
    CONTENT_TYPE_NOT_SUPPORTED = 2
    ACCEPT_TYPE_NOT_SUPPORTED = 3
    WIRE_PROTOCOL_VERSION_NOT_SUPPORTED = 4
    PROVIDER_NOT_REGISTERED = 5
    PROVIDER_DOES_NOT_EXIST = 6
    DESERIALIZING_BODY_FAILED = 7
    SERIALIZING_BODY_FAILED = 8
    OPCODE_DOES_NOT_EXIST = 9
    RESPONSE_TOO_LARGE = 10
    AUTHENTICATION_ERROR = 11
    AUTHENTICATOR_DOES_NOT_EXIST = 12
    AUTHENTICATOR_NOT_REGISTERED = 13
    KEY_INFO_MANAGER_ERROR = 14
    CONNECTION_ERROR = 15
    INVALID_ENCODING = 16
    INVALID_HEADER = 17
    WRONG_PROVIDER_UUID = 18
    NOT_AUTHENTICATED = 19
    BODY_SIZE_EXCEEDS_LIMIT = 20
    ADMIN_OPERATION = 21
    DEPRECATED_PRIMITIVE = 22
    PSA_ERROR_GENERIC_ERROR = 1132
    PSA_ERROR_NOT_PERMITTED = 1133
    PSA_ERROR_NOT_SUPPORTED = 1134
    PSA_ERROR_INVALID_ARGUMENT = 1135
    PSA_ERROR_INVALID_HANDLE = 1136
    PSA_ERROR_BAD_STATE = 1137
    PSA_ERROR_BUFFER_TOO_SMALL = 1138
    PSA_ERROR_ALREADY_EXISTS = 1139
    PSA_ERROR_DOES_NOT_EXIST = 1140
    PSA_ERROR_INSUFFICIENT_MEMORY = 1141
    PSA_ERROR_INSUFFICIENT_STORAGE = 1142
    PSA_ERROR_INSUFFICIENT_DATA = 1143
    PSA_ERROR_COMMUNICATION_FAILURE = 1145
    PSA_ERROR_STORAGE_FAILURE = 1146
    PSA_ERROR_HARDWARE_FAILURE = 1147
    PSA_ERROR_INSUFFICIENT_ENTROPY = 1148
    PSA_ERROR_INVALID_SIGNATURE = 1149
    PSA_ERROR_INVALID_PADDING = 1150
    PSA_ERROR_CORRUPTION_DETECTED = 1151
    PSA_ERROR_DATA_CORRUPT = 1152
    PSA_ERROR_DATA_INVALID = 1153


S = Status
_HEADER = "the service could not read the request header; client and service disagree on the wire format"
_BODY = "the service could not decode the request body; a field holds an invalid value"
_AUTH_TYPE = (
    "the service does not accept this authentication type; list the accepted ones with "
    "Client.list_authenticators()"
)
_NO_KEY = "no such key exists for this application; list its keys with Client.list_keys()"
_CORRUPT = "the provider's stored data is corrupt or unreadable; see the service's log"

_HINTS: Dict[int, str] = {
    S.WRONG_PROVIDER_ID: _HEADER,
    S.CONTENT_TYPE_NOT_SUPPORTED: _HEADER,
    S.ACCEPT_TYPE_NOT_SUPPORTED: _HEADER,
    S.INVALID_HEADER: _HEADER,
    S.WIRE_PROTOCOL_VERSION_NOT_SUPPORTED: "the service does not speak wire protocol 1.0; use a client for its version",
    S.PROVIDER_NOT_REGISTERED: (
        "no provider with this ID is configured in the service; list the configured ones with "
        "Client.list_providers()"
    ),
    S.PROVIDER_DOES_NOT_EXIST: "this provider ID is not defined; valid IDs are 0 to 5",
    S.DESERIALIZING_BODY_FAILED: _BODY,
    S.INVALID_ENCODING: _BODY,
    S.SERIALIZING_BODY_FAILED: "the service could not encode its answer; see its log",
    S.OPCODE_DOES_NOT_EXIST: "the service does not know this operation",
    S.RESPONSE_TOO_LARGE: "the answer would exceed the service's buffer limit; ask for less data",
    S.AUTHENTICATION_ERROR: "the service rejected this client's credentials",
    S.AUTHENTICATOR_DOES_NOT_EXIST: _AUTH_TYPE,
    S.AUTHENTICATOR_NOT_REGISTERED: _AUTH_TYPE,
    S.KEY_INFO_MANAGER_ERROR: "the service's key store failed; see its log",
    S.CONNECTION_ERROR: "the service could not read the whole request in time; retry",
    S.WRONG_PROVIDER_UUID: "a provider UUID is invalid",
    S.NOT_AUTHENTICATED: (
        "this operation needs an authenticated application; give the Client an app_name or "
        "an auth= other than Auth.none()"
    ),
    S.BODY_SIZE_EXCEEDS_LIMIT: "the request body exceeds the service's size limit; send less data per request",
    S.ADMIN_OPERATION: "this operation is reserved to the service's administrators",
    S.DEPRECATED_PRIMITIVE: "the service refuses deprecated algorithms or key sizes; choose a current one",
    S.PSA_ERROR_GENERIC_ERROR: "the provider failed; see the service's log",
    S.PSA_ERROR_NOT_PERMITTED: "the key's policy does not permit this operation",
    S.PSA_ERROR_NOT_SUPPORTED: "the provider does not support this operation, algorithm or key type",
    S.PSA_ERROR_INVALID_ARGUMENT: "an argument is invalid for this key or algorithm",
    S.PSA_ERROR_INVALID_HANDLE: _NO_KEY,
    S.PSA_ERROR_BAD_STATE: "the provider is not in a state to run this operation",
    S.PSA_ERROR_BUFFER_TOO_SMALL: "an output buffer is too small",
    S.PSA_ERROR_ALREADY_EXISTS: "a key with this name already exists; choose another name or destroy it first",
    S.PSA_ERROR_DOES_NOT_EXIST: _NO_KEY,
    S.PSA_ERROR_INSUFFICIENT_MEMORY: "the provider ran out of memory or storage",
    S.PSA_ERROR_INSUFFICIENT_STORAGE: "the provider ran out of memory or storage",
    S.PSA_ERROR_INSUFFICIENT_DATA: "the input is too short",
    S.PSA_ERROR_COMMUNICATION_FAILURE: "the provider's hardware failed or could not be reached",
    S.PSA_ERROR_HARDWARE_FAILURE: "the provider's hardware failed or could not be reached",
    S.PSA_ERROR_STORAGE_FAILURE: _CORRUPT,
    S.PSA_ERROR_DATA_CORRUPT: _CORRUPT,
    S.PSA_ERROR_DATA_INVALID: _CORRUPT,
    S.PSA_ERROR_CORRUPTION_DETECTED: _CORRUPT,
    S.PSA_ERROR_INSUFFICIENT_ENTROPY: "the provider lacks entropy; retry later",
    S.PSA_ERROR_INVALID_SIGNATURE: "the signature does not match",
    S.PSA_ERROR_INVALID_PADDING: "the ciphertext's padding is invalid",
}


def explain(status: int) -> str:
    """One sentence: what the status says about the request, and the usual remedy."""
    return _HINTS.get(status, "the service refused the request; its log says why")


class ParsecError(Exception):
    """Every error this library raises."""


class ServiceError(ParsecError):
    """The service answered with a status other than Success.

    ``status`` is a :class:`Status`, or the plain number for a status this library does not
    know.
    """

    def __init__(self, status: Union[Status, int], operation: Optional[str] = None) -> None:
        try:
            status = Status(status)
        except ValueError:
            pass
        self.status: Union[Status, int] = status
        self.operation = operation
        name = f"{status.name} ({int(status)})" if isinstance(status, Status) else f"status {status}"
        what = f" to {operation}" if operation else ""
        super().__init__(f"the Parsec service answered {name}{what}: {explain(status)}")


class RequestRejected(ServiceError):
    """The service could not read or accept the request as sent (header, body, size,
    deprecated primitive): a mismatch between client and service, or an invalid value."""


class AuthenticationFailed(ServiceError):
    """The request's identity was missing, of an unaccepted type, or rejected."""


class PermissionDenied(ServiceError):
    """An administrator-only operation from an application that is not one."""


class ProviderUnavailable(ServiceError):
    """The provider addressed does not exist or is not configured."""


class ServiceFailure(ServiceError):
    """The service failed on its side (key store, I/O while reading the request)."""


class PsaError(ServiceError):
    """A PSA Crypto error from the provider (statuses 1132–1153)."""


class NotPermitted(PsaError):
    """The key's policy does not permit the operation."""


class NotSupported(PsaError):
    """The provider does not support this operation, algorithm or key type."""


class InvalidArgument(PsaError):
    """An argument is invalid for the key or algorithm."""


class KeyNotFound(PsaError):
    """No key of that name exists for this application."""


class KeyExists(PsaError):
    """A key of that name already exists for this application."""


class InvalidSignature(PsaError):
    """The signature (or MAC, or hash) does not match."""


_CLASSES: Dict[int, Type[ServiceError]] = {
    S.WRONG_PROVIDER_ID: RequestRejected,
    S.CONTENT_TYPE_NOT_SUPPORTED: RequestRejected,
    S.ACCEPT_TYPE_NOT_SUPPORTED: RequestRejected,
    S.WIRE_PROTOCOL_VERSION_NOT_SUPPORTED: RequestRejected,
    S.DESERIALIZING_BODY_FAILED: RequestRejected,
    S.OPCODE_DOES_NOT_EXIST: RequestRejected,
    S.RESPONSE_TOO_LARGE: RequestRejected,
    S.INVALID_ENCODING: RequestRejected,
    S.INVALID_HEADER: RequestRejected,
    S.BODY_SIZE_EXCEEDS_LIMIT: RequestRejected,
    S.DEPRECATED_PRIMITIVE: RequestRejected,
    S.AUTHENTICATION_ERROR: AuthenticationFailed,
    S.AUTHENTICATOR_DOES_NOT_EXIST: AuthenticationFailed,
    S.AUTHENTICATOR_NOT_REGISTERED: AuthenticationFailed,
    S.NOT_AUTHENTICATED: AuthenticationFailed,
    S.ADMIN_OPERATION: PermissionDenied,
    S.PROVIDER_NOT_REGISTERED: ProviderUnavailable,
    S.PROVIDER_DOES_NOT_EXIST: ProviderUnavailable,
    S.WRONG_PROVIDER_UUID: ProviderUnavailable,
    S.SERIALIZING_BODY_FAILED: ServiceFailure,
    S.KEY_INFO_MANAGER_ERROR: ServiceFailure,
    S.CONNECTION_ERROR: ServiceFailure,
    S.PSA_ERROR_NOT_PERMITTED: NotPermitted,
    S.PSA_ERROR_NOT_SUPPORTED: NotSupported,
    S.PSA_ERROR_INVALID_ARGUMENT: InvalidArgument,
    S.PSA_ERROR_INVALID_HANDLE: KeyNotFound,
    S.PSA_ERROR_DOES_NOT_EXIST: KeyNotFound,
    S.PSA_ERROR_ALREADY_EXISTS: KeyExists,
    S.PSA_ERROR_INVALID_SIGNATURE: InvalidSignature,
}


def error_for_status(status: int, operation: Optional[str] = None) -> ServiceError:
    """The exception for a non-success status: the most specific class of its family."""
    cls = _CLASSES.get(status)
    if cls is None:
        cls = PsaError if 1000 <= status < 2000 else ServiceError
    return cls(status, operation)


class ClientError(ParsecError):
    """A failure on this side of the socket: endpoint, connection, or a bad answer."""


class EndpointError(ClientError):
    """``PARSEC_SERVICE_ENDPOINT`` (or the endpoint given) is not a usable URI."""

    def __init__(self, uri: str, problem: str) -> None:
        self.uri = uri
        super().__init__(
            f"the Parsec endpoint {uri!r} is invalid: {problem}; set PARSEC_SERVICE_ENDPOINT "
            "to a URI such as unix:/run/parsec/parsec.sock"
        )


class ServiceUnavailable(ClientError):
    """Nothing accepts connections at the socket path, or this user may not connect."""

    def __init__(self, path: str, cause: OSError) -> None:
        self.path = path
        if isinstance(cause, PermissionError):
            text = (
                f"cannot connect to the Parsec service at {path}: {cause.strerror}; check "
                "that this user may use the socket"
            )
        else:
            text = (
                f"no Parsec service at {path}: {cause.strerror or cause}; start the service, "
                "or set PARSEC_SERVICE_ENDPOINT to the socket it listens on "
                "(unix:/path/to/parsec.sock)"
            )
        super().__init__(text)


class ConnectionLost(ClientError):
    """The service closed the connection (or it failed) before a whole answer arrived."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"the Parsec service closed the connection without a complete answer ({detail}): "
            "check the service's log"
        )


class ResponseTimeout(ClientError, TimeoutError):
    """No complete answer within the client's timeout."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        super().__init__(
            f"the Parsec service did not answer within {timeout:g} s: it may be overloaded "
            "or stuck; retry, or allow a longer timeout (Client(timeout=...))"
        )


class MalformedResponse(ClientError):
    """The answer is not a valid wire protocol 1.0 response to the request."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(
            f"the Parsec service sent a malformed response ({detail}): check that the "
            "endpoint is a Parsec service speaking wire protocol 1.0"
        )


class NoCryptoProvider(ClientError):
    """The service lists no crypto provider."""

    def __init__(self) -> None:
        super().__init__(
            "the Parsec service has no crypto provider configured: check its configuration"
        )


class NoAuthenticator(ClientError):
    """The service accepts no authenticator this client can satisfy."""

    def __init__(self) -> None:
        super().__init__(
            "the Parsec service accepts none of the authenticators this client supports "
            "(Direct with an application name, Unix peer credentials, a JWT-SVID in "
            "PARSEC_JWT_SVID or PARSEC_JWT_SVID_FILE): give the Client an app_name, or check "
            "the service's [[authenticator]] configuration"
        )


class JwtSvidUnreadable(ClientError):
    """The file said to hold this workload's JWT-SVID cannot be used."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        super().__init__(
            f"the JWT-SVID file {path!r} cannot be used: {reason}; check the path in "
            "PARSEC_JWT_SVID_FILE (or the one given to Auth.jwt_svid_file) and whatever "
            "writes the token there (spiffe-helper, a SPIFFE agent)"
        )


class UnsuitableKey(ClientError):
    """A convenience method was given a key whose policy does not suit it."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        super().__init__(
            f"the key {name!r} cannot be used here: {reason}; create one with "
            "Client.generate_signing_key / generate_encryption_key, or call the explicit "
            "method with an algorithm"
        )


class SealedFormatError(ClientError):
    """Bytes given to :meth:`Client.open` are not in the format :meth:`Client.seal` writes."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"the sealed data is not in the format Client.seal writes ({detail}): pass the "
            "exact bytes seal returned"
        )
