//! PSA Crypto vocabulary shared by every layer of the service.
//!
//! This crate is pure: it holds the values that travel in Parsec requests (key attributes,
//! algorithms, usage flags), the policy checks every provider relies on, and the wire
//! [`Status`] codes. It knows nothing of sockets, protobuf or providers, so the wire codec, the
//! dispatcher and the providers all agree on one definition of "is this operation allowed".
//!
//! ```
//! use psc_psa::{Algorithm, AsymmetricSignature, Attributes, EccFamily, Hash, KeyType, SignHash};
//!
//! // The template `parsec-tool create-ecc-key` sends.
//! let attributes = Attributes::signing_key(
//!     KeyType::EccKeyPair { curve_family: EccFamily::SecpR1 },
//!     256,
//!     AsymmetricSignature::Ecdsa { hash: SignHash::Specific(Hash::Sha256) },
//! );
//! let alg = AsymmetricSignature::Ecdsa { hash: SignHash::Specific(Hash::Sha256) };
//! assert!(attributes.policy.permits(Algorithm::AsymmetricSignature(alg)));
//! assert!(attributes.check_sign_hash(alg, &[0u8; 32]).is_ok());
//! assert!(attributes.check_sign_hash(alg, &[0u8; 20]).is_err());
//! ```

/// Declares a field-less enum whose variants carry the contract's numeric values, with
/// `code()`, `from_code()` and `ALL`.
macro_rules! code_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[doc = $doc:literal])* $variant:ident = $code:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(feature = "proptest", derive(proptest_derive::Arbitrary))]
        pub enum $name {
            $($(#[doc = $doc])* $variant,)*
        }

        impl $name {
            /// Every value, in code order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The value the Parsec contract gives this variant.
            pub fn code(self) -> u32 {
                match self {
                    $($name::$variant => $code,)*
                }
            }

            /// The variant with this contract value, or `None` for an undefined value.
            pub fn from_code(code: u32) -> Option<Self> {
                match code {
                    $($code => Some($name::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

mod algorithm;
mod check;
mod encoding;
mod key;
mod secret;
mod status;

pub use algorithm::{
    Aead, AeadAlg, Algorithm, AsymmetricEncryption, AsymmetricSignature, Cipher, FullLengthMac,
    Hash, KeyAgreement, KeyDerivation, Mac, RawKeyAgreement, SignHash,
};
pub use check::{PolicyError, Usage, check_hash_len};
pub use encoding::ATTRIBUTES_ENCODING_VERSION;
pub use key::{Attributes, DhFamily, EccFamily, KeyType, Policy, UsageFlags};
pub use secret::SecretBytes;
pub use status::Status;
