//! Algorithms, as the Parsec contract (`psa_algorithm.proto`) names them.

code_enum! {
    /// A hash algorithm.
    pub enum Hash {
        /// MD2 (deprecated).
        Md2 = 1,
        /// MD4 (deprecated).
        Md4 = 2,
        /// MD5 (deprecated).
        Md5 = 3,
        /// RIPEMD-160.
        Ripemd160 = 4,
        /// SHA-1 (deprecated).
        Sha1 = 5,
        /// SHA-224.
        Sha224 = 6,
        /// SHA-256.
        Sha256 = 7,
        /// SHA-384.
        Sha384 = 8,
        /// SHA-512.
        Sha512 = 9,
        /// SHA-512/224.
        Sha512_224 = 10,
        /// SHA-512/256.
        Sha512_256 = 11,
        /// SHA3-224.
        Sha3_224 = 12,
        /// SHA3-256.
        Sha3_256 = 13,
        /// SHA3-384.
        Sha3_384 = 14,
        /// SHA3-512.
        Sha3_512 = 15,
    }
}

impl Hash {
    /// The digest length in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            Hash::Md2 | Hash::Md4 | Hash::Md5 => 16,
            Hash::Ripemd160 | Hash::Sha1 => 20,
            Hash::Sha224 | Hash::Sha512_224 | Hash::Sha3_224 => 28,
            Hash::Sha256 | Hash::Sha512_256 | Hash::Sha3_256 => 32,
            Hash::Sha384 | Hash::Sha3_384 => 48,
            Hash::Sha512 | Hash::Sha3_512 => 64,
        }
    }

    /// The internal block length in bytes (the HMAC block size).
    pub fn block_len(self) -> usize {
        match self {
            Hash::Md2 => 16,
            Hash::Md4 | Hash::Md5 | Hash::Ripemd160 | Hash::Sha1 | Hash::Sha224 | Hash::Sha256 => {
                64
            }
            Hash::Sha384 | Hash::Sha512 | Hash::Sha512_224 | Hash::Sha512_256 => 128,
            Hash::Sha3_224 => 144,
            Hash::Sha3_256 => 136,
            Hash::Sha3_384 => 104,
            Hash::Sha3_512 => 72,
        }
    }

    /// Whether the service treats this hash as a deprecated primitive (MD2, MD4, MD5, SHA-1).
    pub fn is_deprecated(self) -> bool {
        matches!(self, Hash::Md2 | Hash::Md4 | Hash::Md5 | Hash::Sha1)
    }
}

/// The hash of a hash-and-sign signature algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "proptest", derive(proptest_derive::Arbitrary))]
pub enum SignHash {
    /// Any hash: a wildcard that only a key policy may carry, never an operation.
    Any,
    /// This hash.
    Specific(Hash),
}

impl SignHash {
    /// The specific hash, or `None` for the wildcard.
    pub fn specific(self) -> Option<Hash> {
        match self {
            SignHash::Any => None,
            SignHash::Specific(hash) => Some(hash),
        }
    }
}

/// A MAC algorithm producing its full-length output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "proptest", derive(proptest_derive::Arbitrary))]
pub enum FullLengthMac {
    /// HMAC with this hash.
    Hmac {
        /// The underlying hash.
        hash: Hash,
    },
    /// CBC-MAC over a block cipher.
    CbcMac,
    /// CMAC over a block cipher.
    Cmac,
}

impl FullLengthMac {
    /// The full MAC length in bytes, given the block size of the key's cipher (16 for AES).
    pub fn len(self, cipher_block_len: usize) -> usize {
        match self {
            FullLengthMac::Hmac { hash } => hash.digest_len(),
            FullLengthMac::CbcMac | FullLengthMac::Cmac => cipher_block_len,
        }
    }
}

/// A MAC algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "proptest", derive(proptest_derive::Arbitrary))]
pub enum Mac {
    /// The full-length MAC.
    FullLength(FullLengthMac),
    /// The MAC truncated to `length` bytes.
    Truncated {
        /// The MAC being truncated.
        mac: FullLengthMac,
        /// The number of MAC bytes kept.
        length: u32,
    },
}

impl Mac {
    /// The underlying full-length MAC.
    pub fn full_length(self) -> FullLengthMac {
        match self {
            Mac::FullLength(mac) | Mac::Truncated { mac, .. } => mac,
        }
    }
}

code_enum! {
    /// An unauthenticated cipher mode.
    pub enum Cipher {
        /// A stream cipher (ChaCha20, ARC4).
        StreamCipher = 1,
        /// Counter mode.
        Ctr = 2,
        /// Cipher feedback mode.
        Cfb = 3,
        /// Output feedback mode.
        Ofb = 4,
        /// XEX-based tweaked-codebook mode with ciphertext stealing.
        Xts = 5,
        /// Electronic codebook, input a multiple of the block size.
        EcbNoPadding = 6,
        /// Cipher block chaining, input a multiple of the block size.
        CbcNoPadding = 7,
        /// Cipher block chaining with PKCS#7 padding.
        CbcPkcs7 = 8,
    }
}

code_enum! {
    /// An AEAD construction.
    pub enum AeadAlg {
        /// Counter with CBC-MAC.
        Ccm = 1,
        /// Galois/counter mode.
        Gcm = 2,
        /// ChaCha20-Poly1305 (RFC 8439).
        Chacha20Poly1305 = 3,
    }
}

/// An AEAD algorithm: a construction and its tag length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "proptest", derive(proptest_derive::Arbitrary))]
pub enum Aead {
    /// The construction with its default 16-byte tag.
    DefaultTag(AeadAlg),
    /// The construction with a tag shortened to `tag_length` bytes.
    ShortenedTag {
        /// The construction.
        aead: AeadAlg,
        /// The tag length in bytes.
        tag_length: u32,
    },
}

impl Aead {
    /// The underlying construction.
    pub fn construction(self) -> AeadAlg {
        match self {
            Aead::DefaultTag(aead) | Aead::ShortenedTag { aead, .. } => aead,
        }
    }

    /// The tag length in bytes.
    pub fn tag_len(self) -> u32 {
        match self {
            Aead::DefaultTag(_) => 16,
            Aead::ShortenedTag { tag_length, .. } => tag_length,
        }
    }

    /// Whether the tag length is one the construction defines (CCM: 4 to 16 even; GCM: 4,
    /// 8, 12 to 16; ChaCha20-Poly1305: 16). A policy may name another (the original imports
    /// such keys); using it is InvalidArgument.
    pub fn has_valid_tag(self) -> bool {
        let Aead::ShortenedTag { aead, tag_length } = self else {
            return true;
        };
        match aead {
            AeadAlg::Ccm => matches!(tag_length, 4 | 6 | 8 | 10 | 12 | 14 | 16),
            AeadAlg::Gcm => matches!(tag_length, 4 | 8 | 12..=16),
            AeadAlg::Chacha20Poly1305 => tag_length == 16,
        }
    }
}

/// An asymmetric signature algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "proptest", derive(proptest_derive::Arbitrary))]
pub enum AsymmetricSignature {
    /// RSASSA-PKCS1-v1_5 with a hash.
    RsaPkcs1v15Sign {
        /// The hash.
        hash: SignHash,
    },
    /// RSASSA-PKCS1-v1_5 over an input the caller has already encoded.
    RsaPkcs1v15SignRaw,
    /// RSASSA-PSS with MGF1 over the same hash and a salt as long as the hash.
    RsaPss {
        /// The hash.
        hash: SignHash,
    },
    /// Randomized ECDSA.
    Ecdsa {
        /// The hash.
        hash: SignHash,
    },
    /// ECDSA over an input of any length, truncated or padded to the curve size.
    EcdsaAny,
    /// Deterministic ECDSA (RFC 6979).
    DeterministicEcdsa {
        /// The hash.
        hash: SignHash,
    },
}

impl AsymmetricSignature {
    /// The hash of a hash-and-sign variant, `None` for the raw variants.
    pub fn sign_hash(self) -> Option<SignHash> {
        match self {
            AsymmetricSignature::RsaPkcs1v15Sign { hash }
            | AsymmetricSignature::RsaPss { hash }
            | AsymmetricSignature::Ecdsa { hash }
            | AsymmetricSignature::DeterministicEcdsa { hash } => Some(hash),
            AsymmetricSignature::RsaPkcs1v15SignRaw | AsymmetricSignature::EcdsaAny => None,
        }
    }

    /// The same variant with its hash replaced, for matching a wildcard policy.
    fn with_hash(self, new: SignHash) -> Self {
        match self {
            AsymmetricSignature::RsaPkcs1v15Sign { .. } => {
                AsymmetricSignature::RsaPkcs1v15Sign { hash: new }
            }
            AsymmetricSignature::RsaPss { .. } => AsymmetricSignature::RsaPss { hash: new },
            AsymmetricSignature::Ecdsa { .. } => AsymmetricSignature::Ecdsa { hash: new },
            AsymmetricSignature::DeterministicEcdsa { .. } => {
                AsymmetricSignature::DeterministicEcdsa { hash: new }
            }
            raw => raw,
        }
    }

    /// Whether a policy naming `self` permits an operation using `requested`: equal, or `self`
    /// has the any-hash wildcard and `requested` is the same variant with a specific hash.
    pub fn permits(self, requested: AsymmetricSignature) -> bool {
        match (self.sign_hash(), requested.sign_hash()) {
            (_, Some(SignHash::Any)) => false,
            (Some(SignHash::Any), Some(specific)) => {
                self == requested.with_hash(SignHash::Any)
                    && matches!(specific, SignHash::Specific(_))
            }
            _ => self == requested,
        }
    }

    /// Whether this is an RSA signature.
    pub fn is_rsa(self) -> bool {
        matches!(
            self,
            AsymmetricSignature::RsaPkcs1v15Sign { .. }
                | AsymmetricSignature::RsaPkcs1v15SignRaw
                | AsymmetricSignature::RsaPss { .. }
        )
    }

    /// Whether this is an ECDSA signature.
    pub fn is_ecdsa(self) -> bool {
        !self.is_rsa()
    }
}

/// An asymmetric encryption algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "proptest", derive(proptest_derive::Arbitrary))]
pub enum AsymmetricEncryption {
    /// RSAES-PKCS1-v1_5.
    RsaPkcs1v15Crypt,
    /// RSAES-OAEP with MGF1 over the same hash.
    RsaOaep {
        /// The hash.
        hash: Hash,
    },
}

code_enum! {
    /// A raw key agreement.
    pub enum RawKeyAgreement {
        /// Finite-field Diffie-Hellman.
        Ffdh = 1,
        /// Elliptic-curve Diffie-Hellman.
        Ecdh = 2,
    }
}

/// A key derivation function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "proptest", derive(proptest_derive::Arbitrary))]
pub enum KeyDerivation {
    /// HKDF (RFC 5869).
    Hkdf {
        /// The hash.
        hash: Hash,
    },
    /// The TLS 1.2 PRF.
    Tls12Prf {
        /// The hash.
        hash: Hash,
    },
    /// The TLS 1.2 PSK-to-master-secret derivation.
    Tls12PskToMs {
        /// The hash.
        hash: Hash,
    },
}

impl KeyDerivation {
    /// The hash the derivation is built on.
    pub fn hash(self) -> Hash {
        match self {
            KeyDerivation::Hkdf { hash }
            | KeyDerivation::Tls12Prf { hash }
            | KeyDerivation::Tls12PskToMs { hash } => hash,
        }
    }
}

/// A key agreement, raw or followed by a key derivation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "proptest", derive(proptest_derive::Arbitrary))]
pub enum KeyAgreement {
    /// The raw shared secret.
    Raw(RawKeyAgreement),
    /// The shared secret fed to a key derivation.
    WithKeyDerivation {
        /// The agreement.
        agreement: RawKeyAgreement,
        /// The derivation.
        derivation: KeyDerivation,
    },
}

impl KeyAgreement {
    /// The underlying raw agreement.
    pub fn raw(self) -> RawKeyAgreement {
        match self {
            KeyAgreement::Raw(agreement) | KeyAgreement::WithKeyDerivation { agreement, .. } => {
                agreement
            }
        }
    }
}

/// Any algorithm: what a key policy permits, or what an operation uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "proptest", derive(proptest_derive::Arbitrary))]
pub enum Algorithm {
    /// No algorithm: a policy that permits no cryptographic operation.
    None,
    /// A hash.
    Hash(Hash),
    /// A MAC.
    Mac(Mac),
    /// An unauthenticated cipher.
    Cipher(Cipher),
    /// An AEAD.
    Aead(Aead),
    /// An asymmetric signature.
    AsymmetricSignature(AsymmetricSignature),
    /// An asymmetric encryption.
    AsymmetricEncryption(AsymmetricEncryption),
    /// A key agreement.
    KeyAgreement(KeyAgreement),
    /// A key derivation.
    KeyDerivation(KeyDerivation),
}

impl Algorithm {
    /// Whether the algorithm is built on a deprecated hash (MD2, MD4, MD5, SHA-1), wherever it
    /// appears: signature hash, OAEP hash, HMAC hash or KDF hash.
    pub fn is_deprecated(self) -> bool {
        let hash = match self {
            Algorithm::None | Algorithm::Cipher(_) | Algorithm::Aead(_) => None,
            Algorithm::Hash(hash) => Some(hash),
            Algorithm::Mac(mac) => match mac.full_length() {
                FullLengthMac::Hmac { hash } => Some(hash),
                FullLengthMac::CbcMac | FullLengthMac::Cmac => None,
            },
            Algorithm::AsymmetricSignature(sig) => sig.sign_hash().and_then(SignHash::specific),
            Algorithm::AsymmetricEncryption(AsymmetricEncryption::RsaOaep { hash }) => Some(hash),
            Algorithm::AsymmetricEncryption(AsymmetricEncryption::RsaPkcs1v15Crypt) => None,
            Algorithm::KeyAgreement(KeyAgreement::WithKeyDerivation { derivation, .. }) => {
                Some(derivation.hash())
            }
            Algorithm::KeyAgreement(KeyAgreement::Raw(_)) => None,
            Algorithm::KeyDerivation(kdf) => Some(kdf.hash()),
        };
        hash.is_some_and(Hash::is_deprecated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA256: SignHash = SignHash::Specific(Hash::Sha256);

    #[test]
    fn wildcard_policy_permits_any_specific_hash_of_the_same_variant() {
        let policy = AsymmetricSignature::Ecdsa {
            hash: SignHash::Any,
        };
        assert!(policy.permits(AsymmetricSignature::Ecdsa { hash: SHA256 }));
        assert!(!policy.permits(AsymmetricSignature::DeterministicEcdsa { hash: SHA256 }));
        assert!(!policy.permits(AsymmetricSignature::Ecdsa {
            hash: SignHash::Any
        }));
        assert!(!policy.permits(AsymmetricSignature::EcdsaAny));
    }

    #[test]
    fn specific_policy_permits_only_itself() {
        let policy = AsymmetricSignature::RsaPss { hash: SHA256 };
        assert!(policy.permits(policy));
        let sha384 = SignHash::Specific(Hash::Sha384);
        assert!(!policy.permits(AsymmetricSignature::RsaPss { hash: sha384 }));
        let raw = AsymmetricSignature::RsaPkcs1v15SignRaw;
        assert!(raw.permits(raw));
    }

    #[test]
    fn deprecated_hashes_are_found_inside_algorithms() {
        let sha1 = SignHash::Specific(Hash::Sha1);
        let deprecated = [
            Algorithm::AsymmetricSignature(AsymmetricSignature::RsaPss { hash: sha1 }),
            Algorithm::AsymmetricEncryption(AsymmetricEncryption::RsaOaep { hash: Hash::Md5 }),
            Algorithm::Mac(Mac::Truncated {
                mac: FullLengthMac::Hmac { hash: Hash::Md4 },
                length: 8,
            }),
            Algorithm::KeyDerivation(KeyDerivation::Hkdf { hash: Hash::Md2 }),
        ];
        assert!(deprecated.iter().all(|alg| alg.is_deprecated()));
        let sound = Algorithm::AsymmetricSignature(AsymmetricSignature::Ecdsa { hash: SHA256 });
        assert!(!sound.is_deprecated());
        assert!(!Algorithm::Cipher(Cipher::CbcPkcs7).is_deprecated());
    }

    #[test]
    fn hash_lengths_follow_the_contract() {
        assert_eq!(Hash::Sha256.digest_len(), 32);
        assert_eq!(Hash::Sha512_224.digest_len(), 28);
        assert_eq!(Hash::Sha3_384.digest_len(), 48);
        assert_eq!(Hash::Ripemd160.digest_len(), 20);
        assert_eq!(Hash::from_code(0), None);
        assert_eq!(Hash::from_code(16), None);
        assert_eq!(Hash::from_code(7), Some(Hash::Sha256));
    }
}
