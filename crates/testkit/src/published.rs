//! Fixtures for tests that drive the service with the published `parsec-client` crate.

use parsec_client::core::interface::operations::psa_algorithm::{
    AsymmetricSignature, Hash, SignHash,
};
use parsec_client::core::interface::operations::psa_key_attributes::{
    Attributes, EccFamily, Lifetime, Policy, Type, UsageFlags,
};
use parsec_client::core::interface::requests::ResponseStatus;
use parsec_client::error::Error;

/// The algorithm of `parsec-tool create-ecc-key` keys: ECDSA with SHA-256.
pub const ECDSA_SHA256: AsymmetricSignature = AsymmetricSignature::Ecdsa {
    hash_alg: SignHash::Specific(Hash::Sha256),
};

/// The attributes `parsec-tool create-ecc-key` sends: ECC P-256, ECDSA SHA-256, sign and
/// verify both hashes and messages.
pub fn ecc_signing_attributes() -> Attributes {
    let mut usage_flags = UsageFlags::default();
    usage_flags
        .set_sign_hash()
        .set_verify_hash()
        .set_sign_message()
        .set_verify_message();
    Attributes {
        lifetime: Lifetime::Persistent,
        key_type: Type::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        },
        bits: 256,
        policy: Policy {
            usage_flags,
            permitted_algorithms: ECDSA_SHA256.into(),
        },
    }
}

/// The status of a call expected to be refused by the service.
///
/// # Panics
/// If the call succeeded or failed on the client side: the test expected a service answer.
pub fn service_status<T: std::fmt::Debug>(result: Result<T, Error>) -> ResponseStatus {
    match result {
        Err(Error::Service(status)) => status,
        other => panic!("expected a service error, got {other:?}"),
    }
}
