//! The checks every provider relies on, made once by the dispatcher before any provider runs:
//! does the key's policy allow this use, and does the algorithm fit the key's type and size.

use std::fmt;

use crate::Status;
use crate::algorithm::{
    AeadAlg, Algorithm, AsymmetricEncryption, AsymmetricSignature, Cipher, FullLengthMac,
    KeyAgreement, Mac, RawKeyAgreement,
};
use crate::key::{Attributes, EccFamily, KeyType, UsageFlags};

/// A use of a key, matched against its usage flags.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Usage {
    /// Export of the key material (PsaExportKey).
    Export,
    /// Encryption: asymmetric, cipher or AEAD.
    Encrypt,
    /// Decryption: asymmetric, cipher or AEAD.
    Decrypt,
    /// Signing a message, or computing a MAC.
    SignMessage,
    /// Verifying a message signature or a MAC.
    VerifyMessage,
    /// Signing a hash.
    SignHash,
    /// Verifying a signature over a hash.
    VerifyHash,
    /// Key agreement or derivation.
    Derive,
}

impl UsageFlags {
    /// Whether these flags allow `usage`. The hash flags imply their message counterparts.
    pub fn allows(&self, usage: Usage) -> bool {
        match usage {
            Usage::Export => self.export,
            Usage::Encrypt => self.encrypt,
            Usage::Decrypt => self.decrypt,
            Usage::SignMessage => self.sign_message || self.sign_hash,
            Usage::VerifyMessage => self.verify_message || self.verify_hash,
            Usage::SignHash => self.sign_hash,
            Usage::VerifyHash => self.verify_hash,
            Usage::Derive => self.derive,
        }
    }
}

/// Why a key may not be used as requested.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyError {
    /// The key's usage flags do not allow this use.
    UsageNotAllowed(Usage),
    /// The key's policy does not permit this algorithm.
    AlgorithmNotPermitted,
    /// The algorithm does not fit the key's type or size.
    IncompatibleAlgorithm,
    /// An AEAD tag length the construction does not define ([`crate::Aead::has_valid_tag`]).
    InvalidTagLength,
    /// The input has the wrong length for the algorithm (e.g. a hash of the wrong size).
    InvalidLength {
        /// The length the algorithm needs.
        expected: usize,
        /// The length received.
        actual: usize,
    },
}

impl PolicyError {
    /// The status the protocol answers for this refusal.
    pub fn status(self) -> Status {
        match self {
            PolicyError::UsageNotAllowed(_)
            | PolicyError::AlgorithmNotPermitted
            | PolicyError::IncompatibleAlgorithm => Status::PsaErrorNotPermitted,
            PolicyError::InvalidLength { .. } | PolicyError::InvalidTagLength => {
                Status::PsaErrorInvalidArgument
            }
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::UsageNotAllowed(usage) => {
                write!(f, "the key's usage flags do not allow {usage:?}")
            }
            PolicyError::AlgorithmNotPermitted => {
                f.write_str("the key's policy forbids the algorithm")
            }
            PolicyError::IncompatibleAlgorithm => {
                f.write_str("the algorithm does not fit the key's type and size")
            }
            PolicyError::InvalidTagLength => {
                f.write_str("the AEAD tag length is not one its construction defines")
            }
            PolicyError::InvalidLength { expected, actual } => {
                write!(
                    f,
                    "input of {actual} bytes where the algorithm needs {expected}"
                )
            }
        }
    }
}

impl std::error::Error for PolicyError {}

impl Attributes {
    /// Checks that this key may be used for `usage` with `alg`: the usage flag, the policy's
    /// permitted algorithm, then the fit of the algorithm to the key, in the original's order.
    ///
    /// # Errors
    /// The first check that fails, as a [`PolicyError`].
    pub fn check_use(&self, usage: Usage, alg: Algorithm) -> Result<(), PolicyError> {
        if !self.policy.usage_flags.allows(usage) {
            return Err(PolicyError::UsageNotAllowed(usage));
        }
        if !self.policy.permits(alg) {
            return Err(PolicyError::AlgorithmNotPermitted);
        }
        if !self.is_compatible_with(alg) {
            return Err(PolicyError::IncompatibleAlgorithm);
        }
        if let Algorithm::Aead(aead) = alg
            && !aead.has_valid_tag()
        {
            return Err(PolicyError::InvalidTagLength);
        }
        Ok(())
    }

    /// [`check_use`](Self::check_use) for signing a hash, plus the hash length check.
    ///
    /// # Errors
    /// The first check that fails, as a [`PolicyError`].
    pub fn check_sign_hash(
        &self,
        alg: AsymmetricSignature,
        hash: &[u8],
    ) -> Result<(), PolicyError> {
        self.check_use(Usage::SignHash, Algorithm::AsymmetricSignature(alg))?;
        check_hash_len(alg, hash)
    }

    /// [`check_use`](Self::check_use) for verifying a signature over a hash, plus the hash
    /// length check.
    ///
    /// # Errors
    /// The first check that fails, as a [`PolicyError`].
    pub fn check_verify_hash(
        &self,
        alg: AsymmetricSignature,
        hash: &[u8],
    ) -> Result<(), PolicyError> {
        self.check_use(Usage::VerifyHash, Algorithm::AsymmetricSignature(alg))?;
        check_hash_len(alg, hash)
    }

    /// Whether `alg` fits this key's type and size. The permitted algorithm of a policy is
    /// checked with the same rule, so a policy naming a wildcard hash is compatible when the
    /// variant is.
    pub fn is_compatible_with(&self, alg: Algorithm) -> bool {
        let bits = self.bits;
        match (self.key_type, alg) {
            (KeyType::RsaKeyPair | KeyType::RsaPublicKey, Algorithm::AsymmetricSignature(sig)) => {
                sig.is_rsa() && rsa_fits_signature(bits, sig)
            }
            (KeyType::RsaKeyPair | KeyType::RsaPublicKey, Algorithm::AsymmetricEncryption(enc)) => {
                rsa_fits_encryption(bits, enc)
            }
            (
                KeyType::EccKeyPair { curve_family } | KeyType::EccPublicKey { curve_family },
                alg,
            ) => ecc_fits(curve_family, alg),
            (
                KeyType::DhKeyPair { .. } | KeyType::DhPublicKey { .. },
                Algorithm::KeyAgreement(ka),
            ) => ka.raw() == RawKeyAgreement::Ffdh,
            (KeyType::Hmac, Algorithm::Mac(mac)) => {
                matches!(mac.full_length(), FullLengthMac::Hmac { .. }) && mac_length_fits(mac, 0)
            }
            (KeyType::Aes | KeyType::Camellia | KeyType::Des, Algorithm::Mac(mac)) => {
                !matches!(mac.full_length(), FullLengthMac::Hmac { .. })
                    && mac_length_fits(mac, self.key_type.cipher_block_len().unwrap_or(0))
            }
            (KeyType::Aes | KeyType::Camellia, Algorithm::Cipher(cipher)) => {
                cipher != Cipher::StreamCipher
            }
            (KeyType::Des, Algorithm::Cipher(cipher)) => {
                !matches!(cipher, Cipher::StreamCipher | Cipher::Xts)
            }
            (KeyType::Aes | KeyType::Camellia, Algorithm::Aead(aead)) => {
                matches!(aead.construction(), AeadAlg::Ccm | AeadAlg::Gcm)
            }
            (KeyType::Chacha20, Algorithm::Cipher(cipher)) => cipher == Cipher::StreamCipher,
            (KeyType::Chacha20, Algorithm::Aead(aead)) => {
                aead.construction() == AeadAlg::Chacha20Poly1305
            }
            (KeyType::Arc4, Algorithm::Cipher(cipher)) => cipher == Cipher::StreamCipher,
            (KeyType::Derive, Algorithm::KeyDerivation(_)) => true,
            _ => false,
        }
    }
}

/// Checks the length of a hash given to a hash-and-sign algorithm: it must be the digest size
/// of the algorithm's specific hash. The raw variants accept any length.
///
/// # Errors
/// [`PolicyError::InvalidLength`] when the length does not match.
pub fn check_hash_len(alg: AsymmetricSignature, hash: &[u8]) -> Result<(), PolicyError> {
    match alg.sign_hash().and_then(crate::SignHash::specific) {
        Some(specific) if specific.digest_len() != hash.len() => Err(PolicyError::InvalidLength {
            expected: specific.digest_len(),
            actual: hash.len(),
        }),
        _ => Ok(()),
    }
}

/// Size, in bytes, of an RSA modulus of `bits` (0 = unknown size: assume it fits).
fn rsa_bytes(bits: u32) -> usize {
    usize::try_from(bits.div_ceil(8)).unwrap_or(usize::MAX)
}

fn rsa_fits_signature(bits: u32, sig: AsymmetricSignature) -> bool {
    let Some(hash) = sig.sign_hash().and_then(crate::SignHash::specific) else {
        return true;
    };
    if bits == 0 {
        return true;
    }
    let needed = match sig {
        // EMSA-PSS: emLen >= hLen + sLen + 2. The salt is the hash's length where that fits,
        // else the longest that does, down to hLen - 2 (Mbed TLS's rule, which the original
        // follows: RSA-1024 signs PSS with SHA-512 and a 62-byte salt).
        AsymmetricSignature::RsaPss { .. } => 2 * hash.digest_len(),
        // EMSA-PKCS1-v1_5: a DigestInfo header of at most 19 bytes plus 11 bytes of padding.
        _ => hash.digest_len() + 19 + 11,
    };
    rsa_bytes(bits) >= needed
}

fn rsa_fits_encryption(bits: u32, enc: AsymmetricEncryption) -> bool {
    match enc {
        AsymmetricEncryption::RsaPkcs1v15Crypt => true,
        // OAEP needs room for two hashes, two bytes and at least one byte of message.
        AsymmetricEncryption::RsaOaep { hash } => {
            bits == 0 || rsa_bytes(bits) > 2 * hash.digest_len() + 2
        }
    }
}

fn ecc_fits(family: EccFamily, alg: Algorithm) -> bool {
    match alg {
        Algorithm::AsymmetricSignature(sig) => family != EccFamily::Montgomery && sig.is_ecdsa(),
        Algorithm::KeyAgreement(KeyAgreement::Raw(raw))
        | Algorithm::KeyAgreement(KeyAgreement::WithKeyDerivation { agreement: raw, .. }) => {
            raw == RawKeyAgreement::Ecdh
        }
        _ => false,
    }
}

/// A truncated MAC keeps between 4 bytes and its full length. `block_len` is the cipher
/// block size for cipher-based MACs, ignored for HMAC.
fn mac_length_fits(mac: Mac, block_len: usize) -> bool {
    match mac {
        Mac::FullLength(_) => true,
        Mac::Truncated { mac, length } => {
            let length = usize::try_from(length).unwrap_or(usize::MAX);
            (4..=mac.len(block_len)).contains(&length)
        }
    }
}

/// The tag lengths each AEAD allows, per its specification.
#[cfg(test)]
mod tests;
