//! Key lifecycle on the token. Every key is a pair of token objects (a public key alone is
//! one) sharing a random CKA_ID, which [`plan`](KeyLifecycle::plan) draws before anything
//! is created so that the service can record it first: a crash then never leaves an object
//! the store does not name.

use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeType, KeyType as CkKeyType, ObjectClass, ObjectHandle};
use cryptoki::session::Session;
use psc_provider_api::{Binding, KeyLifecycle, KeyRef, NewKey, ProviderError};
use psc_psa::{Attributes, KeyType, SecretBytes, Status};

use crate::Pkcs11Provider;
use crate::blob::{self, ID_LEN};
use crate::can_do::supports_key;
use crate::ec::{self, Curve};
use crate::error::{TokenError, failure, rv_of};
use crate::objects::{self, private_template, public_template};
use crate::rsa::{self, PrivateParts, PublicParts};
use crate::symmetric;

/// What a creation made: its result and the objects, or its error and the objects made
/// before it (to destroy).
type Made<T> = Result<(T, Vec<ObjectHandle>), (ProviderError, Vec<ObjectHandle>)>;

impl KeyLifecycle for Pkcs11Provider {
    fn keeps_external_state(&self) -> bool {
        true
    }

    fn plan(&self, attributes: &Attributes) -> Result<Vec<u8>, ProviderError> {
        // Generation or import: the stricter generation check comes with the creation.
        self.check_creatable(attributes, false)?;
        let mut id = [0; ID_LEN];
        self.token.with_session(|session| {
            session
                .generate_random_slice(&mut id)
                .map_err(|e| failure("drawing a CKA_ID", &e))
        })?;
        Ok(blob::plan(&id))
    }

    fn generate(
        &self,
        attributes: &Attributes,
        binding: Binding<'_>,
    ) -> Result<NewKey, ProviderError> {
        let plan = self.plan(attributes)?;
        self.generate_planned(&plan, attributes, binding)
    }

    fn generate_planned(
        &self,
        plan: &[u8],
        attributes: &Attributes,
        binding: Binding<'_>,
    ) -> Result<NewKey, ProviderError> {
        self.check_creatable(attributes, true)?;
        let id = blob::plan_id(plan)?;
        let public = self.token.with_session(|session| {
            let made = generate_pair(session, id, attributes);
            undo_on_error(session, made)
        })?;
        Ok(NewKey {
            blob: blob::key(id, binding, &public),
            attributes: *attributes,
        })
    }

    fn import(
        &self,
        attributes: &Attributes,
        data: &[u8],
        binding: Binding<'_>,
    ) -> Result<NewKey, ProviderError> {
        let plan = self.plan(attributes)?;
        self.import_planned(&plan, attributes, data, binding)
    }

    fn import_planned(
        &self,
        plan: &[u8],
        attributes: &Attributes,
        data: &[u8],
        binding: Binding<'_>,
    ) -> Result<NewKey, ProviderError> {
        self.check_creatable(attributes, false)?;
        let id = blob::plan_id(plan)?;
        let material = Material::parse(attributes, data)?;
        let bits = material.bits();
        if attributes.bits != 0 && attributes.bits != bits {
            return Err(ProviderError::InvalidArgument(format!(
                "the key is {bits} bits, the attributes say {}",
                attributes.bits
            )));
        }
        let attributes = Attributes {
            bits,
            ..*attributes
        };
        self.check_creatable(&attributes, false)?;
        let public = material.public()?;
        self.token.with_session(|session| {
            let made = material.create(session, id, &attributes);
            undo_on_error(session, made)
        })?;
        Ok(NewKey {
            blob: blob::key(id, binding, &public),
            attributes,
        })
    }

    fn export_public(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
    ) -> Result<Vec<u8>, ProviderError> {
        let opened = blob::open(key.blob, binding)?;
        if !key.attributes.key_type.is_asymmetric() {
            return Err(ProviderError::InvalidArgument(
                "the key has no public part".into(),
            ));
        }
        Ok(opened.public.to_vec())
    }

    fn export(&self, key: KeyRef<'_>, binding: Binding<'_>) -> Result<SecretBytes, ProviderError> {
        let opened = blob::open(key.blob, binding)?;
        match key.attributes.key_type {
            KeyType::RsaPublicKey | KeyType::EccPublicKey { .. } => {
                Ok(SecretBytes::new(opened.public.to_vec()))
            }
            KeyType::RsaKeyPair => self.token.with_session(|session| {
                let handle = self
                    .token
                    .find(session, ObjectClass::PRIVATE_KEY, opened.id)?;
                read_rsa_private(session, handle)
            }),
            KeyType::EccKeyPair { curve_family } => {
                let curve = ec::curve_for(curve_family, key.attributes.bits)?;
                self.token.with_session(|session| {
                    let handle = self
                        .token
                        .find(session, ObjectClass::PRIVATE_KEY, opened.id)?;
                    let value = read(session, handle, AttributeType::Value)?;
                    // The scalar at the curve's length, zeros in front.
                    let len = curve.scalar_len();
                    if value.len() > len {
                        return Err(ProviderError::Other(
                            "the token's EC scalar is too long".into(),
                        ));
                    }
                    let mut scalar = vec![0; len - value.len()];
                    scalar.extend_from_slice(&value);
                    Ok(SecretBytes::new(scalar))
                })
            }
            other => Err(ProviderError::NotSupported(format!(
                "exporting a {other:?} key"
            ))),
        }
    }

    fn destroy(&self, key: KeyRef<'_>) -> Result<(), ProviderError> {
        let id = blob::id(key.blob)?;
        self.token.forget(id);
        self.token.with_session(|session| {
            for handle in objects::all(session, id)? {
                destroy_object(session, handle)?;
            }
            Ok(())
        })
    }
}

impl Pkcs11Provider {
    /// Refuses, before any token call, a key this provider cannot create (`generate`: by
    /// generation) or one with the export flag when `allow_export` is off.
    fn check_creatable(
        &self,
        attributes: &Attributes,
        generate: bool,
    ) -> Result<(), ProviderError> {
        if attributes.policy.usage_flags.export && !self.allow_export {
            return Err(ProviderError::caused(
                Status::PsaErrorNotPermitted,
                "creating an exportable key",
                TokenError::Wrapper("allow_export = false in this provider's options".into()),
            ));
        }
        if !supports_key(
            &self.mechanisms,
            attributes.key_type,
            attributes.bits,
            generate,
        ) {
            let what = if generate { "generate" } else { "import" };
            return Err(ProviderError::NotSupported(format!(
                "the PKCS#11 provider cannot {what} a {:?} key of {} bits on this token",
                attributes.key_type, attributes.bits
            )));
        }
        Ok(())
    }
}

/// Destroys an object; one already gone counts as destroyed.
fn destroy_object(session: &Session, handle: ObjectHandle) -> Result<(), ProviderError> {
    match session.destroy_object(handle) {
        Ok(()) => Ok(()),
        Err(e) if rv_of(&e) == Some(cryptoki::error::RvError::ObjectHandleInvalid) => Ok(()),
        Err(e) => Err(failure("destroying the key's object", &e)),
    }
}

/// On a failed creation, destroys what it made (best effort: the service still holds the
/// plan and destroys by it if this fails).
fn undo_on_error<T>(session: &Session, made: Made<T>) -> Result<T, ProviderError> {
    match made {
        Ok((value, _)) => Ok(value),
        Err((error, handles)) => {
            for handle in handles {
                let _ = destroy_object(session, handle);
            }
            Err(error)
        }
    }
}

/// Reads one attribute's bytes.
fn read(
    session: &Session,
    handle: ObjectHandle,
    kind: AttributeType,
) -> Result<Vec<u8>, ProviderError> {
    let values = session
        .get_attributes(handle, &[kind])
        .map_err(|e| failure("reading a key attribute", &e))?;
    values
        .into_iter()
        .find_map(|value| match value {
            Attribute::Modulus(v)
            | Attribute::PublicExponent(v)
            | Attribute::PrivateExponent(v)
            | Attribute::Prime1(v)
            | Attribute::Prime2(v)
            | Attribute::Exponent1(v)
            | Attribute::Exponent2(v)
            | Attribute::Coefficient(v)
            | Attribute::EcPoint(v)
            | Attribute::Value(v) => Some(v),
            _ => None,
        })
        .ok_or_else(|| {
            // cryptoki leaves out what the token withholds: a sensitive or unextractable
            // key's private values.
            ProviderError::caused(
                Status::PsaErrorNotPermitted,
                "reading a key attribute",
                TokenError::Withheld {
                    attribute: format!("{kind:?}"),
                },
            )
        })
}

/// Generates the pair; answers its public key in PSA form, and the objects made.
fn generate_pair(session: &Session, id: &[u8], attributes: &Attributes) -> Made<Vec<u8>> {
    if matches!(attributes.key_type, KeyType::Aes | KeyType::Hmac) {
        return generate_secret(session, id, attributes);
    }
    let usage = &attributes.policy.usage_flags;
    let (mechanism, mut public, private, curve) = match attributes.key_type {
        KeyType::RsaKeyPair => {
            let mut public = public_template(id, usage, true);
            public.push(Attribute::ModulusBits(u64::from(attributes.bits).into()));
            public.push(Attribute::PublicExponent(vec![1, 0, 1]));
            (
                Mechanism::RsaPkcsKeyPairGen,
                public,
                private_template(id, usage, true),
                None,
            )
        }
        KeyType::EccKeyPair { curve_family } => {
            let curve = ec::curve_for(curve_family, attributes.bits).map_err(|e| (e, vec![]))?;
            let mut public = public_template(id, usage, false);
            public.push(Attribute::EcParams(curve.params()));
            (
                Mechanism::EccKeyPairGen,
                public,
                private_template(id, usage, false),
                Some(curve),
            )
        }
        other => {
            let error = ProviderError::NotSupported(format!("generating a {other:?} key"));
            return Err((error, vec![]));
        }
    };
    public.shrink_to_fit();
    let (public_handle, private_handle) = session
        .generate_key_pair(&mechanism, &public, &private)
        .map_err(|e| (failure("generating a key pair", &e), vec![]))?;
    let handles = vec![public_handle, private_handle];
    let exported = match curve {
        None => read_rsa_public(session, public_handle),
        Some(curve) => read(session, public_handle, AttributeType::EcPoint)
            .and_then(|value| ec::unwrap_point(curve, &value)),
    };
    match exported {
        Ok(public) => Ok((public, handles)),
        Err(e) => Err((e, handles)),
    }
}

/// Generates a secret key; it has no public part (an empty one in the blob).
fn generate_secret(session: &Session, id: &[u8], attributes: &Attributes) -> Made<Vec<u8>> {
    let mut template = symmetric::secret_template(id, attributes);
    template.push(Attribute::ValueLen(u64::from(attributes.bits / 8).into()));
    let mechanism = symmetric::generation_mechanism(attributes.key_type);
    let handle = session
        .generate_key(&mechanism, &template)
        .map_err(|e| (failure("generating a secret key", &e), vec![]))?;
    Ok((Vec::new(), vec![handle]))
}

fn read_rsa_public(session: &Session, handle: ObjectHandle) -> Result<Vec<u8>, ProviderError> {
    rsa::encode_public(&PublicParts {
        modulus: read(session, handle, AttributeType::Modulus)?,
        exponent: read(session, handle, AttributeType::PublicExponent)?,
    })
}

fn read_rsa_private(session: &Session, handle: ObjectHandle) -> Result<SecretBytes, ProviderError> {
    let secret = |kind| read(session, handle, kind).map(zeroize::Zeroizing::new);
    rsa::encode_private(&PrivateParts {
        public: PublicParts {
            modulus: read(session, handle, AttributeType::Modulus)?,
            exponent: read(session, handle, AttributeType::PublicExponent)?,
        },
        private_exponent: secret(AttributeType::PrivateExponent)?,
        prime1: secret(AttributeType::Prime1)?,
        prime2: secret(AttributeType::Prime2)?,
        exponent1: secret(AttributeType::Exponent1)?,
        exponent2: secret(AttributeType::Exponent2)?,
        coefficient: secret(AttributeType::Coefficient)?,
    })
}

/// Key material to import, parsed from its PSA form.
enum Material {
    RsaPublic(PublicParts),
    RsaPair(Box<PrivateParts>),
    EccPublic(Curve, Vec<u8>),
    EccPair(Curve, zeroize::Zeroizing<Vec<u8>>),
    Secret(zeroize::Zeroizing<Vec<u8>>),
}

impl Material {
    fn parse(attributes: &Attributes, data: &[u8]) -> Result<Material, ProviderError> {
        let bits = attributes.bits;
        let curve = |family, point| match bits {
            0 => Curve::by_len(family, data.len(), point).ok_or_else(|| {
                ProviderError::InvalidArgument(format!(
                    "{} bytes is no {family:?} key's length",
                    data.len()
                ))
            }),
            bits => ec::curve_for(family, bits),
        };
        Ok(match attributes.key_type {
            KeyType::RsaPublicKey => Material::RsaPublic(rsa::parse_public(data)?),
            KeyType::RsaKeyPair => Material::RsaPair(Box::new(rsa::parse_private(data)?)),
            KeyType::EccPublicKey { curve_family } => {
                let curve = curve(curve_family, true)?;
                curve.check_point(data)?;
                Material::EccPublic(curve, data.to_vec())
            }
            KeyType::EccKeyPair { curve_family } => {
                let curve = curve(curve_family, false)?;
                Material::EccPair(curve, zeroize::Zeroizing::new(data.to_vec()))
            }
            KeyType::Aes | KeyType::Hmac if !data.is_empty() => {
                Material::Secret(zeroize::Zeroizing::new(data.to_vec()))
            }
            other => {
                return Err(ProviderError::NotSupported(format!(
                    "importing a {other:?} key"
                )));
            }
        })
    }

    fn bits(&self) -> u32 {
        match self {
            Material::RsaPublic(parts) => rsa::bits_of(&parts.modulus),
            Material::RsaPair(parts) => rsa::bits_of(&parts.public.modulus),
            Material::EccPublic(curve, _) | Material::EccPair(curve, _) => curve.bits(),
            Material::Secret(value) => u32::try_from(value.len() * 8).unwrap_or(u32::MAX),
        }
    }

    /// The public key in PSA form (computed from the scalar for an EC pair).
    fn public(&self) -> Result<Vec<u8>, ProviderError> {
        match self {
            Material::RsaPublic(parts) => rsa::encode_public(parts),
            Material::RsaPair(parts) => rsa::encode_public(&parts.public),
            Material::EccPublic(_, point) => Ok(point.clone()),
            Material::EccPair(curve, scalar) => curve.public_of(scalar),
            Material::Secret(_) => Ok(Vec::new()),
        }
    }

    /// The templates of the key's objects: the private key first, then the public key.
    fn templates(
        &self,
        id: &[u8],
        attributes: &Attributes,
    ) -> Result<Vec<Vec<Attribute>>, ProviderError> {
        let usage = &attributes.policy.usage_flags;
        let rsa_public = |parts: &PublicParts| {
            let mut template = public_template(id, usage, true);
            template.extend([
                Attribute::Class(ObjectClass::PUBLIC_KEY),
                Attribute::KeyType(CkKeyType::RSA),
                Attribute::Modulus(parts.modulus.clone()),
                Attribute::PublicExponent(parts.exponent.clone()),
            ]);
            template
        };
        let ecc_public = |curve: Curve, point: &[u8]| {
            let mut template = public_template(id, usage, false);
            template.extend([
                Attribute::Class(ObjectClass::PUBLIC_KEY),
                Attribute::KeyType(CkKeyType::EC),
                Attribute::EcParams(curve.params()),
                Attribute::EcPoint(ec::wrap_point(point)),
            ]);
            template
        };
        Ok(match self {
            Material::RsaPublic(parts) => vec![rsa_public(parts)],
            Material::EccPublic(curve, point) => vec![ecc_public(*curve, point)],
            Material::RsaPair(parts) => {
                let mut private = private_template(id, usage, true);
                private.extend([
                    Attribute::Class(ObjectClass::PRIVATE_KEY),
                    Attribute::KeyType(CkKeyType::RSA),
                    Attribute::Modulus(parts.public.modulus.clone()),
                    Attribute::PublicExponent(parts.public.exponent.clone()),
                    Attribute::PrivateExponent(parts.private_exponent.to_vec()),
                    Attribute::Prime1(parts.prime1.to_vec()),
                    Attribute::Prime2(parts.prime2.to_vec()),
                    Attribute::Exponent1(parts.exponent1.to_vec()),
                    Attribute::Exponent2(parts.exponent2.to_vec()),
                    Attribute::Coefficient(parts.coefficient.to_vec()),
                ]);
                vec![private, rsa_public(&parts.public)]
            }
            Material::EccPair(curve, scalar) => {
                let mut private = private_template(id, usage, false);
                private.extend([
                    Attribute::Class(ObjectClass::PRIVATE_KEY),
                    Attribute::KeyType(CkKeyType::EC),
                    Attribute::EcParams(curve.params()),
                    Attribute::Value(scalar.to_vec()),
                ]);
                vec![private, ecc_public(*curve, &curve.public_of(scalar)?)]
            }
            Material::Secret(value) => {
                let mut secret = symmetric::secret_template(id, attributes);
                secret.push(Attribute::Value(value.to_vec()));
                vec![secret]
            }
        })
    }

    /// Creates the key's objects; on failure, answers those it made.
    fn create(&self, session: &Session, id: &[u8], attributes: &Attributes) -> Made<()> {
        let templates = self.templates(id, attributes).map_err(|e| (e, vec![]))?;
        let mut made = Vec::new();
        for template in templates {
            let created = session.create_object(&template);
            // Private values were copied into the template: wipe them.
            wipe(template);
            match created {
                Ok(handle) => made.push(handle),
                Err(e) => return Err((failure("importing the key", &e), made)),
            }
        }
        Ok(((), made))
    }
}

/// Wipes the byte values of a template that held key material.
fn wipe(template: Vec<Attribute>) {
    use zeroize::Zeroize;
    for attribute in template {
        match attribute {
            Attribute::PrivateExponent(mut v)
            | Attribute::Prime1(mut v)
            | Attribute::Prime2(mut v)
            | Attribute::Exponent1(mut v)
            | Attribute::Exponent2(mut v)
            | Attribute::Coefficient(mut v)
            | Attribute::Value(mut v) => v.zeroize(),
            _ => {}
        }
    }
}
