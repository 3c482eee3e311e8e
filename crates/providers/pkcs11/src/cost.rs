//! Where each request runs. Every call may wait for the token, so none runs on the service's
//! async workers. What a token usually answers quickly (a signature, a decryption, a MAC,
//! random bytes, with a key found once) is [`Cost::Device`]: threads at the service's normal
//! priority. Key generation (RSA takes seconds on a software token) and any private-key work
//! with an RSA key over 2048 bits (RSA-4096 signing: about 6 ms of CPU on SoftHSM2) are
//! [`Cost::Slow`]: the few threads below the rest of the service, so that they never take a
//! CPU from short work. Exporting a public key reads the key's blob and never calls the token:
//! [`Cost::Inline`], so it answers even while the token hangs.

use psc_provider_api::{Cost, Operation};
use psc_psa::{Attributes, KeyType};

/// The largest RSA key whose operations count as short device work.
const DEVICE_RSA_BITS: u32 = 2048;

/// The cost of `operation` on a key like `key`.
pub(crate) fn cost(operation: Operation, key: Option<&Attributes>) -> Cost {
    match operation {
        Operation::Generate => return Cost::Slow,
        Operation::ExportPublic => return Cost::Inline,
        _ => {}
    }
    let Some(key) = key else {
        return Cost::Device;
    };
    let rsa = matches!(key.key_type, KeyType::RsaKeyPair | KeyType::RsaPublicKey);
    // An import may leave the size to be read from the data (0 bits): assume the worst.
    let large = key.bits == 0 || key.bits > DEVICE_RSA_BITS;
    let arithmetic = !matches!(operation, Operation::Destroy | Operation::Export);
    if rsa && large && arithmetic {
        Cost::Slow
    } else {
        Cost::Device
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
    fn generation_and_large_rsa_work_are_slow_public_export_inline_the_rest_device_work() {
        let p256 = key(
            KeyType::EccKeyPair {
                curve_family: EccFamily::SecpR1,
            },
            256,
        );
        let rsa = |bits| key(KeyType::RsaKeyPair, bits);
        assert_eq!(cost(Operation::Generate, Some(&p256)), Cost::Slow);
        assert_eq!(cost(Operation::Generate, Some(&rsa(2048))), Cost::Slow);
        assert_eq!(cost(Operation::Sign, Some(&rsa(3072))), Cost::Slow);
        assert_eq!(cost(Operation::Decrypt, Some(&rsa(4096))), Cost::Slow);
        assert_eq!(cost(Operation::Import, Some(&rsa(0))), Cost::Slow);
        for operation in [Operation::Sign, Operation::Verify, Operation::Agreement] {
            assert_eq!(cost(operation, Some(&p256)), Cost::Device);
        }
        assert_eq!(cost(Operation::Sign, Some(&rsa(2048))), Cost::Device);
        assert_eq!(cost(Operation::Destroy, Some(&rsa(4096))), Cost::Device);
        assert_eq!(cost(Operation::Export, Some(&rsa(4096))), Cost::Device);
        assert_eq!(
            cost(Operation::ExportPublic, Some(&rsa(4096))),
            Cost::Inline
        );
        assert_eq!(
            cost(Operation::Symmetric, Some(&key(KeyType::Aes, 256))),
            Cost::Device
        );
        assert_eq!(cost(Operation::Keyless, None), Cost::Device);
    }
}
