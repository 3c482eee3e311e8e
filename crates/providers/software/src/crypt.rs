//! Encryption capabilities (asymmetric, AEAD, cipher) and MACs: open the key, route to its
//! family module.

use aws_lc_rs::constant_time::verify_slices_are_equal;
use psc_provider_api::{
    AeadCrypt, AsymmetricCrypt, Binding, CipherCrypt, KeyRef, MacCompute, ProviderError,
};
use psc_psa::{Aead, AsymmetricEncryption, Cipher, Mac, SecretBytes};

use crate::{SoftwareProvider, rsa, symmetric};

impl AsymmetricCrypt for SoftwareProvider {
    fn encrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricEncryption,
        plaintext: &[u8],
        salt: &[u8],
    ) -> Result<Vec<u8>, ProviderError> {
        rsa::check_minimum(key.attributes, self.min_rsa_bits)?;
        rsa::encrypt(
            key.attributes,
            &self.open_material(key, binding)?,
            alg,
            plaintext,
            salt,
        )
    }

    fn decrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricEncryption,
        ciphertext: &[u8],
        salt: &[u8],
    ) -> Result<SecretBytes, ProviderError> {
        rsa::check_minimum(key.attributes, self.min_rsa_bits)?;
        rsa::decrypt(
            key.attributes,
            &self.open_material(key, binding)?,
            alg,
            ciphertext,
            salt,
        )
    }
}

impl AeadCrypt for SoftwareProvider {
    fn encrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Aead,
        nonce: &[u8],
        additional_data: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, ProviderError> {
        let material = self.open_material(key, binding)?;
        symmetric::aead_encrypt(
            key.attributes,
            &material,
            alg,
            nonce,
            additional_data,
            plaintext,
        )
    }

    fn decrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Aead,
        nonce: &[u8],
        additional_data: &[u8],
        ciphertext: &[u8],
    ) -> Result<SecretBytes, ProviderError> {
        let material = self.open_material(key, binding)?;
        symmetric::aead_decrypt(
            key.attributes,
            &material,
            alg,
            nonce,
            additional_data,
            ciphertext,
        )
    }
}

impl CipherCrypt for SoftwareProvider {
    fn encrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Cipher,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, ProviderError> {
        symmetric::cipher_encrypt(
            key.attributes,
            &self.open_material(key, binding)?,
            alg,
            plaintext,
        )
    }

    fn decrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Cipher,
        input: &[u8],
    ) -> Result<SecretBytes, ProviderError> {
        symmetric::cipher_decrypt(
            key.attributes,
            &self.open_material(key, binding)?,
            alg,
            input,
        )
    }
}

impl MacCompute for SoftwareProvider {
    fn compute(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Mac,
        input: &[u8],
    ) -> Result<Vec<u8>, ProviderError> {
        symmetric::mac_compute(
            key.attributes,
            &self.open_material(key, binding)?,
            alg,
            input,
        )
    }

    fn verify(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: Mac,
        input: &[u8],
        mac: &[u8],
    ) -> Result<(), ProviderError> {
        let expected = self.compute(key, binding, alg, input)?;
        // Constant time; a MAC of the wrong length simply does not match.
        verify_slices_are_equal(&expected, mac).map_err(|_| ProviderError::InvalidSignature)
    }
}
