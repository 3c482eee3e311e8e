//! ECDH on P-256, P-384, P-521, secp256k1 and X25519: X25519 keys, published vectors
//! (RFC 7748, RFC 5903, SEC 2), hostile peer keys, sealed blobs, and CanDoCrypto agreeing
//! with what the operations do.

mod common;

use common::*;
use psc_provider_api::{Check, KeyLifecycle, NewKey, Provider, ProviderError, RawAgreement};
use psc_provider_software::SoftwareProvider;
use psc_psa::{
    Algorithm, AsymmetricSignature, Attributes, Cipher, EccFamily, Hash, KeyAgreement,
    KeyDerivation, KeyType, Policy, RawKeyAgreement, SecretBytes, SignHash, UsageFlags,
};

/// A curve under test: family, size, and the length of a private key and a public key.
#[derive(Clone, Copy, Debug)]
struct Curve {
    family: EccFamily,
    bits: u32,
    scalar_len: usize,
    public_len: usize,
}

const P256: Curve = weierstrass(EccFamily::SecpR1, 256, 32);
const P384: Curve = weierstrass(EccFamily::SecpR1, 384, 48);
const P521: Curve = weierstrass(EccFamily::SecpR1, 521, 66);
const SECP256K1: Curve = weierstrass(EccFamily::SecpK1, 256, 32);
const X25519: Curve = Curve {
    family: EccFamily::Montgomery,
    bits: 255,
    scalar_len: 32,
    public_len: 32,
};
const CURVES: [Curve; 5] = [P256, P384, P521, SECP256K1, X25519];

const fn weierstrass(family: EccFamily, bits: u32, scalar_len: usize) -> Curve {
    Curve {
        family,
        bits,
        scalar_len,
        public_len: 1 + 2 * scalar_len,
    }
}

const ECDH: RawKeyAgreement = RawKeyAgreement::Ecdh;

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

    fn generate(self, provider: &SoftwareProvider) -> Result<NewKey, ProviderError> {
        provider.generate(&ecdh_attributes(self.pair(), self.bits), BINDING)
    }

    /// Imports a private key with the size taken from the data.
    fn import(self, provider: &SoftwareProvider, data: &[u8]) -> Result<NewKey, ProviderError> {
        provider.import(&ecdh_attributes(self.pair(), 0), data, BINDING)
    }
}

/// A key allowed to export and to run `alg`.
fn key_attributes(key_type: KeyType, bits: u32, alg: Algorithm) -> Attributes {
    let usage_flags = UsageFlags {
        export: true,
        derive: true,
        sign_hash: true,
        verify_hash: true,
        ..UsageFlags::default()
    };
    Attributes {
        key_type,
        bits,
        policy: Policy {
            usage_flags,
            permitted_algorithm: alg,
        },
    }
}

fn ecdh_attributes(key_type: KeyType, bits: u32) -> Attributes {
    key_attributes(
        key_type,
        bits,
        Algorithm::KeyAgreement(KeyAgreement::Raw(ECDH)),
    )
}

fn agree(
    provider: &SoftwareProvider,
    key: &NewKey,
    peer: &[u8],
) -> Result<SecretBytes, ProviderError> {
    provider.raw_agreement(key_ref(key), BINDING, ECDH, peer)
}

/// The shared secret in hex.
fn agreed_hex(
    provider: &SoftwareProvider,
    key: &NewKey,
    peer: &[u8],
) -> Result<String, ProviderError> {
    Ok(hex::encode(agree(provider, key, peer)?.as_bytes()))
}

fn public_of(provider: &SoftwareProvider, key: &NewKey) -> Result<Vec<u8>, ProviderError> {
    provider.export_public(key_ref(key), BINDING)
}

fn is_invalid_argument<T: std::fmt::Debug>(result: Result<T, ProviderError>) -> bool {
    matches!(result, Err(ProviderError::InvalidArgument(_)))
}

#[test]
fn both_sides_reach_the_same_secret_on_every_curve() -> TestResult {
    let (provider, _dir) = provider();
    for curve in CURVES {
        let alice = curve.generate(&provider)?;
        let bob = curve.generate(&provider)?;
        assert_eq!(alice.attributes.bits, curve.bits);
        let (alice_public, bob_public) =
            (public_of(&provider, &alice)?, public_of(&provider, &bob)?);
        assert_eq!(alice_public.len(), curve.public_len, "{curve:?}");
        let shared = agree(&provider, &alice, &bob_public)?;
        assert_eq!(shared.len(), curve.scalar_len, "{curve:?}");
        assert_eq!(shared, agree(&provider, &bob, &alice_public)?, "{curve:?}");
        assert_ne!(
            shared,
            agree(&provider, &alice, &alice_public)?,
            "{curve:?}"
        );
        // The same secret through an exported and re-imported private key.
        let exported = provider.export(key_ref(&alice), BINDING)?;
        assert_eq!(exported.len(), curve.scalar_len);
        let again = curve.import(&provider, &exported)?;
        assert_eq!(agree(&provider, &again, &bob_public)?, shared, "{curve:?}");
        assert_eq!(public_of(&provider, &again)?, alice_public);
    }
    Ok(())
}

#[test]
fn a_public_key_cannot_agree() -> TestResult {
    let (provider, _dir) = provider();
    for curve in CURVES {
        let key = curve.generate(&provider)?;
        let point = public_of(&provider, &key)?;
        let public = provider.import(&ecdh_attributes(curve.public(), 0), &point, BINDING)?;
        assert_eq!(public.attributes.bits, curve.bits);
        assert_eq!(
            provider.export(key_ref(&public), BINDING)?.as_bytes(),
            point.as_slice()
        );
        assert!(
            is_invalid_argument(agree(&provider, &public, &point)),
            "{curve:?}"
        );
        // FFDH needs a Diffie-Hellman key.
        let ffdh = provider.raw_agreement(key_ref(&key), BINDING, RawKeyAgreement::Ffdh, &point);
        assert!(is_invalid_argument(ffdh), "{curve:?}");
    }
    Ok(())
}

#[test]
fn hostile_peer_keys_are_invalid_arguments() -> TestResult {
    let (provider, _dir) = provider();
    for curve in [P256, P384, P521, SECP256K1] {
        let key = curve.generate(&provider)?;
        let point = public_of(&provider, &key)?;
        let len = curve.scalar_len;
        let mut off_curve = point.clone();
        off_curve[2 * len] ^= 0x01;
        let compressed = [&[0x02 | (point[2 * len] & 1)][..], &point[1..=len]].concat();
        let mut spki_like = vec![0x30];
        spki_like.extend_from_slice(&point[1..]);
        let bad = [
            off_curve,
            compressed,
            spki_like,
            vec![0x04; curve.public_len],
            [vec![0x04], vec![0; 2 * len]].concat(),
            point[..curve.public_len - 1].to_vec(),
            [point.clone(), vec![0]].concat(),
            vec![0x04],
            vec![],
        ];
        for peer in bad {
            let result = agree(&provider, &key, &peer);
            assert!(is_invalid_argument(result), "{curve:?} {peer:02x?}");
        }
        // Another curve's point.
        for other in [P256, P384, P521] {
            if other.scalar_len != len {
                let peer = public_of(&provider, &other.generate(&provider)?)?;
                assert!(
                    is_invalid_argument(agree(&provider, &key, &peer)),
                    "{curve:?}"
                );
            }
        }
    }
    Ok(())
}

/// X25519 points of small order (RFC 7748 §6.1's all-zero check): 0, 1, the two points of
/// order 8, and p − 1, p, p + 1 (little-endian).
const SMALL_ORDER: [&str; 7] = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
];

#[test]
fn x25519_refuses_small_order_and_misshapen_peers() -> TestResult {
    let (provider, _dir) = provider();
    let key = X25519.generate(&provider)?;
    for point in SMALL_ORDER {
        let peer = unhex(point);
        assert!(
            is_invalid_argument(agree(&provider, &key, &peer)),
            "{point}"
        );
        let import = provider.import(&ecdh_attributes(X25519.public(), 0), &peer, BINDING);
        assert!(is_invalid_argument(import), "{point}");
    }
    let public = public_of(&provider, &key)?;
    for peer in [
        vec![],
        vec![9],
        public[..31].to_vec(),
        [public.clone(), vec![0]].concat(),
    ] {
        assert!(
            is_invalid_argument(agree(&provider, &key, &peer)),
            "{peer:02x?}"
        );
    }
    Ok(())
}

#[test]
fn x25519_keys_are_clamped_little_endian_scalars() -> TestResult {
    let (provider, _dir) = provider();
    for _ in 0..8 {
        let key = X25519.generate(&provider)?;
        let scalar = provider.export(key_ref(&key), BINDING)?;
        assert_eq!(scalar.len(), 32);
        assert_eq!(scalar[0] & 0x07, 0, "low bits cleared");
        assert_eq!(scalar[31] & 0xc0, 0x40, "bit 255 clear, bit 254 set");
    }
    // Any 32 bytes import; the export has the forced bits set, and agrees the same.
    let raw = [0xffu8; 32];
    let key = X25519.import(&provider, &raw)?;
    let exported = provider.export(key_ref(&key), BINDING)?;
    let mut clamped = raw;
    clamped[0] = 0xf8;
    clamped[31] = 0x7f;
    assert_eq!(exported.as_bytes(), clamped);
    let peer = public_of(&provider, &X25519.generate(&provider)?)?;
    let again = X25519.import(&provider, &clamped)?;
    assert_eq!(
        agree(&provider, &key, &peer)?,
        agree(&provider, &again, &peer)?
    );
    // Wrong sizes (56 bytes is X448: below).
    for len in [0, 31, 33, 64] {
        assert!(
            is_invalid_argument(X25519.import(&provider, &vec![1; len])),
            "{len}"
        );
    }
    let x448 = X25519.import(&provider, &[1; 56])?;
    assert_eq!(x448.attributes.bits, 448);
    Ok(())
}

#[test]
fn x25519_keys_do_not_sign() -> TestResult {
    let (provider, _dir) = provider();
    let key = X25519.generate(&provider)?;
    let alg = ecdsa(Hash::Sha256);
    assert!(is_invalid_argument(sign(&provider, &key, alg, &[1; 32])));
    let result = verify(&provider, &key, alg, &[1; 32], &[1; 64]);
    assert!(is_invalid_argument(result));
    // Nor do X448 keys (issue 22 item 3).
    let x448 = provider.generate(&ecdh_attributes(X25519.pair(), 448), BINDING)?;
    assert!(is_invalid_argument(sign(&provider, &x448, alg, &[1; 32])));
    let result = verify(&provider, &x448, alg, &[1; 32], &[1; 112]);
    assert!(is_invalid_argument(result));
    Ok(())
}

#[test]
fn the_sealed_blob_never_holds_the_private_key() -> TestResult {
    let (provider, _dir) = provider();
    for curve in CURVES {
        for _ in 0..4 {
            let key = curve.generate(&provider)?;
            let scalar = provider.export(key_ref(&key), BINDING)?;
            let half = curve.scalar_len / 2;
            for window in [
                &scalar[..],
                &scalar[..half],
                &scalar[half..],
                &scalar[4..16],
            ] {
                let found = key.blob.windows(window.len()).any(|w| w == window);
                assert!(!found, "{curve:?}: blob holds part of the private key");
            }
        }
    }
    Ok(())
}

/// RFC 7748 §5.2 (scalar multiplication) and §6.1 (Alice and Bob).
mod rfc7748 {
    use super::*;

    #[test]
    fn section_5_2_vectors() -> TestResult {
        let (provider, _dir) = provider();
        let vectors = [
            (
                "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
                "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
                "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
            ),
            (
                "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
                "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
                "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
            ),
        ];
        for (scalar, u, output) in vectors {
            let key = X25519.import(&provider, &unhex(scalar))?;
            assert_eq!(agreed_hex(&provider, &key, &unhex(u))?, output);
        }
        Ok(())
    }

    #[test]
    fn section_6_1_alice_and_bob() -> TestResult {
        let (provider, _dir) = provider();
        let alice = X25519.import(
            &provider,
            &unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"),
        )?;
        let bob = X25519.import(
            &provider,
            &unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"),
        )?;
        let alice_public = public_of(&provider, &alice)?;
        let bob_public = public_of(&provider, &bob)?;
        assert_eq!(
            hex::encode(&alice_public),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"
        );
        assert_eq!(
            hex::encode(&bob_public),
            "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f"
        );
        let shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assert_eq!(agreed_hex(&provider, &alice, &bob_public)?, shared);
        assert_eq!(agreed_hex(&provider, &bob, &alice_public)?, shared);
        // The public keys import as MONTGOMERY 255 public keys.
        let public = provider.import(&ecdh_attributes(X25519.public(), 0), &bob_public, BINDING)?;
        assert_eq!(public.attributes.bits, 255);
        Ok(())
    }
}

/// RFC 5903 §8 (ECDH on the NIST curves): initiator i, responder r, shared x-coordinate.
mod rfc5903 {
    use super::*;

    fn check(curve: Curve, i: &str, r: &str, shared: &str) -> TestResult {
        let (provider, _dir) = provider();
        let initiator = curve.import(&provider, &unhex(i))?;
        let responder = curve.import(&provider, &unhex(r))?;
        let (gi, gr) = (
            public_of(&provider, &initiator)?,
            public_of(&provider, &responder)?,
        );
        assert_eq!(agreed_hex(&provider, &initiator, &gr)?, shared);
        assert_eq!(agreed_hex(&provider, &responder, &gi)?, shared);
        Ok(())
    }

    #[test]
    fn section_8_1_p256() -> TestResult {
        let (provider, _dir) = provider();
        let i = P256.import(
            &provider,
            &unhex("c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433"),
        )?;
        assert_eq!(
            hex::encode(public_of(&provider, &i)?),
            "04dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180\
             5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3"
        );
        let gr = unhex(
            "04d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63\
             56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab",
        );
        assert_eq!(
            agreed_hex(&provider, &i, &gr)?,
            "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de"
        );
        check(
            P256,
            "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
            "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53",
            "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de",
        )
    }

    #[test]
    fn section_8_2_p384() -> TestResult {
        check(
            P384,
            "099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655\
             e35b538041e649ee3faef896783ab194",
            "41cb0779b4bdb85d47846725fbec3c9430fab46cc8dc5060855cc9bda0aa2942\
             e0308312916b8ed2960e4bd55a7448fc",
            "11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4\
             d603135569b9e9d09cf5d4a270f59746",
        )
    }

    #[test]
    fn section_8_3_p521() -> TestResult {
        check(
            P521,
            "0037ade9319a89f4dabdb3ef411aaccca5123c61acab57b5393dce47608172a0\
             95aa85a30fe1c2952c6771d937ba9777f5957b2639bab072462f68c27a57382d\
             4a52",
            "0145ba99a847af43793fdd0e872e7cdfa16be30fdc780f97bccc3f078380201e\
             9c677d600b343757a3bdbf2a3163e4c2f869cca7458aa4a4effc311f5cb15168\
             5eb9",
            "01144c7d79ae6956bc8edb8e7c787c4521cb086fa64407f97894e5e6b2d79b04\
             d1427e73ca4baa240a34786859810c06b3c715a3a8cc3151f2bee417996d19f3\
             ddea",
        )
    }
}

/// secp256k1 ECDH against SEC 2's generator: d·(e·G) has the x-coordinate of (d·e)·G.
#[test]
fn secp256k1_known_answers() -> TestResult {
    let (provider, _dir) = provider();
    let g = unhex(
        "0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798\
         483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8",
    );
    let scalar = |d: u8| [vec![0; 31], vec![d]].concat();
    let two = SECP256K1.import(&provider, &scalar(2))?;
    let three = SECP256K1.import(&provider, &scalar(3))?;
    let x_2g = "c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5";
    let x_3g = "f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9";
    assert_eq!(agreed_hex(&provider, &two, &g)?, x_2g);
    assert_eq!(agreed_hex(&provider, &three, &g)?, x_3g);
    let shared = agree(&provider, &two, &public_of(&provider, &three)?)?;
    assert_eq!(
        shared,
        agree(&provider, &three, &public_of(&provider, &two)?)?
    );
    Ok(())
}

/// CanDoCrypto must answer exactly what the operations do: swept over curve families and
/// sizes (supported or not), key pairs and public keys, and algorithms of every kind.
mod can_do {
    use super::*;

    fn families() -> Vec<(EccFamily, u32)> {
        let mut cases = Vec::new();
        for family in [
            EccFamily::SecpR1,
            EccFamily::SecpK1,
            EccFamily::Montgomery,
            EccFamily::BrainpoolPR1,
            EccFamily::SectK1,
            EccFamily::Frp,
        ] {
            cases.extend(family.curve_bits().iter().map(|bits| (family, *bits)));
        }
        cases
    }

    fn algorithms() -> Vec<Algorithm> {
        let mut algs = Vec::new();
        let hashes = Hash::ALL.iter().map(|hash| SignHash::Specific(*hash));
        for hash in hashes.chain([SignHash::Any]) {
            algs.push(AsymmetricSignature::Ecdsa { hash });
            algs.push(AsymmetricSignature::DeterministicEcdsa { hash });
        }
        let sha256 = SignHash::Specific(Hash::Sha256);
        algs.extend([
            AsymmetricSignature::EcdsaAny,
            AsymmetricSignature::RsaPkcs1v15Sign { hash: sha256 },
            AsymmetricSignature::RsaPss { hash: sha256 },
            AsymmetricSignature::RsaPkcs1v15SignRaw,
        ]);
        let mut algs: Vec<Algorithm> = algs
            .into_iter()
            .map(Algorithm::AsymmetricSignature)
            .collect();
        let hkdf = KeyDerivation::Hkdf { hash: Hash::Sha256 };
        algs.extend([
            Algorithm::KeyAgreement(KeyAgreement::Raw(ECDH)),
            Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ffdh)),
            Algorithm::KeyAgreement(KeyAgreement::WithKeyDerivation {
                agreement: ECDH,
                derivation: hkdf,
            }),
            Algorithm::KeyDerivation(hkdf),
            Algorithm::Cipher(Cipher::CbcPkcs7),
            Algorithm::Hash(Hash::Sha256),
            Algorithm::None,
        ]);
        algs
    }

    /// The operation `alg` names, on a key pair of `(family, bits)` or on its public key.
    /// The policy wildcard is exercised with SHA-256, as an operation must name a hash.
    fn runs(
        provider: &SoftwareProvider,
        family: EccFamily,
        bits: u32,
        public: bool,
        alg: Algorithm,
    ) -> bool {
        let pair_type = KeyType::EccKeyPair {
            curve_family: family,
        };
        let Ok(pair) = provider.generate(&key_attributes(pair_type, bits, alg), BINDING) else {
            return false;
        };
        let key = if public {
            let Ok(point) = public_of(provider, &pair) else {
                return false;
            };
            let public_type = KeyType::EccPublicKey {
                curve_family: family,
            };
            match provider.import(&key_attributes(public_type, 0, alg), &point, BINDING) {
                Ok(key) => key,
                Err(_) => return false,
            }
        } else {
            pair.clone()
        };
        match alg {
            Algorithm::AsymmetricSignature(sig) => {
                let sig = match sig.sign_hash() {
                    Some(SignHash::Any) => with_sha256(sig),
                    _ => sig,
                };
                let input = match sig.sign_hash().and_then(SignHash::specific) {
                    Some(hash) => vec![0x5a; hash.digest_len()],
                    None => vec![0x5a; 32],
                };
                let Ok(signature) = sign(provider, &pair, sig, &input) else {
                    return false;
                };
                verify(provider, &key, sig, &input, &signature).is_ok()
            }
            Algorithm::KeyAgreement(KeyAgreement::Raw(raw)) => {
                let Ok(peer) = public_of(provider, &pair) else {
                    return false;
                };
                provider
                    .raw_agreement(key_ref(&key), BINDING, raw, &peer)
                    .is_ok()
            }
            // No other operation takes an elliptic-curve key.
            _ => false,
        }
    }

    fn with_sha256(sig: AsymmetricSignature) -> AsymmetricSignature {
        let hash = SignHash::Specific(Hash::Sha256);
        match sig {
            AsymmetricSignature::Ecdsa { .. } => AsymmetricSignature::Ecdsa { hash },
            AsymmetricSignature::DeterministicEcdsa { .. } => {
                AsymmetricSignature::DeterministicEcdsa { hash }
            }
            AsymmetricSignature::RsaPkcs1v15Sign { .. } => {
                AsymmetricSignature::RsaPkcs1v15Sign { hash }
            }
            AsymmetricSignature::RsaPss { .. } => AsymmetricSignature::RsaPss { hash },
            other => other,
        }
    }

    #[test]
    fn use_answers_match_the_operations() {
        let (provider, _dir) = provider();
        let mut checked = 0;
        for public in [false, true] {
            for alg in algorithms() {
                let mut by_family: Vec<(EccFamily, bool)> = Vec::new();
                for (family, bits) in families() {
                    let ran = runs(&provider, family, bits, public, alg);
                    let key_type = if public {
                        KeyType::EccPublicKey {
                            curve_family: family,
                        }
                    } else {
                        KeyType::EccKeyPair {
                            curve_family: family,
                        }
                    };
                    let answer = provider.can_do(Check::Use, &key_attributes(key_type, bits, alg));
                    assert_eq!(
                        answer.is_ok(),
                        ran,
                        "{key_type:?} {bits} {alg:?}: {answer:?}"
                    );
                    by_family.push((family, ran));
                    checked += 1;
                }
                // Size 0 means "any size": some size of the family runs it.
                for (family, _) in families() {
                    let any = by_family.iter().any(|(f, ran)| *f == family && *ran);
                    let key_type = if public {
                        KeyType::EccPublicKey {
                            curve_family: family,
                        }
                    } else {
                        KeyType::EccKeyPair {
                            curve_family: family,
                        }
                    };
                    let answer = provider.can_do(Check::Use, &key_attributes(key_type, 0, alg));
                    assert_eq!(answer.is_ok(), any, "{key_type:?} any size {alg:?}");
                }
            }
        }
        assert!(checked > 500, "{checked} cases");
    }

    /// Generate and Import answer whether the key can be created and then run its permitted
    /// algorithm (`None` permits nothing and is always fine to create): a public key whose
    /// policy names ECDH imports, but no operation here can use it, so the answer is no.
    #[test]
    fn generate_and_import_answers_match_the_operations() -> TestResult {
        let (provider, _dir) = provider();
        let algs = [
            Algorithm::None,
            Algorithm::KeyAgreement(KeyAgreement::Raw(ECDH)),
            Algorithm::AsymmetricSignature(ecdsa(Hash::Sha256)),
            Algorithm::AsymmetricSignature(AsymmetricSignature::EcdsaAny),
            Algorithm::AsymmetricSignature(ecdsa(Hash::Sha3_256)),
        ];
        for (family, bits) in families() {
            for alg in algs {
                check_creation(&provider, family, bits, alg)?;
            }
        }
        Ok(())
    }

    fn check_creation(
        provider: &SoftwareProvider,
        family: EccFamily,
        bits: u32,
        alg: Algorithm,
    ) -> TestResult {
        let pair_type = KeyType::EccKeyPair {
            curve_family: family,
        };
        let public_type = KeyType::EccPublicKey {
            curve_family: family,
        };
        let usable = |public| alg == Algorithm::None || runs(provider, family, bits, public, alg);
        let generated = provider.generate(&key_attributes(pair_type, bits, alg), BINDING);
        let answer = provider.can_do(Check::Generate, &key_attributes(pair_type, bits, alg));
        let context = format!("{family:?} {bits} {alg:?}");
        assert_eq!(
            answer.is_ok(),
            generated.is_ok() && usable(false),
            "generate {context}"
        );
        let answer = provider.can_do(Check::Generate, &key_attributes(public_type, bits, alg));
        assert!(answer.is_err(), "generate a public key {context}");
        assert!(
            provider
                .generate(&key_attributes(public_type, bits, alg), BINDING)
                .is_err()
        );

        // Valid key data where the curve is supported, data of the PSA size where it is not.
        let (scalar, point) = match &generated {
            Ok(key) => {
                let scalar = provider.export(key_ref(key), BINDING)?;
                (scalar.as_bytes().to_vec(), public_of(provider, key)?)
            }
            Err(_) => {
                let len = bits.div_ceil(8) as usize;
                let montgomery = family == EccFamily::Montgomery;
                (
                    vec![1; len],
                    vec![4; if montgomery { len } else { 1 + 2 * len }],
                )
            }
        };
        for (key_type, data, public) in [(pair_type, scalar, false), (public_type, point, true)] {
            let imported = provider.import(&key_attributes(key_type, bits, alg), &data, BINDING);
            let answer = provider.can_do(Check::Import, &key_attributes(key_type, bits, alg));
            let expected = imported.is_ok() && usable(public);
            assert_eq!(answer.is_ok(), expected, "import {key_type:?} {context}");
        }
        Ok(())
    }
}
