//! The blob the service keeps for a key: which token objects are the key (their CKA_ID),
//! whose key it is, and its public part.
//!
//! ```text
//! plan:  'p' 1 ‖ CKA_ID (16 bytes)
//! key:   'k' 1 ‖ CKA_ID (16 bytes) ‖ SHA-256(binding) ‖ public key in PSA form
//! ```
//!
//! A plan names the objects a creation will make, before they exist, so it is enough to
//! destroy them. A key's blob also carries a digest of its binding (owner and name): a blob
//! copied to another owner's row is refused as corrupt before the token is asked anything.
//! The public key is kept so that exporting it needs no token call and survives the token
//! being away.

use aws_lc_rs::digest::{SHA256, digest};
use psc_provider_api::{Binding, ProviderError};

/// The CKA_ID's length.
pub(crate) const ID_LEN: usize = 16;
const DIGEST_LEN: usize = 32;
const VERSION: u8 = 1;

/// A key's parsed blob.
pub(crate) struct KeyBlob<'a> {
    pub(crate) id: &'a [u8],
    pub(crate) public: &'a [u8],
}

/// The plan for a new key with `id`.
pub(crate) fn plan(id: &[u8; ID_LEN]) -> Vec<u8> {
    [&[b'p', VERSION][..], id].concat()
}

/// The blob of a created key.
pub(crate) fn key(id: &[u8], binding: Binding<'_>, public: &[u8]) -> Vec<u8> {
    [
        &[b'k', VERSION][..],
        id,
        digest(&SHA256, binding.0).as_ref(),
        public,
    ]
    .concat()
}

fn corrupt() -> ProviderError {
    ProviderError::CorruptKey("not a PKCS#11 provider key".into())
}

/// The CKA_ID of a plan or a key's blob: what destroying needs.
pub(crate) fn id(blob: &[u8]) -> Result<&[u8], ProviderError> {
    match blob {
        [b'p' | b'k', VERSION, rest @ ..] if rest.len() >= ID_LEN => Ok(&rest[..ID_LEN]),
        _ => Err(corrupt()),
    }
}

/// The CKA_ID of a plan.
pub(crate) fn plan_id(plan: &[u8]) -> Result<&[u8], ProviderError> {
    match plan {
        [b'p', VERSION, id @ ..] if id.len() == ID_LEN => Ok(id),
        _ => Err(corrupt()),
    }
}

/// A key's blob, checked against the binding it is used under.
///
/// # Errors
/// `CorruptKey` for a blob of another form, or made for another owner or name.
pub(crate) fn open<'a>(blob: &'a [u8], binding: Binding<'_>) -> Result<KeyBlob<'a>, ProviderError> {
    let [b'k', VERSION, rest @ ..] = blob else {
        return Err(corrupt());
    };
    if rest.len() < ID_LEN + DIGEST_LEN {
        return Err(corrupt());
    }
    let (id, rest) = rest.split_at(ID_LEN);
    let (bound, public) = rest.split_at(DIGEST_LEN);
    if bound != digest(&SHA256, binding.0).as_ref() {
        return Err(ProviderError::CorruptKey(
            "the key's blob was made for another owner or name".into(),
        ));
    }
    Ok(KeyBlob { id, public })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blob_opens_under_its_binding_only() {
        let id = [7; ID_LEN];
        let blob = key(&id, Binding(b"me/k"), b"public");
        let opened = open(&blob, Binding(b"me/k")).unwrap();
        assert_eq!((opened.id, opened.public), (&id[..], &b"public"[..]));
        assert!(matches!(
            open(&blob, Binding(b"you/k")),
            Err(ProviderError::CorruptKey(_))
        ));
        assert_eq!(self::id(&blob).unwrap(), id);
        let plan = plan(&id);
        assert_eq!(self::id(&plan).unwrap(), id);
        assert_eq!(plan_id(&plan).unwrap(), id);
        assert!(open(&plan, Binding(b"me/k")).is_err());
        assert!(self::id(b"k\x01short").is_err());
    }
}
