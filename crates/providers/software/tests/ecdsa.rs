//! Key lifecycle and ECDSA on P-256: round trips, rejections, and RFC 6979's published vectors.

mod common;

use common::*;
use psc_provider_api::{KeyLifecycle, Provider, ProviderError};
use psc_provider_software::SOFTWARE_PROVIDER_UUID;
use psc_psa::{AsymmetricSignature, EccFamily, Hash, KeyType, SignHash};

const SHA2: [Hash; 4] = [Hash::Sha224, Hash::Sha256, Hash::Sha384, Hash::Sha512];

fn is_invalid_argument<T: std::fmt::Debug>(result: Result<T, ProviderError>) -> bool {
    matches!(result, Err(ProviderError::InvalidArgument(_)))
}

fn is_not_supported<T: std::fmt::Debug>(result: Result<T, ProviderError>) -> bool {
    matches!(result, Err(ProviderError::NotSupported(_)))
}

fn is_invalid_signature(result: Result<(), ProviderError>) -> bool {
    matches!(result, Err(ProviderError::InvalidSignature))
}

#[test]
fn info_names_our_provider() {
    let (provider, _dir) = provider();
    let info = provider.info();
    assert_eq!(info.uuid, SOFTWARE_PROVIDER_UUID);
    assert_eq!(info.uuid.get_version_num(), 4);
    assert_eq!(info.vendor, "psc");
    assert_eq!(info.version, (0, 1, 0));
    assert!(info.description.contains("aws-lc-rs"));
    assert!(provider.key_lifecycle().is_some() && provider.sign_hash().is_some());
}

#[test]
fn generate_export_sign_verify() -> TestResult {
    let (provider, _dir) = provider();
    let alg = ecdsa(Hash::Sha256);
    let key = generate_p256(&provider, alg);
    assert_eq!(key.attributes.bits, 256);

    let point = provider.export_public(key_ref(&key), BINDING)?;
    assert_eq!(point.len(), 65);
    assert_eq!(point[0], 0x04);
    // The exported point is a valid public key: it imports, and verifies our signatures.
    let public = import(&provider, P256_PUBLIC, alg, &point)?;
    assert_eq!(provider.export_public(key_ref(&public), BINDING)?, point);

    let hash = digest(Hash::Sha256, b"message");
    let signature = sign(&provider, &key, alg, &hash)?;
    assert_eq!(signature.len(), 64);
    verify(&provider, &key, alg, &hash, &signature)?;
    verify(&provider, &public, alg, &hash, &signature)?;
    // Randomized: two signatures of one hash differ, and both verify.
    let again = sign(&provider, &key, alg, &hash)?;
    assert_ne!(signature, again);
    verify(&provider, &key, alg, &hash, &again)?;
    Ok(())
}

#[test]
fn tampered_signatures_and_hashes_do_not_verify() -> TestResult {
    let (provider, _dir) = provider();
    let alg = ecdsa(Hash::Sha256);
    let key = generate_p256(&provider, alg);
    let hash = digest(Hash::Sha256, b"message");
    let signature = sign(&provider, &key, alg, &hash)?;

    for i in [0, 31, 32, 63] {
        let mut bad = signature.clone();
        bad[i] ^= 0x01;
        assert!(is_invalid_signature(verify(
            &provider, &key, alg, &hash, &bad
        )));
    }
    let mut other_hash = hash.clone();
    other_hash[5] ^= 0x80;
    assert!(is_invalid_signature(verify(
        &provider,
        &key,
        alg,
        &other_hash,
        &signature
    )));
    // r = 0, s = 0, and r = s = 0xff…ff (above the group order) are not signatures.
    for bad in [[0u8; 64], [0xff; 64]] {
        assert!(is_invalid_signature(verify(
            &provider, &key, alg, &hash, &bad
        )));
    }
    // Wrong lengths, DER instead of r ‖ s: an invalid signature, never a panic.
    for len in [0, 1, 63, 65, 70, 128] {
        let bad = vec![0x30; len];
        assert!(is_invalid_signature(verify(
            &provider, &key, alg, &hash, &bad
        )));
    }
    Ok(())
}

#[test]
fn sha224_384_512_sign_and_verify() -> TestResult {
    let (provider, _dir) = provider();
    for hash_alg in SHA2 {
        let alg = ecdsa(hash_alg);
        let key = generate_p256(&provider, alg);
        let hash = digest(hash_alg, b"message");
        let signature = sign(&provider, &key, alg, &hash)?;
        verify(&provider, &key, alg, &hash, &signature)?;
        // The service checks lengths first; the provider still refuses a mismatch.
        let short = &hash[..hash.len() - 1];
        assert!(is_invalid_argument(sign(&provider, &key, alg, short)));
        assert!(is_invalid_argument(verify(
            &provider, &key, alg, short, &signature
        )));
    }
    Ok(())
}

#[test]
fn ecdsa_any_truncates_long_inputs_and_pads_short_ones() -> TestResult {
    let (provider, _dir) = provider();
    let any = AsymmetricSignature::EcdsaAny;
    let key = generate_p256(&provider, any);
    for len in [0, 1, 20, 32, 48, 64, 100] {
        let input: Vec<u8> = (0..len).map(|i| (i as u8).wrapping_mul(37) | 1).collect();
        let signature = sign(&provider, &key, any, &input)?;
        verify(&provider, &key, any, &input, &signature)?;
    }
    // A SHA-512 signature is over the leftmost 256 bits of the hash: EcdsaAny agrees.
    let hash = digest(Hash::Sha512, b"message");
    let signature = sign(&provider, &key, ecdsa(Hash::Sha512), &hash)?;
    verify(&provider, &key, any, &hash, &signature)?;
    verify(&provider, &key, any, &hash[..32], &signature)?;
    // A short input is its integer value: leading zero bytes change nothing.
    let short = [0xabu8; 20];
    let mut padded = [0u8; 32];
    padded[12..].copy_from_slice(&short);
    let signature = sign(&provider, &key, any, &short)?;
    verify(&provider, &key, any, &padded, &signature)?;
    let mut other = padded;
    other[0] = 1;
    assert!(is_invalid_signature(verify(
        &provider, &key, any, &other, &signature
    )));
    Ok(())
}

#[test]
fn deterministic_signing_and_other_hashes_are_not_supported() {
    let (provider, _dir) = provider();
    let key = generate_p256(&provider, ecdsa(Hash::Sha256));
    let deterministic = AsymmetricSignature::DeterministicEcdsa {
        hash: SignHash::Specific(Hash::Sha256),
    };
    assert!(is_not_supported(sign(
        &provider,
        &key,
        deterministic,
        &[0; 32]
    )));
    assert!(is_not_supported(sign(
        &provider,
        &key,
        ecdsa(Hash::Sha3_256),
        &[0; 32]
    )));
    let rsa = AsymmetricSignature::RsaPkcs1v15Sign {
        hash: SignHash::Specific(Hash::Sha256),
    };
    assert!(is_not_supported(sign(&provider, &key, rsa, &[0; 32])));
    let wildcard = AsymmetricSignature::Ecdsa {
        hash: SignHash::Any,
    };
    assert!(is_invalid_argument(sign(
        &provider, &key, wildcard, &[0; 32]
    )));
}

#[test]
fn a_public_key_verifies_but_cannot_sign() -> TestResult {
    let (provider, _dir) = provider();
    let alg = ecdsa(Hash::Sha256);
    let pair = generate_p256(&provider, alg);
    let point = provider.export_public(key_ref(&pair), BINDING)?;
    let public = import(&provider, P256_PUBLIC, alg, &point)?;
    let hash = [3u8; 32];
    assert!(is_invalid_argument(sign(&provider, &public, alg, &hash)));
    let signature = sign(&provider, &pair, alg, &hash)?;
    verify(&provider, &public, alg, &hash, &signature)?;
    Ok(())
}

#[test]
fn only_p256_key_pairs_are_generated() {
    let (provider, _dir) = provider();
    let alg = ecdsa(Hash::Sha256);
    let unsupported = [
        (P256_PAIR, 384),
        (P256_PAIR, 521),
        (
            KeyType::EccKeyPair {
                curve_family: EccFamily::SecpK1,
            },
            256,
        ),
        (
            KeyType::EccKeyPair {
                curve_family: EccFamily::BrainpoolPR1,
            },
            256,
        ),
        (P256_PUBLIC, 256),
        (KeyType::RsaKeyPair, 2048),
        (KeyType::Aes, 256),
    ];
    for (key_type, bits) in unsupported {
        let result = provider.generate(&attributes(key_type, bits, alg), BINDING);
        assert!(is_not_supported(result), "{key_type:?} {bits}");
    }
}

#[test]
fn import_takes_the_size_from_the_data() -> TestResult {
    let (provider, _dir) = provider();
    let alg = ecdsa(Hash::Sha256);
    let scalar = unhex(RFC6979_X);
    for bits in [0, 256] {
        let key = provider.import(&attributes(P256_PAIR, bits, alg), &scalar, BINDING)?;
        assert_eq!(key.attributes.bits, 256);
        assert_eq!(
            key.attributes.policy,
            attributes(P256_PAIR, bits, alg).policy
        );
    }
    // A declared size that contradicts 32 bytes of data.
    for bits in [128, 384, 521] {
        let result = provider.import(&attributes(P256_PAIR, bits, alg), &scalar, BINDING);
        assert!(is_invalid_argument(result), "{bits}");
    }
    // A P-384-sized scalar declared as P-384: a curve we do not support.
    let result = provider.import(&attributes(P256_PAIR, 384, alg), &[1; 48], BINDING);
    assert!(is_not_supported(result));
    let secp_k1 = KeyType::EccKeyPair {
        curve_family: EccFamily::SecpK1,
    };
    assert!(is_not_supported(import(&provider, secp_k1, alg, &scalar)));
    assert!(is_not_supported(import(
        &provider,
        KeyType::RsaKeyPair,
        alg,
        &scalar
    )));
    Ok(())
}

#[test]
fn invalid_private_scalars_are_refused() {
    let (provider, _dir) = provider();
    let alg = ecdsa(Hash::Sha256);
    // The P-256 group order n: valid scalars are 1 ..= n - 1.
    let order = unhex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    let bad = [
        vec![0u8; 32],
        order,
        vec![0xff; 32],
        vec![1; 31],
        vec![1; 33],
        vec![],
    ];
    for scalar in bad {
        assert!(
            is_invalid_argument(import(&provider, P256_PAIR, alg, &scalar)),
            "{scalar:02x?}"
        );
    }
    let mut one = [0u8; 32];
    one[31] = 1;
    assert!(import(&provider, P256_PAIR, alg, &one).is_ok());
}

#[test]
fn invalid_public_points_are_refused() -> TestResult {
    let (provider, _dir) = provider();
    let alg = ecdsa(Hash::Sha256);
    let mut point = vec![0x04];
    point.extend(unhex(RFC6979_UX));
    point.extend(unhex(RFC6979_UY));
    import(&provider, P256_PUBLIC, alg, &point)?;

    let mut off_curve = point.clone();
    off_curve[64] ^= 0x01;
    let mut compressed = vec![0x03];
    compressed.extend(unhex(RFC6979_UX));
    let mut wrong_form = point.clone();
    wrong_form[0] = 0x06;
    let bad = [
        off_curve,
        compressed,
        wrong_form,
        point[..64].to_vec(),
        vec![0x00],
        vec![],
    ];
    for data in bad {
        assert!(
            is_invalid_argument(import(&provider, P256_PUBLIC, alg, &data)),
            "{data:02x?}"
        );
    }
    Ok(())
}

#[test]
fn destroy_has_nothing_to_do() -> TestResult {
    let (provider, _dir) = provider();
    let key = generate_p256(&provider, ecdsa(Hash::Sha256));
    provider.destroy(key_ref(&key))?;
    Ok(())
}

/// RFC 6979 appendix A.2.5 (P-256): the key, and the signatures of "sample" and "test".
/// These are deterministic ECDSA signatures; any ECDSA verifier accepts them.
mod rfc6979 {
    use super::*;

    #[test]
    fn the_public_key_matches_the_published_point() -> TestResult {
        let (provider, _dir) = provider();
        let key = rfc6979_key(&provider);
        let point = provider.export_public(key_ref(&key), BINDING)?;
        assert_eq!(point[0], 0x04);
        assert_eq!(hex::encode(&point[1..33]), RFC6979_UX);
        assert_eq!(hex::encode(&point[33..]), RFC6979_UY);
        Ok(())
    }

    /// (hash, message, r, s) from RFC 6979 A.2.5.
    const VECTORS: [(Hash, &str, &str, &str); 6] = [
        (
            Hash::Sha256,
            "sample",
            "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
            "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8",
        ),
        (
            Hash::Sha256,
            "test",
            "f1abb023518351cd71d881567b1ea663ed3efcf6c5132b354f28d3b0b7d38367",
            "019f4113742a2b14bd25926b49c649155f267e60d3814b4c0cc84250e46f0083",
        ),
        (
            Hash::Sha224,
            "sample",
            "53b2fff5d1752b2c689df257c04c40a587fababb3f6fc2702f1343af7ca9aa3f",
            "b9afb64fdc03dc1a131c7d2386d11e349f070aa432a4acc918bea988bf75c74c",
        ),
        (
            Hash::Sha384,
            "sample",
            "0eafea039b20e9b42309fb1d89e213057cbf973dc0cfc8f129edddc800ef7719",
            "4861f0491e6998b9455193e34e7b0d284ddd7149a74b95b9261f13abde940954",
        ),
        (
            Hash::Sha512,
            "sample",
            "8496a60b5e9b47c825488827e0495b0e3fa109ec4568fd3f8d1097678eb97f00",
            "2362ab1adbe2b8adf9cb9edab740ea6049c028114f2460f96554f61fae3302fe",
        ),
        (
            Hash::Sha512,
            "test",
            "461d93f31b6540894788fd206c07cfa0cc35f46fa3c91816fff1040ad1581a04",
            "39af9f15de0db8d97e72719c74820d304ce5226e32dedae67519e840d1194e55",
        ),
    ];

    #[test]
    fn published_signatures_verify() -> TestResult {
        let (provider, _dir) = provider();
        let key = rfc6979_key(&provider);
        let point = provider.export_public(key_ref(&key), BINDING)?;
        let public = import(&provider, P256_PUBLIC, ecdsa(Hash::Sha256), &point)?;
        for (hash_alg, message, r, s) in VECTORS {
            let hash = digest(hash_alg, message.as_bytes());
            let signature = [unhex(r), unhex(s)].concat();
            let deterministic = AsymmetricSignature::DeterministicEcdsa {
                hash: SignHash::Specific(hash_alg),
            };
            for alg in [ecdsa(hash_alg), deterministic] {
                verify(&provider, &key, alg, &hash, &signature)?;
                verify(&provider, &public, alg, &hash, &signature)?;
            }
            let mut tampered = signature.clone();
            tampered[40] ^= 0x04;
            let result = verify(&provider, &key, ecdsa(hash_alg), &hash, &tampered);
            assert!(is_invalid_signature(result), "{hash_alg:?} {message}");
        }
        Ok(())
    }
}
