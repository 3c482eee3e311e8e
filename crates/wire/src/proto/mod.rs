//! The protobuf messages shared by several operations (`psa_algorithm`,
//! `psa_key_attributes`), declared with prost's derive so no `protoc` runs at build time,
//! and their conversion to the typed values of [`psc_psa`].

pub mod algorithm;
pub mod key_attributes;

/// Any message with no fields (`Algorithm.None`, `KeyType.Aes`, `SignHash.Any`, …).
#[derive(Clone, Copy, PartialEq, prost::Message)]
pub struct Empty {}
