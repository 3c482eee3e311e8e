//! Key management: create, import, export, destroy and look up keys, and ask what a provider
//! can do. Keys live in the client's crypto provider and the application's namespace.

use psc_psa::{Attributes, SecretBytes};
use psc_wire::ops::can_do_crypto::CheckType;
use psc_wire::ops::list_keys::KeyInfo;
use psc_wire::ops::{
    CanDoCryptoRequest, DestroyKeyRequest, ExportKeyRequest, ExportPublicKeyRequest,
    GenerateKeyRequest, ImportKeyRequest, ListKeysRequest,
};

use crate::typed::typed_methods;

typed_methods! {
    /// Generates a key named `name` with `attributes` in the client's provider.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorAlreadyExists` when the
    /// application already has a key of that name, `PsaErrorNotSupported` for attributes the
    /// provider cannot generate; otherwise see [`Client::call`](crate::Client::call).
    pub fn generate_key(&self, name: &str, attributes: Attributes) -> () {
        crypto(GenerateKeyRequest { key_name: name.to_owned(), attributes }) => |_| ()
    }

    /// Imports `data` (in the PSA format of the key type: PKCS#1 DER for RSA, the private
    /// scalar or the uncompressed point for elliptic curves, raw bytes for symmetric keys) as
    /// a key named `name`.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorInvalidArgument` for data that
    /// does not match the attributes; otherwise as
    /// [`Client::generate_key`](crate::Client::generate_key).
    pub fn import_key(&self, name: &str, attributes: Attributes, data: &[u8]) -> () {
        crypto(ImportKeyRequest {
            key_name: name.to_owned(),
            attributes,
            data: SecretBytes::from(data),
        }) => |_| ()
    }

    /// The public part of a key, in the PSA format: PKCS#1 `RSAPublicKey` DER for RSA, the
    /// uncompressed point `04 || X || Y` for Weierstrass curves.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorDoesNotExist` when the
    /// application has no such key; otherwise see [`Client::call`](crate::Client::call).
    pub fn export_public_key(&self, name: &str) -> Vec<u8> {
        crypto(ExportPublicKeyRequest { key_name: name.to_owned() }) => |response| response.data
    }

    /// The key itself, private part included; only a key created with the export usage flag
    /// leaves the service.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorNotPermitted` without the
    /// export flag; otherwise as [`Client::export_public_key`](crate::Client::export_public_key).
    pub fn export_key(&self, name: &str) -> SecretBytes {
        crypto(ExportKeyRequest { key_name: name.to_owned() }) => |response| response.data
    }

    /// Destroys a key.
    ///
    /// # Errors
    /// As [`Client::export_public_key`](crate::Client::export_public_key).
    pub fn destroy_key(&self, name: &str) -> () {
        crypto(DestroyKeyRequest { key_name: name.to_owned() }) => |_| ()
    }

    /// The application's keys, in every provider.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `NotAuthenticated` without an identity;
    /// otherwise see [`Client::call`](crate::Client::call).
    pub fn list_keys(&self) -> Vec<KeyInfo> {
        core(ListKeysRequest) => |response| response.keys
    }

    /// The application's key named `name` in the client's provider, or `None`.
    ///
    /// # Errors
    /// As [`Client::list_keys`](crate::Client::list_keys).
    pub fn key_info(&self, name: &str) -> Option<KeyInfo> {
        core(ListKeysRequest) => |response| {
            let provider = self.provider();
            response.keys.into_iter().find(|key| key.name == name && key.provider_id == provider)
        }
    }

    /// Whether the client's provider can `check` (use, generate, import) a key with
    /// `attributes`: `Ok(())` when it can.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorNotSupported` when it cannot;
    /// otherwise see [`Client::call`](crate::Client::call).
    pub fn can_do_crypto(&self, check: CheckType, attributes: Attributes) -> () {
        crypto(CanDoCryptoRequest { check_type: check, attributes }) => |_| ()
    }
}
