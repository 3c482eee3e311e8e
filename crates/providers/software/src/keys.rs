//! Key lifecycle: every key lives only in its sealed blob, which the service stores.
//!
//! Each key type's material is handled in its own module (`ecc`, `rsa`, `dh`, `symmetric`); this file only
//! routes by key type and seals the result. Public keys are sealed like private ones: one
//! blob format, and the binding and attributes are authenticated for both.

use std::sync::Arc;

use aws_lc_rs::rsa::KeyPair as RsaKeyPair;
use openssl::pkey::{PKey, Private};
use psc_provider_api::{Binding, KeyLifecycle, KeyRef, NewKey, ProviderError};
use psc_psa::{Attributes, KeyType, SecretBytes};

use crate::SoftwareProvider;
use crate::ecc::{self, EccKey};
use crate::key_cache::Parsed;
use crate::{dh, rsa, seal, symmetric};

impl KeyLifecycle for SoftwareProvider {
    fn generate(
        &self,
        attributes: &Attributes,
        binding: Binding<'_>,
    ) -> Result<NewKey, ProviderError> {
        let material = match attributes.key_type {
            KeyType::EccKeyPair { curve_family } => ecc::generate(curve_family, attributes.bits)?,
            KeyType::RsaKeyPair => rsa::generate(attributes.bits, self.min_rsa_bits)?,
            KeyType::DhKeyPair { .. } => dh::generate(attributes.bits)?,
            other if symmetric::is_symmetric(other) => symmetric::generate(other, attributes.bits)?,
            other => return Err(unsupported("generate", other)),
        };
        self.seal_new(&material, binding, *attributes)
    }

    fn import(
        &self,
        attributes: &Attributes,
        data: &[u8],
        binding: Binding<'_>,
    ) -> Result<NewKey, ProviderError> {
        let bits = attributes.bits;
        let (material, bits) = match attributes.key_type {
            KeyType::EccKeyPair { curve_family } => ecc::import_pair(curve_family, bits, data)?,
            KeyType::EccPublicKey { curve_family } => ecc::import_public(curve_family, bits, data)?,
            KeyType::RsaKeyPair => rsa::import_pair(bits, data, self.min_rsa_bits)?,
            KeyType::RsaPublicKey => rsa::import_public(bits, data, self.min_rsa_bits)?,
            KeyType::DhKeyPair { .. } => dh::import_pair(bits, data)?,
            KeyType::DhPublicKey { .. } => dh::import_public(bits, data)?,
            other if symmetric::is_symmetric(other) => symmetric::import(other, bits, data)?,
            other => return Err(unsupported("import", other)),
        };
        self.seal_new(
            &material,
            binding,
            Attributes {
                bits,
                ..*attributes
            },
        )
    }

    fn export_public(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
    ) -> Result<Vec<u8>, ProviderError> {
        match key.attributes.key_type {
            KeyType::EccKeyPair { .. } | KeyType::EccPublicKey { .. } => {
                Ok(self.open_ecc(key, binding)?.public_point().to_vec())
            }
            KeyType::RsaKeyPair | KeyType::RsaPublicKey => {
                rsa::check_minimum(key.attributes, self.min_rsa_bits)?;
                rsa::export_public(key.attributes, &self.open_material(key, binding)?)
            }
            KeyType::DhKeyPair { .. } | KeyType::DhPublicKey { .. } => {
                dh::export_public(key.attributes, &self.open_material(key, binding)?)
            }
            other => Err(ProviderError::InvalidArgument(format!(
                "a {other:?} key has no public part"
            ))),
        }
    }

    fn export(&self, key: KeyRef<'_>, binding: Binding<'_>) -> Result<SecretBytes, ProviderError> {
        let material = self.open_material(key, binding)?;
        match key.attributes.key_type {
            KeyType::EccKeyPair { .. } | KeyType::EccPublicKey { .. } => {
                ecc::export(key.attributes, &material)
            }
            KeyType::RsaKeyPair | KeyType::RsaPublicKey => rsa::export(key.attributes, &material),
            // The sealed form of a Diffie-Hellman key is its PSA format.
            KeyType::DhKeyPair { .. } | KeyType::DhPublicKey { .. } => Ok(material),
            other if symmetric::is_symmetric(other) => Ok(material),
            other => Err(unsupported("export", other)),
        }
    }

    fn destroy(&self, key: KeyRef<'_>) -> Result<(), ProviderError> {
        // Nothing outside the blob but its parsed form, if kept: deleting the service's
        // record destroys the key.
        self.cache.evict(key.blob);
        Ok(())
    }
}

impl SoftwareProvider {
    /// Seals new key material under its final attributes (size filled in).
    fn seal_new(
        &self,
        material: &SecretBytes,
        binding: Binding<'_>,
        attributes: Attributes,
    ) -> Result<NewKey, ProviderError> {
        let blob = self.sealer.seal(material, binding, &attributes)?;
        Ok(NewKey { blob, attributes })
    }

    /// Opens a blob: the key's material in the form its family module sealed.
    pub(crate) fn open_material(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
    ) -> Result<SecretBytes, ProviderError> {
        self.sealer.open(key.blob, binding, key.attributes)
    }

    /// An elliptic-curve key: kept parsed, or its blob opened and parsed.
    pub(crate) fn open_ecc(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
    ) -> Result<Arc<EccKey>, ProviderError> {
        let parsed = self.open_parsed(key, binding, |plaintext| {
            EccKey::from_sealed(key.attributes, plaintext).map(|k| Parsed::Ecc(Arc::new(k)))
        })?;
        match parsed {
            Parsed::Ecc(key) => Ok(key),
            Parsed::Rsa(_) | Parsed::RsaOpenSsl(_) => Err(other_form()),
        }
    }

    /// An RSA key pair: kept parsed, or its blob opened and parsed.
    pub(crate) fn open_rsa_pair(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
    ) -> Result<Arc<RsaKeyPair>, ProviderError> {
        let parsed = self.open_parsed(key, binding, |plaintext| {
            rsa::open_pair(plaintext).map(|pair| Parsed::Rsa(Arc::new(pair)))
        })?;
        match parsed {
            Parsed::Rsa(pair) => Ok(pair),
            // Kept in OpenSSL's form: parse this use's own.
            Parsed::RsaOpenSsl(_) => {
                rsa::open_pair(&self.open_material(key, binding)?).map(Arc::new)
            }
            Parsed::Ecc(_) => Err(other_form()),
        }
    }

    /// An RSA key pair for OpenSSL: kept parsed, or its blob opened and parsed.
    pub(crate) fn open_rsa_openssl(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
    ) -> Result<Arc<PKey<Private>>, ProviderError> {
        let parsed = self.open_parsed(key, binding, |plaintext| {
            rsa::open_openssl_pair(plaintext).map(|pair| Parsed::RsaOpenSsl(Arc::new(pair)))
        })?;
        match parsed {
            Parsed::RsaOpenSsl(pair) => Ok(pair),
            // Kept in aws-lc-rs's form: parse this use's own.
            Parsed::Rsa(_) => {
                rsa::open_openssl_pair(&self.open_material(key, binding)?).map(Arc::new)
            }
            Parsed::Ecc(_) => Err(other_form()),
        }
    }

    /// The cache's entry for the blob under this binding and these attributes, or the blob
    /// opened and `parse`d (its plaintext wiped once parsed) and kept.
    fn open_parsed(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        parse: impl FnOnce(&[u8]) -> Result<Parsed, ProviderError>,
    ) -> Result<Parsed, ProviderError> {
        let context = seal::associated_data(binding, key.attributes)?;
        self.cache.get_or_open(key.blob, context, || {
            parse(&self.sealer.open(key.blob, binding, key.attributes)?)
        })
    }
}

/// The context holds the attributes, hence the key type: one blob never has two forms.
fn other_form() -> ProviderError {
    ProviderError::Other("a kept key has another form than its key type's".into())
}

pub(crate) fn unsupported(what: &str, key_type: KeyType) -> ProviderError {
    ProviderError::NotSupported(format!(
        "the software provider cannot {what} a {key_type:?} key"
    ))
}
