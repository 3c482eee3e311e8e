"""Keys and algorithms: enums for the contract's enumerations, frozen dataclasses for the
rest, and their protobuf form (``psa_algorithm`` and ``psa_key_attributes``).

The common cases have ready-made values: :data:`ECDSA_P256_SHA256`,
:meth:`KeyAttributes.ecc_signing`, :meth:`KeyAttributes.aes_gcm`, ...
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable, ClassVar, Dict, Optional, Union

from ._proto import DecodeError, Fields, Writer

__all__ = [
    "ProviderId",
    "AuthType",
    "Opcode",
    "Hash",
    "Cipher",
    "AeadAlg",
    "RawKeyAgreement",
    "EccFamily",
    "DhFamily",
    "CheckType",
    "AnyHash",
    "ANY_HASH",
    "NoAlgorithm",
    "Hmac",
    "CbcMac",
    "Cmac",
    "TruncatedMac",
    "Aead",
    "RsaPkcs1v15Sign",
    "RsaPkcs1v15SignRaw",
    "RsaPss",
    "Ecdsa",
    "EcdsaAny",
    "DeterministicEcdsa",
    "RsaPkcs1v15Crypt",
    "RsaOaep",
    "Hkdf",
    "Tls12Prf",
    "Tls12PskToMs",
    "KeyAgreementWithKdf",
    "Algorithm",
    "Mac",
    "AsymmetricSignature",
    "AsymmetricEncryption",
    "KeyDerivation",
    "KeyKind",
    "KeyType",
    "UsageFlags",
    "KeyAttributes",
    "ECDSA_P256_SHA256",
    "AES_GCM",
]


class ProviderId(enum.IntEnum):
    """Provider IDs (header byte 10)."""

    CORE = 0
    MBED_CRYPTO = 1
    PKCS11 = 2
    TPM = 3
    TRUSTED_SERVICE = 4
    CRYPTOAUTHLIB = 5


class AuthType(enum.IntEnum):
    """Authentication types (header byte 21)."""

    NO_AUTH = 0
    DIRECT = 1
    JWT = 2
    UNIX_PEER_CREDENTIALS = 3
    JWT_SVID = 4


class Opcode(enum.IntEnum):
    """Operation codes (header bytes 28–31)."""

    PING = 0x01
    PSA_GENERATE_KEY = 0x02
    PSA_DESTROY_KEY = 0x03
    PSA_SIGN_HASH = 0x04
    PSA_VERIFY_HASH = 0x05
    PSA_IMPORT_KEY = 0x06
    PSA_EXPORT_PUBLIC_KEY = 0x07
    LIST_PROVIDERS = 0x08
    LIST_OPCODES = 0x09
    PSA_ASYMMETRIC_ENCRYPT = 0x0A
    PSA_ASYMMETRIC_DECRYPT = 0x0B
    PSA_EXPORT_KEY = 0x0C
    PSA_GENERATE_RANDOM = 0x0D
    LIST_AUTHENTICATORS = 0x0E
    PSA_HASH_COMPUTE = 0x0F
    PSA_HASH_COMPARE = 0x10
    PSA_AEAD_ENCRYPT = 0x11
    PSA_AEAD_DECRYPT = 0x12
    PSA_RAW_KEY_AGREEMENT = 0x13
    PSA_CIPHER_ENCRYPT = 0x14
    PSA_CIPHER_DECRYPT = 0x15
    PSA_MAC_COMPUTE = 0x16
    PSA_MAC_VERIFY = 0x17
    PSA_SIGN_MESSAGE = 0x18
    PSA_VERIFY_MESSAGE = 0x19
    LIST_KEYS = 0x1A
    LIST_CLIENTS = 0x1B
    DELETE_CLIENT = 0x1C
    ATTEST_KEY = 0x1E
    PREPARE_KEY_ATTESTATION = 0x1F
    CAN_DO_CRYPTO = 0x20

    @property
    def is_core(self) -> bool:
        """Whether the operation goes to the core provider (ID 0)."""
        return self in _CORE_OPS


_CORE_OPS = frozenset(
    {
        Opcode.PING,
        Opcode.LIST_PROVIDERS,
        Opcode.LIST_OPCODES,
        Opcode.LIST_AUTHENTICATORS,
        Opcode.LIST_KEYS,
        Opcode.LIST_CLIENTS,
        Opcode.DELETE_CLIENT,
    }
)


class Hash(enum.IntEnum):
    """Hash algorithms (``Algorithm.Hash``)."""

    MD2 = 1
    MD4 = 2
    MD5 = 3
    RIPEMD160 = 4
    SHA_1 = 5
    SHA_224 = 6
    SHA_256 = 7
    SHA_384 = 8
    SHA_512 = 9
    SHA_512_224 = 10
    SHA_512_256 = 11
    SHA3_224 = 12
    SHA3_256 = 13
    SHA3_384 = 14
    SHA3_512 = 15

    @property
    def digest_size(self) -> int:
        """The digest length in bytes."""
        return _DIGEST_SIZES[self]

    @property
    def hashlib_name(self) -> str:
        """The name :func:`hashlib.new` knows it by."""
        return _HASHLIB_NAMES[self]


_DIGEST_SIZES = {
    Hash.MD2: 16, Hash.MD4: 16, Hash.MD5: 16, Hash.RIPEMD160: 20, Hash.SHA_1: 20,
    Hash.SHA_224: 28, Hash.SHA_256: 32, Hash.SHA_384: 48, Hash.SHA_512: 64,
    Hash.SHA_512_224: 28, Hash.SHA_512_256: 32, Hash.SHA3_224: 28, Hash.SHA3_256: 32,
    Hash.SHA3_384: 48, Hash.SHA3_512: 64,
}  # fmt: skip
_HASHLIB_NAMES = {
    Hash.MD2: "md2", Hash.MD4: "md4", Hash.MD5: "md5", Hash.RIPEMD160: "ripemd160",
    Hash.SHA_1: "sha1", Hash.SHA_224: "sha224", Hash.SHA_256: "sha256", Hash.SHA_384: "sha384",
    Hash.SHA_512: "sha512", Hash.SHA_512_224: "sha512_224", Hash.SHA_512_256: "sha512_256",
    Hash.SHA3_224: "sha3_224", Hash.SHA3_256: "sha3_256", Hash.SHA3_384: "sha3_384",
    Hash.SHA3_512: "sha3_512",
}  # fmt: skip


class Cipher(enum.IntEnum):
    """Unauthenticated ciphers (``Algorithm.Cipher``)."""

    STREAM_CIPHER = 1
    CTR = 2
    CFB = 3
    OFB = 4
    XTS = 5
    ECB_NO_PADDING = 6
    CBC_NO_PADDING = 7
    CBC_PKCS7 = 8


class AeadAlg(enum.IntEnum):
    """AEAD algorithms (``Aead.AeadWithDefaultLengthTag``)."""

    CCM = 1
    GCM = 2
    CHACHA20_POLY1305 = 3


class RawKeyAgreement(enum.IntEnum):
    """Raw key agreements (``KeyAgreement.Raw``)."""

    FFDH = 1
    ECDH = 2


class EccFamily(enum.IntEnum):
    """Elliptic curve families; the key size picks the curve."""

    SECP_K1 = 1
    SECP_R1 = 2
    SECP_R2 = 3
    SECT_K1 = 4
    SECT_R1 = 5
    SECT_R2 = 6
    BRAINPOOL_P_R1 = 7
    FRP = 8
    MONTGOMERY = 9


class DhFamily(enum.IntEnum):
    """Finite-field Diffie-Hellman group families."""

    RFC7919 = 0


class CheckType(enum.IntEnum):
    """What CanDoCrypto is asked."""

    USE = 1
    GENERATE = 2
    IMPORT = 3
    DERIVE = 4


def _enum(cls: type, value: int, what: str) -> "enum.IntEnum":
    try:
        result = cls(value)
    except ValueError:
        raise DecodeError(f"{what} holds the undefined value {value}") from None
    assert isinstance(result, enum.IntEnum)
    return result


# --- Algorithms ------------------------------------------------------------------------


@dataclass(frozen=True)
class AnyHash:
    """The wildcard hash of a signature *policy*: the key may sign with any hash. Not valid
    in an operation."""


ANY_HASH = AnyHash()
SignHash = Union[Hash, AnyHash]


def _sign_hash(hash: SignHash) -> Writer:
    if isinstance(hash, AnyHash):
        return Writer().message(1, b"")
    return Writer().varint(2, int(hash), always=True)


def _decode_sign_hash(fields: Optional[Fields]) -> SignHash:
    if fields is None:
        raise DecodeError("a signature algorithm has no hash_alg")
    member = fields.oneof((1, 2))
    if member == 1:
        return ANY_HASH
    if member == 2:
        return Hash(_enum(Hash, fields.uint(2), "SignHash.specific"))
    raise DecodeError("SignHash has no variant")


@dataclass(frozen=True)
class NoAlgorithm:
    """A policy permitting no cryptographic operation (``Algorithm.none``)."""

    def _algorithm(self) -> Writer:
        return Writer().message(1, b"")


@dataclass(frozen=True)
class Hmac:
    """HMAC with ``hash``."""

    hash: Hash = Hash.SHA_256

    def _full_length(self) -> Writer:
        return Writer().message(1, Writer().varint(1, int(self.hash)))

    def _mac(self) -> Writer:
        return Writer().message(1, self._full_length())

    def _algorithm(self) -> Writer:
        return Writer().message(3, self._mac())


@dataclass(frozen=True)
class CbcMac:
    """CBC-MAC."""

    def _full_length(self) -> Writer:
        return Writer().message(2, b"")

    def _mac(self) -> Writer:
        return Writer().message(1, self._full_length())

    def _algorithm(self) -> Writer:
        return Writer().message(3, self._mac())


@dataclass(frozen=True)
class Cmac:
    """CMAC."""

    def _full_length(self) -> Writer:
        return Writer().message(3, b"")

    def _mac(self) -> Writer:
        return Writer().message(1, self._full_length())

    def _algorithm(self) -> Writer:
        return Writer().message(3, self._mac())


FullLengthMac = Union[Hmac, CbcMac, Cmac]


@dataclass(frozen=True)
class TruncatedMac:
    """A MAC truncated to ``length`` bytes."""

    mac: FullLengthMac
    length: int

    def _mac(self) -> Writer:
        inner = Writer().message(1, self.mac._full_length()).varint(2, self.length)
        return Writer().message(2, inner)

    def _algorithm(self) -> Writer:
        return Writer().message(3, self._mac())


Mac = Union[Hmac, CbcMac, Cmac, TruncatedMac]


@dataclass(frozen=True)
class Aead:
    """An AEAD algorithm, with its default tag or a tag shortened to ``tag_length`` bytes."""

    alg: AeadAlg = AeadAlg.GCM
    tag_length: Optional[int] = None

    def _aead(self) -> Writer:
        if self.tag_length is None:
            return Writer().varint(1, int(self.alg), always=True)
        inner = Writer().varint(1, int(self.alg)).varint(2, self.tag_length)
        return Writer().message(2, inner)

    def _algorithm(self) -> Writer:
        return Writer().message(5, self._aead())


@dataclass(frozen=True)
class _HashSignature:
    hash: SignHash = Hash.SHA_256
    _field: ClassVar[int] = 0

    def _signature(self) -> Writer:
        return Writer().message(self._field, Writer().message(1, _sign_hash(self.hash)))

    def _algorithm(self) -> Writer:
        return Writer().message(6, self._signature())


@dataclass(frozen=True)
class RsaPkcs1v15Sign(_HashSignature):
    """RSASSA-PKCS1-v1_5 with ``hash`` (``ANY_HASH`` in policies)."""

    _field = 1


@dataclass(frozen=True)
class RsaPss(_HashSignature):
    """RSASSA-PSS with MGF1 and a salt as long as the hash."""

    _field = 3


@dataclass(frozen=True)
class Ecdsa(_HashSignature):
    """Randomized ECDSA with ``hash``; signatures are the raw ``r ‖ s``."""

    _field = 4


@dataclass(frozen=True)
class DeterministicEcdsa(_HashSignature):
    """Deterministic ECDSA (RFC 6979)."""

    _field = 6


@dataclass(frozen=True)
class _RawSignature:
    _field: ClassVar[int] = 0

    def _signature(self) -> Writer:
        return Writer().message(self._field, b"")

    def _algorithm(self) -> Writer:
        return Writer().message(6, self._signature())


@dataclass(frozen=True)
class RsaPkcs1v15SignRaw(_RawSignature):
    """RSASSA-PKCS1-v1_5 over a caller-encoded DigestInfo."""

    _field = 2


@dataclass(frozen=True)
class EcdsaAny(_RawSignature):
    """ECDSA without a bound hash."""

    _field = 5


AsymmetricSignature = Union[
    RsaPkcs1v15Sign, RsaPss, Ecdsa, DeterministicEcdsa, RsaPkcs1v15SignRaw, EcdsaAny
]


@dataclass(frozen=True)
class RsaPkcs1v15Crypt:
    """RSAES-PKCS1-v1_5 encryption."""

    def _encryption(self) -> Writer:
        return Writer().message(1, b"")

    def _algorithm(self) -> Writer:
        return Writer().message(7, self._encryption())


@dataclass(frozen=True)
class RsaOaep:
    """RSAES-OAEP with ``hash`` (MGF1 with the same hash)."""

    hash: Hash = Hash.SHA_256

    def _encryption(self) -> Writer:
        return Writer().message(2, Writer().varint(1, int(self.hash)))

    def _algorithm(self) -> Writer:
        return Writer().message(7, self._encryption())


AsymmetricEncryption = Union[RsaPkcs1v15Crypt, RsaOaep]


@dataclass(frozen=True)
class _Kdf:
    hash: Hash = Hash.SHA_256
    _field: ClassVar[int] = 0

    def _derivation(self) -> Writer:
        return Writer().message(self._field, Writer().varint(1, int(self.hash)))

    def _algorithm(self) -> Writer:
        return Writer().message(9, self._derivation())


@dataclass(frozen=True)
class Hkdf(_Kdf):
    """HKDF with ``hash``."""

    _field = 1


@dataclass(frozen=True)
class Tls12Prf(_Kdf):
    """The TLS 1.2 PRF."""

    _field = 2


@dataclass(frozen=True)
class Tls12PskToMs(_Kdf):
    """TLS 1.2 PSK to master secret."""

    _field = 3


KeyDerivation = Union[Hkdf, Tls12Prf, Tls12PskToMs]


@dataclass(frozen=True)
class KeyAgreementWithKdf:
    """A key agreement followed by a key derivation."""

    agreement: RawKeyAgreement
    kdf: KeyDerivation

    def _algorithm(self) -> Writer:
        inner = Writer().varint(1, int(self.agreement)).message(2, self.kdf._derivation())
        return Writer().message(8, Writer().message(2, inner))


Algorithm = Union[
    NoAlgorithm,
    Hash,
    Mac,
    Cipher,
    Aead,
    AsymmetricSignature,
    AsymmetricEncryption,
    RawKeyAgreement,
    KeyAgreementWithKdf,
    KeyDerivation,
]


def encode_algorithm(alg: Algorithm) -> bytes:
    """The ``psa_algorithm.Algorithm`` message."""
    if isinstance(alg, Hash):
        return Writer().varint(2, int(alg), always=True).finish()
    if isinstance(alg, Cipher):
        return Writer().varint(4, int(alg), always=True).finish()
    if isinstance(alg, RawKeyAgreement):
        return Writer().message(8, Writer().varint(1, int(alg), always=True)).finish()
    if isinstance(alg, AeadAlg):
        return Aead(alg)._algorithm().finish()
    return alg._algorithm().finish()


def _decode_full_length(f: Optional[Fields]) -> FullLengthMac:
    if f is None:
        raise DecodeError("a truncated MAC has no mac_alg")
    member = f.oneof((1, 2, 3))
    if member == 1:
        inner = f.message(1)
        assert inner is not None
        return Hmac(Hash(_enum(Hash, inner.uint(1), "Hmac.hash_alg")))
    if member == 2:
        return CbcMac()
    if member == 3:
        return Cmac()
    raise DecodeError("Mac.FullLength has no variant")


_SIGNATURES: Dict[int, Callable[[SignHash], AsymmetricSignature]] = {1: RsaPkcs1v15Sign, 3: RsaPss, 4: Ecdsa, 6: DeterministicEcdsa}
_DERIVATIONS: Dict[int, Callable[[Hash], KeyDerivation]] = {1: Hkdf, 2: Tls12Prf, 3: Tls12PskToMs}


def _decode_derivation(f: Optional[Fields]) -> KeyDerivation:
    if f is None:
        raise DecodeError("a key agreement has no kdf_alg")
    member = f.oneof((1, 2, 3))
    if member is None:
        raise DecodeError("KeyDerivation has no variant")
    inner = f.message(member)
    assert inner is not None
    return _DERIVATIONS[member](Hash(_enum(Hash, inner.uint(1), "KeyDerivation.hash_alg")))


def decode_algorithm(f: Optional[Fields]) -> Algorithm:
    """An ``Algorithm`` from its decoded message."""
    if f is None:
        raise DecodeError("an algorithm is missing")
    member = f.oneof(range(1, 10))
    if member is None:
        raise DecodeError("Algorithm has no variant")
    if member == 1:
        return NoAlgorithm()
    if member == 2:
        return Hash(_enum(Hash, f.uint(2), "Algorithm.hash"))
    if member == 4:
        return Cipher(_enum(Cipher, f.uint(4), "Algorithm.cipher"))
    inner = f.message(member)
    assert inner is not None
    if member == 3:
        which = inner.oneof((1, 2))
        if which == 1:
            return _decode_full_length(inner.message(1))
        if which == 2:
            trunc = inner.message(2)
            assert trunc is not None
            return TruncatedMac(_decode_full_length(trunc.message(1)), trunc.uint(2, bits=32))
        raise DecodeError("Mac has no variant")
    if member == 5:
        which = inner.oneof((1, 2))
        if which == 1:
            return Aead(AeadAlg(_enum(AeadAlg, inner.uint(1), "Aead")))
        if which == 2:
            short = inner.message(2)
            assert short is not None
            alg = AeadAlg(_enum(AeadAlg, short.uint(1), "Aead.aead_alg"))
            return Aead(alg, short.uint(2, bits=32))
        raise DecodeError("Aead has no variant")
    if member == 6:
        which = inner.oneof(range(1, 7))
        if which == 2:
            return RsaPkcs1v15SignRaw()
        if which == 5:
            return EcdsaAny()
        if which is None:
            raise DecodeError("AsymmetricSignature has no variant")
        body = inner.message(which)
        assert body is not None
        return _SIGNATURES[which](_decode_sign_hash(body.message(1)))
    if member == 7:
        which = inner.oneof((1, 2))
        if which == 1:
            return RsaPkcs1v15Crypt()
        if which == 2:
            oaep = inner.message(2)
            assert oaep is not None
            return RsaOaep(Hash(_enum(Hash, oaep.uint(1), "RsaOaep.hash_alg")))
        raise DecodeError("AsymmetricEncryption has no variant")
    if member == 8:
        which = inner.oneof((1, 2))
        if which == 1:
            return RawKeyAgreement(_enum(RawKeyAgreement, inner.uint(1), "KeyAgreement.raw"))
        if which == 2:
            kdf = inner.message(2)
            assert kdf is not None
            agreement = RawKeyAgreement(_enum(RawKeyAgreement, kdf.uint(1), "ka_alg"))
            return KeyAgreementWithKdf(agreement, _decode_derivation(kdf.message(2)))
        raise DecodeError("KeyAgreement has no variant")
    return _decode_derivation(inner)


# --- Key attributes --------------------------------------------------------------------


class KeyKind(enum.IntEnum):
    """The kinds of key (the ``KeyType`` oneof's field numbers)."""

    RAW_DATA = 1
    HMAC = 2
    DERIVE = 3
    AES = 4
    DES = 5
    CAMELLIA = 6
    ARC4 = 7
    CHACHA20 = 8
    RSA_PUBLIC_KEY = 9
    RSA_KEY_PAIR = 10
    ECC_KEY_PAIR = 11
    ECC_PUBLIC_KEY = 12
    DH_KEY_PAIR = 13
    DH_PUBLIC_KEY = 14


_ECC_KINDS = (KeyKind.ECC_KEY_PAIR, KeyKind.ECC_PUBLIC_KEY)
_DH_KINDS = (KeyKind.DH_KEY_PAIR, KeyKind.DH_PUBLIC_KEY)


@dataclass(frozen=True)
class KeyType:
    """A key type: its kind, and for ECC and DH keys the curve or group family.

    Use the constants (``KeyType.AES``, ``KeyType.RSA_KEY_PAIR``) or the constructors
    (``KeyType.ecc_key_pair(EccFamily.SECP_R1)``).
    """

    kind: KeyKind
    family: Optional[int] = None

    RAW_DATA: ClassVar["KeyType"]
    HMAC: ClassVar["KeyType"]
    DERIVE: ClassVar["KeyType"]
    AES: ClassVar["KeyType"]
    DES: ClassVar["KeyType"]
    CAMELLIA: ClassVar["KeyType"]
    ARC4: ClassVar["KeyType"]
    CHACHA20: ClassVar["KeyType"]
    RSA_PUBLIC_KEY: ClassVar["KeyType"]
    RSA_KEY_PAIR: ClassVar["KeyType"]

    def __post_init__(self) -> None:
        if self.kind in _ECC_KINDS:
            if self.family is None:
                raise ValueError(f"{self.kind.name} needs an EccFamily")
            object.__setattr__(self, "family", EccFamily(self.family))
        elif self.kind in _DH_KINDS:
            object.__setattr__(self, "family", DhFamily(self.family or 0))
        elif self.family is not None:
            raise ValueError(f"{self.kind.name} has no family")

    @staticmethod
    def ecc_key_pair(family: EccFamily = EccFamily.SECP_R1) -> "KeyType":
        """An elliptic curve key pair of ``family``."""
        return KeyType(KeyKind.ECC_KEY_PAIR, family)

    @staticmethod
    def ecc_public_key(family: EccFamily = EccFamily.SECP_R1) -> "KeyType":
        """An elliptic curve public key of ``family``."""
        return KeyType(KeyKind.ECC_PUBLIC_KEY, family)

    @staticmethod
    def dh_key_pair(family: DhFamily = DhFamily.RFC7919) -> "KeyType":
        """A finite-field Diffie-Hellman key pair."""
        return KeyType(KeyKind.DH_KEY_PAIR, family)

    @staticmethod
    def dh_public_key(family: DhFamily = DhFamily.RFC7919) -> "KeyType":
        """A finite-field Diffie-Hellman public key."""
        return KeyType(KeyKind.DH_PUBLIC_KEY, family)

    @property
    def is_public(self) -> bool:
        """Whether this is a public key type."""
        return self.kind in (KeyKind.RSA_PUBLIC_KEY, KeyKind.ECC_PUBLIC_KEY, KeyKind.DH_PUBLIC_KEY)

    def _encode(self) -> Writer:
        inner = Writer()
        if self.family is not None:
            inner.varint(1, int(self.family))
        return Writer().message(int(self.kind), inner)

    @staticmethod
    def _decode(f: Optional[Fields]) -> "KeyType":
        if f is None:
            raise DecodeError("key attributes have no key_type")
        member = f.oneof(range(1, 15))
        if member is None:
            raise DecodeError("KeyType has no variant")
        kind = KeyKind(member)
        inner = f.message(member)
        assert inner is not None
        if kind in _ECC_KINDS:
            return KeyType(kind, _enum(EccFamily, inner.uint(1), "curve_family"))
        if kind in _DH_KINDS:
            return KeyType(kind, _enum(DhFamily, inner.uint(1), "group_family"))
        return KeyType(kind)


for _kind in KeyKind:
    if _kind not in _ECC_KINDS and _kind not in _DH_KINDS:
        setattr(KeyType, _kind.name, KeyType(_kind))


@dataclass(frozen=True)
class UsageFlags:
    """What a key may be used for. The hash flags imply the message flags, as in the Rust
    client: :meth:`signing` sets all four."""

    export: bool = False
    copy: bool = False
    cache: bool = False
    encrypt: bool = False
    decrypt: bool = False
    sign_message: bool = False
    verify_message: bool = False
    sign_hash: bool = False
    verify_hash: bool = False
    derive: bool = False

    @staticmethod
    def signing(*, export: bool = False) -> "UsageFlags":
        """Sign and verify, hashes and messages."""
        return UsageFlags(
            export=export, sign_message=True, verify_message=True, sign_hash=True, verify_hash=True
        )

    @staticmethod
    def encryption(*, export: bool = False) -> "UsageFlags":
        """Encrypt and decrypt."""
        return UsageFlags(export=export, encrypt=True, decrypt=True)

    _ORDER: ClassVar[tuple[str, ...]] = (
        "export", "copy", "cache", "encrypt", "decrypt", "sign_message", "verify_message",
        "sign_hash", "verify_hash", "derive",
    )  # fmt: skip

    def _encode(self) -> Writer:
        w = Writer()
        for number, name in enumerate(self._ORDER, start=1):
            w.bool(number, getattr(self, name))
        return w

    @staticmethod
    def _decode(f: Optional[Fields]) -> "UsageFlags":
        if f is None:
            raise DecodeError("a key policy has no key_usage_flags")
        values = {name: f.boolean(n) for n, name in enumerate(UsageFlags._ORDER, start=1)}
        return UsageFlags(**values)


@dataclass(frozen=True)
class KeyAttributes:
    """A key's type, size and policy (the usage flags and the one permitted algorithm).

    ``bits`` may be 0 to import a key (the size is taken from the data).
    """

    key_type: KeyType
    bits: int
    usage: UsageFlags
    algorithm: Algorithm

    @staticmethod
    def ecc_signing(
        family: EccFamily = EccFamily.SECP_R1, bits: int = 256, hash: SignHash = Hash.SHA_256,
        *, export: bool = False,
    ) -> "KeyAttributes":
        """An ECDSA key pair: P-256 with SHA-256 by default (``parsec-tool create-ecc-key``)."""
        return KeyAttributes(
            KeyType.ecc_key_pair(family), bits, UsageFlags.signing(export=export), Ecdsa(hash)
        )

    @staticmethod
    def rsa_signing(
        bits: int = 2048, alg: AsymmetricSignature = RsaPkcs1v15Sign(Hash.SHA_256),
        *, export: bool = False,
    ) -> "KeyAttributes":
        """An RSA signing key pair, PKCS#1 v1.5 with SHA-256 by default."""
        return KeyAttributes(KeyType.RSA_KEY_PAIR, bits, UsageFlags.signing(export=export), alg)

    @staticmethod
    def rsa_encryption(
        bits: int = 2048, alg: AsymmetricEncryption = RsaOaep(Hash.SHA_256),
        *, export: bool = False,
    ) -> "KeyAttributes":
        """An RSA encryption key pair, OAEP with SHA-256 by default."""
        return KeyAttributes(KeyType.RSA_KEY_PAIR, bits, UsageFlags.encryption(export=export), alg)

    @staticmethod
    def aes_gcm(bits: int = 256, *, export: bool = False) -> "KeyAttributes":
        """An AES key for AES-GCM with its 16-byte tag: 256 bits by default."""
        return KeyAttributes(KeyType.AES, bits, UsageFlags.encryption(export=export), Aead())

    def _encode(self) -> Writer:
        policy = Writer().message(1, self.usage._encode()).message(2, encode_algorithm(self.algorithm))
        return (
            Writer()
            .message(1, self.key_type._encode())
            .varint(2, self.bits)
            .message(3, policy)
        )

    def encode(self) -> bytes:
        """The ``psa_key_attributes.KeyAttributes`` message."""
        return self._encode().finish()

    @staticmethod
    def decode(f: Optional[Fields]) -> "KeyAttributes":
        """From a decoded ``KeyAttributes`` message."""
        if f is None:
            raise DecodeError("key attributes are missing")
        policy = f.message(3)
        if policy is None:
            raise DecodeError("key attributes have no key_policy")
        return KeyAttributes(
            KeyType._decode(f.message(1)),
            f.uint(2, bits=32),
            UsageFlags._decode(policy.message(1)),
            decode_algorithm(policy.message(2)),
        )


ECDSA_P256_SHA256 = Ecdsa(Hash.SHA_256)
"""The algorithm of ``parsec-tool create-ecc-key`` keys and of :meth:`Client.sign`."""

AES_GCM = Aead(AeadAlg.GCM)
"""AES-GCM with its 16-byte tag: the AEAD of :meth:`Client.seal`."""
