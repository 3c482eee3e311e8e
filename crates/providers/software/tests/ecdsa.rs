//! Weierstrass keys and ECDSA on P-256, P-384, P-521 and secp256k1: round trips for every
//! curve and algorithm, rejections, and published vectors (RFC 6979 A.2.5–A.2.7, secp256k1).

mod common;

use common::*;
use psc_provider_api::{KeyLifecycle, NewKey, Provider, ProviderError};
use psc_provider_software::{SOFTWARE_PROVIDER_UUID, SoftwareProvider};
use psc_psa::{AsymmetricSignature, EccFamily, Hash, KeyType, SignHash};

const SHA2: [Hash; 4] = [Hash::Sha224, Hash::Sha256, Hash::Sha384, Hash::Sha512];

/// A Weierstrass curve under test.
#[derive(Clone, Copy, Debug)]
struct Curve {
    family: EccFamily,
    bits: u32,
    /// `ceil(bits/8)`: a scalar, a coordinate, a signature half.
    len: usize,
    /// The group order n, big-endian, `len` bytes.
    order: &'static str,
}

const P256: Curve = Curve {
    family: EccFamily::SecpR1,
    bits: 256,
    len: 32,
    order: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
};
const P384: Curve = Curve {
    family: EccFamily::SecpR1,
    bits: 384,
    len: 48,
    order: "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf\
            581a0db248b0a77aecec196accc52973",
};
const P521: Curve = Curve {
    family: EccFamily::SecpR1,
    bits: 521,
    len: 66,
    order: "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\
            fa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
};
const SECP256K1: Curve = Curve {
    family: EccFamily::SecpK1,
    bits: 256,
    len: 32,
    order: "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
};
const CURVES: [Curve; 4] = [P256, P384, P521, SECP256K1];

impl Curve {
    fn pair(self) -> KeyType {
        KeyType::EccKeyPair {
            curve_family: self.family,
        }
    }

    fn public(self) -> KeyType {
        KeyType::EccPublicKey {
            curve_family: self.family,
        }
    }

    fn generate(
        self,
        provider: &SoftwareProvider,
        alg: AsymmetricSignature,
    ) -> Result<NewKey, ProviderError> {
        provider.generate(&attributes(self.pair(), self.bits, alg), BINDING)
    }

    /// The public half of `pair`, imported as a public key.
    fn public_of(
        self,
        provider: &SoftwareProvider,
        pair: &NewKey,
        alg: AsymmetricSignature,
    ) -> Result<NewKey, ProviderError> {
        let point = provider.export_public(key_ref(pair), BINDING)?;
        import(provider, self.public(), alg, &point)
    }
}

fn is_invalid_argument<T: std::fmt::Debug>(result: Result<T, ProviderError>) -> bool {
    matches!(result, Err(ProviderError::InvalidArgument(_)))
}

fn is_not_supported<T: std::fmt::Debug>(result: Result<T, ProviderError>) -> bool {
    matches!(result, Err(ProviderError::NotSupported(_)))
}

fn is_invalid_signature(result: Result<(), ProviderError>) -> bool {
    matches!(result, Err(ProviderError::InvalidSignature))
}

fn deterministic(hash: Hash) -> AsymmetricSignature {
    AsymmetricSignature::DeterministicEcdsa {
        hash: SignHash::Specific(hash),
    }
}

/// Every algorithm the curves take, with an input for it.
fn algorithms_and_inputs() -> Vec<(AsymmetricSignature, Vec<u8>)> {
    let mut cases = Vec::new();
    for hash in SHA2 {
        let input = digest(hash, b"every curve, every algorithm");
        cases.push((ecdsa(hash), input.clone()));
        cases.push((deterministic(hash), input));
    }
    for len in [0, 1, 20, 32, 48, 64, 65, 66, 100] {
        let input = (0..len).map(|i| (i as u8).wrapping_mul(37) | 1).collect();
        cases.push((AsymmetricSignature::EcdsaAny, input));
    }
    cases
}

/// Left-pads a published hex value to `len` bytes (RFC 6979 drops leading zero digits).
fn fixed(hex: &str, len: usize) -> Vec<u8> {
    let value = unhex(&format!("{hex:0>width$}", width = 2 * len));
    assert_eq!(value.len(), len, "{hex} is wider than {len} bytes");
    value
}

#[test]
fn info_names_our_provider() {
    let (provider, _dir) = provider();
    let info = provider.info();
    assert_eq!(info.uuid, SOFTWARE_PROVIDER_UUID);
    assert_eq!(info.uuid.get_version_num(), 4);
    assert_eq!(info.vendor, "psc");
    assert!(info.description.contains("aws-lc-rs"));
    assert!(provider.key_lifecycle().is_some() && provider.sign_hash().is_some());
}

#[test]
fn every_curve_signs_and_verifies_with_every_algorithm() -> TestResult {
    let (provider, _dir) = provider();
    for curve in CURVES {
        for (alg, input) in algorithms_and_inputs() {
            let context = format!("{curve:?} {alg:?} {} bytes", input.len());
            let key = curve.generate(&provider, alg)?;
            assert_eq!(key.attributes.bits, curve.bits);
            let public = curve.public_of(&provider, &key, alg)?;
            let signature = sign(&provider, &key, alg, &input)?;
            assert_eq!(signature.len(), 2 * curve.len, "{context}");
            verify(&provider, &key, alg, &input, &signature)?;
            verify(&provider, &public, alg, &input, &signature)?;

            let again = sign(&provider, &key, alg, &input)?;
            let is_deterministic = matches!(alg, AsymmetricSignature::DeterministicEcdsa { .. });
            assert_eq!(signature == again, is_deterministic, "{context}");

            let mut tampered = signature.clone();
            tampered[curve.len + 3] ^= 0x10;
            let result = verify(&provider, &public, alg, &input, &tampered);
            assert!(is_invalid_signature(result), "{context}");
        }
    }
    Ok(())
}

#[test]
fn deterministic_and_randomized_signatures_verify_as_each_other() -> TestResult {
    let (provider, _dir) = provider();
    for curve in CURVES {
        for hash in SHA2 {
            let key = curve.generate(&provider, ecdsa(hash))?;
            let input = digest(hash, b"one verifier for both");
            let signature = sign(&provider, &key, deterministic(hash), &input)?;
            verify(&provider, &key, ecdsa(hash), &input, &signature)?;
            verify(
                &provider,
                &key,
                AsymmetricSignature::EcdsaAny,
                &input,
                &signature,
            )?;
            let signature = sign(&provider, &key, ecdsa(hash), &input)?;
            verify(&provider, &key, deterministic(hash), &input, &signature)?;
        }
    }
    Ok(())
}

#[test]
fn hostile_signatures_are_invalid_signatures_never_panics() -> TestResult {
    let (provider, _dir) = provider();
    for curve in CURVES {
        let alg = ecdsa(Hash::Sha256);
        let key = curve.generate(&provider, alg)?;
        let hash = digest(Hash::Sha256, b"message");
        let order = unhex(curve.order);
        let one = fixed("01", curve.len);
        let bad = [
            vec![0; 2 * curve.len],
            vec![0xff; 2 * curve.len],
            [order.clone(), one.clone()].concat(),
            [one.clone(), order.clone()].concat(),
            [one.clone(), vec![0; curve.len]].concat(),
            [one.clone(), one.clone()].concat(),
        ];
        for signature in bad {
            let result = verify(&provider, &key, alg, &hash, &signature);
            assert!(is_invalid_signature(result), "{curve:?} {signature:02x?}");
        }
        // Wrong lengths, DER instead of r ‖ s.
        for len in [
            0,
            1,
            2 * curve.len - 1,
            2 * curve.len + 1,
            2 * curve.len + 8,
            300,
        ] {
            let result = verify(&provider, &key, alg, &hash, &vec![0x30; len]);
            assert!(is_invalid_signature(result), "{curve:?} {len}");
        }
        let signature = sign(&provider, &key, alg, &hash)?;
        let mut other_hash = hash.clone();
        other_hash[5] ^= 0x80;
        let result = verify(&provider, &key, alg, &other_hash, &signature);
        assert!(is_invalid_signature(result), "{curve:?}");
    }
    Ok(())
}

#[test]
fn hash_lengths_and_unsupported_hashes_are_refused() -> TestResult {
    let (provider, _dir) = provider();
    for curve in CURVES {
        for hash in SHA2 {
            for alg in [ecdsa(hash), deterministic(hash)] {
                let key = curve.generate(&provider, alg)?;
                let input = digest(hash, b"message");
                let signature = sign(&provider, &key, alg, &input)?;
                let short = &input[..input.len() - 1];
                assert!(is_invalid_argument(sign(&provider, &key, alg, short)));
                let result = verify(&provider, &key, alg, short, &signature);
                assert!(is_invalid_argument(result));
            }
        }
        let key = curve.generate(&provider, ecdsa(Hash::Sha256))?;
        for alg in [ecdsa(Hash::Md2), deterministic(Hash::Md4)] {
            assert!(is_not_supported(sign(&provider, &key, alg, &[0; 16])));
        }
        // Every other hash PSA names signs and verifies, randomized and deterministic, as
        // on the original (Mbed TLS); the deterministic signature is the same twice.
        for hash in Hash::ALL.iter().copied() {
            if matches!(hash, Hash::Md2 | Hash::Md4) {
                continue;
            }
            let input = vec![0xa5; hash.digest_len()];
            for alg in [ecdsa(hash), deterministic(hash)] {
                let signature = sign(&provider, &key, alg, &input)?;
                verify(&provider, &key, alg, &input, &signature)?;
                let can = provider.can_do(
                    psc_provider_api::Check::Use,
                    &attributes(key.attributes.key_type, key.attributes.bits, alg),
                );
                assert!(can.is_ok(), "{alg:?}");
            }
            let det = deterministic(hash);
            assert_eq!(
                sign(&provider, &key, det, &input)?,
                sign(&provider, &key, det, &input)?
            );
        }
        // The wildcard belongs in a policy, never in an operation.
        let hash = SignHash::Any;
        let wildcards = [
            AsymmetricSignature::Ecdsa { hash },
            AsymmetricSignature::DeterministicEcdsa { hash },
        ];
        for alg in wildcards {
            assert!(is_invalid_argument(sign(&provider, &key, alg, &[0; 32])));
        }
    }
    Ok(())
}

#[test]
fn ecdsa_any_truncates_long_inputs_and_pads_short_ones() -> TestResult {
    let (provider, _dir) = provider();
    let any = AsymmetricSignature::EcdsaAny;
    for curve in CURVES {
        let key = curve.generate(&provider, any)?;
        // A SHA-512 signature is over the leftmost bits of the hash: EcdsaAny agrees.
        let hash = digest(Hash::Sha512, b"message");
        let signature = sign(&provider, &key, ecdsa(Hash::Sha512), &hash)?;
        verify(&provider, &key, any, &hash, &signature)?;
        if curve.len < 64 {
            verify(&provider, &key, any, &hash[..curve.len], &signature)?;
        }
        // A short input is its integer value: leading zero bytes change nothing, as long as
        // the input stays within the order's bit length (P-521: 65 bytes, not 66).
        let short = [0xabu8; 20];
        let padded = [vec![0; curve.bits as usize / 8 - 20], short.to_vec()].concat();
        let signature = sign(&provider, &key, any, &short)?;
        verify(&provider, &key, any, &padded, &signature)?;
        let mut other = padded.clone();
        other[0] = 1;
        let result = verify(&provider, &key, any, &other, &signature);
        assert!(is_invalid_signature(result), "{curve:?}");
    }
    Ok(())
}

/// P-521 keeps the leftmost 521 bits of a long input: 7 bits of its 66th byte go. The
/// integers of 65 bytes or more reach past a SHA-512 digest and take the RustCrypto path.
#[test]
fn p521_truncates_to_521_bits() -> TestResult {
    let (provider, _dir) = provider();
    let any = AsymmetricSignature::EcdsaAny;
    let key = P521.generate(&provider, any)?;
    let public = P521.public_of(&provider, &key, any)?;
    // x of 65 bytes is an integer below 2^520; x·2^7 in 66 bytes truncates back to x.
    let x: Vec<u8> = (0..65).map(|i| 0x80 | i as u8).collect();
    let mut shifted = vec![0u8; 66];
    for i in 0..65 {
        shifted[i] |= x[i] >> 1;
        shifted[i + 1] |= x[i] << 7;
    }
    let signature = sign(&provider, &key, any, &x)?;
    verify(&provider, &public, any, &shifted, &signature)?;
    let mut longer = shifted.clone();
    longer.extend_from_slice(&[0x5a; 34]);
    verify(&provider, &public, any, &longer, &signature)?;
    longer[65] ^= 0x01; // One of the 7 dropped bits: still the same integer.
    verify(&provider, &public, any, &longer, &signature)?;
    longer[65] ^= 0x81; // The last kept bit.
    let result = verify(&provider, &public, any, &longer, &signature);
    assert!(is_invalid_signature(result));
    // A 66-byte input starting 0x0000 is below 2^512: aws-lc-rs signs it.
    let small = [vec![0, 0], vec![0xc3; 64]].concat();
    let signature = sign(&provider, &key, any, &small)?;
    let mut value = vec![0u8; 64];
    for i in 0..64 {
        value[i] = (small[i + 1] << 1) | (small[i + 2] >> 7);
    }
    verify(&provider, &public, any, &value, &signature)?;
    Ok(())
}

#[test]
fn a_public_key_verifies_but_cannot_sign() -> TestResult {
    let (provider, _dir) = provider();
    for curve in CURVES {
        let alg = ecdsa(Hash::Sha256);
        let pair = curve.generate(&provider, alg)?;
        let public = curve.public_of(&provider, &pair, alg)?;
        let hash = [3u8; 32];
        assert!(is_invalid_argument(sign(&provider, &public, alg, &hash)));
        let result = sign(&provider, &public, deterministic(Hash::Sha256), &hash);
        assert!(is_invalid_argument(result));
        let signature = sign(&provider, &pair, alg, &hash)?;
        verify(&provider, &public, alg, &hash, &signature)?;
    }
    Ok(())
}

#[test]
fn keys_export_and_import_back() -> TestResult {
    let (provider, _dir) = provider();
    for curve in CURVES {
        let alg = ecdsa(Hash::Sha256);
        let key = curve.generate(&provider, alg)?;
        let point = provider.export_public(key_ref(&key), BINDING)?;
        assert_eq!(point.len(), 1 + 2 * curve.len);
        assert_eq!(point[0], 0x04);
        let scalar = provider.export(key_ref(&key), BINDING)?;
        assert_eq!(scalar.len(), curve.len, "{curve:?}");
        // The exported scalar imports to the same key: same public point, same signatures.
        let again = import(&provider, curve.pair(), alg, &scalar)?;
        assert_eq!(again.attributes.bits, curve.bits);
        assert_eq!(provider.export_public(key_ref(&again), BINDING)?, point);
        assert_eq!(provider.export(key_ref(&again), BINDING)?, scalar);
        let public = import(&provider, curve.public(), alg, &point)?;
        assert_eq!(public.attributes.bits, curve.bits);
        assert_eq!(
            provider.export(key_ref(&public), BINDING)?.as_bytes(),
            point.as_slice()
        );
        assert_eq!(provider.export_public(key_ref(&public), BINDING)?, point);
        let hash = [9u8; 32];
        let signature = sign(&provider, &again, deterministic(Hash::Sha256), &hash)?;
        let original = sign(&provider, &key, deterministic(Hash::Sha256), &hash)?;
        assert_eq!(signature, original);
    }
    Ok(())
}

#[test]
fn unsupported_curves_are_not_generated() {
    let (provider, _dir) = provider();
    let alg = ecdsa(Hash::Sha256);
    // SECP-R1 192/224, SECP-K1 192, Brainpool P-R1 160 to 512 and X448 are served
    // (through OpenSSL); secp224k1, binary curves and FRP are not.
    let unsupported = [
        (SECP256K1.pair(), 225),
        (
            KeyType::EccKeyPair {
                curve_family: EccFamily::SectK1,
            },
            233,
        ),
        (
            KeyType::EccKeyPair {
                curve_family: EccFamily::Frp,
            },
            256,
        ),
        (P256.public(), 256),
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
    for curve in CURVES {
        let key = curve.generate(&provider, alg)?;
        let scalar = provider.export(key_ref(&key), BINDING)?;
        for bits in [0, curve.bits] {
            let imported =
                provider.import(&attributes(curve.pair(), bits, alg), &scalar, BINDING)?;
            assert_eq!(imported.attributes.bits, curve.bits);
            assert_eq!(
                imported.attributes.policy,
                attributes(curve.pair(), bits, alg).policy
            );
        }
    }
    let scalar = unhex(RFC6979_X);
    // Sizes that contradict 32 bytes of data, or that SECP_R1 does not define.
    for bits in [128, 255, 384, 521] {
        let result = provider.import(&attributes(P256.pair(), bits, alg), &scalar, BINDING);
        assert!(is_invalid_argument(result), "{bits}");
    }
    // Curves the family defines but the provider lacks: secp224k1 (29-byte scalars).
    let k224 = provider.import(&attributes(SECP256K1.pair(), 225, alg), &[1; 29], BINDING);
    assert!(is_not_supported(k224));
    assert!(is_not_supported(import(
        &provider,
        SECP256K1.pair(),
        alg,
        &[1; 29]
    )));
    // secp192k1 and brainpoolP320r1 are served, sizes taken from the data.
    assert_eq!(
        import(&provider, SECP256K1.pair(), alg, &[1; 24])?
            .attributes
            .bits,
        192
    );
    let brainpool = KeyType::EccKeyPair {
        curve_family: EccFamily::BrainpoolPR1,
    };
    assert_eq!(
        import(&provider, brainpool, alg, &[1; 40])?.attributes.bits,
        320
    );
    // Served through OpenSSL: P-224 and P-192 scalars import, sizes taken from the data.
    let p224 = provider.import(&attributes(P256.pair(), 224, alg), &[1; 28], BINDING)?;
    assert_eq!(p224.attributes.bits, 224);
    assert_eq!(
        import(&provider, P256.pair(), alg, &[1; 24])?
            .attributes
            .bits,
        192
    );
    Ok(())
}

#[test]
fn invalid_private_scalars_are_refused() {
    let (provider, _dir) = provider();
    let alg = ecdsa(Hash::Sha256);
    for curve in CURVES {
        let bad = [
            vec![0u8; curve.len],
            unhex(curve.order),
            vec![0xff; curve.len],
            vec![1; curve.len - 1],
            vec![1; curve.len + 1],
            vec![],
        ];
        for scalar in bad {
            let result =
                provider.import(&attributes(curve.pair(), curve.bits, alg), &scalar, BINDING);
            assert!(is_invalid_argument(result), "{curve:?} {scalar:02x?}");
        }
        let one = fixed("01", curve.len);
        assert!(
            import(&provider, curve.pair(), alg, &one).is_ok(),
            "{curve:?}"
        );
    }
}

#[test]
fn invalid_public_points_are_refused() -> TestResult {
    let (provider, _dir) = provider();
    let alg = ecdsa(Hash::Sha256);
    for curve in CURVES {
        let key = curve.generate(&provider, alg)?;
        let point = provider.export_public(key_ref(&key), BINDING)?;
        let mut off_curve = point.clone();
        off_curve[2 * curve.len] ^= 0x01;
        let compressed = [
            &[0x02 | (point[2 * curve.len] & 1)][..],
            &point[1..=curve.len],
        ]
        .concat();
        let mut hybrid = point.clone();
        hybrid[0] = 0x06 | (point[2 * curve.len] & 1);
        let bad = [
            off_curve,
            compressed,
            hybrid,
            point[..2 * curve.len].to_vec(),
            [point.clone(), vec![0]].concat(),
            vec![0x00],
            vec![0x04; 1 + 2 * curve.len],
            vec![0x04],
        ];
        for data in bad {
            let result =
                provider.import(&attributes(curve.public(), curve.bits, alg), &data, BINDING);
            assert!(is_invalid_argument(result), "{curve:?} {data:02x?}");
        }
    }
    Ok(())
}

#[test]
fn destroy_has_nothing_to_do() -> TestResult {
    let (provider, _dir) = provider();
    for curve in CURVES {
        let key = curve.generate(&provider, ecdsa(Hash::Sha256))?;
        provider.destroy(key_ref(&key))?;
    }
    Ok(())
}

/// RFC 6979 appendix A.2.5 (P-256), A.2.6 (P-384) and A.2.7 (P-521): each curve's key, and
/// its deterministic signatures of "sample" and "test" under SHA-224, SHA-256, SHA-384 and
/// SHA-512 (values as printed in the RFC, leading zero digits restored by `fixed`).
mod rfc6979 {
    use super::*;

    struct Key {
        curve: Curve,
        x: &'static str,
        ux: &'static str,
        uy: &'static str,
        /// (hash, message, r, s)
        signatures: [(Hash, &'static str, &'static str, &'static str); 8],
    }

    const A_2_5: Key = Key {
        curve: P256,
        x: "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
        ux: "60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6",
        uy: "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299",
        signatures: [
            (
                Hash::Sha224,
                "sample",
                "53B2FFF5D1752B2C689DF257C04C40A587FABABB3F6FC2702F1343AF7CA9AA3F",
                "B9AFB64FDC03DC1A131C7D2386D11E349F070AA432A4ACC918BEA988BF75C74C",
            ),
            (
                Hash::Sha256,
                "sample",
                "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716",
                "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8",
            ),
            (
                Hash::Sha384,
                "sample",
                "0EAFEA039B20E9B42309FB1D89E213057CBF973DC0CFC8F129EDDDC800EF7719",
                "4861F0491E6998B9455193E34E7B0D284DDD7149A74B95B9261F13ABDE940954",
            ),
            (
                Hash::Sha512,
                "sample",
                "8496A60B5E9B47C825488827E0495B0E3FA109EC4568FD3F8D1097678EB97F00",
                "2362AB1ADBE2B8ADF9CB9EDAB740EA6049C028114F2460F96554F61FAE3302FE",
            ),
            (
                Hash::Sha224,
                "test",
                "C37EDB6F0AE79D47C3C27E962FA269BB4F441770357E114EE511F662EC34A692",
                "C820053A05791E521FCAAD6042D40AEA1D6B1A540138558F47D0719800E18F2D",
            ),
            (
                Hash::Sha256,
                "test",
                "F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367",
                "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083",
            ),
            (
                Hash::Sha384,
                "test",
                "83910E8B48BB0C74244EBDF7F07A1C5413D61472BD941EF3920E623FBCCEBEB6",
                "8DDBEC54CF8CD5874883841D712142A56A8D0F218F5003CB0296B6B509619F2C",
            ),
            (
                Hash::Sha512,
                "test",
                "461D93F31B6540894788FD206C07CFA0CC35F46FA3C91816FFF1040AD1581A04",
                "39AF9F15DE0DB8D97E72719C74820D304CE5226E32DEDAE67519E840D1194E55",
            ),
        ],
    };

    const A_2_6: Key = Key {
        curve: P384,
        x: "6B9D3DAD2E1B8C1C05B19875B6659F4DE23C3B667BF297BA9AA47740787137D8\
            96D5724E4C70A825F872C9EA60D2EDF5",
        ux: "EC3A4E415B4E19A4568618029F427FA5DA9A8BC4AE92E02E06AAE5286B300C64\
             DEF8F0EA9055866064A254515480BC13",
        uy: "8015D9B72D7D57244EA8EF9AC0C621896708A59367F9DFB9F54CA84B3F1C9DB1\
             288B231C3AE0D4FE7344FD2533264720",
        signatures: [
            (
                Hash::Sha224,
                "sample",
                "42356E76B55A6D9B4631C865445DBE54E056D3B3431766D0509244793C3F9366\
                 450F76EE3DE43F5A125333A6BE060122",
                "9DA0C81787064021E78DF658F2FBB0B042BF304665DB721F077A4298B095E483\
                 4C082C03D83028EFBF93A3C23940CA8D",
            ),
            (
                Hash::Sha256,
                "sample",
                "21B13D1E013C7FA1392D03C5F99AF8B30C570C6F98D4EA8E354B63A21D3DAA33\
                 BDE1E888E63355D92FA2B3C36D8FB2CD",
                "F3AA443FB107745BF4BD77CB3891674632068A10CA67E3D45DB2266FA7D1FEEB\
                 EFDC63ECCD1AC42EC0CB8668A4FA0AB0",
            ),
            (
                Hash::Sha384,
                "sample",
                "94EDBB92A5ECB8AAD4736E56C691916B3F88140666CE9FA73D64C4EA95AD133C\
                 81A648152E44ACF96E36DD1E80FABE46",
                "99EF4AEB15F178CEA1FE40DB2603138F130E740A19624526203B6351D0A3A94F\
                 A329C145786E679E7B82C71A38628AC8",
            ),
            (
                Hash::Sha512,
                "sample",
                "ED0959D5880AB2D869AE7F6C2915C6D60F96507F9CB3E047C0046861DA4A799C\
                 FE30F35CC900056D7C99CD7882433709",
                "512C8CCEEE3890A84058CE1E22DBC2198F42323CE8ACA9135329F03C068E5112\
                 DC7CC3EF3446DEFCEB01A45C2667FDD5",
            ),
            (
                Hash::Sha224,
                "test",
                "E8C9D0B6EA72A0E7837FEA1D14A1A9557F29FAA45D3E7EE888FC5BF954B5E624\
                 64A9A817C47FF78B8C11066B24080E72",
                "07041D4A7A0379AC7232FF72E6F77B6DDB8F09B16CCE0EC3286B2BD43FA8C614\
                 1C53EA5ABEF0D8231077A04540A96B66",
            ),
            (
                Hash::Sha256,
                "test",
                "6D6DEFAC9AB64DABAFE36C6BF510352A4CC27001263638E5B16D9BB51D451559\
                 F918EEDAF2293BE5B475CC8F0188636B",
                "2D46F3BECBCC523D5F1A1256BF0C9B024D879BA9E838144C8BA6BAEB4B53B47D\
                 51AB373F9845C0514EEFB14024787265",
            ),
            (
                Hash::Sha384,
                "test",
                "8203B63D3C853E8D77227FB377BCF7B7B772E97892A80F36AB775D509D7A5FEB\
                 0542A7F0812998DA8F1DD3CA3CF023DB",
                "DDD0760448D42D8A43AF45AF836FCE4DE8BE06B485E9B61B827C2F13173923E0\
                 6A739F040649A667BF3B828246BAA5A5",
            ),
            (
                Hash::Sha512,
                "test",
                "A0D5D090C9980FAF3C2CE57B7AE951D31977DD11C775D314AF55F76C676447D0\
                 6FB6495CD21B4B6E340FC236584FB277",
                "976984E59B4C77B0E8E4460DCA3D9F20E07B9BB1F63BEEFAF576F6B2E8B22463\
                 4A2092CD3792E0159AD9CEE37659C736",
            ),
        ],
    };

    const A_2_7: Key = Key {
        curve: P521,
        x: "0FAD06DAA62BA3B25D2FB40133DA757205DE67F5BB0018FEE8C86E1B68C7E75C\
            AA896EB32F1F47C70855836A6D16FCC1466F6D8FBEC67DB89EC0C08B0E996B83\
            538",
        ux: "1894550D0785932E00EAA23B694F213F8C3121F86DC97A04E5A7167DB4E5BCD3\
             71123D46E45DB6B5D5370A7F20FB633155D38FFA16D2BD761DCAC474B9A2F502\
             3A4",
        uy: "0493101C962CD4D2FDDF782285E64584139C2F91B47F87FF82354D6630F746A2\
             8A0DB25741B5B34A828008B22ACC23F924FAAFBD4D33F81EA66956DFEAA2BFDF\
             CF5",
        signatures: [
            (
                Hash::Sha224,
                "sample",
                "1776331CFCDF927D666E032E00CF776187BC9FDD8E69D0DABB4109FFE1B5E2A3\
                 0715F4CC923A4A5E94D2503E9ACFED92857B7F31D7152E0F8C00C15FF3D87E2E\
                 D2E",
                "050CB5265417FE2320BBB5A122B8E1A32BD699089851128E360E620A30C7E17B\
                 A41A666AF126CE100E5799B153B60528D5300D08489CA9178FB610A2006C254B\
                 41F",
            ),
            (
                Hash::Sha256,
                "sample",
                "1511BB4D675114FE266FC4372B87682BAECC01D3CC62CF2303C92B3526012659\
                 D16876E25C7C1E57648F23B73564D67F61C6F14D527D54972810421E7D87589E\
                 1A7",
                "04A171143A83163D6DF460AAF61522695F207A58B95C0644D87E52AA1A347916\
                 E4F7A72930B1BC06DBE22CE3F58264AFD23704CBB63B29B931F7DE6C9D949A7E\
                 CFC",
            ),
            (
                Hash::Sha384,
                "sample",
                "1EA842A0E17D2DE4F92C15315C63DDF72685C18195C2BB95E572B9C5136CA4B4\
                 B576AD712A52BE9730627D16054BA40CC0B8D3FF035B12AE75168397F5D50C67\
                 451",
                "1F21A3CEE066E1961025FB048BD5FE2B7924D0CD797BABE0A83B66F1E35EEAF5\
                 FDE143FA85DC394A7DEE766523393784484BDF3E00114A1C857CDE1AA203DB65\
                 D61",
            ),
            (
                Hash::Sha512,
                "sample",
                "0C328FAFCBD79DD77850370C46325D987CB525569FB63C5D3BC53950E6D4C5F1\
                 74E25A1EE9017B5D450606ADD152B534931D7D4E8455CC91F9B15BF05EC36E37\
                 7FA",
                "0617CCE7CF5064806C467F678D3B4080D6F1CC50AF26CA209417308281B68AF2\
                 82623EAA63E5B5C0723D8B8C37FF0777B1A20F8CCB1DCCC43997F1EE0E44DA4A\
                 67A",
            ),
            (
                Hash::Sha224,
                "test",
                "1C7ED902E123E6815546065A2C4AF977B22AA8EADDB68B2C1110E7EA44D42086\
                 BFE4A34B67DDC0E17E96536E358219B23A706C6A6E16BA77B65E1C595D43CAE1\
                 7FB",
                "177336676304FCB343CE028B38E7B4FBA76C1C1B277DA18CAD2A8478B2A9A9F5\
                 BEC0F3BA04F35DB3E4263569EC6AADE8C92746E4C82F8299AE1B8F1739F8FD51\
                 9A4",
            ),
            (
                Hash::Sha256,
                "test",
                "00E871C4A14F993C6C7369501900C4BC1E9C7B0B4BA44E04868B30B41D807104\
                 2EB28C4C250411D0CE08CD197E4188EA4876F279F90B3D8D74A3C76E6F1E4656\
                 AA8",
                "0CD52DBAA33B063C3A6CD8058A1FB0A46A4754B034FCC644766CA14DA8CA5CA9\
                 FDE00E88C1AD60CCBA759025299079D7A427EC3CC5B619BFBC828E7769BCD694\
                 E86",
            ),
            (
                Hash::Sha384,
                "test",
                "14BEE21A18B6D8B3C93FAB08D43E739707953244FDBE924FA926D76669E7AC8C\
                 89DF62ED8975C2D8397A65A49DCC09F6B0AC62272741924D479354D74FF60755\
                 78C",
                "133330865C067A0EAF72362A65E2D7BC4E461E8C8995C3B6226A21BD1AA78F0E\
                 D94FE536A0DCA35534F0CD1510C41525D163FE9D74D134881E35141ED5E8E95B\
                 979",
            ),
            (
                Hash::Sha512,
                "test",
                "13E99020ABF5CEE7525D16B69B229652AB6BDF2AFFCAEF38773B4B7D08725F10\
                 CDB93482FDCC54EDCEE91ECA4166B2A7C6265EF0CE2BD7051B7CEF945BABD47E\
                 E6D",
                "1FBD0013C674AA79CB39849527916CE301C66EA7CE8B80682786AD60F98F7E78\
                 A19CA69EFF5C57400E3B3A0AD66CE0978214D13BAF4E9AC60752F7B155E2DE4D\
                 CE3",
            ),
        ],
    };

    fn check(key: &Key) -> TestResult {
        let (provider, _dir) = provider();
        let curve = key.curve;
        let scalar = fixed(key.x, curve.len);
        let pair = import(&provider, curve.pair(), ecdsa(Hash::Sha256), &scalar)?;
        let point = provider.export_public(key_ref(&pair), BINDING)?;
        let expected = [
            vec![0x04],
            fixed(key.ux, curve.len),
            fixed(key.uy, curve.len),
        ]
        .concat();
        assert_eq!(point, expected, "{curve:?} public key");
        let public = import(&provider, curve.public(), ecdsa(Hash::Sha256), &point)?;
        for (hash, message, r, s) in key.signatures {
            let context = format!("{curve:?} {hash:?} {message}");
            let input = digest(hash, message.as_bytes());
            let published = [fixed(r, curve.len), fixed(s, curve.len)].concat();
            let ours = sign(&provider, &pair, deterministic(hash), &input)?;
            assert_eq!(hex::encode(&ours), hex::encode(&published), "{context}");
            verify(&provider, &public, ecdsa(hash), &input, &published)?;
            let mut tampered = published.clone();
            tampered[curve.len + 7] ^= 0x04;
            let result = verify(&provider, &public, deterministic(hash), &input, &tampered);
            assert!(is_invalid_signature(result), "{context}");
        }
        Ok(())
    }

    #[test]
    fn p256_a_2_5_signatures_are_reproduced() -> TestResult {
        check(&A_2_5)
    }

    #[test]
    fn p384_a_2_6_signatures_are_reproduced() -> TestResult {
        check(&A_2_6)
    }

    #[test]
    fn p521_a_2_7_signatures_are_reproduced() -> TestResult {
        check(&A_2_7)
    }
}

/// secp256k1 known answers.
mod secp256k1 {
    use super::*;

    /// SEC 2 v2 §2.4.1: the generator G, the public key of the private key 1; 2G and 3G.
    #[test]
    fn public_keys_of_small_scalars_are_the_published_points() -> TestResult {
        let (provider, _dir) = provider();
        let points = [
            (
                1,
                "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798\
                 483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8",
            ),
            (
                2,
                "c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5\
                 1ae168fea63dc339a3c58419466ceaeef7f632653266d0e1236431a950cfe52a",
            ),
            (
                3,
                "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9\
                 388f7b0f632de8140fe337e62a37f3566500a99934c2231b6cb9fd7584b8e672",
            ),
        ];
        for (scalar, point) in points {
            let key = import(
                &provider,
                SECP256K1.pair(),
                ecdsa(Hash::Sha256),
                &fixed(&format!("{scalar:02x}"), 32),
            )?;
            let exported = provider.export_public(key_ref(&key), BINDING)?;
            assert_eq!(hex::encode(&exported[1..]), point, "{scalar}G");
        }
        Ok(())
    }

    /// The RFC 6979 secp256k1/SHA-256 vectors published on bitcointalk.org (topic 285142,
    /// msg3299061), also in python-ecdsa and Trezor's test suites: (d, message, r, s). They
    /// are printed in Bitcoin's low-S form; RFC 6979 and PSA do not normalize, so ours has
    /// `s' = n − s` where the plain value is the high one (both vectors below; each `plain`
    /// was computed as `k⁻¹(e + r·d) mod n` from the published nonce k).
    #[test]
    fn deterministic_signatures_match_the_published_vectors() -> TestResult {
        let (provider, _dir) = provider();
        let vectors = [
            (
                "01",
                "Satoshi Nakamoto",
                "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8",
                "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5",
                "dbbd3162d46e9f9bef7feb87c16dc13b4f6568a87f4e83f728e2443ba586675c",
            ),
            (
                "01",
                "All those moments will be lost in time, like tears in rain. Time to die...",
                "8600dbd41e348fe5c9465ab92d23e3db8b98b873beecd930736488696438cb6b",
                "547fe64427496db33bf66019dacbf0039c04199abb0122918601db38a72cfc21",
                "ab8019bbd8b6924cc4099fe625340ffb1eaac34bf4477daa39d0835429094520",
            ),
        ];
        let alg = deterministic(Hash::Sha256);
        for (d, message, r, low_s, plain_s) in vectors {
            let key = import(&provider, SECP256K1.pair(), alg, &fixed(d, 32))?;
            let hash = digest(Hash::Sha256, message.as_bytes());
            let ours = sign(&provider, &key, alg, &hash)?;
            assert_eq!(hex::encode(&ours), format!("{r}{plain_s}"), "{message}");
            // The published low-S form is the same signature: it verifies too.
            verify(
                &provider,
                &key,
                ecdsa(Hash::Sha256),
                &hash,
                &unhex(&format!("{r}{low_s}")),
            )?;
        }
        Ok(())
    }
}
