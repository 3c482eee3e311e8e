//! Key attributes, as the Parsec contract (`psa_key_attributes.proto`) names them.

use crate::algorithm::Algorithm;

code_enum! {
    /// An elliptic-curve family; the key size selects the curve within it.
    pub enum EccFamily {
        /// SEC Koblitz curves over prime fields: secp192k1, secp224k1 (225 bits), secp256k1.
        SecpK1 = 1,
        /// SEC random curves over prime fields: secp192r1 … secp521r1.
        SecpR1 = 2,
        /// secp160r2 (deprecated).
        SecpR2 = 3,
        /// SEC Koblitz curves over binary fields.
        SectK1 = 4,
        /// SEC random curves over binary fields.
        SectR1 = 5,
        /// sect163r2 (deprecated).
        SectR2 = 6,
        /// Brainpool P random curves.
        BrainpoolPR1 = 7,
        /// FRP256v1.
        Frp = 8,
        /// Curve25519 (255 bits) and Curve448 (448 bits).
        Montgomery = 9,
    }
}

impl EccFamily {
    /// The curve sizes, in bits, that this family defines.
    pub fn curve_bits(self) -> &'static [u32] {
        match self {
            EccFamily::SecpK1 => &[192, 225, 256],
            EccFamily::SecpR1 => &[192, 224, 256, 384, 521],
            EccFamily::SecpR2 => &[160],
            EccFamily::SectK1 => &[163, 233, 239, 283, 409, 571],
            EccFamily::SectR1 => &[163, 233, 283, 409, 571],
            EccFamily::SectR2 => &[163],
            EccFamily::BrainpoolPR1 => &[160, 192, 224, 256, 320, 384, 512],
            EccFamily::Frp => &[256],
            EccFamily::Montgomery => &[255, 448],
        }
    }

    /// Whether a curve of this size is deprecated (the original's table of weak curves).
    pub fn is_deprecated(self, bits: u32) -> bool {
        match self {
            EccFamily::SecpR2 | EccFamily::SectR2 => true,
            EccFamily::SectK1 | EccFamily::SectR1 => bits == 163,
            EccFamily::BrainpoolPR1 => bits == 160,
            _ => false,
        }
    }
}

code_enum! {
    /// A finite-field Diffie-Hellman group family.
    pub enum DhFamily {
        /// The RFC 7919 groups (2048 to 8192 bits).
        Rfc7919 = 0,
    }
}

/// The type of a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "proptest", derive(proptest_derive::Arbitrary))]
pub enum KeyType {
    /// Raw bytes with no cryptographic use.
    RawData,
    /// An HMAC key.
    Hmac,
    /// Input to a key derivation.
    Derive,
    /// An AES key.
    Aes,
    /// A DES or 3DES key (deprecated).
    Des,
    /// A Camellia key.
    Camellia,
    /// An ARC4 key (deprecated).
    Arc4,
    /// A ChaCha20 key.
    Chacha20,
    /// An RSA public key.
    RsaPublicKey,
    /// An RSA key pair.
    RsaKeyPair,
    /// An elliptic-curve key pair.
    EccKeyPair {
        /// The curve family.
        curve_family: EccFamily,
    },
    /// An elliptic-curve public key.
    EccPublicKey {
        /// The curve family.
        curve_family: EccFamily,
    },
    /// A finite-field Diffie-Hellman key pair.
    DhKeyPair {
        /// The group family.
        group_family: DhFamily,
    },
    /// A finite-field Diffie-Hellman public key.
    DhPublicKey {
        /// The group family.
        group_family: DhFamily,
    },
}

impl KeyType {
    /// Whether this is the public half of an asymmetric key.
    pub fn is_public_key(self) -> bool {
        matches!(
            self,
            KeyType::RsaPublicKey | KeyType::EccPublicKey { .. } | KeyType::DhPublicKey { .. }
        )
    }

    /// Whether this is an asymmetric key pair (it holds a private key).
    pub fn is_key_pair(self) -> bool {
        matches!(
            self,
            KeyType::RsaKeyPair | KeyType::EccKeyPair { .. } | KeyType::DhKeyPair { .. }
        )
    }

    /// Whether this is an asymmetric key, public or pair.
    pub fn is_asymmetric(self) -> bool {
        self.is_public_key() || self.is_key_pair()
    }

    /// The public key type of a key pair; a public or symmetric type maps to itself.
    pub fn public_counterpart(self) -> KeyType {
        match self {
            KeyType::RsaKeyPair => KeyType::RsaPublicKey,
            KeyType::EccKeyPair { curve_family } => KeyType::EccPublicKey { curve_family },
            KeyType::DhKeyPair { group_family } => KeyType::DhPublicKey { group_family },
            other => other,
        }
    }

    /// The block length in bytes of a block cipher key type, `None` for other types.
    pub fn cipher_block_len(self) -> Option<usize> {
        match self {
            KeyType::Aes | KeyType::Camellia => Some(16),
            KeyType::Des => Some(8),
            _ => None,
        }
    }

    /// Whether a key of this type may have this size in bits.
    pub fn supports_bits(self, bits: u32) -> bool {
        match self {
            KeyType::Aes | KeyType::Camellia => matches!(bits, 128 | 192 | 256),
            KeyType::Des => matches!(bits, 64 | 128 | 192),
            KeyType::Chacha20 => bits == 256,
            KeyType::Arc4 => (40..=2048).contains(&bits) && bits.is_multiple_of(8),
            KeyType::RsaKeyPair | KeyType::RsaPublicKey => {
                (1024..=16384).contains(&bits) && bits.is_multiple_of(8)
            }
            KeyType::EccKeyPair { curve_family } | KeyType::EccPublicKey { curve_family } => {
                curve_family.curve_bits().contains(&bits)
            }
            // Any size may name a group: which groups exist is the provider's answer
            // (NotSupported for the others, as Mbed TLS answers), not an invalid argument.
            KeyType::DhKeyPair { .. } | KeyType::DhPublicKey { .. } => bits > 0,
            KeyType::RawData | KeyType::Hmac | KeyType::Derive => {
                bits > 0 && bits.is_multiple_of(8)
            }
        }
    }

    /// Whether this key type and size is a deprecated primitive: DES, ARC4, and the weak
    /// curves. (The original only flagged weak curves on public keys; we flag both halves.)
    pub fn is_deprecated(self, bits: u32) -> bool {
        match self {
            KeyType::Des | KeyType::Arc4 => true,
            KeyType::EccKeyPair { curve_family } | KeyType::EccPublicKey { curve_family } => {
                curve_family.is_deprecated(bits)
            }
            _ => false,
        }
    }
}

/// What a key may be used for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "proptest", derive(proptest_derive::Arbitrary))]
pub struct UsageFlags {
    /// The key may be exported (PsaExportKey).
    pub export: bool,
    /// The key may be copied.
    pub copy: bool,
    /// The implementation may cache the key.
    pub cache: bool,
    /// The key may encrypt (asymmetric, cipher, AEAD).
    pub encrypt: bool,
    /// The key may decrypt.
    pub decrypt: bool,
    /// The key may sign messages or compute MACs.
    pub sign_message: bool,
    /// The key may verify message signatures or MACs.
    pub verify_message: bool,
    /// The key may sign hashes (and therefore messages).
    pub sign_hash: bool,
    /// The key may verify hash signatures (and therefore messages).
    pub verify_hash: bool,
    /// The key may be used in a derivation or key agreement.
    pub derive: bool,
}

/// A key's policy: what it may be used for, and with which algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "proptest", derive(proptest_derive::Arbitrary))]
pub struct Policy {
    /// The permitted usages.
    pub usage_flags: UsageFlags,
    /// The one permitted algorithm; may be a wildcard (`SignHash::Any`).
    pub permitted_algorithm: Algorithm,
}

impl Policy {
    /// Whether an operation using `requested` is permitted: the permitted algorithm equals it,
    /// or is a hash-and-sign wildcard matching it. A `None` policy permits nothing, and a
    /// request naming a wildcard is never permitted.
    pub fn permits(&self, requested: Algorithm) -> bool {
        match (self.permitted_algorithm, requested) {
            (Algorithm::None, _) => false,
            (Algorithm::AsymmetricSignature(policy), Algorithm::AsymmetricSignature(wanted)) => {
                policy.permits(wanted)
            }
            (policy, wanted) => policy == wanted,
        }
    }
}

/// The attributes of a key: its type, size and policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "proptest", derive(proptest_derive::Arbitrary))]
pub struct Attributes {
    /// The key type.
    pub key_type: KeyType,
    /// The size in bits; 0 means "take it from the data" on import, "any" in CanDoCrypto.
    pub bits: u32,
    /// The usage policy.
    pub policy: Policy,
}

impl Attributes {
    /// Attributes for a key that signs and verifies (hashes and messages) with `alg`.
    pub fn signing_key(
        key_type: KeyType,
        bits: u32,
        alg: crate::AsymmetricSignature,
    ) -> Attributes {
        let usage_flags = UsageFlags {
            sign_hash: true,
            verify_hash: true,
            sign_message: true,
            verify_message: true,
            ..UsageFlags::default()
        };
        Attributes {
            key_type,
            bits,
            policy: Policy {
                usage_flags,
                permitted_algorithm: Algorithm::AsymmetricSignature(alg),
            },
        }
    }

    /// Whether the key type or its permitted algorithm is a deprecated primitive.
    pub fn is_deprecated(&self) -> bool {
        self.key_type.is_deprecated(self.bits) || self.policy.permitted_algorithm.is_deprecated()
    }
}
