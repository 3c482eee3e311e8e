"""A minimal protobuf (proto3) codec: just what Parsec's messages use.

Wire types handled: 0 (varint) and 2 (length-delimited: strings, bytes, nested messages,
packed repeated scalars). Fixed 32/64-bit fields never occur in the contract; a decoder meets
them only in unknown fields, which it skips as protobuf requires.

Encoding follows proto3 defaults: a scalar at its default value (0, empty) is not written,
unless it is the chosen member of a ``oneof`` (the caller then passes ``always=True``).
"""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Tuple, Union

__all__ = ["DecodeError", "Fields", "Writer", "encode_varint", "decode_varint"]

VARINT = 0
FIXED64 = 1
LEN = 2
FIXED32 = 5

_MAX_VARINT_BYTES = 10

# Writer and Fields have methods named after these types.
Bytes = bytes
Bool = bool


class DecodeError(ValueError):
    """Bytes that are not a valid protobuf message."""


def encode_varint(value: int) -> bytes:
    """The base-128 varint of a non-negative integer below 2**64."""
    if value < 0 or value >= 1 << 64:
        raise ValueError(f"varint out of range: {value}")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def decode_varint(data: bytes, pos: int) -> Tuple[int, int]:
    """The varint starting at ``pos`` and the position after it."""
    result = 0
    for index in range(_MAX_VARINT_BYTES):
        if pos >= len(data):
            raise DecodeError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            if result >= 1 << 64:
                raise DecodeError("varint larger than 64 bits")
            return result, pos
    raise DecodeError("varint longer than 10 bytes")


class Writer:
    """Builds one message, field by field, in the order written."""

    def __init__(self) -> None:
        self._out = bytearray()

    def _tag(self, field: int, wire_type: int) -> None:
        self._out += encode_varint(field << 3 | wire_type)

    def varint(self, field: int, value: int, *, always: bool = False) -> "Writer":
        """A uint32/uint64/int64/bool/enum field (negative int64 as two's complement)."""
        if value or always:
            self._tag(field, VARINT)
            self._out += encode_varint(value & ((1 << 64) - 1))
        return self

    def bool(self, field: int, value: Bool) -> "Writer":
        """A bool field."""
        return self.varint(field, 1 if value else 0)

    def bytes(self, field: int, value: Union[Bytes, bytearray], *, always: Bool = False) -> "Writer":
        """A bytes field."""
        if value or always:
            self._tag(field, LEN)
            self._out += encode_varint(len(value))
            self._out += value
        return self

    def string(self, field: int, value: str) -> "Writer":
        """A string field, UTF-8."""
        return self.bytes(field, value.encode("utf-8"))

    def message(self, field: int, encoded: Union[Bytes, "Writer"]) -> "Writer":
        """A nested message, written even when empty (its presence is meaningful)."""
        body = encoded.finish() if isinstance(encoded, Writer) else encoded
        return self.bytes(field, body, always=True)

    def finish(self) -> Bytes:
        """The encoded message."""
        return bytes(self._out)


_Value = Union[int, bytes]


class Fields:
    """A decoded message: each field number's values, in the order they came.

    Accessors follow protobuf's rules: for a scalar the last value wins, an absent field
    is its default, repeated scalars are accepted packed or not.
    """

    def __init__(self, data: Bytes) -> None:
        self._fields: Dict[int, List[Tuple[int, _Value]]] = {}
        self._order: List[int] = []
        pos = 0
        data = bytes(data)
        while pos < len(data):
            key, pos = decode_varint(data, pos)
            field, wire_type = key >> 3, key & 7
            if field == 0:
                raise DecodeError("field number 0")
            value: _Value
            if wire_type == VARINT:
                value, pos = decode_varint(data, pos)
            elif wire_type == LEN:
                length, pos = decode_varint(data, pos)
                if length > len(data) - pos:
                    raise DecodeError(f"field {field} runs past the end of the message")
                value = data[pos : pos + length]
                pos += length
            elif wire_type in (FIXED64, FIXED32):
                size = 8 if wire_type == FIXED64 else 4
                if size > len(data) - pos:
                    raise DecodeError(f"field {field} runs past the end of the message")
                value = data[pos : pos + size]
                pos += size
            else:
                raise DecodeError(f"unsupported wire type {wire_type} for field {field}")
            self._fields.setdefault(field, []).append((wire_type, value))
            self._order.append(field)

    def has(self, field: int) -> Bool:
        """Whether the field occurs at all."""
        return field in self._fields

    def numbers(self) -> List[int]:
        """The field numbers present, in first-seen order."""
        return list(self._fields)

    def _last(self, field: int, wire_type: int) -> Optional[_Value]:
        values = self._fields.get(field)
        if not values:
            return None
        found, value = values[-1]
        if found != wire_type:
            raise DecodeError(f"field {field} has wire type {found}, expected {wire_type}")
        return value

    def uint(self, field: int, *, bits: int = 64) -> int:
        """A varint field, 0 when absent; ``bits`` bounds it (uint32: 32)."""
        value = self._last(field, VARINT)
        if value is None:
            return 0
        assert isinstance(value, int)
        if value >= 1 << bits:
            raise DecodeError(f"field {field} does not fit {bits} bits")
        return value

    def boolean(self, field: int) -> Bool:
        """A bool field."""
        return self.uint(field) != 0

    def bytes(self, field: int) -> Bytes:
        """A bytes field, empty when absent."""
        value = self._last(field, LEN)
        if value is None:
            return b""
        assert isinstance(value, bytes)
        return value

    def string(self, field: int) -> str:
        """A string field, empty when absent."""
        try:
            return self.bytes(field).decode("utf-8")
        except UnicodeDecodeError as error:
            raise DecodeError(f"field {field} is not UTF-8") from error

    def message(self, field: int) -> Optional["Fields"]:
        """A nested message, ``None`` when absent (repeated occurrences merge, as in
        protobuf: the concatenation is decoded)."""
        values = self._fields.get(field)
        if not values:
            return None
        parts = []
        for wire_type, value in values:
            if wire_type != LEN:
                raise DecodeError(f"field {field} is not a message")
            assert isinstance(value, bytes)
            parts.append(value)
        return Fields(b"".join(parts))

    def messages(self, field: int) -> List["Fields"]:
        """A repeated message field, each occurrence on its own."""
        out = []
        for wire_type, value in self._fields.get(field, []):
            if wire_type != LEN:
                raise DecodeError(f"field {field} is not a message")
            assert isinstance(value, bytes)
            out.append(Fields(value))
        return out

    def strings(self, field: int) -> List[str]:
        """A repeated string field."""
        out = []
        for wire_type, value in self._fields.get(field, []):
            if wire_type != LEN:
                raise DecodeError(f"field {field} is not a string")
            assert isinstance(value, bytes)
            try:
                out.append(value.decode("utf-8"))
            except UnicodeDecodeError as error:
                raise DecodeError(f"field {field} is not UTF-8") from error
        return out

    def uints(self, field: int, *, bits: int = 64) -> List[int]:
        """A repeated varint field, packed or not."""
        out: List[int] = []
        for wire_type, value in self._fields.get(field, []):
            if wire_type == VARINT:
                assert isinstance(value, int)
                out.append(value)
            elif wire_type == LEN:
                assert isinstance(value, bytes)
                pos = 0
                while pos < len(value):
                    item, pos = decode_varint(value, pos)
                    out.append(item)
            else:
                raise DecodeError(f"field {field} is not a varint")
        for item in out:
            if item >= 1 << bits:
                raise DecodeError(f"field {field} does not fit {bits} bits")
        return out

    def oneof(self, members: Sequence[int]) -> Optional[int]:
        """The member of a ``oneof`` that is set: of the field numbers ``members``, the one
        that came last (protobuf's rule), or ``None`` when none did."""
        for number in reversed(self._order):
            if number in members:
                return number
        return None
