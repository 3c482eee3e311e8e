//! A key's blob, as the key store keeps it: the key's TPM public area and its private area
//! wrapped by the TPM under the storage primary key (nothing is made persistent in the TPM,
//! so keys survive daemon restarts and TPM resets), and a random seed from which the key's
//! authorization is derived together with the key's owner and attributes.
//!
//! ```text
//! blob := "PSCT" version:u8 (1) kind:u8 (1 key pair, 2 public key) seed:[32]
//!         public_len:u16 TPMT_PUBLIC private_len:u16 TPM2B_PRIVATE-contents check:[32]
//! auth  = SHA-256("psc-tpm key auth v1" ‖ seed ‖ len32(binding) ‖ binding ‖ attributes)
//! check = SHA-256("psc-tpm key check v1" ‖ seed ‖ len32(binding) ‖ binding ‖ attributes
//!                 ‖ public ‖ private)
//! ```
//!
//! `attributes` is `Attributes::canonical_bytes`. The TPM holds `auth` inside the wrapped
//! private area: a blob copied to another owner's row, or whose attributes were edited on
//! disk, derives another authorization and the TPM refuses it; `check` answers the same
//! question first, without the TPM, so that such a blob is reported as corrupt (and never
//! counts against the TPM's dictionary-attack lockout).

use psc_provider_api::{Binding, ProviderError};
use psc_psa::Attributes;
use sha2::{Digest, Sha256};
use tss_esapi::structures::Public;
use tss_esapi::traits::{Marshall, UnMarshall};
use zeroize::Zeroizing;

const MAGIC: &[u8; 4] = b"PSCT";
const VERSION: u8 = 1;
const SEED_LEN: usize = 32;
const CHECK_LEN: usize = 32;

/// What a blob holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A key pair: the private area is present.
    Pair = 1,
    /// A public key: the private area is empty.
    Public = 2,
}

/// A parsed blob.
pub(crate) struct Blob {
    pub(crate) kind: Kind,
    pub(crate) seed: [u8; SEED_LEN],
    pub(crate) public: Public,
    pub(crate) private: Vec<u8>,
}

impl Blob {
    /// The blob's bytes, with the check for `binding` and `attributes`.
    pub(crate) fn encode(
        &self,
        binding: Binding<'_>,
        attributes: &Attributes,
    ) -> Result<Vec<u8>, ProviderError> {
        let public = self
            .public
            .marshall()
            .map_err(|e| ProviderError::Other(format!("cannot marshal TPMT_PUBLIC: {e}")))?;
        let mut out = Vec::with_capacity(8 + SEED_LEN + public.len() + self.private.len() + 36);
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.push(self.kind as u8);
        out.extend_from_slice(&self.seed);
        push_sized(&mut out, &public)?;
        push_sized(&mut out, &self.private)?;
        out.extend_from_slice(&check(
            &self.seed,
            binding,
            attributes,
            &public,
            &self.private,
        ));
        Ok(out)
    }

    /// Parses `bytes` and checks it belongs to `binding` with `attributes`.
    ///
    /// # Errors
    /// `CorruptKey` for bytes that are not a blob, or a blob for another owner or other
    /// attributes.
    pub(crate) fn decode(
        bytes: &[u8],
        binding: Binding<'_>,
        attributes: &Attributes,
    ) -> Result<Blob, ProviderError> {
        let corrupt = |why: &str| ProviderError::CorruptKey(format!("TPM key blob: {why}"));
        let rest = bytes
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| corrupt("not a TPM key blob"))?;
        let (&version, rest) = rest.split_first().ok_or_else(|| corrupt("truncated"))?;
        if version != VERSION {
            return Err(corrupt(&format!("unknown version {version}")));
        }
        let (&kind, rest) = rest.split_first().ok_or_else(|| corrupt("truncated"))?;
        let kind = match kind {
            1 => Kind::Pair,
            2 => Kind::Public,
            _ => return Err(corrupt("unknown kind")),
        };
        let (seed, rest) = rest
            .split_at_checked(SEED_LEN)
            .ok_or_else(|| corrupt("truncated"))?;
        let (public_bytes, rest) = take_sized(rest).ok_or_else(|| corrupt("truncated"))?;
        let (private, rest) = take_sized(rest).ok_or_else(|| corrupt("truncated"))?;
        if rest.len() != CHECK_LEN {
            return Err(corrupt("wrong length"));
        }
        let seed: [u8; SEED_LEN] = seed.try_into().map_err(|_| corrupt("truncated"))?;
        let expected = check(&seed, binding, attributes, public_bytes, private);
        if !constant_time_eq(&expected, rest) {
            return Err(corrupt(
                "made for another owner, name or attributes (its check value differs)",
            ));
        }
        if (kind == Kind::Pair) == private.is_empty() {
            return Err(corrupt("private area does not match its kind"));
        }
        let public =
            Public::unmarshall(public_bytes).map_err(|_| corrupt("TPMT_PUBLIC does not parse"))?;
        Ok(Blob {
            kind,
            seed,
            public,
            private: private.to_vec(),
        })
    }

    /// The key's authorization value, for `binding` and `attributes`.
    pub(crate) fn auth(&self, binding: Binding<'_>, attributes: &Attributes) -> Zeroizing<Vec<u8>> {
        auth(&self.seed, binding, attributes)
    }
}

/// The authorization a key made from `seed` for `binding` and `attributes` carries.
pub(crate) fn auth(
    seed: &[u8; SEED_LEN],
    binding: Binding<'_>,
    attributes: &Attributes,
) -> Zeroizing<Vec<u8>> {
    let mut hasher = Sha256::new();
    hasher.update(b"psc-tpm key auth v1");
    bound(&mut hasher, seed, binding, attributes);
    Zeroizing::new(hasher.finalize().to_vec())
}

fn check(
    seed: &[u8; SEED_LEN],
    binding: Binding<'_>,
    attributes: &Attributes,
    public: &[u8],
    private: &[u8],
) -> [u8; CHECK_LEN] {
    let mut hasher = Sha256::new();
    hasher.update(b"psc-tpm key check v1");
    bound(&mut hasher, seed, binding, attributes);
    hasher.update(public);
    hasher.update(private);
    hasher.finalize().into()
}

fn bound(hasher: &mut Sha256, seed: &[u8], binding: Binding<'_>, attributes: &Attributes) {
    hasher.update(seed);
    let len = u32::try_from(binding.0.len()).unwrap_or(u32::MAX);
    hasher.update(len.to_be_bytes());
    hasher.update(binding.0);
    hasher.update(attributes.canonical_bytes());
}

fn push_sized(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), ProviderError> {
    let len = u16::try_from(bytes.len())
        .map_err(|_| ProviderError::Other("a TPM structure over 64 KiB".into()))?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(bytes);
    Ok(())
}

fn take_sized(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let (len, rest) = bytes.split_at_checked(2)?;
    let len = usize::from(u16::from_be_bytes([len[0], len[1]]));
    rest.split_at_checked(len)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
