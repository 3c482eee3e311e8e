"""Just enough DER to wrap a PSA public key in a SubjectPublicKeyInfo (RFC 5280)."""

from __future__ import annotations

import base64
from typing import Dict, Optional, Tuple


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _length(len(content)) + content


def oid(dotted: str) -> bytes:
    """The DER OBJECT IDENTIFIER for a dotted string."""
    parts = [int(p) for p in dotted.split(".")]
    out = bytearray([40 * parts[0] + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.append(0x80 | (part & 0x7F))
            part >>= 7
        out += bytes(reversed(chunk))
    return _tlv(0x06, bytes(out))


def _sequence(*items: bytes) -> bytes:
    return _tlv(0x30, b"".join(items))


def _bit_string(data: bytes) -> bytes:
    return _tlv(0x03, b"\x00" + data)


_RSA = "1.2.840.113549.1.1.1"
_EC = "1.2.840.10045.2.1"
# (EccFamily value, bits) -> curve OID; Montgomery curves have their own algorithm OID.
_CURVES: Dict[Tuple[int, int], str] = {
    (2, 192): "1.2.840.10045.3.1.1",
    (2, 224): "1.3.132.0.33",
    (2, 256): "1.2.840.10045.3.1.7",
    (2, 384): "1.3.132.0.34",
    (2, 521): "1.3.132.0.35",
    (1, 192): "1.3.132.0.31",
    (1, 256): "1.3.132.0.10",
    (7, 256): "1.3.36.3.3.2.8.1.1.7",
    (7, 384): "1.3.36.3.3.2.8.1.1.11",
    (7, 512): "1.3.36.3.3.2.8.1.1.13",
}
_MONTGOMERY = {255: "1.3.101.110", 448: "1.3.101.111"}


def rsa_spki(rsa_public_key: bytes) -> bytes:
    """SubjectPublicKeyInfo of a DER RSAPublicKey (PSA's RSA public key format)."""
    return _sequence(_sequence(oid(_RSA), b"\x05\x00"), _bit_string(rsa_public_key))


def ecc_spki(family: int, bits: int, point: bytes) -> Optional[bytes]:
    """SubjectPublicKeyInfo of a PSA ECC public key, or ``None`` for an unknown curve."""
    if family == 9:
        curve = _MONTGOMERY.get(bits)
        return None if curve is None else _sequence(_sequence(oid(curve)), _bit_string(point))
    curve = _CURVES.get((family, bits))
    if curve is None:
        return None
    return _sequence(_sequence(oid(_EC), oid(curve)), _bit_string(point))


def pem(label: str, der: bytes) -> str:
    """PEM text: base64 in 64-column lines between BEGIN and END."""
    text = base64.b64encode(der).decode("ascii")
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"
