//! The matrices the conformance checks walk: every key type and size the contract defines
//! that a provider might plausibly support, crossed with the algorithms that fit it.

use psc_psa::{
    Aead, AeadAlg, AsymmetricEncryption, AsymmetricSignature, Cipher, DhFamily, EccFamily,
    FullLengthMac, Hash, KeyType, Mac, RawKeyAgreement, SignHash,
};

/// Every hash of the contract.
pub(crate) const ALL_HASHES: [Hash; 15] = [
    Hash::Md2,
    Hash::Md4,
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
];

/// Elliptic-curve key pairs (Weierstrass curves, for ECDSA and ECDH).
pub(crate) fn weierstrass_curves() -> Vec<(KeyType, u32)> {
    let pair = |curve_family| KeyType::EccKeyPair { curve_family };
    vec![
        (pair(EccFamily::SecpR1), 256),
        (pair(EccFamily::SecpR1), 384),
        (pair(EccFamily::SecpR1), 521),
        (pair(EccFamily::SecpK1), 256),
        (pair(EccFamily::SecpR1), 192),
        (pair(EccFamily::SecpR1), 224),
        (pair(EccFamily::BrainpoolPR1), 256),
        (pair(EccFamily::BrainpoolPR1), 384),
        (pair(EccFamily::BrainpoolPR1), 512),
        (pair(EccFamily::SecpK1), 192),
        (pair(EccFamily::BrainpoolPR1), 160),
        (pair(EccFamily::BrainpoolPR1), 192),
        (pair(EccFamily::BrainpoolPR1), 224),
        (pair(EccFamily::BrainpoolPR1), 320),
        // Defined by PSA, served by no provider here (CanDoCrypto and the operation must
        // both say NotSupported): secp224k1, binary curves, FRP256v1.
        (pair(EccFamily::SecpK1), 225),
        (pair(EccFamily::SectK1), 163),
        (pair(EccFamily::SectR1), 233),
        (pair(EccFamily::Frp), 256),
    ]
}

/// Signature cells: key type, size, algorithm. Every hash of the contract (PSA allows any
/// with each scheme; the original serves all but MD2 and MD4). RSA is crossed fully at 1024
/// and 2048 bits and with a hash of each engine's at the other sizes (key generation is
/// slow).
pub(crate) fn signature_cases() -> Vec<(KeyType, u32, AsymmetricSignature)> {
    let mut cases = Vec::new();
    for (key_type, bits) in weierstrass_curves() {
        cases.push((key_type, bits, AsymmetricSignature::EcdsaAny));
        for hash in ALL_HASHES {
            let hash = SignHash::Specific(hash);
            cases.push((key_type, bits, AsymmetricSignature::Ecdsa { hash }));
            cases.push((
                key_type,
                bits,
                AsymmetricSignature::DeterministicEcdsa { hash },
            ));
        }
    }
    for bits in [1024, 2048] {
        for hash in ALL_HASHES {
            let hash = SignHash::Specific(hash);
            cases.push((
                KeyType::RsaKeyPair,
                bits,
                AsymmetricSignature::RsaPkcs1v15Sign { hash },
            ));
            cases.push((
                KeyType::RsaKeyPair,
                bits,
                AsymmetricSignature::RsaPss { hash },
            ));
        }
        cases.push((
            KeyType::RsaKeyPair,
            bits,
            AsymmetricSignature::RsaPkcs1v15SignRaw,
        ));
    }
    for bits in [3072, 4096] {
        for hash in [Hash::Sha256, Hash::Sha3_256] {
            let hash = SignHash::Specific(hash);
            cases.push((
                KeyType::RsaKeyPair,
                bits,
                AsymmetricSignature::RsaPkcs1v15Sign { hash },
            ));
        }
    }
    cases
}

/// Asymmetric encryption cells.
pub(crate) fn encryption_cases() -> Vec<(u32, AsymmetricEncryption)> {
    let mut cases = vec![
        (1024, AsymmetricEncryption::RsaPkcs1v15Crypt),
        (1024, AsymmetricEncryption::RsaOaep { hash: Hash::Sha256 }),
        (2048, AsymmetricEncryption::RsaPkcs1v15Crypt),
    ];
    for hash in [
        Hash::Sha1,
        Hash::Sha224,
        Hash::Sha256,
        Hash::Sha384,
        Hash::Sha512,
        Hash::Sha3_256,
    ] {
        cases.push((2048, AsymmetricEncryption::RsaOaep { hash }));
    }
    cases.push((3072, AsymmetricEncryption::RsaOaep { hash: Hash::Sha256 }));
    cases
}

/// AEAD cells.
pub(crate) fn aead_cases() -> Vec<(KeyType, u32, Aead)> {
    let mut cases = Vec::new();
    for bits in [128, 192, 256] {
        for aead in [AeadAlg::Gcm, AeadAlg::Ccm] {
            cases.push((KeyType::Camellia, bits, Aead::DefaultTag(aead)));
            let tag_length = 8;
            cases.push((
                KeyType::Camellia,
                bits,
                Aead::ShortenedTag { aead, tag_length },
            ));
        }
        for aead in [AeadAlg::Gcm, AeadAlg::Ccm] {
            cases.push((KeyType::Aes, bits, Aead::DefaultTag(aead)));
        }
        for tag_length in [4, 8, 12] {
            cases.push((
                KeyType::Aes,
                bits,
                Aead::ShortenedTag {
                    aead: AeadAlg::Gcm,
                    tag_length,
                },
            ));
        }
        cases.push((
            KeyType::Aes,
            bits,
            Aead::ShortenedTag {
                aead: AeadAlg::Ccm,
                tag_length: 8,
            },
        ));
    }
    cases.push((
        KeyType::Chacha20,
        256,
        Aead::DefaultTag(AeadAlg::Chacha20Poly1305),
    ));
    cases
}

/// Cipher cells.
pub(crate) fn cipher_cases() -> Vec<(KeyType, u32, Cipher)> {
    let modes = [
        Cipher::Ctr,
        Cipher::Cfb,
        Cipher::Ofb,
        Cipher::Xts,
        Cipher::EcbNoPadding,
        Cipher::CbcNoPadding,
        Cipher::CbcPkcs7,
    ];
    let mut cases = Vec::new();
    for bits in [128, 192, 256] {
        cases.extend(modes.iter().map(|mode| (KeyType::Aes, bits, *mode)));
        cases.extend(modes.iter().map(|mode| (KeyType::Camellia, bits, *mode)));
    }
    cases.push((KeyType::Chacha20, 256, Cipher::StreamCipher));
    cases
}

/// MAC cells.
pub(crate) fn mac_cases() -> Vec<(KeyType, u32, Mac)> {
    let mut cases = Vec::new();
    for hash in ALL_HASHES {
        cases.push((
            KeyType::Hmac,
            256,
            Mac::FullLength(FullLengthMac::Hmac { hash }),
        ));
    }
    let sha256 = FullLengthMac::Hmac { hash: Hash::Sha256 };
    cases.push((
        KeyType::Hmac,
        256,
        Mac::Truncated {
            mac: sha256,
            length: 16,
        },
    ));
    cases.push((KeyType::Camellia, 128, Mac::FullLength(FullLengthMac::Cmac)));
    for bits in [128, 256] {
        cases.push((KeyType::Aes, bits, Mac::FullLength(FullLengthMac::Cmac)));
        cases.push((KeyType::Aes, bits, Mac::FullLength(FullLengthMac::CbcMac)));
    }
    cases.push((
        KeyType::Aes,
        128,
        Mac::Truncated {
            mac: FullLengthMac::Cmac,
            length: 8,
        },
    ));
    cases
}

/// Key agreement cells: ECDH on the Weierstrass curves, X25519 and X448; FFDH on the RFC
/// 7919 groups (and a 1024-bit size, which is none of them).
pub(crate) fn agreement_cases() -> Vec<(KeyType, u32, RawKeyAgreement)> {
    let mut cases: Vec<_> = weierstrass_curves()
        .into_iter()
        .map(|(key_type, bits)| (key_type, bits, RawKeyAgreement::Ecdh))
        .collect();
    for bits in [255, 448] {
        cases.push((
            KeyType::EccKeyPair {
                curve_family: EccFamily::Montgomery,
            },
            bits,
            RawKeyAgreement::Ecdh,
        ));
    }
    for bits in [1024, 2048, 3072, 4096, 6144, 8192] {
        cases.push((
            KeyType::DhKeyPair {
                group_family: DhFamily::Rfc7919,
            },
            bits,
            RawKeyAgreement::Ffdh,
        ));
    }
    cases
}
