//! Tokens already verified against one bundle snapshot, so that a client sending the same
//! JWT-SVID on every request pays for one signature check, not one per request.
//!
//! Entries are keyed by the token's SHA-256 (a client cannot make a different token collide
//! with a verified one) and hold the identity and the token's `exp`; a hit after
//! `exp + leeway` is a miss. The cache belongs to its snapshot, so a new bundle starts with an
//! empty one: a key removed from the bundle stops vouching at once. It holds at most
//! [`CAPACITY`] entries: when full, expired ones are dropped, and if none are, all are.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use sha2::{Digest, Sha256};

use super::token::Verified;

/// The most tokens remembered per snapshot.
pub(super) const CAPACITY: usize = 4096;

/// Verified tokens by digest.
#[derive(Debug, Default)]
pub(super) struct Cache {
    // Held only for one map operation, never across a verification.
    entries: Mutex<HashMap<[u8; 32], Verified>>,
}

impl Cache {
    /// The digest a token is remembered by.
    pub(super) fn digest(token: &[u8]) -> [u8; 32] {
        Sha256::digest(token).into()
    }

    /// The identity of a verified token still valid at `now` (Unix seconds).
    pub(super) fn get(&self, digest: &[u8; 32], now: u64, leeway_s: u64) -> Option<String> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let hit = entries.get(digest)?;
        (now <= hit.exp.saturating_add(leeway_s)).then(|| hit.spiffe_id.clone())
    }

    /// Remembers a verified token.
    pub(super) fn insert(&self, digest: [u8; 32], verified: Verified, now: u64, leeway_s: u64) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CAPACITY {
            entries.retain(|_, v| now <= v.exp.saturating_add(leeway_s));
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(digest, verified);
    }

    /// How many tokens it holds.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}
