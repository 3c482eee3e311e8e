"""The codec against the byte vectors made with the published parsec-interface 0.30
(``wire-vectors.txt``, copied from the team's shared docs), and the protobuf primitives."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Dict, Tuple, TypeVar

import pytest

from fakepeer import FakePeer, answering
from psc_client import (
    ANY_HASH,
    Aead,
    AeadAlg,
    Auth,
    CbcMac,
    Cipher,
    Client,
    Cmac,
    DeterministicEcdsa,
    Ecdsa,
    EcdsaAny,
    EccFamily,
    Hash,
    Hkdf,
    Hmac,
    KeyAgreementWithKdf,
    KeyAttributes,
    KeyType,
    NoAlgorithm,
    PermissionDenied,
    ProviderId,
    RawKeyAgreement,
    RequestRejected,
    RsaOaep,
    RsaPkcs1v15Crypt,
    RsaPkcs1v15Sign,
    RsaPkcs1v15SignRaw,
    RsaPss,
    Status,
    Tls12Prf,
    Tls12PskToMs,
    TruncatedMac,
    UsageFlags,
)
from psc_client._proto import DecodeError, Fields, Writer, decode_varint, encode_varint
from psc_client._wire import Header
from psc_client.types import Algorithm, decode_algorithm, encode_algorithm


def load_vectors() -> Dict[str, Dict[str, bytes]]:
    vectors: Dict[str, Dict[str, bytes]] = {}
    current: Dict[str, bytes] = {}
    for line in (Path(__file__).parent / "wire-vectors.txt").read_text().splitlines():
        if line.startswith("### "):
            current = vectors.setdefault(line[4:].strip(), {})
        elif ":" in line and line.split(":", 1)[0].strip() in ("body", "header", "full"):
            key, value = line.split(":", 1)
            current[key.strip()] = bytes.fromhex(value.strip())
    return vectors


VECTORS = load_vectors()
T = TypeVar("T")


def test_all_vectors_are_read() -> None:
    assert len(VECTORS) == 14
    assert all("full" in v for v in VECTORS.values())


@pytest.mark.parametrize("title", sorted(t for t, v in VECTORS.items() if "header" in v))
def test_headers_parse_and_pack_byte_for_byte(title: str) -> None:
    vector = VECTORS[title]
    header = Header.unpack(vector["header"])
    assert header.pack() == vector["header"]
    assert header.body_len == len(vector["body"])
    assert vector["full"][: 36 + header.body_len] == vector["header"] + vector["body"]
    assert len(vector["full"]) == 36 + header.body_len + header.auth_len


def test_ping_request_header() -> None:
    assert Header(provider=0, opcode=1).pack() == VECTORS["Ping request (NoAuth, provider 0)"]["full"]


def test_header_level_error_vector() -> None:
    raw = VECTORS["Response::from_status(InvalidHeader) (header-level failure)"]["full"]
    assert Header.unpack(raw).status == Status.INVALID_HEADER


# What each call sends, against the vector's body. The fake peer records the request.
CALLS: Dict[str, Callable[[Client], object]] = {
    "ListOpcodes request for provider 1 (Direct auth 'app')": lambda c: c.list_opcodes(provider=1),
    "PsaGenerateKey 'k' ECC P-256 ECDSA-SHA256 (parsec-tool template), provider 1, UnixPeerCredentials uid 1000":
        lambda c: c.generate_key("k", KeyAttributes.ecc_signing()),
    "PsaGenerateKey 'r' RSA-2048 PKCS1v15 any-hash, Direct 'app'": lambda c: c.generate_key(
        "r", KeyAttributes(KeyType.RSA_KEY_PAIR, 2048, UsageFlags.signing(), RsaPkcs1v15Sign(ANY_HASH))
    ),
    "PsaSignHash 'k' ECDSA-SHA256 over 32 x 0xAA": lambda c: c.sign_hash(
        "k", b"\xaa" * 32, alg=Ecdsa(Hash.SHA_256)
    ),
    "PsaImportKey 'a' AES bits=0 GCM, data 16x00": lambda c: c.import_key(
        "a", KeyAttributes(KeyType.AES, 0, UsageFlags(encrypt=True), Aead(AeadAlg.GCM)), bytes(16)
    ),
    "PsaAsymmetricEncrypt 'r' OAEP-SHA256 pt=0x01 no salt": lambda c: c.asymmetric_encrypt(
        "r", b"\x01", alg=RsaOaep(Hash.SHA_256)
    ),
    "ListProviders request": lambda c: c.list_providers(),
}  # fmt: skip


@pytest.mark.parametrize("title", sorted(CALLS))
def test_requests_match_the_vectors(title: str) -> None:
    vector = VECTORS[title]
    expected = Header.unpack(vector["header"])
    with FakePeer(answering()) as peer:
        client = Client(endpoint=peer.endpoint, provider=ProviderId.MBED_CRYPTO, auth=Auth.direct("app"))
        CALLS[title](client)
        client.close()
    (request,) = peer.requests
    assert request.body == vector["body"]
    assert request.opcode == expected.opcode
    assert request.provider == expected.provider
    if expected.auth_type == 1:  # Direct 'app' vectors: the auth field too
        assert request.auth == b"app"


def test_the_unix_peer_auth_field_is_the_uid_le() -> None:
    import os

    assert Auth.unix_peer().field() == os.getuid().to_bytes(4, "little")
    assert Auth.direct("app").field() == b"app"
    assert Auth.none().field() == b""


def answer_of(title: str, call: Callable[[Client], T], opcode: int) -> T:
    with FakePeer(answering(VECTORS[title]["body"])) as peer:
        with Client(endpoint=peer.endpoint, provider=1, auth=Auth.none()) as client:
            return call(client)


def test_ping_response_vector() -> None:
    assert answer_of("Ping response 1.0", lambda c: c.ping(), 1) == (1, 0)


def test_list_providers_response_vector() -> None:
    providers = answer_of(
        "ListProviders response (mbed-crypto then core)", lambda c: c.list_providers(), 8
    )
    mbed, core = providers
    assert (mbed.id, mbed.uuid, mbed.vendor, mbed.version) == (
        ProviderId.MBED_CRYPTO, "1c1139dc-ad7c-47dc-ad6b-db6fdb466552", "Arm", (0, 1, 0))
    assert (core.id, core.uuid, core.version) == (
        ProviderId.CORE, "47049873-2a43-4845-9d72-831eab668784", (1, 5, 0))  # fmt: skip


def test_list_authenticators_response_vector() -> None:
    (auth,) = answer_of(
        "ListAuthenticators response (UnixPeerCredentials)", lambda c: c.list_authenticators(), 14
    )
    assert (auth.id, auth.description, auth.version) == (3, "U", (0, 1, 0))


def error_of(status: int, call: Callable[[Client], object]) -> Exception:
    with FakePeer(answering(status=status)) as peer:
        with Client(endpoint=peer.endpoint, provider=1, auth=Auth.direct("app")) as client:
            with pytest.raises(Exception) as caught:
                call(client)
    return caught.value


def test_error_response_vectors() -> None:
    admin = VECTORS["Error response AdminOperation for ListClients"]["full"]
    error = error_of(Header.unpack(admin).status, lambda c: c.list_clients())
    assert isinstance(error, PermissionDenied) and error.status == Status.ADMIN_OPERATION
    assert "administrators" in str(error)
    error = error_of(Status.INVALID_HEADER, lambda c: c.ping())
    assert isinstance(error, RequestRejected) and error.status == Status.INVALID_HEADER


# --- protobuf primitives ------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, 1, 127, 128, 300, 2**32 - 1, 2**32, 2**63, 2**64 - 1])
def test_varints_round_trip(value: int) -> None:
    encoded = encode_varint(value)
    assert decode_varint(encoded, 0) == (value, len(encoded))


def test_varint_edges() -> None:
    assert encode_varint(300) == b"\xac\x02"
    with pytest.raises(DecodeError):
        decode_varint(b"\x80", 0)  # truncated
    with pytest.raises(DecodeError):
        decode_varint(b"\xff" * 10 + b"\x01", 0)  # longer than 10 bytes
    with pytest.raises(DecodeError):
        decode_varint(b"\xff" * 9 + b"\x7f", 0)  # above 2**64
    with pytest.raises(ValueError):
        encode_varint(-1)


def test_fields_rules() -> None:
    # unknown fields of every wire type are skipped; the last scalar wins
    data = Writer().varint(1, 5).varint(1, 7).bytes(9, b"x").finish() + b"\x2d\x00\x00\x00\x00"
    fields = Fields(data)
    assert fields.uint(1) == 7 and fields.uint(2) == 0 and fields.bytes(3) == b""
    # repeated scalars packed or not
    packed = Writer().bytes(1, encode_varint(1) + encode_varint(300)).finish()
    assert Fields(packed).uints(1) == [1, 300]
    assert Fields(Writer().varint(1, 1).varint(1, 300).finish()).uints(1) == [1, 300]
    with pytest.raises(DecodeError):
        Fields(b"\x0a\x05ab")  # length past the end
    with pytest.raises(DecodeError):
        Fields(b"\x08\x80\x80\x80\x80\x10").uint(1, bits=32)  # 2**32 in a uint32
    with pytest.raises(DecodeError):
        Fields(b"\x0b")  # wire type 3 (groups) is not protobuf 3
    with pytest.raises(DecodeError):
        Fields(b"\x08\x01").bytes(1)  # a varint where bytes are expected


def test_oneof_takes_the_last_member() -> None:
    data = Writer().varint(2, 7, always=True).varint(4, 2, always=True).finish()
    assert decode_algorithm(Fields(data)) == Cipher.CTR


ALGORITHMS: Tuple[Algorithm, ...] = (
    NoAlgorithm(), Hash.SHA_256, Hash.SHA3_512, Hmac(Hash.SHA_384), CbcMac(), Cmac(),
    TruncatedMac(Hmac(Hash.SHA_256), 16), Cipher.CBC_PKCS7, Aead(AeadAlg.GCM),
    Aead(AeadAlg.CCM, 8), Aead(AeadAlg.CHACHA20_POLY1305), RsaPkcs1v15Sign(Hash.SHA_256),
    RsaPkcs1v15Sign(ANY_HASH), RsaPkcs1v15SignRaw(), RsaPss(Hash.SHA_512), Ecdsa(Hash.SHA_384),
    EcdsaAny(), DeterministicEcdsa(Hash.SHA_256), RsaPkcs1v15Crypt(), RsaOaep(Hash.SHA_1),
    RawKeyAgreement.ECDH, KeyAgreementWithKdf(RawKeyAgreement.ECDH, Hkdf(Hash.SHA_256)),
    Hkdf(Hash.SHA_512), Tls12Prf(Hash.SHA_256), Tls12PskToMs(Hash.SHA_384),
)  # fmt: skip


@pytest.mark.parametrize("alg", ALGORITHMS, ids=repr)
def test_algorithms_round_trip(alg: Algorithm) -> None:
    assert decode_algorithm(Fields(encode_algorithm(alg))) == alg


def test_attributes_round_trip() -> None:
    for attributes in (
        KeyAttributes.ecc_signing(EccFamily.SECP_R1, 384, Hash.SHA_384, export=True),
        KeyAttributes.rsa_encryption(3072, RsaPkcs1v15Crypt()),
        KeyAttributes.aes_gcm(128),
        KeyAttributes(KeyType.dh_key_pair(), 2048, UsageFlags(derive=True), RawKeyAgreement.FFDH),
        KeyAttributes(KeyType.ecc_public_key(EccFamily.MONTGOMERY), 255, UsageFlags(), NoAlgorithm()),
    ):
        assert KeyAttributes.decode(Fields(attributes.encode())) == attributes


def test_invalid_algorithms_are_refused() -> None:
    with pytest.raises(DecodeError):
        decode_algorithm(Fields(b""))  # no variant
    with pytest.raises(DecodeError):
        decode_algorithm(Fields(b"\x10\x63"))  # hash 99
    with pytest.raises(DecodeError):
        decode_algorithm(Fields(b"\x32\x02\x22\x00"))  # ECDSA without its hash
