//! A varint larger than its field is `InvalidEncoding`, never truncated (issue 23, item 11):
//! prost decodes a `uint32` or an `int32` (enum) field by keeping the low 32 bits, so
//! `key_bits = 2^32 + 256` read as 256 and an enum of `2^32 + 7` as 7 (SHA-256). The bodies
//! are built byte by byte, so the test does not depend on how the codec declares its fields.

use prost::Message;
use psc_wire::ops::generate_key;
use psc_wire::proto::Empty;
use psc_wire::proto::algorithm::{Algorithm, Variant};
use psc_wire::proto::key_attributes::{
    KeyAttributes, KeyPolicy, KeyType, KeyTypeVariant, UsageFlags,
};
use psc_wire::{Opcode, Request, Status};

const BEYOND_U32: u64 = 1 << 32;

fn varint(value: u64) -> Vec<u8> {
    let mut bytes = Vec::new();
    prost::encoding::encode_varint(value, &mut bytes);
    bytes
}

/// A field of wire type 0 (varint).
fn varint_field(tag: u32, value: u64) -> Vec<u8> {
    [varint(u64::from(tag << 3)), varint(value)].concat()
}

/// A field of wire type 2 (length-delimited).
fn bytes_field(tag: u32, bytes: &[u8]) -> Vec<u8> {
    let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    [varint(u64::from(tag << 3 | 2)), varint(len), bytes.to_vec()].concat()
}

/// A PsaGenerateKey body for a raw-data key with no policy whose `key_bits` varint is `bits`.
fn generate_with_bits(bits: u64) -> Vec<u8> {
    let attributes = KeyAttributes {
        key_type: Some(KeyType {
            variant: Some(KeyTypeVariant::RawData(Empty {})),
        }),
        key_bits: 0,
        key_policy: Some(KeyPolicy {
            key_usage_flags: Some(UsageFlags::default()),
            key_algorithm: Some(Algorithm {
                variant: Some(Variant::None(Empty {})),
            }),
        }),
    };
    // Field 2 of KeyAttributes is key_bits; the default 0 is not encoded, so this is the
    // only occurrence.
    let attributes = [attributes.encode_to_vec(), varint_field(2, bits)].concat();
    let request = generate_key::RequestMessage {
        key_name: "k".into(),
        attributes: None,
    };
    [request.encode_to_vec(), bytes_field(2, &attributes)].concat()
}

fn decode(opcode: Opcode, body: &[u8]) -> Result<Request, Status> {
    Request::decode(opcode, body).map_err(|e| e.status())
}

#[test]
fn key_bits_beyond_u32_are_invalid_encoding_not_truncated() {
    match decode(Opcode::PsaGenerateKey, &generate_with_bits(256)) {
        Ok(Request::PsaGenerateKey(request)) => assert_eq!(request.attributes.bits, 256),
        other => panic!("the baseline: {other:?}"),
    }
    assert!(
        decode(
            Opcode::PsaGenerateKey,
            &generate_with_bits(u64::from(u32::MAX))
        )
        .is_ok()
    );
    for bits in [BEYOND_U32 + 256, BEYOND_U32, u64::MAX] {
        assert_eq!(
            decode(Opcode::PsaGenerateKey, &generate_with_bits(bits)).err(),
            Some(Status::InvalidEncoding),
            "key_bits = {bits}"
        );
    }
}

#[test]
fn enum_values_beyond_their_range_are_invalid_encoding_not_truncated() {
    const SHA256: u64 = 7;
    // PsaHashCompute: field 1 is the Hash enum, field 2 the input.
    let body = |alg: u64| [varint_field(1, alg), bytes_field(2, b"abc")].concat();
    assert!(decode(Opcode::PsaHashCompute, &body(SHA256)).is_ok());
    for alg in [BEYOND_U32 + SHA256, (1 << 31) + SHA256] {
        assert_eq!(
            decode(Opcode::PsaHashCompute, &body(alg)).err(),
            Some(Status::InvalidEncoding),
            "alg = {alg}"
        );
    }
}

#[test]
fn a_provider_id_beyond_u32_is_not_truncated() {
    // ListOpcodes: field 1 is the provider id; 1 (MbedCrypto) plus 2^32 is no provider.
    let body = |id: u64| varint_field(1, id);
    assert!(decode(Opcode::ListOpcodes, &body(1)).is_ok());
    assert!(decode(Opcode::ListOpcodes, &body(BEYOND_U32 + 1)).is_err());
}
