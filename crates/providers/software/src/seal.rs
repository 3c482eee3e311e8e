//! Sealing key material at rest: AES-256-GCM under the master key, bound to the key's owner
//! and attributes.
//!
//! A blob is `version (0x01) ‖ nonce (12 bytes, random) ‖ ciphertext ‖ tag (16 bytes)`. The
//! associated data is
//!
//! ```text
//! "psc-sealed-key-v1" ‖ binding length (u32 little-endian) ‖ binding ‖ attributes.canonical_bytes()
//! ```
//!
//! so a blob copied to another owner's entry, or paired with other attributes (a widened
//! policy, another key type), fails to open with [`ProviderError::CorruptKey`]. The length
//! prefix keeps the binding and the attributes from sliding into each other.

use std::fmt;

use aws_lc_rs::aead::{AES_256_GCM, Aad, NONCE_LEN, Nonce, RandomizedNonceKey};
use psc_provider_api::{Binding, ProviderError};
use psc_psa::{Attributes, SecretBytes};
use zeroize::Zeroizing;

use crate::master_key::{MasterKeyBytes, OpenError};

/// The blob format version this code writes and reads.
const BLOB_VERSION: u8 = 1;
/// Domain separation for the associated data; names the blob format it belongs to.
const AAD_LABEL: &[u8] = b"psc-sealed-key-v1";
/// The AES-GCM tag length.
const TAG_LEN: usize = 16;

/// Seals and opens key material under the master key.
pub(crate) struct Sealer {
    key: RandomizedNonceKey,
}

impl Sealer {
    /// Prepares the cipher; the caller's copy of the key bytes is wiped when it drops.
    pub(crate) fn new(master_key: &MasterKeyBytes) -> Result<Sealer, OpenError> {
        let key = RandomizedNonceKey::new(&AES_256_GCM, master_key.as_ref())
            .map_err(|_| OpenError::Crypto("cannot initialise AES-256-GCM"))?;
        Ok(Sealer { key })
    }

    /// Encrypts `plaintext` for the key described by `binding` and `attributes`.
    pub(crate) fn seal(
        &self,
        plaintext: &[u8],
        binding: Binding<'_>,
        attributes: &Attributes,
    ) -> Result<Vec<u8>, ProviderError> {
        let aad = associated_data(binding, attributes)?;
        // Holds plaintext until sealing succeeds, so it is wiped on every path.
        let mut in_out = Zeroizing::new(plaintext.to_vec());
        let nonce = self
            .key
            .seal_in_place_append_tag(Aad::from(aad.as_slice()), &mut *in_out)
            .map_err(|_| ProviderError::Other("AES-256-GCM sealing failed".into()))?;
        let mut blob = Vec::with_capacity(1 + NONCE_LEN + in_out.len());
        blob.push(BLOB_VERSION);
        blob.extend_from_slice(nonce.as_ref());
        blob.extend_from_slice(&in_out);
        Ok(blob)
    }

    /// Decrypts a blob made by [`seal`](Self::seal) with the same binding and attributes.
    pub(crate) fn open(
        &self,
        blob: &[u8],
        binding: Binding<'_>,
        attributes: &Attributes,
    ) -> Result<SecretBytes, ProviderError> {
        let (version, rest) = blob.split_first().ok_or_else(|| corrupt("empty blob"))?;
        if *version != BLOB_VERSION {
            return Err(corrupt(&format!("unknown blob version {version}")));
        }
        let (nonce, sealed) = rest
            .split_first_chunk::<NONCE_LEN>()
            .filter(|(_, sealed)| sealed.len() >= TAG_LEN)
            .ok_or_else(|| corrupt("blob too short"))?;
        let aad = associated_data(binding, attributes)?;
        let mut in_out = Zeroizing::new(sealed.to_vec());
        let plaintext_len = self
            .key
            .open_in_place(Nonce::from(nonce), Aad::from(aad.as_slice()), &mut in_out)
            .map_err(|_| {
                corrupt("authentication failed: tampered, or sealed for another key or owner")
            })?
            .len();
        in_out.truncate(plaintext_len);
        Ok(SecretBytes::new(std::mem::take(&mut *in_out)))
    }
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sealer { master_key: <redacted>, cipher: AES-256-GCM }")
    }
}

/// The associated data: label, length-prefixed binding, canonical attributes.
pub(crate) fn associated_data(
    binding: Binding<'_>,
    attributes: &Attributes,
) -> Result<Vec<u8>, ProviderError> {
    let len = u32::try_from(binding.0.len())
        .map_err(|_| ProviderError::InvalidArgument("key binding longer than 4 GiB".into()))?;
    let attributes = attributes.canonical_bytes();
    let mut aad = Vec::with_capacity(AAD_LABEL.len() + 4 + binding.0.len() + attributes.len());
    aad.extend_from_slice(AAD_LABEL);
    aad.extend_from_slice(&len.to_le_bytes());
    aad.extend_from_slice(binding.0);
    aad.extend_from_slice(&attributes);
    Ok(aad)
}

fn corrupt(why: &str) -> ProviderError {
    ProviderError::CorruptKey(format!("sealed key: {why}"))
}

#[cfg(test)]
mod tests {
    use psc_psa::{AsymmetricSignature, EccFamily, Hash, KeyType, SignHash};

    use super::*;

    fn attributes() -> Attributes {
        let alg = AsymmetricSignature::Ecdsa {
            hash: SignHash::Specific(Hash::Sha256),
        };
        let key_type = KeyType::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        };
        Attributes::signing_key(key_type, 256, alg)
    }

    #[test]
    fn associated_data_layout_is_pinned() -> Result<(), ProviderError> {
        let aad = associated_data(Binding(b"ab"), &attributes())?;
        let expected = [
            &b"psc-sealed-key-v1"[..],
            &[2, 0, 0, 0],
            b"ab",
            &attributes().canonical_bytes(),
        ]
        .concat();
        assert_eq!(aad, expected);
        Ok(())
    }

    #[test]
    fn seal_then_open_round_trips() -> Result<(), Box<dyn std::error::Error>> {
        let sealer = Sealer::new(&Zeroizing::new([9u8; 32]))?;
        let blob = sealer.seal(b"secret", Binding(b"k"), &attributes())?;
        assert_eq!(blob.len(), 1 + NONCE_LEN + 6 + TAG_LEN);
        assert_eq!(blob[0], BLOB_VERSION);
        let opened = sealer.open(&blob, Binding(b"k"), &attributes())?;
        assert_eq!(opened.as_bytes(), b"secret");
        let err = sealer.open(&blob, Binding(b"K"), &attributes());
        assert!(matches!(err, Err(ProviderError::CorruptKey(_))));
        Ok(())
    }
}
