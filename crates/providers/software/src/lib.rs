//! The software provider: PSA Crypto in process with aws-lc-rs, and OpenSSL 3 for the RSA
//! work aws-lc-rs refuses.
//!
//! This is the default back end, the one the tests, fuzzing and benchmarks run against. It
//! keeps no key store of its own: a key's private material is sealed (AES-256-GCM) under a
//! host master key and handed to the service as the key's blob, bound to the key's owner and
//! name (the service's [`Binding`](psc_provider_api::Binding)) and to its attributes. The
//! master key is one 32-byte file, mode 0600, created on first start.
//!
//! What it supports (each family module documents its details; CanDoCrypto answers from
//! the same predicates the operations use, so the two always agree):
//!
//! | family | keys | algorithms |
//! |---|---|---|
//! | RSA (`rsa.rs`) | 1024, 2048, 3072, 4096 generated, 1024–8192 imported (`min_rsa_bits` may raise the floor); PKCS#1 DER | PKCS#1 v1.5 and PSS signatures with every hash but MD2/MD4, raw PKCS#1 v1.5 signatures, PKCS#1 v1.5 and OAEP encryption (every hash but MD2/MD4, with label) |
//! | elliptic curves (`ecc.rs`) | SECP-R1 192/224/256/384/521, SECP-K1 192/256, Brainpool P-R1 160/192/224/256/320/384/512, X25519, X448 | ECDSA (randomized, deterministic RFC 6979 but not on the curves OpenSSL runs, any-length; every hash but MD2/MD4), ECDH |
//! | finite-field DH (`dh.rs`) | RFC 7919 ffdhe2048/3072/4096/6144/8192 | raw FFDH |
//! | symmetric (`symmetric.rs`) | AES-128/192/256, Camellia-128/192/256, ChaCha20, HMAC, derive, raw data | GCM, CCM, ChaCha20-Poly1305 (shortened tags); CTR, CBC (none/PKCS#7), CFB, OFB, ECB, ChaCha20; HMAC (SHA-1, SHA-2, SHA-3, MD5, RIPEMD-160), CMAC (AES), truncated MACs |
//! | hashes (`hash.rs`) | — | MD5, RIPEMD-160, SHA-1, SHA-2 (all six), SHA-3 |
//!
//! Not supported, answering `NotSupported`: MD2 and MD4 anywhere, RSA keys under 1024 bits,
//! DES, ARC4, XTS, CBC-MAC, CMAC over Camellia, secp224k1, SECP-R2, the binary (SECT) curves
//! and FRP.
//!
//! ## Engines: aws-lc-rs, and OpenSSL 3 for what it lacks
//!
//! aws-lc-rs does what it does well: RSA of 2048 bits and more with SHA-256/384/512
//! signatures and SHA-1/SHA-2 OAEP, P-256/384/521 and X25519. OpenSSL also runs the curves
//! aws-lc-rs lacks (SECP-R1 192/224, SECP-K1 192, Brainpool P-R1: `ecc/ossl.rs`; X448:
//! `ecc/x448.rs`), finite-field Diffie-Hellman (`dh.rs`) and the Camellia cipher modes
//! (`symmetric/camellia.rs`); Camellia's GCM and CCM, which OpenSSL lacks, run on RustCrypto's
//! `camellia` block cipher. aws-lc-rs refuses RSA keys under
//! 2048 bits, has no RSA encoding for SHA-224, SHA-512/224, SHA-512/256, SHA-3, RIPEMD-160
//! or MD5, and exposes no raw RSA private-key operation for the raw PKCS#1 v1.5 signature.
//! The original (Mbed TLS) serves all of these, and existing applications use them. For
//! exactly that remainder the provider calls OpenSSL 3 through the `openssl` crate
//! (`rsa/ossl.rs`), chosen because:
//!
//! - its RSA private-key operation is constant-time and blinded, as aws-lc's (a fork of
//!   it) is; the RustCrypto `rsa` crate is not (RUSTSEC-2023-0071, unfixed), and writing
//!   our own RSA is out of the question;
//! - it covers every RSA variant PSA names (all sizes, hashes and paddings) with one
//!   maintained, FIPS-validated-lineage library, where any other engine would cover part;
//! - it is already in the process once the TPM provider (tpm2-tss) is built in, and on
//!   every machine that has `openssl` (libssl3); building needs `libssl-dev` and
//!   `pkg-config`, which `scripts/test` installs.
//!
//! Against it: a second C library in the software provider (linked dynamically, so the
//! system's security updates apply to it), and OpenSSL 3.0's PKCS#1 v1.5 decryption,
//! like every PKCS#1 v1.5 decryptor that reports bad padding, is a padding oracle
//! (`rsa/encryption.rs`). Keys keep one sealed form (PKCS#8) whichever engine made them.
//! Keys under 2048 bits are served with a warning in the log at generation and import
//! (never the key itself); the `min_rsa_bits` option refuses them (see
//! [`SoftwareProvider::with_min_rsa_bits`]).
//!
//! | file | concern |
//! |---|---|
//! | `master_key.rs` | loading or creating the master key file |
//! | `check_value.rs` | the master key's check value, recorded in the key store |
//! | `seal.rs` | the sealed blob format |
//! | `key_cache.rs` | parsed keys kept between operations, bounded, evicted on destroy |
//! | `keys.rs` | [`KeyLifecycle`]: routes by key type |
//! | `sign.rs` | [`SignHash`], [`SignMessage`]: route by algorithm (a message is hashed by the shared hasher) |
//! | `crypt.rs` | asymmetric encryption, AEAD, ciphers, MACs: route to the family |
//! | `agreement.rs` | raw key agreement |
//! | `dh.rs`, `dh/` | finite-field Diffie-Hellman (the RFC 7919 groups' parameters) |
//! | `hash.rs`, `random.rs` | hashes, random bytes |
//! | `can_do.rs` | CanDoCrypto |
//! | `cost.rs` | how long each request takes: where the service runs it |
//! | `ecc.rs`, `ecdsa.rs`, `ecc/` | elliptic curves |
//! | `rsa.rs`, `rsa/` | RSA |
//! | `symmetric.rs`, `symmetric/` | symmetric keys |
//!
//! ```
//! use psc_provider_api::{Binding, KeyRef, Provider};
//! use psc_provider_software::SoftwareProvider;
//! use psc_psa::{AsymmetricSignature, Attributes, EccFamily, Hash, KeyType, SignHash};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = std::env::temp_dir().join(format!("psc-doc-{}", std::process::id()));
//! let provider = SoftwareProvider::open(&dir.join("master.key"))?;
//! let alg = AsymmetricSignature::Ecdsa { hash: SignHash::Specific(Hash::Sha256) };
//! let ecc = KeyType::EccKeyPair { curve_family: EccFamily::SecpR1 };
//! let binding = Binding(b"owner/key-name");
//!
//! let lifecycle = provider.key_lifecycle().ok_or("no key lifecycle")?;
//! let key = lifecycle.generate(&Attributes::signing_key(ecc, 256, alg), binding)?;
//! let key = KeyRef { attributes: &key.attributes, blob: &key.blob };
//!
//! let signer = provider.sign_hash().ok_or("no signing")?;
//! let hash = [0x5a; 32];
//! let signature = signer.sign_hash(key, binding, alg, &hash)?;
//! assert_eq!(signature.len(), 64);
//! signer.verify_hash(key, binding, alg, &hash, &signature)?;
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! ```

use std::path::Path;

use psc_provider_api::{
    AeadCrypt, AsymmetricCrypt, Check, CipherCrypt, Cost, HashCompute, KeyLifecycle, MacCompute,
    Operation, Provider, ProviderError, ProviderInfo, RandomSource, RawAgreement, RootCheck,
    SignHash, SignMessage,
};
use psc_psa::Attributes;
use uuid::Uuid;

mod agreement;
mod can_do;
mod check_value;
mod cost;
mod crypt;
mod dh;
mod ecc;
mod ecdsa;
mod hash;
mod key_cache;
mod keys;
mod master_key;
mod options;
mod random;
mod rsa;
mod seal;
mod sign;
mod symmetric;

pub use key_cache::DEFAULT_KEY_CACHE_SIZE;
pub use master_key::OpenError;
pub use options::{DEFAULT_MASTER_KEY_NAME, MAX_KEY_CACHE_SIZE, SoftwareOptions};

use key_cache::KeyCache;
use seal::Sealer;

/// The UUID this provider reports in ListProviders: the original's Mbed Crypto provider's,
/// because it serves provider ID 1 in its place and applications written for the original
/// find their software provider by this UUID. The description and vendor say what it is.
pub const SOFTWARE_PROVIDER_UUID: Uuid = Uuid::from_u128(0x1c11_39dc_ad7c_47dc_ad6b_db6f_db46_6552);

/// The software provider. Holds the master key (inside the cipher, never printed) and the
/// parsed keys recently used (`key_cache.rs`): it is cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct SoftwareProvider {
    sealer: Sealer,
    check: RootCheck,
    cache: KeyCache,
    /// The smallest RSA key served (`min_rsa_bits`).
    min_rsa_bits: u32,
}

/// The default of the `min_rsa_bits` option: 1024, the smallest RSA key served, as the
/// original serves it (with a warning for each key under 2048 bits).
pub const DEFAULT_MIN_RSA_BITS: u32 = rsa::MIN_BITS;
/// The largest value `min_rsa_bits` may take: the largest RSA key served.
pub const MAX_MIN_RSA_BITS: u32 = rsa::MAX_BITS;

impl SoftwareProvider {
    /// Opens the provider with the master key at `master_key_path`, creating the key (random,
    /// mode 0600, its directory mode 0700) if the file does not exist.
    ///
    /// # Errors
    /// [`OpenError::Permissions`] when group or others may access the file (the message says
    /// to `chmod 600` it), [`OpenError::WrongSize`] when it does not hold 32 bytes,
    /// [`OpenError::Io`] when it cannot be read or created.
    pub fn open(master_key_path: &Path) -> Result<SoftwareProvider, OpenError> {
        SoftwareProvider::open_for_store(master_key_path, true, DEFAULT_KEY_CACHE_SIZE)
    }

    /// Opens the provider as [`open`](Self::open) does, but creates a missing master key only
    /// when `store_is_empty` (the key store holds none of this provider's keys): otherwise a
    /// missing file is [`OpenError::Missing`], never silently replaced. At most
    /// `key_cache_size` parsed keys are kept between operations (0: none, every operation
    /// unseals and parses its key).
    ///
    /// # Errors
    /// As [`open`](Self::open), and [`OpenError::Missing`].
    pub fn open_for_store(
        master_key_path: &Path,
        store_is_empty: bool,
        key_cache_size: usize,
    ) -> Result<SoftwareProvider, OpenError> {
        let key = master_key::load_or_create(master_key_path, store_is_empty)?;
        Ok(SoftwareProvider {
            sealer: Sealer::new(&key)?,
            check: RootCheck {
                value: check_value::of(&key),
                source: format!("master key file {}", master_key_path.display()),
            },
            cache: KeyCache::new(key_cache_size),
            min_rsa_bits: DEFAULT_MIN_RSA_BITS,
        })
    }

    /// Refuses RSA keys under `bits` (the `min_rsa_bits` option, default
    /// [`DEFAULT_MIN_RSA_BITS`]): generating or importing one, using one made before, and
    /// CanDoCrypto for one answer `NotSupported`; exporting one still works. Values under
    /// the default are taken as the default.
    #[must_use]
    pub fn with_min_rsa_bits(mut self, bits: u32) -> SoftwareProvider {
        self.min_rsa_bits = bits.max(DEFAULT_MIN_RSA_BITS);
        self
    }

    /// How many parsed keys are kept now.
    pub fn cached_keys(&self) -> usize {
        self.cache.len()
    }
}

impl Provider for SoftwareProvider {
    fn info(&self) -> ProviderInfo {
        ProviderInfo {
            uuid: SOFTWARE_PROVIDER_UUID,
            description: "Software provider: PSA Crypto in process with aws-lc-rs (OpenSSL 3 for \
                          legacy sizes and curves), keys sealed at rest under a host master key"
                .into(),
            vendor: "psc".into(),
            version: (0, 1, 0),
        }
    }

    fn key_lifecycle(&self) -> Option<&dyn KeyLifecycle> {
        Some(self)
    }

    fn sign_hash(&self) -> Option<&dyn SignHash> {
        Some(self)
    }

    fn sign_message(&self) -> Option<&dyn SignMessage> {
        Some(self)
    }

    fn asymmetric_crypt(&self) -> Option<&dyn AsymmetricCrypt> {
        Some(self)
    }

    fn aead(&self) -> Option<&dyn AeadCrypt> {
        Some(self)
    }

    fn cipher(&self) -> Option<&dyn CipherCrypt> {
        Some(self)
    }

    fn mac(&self) -> Option<&dyn MacCompute> {
        Some(self)
    }

    fn hash(&self) -> Option<&dyn HashCompute> {
        Some(self)
    }

    fn key_agreement(&self) -> Option<&dyn RawAgreement> {
        Some(self)
    }

    fn random(&self) -> Option<&dyn RandomSource> {
        Some(self)
    }

    fn can_do(&self, check: Check, attributes: &Attributes) -> Result<(), ProviderError> {
        can_do::can_do(check, attributes, self.min_rsa_bits)
    }

    fn root_check(&self) -> Option<RootCheck> {
        Some(self.check.clone())
    }

    fn cost(&self, operation: Operation, key: Option<&Attributes>) -> Cost {
        cost::cost(operation, key)
    }
}
