//! A canonical, versioned byte encoding of [`Attributes`].
//!
//! Providers that seal key material at rest authenticate these bytes as associated data, so a
//! sealed key only opens under the exact attributes it was created with. The encoding is
//! therefore a storage format: **the bytes produced for an existing value must never change**.
//! New variants may be given new tags; existing tags, field orders and widths are frozen. A
//! change of layout needs a new [`ATTRIBUTES_ENCODING_VERSION`], and the old layout must stay
//! available for the keys sealed under it. The layout is documented on
//! [`Attributes::canonical_bytes`].

use crate::algorithm::{
    Aead, Algorithm, AsymmetricEncryption, AsymmetricSignature, FullLengthMac, KeyAgreement,
    KeyDerivation, Mac, SignHash,
};
use crate::key::{Attributes, KeyType, UsageFlags};

/// The version byte that opens every encoding produced by [`Attributes::canonical_bytes`].
pub const ATTRIBUTES_ENCODING_VERSION: u8 = 1;

impl Attributes {
    /// The canonical encoding of these attributes: deterministic, versioned, injective.
    ///
    /// **Stable format.** Sealed keys authenticate these bytes as associated data, so the
    /// output for a given value must never change: changing it makes every stored key
    /// unreadable. The first byte is [`ATTRIBUTES_ENCODING_VERSION`]; golden tests pin the
    /// bytes. New variants may take new tags; a change to an existing layout needs a new
    /// version, with the old layout kept for keys already stored.
    ///
    /// # Layout, version 1
    ///
    /// All integers are little-endian. Tags are the field numbers of the Parsec contract's
    /// `oneof` (`psa_key_attributes.proto`, `psa_algorithm.proto`), and enum values are the
    /// contract's numeric codes, so the layout can be read against the contract.
    ///
    /// ```text
    /// attributes := 0x01 (version) key_type bits:u32 usage:u32 algorithm
    /// key_type   := tag:u8 (1 raw_data … 14 dh_public_key)
    ///               [family:u32, only for tags 11–14: ECC curve family or DH group family]
    /// usage      := bitmask; bit n-1 set when UsageFlags field n is true
    ///               (export=bit 0, copy, cache, encrypt, decrypt, sign_message, verify_message,
    ///               sign_hash, verify_hash, derive=bit 9)
    /// algorithm  := 1 (none)
    ///             | 2 hash:u32
    ///             | 3 mac
    ///             | 4 cipher:u32
    ///             | 5 aead
    ///             | 6 asymmetric_signature
    ///             | 7 asymmetric_encryption
    ///             | 8 key_agreement
    ///             | 9 key_derivation
    /// mac        := 1 full_mac | 2 full_mac length:u32
    /// full_mac   := 1 hash:u32 (HMAC) | 2 (CBC-MAC) | 3 (CMAC)
    /// aead       := 1 aead_alg:u32 | 2 aead_alg:u32 tag_length:u32
    /// asymmetric_signature := 1 sign_hash (RSA PKCS#1 v1.5) | 2 (RSA PKCS#1 v1.5 raw)
    ///             | 3 sign_hash (RSA-PSS) | 4 sign_hash (ECDSA) | 5 (ECDSA any)
    ///             | 6 sign_hash (deterministic ECDSA)
    /// sign_hash  := 1 (any) | 2 hash:u32
    /// asymmetric_encryption := 1 (RSA PKCS#1 v1.5) | 2 hash:u32 (RSA-OAEP)
    /// key_agreement := 1 raw:u32 | 2 raw:u32 key_derivation
    /// key_derivation := 1 hash:u32 (HKDF) | 2 hash:u32 (TLS 1.2 PRF) | 3 hash:u32 (PSK to MS)
    /// ```
    ///
    /// Every tag fixes the shape of what follows, so the encoding is prefix-free and two
    /// distinct values never share an encoding.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Encoder(Vec::with_capacity(32));
        out.u8(ATTRIBUTES_ENCODING_VERSION);
        out.key_type(self.key_type);
        out.u32(self.bits);
        out.u32(usage_mask(&self.policy.usage_flags));
        out.algorithm(self.policy.permitted_algorithm);
        out.0
    }
}

/// The usage flags as a bitmask: bit `n - 1` for the contract's `UsageFlags` field `n`.
fn usage_mask(flags: &UsageFlags) -> u32 {
    let bits = [
        flags.export,
        flags.copy,
        flags.cache,
        flags.encrypt,
        flags.decrypt,
        flags.sign_message,
        flags.verify_message,
        flags.sign_hash,
        flags.verify_hash,
        flags.derive,
    ];
    bits.iter()
        .enumerate()
        .filter(|(_, set)| **set)
        .fold(0, |mask, (bit, _)| mask | (1 << bit))
}

/// Appends the pieces of the layout to a buffer.
struct Encoder(Vec<u8>);

impl Encoder {
    fn u8(&mut self, value: u8) {
        self.0.push(value);
    }

    fn u32(&mut self, value: u32) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn key_type(&mut self, key_type: KeyType) {
        let (tag, family) = match key_type {
            KeyType::RawData => (1, None),
            KeyType::Hmac => (2, None),
            KeyType::Derive => (3, None),
            KeyType::Aes => (4, None),
            KeyType::Des => (5, None),
            KeyType::Camellia => (6, None),
            KeyType::Arc4 => (7, None),
            KeyType::Chacha20 => (8, None),
            KeyType::RsaPublicKey => (9, None),
            KeyType::RsaKeyPair => (10, None),
            KeyType::EccKeyPair { curve_family } => (11, Some(curve_family.code())),
            KeyType::EccPublicKey { curve_family } => (12, Some(curve_family.code())),
            KeyType::DhKeyPair { group_family } => (13, Some(group_family.code())),
            KeyType::DhPublicKey { group_family } => (14, Some(group_family.code())),
        };
        self.u8(tag);
        if let Some(family) = family {
            self.u32(family);
        }
    }

    fn algorithm(&mut self, alg: Algorithm) {
        match alg {
            Algorithm::None => self.u8(1),
            Algorithm::Hash(hash) => {
                self.u8(2);
                self.u32(hash.code());
            }
            Algorithm::Mac(mac) => {
                self.u8(3);
                self.mac(mac);
            }
            Algorithm::Cipher(cipher) => {
                self.u8(4);
                self.u32(cipher.code());
            }
            Algorithm::Aead(aead) => {
                self.u8(5);
                self.aead(aead);
            }
            Algorithm::AsymmetricSignature(sig) => {
                self.u8(6);
                self.signature(sig);
            }
            Algorithm::AsymmetricEncryption(enc) => {
                self.u8(7);
                self.encryption(enc);
            }
            Algorithm::KeyAgreement(ka) => {
                self.u8(8);
                self.key_agreement(ka);
            }
            Algorithm::KeyDerivation(kdf) => {
                self.u8(9);
                self.key_derivation(kdf);
            }
        }
    }

    fn mac(&mut self, mac: Mac) {
        match mac {
            Mac::FullLength(full) => {
                self.u8(1);
                self.full_mac(full);
            }
            Mac::Truncated { mac, length } => {
                self.u8(2);
                self.full_mac(mac);
                self.u32(length);
            }
        }
    }

    fn full_mac(&mut self, mac: FullLengthMac) {
        match mac {
            FullLengthMac::Hmac { hash } => {
                self.u8(1);
                self.u32(hash.code());
            }
            FullLengthMac::CbcMac => self.u8(2),
            FullLengthMac::Cmac => self.u8(3),
        }
    }

    fn aead(&mut self, aead: Aead) {
        match aead {
            Aead::DefaultTag(alg) => {
                self.u8(1);
                self.u32(alg.code());
            }
            Aead::ShortenedTag { aead, tag_length } => {
                self.u8(2);
                self.u32(aead.code());
                self.u32(tag_length);
            }
        }
    }

    fn signature(&mut self, sig: AsymmetricSignature) {
        let (tag, hash) = match sig {
            AsymmetricSignature::RsaPkcs1v15Sign { hash } => (1, Some(hash)),
            AsymmetricSignature::RsaPkcs1v15SignRaw => (2, None),
            AsymmetricSignature::RsaPss { hash } => (3, Some(hash)),
            AsymmetricSignature::Ecdsa { hash } => (4, Some(hash)),
            AsymmetricSignature::EcdsaAny => (5, None),
            AsymmetricSignature::DeterministicEcdsa { hash } => (6, Some(hash)),
        };
        self.u8(tag);
        match hash {
            None => {}
            Some(SignHash::Any) => self.u8(1),
            Some(SignHash::Specific(hash)) => {
                self.u8(2);
                self.u32(hash.code());
            }
        }
    }

    fn encryption(&mut self, enc: AsymmetricEncryption) {
        match enc {
            AsymmetricEncryption::RsaPkcs1v15Crypt => self.u8(1),
            AsymmetricEncryption::RsaOaep { hash } => {
                self.u8(2);
                self.u32(hash.code());
            }
        }
    }

    fn key_agreement(&mut self, ka: KeyAgreement) {
        match ka {
            KeyAgreement::Raw(raw) => {
                self.u8(1);
                self.u32(raw.code());
            }
            KeyAgreement::WithKeyDerivation {
                agreement,
                derivation,
            } => {
                self.u8(2);
                self.u32(agreement.code());
                self.key_derivation(derivation);
            }
        }
    }

    fn key_derivation(&mut self, kdf: KeyDerivation) {
        let (tag, hash) = match kdf {
            KeyDerivation::Hkdf { hash } => (1, hash),
            KeyDerivation::Tls12Prf { hash } => (2, hash),
            KeyDerivation::Tls12PskToMs { hash } => (3, hash),
        };
        self.u8(tag);
        self.u32(hash.code());
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::algorithm::{AeadAlg, Cipher, Hash, RawKeyAgreement};
    use crate::key::{DhFamily, EccFamily, Policy};

    const SHA256: SignHash = SignHash::Specific(Hash::Sha256);

    /// The template `parsec-tool create-ecc-key` sends (docs/protocol.md §5).
    fn ecc_template() -> Attributes {
        Attributes::signing_key(
            KeyType::EccKeyPair {
                curve_family: EccFamily::SecpR1,
            },
            256,
            AsymmetricSignature::Ecdsa { hash: SHA256 },
        )
    }

    #[test]
    fn golden_parsec_tool_ecc_template() {
        // Pinned: if this fails, every key sealed at rest with these attributes stops opening.
        let expected: &[u8] = &[
            0x01, // format version
            0x0b, 0x02, 0x00, 0x00, 0x00, // EccKeyPair, family SECP_R1 (2)
            0x00, 0x01, 0x00, 0x00, // 256 bits
            0xe0, 0x01, 0x00, 0x00, // sign_message, verify_message, sign_hash, verify_hash
            0x06, 0x04, 0x02, 0x07, 0x00, 0x00, 0x00, // signature, ECDSA, specific, SHA-256
        ];
        assert_eq!(ecc_template().canonical_bytes(), expected);
    }

    #[test]
    fn golden_no_policy_aes_key() {
        let attributes = Attributes {
            key_type: KeyType::Aes,
            bits: 128,
            policy: Policy {
                usage_flags: UsageFlags {
                    export: true,
                    derive: true,
                    ..UsageFlags::default()
                },
                permitted_algorithm: Algorithm::None,
            },
        };
        let expected: &[u8] = &[
            0x01, 0x04, 0x80, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x01,
        ];
        assert_eq!(attributes.canonical_bytes(), expected);
    }

    #[test]
    fn one_usage_flag_changes_the_encoding() {
        let base = ecc_template();
        let mut other = base;
        other.policy.usage_flags.export = true;
        assert_ne!(base.canonical_bytes(), other.canonical_bytes());
        let mut other = base;
        other.policy.usage_flags.verify_message = false;
        assert_ne!(base.canonical_bytes(), other.canonical_bytes());
    }

    #[test]
    fn hash_bits_and_wildcard_change_the_encoding() {
        let base = ecc_template();
        let with_alg = |sig| Attributes {
            policy: Policy {
                permitted_algorithm: Algorithm::AsymmetricSignature(sig),
                ..base.policy
            },
            ..base
        };
        let sha384 = with_alg(AsymmetricSignature::Ecdsa {
            hash: SignHash::Specific(Hash::Sha384),
        });
        let any = with_alg(AsymmetricSignature::Ecdsa {
            hash: SignHash::Any,
        });
        let deterministic = with_alg(AsymmetricSignature::DeterministicEcdsa { hash: SHA256 });
        let bits = Attributes { bits: 384, ..base };
        let encodings = [base, sha384, any, deterministic, bits].map(|a| a.canonical_bytes());
        for (i, a) in encodings.iter().enumerate() {
            for b in &encodings[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn every_usage_mask_is_distinct() {
        let mut seen = HashMap::new();
        for mask in 0u32..1024 {
            let flag = |bit: u32| mask & (1 << bit) != 0;
            let usage_flags = UsageFlags {
                export: flag(0),
                copy: flag(1),
                cache: flag(2),
                encrypt: flag(3),
                decrypt: flag(4),
                sign_message: flag(5),
                verify_message: flag(6),
                sign_hash: flag(7),
                verify_hash: flag(8),
                derive: flag(9),
            };
            assert_eq!(usage_mask(&usage_flags), mask);
            let mut attributes = ecc_template();
            attributes.policy.usage_flags = usage_flags;
            assert!(seen.insert(attributes.canonical_bytes(), mask).is_none());
        }
    }

    #[test]
    fn distinct_key_types_and_algorithms_never_collide() {
        let mut seen: HashMap<Vec<u8>, Attributes> = HashMap::new();
        for key_type in all_key_types() {
            for permitted_algorithm in all_algorithms() {
                let attributes = Attributes {
                    key_type,
                    bits: 0,
                    policy: Policy {
                        usage_flags: UsageFlags::default(),
                        permitted_algorithm,
                    },
                };
                let bytes = attributes.canonical_bytes();
                assert_eq!(bytes[0], ATTRIBUTES_ENCODING_VERSION);
                assert_eq!(bytes, attributes.canonical_bytes(), "deterministic");
                if let Some(previous) = seen.insert(bytes, attributes) {
                    panic!("{previous:?} and {attributes:?} share an encoding");
                }
            }
        }
    }

    fn all_key_types() -> Vec<KeyType> {
        let mut types = vec![
            KeyType::RawData,
            KeyType::Hmac,
            KeyType::Derive,
            KeyType::Aes,
            KeyType::Des,
            KeyType::Camellia,
            KeyType::Arc4,
            KeyType::Chacha20,
            KeyType::RsaPublicKey,
            KeyType::RsaKeyPair,
        ];
        for &curve_family in EccFamily::ALL {
            types.push(KeyType::EccKeyPair { curve_family });
            types.push(KeyType::EccPublicKey { curve_family });
        }
        for &group_family in DhFamily::ALL {
            types.push(KeyType::DhKeyPair { group_family });
            types.push(KeyType::DhPublicKey { group_family });
        }
        types
    }

    /// Every algorithm shape, with every hash where one appears.
    fn all_algorithms() -> Vec<Algorithm> {
        let hashes = Hash::ALL;
        let mut algs = vec![Algorithm::None];
        algs.extend(hashes.iter().map(|&h| Algorithm::Hash(h)));
        let mut full_macs = vec![FullLengthMac::CbcMac, FullLengthMac::Cmac];
        full_macs.extend(hashes.iter().map(|&hash| FullLengthMac::Hmac { hash }));
        for &mac in &full_macs {
            algs.push(Algorithm::Mac(Mac::FullLength(mac)));
            for length in [4, 16] {
                algs.push(Algorithm::Mac(Mac::Truncated { mac, length }));
            }
        }
        algs.extend(Cipher::ALL.iter().map(|&c| Algorithm::Cipher(c)));
        for &aead in AeadAlg::ALL {
            algs.push(Algorithm::Aead(Aead::DefaultTag(aead)));
            for tag_length in [4, 8] {
                algs.push(Algorithm::Aead(Aead::ShortenedTag { aead, tag_length }));
            }
        }
        algs.extend(
            all_signatures()
                .into_iter()
                .map(Algorithm::AsymmetricSignature),
        );
        algs.push(Algorithm::AsymmetricEncryption(
            AsymmetricEncryption::RsaPkcs1v15Crypt,
        ));
        for &hash in hashes {
            algs.push(Algorithm::AsymmetricEncryption(
                AsymmetricEncryption::RsaOaep { hash },
            ));
        }
        let kdfs = all_kdfs();
        algs.extend(kdfs.iter().map(|&kdf| Algorithm::KeyDerivation(kdf)));
        for &agreement in RawKeyAgreement::ALL {
            algs.push(Algorithm::KeyAgreement(KeyAgreement::Raw(agreement)));
            for &derivation in &kdfs {
                algs.push(Algorithm::KeyAgreement(KeyAgreement::WithKeyDerivation {
                    agreement,
                    derivation,
                }));
            }
        }
        algs
    }

    fn all_signatures() -> Vec<AsymmetricSignature> {
        let mut sign_hashes = vec![SignHash::Any];
        sign_hashes.extend(Hash::ALL.iter().map(|&h| SignHash::Specific(h)));
        let mut sigs = vec![
            AsymmetricSignature::RsaPkcs1v15SignRaw,
            AsymmetricSignature::EcdsaAny,
        ];
        for hash in sign_hashes {
            sigs.push(AsymmetricSignature::RsaPkcs1v15Sign { hash });
            sigs.push(AsymmetricSignature::RsaPss { hash });
            sigs.push(AsymmetricSignature::Ecdsa { hash });
            sigs.push(AsymmetricSignature::DeterministicEcdsa { hash });
        }
        sigs
    }

    fn all_kdfs() -> Vec<KeyDerivation> {
        let mut kdfs = Vec::new();
        for &hash in Hash::ALL {
            kdfs.push(KeyDerivation::Hkdf { hash });
            kdfs.push(KeyDerivation::Tls12Prf { hash });
            kdfs.push(KeyDerivation::Tls12PskToMs { hash });
        }
        kdfs
    }
}
