//! Raw ECDH on the token: `CKM_ECDH1_DERIVE` with no KDF derives the shared x-coordinate
//! as a session secret object (extractable, not sensitive), which is read and destroyed.

use cryptoki::mechanism::Mechanism;
use cryptoki::mechanism::elliptic_curve::{EcKdf, Ecdh1DeriveParams};
use cryptoki::object::{Attribute, AttributeType, KeyType as CkKeyType, ObjectClass};
use psc_provider_api::{Binding, KeyRef, ProviderError, RawAgreement};
use psc_psa::{KeyType, RawKeyAgreement, SecretBytes};

use crate::Pkcs11Provider;
use crate::blob;
use crate::can_do::supports_agreement;
use crate::ec;
use crate::error::failure;

impl RawAgreement for Pkcs11Provider {
    fn raw_agreement(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: RawKeyAgreement,
        peer_key: &[u8],
    ) -> Result<SecretBytes, ProviderError> {
        let opened = blob::open(key.blob, binding)?;
        if !supports_agreement(&self.mechanisms, key.attributes, alg) {
            return Err(ProviderError::NotSupported(format!(
                "{alg:?} with a {:?} key on this token",
                key.attributes.key_type
            )));
        }
        let KeyType::EccKeyPair { curve_family } = key.attributes.key_type else {
            return Err(ProviderError::InvalidArgument(
                "key agreement needs a key pair".into(),
            ));
        };
        let curve = ec::curve_for(curve_family, key.attributes.bits)?;
        curve.check_point(peer_key)?;
        let params = Ecdh1DeriveParams::new(EcKdf::null(), peer_key);
        let template = [
            Attribute::Class(ObjectClass::SECRET_KEY),
            Attribute::KeyType(CkKeyType::GENERIC_SECRET),
            Attribute::Token(false),
            Attribute::Sensitive(false),
            Attribute::Extractable(true),
            Attribute::ValueLen((curve.scalar_len() as u64).into()),
        ];
        self.token.with_session(|session| {
            let private = self
                .token
                .find(session, ObjectClass::PRIVATE_KEY, opened.id)?;
            let secret = session
                .derive_key(&Mechanism::Ecdh1Derive(params), private, &template)
                .map_err(|e| failure("deriving the shared secret", &e))?;
            let value = session.get_attributes(secret, &[AttributeType::Value]);
            // A session object: it would go with the session, but sessions are kept.
            let destroyed = session.destroy_object(secret);
            let value = value.map_err(|e| failure("reading the shared secret", &e))?;
            destroyed.map_err(|e| failure("destroying the shared secret", &e))?;
            value
                .into_iter()
                .find_map(|attribute| match attribute {
                    Attribute::Value(bytes) => Some(SecretBytes::new(bytes)),
                    _ => None,
                })
                .ok_or_else(|| ProviderError::Other("the token returned no shared secret".into()))
        })
    }
}
