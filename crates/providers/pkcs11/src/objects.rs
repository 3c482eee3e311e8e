//! Token objects: the attribute templates a key's objects are made with, and finding all of a
//! key's objects by CKA_ID (one object is found, and its handle kept, by `Token::find`).

use cryptoki::object::{Attribute, ObjectHandle};
use cryptoki::session::Session;
use psc_provider_api::ProviderError;
use psc_psa::UsageFlags;

use crate::error::failure;

/// Every object carrying `id` (a key's public and private halves).
pub(crate) fn all(session: &Session, id: &[u8]) -> Result<Vec<ObjectHandle>, ProviderError> {
    session
        .find_objects(&[Attribute::Token(true), Attribute::Id(id.to_vec())])
        .map_err(|e| failure("finding the key's objects", &e))
}

/// The attributes every private key object gets: on the token, private, and sensitive and
/// non-extractable unless the key may be exported.
pub(crate) fn private_template(id: &[u8], usage: &UsageFlags, rsa: bool) -> Vec<Attribute> {
    let mut template = vec![
        Attribute::Token(true),
        Attribute::Private(true),
        Attribute::Id(id.to_vec()),
        Attribute::Sensitive(!usage.export),
        Attribute::Extractable(usage.export),
        Attribute::Sign(usage.sign_hash || usage.sign_message),
    ];
    if rsa {
        template.push(Attribute::Decrypt(usage.decrypt));
    } else {
        template.push(Attribute::Derive(usage.derive));
    }
    template
}

/// The attributes every public key object gets.
pub(crate) fn public_template(id: &[u8], usage: &UsageFlags, rsa: bool) -> Vec<Attribute> {
    let mut template = vec![
        Attribute::Token(true),
        Attribute::Private(false),
        Attribute::Id(id.to_vec()),
        Attribute::Verify(usage.verify_hash || usage.verify_message),
    ];
    if rsa {
        template.push(Attribute::Encrypt(usage.encrypt));
    }
    template
}
