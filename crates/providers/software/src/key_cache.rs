//! Parsed private keys kept between operations, so that a signature does not unseal and
//! parse its key every time (unsealing and parsing cost about twice an RSA-2048 signature and
//! two thirds of a P-256 one: docs/BENCHMARKS.md, 2026-12-07).
//!
//! An entry is found by the sealed blob and served only when the associated data the blob
//! was opened with (owner and name, the [`Binding`], and the canonical attributes) is the
//! same byte for byte: a key is served from here exactly when opening its blob again would
//! succeed and give the same key. A blob whose bytes changed misses and is opened (and
//! refused if tampered); a blob copied under another owner or name misses too. Entries are
//! evicted least recently used first once `capacity` keys are held, and at once when the
//! service destroys the key ([`KeyCache::evict`], called by `KeyLifecycle::destroy`, which
//! the service calls for DestroyKey and for each key of a DeleteClient).
//!
//! Memory: a parsed key is aws-lc's `EVP_PKEY`; dropping the last reference frees it with
//! `EVP_PKEY_free`, and aws-lc's `OPENSSL_free` wipes every allocation it frees. An X25519
//! scalar, and the scalar of a key on a curve OpenSSL runs, is a
//! [`SecretBytes`](psc_psa::SecretBytes), wiped on drop. An RSA key OpenSSL signs with is its
//! `EVP_PKEY`, freed with `EVP_PKEY_free` (OpenSSL clears an RSA key's private numbers when
//! freeing them). A key kept in one engine's form and used with the other engine (an
//! RSA-2048 key signing with SHA-256, then SHA-224) is parsed for that use and not kept.
//! Decryption parses its key each time, whichever the engine. Capacity 0 keeps no
//! key: each operation then parses its key and drops it when done, as before.

use std::fmt;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use aws_lc_rs::rsa::KeyPair as RsaKeyPair;
use lru::LruCache;
use openssl::pkey::{PKey, Private};
use psc_provider_api::ProviderError;

use crate::ecc::EccKey;

/// The number of parsed keys kept by default (`key_cache_size` of the MbedCrypto provider).
pub const DEFAULT_KEY_CACHE_SIZE: usize = 256;

/// A key in the form its operations take.
#[derive(Clone)]
pub(crate) enum Parsed {
    /// An elliptic-curve key pair or public key.
    Ecc(Arc<EccKey>),
    /// An RSA key pair, as aws-lc-rs runs it.
    Rsa(Arc<RsaKeyPair>),
    /// An RSA key pair, as OpenSSL runs it (keys under 2048 bits, the hashes aws-lc-rs
    /// lacks, raw PKCS#1 v1.5: `rsa/ossl.rs`).
    RsaOpenSsl(Arc<PKey<Private>>),
}

/// One kept key and the associated data its blob was opened with.
struct Entry {
    context: Vec<u8>,
    key: Parsed,
}

/// The kept keys, and how many evictions there have been (so that a key parsed while its
/// blob was destroyed is not kept after the destroy).
struct Kept {
    keys: LruCache<Vec<u8>, Entry>,
    evictions: u64,
}

/// A bounded, least-recently-used map from sealed blob to parsed key.
pub(crate) struct KeyCache {
    /// `None` when the capacity is 0: nothing is ever kept.
    entries: Option<Mutex<Kept>>,
}

impl KeyCache {
    /// A cache of at most `capacity` keys; 0 turns it off.
    pub(crate) fn new(capacity: usize) -> KeyCache {
        KeyCache {
            entries: NonZeroUsize::new(capacity).map(|cap| {
                Mutex::new(Kept {
                    keys: LruCache::new(cap),
                    evictions: 0,
                })
            }),
        }
    }

    /// The key of `blob` opened with `context`: from the cache, or made by `open` (which
    /// unseals and parses) and kept. A failure of `open` keeps nothing, and neither does an
    /// `open` during which a key was evicted (it may have been this one, destroyed by another
    /// thread: the destroyed key must not come back).
    pub(crate) fn get_or_open(
        &self,
        blob: &[u8],
        context: Vec<u8>,
        open: impl FnOnce() -> Result<Parsed, ProviderError>,
    ) -> Result<Parsed, ProviderError> {
        let Some(entries) = &self.entries else {
            return open();
        };
        let evictions = {
            let mut kept = lock(entries);
            if let Some(entry) = kept.keys.get(blob)
                && entry.context == context
            {
                return Ok(entry.key.clone());
            }
            kept.evictions
        };
        // Parsed outside the lock: other threads' keys are not held up by this one.
        let key = open()?;
        let mut kept = lock(entries);
        if kept.evictions == evictions {
            let entry = Entry {
                context,
                key: key.clone(),
            };
            kept.keys.put(blob.to_vec(), entry);
        }
        Ok(key)
    }

    /// Forgets the key of `blob`, if kept.
    pub(crate) fn evict(&self, blob: &[u8]) {
        if let Some(entries) = &self.entries {
            let mut kept = lock(entries);
            kept.keys.pop(blob);
            kept.evictions = kept.evictions.wrapping_add(1);
        }
    }

    /// How many keys are kept.
    pub(crate) fn len(&self) -> usize {
        self.entries
            .as_ref()
            .map_or(0, |entries| lock(entries).keys.len())
    }

    /// Whether the key of `blob` is kept.
    #[cfg(test)]
    pub(crate) fn contains(&self, blob: &[u8]) -> bool {
        self.entries
            .as_ref()
            .is_some_and(|entries| lock(entries).keys.contains(blob))
    }
}

/// A panic elsewhere cannot leave the map inconsistent (no callback runs under the lock), so
/// a poisoned lock is taken as is: eviction on destroy must keep working.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.entries {
            Some(entries) => {
                let kept = lock(entries);
                write!(
                    f,
                    "KeyCache {{ capacity: {}, len: {} }}",
                    kept.keys.cap(),
                    kept.keys.len()
                )
            }
            None => f.write_str("KeyCache { off }"),
        }
    }
}

#[cfg(test)]
mod tests;
