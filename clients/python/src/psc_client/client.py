"""The :class:`Client`: every operation of the contract, and conveniences with safe
defaults."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, field as dataclass_field
from typing import Any, Callable, Dict, FrozenSet, List, Optional, Tuple, TypeVar, Union

from . import _der
from ._proto import DecodeError, Fields, Writer
from ._wire import Header, Transport, endpoint_from_env, parse_endpoint
from .errors import (
    InvalidArgument,
    JwtSvidUnreadable,
    KeyNotFound,
    MalformedResponse,
    NoAuthenticator,
    NoCryptoProvider,
    NotPermitted,
    NotSupported,
    SealedFormatError,
    Status,
    UnsuitableKey,
    error_for_status,
)
from .types import (
    AES_GCM,
    ANY_HASH,
    Aead,
    AeadAlg,
    AsymmetricEncryption,
    AsymmetricSignature,
    AuthType,
    CheckType,
    Cipher,
    DeterministicEcdsa,
    Ecdsa,
    Hash,
    KeyAttributes,
    KeyKind,
    Mac,
    Opcode,
    ProviderId,
    RawKeyAgreement,
    RsaPkcs1v15Sign,
    RsaPss,
)

__all__ = ["Auth", "Client", "ProviderInfo", "AuthenticatorInfo", "KeyInfo", "SEALED_VERSION"]

SEALED_VERSION = 1
"""The first byte of every :meth:`Client.seal` output."""
NONCE_LEN = 12
TAG_LEN = 16

T = TypeVar("T")


#: The environment variable holding this workload's JWT-SVID (the token itself).
JWT_SVID_ENV = "PARSEC_JWT_SVID"
#: The environment variable naming a file that holds it, re-read at every request so a
#: rotated token is used at once.
JWT_SVID_FILE_ENV = "PARSEC_JWT_SVID_FILE"
#: The largest token file read (a JWT-SVID is a few hundred bytes).
MAX_TOKEN_FILE_LEN = 64 * 1024


@dataclass(frozen=True)
class Auth:
    """The identity a request carries: use :meth:`none`, :meth:`direct`,
    :meth:`unix_peer`, :meth:`jwt_svid` or :meth:`jwt_svid_file`."""

    type: AuthType
    name: Optional[str] = None
    # A bearer token is a credential: never in a repr.
    token: Optional[str] = dataclass_field(default=None, repr=False)
    token_file: Optional[str] = None

    @staticmethod
    def none() -> "Auth":
        """No identity: enough for ping, the listings, random bytes and hashes."""
        return Auth(AuthType.NO_AUTH)

    @staticmethod
    def direct(name: str) -> "Auth":
        """The application states its name (the service must trust its clients)."""
        if not name:
            raise ValueError("a Direct application name cannot be empty")
        return Auth(AuthType.DIRECT, name)

    @staticmethod
    def unix_peer() -> "Auth":
        """This process's Unix user ID, which the service checks with the kernel."""
        return Auth(AuthType.UNIX_PEER_CREDENTIALS)

    @staticmethod
    def jwt_svid(token: str) -> "Auth":
        """A SPIFFE JWT-SVID (JWS compact form); the service checks it against its trust
        bundle and the token's SPIFFE ID becomes the application's identity."""
        token = token.strip()
        if not token:
            raise ValueError("a JWT-SVID cannot be empty")
        return Auth(AuthType.JWT_SVID, token=token)

    @staticmethod
    def jwt_svid_file(path: str) -> "Auth":
        """A JWT-SVID read from ``path`` at every request, as a SPIFFE workload receives
        it (spiffe-helper rewrites the file before the token expires)."""
        return Auth(AuthType.JWT_SVID, token_file=os.fspath(path))

    @staticmethod
    def jwt_svid_from_env() -> Optional["Auth"]:
        """:data:`JWT_SVID_ENV` (the token) if set and not empty, else
        :data:`JWT_SVID_FILE_ENV` (a file holding it); ``None`` when neither is set."""
        token = os.environ.get(JWT_SVID_ENV, "").strip()
        if token:
            return Auth.jwt_svid(token)
        path = os.environ.get(JWT_SVID_FILE_ENV, "")
        return Auth.jwt_svid_file(path) if path else None

    def field(self) -> bytes:
        """The request's auth field."""
        if self.type == AuthType.DIRECT:
            assert self.name is not None
            return self.name.encode("utf-8")
        if self.type == AuthType.UNIX_PEER_CREDENTIALS:
            return os.getuid().to_bytes(4, "little")
        if self.type == AuthType.JWT_SVID:
            if self.token is not None:
                return self.token.encode("ascii", errors="replace")
            assert self.token_file is not None
            return _read_token(self.token_file)
        return b""


def _read_token(path: str) -> bytes:
    try:
        with open(path, "rb") as file:
            text = file.read(MAX_TOKEN_FILE_LEN + 1)
    except OSError as error:
        raise JwtSvidUnreadable(path, error.strerror or str(error)) from None
    if len(text) > MAX_TOKEN_FILE_LEN:
        raise JwtSvidUnreadable(path, f"it is larger than {MAX_TOKEN_FILE_LEN} bytes")
    token = text.strip()
    if not token:
        raise JwtSvidUnreadable(path, "it is empty")
    return token


@dataclass(frozen=True)
class ProviderInfo:
    """One provider, as ListProviders describes it."""

    id: int
    uuid: str
    description: str
    vendor: str
    version: Tuple[int, int, int]


@dataclass(frozen=True)
class AuthenticatorInfo:
    """One accepted authenticator, as ListAuthenticators describes it."""

    id: int
    description: str
    version: Tuple[int, int, int]


@dataclass(frozen=True)
class KeyInfo:
    """One key of the application, as ListKeys describes it."""

    name: str
    provider: int
    attributes: KeyAttributes


def _maybe_enum(cls: Any, value: int) -> Any:
    try:
        return cls(value)
    except ValueError:
        return value


class Client:
    """A client of a Parsec service; thread-safe, and a context manager.

    ``Client("my-app")`` connects to ``PARSEC_SERVICE_ENDPOINT`` (default
    ``unix:/run/parsec/parsec.sock``) and, as the Rust client does, picks the service's
    first crypto provider and the first authenticator this client can satisfy: Unix peer
    credentials, Direct with ``app_name``, or a JWT-SVID from ``PARSEC_JWT_SVID`` /
    ``PARSEC_JWT_SVID_FILE``. Pass ``provider`` and ``auth`` to choose
    yourself (then nothing is asked of the service up front).

    Connections are kept open between requests when the service supports it (ours does:
    the keep-alive flag); with a service serving one request per connection (the original
    Parsec), each request gets its own, found out on the first answer.
    """

    def __init__(
        self,
        app_name: Optional[str] = None,
        *,
        endpoint: Optional[str] = None,
        provider: Optional[int] = None,
        auth: Optional[Auth] = None,
        timeout: Optional[float] = 60.0,
        keep_alive: bool = True,
        max_body_size: int = 1 << 24,
    ) -> None:
        if endpoint is None:
            self.endpoint, path = endpoint_from_env()
        else:
            self.endpoint, path = endpoint, parse_endpoint(endpoint)
        self._transport = Transport(
            path, timeout=timeout, keep_alive=keep_alive, max_body_size=max_body_size
        )
        self._policies: Dict[Tuple[Auth, int, str], Optional[KeyAttributes]] = {}
        self._policies_lock = threading.Lock()
        self.provider: int = provider if provider is not None else ProviderId.CORE
        self.auth: Auth = auth if auth is not None else Auth.none()
        if provider is None or auth is None:
            chosen_provider, chosen_auth = self._discover(app_name)
            if provider is None:
                self.provider = chosen_provider
            if auth is None:
                self.auth = chosen_auth

    def _discover(self, app_name: Optional[str]) -> Tuple[int, Auth]:
        provider = next((p.id for p in self.list_providers() if p.id != ProviderId.CORE), None)
        if provider is None:
            raise NoCryptoProvider()
        for authenticator in self.list_authenticators():
            if authenticator.id == AuthType.UNIX_PEER_CREDENTIALS:
                return provider, Auth.unix_peer()
            if authenticator.id == AuthType.DIRECT and app_name:
                return provider, Auth.direct(app_name)
            if authenticator.id == AuthType.JWT_SVID:
                from_env = Auth.jwt_svid_from_env()
                if from_env is not None:
                    return provider, from_env
        raise NoAuthenticator()

    # --- lifecycle ---

    def close(self) -> None:
        """Closes the kept connections (a later request opens a new one)."""
        self._transport.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def per_request(self) -> bool:
        """Whether the service was found to serve one request per connection."""
        return self._transport.per_request

    def idle_connections(self) -> int:
        """How many kept connections wait for the next request."""
        return self._transport.idle_count()

    # --- the exchange ---

    def _call(self, opcode: Opcode, body: Union[bytes, Writer] = b"", *,
              auth: Optional[Auth] = None) -> Fields:  # fmt: skip
        """Sends one operation and returns the decoded answer body."""
        if isinstance(body, Writer):
            body = body.finish()
        auth = self.auth if auth is None else auth
        field = auth.field()
        provider = ProviderId.CORE if opcode.is_core else self.provider
        header = Header(
            provider=provider, opcode=opcode, auth_type=auth.type,
            body_len=len(body), auth_len=len(field),
        )  # fmt: skip
        response, answer = self._transport.exchange(header, body, field)
        what = opcode.name.lower()
        if response.status != Status.SUCCESS:
            raise error_for_status(response.status, what)
        if response.opcode != opcode:
            raise MalformedResponse(f"an answer to opcode {response.opcode} for a {what} request")
        try:
            return Fields(answer)
        except DecodeError as error:
            raise MalformedResponse(f"the {what} answer is not valid protobuf: {error}") from None

    def _decoded(self, opcode: Opcode, decode: Callable[[], T]) -> T:
        try:
            return decode()
        except (DecodeError, ValueError) as error:
            raise MalformedResponse(f"the {opcode.name.lower()} answer is invalid: {error}") from None

    # --- core operations ---

    def ping(self) -> Tuple[int, int]:
        """The service's wire protocol version, ``(1, 0)``."""
        f = self._call(Opcode.PING)
        return self._decoded(Opcode.PING, lambda: (f.uint(1, bits=8), f.uint(2, bits=8)))

    def list_providers(self) -> List[ProviderInfo]:
        """The service's providers, in its order of preference (core last)."""
        f = self._call(Opcode.LIST_PROVIDERS)

        def decode() -> List[ProviderInfo]:
            return [
                ProviderInfo(
                    _maybe_enum(ProviderId, p.uint(7, bits=8)), p.string(1), p.string(2),
                    p.string(3), (p.uint(4, bits=32), p.uint(5, bits=32), p.uint(6, bits=32)),
                )  # fmt: skip
                for p in f.messages(1)
            ]

        return self._decoded(Opcode.LIST_PROVIDERS, decode)

    def list_authenticators(self) -> List[AuthenticatorInfo]:
        """The authenticators the service accepts, preferred first."""
        f = self._call(Opcode.LIST_AUTHENTICATORS)

        def decode() -> List[AuthenticatorInfo]:
            return [
                AuthenticatorInfo(
                    _maybe_enum(AuthType, a.uint(5, bits=8)), a.string(1),
                    (a.uint(2, bits=32), a.uint(3, bits=32), a.uint(4, bits=32)),
                )  # fmt: skip
                for a in f.messages(1)
            ]

        return self._decoded(Opcode.LIST_AUTHENTICATORS, decode)

    def list_opcodes(self, *, provider: Optional[int] = None) -> FrozenSet[int]:
        """The operations ``provider`` (default: this client's) supports, as
        :class:`Opcode` values."""
        target = self.provider if provider is None else provider
        f = self._call(Opcode.LIST_OPCODES, Writer().varint(1, target))
        return self._decoded(
            Opcode.LIST_OPCODES,
            lambda: frozenset(_maybe_enum(Opcode, o) for o in f.uints(1, bits=32)),
        )

    def list_keys(self) -> List[KeyInfo]:
        """This application's keys, in every provider."""
        f = self._call(Opcode.LIST_KEYS)
        return self._decoded(
            Opcode.LIST_KEYS,
            lambda: [
                KeyInfo(k.string(2), _maybe_enum(ProviderId, k.uint(1, bits=32)),
                        KeyAttributes.decode(k.message(3)))  # fmt: skip
                for k in f.messages(1)
            ],
        )

    def list_clients(self) -> List[str]:
        """The applications that have keys (administrators only)."""
        f = self._call(Opcode.LIST_CLIENTS)
        return self._decoded(Opcode.LIST_CLIENTS, lambda: f.strings(1))

    def delete_client(self, client: str) -> None:
        """Destroys every key of the application ``client`` (administrators only)."""
        self._call(Opcode.DELETE_CLIENT, Writer().string(1, client))

    # --- key management ---

    def _forget(self, name: str) -> None:
        with self._policies_lock:
            self._policies.pop((self.auth, self.provider, name), None)

    def generate_key(self, name: str, attributes: KeyAttributes) -> None:
        """Creates the key ``name`` with ``attributes``."""
        self._forget(name)
        self._call(Opcode.PSA_GENERATE_KEY, Writer().string(1, name).message(2, attributes.encode()))

    def import_key(self, name: str, attributes: KeyAttributes, data: bytes) -> None:
        """Creates the key ``name`` from ``data`` (the PSA export format of its type)."""
        self._forget(name)
        body = Writer().string(1, name).message(2, attributes.encode()).bytes(3, data)
        self._call(Opcode.PSA_IMPORT_KEY, body)

    def destroy_key(self, name: str) -> None:
        """Destroys the key ``name``."""
        self._forget(name)
        self._call(Opcode.PSA_DESTROY_KEY, Writer().string(1, name))

    def export_public_key(self, name: str) -> bytes:
        """The public key of ``name`` in PSA format: the uncompressed point for ECC, the
        DER RSAPublicKey for RSA. See :meth:`public_key_pem` for PEM."""
        return self._call(Opcode.PSA_EXPORT_PUBLIC_KEY, Writer().string(1, name)).bytes(1)

    def export_key(self, name: str) -> bytes:
        """The key material of ``name`` (its policy must allow export)."""
        return self._call(Opcode.PSA_EXPORT_KEY, Writer().string(1, name)).bytes(1)

    # --- asymmetric signatures ---

    def sign_hash(self, name: str, hash: bytes, *, alg: AsymmetricSignature = Ecdsa()) -> bytes:
        """Signs a ``hash`` computed by the caller."""
        body = Writer().string(1, name).message(2, alg._signature()).bytes(3, hash)
        return self._call(Opcode.PSA_SIGN_HASH, body).bytes(1)

    def verify_hash(self, name: str, hash: bytes, signature: bytes, *,
                    alg: AsymmetricSignature = Ecdsa()) -> None:  # fmt: skip
        """Checks a signature of ``hash``; raises :class:`InvalidSignature` when it does not
        match."""
        body = (
            Writer().string(1, name).message(2, alg._signature()).bytes(3, hash).bytes(4, signature)
        )
        self._call(Opcode.PSA_VERIFY_HASH, body)

    def sign_message(self, name: str, message: bytes, *,
                     alg: AsymmetricSignature = Ecdsa()) -> bytes:  # fmt: skip
        """Signs ``message``, hashed by the provider."""
        body = Writer().string(1, name).message(2, alg._signature()).bytes(3, message)
        return self._call(Opcode.PSA_SIGN_MESSAGE, body).bytes(1)

    def verify_message(self, name: str, message: bytes, signature: bytes, *,
                       alg: AsymmetricSignature = Ecdsa()) -> None:  # fmt: skip
        """Checks a signature of ``message``, hashed by the provider."""
        body = (
            Writer().string(1, name).message(2, alg._signature()).bytes(3, message)
            .bytes(4, signature)
        )  # fmt: skip
        self._call(Opcode.PSA_VERIFY_MESSAGE, body)

    # --- encryption ---

    def asymmetric_encrypt(self, name: str, plaintext: bytes, *,
                           alg: AsymmetricEncryption, salt: bytes = b"") -> bytes:  # fmt: skip
        """Encrypts with the public half of ``name``."""
        body = Writer().string(1, name).message(2, alg._encryption()).bytes(3, plaintext).bytes(4, salt)
        return self._call(Opcode.PSA_ASYMMETRIC_ENCRYPT, body).bytes(1)

    def asymmetric_decrypt(self, name: str, ciphertext: bytes, *,
                           alg: AsymmetricEncryption, salt: bytes = b"") -> bytes:  # fmt: skip
        """Decrypts with the private key ``name``."""
        body = Writer().string(1, name).message(2, alg._encryption()).bytes(3, ciphertext).bytes(4, salt)
        return self._call(Opcode.PSA_ASYMMETRIC_DECRYPT, body).bytes(1)

    def aead_encrypt(self, name: str, plaintext: bytes, *, nonce: bytes,
                     additional_data: bytes = b"", alg: Union[Aead, AeadAlg] = AES_GCM) -> bytes:  # fmt: skip
        """Encrypts and authenticates; the result is the ciphertext followed by the tag."""
        aead = Aead(alg) if isinstance(alg, AeadAlg) else alg
        body = (
            Writer().string(1, name).message(2, aead._aead()).bytes(3, nonce)
            .bytes(4, additional_data).bytes(5, plaintext)
        )  # fmt: skip
        return self._call(Opcode.PSA_AEAD_ENCRYPT, body).bytes(1)

    def aead_decrypt(self, name: str, ciphertext: bytes, *, nonce: bytes,
                     additional_data: bytes = b"", alg: Union[Aead, AeadAlg] = AES_GCM) -> bytes:  # fmt: skip
        """Checks and decrypts ``ciphertext`` (tag included); raises
        :class:`InvalidSignature` when it was altered."""
        aead = Aead(alg) if isinstance(alg, AeadAlg) else alg
        body = (
            Writer().string(1, name).message(2, aead._aead()).bytes(3, nonce)
            .bytes(4, additional_data).bytes(5, ciphertext)
        )  # fmt: skip
        return self._call(Opcode.PSA_AEAD_DECRYPT, body).bytes(1)

    def cipher_encrypt(self, name: str, plaintext: bytes, *, alg: Cipher) -> bytes:
        """Encrypts without authentication; the provider picks the IV and prepends it."""
        body = Writer().string(1, name).varint(2, int(alg)).bytes(3, plaintext)
        return self._call(Opcode.PSA_CIPHER_ENCRYPT, body).bytes(1)

    def cipher_decrypt(self, name: str, ciphertext: bytes, *, alg: Cipher) -> bytes:
        """Decrypts the output of :meth:`cipher_encrypt` (IV first)."""
        body = Writer().string(1, name).varint(2, int(alg)).bytes(3, ciphertext)
        return self._call(Opcode.PSA_CIPHER_DECRYPT, body).bytes(1)

    # --- MACs, hashes, randomness, key agreement ---

    def mac_compute(self, name: str, data: bytes, *, alg: Mac) -> bytes:
        """The MAC of ``data`` under the key ``name``."""
        body = Writer().string(1, name).message(2, alg._mac()).bytes(3, data)
        return self._call(Opcode.PSA_MAC_COMPUTE, body).bytes(1)

    def mac_verify(self, name: str, data: bytes, mac: bytes, *, alg: Mac) -> None:
        """Checks a MAC; raises :class:`InvalidSignature` when it does not match."""
        body = Writer().string(1, name).message(2, alg._mac()).bytes(3, data).bytes(4, mac)
        self._call(Opcode.PSA_MAC_VERIFY, body)

    def hash_compute(self, data: bytes, *, alg: Hash = Hash.SHA_256) -> bytes:
        """The digest of ``data``, computed by the provider."""
        body = Writer().varint(1, int(alg)).bytes(2, data)
        return self._call(Opcode.PSA_HASH_COMPUTE, body).bytes(1)

    def hash_compare(self, data: bytes, hash: bytes, *, alg: Hash = Hash.SHA_256) -> None:
        """Checks that ``hash`` is the digest of ``data``; raises :class:`InvalidSignature`
        when it is not."""
        body = Writer().varint(1, int(alg)).bytes(2, data).bytes(3, hash)
        self._call(Opcode.PSA_HASH_COMPARE, body)

    def generate_random(self, size: int) -> bytes:
        """``size`` random bytes from the provider."""
        return self._call(Opcode.PSA_GENERATE_RANDOM, Writer().varint(1, size)).bytes(1)

    def raw_key_agreement(self, private_key_name: str, peer_key: bytes, *,
                          alg: RawKeyAgreement = RawKeyAgreement.ECDH) -> bytes:  # fmt: skip
        """The shared secret of the private key and ``peer_key`` (the peer's public key in
        PSA format)."""
        body = Writer().varint(1, int(alg)).string(2, private_key_name).bytes(3, peer_key)
        return self._call(Opcode.PSA_RAW_KEY_AGREEMENT, body).bytes(1)

    # --- experimental operations ---

    def can_do_crypto(self, attributes: KeyAttributes, *, check: CheckType = CheckType.USE) -> bool:
        """Whether the provider can use (or generate, import, derive) a key like this:
        ``False`` when it answers NotSupported or NotPermitted."""
        body = Writer().varint(1, int(check)).message(2, attributes.encode())
        try:
            self._call(Opcode.CAN_DO_CRYPTO, body)
        except (NotSupported, NotPermitted):
            return False
        return True

    def prepare_key_attestation(self, attested_key_name: str, *,
                                attesting_key_name: str = "") -> Tuple[bytes, bytes, bytes]:  # fmt: skip
        """The TPM ActivateCredential preparation: ``(name, public, attesting_key_pub)``."""
        params = Writer().string(1, attested_key_name).string(2, attesting_key_name)
        f = self._call(
            Opcode.PREPARE_KEY_ATTESTATION, Writer().message(1, Writer().message(1, params))
        )

        def decode() -> Tuple[bytes, bytes, bytes]:
            output = f.message(1)
            inner = output.message(1) if output else None
            if inner is None:
                raise DecodeError("no ActivateCredential output")
            return inner.bytes(1), inner.bytes(2), inner.bytes(3)

        return self._decoded(Opcode.PREPARE_KEY_ATTESTATION, decode)

    def attest_key(self, attested_key_name: str, *, credential_blob: bytes, secret: bytes,
                   attesting_key_name: str = "") -> bytes:  # fmt: skip
        """TPM ActivateCredential attestation: the decrypted credential."""
        params = Writer().bytes(1, credential_blob).bytes(2, secret)
        body = (
            Writer().string(1, attested_key_name).message(2, Writer().message(1, params))
            .string(3, attesting_key_name)
        )  # fmt: skip
        f = self._call(Opcode.ATTEST_KEY, body)

        def decode() -> bytes:
            output = f.message(1)
            inner = output.message(1) if output else None
            if inner is None:
                raise DecodeError("no ActivateCredential output")
            return inner.bytes(1)

        return self._decoded(Opcode.ATTEST_KEY, decode)

    # --- conveniences ---

    def key_attributes(self, name: str) -> Optional[KeyAttributes]:
        """The attributes of this application's key ``name`` in this client's provider
        (``None``: no such key)."""
        for key in self.list_keys():
            if key.name == name and key.provider == self.provider:
                return key.attributes
        return None

    def generate_signing_key(self, name: str) -> None:
        """Creates an ECDSA key on NIST P-256 with SHA-256, allowed to sign and verify
        hashes and messages (the key ``parsec-tool create-ecc-key`` makes)."""
        self.generate_key(name, KeyAttributes.ecc_signing())

    def generate_encryption_key(self, name: str) -> None:
        """Creates an AES-256 key for AES-GCM, for :meth:`seal` and :meth:`open`."""
        self.generate_key(name, KeyAttributes.aes_gcm())

    def _signing_plan(self, name: str, fresh: bool) -> Tuple[AsymmetricSignature, Optional[Hash], bool]:
        """The algorithm to sign with, the hash to compute here (``None``: the service hashes
        the message), and whether the policy came from the cache."""
        key = (self.auth, self.provider, name)
        with self._policies_lock:
            cached = key in self._policies and not fresh
            attributes = self._policies.get(key)
        if not cached:
            attributes = self.key_attributes(name)
            with self._policies_lock:
                self._policies[key] = attributes
        if attributes is None:
            raise KeyNotFound(Status.PSA_ERROR_DOES_NOT_EXIST, f"sign with {name!r}")
        alg = attributes.algorithm
        if not isinstance(alg, (RsaPkcs1v15Sign, RsaPss, Ecdsa, DeterministicEcdsa)):
            raise UnsuitableKey(name, "its policy permits no hash-and-sign algorithm")
        if alg.hash == ANY_HASH:
            alg = type(alg)(Hash.SHA_256)
        assert isinstance(alg.hash, Hash)
        usage = attributes.usage
        if usage.sign_hash or usage.verify_hash:
            return alg, alg.hash, cached
        return alg, None, cached

    def _with_plan(self, name: str, act: Callable[[AsymmetricSignature, Optional[Hash]], T]) -> T:
        alg, hash, cached = self._signing_plan(name, fresh=False)
        try:
            return act(alg, hash)
        except (NotPermitted, InvalidArgument, KeyNotFound, NotSupported):
            if not cached:
                raise
        alg, hash, _ = self._signing_plan(name, fresh=True)  # the key may have been remade
        return act(alg, hash)

    def _digest(self, message: bytes, hash: Hash) -> bytes:
        try:
            return hashlib.new(hash.hashlib_name, message).digest()
        except ValueError:
            return self.hash_compute(message, alg=hash)

    def sign(self, name: str, message: bytes) -> bytes:
        """Signs ``message`` with the key ``name`` and the algorithm of its own policy
        (ECDSA signatures are the raw ``r ‖ s``). The message is hashed here when the key
        may sign hashes, so any size is fine."""

        def act(alg: AsymmetricSignature, hash: Optional[Hash]) -> bytes:
            if hash is None:
                return self.sign_message(name, message, alg=alg)
            return self.sign_hash(name, self._digest(message, hash), alg=alg)

        return self._with_plan(name, act)

    def verify(self, name: str, message: bytes, signature: bytes) -> None:
        """Checks a signature made by :meth:`sign`; raises :class:`InvalidSignature` when
        it does not match."""

        def act(alg: AsymmetricSignature, hash: Optional[Hash]) -> None:
            if hash is None:
                self.verify_message(name, message, signature, alg=alg)
            else:
                self.verify_hash(name, self._digest(message, hash), signature, alg=alg)

        self._with_plan(name, act)

    def public_key_der(self, name: str) -> bytes:
        """The public key of ``name`` as a DER SubjectPublicKeyInfo."""
        attributes = self.key_attributes(name)
        if attributes is None:
            raise KeyNotFound(Status.PSA_ERROR_DOES_NOT_EXIST, f"export {name!r}")
        data = self.export_public_key(name)
        kind = attributes.key_type.kind
        if kind in (KeyKind.RSA_KEY_PAIR, KeyKind.RSA_PUBLIC_KEY):
            return _der.rsa_spki(data)
        if kind in (KeyKind.ECC_KEY_PAIR, KeyKind.ECC_PUBLIC_KEY):
            assert attributes.key_type.family is not None
            spki = _der.ecc_spki(int(attributes.key_type.family), attributes.bits, data)
            if spki is not None:
                return spki
        raise UnsuitableKey(name, "no PEM form is known for its key type")

    def public_key_pem(self, name: str) -> str:
        """The public key of ``name`` in PEM (``-----BEGIN PUBLIC KEY-----``), as OpenSSL
        and the ``cryptography`` package read it."""
        return _der.pem("PUBLIC KEY", self.public_key_der(name))

    def seal(self, name: str, plaintext: bytes, additional_data: bytes = b"") -> bytes:
        """Encrypts and authenticates ``plaintext`` (and authenticates ``additional_data``)
        with the AES-GCM key ``name`` under a fresh random nonce.

        The result is ``0x01 ‖ nonce (12) ‖ ciphertext ‖ tag (16)``, the format of the Rust
        client's ``seal``: store it whole and give the same ``additional_data`` to
        :meth:`open`.
        """
        nonce = os.urandom(NONCE_LEN)
        sealed = self.aead_encrypt(
            name, plaintext, nonce=nonce, additional_data=additional_data, alg=AES_GCM
        )
        return bytes([SEALED_VERSION]) + nonce + sealed

    def open(self, name: str, sealed: bytes, additional_data: bytes = b"") -> bytes:
        """The plaintext of :meth:`seal`'s output; raises :class:`InvalidSignature` when it
        or ``additional_data`` was altered."""
        if len(sealed) < 1 + NONCE_LEN + TAG_LEN:
            raise SealedFormatError(f"{len(sealed)} bytes, fewer than the {1 + NONCE_LEN + TAG_LEN} of an empty message")
        if sealed[0] != SEALED_VERSION:
            raise SealedFormatError(f"version byte {sealed[0]}, expected {SEALED_VERSION}")
        nonce, ciphertext = sealed[1 : 1 + NONCE_LEN], sealed[1 + NONCE_LEN :]
        return self.aead_decrypt(
            name, ciphertext, nonce=nonce, additional_data=additional_data, alg=AES_GCM
        )

    def hash(self, data: bytes, *, alg: Hash = Hash.SHA_256) -> bytes:
        """The digest of ``data``, computed locally (hashlib) when possible."""
        return self._digest(data, alg)


