use super::*;
use crate::{Aead, Hash, KeyDerivation, Policy, SignHash};

const SHA256: SignHash = SignHash::Specific(Hash::Sha256);

fn key(key_type: KeyType, bits: u32, usage_flags: UsageFlags, alg: Algorithm) -> Attributes {
    Attributes {
        key_type,
        bits,
        policy: Policy {
            usage_flags,
            permitted_algorithm: alg,
        },
    }
}

fn p256_signing(hash: SignHash) -> Attributes {
    Attributes::signing_key(
        KeyType::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        },
        256,
        AsymmetricSignature::Ecdsa { hash },
    )
}

#[test]
fn checks_run_in_order_usage_then_policy_then_fit() {
    let ecdsa = AsymmetricSignature::Ecdsa { hash: SHA256 };
    let no_flags = key(
        KeyType::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        },
        256,
        UsageFlags::default(),
        Algorithm::AsymmetricSignature(ecdsa),
    );
    assert_eq!(
        no_flags.check_sign_hash(ecdsa, &[0; 32]),
        Err(PolicyError::UsageNotAllowed(Usage::SignHash))
    );
    let other = AsymmetricSignature::DeterministicEcdsa { hash: SHA256 };
    assert_eq!(
        p256_signing(SHA256).check_sign_hash(other, &[0; 32]),
        Err(PolicyError::AlgorithmNotPermitted)
    );
    assert_eq!(
        p256_signing(SHA256).check_sign_hash(ecdsa, &[0; 31]),
        Err(PolicyError::InvalidLength {
            expected: 32,
            actual: 31
        })
    );
    assert_eq!(
        p256_signing(SHA256).check_sign_hash(ecdsa, &[0; 32]),
        Ok(())
    );
}

#[test]
fn wildcard_policy_permits_specific_hash_operations() {
    let key = p256_signing(SignHash::Any);
    let sha384 = AsymmetricSignature::Ecdsa {
        hash: SignHash::Specific(Hash::Sha384),
    };
    assert_eq!(key.check_sign_hash(sha384, &[0; 48]), Ok(()));
    let any = AsymmetricSignature::Ecdsa {
        hash: SignHash::Any,
    };
    assert_eq!(
        key.check_sign_hash(any, &[0; 48]),
        Err(PolicyError::AlgorithmNotPermitted)
    );
}

#[test]
fn hash_flags_imply_message_flags() {
    let flags = UsageFlags {
        sign_hash: true,
        ..UsageFlags::default()
    };
    assert!(flags.allows(Usage::SignMessage));
    assert!(!flags.allows(Usage::VerifyMessage));
    let message_only = UsageFlags {
        sign_message: true,
        ..UsageFlags::default()
    };
    assert!(!message_only.allows(Usage::SignHash));
}

#[test]
fn none_policy_permits_nothing() {
    let flags = UsageFlags {
        encrypt: true,
        ..UsageFlags::default()
    };
    let aes = key(KeyType::Aes, 128, flags, Algorithm::None);
    assert_eq!(
        aes.check_use(Usage::Encrypt, Algorithm::None),
        Err(PolicyError::AlgorithmNotPermitted)
    );
}

#[test]
fn algorithms_fit_their_key_types() {
    let gcm = Algorithm::Aead(Aead::DefaultTag(AeadAlg::Gcm));
    let chacha = Algorithm::Aead(Aead::DefaultTag(AeadAlg::Chacha20Poly1305));
    let ecdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh));
    let ecdsa = Algorithm::AsymmetricSignature(AsymmetricSignature::Ecdsa { hash: SHA256 });
    let hmac = Algorithm::Mac(Mac::FullLength(FullLengthMac::Hmac { hash: Hash::Sha256 }));
    let oaep =
        Algorithm::AsymmetricEncryption(AsymmetricEncryption::RsaOaep { hash: Hash::Sha256 });
    let x25519 = KeyType::EccKeyPair {
        curve_family: EccFamily::Montgomery,
    };
    let p256 = KeyType::EccKeyPair {
        curve_family: EccFamily::SecpR1,
    };
    let cases = [
        (KeyType::Aes, 128, gcm, true),
        (KeyType::Aes, 128, chacha, false),
        (KeyType::Chacha20, 256, chacha, true),
        (KeyType::Des, 64, gcm, false),
        (p256, 256, ecdsa, true),
        (p256, 256, ecdh, true),
        (x25519, 255, ecdh, true),
        (x25519, 255, ecdsa, false),
        (KeyType::Hmac, 256, hmac, true),
        (KeyType::Aes, 128, hmac, false),
        (KeyType::RsaKeyPair, 2048, oaep, true),
        (KeyType::RsaKeyPair, 2048, ecdsa, false),
        (KeyType::RawData, 256, hmac, false),
        (
            KeyType::Derive,
            256,
            Algorithm::KeyDerivation(KeyDerivation::Hkdf { hash: Hash::Sha256 }),
            true,
        ),
    ];
    for (key_type, bits, alg, fits) in cases {
        let attributes = key(key_type, bits, UsageFlags::default(), alg);
        assert_eq!(
            attributes.is_compatible_with(alg),
            fits,
            "{key_type:?} {bits} {alg:?}"
        );
    }
}

#[test]
fn algorithm_sizes_must_fit_the_key() {
    let pss512 = Algorithm::AsymmetricSignature(AsymmetricSignature::RsaPss {
        hash: SignHash::Specific(Hash::Sha512),
    });
    let rsa = |bits| key(KeyType::RsaKeyPair, bits, UsageFlags::default(), pss512);
    // RSA-1024 takes PSS with SHA-512 with a 62-byte salt (as the original's Mbed TLS);
    // a 1016-bit key has no room for a salt of at least 62 bytes.
    assert!(rsa(1024).is_compatible_with(pss512));
    assert!(!rsa(1016).is_compatible_with(pss512));
    assert!(rsa(2048).is_compatible_with(pss512));
    let short = |aead, tag_length| {
        let alg = Algorithm::Aead(Aead::ShortenedTag { aead, tag_length });
        let attributes = key(KeyType::Aes, 128, UsageFlags::default(), alg);
        let Algorithm::Aead(aead) = alg else {
            unreachable!()
        };
        // A tag length the construction lacks still fits the key (the original imports
        // such a key); it is refused when the key is used.
        assert!(attributes.is_compatible_with(alg));
        aead.has_valid_tag()
    };
    assert!(short(AeadAlg::Gcm, 12));
    assert!(!short(AeadAlg::Gcm, 6));
    assert!(!short(AeadAlg::Gcm, 17));
    assert!(short(AeadAlg::Ccm, 6));
    assert!(!short(AeadAlg::Ccm, 3));
    assert!(!short(AeadAlg::Ccm, 17));
    let truncated = |length| {
        let alg = Algorithm::Mac(Mac::Truncated {
            mac: FullLengthMac::Cmac,
            length,
        });
        key(KeyType::Aes, 128, UsageFlags::default(), alg).is_compatible_with(alg)
    };
    assert!(truncated(8));
    assert!(!truncated(17));
    assert!(!truncated(3));
}

#[test]
fn key_sizes_per_type() {
    assert!(KeyType::Aes.supports_bits(192));
    assert!(!KeyType::Aes.supports_bits(100));
    let k1 = KeyType::EccKeyPair {
        curve_family: EccFamily::SecpK1,
    };
    assert!(k1.supports_bits(256) && !k1.supports_bits(384));
    let r1 = KeyType::EccPublicKey {
        curve_family: EccFamily::SecpR1,
    };
    assert!(r1.supports_bits(521) && !r1.supports_bits(512));
    assert!(KeyType::RsaKeyPair.supports_bits(3072));
    assert!(!KeyType::RsaKeyPair.supports_bits(512));
}

#[test]
fn deprecated_keys_and_policies() {
    let des = key(KeyType::Des, 64, UsageFlags::default(), Algorithm::None);
    assert!(des.is_deprecated());
    let brainpool = KeyType::EccKeyPair {
        curve_family: EccFamily::BrainpoolPR1,
    };
    assert!(brainpool.is_deprecated(160) && !brainpool.is_deprecated(256));
    let sha1 = p256_signing(SignHash::Specific(Hash::Sha1));
    assert!(sha1.is_deprecated());
    assert!(!p256_signing(SHA256).is_deprecated());
}

#[test]
fn refusals_map_to_psa_statuses() {
    assert_eq!(
        PolicyError::AlgorithmNotPermitted.status(),
        Status::PsaErrorNotPermitted
    );
    let length = PolicyError::InvalidLength {
        expected: 32,
        actual: 1,
    };
    assert_eq!(length.status(), Status::PsaErrorInvalidArgument);
}
