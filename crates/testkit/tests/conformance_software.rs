//! The provider conformance suite against the software provider.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use psc_provider_software::SoftwareProvider;

/// A software provider with a master key in a per-process temporary directory.
fn software() -> SoftwareProvider {
    let dir = std::env::temp_dir().join(format!("psc-conformance-{}", std::process::id()));
    SoftwareProvider::open(&dir.join("master.key")).expect("the software provider opens")
}

psc_testkit::provider_conformance!(software_provider, software);

/// What the software provider must support (issue 4's coverage list): CanDoCrypto says so,
/// and the conformance checks above then prove each of these works end to end.
mod required_coverage {
    use psc_provider_api::{Check, Provider};
    use psc_psa::{
        Aead, AeadAlg, Algorithm, AsymmetricEncryption, AsymmetricSignature, Attributes, Cipher,
        EccFamily, FullLengthMac, Hash, KeyAgreement, KeyType, Mac, Policy, RawKeyAgreement,
        SignHash, UsageFlags,
    };

    use super::software;

    fn cell(key_type: KeyType, bits: u32, alg: Algorithm) -> Attributes {
        let policy = Policy {
            usage_flags: UsageFlags::default(),
            permitted_algorithm: alg,
        };
        Attributes {
            key_type,
            bits,
            policy,
        }
    }

    fn assert_supported(provider: &dyn Provider, cells: &[Attributes]) {
        for attributes in cells {
            let created = if attributes.key_type.is_public_key() {
                Check::Import
            } else {
                Check::Generate
            };
            for check in [created, Check::Use] {
                assert!(
                    provider.can_do(check, attributes).is_ok(),
                    "{check:?} {attributes:?}"
                );
            }
        }
    }

    #[test]
    fn signatures_and_encryption() {
        let sha256 = SignHash::Specific(Hash::Sha256);
        let sig = |alg| Algorithm::AsymmetricSignature(alg);
        let mut cells = Vec::new();
        for bits in [2048, 3072, 4096] {
            for alg in [
                sig(AsymmetricSignature::RsaPkcs1v15Sign { hash: sha256 }),
                sig(AsymmetricSignature::RsaPss { hash: sha256 }),
                Algorithm::AsymmetricEncryption(AsymmetricEncryption::RsaPkcs1v15Crypt),
                Algorithm::AsymmetricEncryption(AsymmetricEncryption::RsaOaep {
                    hash: Hash::Sha256,
                }),
            ] {
                cells.push(cell(KeyType::RsaKeyPair, bits, alg));
            }
        }
        let ecdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh));
        for (curve_family, bits) in [
            (EccFamily::SecpR1, 256),
            (EccFamily::SecpR1, 384),
            (EccFamily::SecpR1, 521),
            (EccFamily::SecpK1, 256),
        ] {
            let pair = KeyType::EccKeyPair { curve_family };
            cells.push(cell(
                pair,
                bits,
                sig(AsymmetricSignature::Ecdsa { hash: sha256 }),
            ));
            cells.push(cell(
                pair,
                bits,
                sig(AsymmetricSignature::DeterministicEcdsa { hash: sha256 }),
            ));
            cells.push(cell(pair, bits, ecdh));
        }
        cells.push(cell(
            KeyType::EccKeyPair {
                curve_family: EccFamily::Montgomery,
            },
            255,
            ecdh,
        ));
        assert_supported(&software(), &cells);
    }

    /// Issue 22 items 1 and 2: the original answers Ok to CanDoCrypto for RSA PKCS#1 v1.5
    /// and PSS with every hash PSA names but MD2 and MD4, and for the raw PKCS#1 v1.5
    /// signature, at 1024, 2048, 3072 and 4096 bits; and for ECDSA with those hashes.
    #[test]
    fn every_signature_hash_at_every_rsa_size() {
        let sig = Algorithm::AsymmetricSignature;
        let hashes: Vec<Hash> = Hash::ALL
            .iter()
            .copied()
            .filter(|hash| !matches!(hash, Hash::Md2 | Hash::Md4))
            .collect();
        let mut cells = Vec::new();
        for bits in [1024, 2048, 3072, 4096] {
            for hash in &hashes {
                let hash = SignHash::Specific(*hash);
                for alg in [
                    AsymmetricSignature::RsaPkcs1v15Sign { hash },
                    AsymmetricSignature::RsaPss { hash },
                ] {
                    cells.push(cell(KeyType::RsaKeyPair, bits, sig(alg)));
                    cells.push(cell(KeyType::RsaPublicKey, bits, sig(alg)));
                }
            }
            let raw = sig(AsymmetricSignature::RsaPkcs1v15SignRaw);
            cells.push(cell(KeyType::RsaKeyPair, bits, raw));
            cells.push(cell(KeyType::RsaPublicKey, bits, raw));
            for enc in [
                AsymmetricEncryption::RsaPkcs1v15Crypt,
                AsymmetricEncryption::RsaOaep { hash: Hash::Sha256 },
            ] {
                cells.push(cell(
                    KeyType::RsaKeyPair,
                    bits,
                    Algorithm::AsymmetricEncryption(enc),
                ));
            }
        }
        for (curve_family, bits) in [
            (EccFamily::SecpR1, 256),
            (EccFamily::SecpR1, 384),
            (EccFamily::SecpR1, 521),
            (EccFamily::SecpK1, 256),
        ] {
            for hash in &hashes {
                let hash = SignHash::Specific(*hash);
                for alg in [
                    AsymmetricSignature::Ecdsa { hash },
                    AsymmetricSignature::DeterministicEcdsa { hash },
                ] {
                    cells.push(cell(KeyType::EccKeyPair { curve_family }, bits, sig(alg)));
                }
            }
        }
        // Issue 22 item 3: the curves OpenSSL serves, randomized ECDSA (every hash) and ECDH.
        let ecdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh));
        for (curve_family, bits) in [
            (EccFamily::SecpR1, 192),
            (EccFamily::SecpR1, 224),
            (EccFamily::BrainpoolPR1, 256),
            (EccFamily::BrainpoolPR1, 384),
            (EccFamily::BrainpoolPR1, 512),
            (EccFamily::SecpK1, 192),
            (EccFamily::BrainpoolPR1, 160),
            (EccFamily::BrainpoolPR1, 192),
            (EccFamily::BrainpoolPR1, 224),
            (EccFamily::BrainpoolPR1, 320),
        ] {
            let pair = KeyType::EccKeyPair { curve_family };
            cells.push(cell(pair, bits, ecdh));
            for hash in &hashes {
                let hash = SignHash::Specific(*hash);
                cells.push(cell(pair, bits, sig(AsymmetricSignature::Ecdsa { hash })));
            }
        }
        assert_supported(&software(), &cells);
        // MD2 and MD4: no engine has them; NotSupported, as CanDoCrypto and the operation
        // agree (the conformance checks above run the operation).
        let md2 = SignHash::Specific(Hash::Md2);
        let alg = sig(AsymmetricSignature::RsaPkcs1v15Sign { hash: md2 });
        let refused = software().can_do(Check::Use, &cell(KeyType::RsaKeyPair, 2048, alg));
        assert!(matches!(
            refused,
            Err(psc_provider_api::ProviderError::NotSupported(_))
        ));
    }

    /// Issue 22 items 3 and 4: X448, finite-field Diffie-Hellman on every RFC 7919 group,
    /// Camellia with GCM, CCM and the unauthenticated modes.
    #[test]
    fn x448_ffdh_and_camellia() {
        let ecdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh));
        let ffdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ffdh));
        let montgomery = KeyType::EccKeyPair {
            curve_family: EccFamily::Montgomery,
        };
        let mut cells = vec![cell(montgomery, 448, ecdh)];
        let dh = KeyType::DhKeyPair {
            group_family: psc_psa::DhFamily::Rfc7919,
        };
        for bits in [2048, 3072, 4096, 6144, 8192] {
            cells.push(cell(dh, bits, ffdh));
        }
        for bits in [128, 192, 256] {
            for aead in [AeadAlg::Gcm, AeadAlg::Ccm] {
                let short = Aead::ShortenedTag {
                    aead,
                    tag_length: 8,
                };
                for alg in [Aead::DefaultTag(aead), short] {
                    cells.push(cell(KeyType::Camellia, bits, Algorithm::Aead(alg)));
                }
            }
            for mode in [Cipher::Ctr, Cipher::CbcPkcs7, Cipher::EcbNoPadding] {
                cells.push(cell(KeyType::Camellia, bits, Algorithm::Cipher(mode)));
            }
        }
        assert_supported(&software(), &cells);
    }

    #[test]
    fn symmetric() {
        let mut cells = Vec::new();
        for bits in [128, 192, 256] {
            for aead in [AeadAlg::Gcm, AeadAlg::Ccm] {
                cells.push(cell(
                    KeyType::Aes,
                    bits,
                    Algorithm::Aead(Aead::DefaultTag(aead)),
                ));
                let short = Aead::ShortenedTag {
                    aead,
                    tag_length: 8,
                };
                cells.push(cell(KeyType::Aes, bits, Algorithm::Aead(short)));
            }
            for mode in [
                Cipher::Ctr,
                Cipher::CbcNoPadding,
                Cipher::CbcPkcs7,
                Cipher::Cfb,
                Cipher::Ofb,
                Cipher::EcbNoPadding,
            ] {
                cells.push(cell(KeyType::Aes, bits, Algorithm::Cipher(mode)));
            }
            cells.push(cell(
                KeyType::Aes,
                bits,
                Algorithm::Mac(Mac::FullLength(FullLengthMac::Cmac)),
            ));
        }
        let chacha = Aead::DefaultTag(AeadAlg::Chacha20Poly1305);
        cells.push(cell(KeyType::Chacha20, 256, Algorithm::Aead(chacha)));
        for hash in [
            Hash::Sha224,
            Hash::Sha256,
            Hash::Sha384,
            Hash::Sha512,
            Hash::Sha3_224,
            Hash::Sha3_256,
            Hash::Sha3_384,
            Hash::Sha3_512,
        ] {
            let hmac = FullLengthMac::Hmac { hash };
            cells.push(cell(
                KeyType::Hmac,
                256,
                Algorithm::Mac(Mac::FullLength(hmac)),
            ));
            cells.push(cell(
                KeyType::Hmac,
                256,
                Algorithm::Mac(Mac::Truncated {
                    mac: hmac,
                    length: 16,
                }),
            ));
        }
        for key_type in [KeyType::RawData, KeyType::Derive] {
            assert!(
                software()
                    .can_do(Check::Generate, &cell(key_type, 256, Algorithm::None))
                    .is_ok()
            );
        }
        assert_supported(&software(), &cells);
    }

    #[test]
    fn hashes() {
        let provider = software();
        let hasher = provider.hash().expect("hashes");
        for hash in [
            Hash::Md5,
            Hash::Ripemd160,
            Hash::Sha1,
            Hash::Sha224,
            Hash::Sha256,
            Hash::Sha384,
            Hash::Sha512,
            Hash::Sha512_224,
            Hash::Sha512_256,
            Hash::Sha3_224,
            Hash::Sha3_256,
            Hash::Sha3_384,
            Hash::Sha3_512,
        ] {
            assert_eq!(
                hasher.compute(hash, b"abc").expect("supported").len(),
                hash.digest_len()
            );
        }
    }
}

/// Every known-answer vector of the suite applies to the software provider: none may be
/// skipped silently.
#[test]
fn every_known_answer_vector_runs() {
    assert_eq!(psc_testkit::conformance::known_answers(&software()), 6);
}
