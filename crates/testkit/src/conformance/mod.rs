//! The provider conformance suite, written once and run against every provider.
//!
//! Each check walks a matrix of key types, sizes and algorithms. For every cell the
//! provider's own CanDoCrypto answer decides what is expected: where it says "supported" the
//! operation must work end to end (and tampering must be detected); where it says "not
//! supported" the operation must answer `NotSupported`, never succeed or fail otherwise. So a
//! provider can support little, but never claim what it does not do, nor do what it denies.
//!
//! Instantiate it with [`provider_conformance!`](crate::provider_conformance):
//!
//! ```ignore
//! psc_testkit::provider_conformance!(software, || my_provider());
//! ```

mod cases;
mod checks;
mod known_answers;

pub use checks::{
    aead, agreement, ciphers, encryption, hashes, key_lifecycle, macs, random, signatures,
};
pub use known_answers::known_answers;

/// Declares a test module running the whole conformance suite against the provider
/// `make()` builds (called once per test).
#[macro_export]
macro_rules! provider_conformance {
    ($name:ident, $make:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn provider() -> Box<dyn $crate::psc_provider_api::Provider> {
                Box::new(($make)())
            }

            #[test]
            fn key_lifecycle() {
                $crate::conformance::key_lifecycle(provider().as_ref());
            }

            #[test]
            fn signatures() {
                $crate::conformance::signatures(provider().as_ref());
            }

            #[test]
            fn encryption() {
                $crate::conformance::encryption(provider().as_ref());
            }

            #[test]
            fn aead() {
                $crate::conformance::aead(provider().as_ref());
            }

            #[test]
            fn ciphers() {
                $crate::conformance::ciphers(provider().as_ref());
            }

            #[test]
            fn macs() {
                $crate::conformance::macs(provider().as_ref());
            }

            #[test]
            fn agreement() {
                $crate::conformance::agreement(provider().as_ref());
            }

            #[test]
            fn hashes() {
                $crate::conformance::hashes(provider().as_ref());
            }

            #[test]
            fn known_answers() {
                let ran = $crate::conformance::known_answers(provider().as_ref());
                println!("{ran} known-answer vectors ran");
            }

            #[test]
            fn random() {
                $crate::conformance::random(provider().as_ref());
            }
        }
    };
}
