//! Cryptographic operations. Each function resolves the caller's key, checks its policy (the
//! one place these checks happen), then calls the provider's capability.

use psc_provider_api::{Binding, KeyRef, ProviderError};
use psc_psa::{Algorithm, AsymmetricEncryption, Usage};
use psc_wire::Opcode;
use psc_wire::ops::{
    AeadDecryptRequest, AeadDecryptResponse, AeadEncryptRequest, AeadEncryptResponse,
    AsymmetricDecryptRequest, AsymmetricDecryptResponse, AsymmetricEncryptRequest,
    AsymmetricEncryptResponse, CipherDecryptRequest, CipherDecryptResponse, CipherEncryptRequest,
    CipherEncryptResponse, MacComputeRequest, MacComputeResponse, MacVerifyRequest,
    MacVerifyResponse, RawKeyAgreementRequest, RawKeyAgreementResponse, SignHashRequest,
    SignHashResponse, SignMessageRequest, SignMessageResponse, VerifyHashRequest,
    VerifyHashResponse, VerifyMessageRequest, VerifyMessageResponse,
};

use super::policy::binding;
use super::slots::Slot;
use crate::auth::Application;
use crate::error::Error;
use crate::keystore::KeyRecord;

/// A capability of the slot's provider, or NotSupported.
fn capability<'a, T: ?Sized>(
    slot: &Slot,
    opcode: Opcode,
    found: Option<&'a T>,
) -> Result<&'a T, Error> {
    found.ok_or(Error::NotSupported {
        opcode,
        provider: slot.id,
    })
}

/// Runs a provider call with the key's reference and binding, mapping its error.
fn with_key<T>(
    slot: &Slot,
    app: &Application,
    name: &str,
    key: &KeyRecord,
    call: impl FnOnce(KeyRef<'_>, Binding<'_>) -> Result<T, ProviderError>,
) -> Result<T, Error> {
    let owner = binding(app, name);
    let key_ref = KeyRef {
        attributes: &key.attributes,
        blob: &key.blob,
    };
    call(key_ref, Binding(&owner)).map_err(|source| Error::Provider {
        provider: slot.id,
        source,
    })
}

fn require_pair(key: &KeyRecord, what: &'static str) -> Result<(), Error> {
    if key.attributes.key_type.is_key_pair() {
        Ok(())
    } else {
        Err(Error::InvalidArgument(what))
    }
}

fn require_input(input: &[u8], what: &'static str) -> Result<(), Error> {
    if input.is_empty() {
        Err(Error::InvalidArgument(what))
    } else {
        Ok(())
    }
}

pub(crate) fn sign_hash(
    slot: &Slot,
    app: &Application,
    r: &SignHashRequest,
) -> Result<SignHashResponse, Error> {
    let key = slot.key(app, &r.key_name)?;
    key.attributes.check_sign_hash(r.alg, &r.hash)?;
    require_pair(&key, "a public key cannot sign")?;
    let signer = capability(slot, Opcode::PsaSignHash, slot.provider.sign_hash())?;
    let signature = with_key(slot, app, &r.key_name, &key, |k, b| {
        signer.sign_hash(k, b, r.alg, &r.hash)
    })?;
    Ok(SignHashResponse { signature })
}

pub(crate) fn verify_hash(
    slot: &Slot,
    app: &Application,
    r: &VerifyHashRequest,
) -> Result<VerifyHashResponse, Error> {
    let key = slot.key(app, &r.key_name)?;
    key.attributes.check_verify_hash(r.alg, &r.hash)?;
    let signer = capability(slot, Opcode::PsaVerifyHash, slot.provider.sign_hash())?;
    with_key(slot, app, &r.key_name, &key, |k, b| {
        signer.verify_hash(k, b, r.alg, &r.hash, &r.signature)
    })?;
    Ok(VerifyHashResponse)
}

pub(crate) fn sign_message(
    slot: &Slot,
    app: &Application,
    r: &SignMessageRequest,
) -> Result<SignMessageResponse, Error> {
    let key = slot.key(app, &r.key_name)?;
    key.attributes
        .check_use(Usage::SignMessage, Algorithm::AsymmetricSignature(r.alg))?;
    require_pair(&key, "a public key cannot sign")?;
    let signer = capability(slot, Opcode::PsaSignMessage, slot.provider.sign_message())?;
    let signature = with_key(slot, app, &r.key_name, &key, |k, b| {
        signer.sign_message(k, b, r.alg, &r.message)
    })?;
    Ok(SignMessageResponse { signature })
}

pub(crate) fn verify_message(
    slot: &Slot,
    app: &Application,
    r: &VerifyMessageRequest,
) -> Result<VerifyMessageResponse, Error> {
    let key = slot.key(app, &r.key_name)?;
    key.attributes
        .check_use(Usage::VerifyMessage, Algorithm::AsymmetricSignature(r.alg))?;
    let signer = capability(slot, Opcode::PsaVerifyMessage, slot.provider.sign_message())?;
    with_key(slot, app, &r.key_name, &key, |k, b| {
        signer.verify_message(k, b, r.alg, &r.message, &r.signature)
    })?;
    Ok(VerifyMessageResponse)
}

/// PKCS#1 v1.5 takes no label: a salt there is refused rather than ignored.
fn check_salt(alg: AsymmetricEncryption, salt: &[u8]) -> Result<(), Error> {
    if alg == AsymmetricEncryption::RsaPkcs1v15Crypt && !salt.is_empty() {
        return Err(Error::InvalidArgument(
            "PKCS#1 v1.5 encryption takes no salt",
        ));
    }
    Ok(())
}

pub(crate) fn asymmetric_encrypt(
    slot: &Slot,
    app: &Application,
    r: &AsymmetricEncryptRequest,
) -> Result<AsymmetricEncryptResponse, Error> {
    let key = slot.key(app, &r.key_name)?;
    key.attributes
        .check_use(Usage::Encrypt, Algorithm::AsymmetricEncryption(r.alg))?;
    require_input(&r.plaintext, "the plaintext is empty")?;
    check_salt(r.alg, &r.salt)?;
    let crypt = capability(
        slot,
        Opcode::PsaAsymmetricEncrypt,
        slot.provider.asymmetric_crypt(),
    )?;
    let ciphertext = with_key(slot, app, &r.key_name, &key, |k, b| {
        crypt.encrypt(k, b, r.alg, &r.plaintext, &r.salt)
    })?;
    Ok(AsymmetricEncryptResponse { ciphertext })
}

pub(crate) fn asymmetric_decrypt(
    slot: &Slot,
    app: &Application,
    r: &AsymmetricDecryptRequest,
) -> Result<AsymmetricDecryptResponse, Error> {
    let key = slot.key(app, &r.key_name)?;
    key.attributes
        .check_use(Usage::Decrypt, Algorithm::AsymmetricEncryption(r.alg))?;
    require_pair(&key, "a public key cannot decrypt")?;
    require_input(&r.ciphertext, "the ciphertext is empty")?;
    check_salt(r.alg, &r.salt)?;
    let crypt = capability(
        slot,
        Opcode::PsaAsymmetricDecrypt,
        slot.provider.asymmetric_crypt(),
    )?;
    let plaintext = with_key(slot, app, &r.key_name, &key, |k, b| {
        crypt.decrypt(k, b, r.alg, &r.ciphertext, &r.salt)
    })?;
    Ok(AsymmetricDecryptResponse { plaintext })
}

pub(crate) fn aead_encrypt(
    slot: &Slot,
    app: &Application,
    r: &AeadEncryptRequest,
) -> Result<AeadEncryptResponse, Error> {
    let key = slot.key(app, &r.key_name)?;
    key.attributes
        .check_use(Usage::Encrypt, Algorithm::Aead(r.alg))?;
    require_input(&r.nonce, "the nonce is empty")?;
    let aead = capability(slot, Opcode::PsaAeadEncrypt, slot.provider.aead())?;
    let ciphertext = with_key(slot, app, &r.key_name, &key, |k, b| {
        aead.encrypt(k, b, r.alg, &r.nonce, &r.additional_data, &r.plaintext)
    })?;
    Ok(AeadEncryptResponse { ciphertext })
}

pub(crate) fn aead_decrypt(
    slot: &Slot,
    app: &Application,
    r: &AeadDecryptRequest,
) -> Result<AeadDecryptResponse, Error> {
    let key = slot.key(app, &r.key_name)?;
    key.attributes
        .check_use(Usage::Decrypt, Algorithm::Aead(r.alg))?;
    require_input(&r.nonce, "the nonce is empty")?;
    let aead = capability(slot, Opcode::PsaAeadDecrypt, slot.provider.aead())?;
    let plaintext = with_key(slot, app, &r.key_name, &key, |k, b| {
        aead.decrypt(k, b, r.alg, &r.nonce, &r.additional_data, &r.ciphertext)
    })?;
    Ok(AeadDecryptResponse { plaintext })
}

pub(crate) fn cipher_encrypt(
    slot: &Slot,
    app: &Application,
    r: &CipherEncryptRequest,
) -> Result<CipherEncryptResponse, Error> {
    let key = slot.key(app, &r.key_name)?;
    key.attributes
        .check_use(Usage::Encrypt, Algorithm::Cipher(r.alg))?;
    require_input(&r.plaintext, "the plaintext is empty")?;
    let cipher = capability(slot, Opcode::PsaCipherEncrypt, slot.provider.cipher())?;
    let ciphertext = with_key(slot, app, &r.key_name, &key, |k, b| {
        cipher.encrypt(k, b, r.alg, &r.plaintext)
    })?;
    Ok(CipherEncryptResponse { ciphertext })
}

pub(crate) fn cipher_decrypt(
    slot: &Slot,
    app: &Application,
    r: &CipherDecryptRequest,
) -> Result<CipherDecryptResponse, Error> {
    let key = slot.key(app, &r.key_name)?;
    key.attributes
        .check_use(Usage::Decrypt, Algorithm::Cipher(r.alg))?;
    require_input(&r.ciphertext, "the ciphertext is empty")?;
    let cipher = capability(slot, Opcode::PsaCipherDecrypt, slot.provider.cipher())?;
    let plaintext = with_key(slot, app, &r.key_name, &key, |k, b| {
        cipher.decrypt(k, b, r.alg, &r.ciphertext)
    })?;
    Ok(CipherDecryptResponse { plaintext })
}

pub(crate) fn mac_compute(
    slot: &Slot,
    app: &Application,
    r: &MacComputeRequest,
) -> Result<MacComputeResponse, Error> {
    let key = slot.key(app, &r.key_name)?;
    key.attributes
        .check_use(Usage::SignMessage, Algorithm::Mac(r.alg))?;
    let mac = capability(slot, Opcode::PsaMacCompute, slot.provider.mac())?;
    let tag = with_key(slot, app, &r.key_name, &key, |k, b| {
        mac.compute(k, b, r.alg, &r.input)
    })?;
    Ok(MacComputeResponse { mac: tag })
}

pub(crate) fn mac_verify(
    slot: &Slot,
    app: &Application,
    r: &MacVerifyRequest,
) -> Result<MacVerifyResponse, Error> {
    let key = slot.key(app, &r.key_name)?;
    key.attributes
        .check_use(Usage::VerifyMessage, Algorithm::Mac(r.alg))?;
    let mac = capability(slot, Opcode::PsaMacVerify, slot.provider.mac())?;
    with_key(slot, app, &r.key_name, &key, |k, b| {
        mac.verify(k, b, r.alg, &r.input, &r.mac)
    })?;
    Ok(MacVerifyResponse)
}

pub(crate) fn raw_key_agreement(
    slot: &Slot,
    app: &Application,
    r: &RawKeyAgreementRequest,
) -> Result<RawKeyAgreementResponse, Error> {
    let key = slot.key(app, &r.private_key_name)?;
    let alg = Algorithm::KeyAgreement(psc_psa::KeyAgreement::Raw(r.alg));
    key.attributes.check_use(Usage::Derive, alg)?;
    require_pair(&key, "key agreement needs a key pair")?;
    let agreement = capability(
        slot,
        Opcode::PsaRawKeyAgreement,
        slot.provider.key_agreement(),
    )?;
    let shared_secret = with_key(slot, app, &r.private_key_name, &key, |k, b| {
        agreement.raw_agreement(k, b, r.alg, &r.peer_key)
    })?;
    Ok(RawKeyAgreementResponse { shared_secret })
}
