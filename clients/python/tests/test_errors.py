"""Statuses map to a small hierarchy, with the status kept and a message that says what to
do; the live daemon's refusals arrive as the right classes."""

from __future__ import annotations

from typing import Type

import pytest

from conftest import Daemon
from psc_client import (
    Auth,
    AuthenticationFailed,
    Client,
    ClientError,
    Ecdsa,
    EndpointError,
    Hash,
    InvalidArgument,
    InvalidSignature,
    KeyAttributes,
    KeyExists,
    KeyNotFound,
    KeyType,
    NotPermitted,
    NotSupported,
    ParsecError,
    PermissionDenied,
    ProviderUnavailable,
    RsaPkcs1v15Sign,
    PsaError,
    RequestRejected,
    ServiceError,
    ServiceFailure,
    ServiceUnavailable,
    Status,
    UsageFlags,
    error_for_status,
)


@pytest.mark.parametrize(
    "status, family",
    [
        (Status.INVALID_HEADER, RequestRejected),
        (Status.WIRE_PROTOCOL_VERSION_NOT_SUPPORTED, RequestRejected),
        (Status.DESERIALIZING_BODY_FAILED, RequestRejected),
        (Status.INVALID_ENCODING, RequestRejected),
        (Status.OPCODE_DOES_NOT_EXIST, RequestRejected),
        (Status.BODY_SIZE_EXCEEDS_LIMIT, RequestRejected),
        (Status.DEPRECATED_PRIMITIVE, RequestRejected),
        (Status.AUTHENTICATION_ERROR, AuthenticationFailed),
        (Status.AUTHENTICATOR_NOT_REGISTERED, AuthenticationFailed),
        (Status.NOT_AUTHENTICATED, AuthenticationFailed),
        (Status.ADMIN_OPERATION, PermissionDenied),
        (Status.PROVIDER_NOT_REGISTERED, ProviderUnavailable),
        (Status.PROVIDER_DOES_NOT_EXIST, ProviderUnavailable),
        (Status.KEY_INFO_MANAGER_ERROR, ServiceFailure),
        (Status.CONNECTION_ERROR, ServiceFailure),
        (Status.PSA_ERROR_NOT_PERMITTED, NotPermitted),
        (Status.PSA_ERROR_NOT_SUPPORTED, NotSupported),
        (Status.PSA_ERROR_INVALID_ARGUMENT, InvalidArgument),
        (Status.PSA_ERROR_DOES_NOT_EXIST, KeyNotFound),
        (Status.PSA_ERROR_INVALID_HANDLE, KeyNotFound),
        (Status.PSA_ERROR_ALREADY_EXISTS, KeyExists),
        (Status.PSA_ERROR_INVALID_SIGNATURE, InvalidSignature),
        (Status.PSA_ERROR_GENERIC_ERROR, PsaError),
        (Status.PSA_ERROR_STORAGE_FAILURE, PsaError),
    ],
)
def test_each_status_family(status: Status, family: Type[ServiceError]) -> None:
    error = error_for_status(status, "sign")
    assert type(error) is family
    assert isinstance(error, ServiceError) and isinstance(error, ParsecError)
    assert error.status is status and error.operation == "sign"
    assert f"{status.name} ({int(status)})" in str(error)


def test_every_status_has_its_own_explanation() -> None:
    for status in Status:
        if status is not Status.SUCCESS:
            assert "its log says why" not in str(error_for_status(status)), status


def test_unknown_statuses_keep_their_number() -> None:
    error = error_for_status(1144)
    assert type(error) is PsaError and error.status == 1144
    error = error_for_status(999)
    assert type(error) is ServiceError and error.status == 999 and "status 999" in str(error)


def test_live_refusals(daemon: Daemon, client: Client) -> None:
    with pytest.raises(AuthenticationFailed) as caught:
        with Client(endpoint=daemon.endpoint, provider=1, auth=Auth.none()) as anonymous:
            anonymous.list_keys()
    assert caught.value.status == Status.NOT_AUTHENTICATED
    assert "app_name" in str(caught.value)
    with pytest.raises(ProviderUnavailable) as provider:
        client.list_opcodes(provider=4)
    assert provider.value.status == Status.PROVIDER_NOT_REGISTERED
    with pytest.raises(PermissionDenied):
        client.list_clients()
    with pytest.raises(KeyNotFound) as missing:
        client.sign("nothing", b"x")
    assert "list_keys" in str(missing.value)
    with pytest.raises(InvalidArgument):  # a policy algorithm that does not fit the key type
        client.generate_key("bad", KeyAttributes(KeyType.AES, 256, UsageFlags.signing(), Ecdsa()))
    with pytest.raises(InvalidArgument):  # no P-100 curve
        client.generate_key("odd", KeyAttributes.ecc_signing(bits=100))
    with pytest.raises(RequestRejected) as deprecated:
        client.generate_key("sha1", KeyAttributes.rsa_signing(2048, RsaPkcs1v15Sign(Hash.SHA_1)))
    assert deprecated.value.status == Status.DEPRECATED_PRIMITIVE


def test_no_service(tmp_path: object) -> None:
    with pytest.raises(ServiceUnavailable) as caught:
        Client("app", endpoint="unix:/nonexistent/parsec.sock")
    assert isinstance(caught.value, ClientError)
    assert "start the service, or set PARSEC_SERVICE_ENDPOINT" in str(caught.value)


@pytest.mark.parametrize("uri", ["tcp://localhost:1", "unix:relative.sock", "unix://host/x.sock", "unix:/a?b"])
def test_bad_endpoints(uri: str) -> None:
    with pytest.raises(EndpointError) as caught:
        Client("app", endpoint=uri)
    assert "PARSEC_SERVICE_ENDPOINT" in str(caught.value)


def test_endpoint_forms() -> None:
    from psc_client._wire import parse_endpoint

    assert parse_endpoint("unix:/run/parsec/parsec.sock") == "/run/parsec/parsec.sock"
    assert parse_endpoint("unix:///run/parsec/parsec.sock") == "/run/parsec/parsec.sock"
    assert parse_endpoint("UNIX://localhost/tmp/a%20b.sock") == "/tmp/a b.sock"
