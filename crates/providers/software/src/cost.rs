//! How long each request takes here, so the service knows where to run it. Everything is in
//! memory and CPU-bound; most of it takes microseconds (ECDSA, ECDH, symmetric work, hashes)
//! and RSA-2048 private-key work about 0.6 ms, which may run inline, as may destroying or
//! exporting any key (no arithmetic). RSA key generation (tens of milliseconds at 2048 bits,
//! seconds at 4096) and any other work with a larger RSA key (RSA-4096 signing: about 6 ms,
//! RSA-8192: about 45 ms) are slow, and so is all finite-field Diffie-Hellman work.

use psc_provider_api::{Cost, Operation};
use psc_psa::{Attributes, KeyType};

/// The largest RSA key whose operations run inline.
const INLINE_RSA_BITS: u32 = 2048;

/// The cost of `operation` on a key like `key`.
pub(crate) fn cost(operation: Operation, key: Option<&Attributes>) -> Cost {
    let Some(key) = key else {
        return Cost::Inline;
    };
    if matches!(
        operation,
        Operation::Destroy | Operation::Export | Operation::ExportPublic
    ) {
        return Cost::Inline;
    }
    // Finite-field Diffie-Hellman exponentiates modulo a prime of 2048 to 8192 bits:
    // milliseconds to a second, whichever the operation.
    if matches!(
        key.key_type,
        KeyType::DhKeyPair { .. } | KeyType::DhPublicKey { .. }
    ) {
        return Cost::Slow;
    }
    let rsa = matches!(key.key_type, KeyType::RsaKeyPair | KeyType::RsaPublicKey);
    // An import may leave the size to be read from the data (0 bits): assume the worst.
    let large = key.bits == 0 || key.bits > INLINE_RSA_BITS;
    if rsa && (operation == Operation::Generate || large) {
        Cost::Slow
    } else {
        Cost::Inline
    }
}

#[cfg(test)]
mod tests {
    use psc_psa::{AsymmetricSignature, EccFamily, Hash, SignHash};

    use super::*;

    fn key(key_type: KeyType, bits: u32) -> Attributes {
        let alg = AsymmetricSignature::RsaPkcs1v15Sign {
            hash: SignHash::Specific(Hash::Sha256),
        };
        Attributes::signing_key(key_type, bits, alg)
    }

    #[test]
    fn rsa_generation_and_large_rsa_keys_are_slow() {
        let pair = KeyType::RsaKeyPair;
        assert_eq!(
            cost(Operation::Generate, Some(&key(pair, 2048))),
            Cost::Slow
        );
        assert_eq!(cost(Operation::Sign, Some(&key(pair, 4096))), Cost::Slow);
        assert_eq!(cost(Operation::Sign, Some(&key(pair, 3072))), Cost::Slow);
        let public = KeyType::RsaPublicKey;
        assert_eq!(
            cost(Operation::Verify, Some(&key(public, 8192))),
            Cost::Slow
        );
        assert_eq!(cost(Operation::Import, Some(&key(public, 0))), Cost::Slow);
    }

    #[test]
    fn the_rest_runs_inline() {
        let rsa = key(KeyType::RsaKeyPair, 2048);
        assert_eq!(cost(Operation::Sign, Some(&rsa)), Cost::Inline);
        assert_eq!(cost(Operation::Import, Some(&rsa)), Cost::Inline);
        let large = key(KeyType::RsaKeyPair, 8192);
        assert_eq!(cost(Operation::Destroy, Some(&large)), Cost::Inline);
        assert_eq!(cost(Operation::Export, Some(&large)), Cost::Inline);
        let ecc = KeyType::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        };
        assert_eq!(
            cost(Operation::Generate, Some(&key(ecc, 256))),
            Cost::Inline
        );
        assert_eq!(cost(Operation::Sign, Some(&key(ecc, 521))), Cost::Inline);
        assert_eq!(cost(Operation::Keyless, None), Cost::Inline);
    }
}
