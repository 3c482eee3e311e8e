//! The capabilities: key lifecycle, signatures, RSA encryption and random bytes, each one
//! TPM command (or a few) under the device's lock.

use psc_provider_api::{
    AsymmetricCrypt, Binding, KeyLifecycle, KeyRef, NewKey, ProviderError, RandomSource,
    RawAgreement, SignHash, SignMessage,
};
use psc_psa::{
    AsymmetricEncryption, AsymmetricSignature, Attributes, Hash, KeyType, RawKeyAgreement,
    SecretBytes,
};
use tss_esapi::constants::response_code::Tss2ResponseCodeKind as Kind;
use tss_esapi::constants::tss::{TPM2_RH_NULL, TPM2_ST_HASHCHECK};
use tss_esapi::structures::{
    Auth, Data, Digest, EccParameter, EccPoint, EccSignature, EncryptedSecret, Private,
    PrivateKeyRsa, PublicKeyRsa, RsaDecryptionScheme, RsaSignature, Sensitive, SensitiveBuffer,
    Signature, SignatureScheme, SymmetricDefinitionObject,
};
use tss_esapi::traits::Marshall;
use tss_esapi::tss2_esys::TPMT_TK_HASHCHECK;
use zeroize::Zeroizing;

use crate::TpmProvider;
use crate::blob::{self, Blob, Kind as BlobKind};
use crate::device::tpm_hash;
use crate::error::{Command, TpmError};
use crate::keys::{self, Use};

/// The most bytes asked of TPM2_GetRandom at once: at most a digest, whatever the TPM.
const RANDOM_CHUNK: usize = 32;

fn not_supported(what: impl Into<String>) -> ProviderError {
    ProviderError::NotSupported(what.into())
}

impl TpmProvider {
    pub(crate) fn open_key(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
    ) -> Result<Blob, ProviderError> {
        Blob::decode(key.blob, binding, key.attributes)
    }

    fn seed(&self) -> Result<[u8; 32], ProviderError> {
        let mut seed = [0u8; 32];
        self.fill_random(&mut seed)?;
        Ok(seed)
    }

    fn fill_random(&self, out: &mut [u8]) -> Result<(), ProviderError> {
        let mut filled = 0;
        while filled < out.len() {
            let want = (out.len() - filled).min(RANDOM_CHUNK);
            let bytes = self.device.with(|inner| {
                inner
                    .ctx
                    .execute_without_session(|ctx| ctx.get_random(want))
                    .command("TPM2_GetRandom")
            })?;
            let bytes = bytes.value();
            // The TPM may answer fewer bytes than asked: ask again for the rest.
            let take = bytes.len().min(want);
            out[filled..filled + take].copy_from_slice(&bytes[..take]);
            filled += take;
            if take == 0 {
                return Err(ProviderError::Hardware(
                    "TPM2_GetRandom answered no bytes".into(),
                ));
            }
        }
        Ok(())
    }

    /// The signature algorithm `alg` on a key like `attributes`, if the TPM runs it.
    fn signing(
        &self,
        attributes: &Attributes,
        alg: AsymmetricSignature,
    ) -> Result<Hash, ProviderError> {
        match keys::use_of(
            &self.device.capabilities,
            attributes.key_type,
            attributes.policy.permitted_algorithm,
        ) {
            Use::Sign(permitted, hash) if permitted == alg => Ok(hash),
            _ => Err(not_supported(format!("{alg:?} with this key on the TPM"))),
        }
    }

    fn crypting(
        &self,
        attributes: &Attributes,
        alg: AsymmetricEncryption,
    ) -> Result<(), ProviderError> {
        match keys::use_of(
            &self.device.capabilities,
            attributes.key_type,
            attributes.policy.permitted_algorithm,
        ) {
            Use::Crypt(permitted) if permitted == alg => Ok(()),
            _ => Err(not_supported(format!("{alg:?} with this key on the TPM"))),
        }
    }
}

impl TpmProvider {
    /// Imports a key pair with TPM2_Import, unwrapped (no inner or outer wrapper): the TPM
    /// wraps its private area under the storage primary, and the key is then kept as any
    /// other blob. Its object attributes say it was not born in the TPM (`fixedTPM`,
    /// `fixedParent`, `sensitiveDataOrigin` clear).
    fn import_pair(
        &self,
        attributes: &Attributes,
        data: &[u8],
        binding: Binding<'_>,
    ) -> Result<NewKey, ProviderError> {
        let (unique, sensitive, bits) =
            keys::parse_pair(attributes.key_type, attributes.bits, data)?;
        let mut attributes = *attributes;
        attributes.bits = bits;
        let template = keys::template(&self.device.capabilities, &attributes, Some(unique))?;
        let seed = self.seed()?;
        let obfuscation = self.seed()?;
        let auth = Auth::try_from(blob::auth(&seed, binding, &attributes).to_vec())
            .command("key authorization")?;
        let obfuscation = Digest::try_from(obfuscation.to_vec()).command("TPM2B_DIGEST")?;
        let sensitive = match attributes.key_type {
            KeyType::RsaKeyPair => Sensitive::Rsa {
                auth_value: auth,
                seed_value: obfuscation,
                sensitive: PrivateKeyRsa::try_from(sensitive.to_vec())
                    .command("TPM2B_PRIVATE_KEY_RSA")?,
            },
            _ => Sensitive::Ecc {
                auth_value: auth,
                seed_value: obfuscation,
                sensitive: EccParameter::try_from(sensitive.to_vec())
                    .command("TPM2B_ECC_PARAMETER")?,
            },
        };
        let duplicate = SensitiveBuffer::try_from(sensitive)
            .and_then(|buffer| buffer.marshall())
            .and_then(|bytes| Private::try_from(Zeroizing::new(bytes).to_vec()))
            .command("TPM2B_SENSITIVE")?;
        let imported = self.device.with(|inner| {
            let primary = inner.primary;
            inner
                .ctx
                .import(
                    primary.into(),
                    None,
                    template.clone(),
                    duplicate,
                    EncryptedSecret::default(),
                    SymmetricDefinitionObject::Null,
                )
                .command("TPM2_Import")
        });
        let private = imported.map_err(|error| match error.kind() {
            Some(Kind::Binding | Kind::Value | Kind::Size | Kind::KeySize | Kind::EccPoint) => {
                ProviderError::InvalidArgument(format!("the TPM refused the key: {error}"))
            }
            _ => error.into(),
        })?;
        let blob = Blob {
            kind: BlobKind::Pair,
            seed,
            public: template,
            private: private.value().to_vec(),
        };
        // The TPM checks the private key against the public one when it loads it.
        let auth = blob.auth(binding, &attributes);
        self.device
            .with_key(&blob.public, &blob.private, &auth, |_, _| Ok(()))
            .map_err(|e| match e.kind() {
                Some(Kind::Binding | Kind::Value | Kind::Size | Kind::KeySize | Kind::EccPoint) => {
                    ProviderError::InvalidArgument(format!("the TPM refused the key: {e}"))
                }
                _ => e.into(),
            })?;
        Ok(NewKey {
            blob: blob.encode(binding, &attributes)?,
            attributes,
        })
    }
}

impl KeyLifecycle for TpmProvider {
    fn generate(
        &self,
        attributes: &Attributes,
        binding: Binding<'_>,
    ) -> Result<NewKey, ProviderError> {
        if !matches!(
            attributes.key_type,
            KeyType::RsaKeyPair | KeyType::EccKeyPair { .. }
        ) {
            return Err(not_supported(format!(
                "generating a {:?} in the TPM",
                attributes.key_type
            )));
        }
        let template = keys::template(&self.device.capabilities, attributes, None)?;
        let seed = self.seed()?;
        let auth = blob::auth(&seed, binding, attributes);
        let auth = Auth::try_from(auth.to_vec()).command("key authorization")?;
        let created = self.device.with(|inner| {
            let primary = inner.primary;
            inner
                .ctx
                .create(primary, template, Some(auth), None, None, None)
                .command("TPM2_Create")
        })?;
        let blob = Blob {
            kind: BlobKind::Pair,
            seed,
            public: created.out_public,
            private: created.out_private.value().to_vec(),
        };
        Ok(NewKey {
            blob: blob.encode(binding, attributes)?,
            attributes: *attributes,
        })
    }

    fn import(
        &self,
        attributes: &Attributes,
        data: &[u8],
        binding: Binding<'_>,
    ) -> Result<NewKey, ProviderError> {
        if attributes.key_type.is_key_pair() {
            return self.import_pair(attributes, data, binding);
        }
        if !attributes.key_type.is_public_key() {
            return Err(not_supported(format!(
                "importing a {:?} into the TPM",
                attributes.key_type
            )));
        }
        let (unique, bits) = keys::parse_public(attributes.key_type, attributes.bits, data)?;
        let mut attributes = *attributes;
        attributes.bits = bits;
        let template = keys::template(&self.device.capabilities, &attributes, Some(unique))?;
        // The TPM checks the key (an ECC point on its curve, an RSA modulus of its size).
        self.device
            .with_public(&template, |_, _| Ok(()))
            .map_err(|e| match e.kind() {
                Some(Kind::EccPoint | Kind::Value | Kind::Size | Kind::KeySize | Kind::Key) => {
                    ProviderError::InvalidArgument(format!("the TPM refused the key: {e}"))
                }
                _ => e.into(),
            })?;
        let blob = Blob {
            kind: BlobKind::Public,
            seed: self.seed()?,
            public: template,
            private: Vec::new(),
        };
        Ok(NewKey {
            blob: blob.encode(binding, &attributes)?,
            attributes,
        })
    }

    fn export_public(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
    ) -> Result<Vec<u8>, ProviderError> {
        keys::export_public(&self.open_key(key, binding)?.public)
    }

    fn destroy(&self, key: KeyRef<'_>) -> Result<(), ProviderError> {
        // The key lives only in its blob: nothing in the TPM to remove.
        let _ = key;
        Ok(())
    }
}

fn hashcheck() -> Result<tss_esapi::structures::HashcheckTicket, TpmError> {
    TPMT_TK_HASHCHECK {
        tag: TPM2_ST_HASHCHECK,
        hierarchy: TPM2_RH_NULL,
        digest: Default::default(),
    }
    .try_into()
    .command("TPMT_TK_HASHCHECK")
}

impl SignHash for TpmProvider {
    fn sign_hash(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricSignature,
        hash: &[u8],
    ) -> Result<Vec<u8>, ProviderError> {
        let psa_hash = self.signing(key.attributes, alg)?;
        let blob = self.open_key(key, binding)?;
        if blob.kind != BlobKind::Pair {
            return Err(ProviderError::InvalidArgument(
                "a public key cannot sign".into(),
            ));
        }
        if hash.len() != psa_hash.digest_len() {
            return Err(ProviderError::InvalidArgument(format!(
                "a {psa_hash:?} hash is {} bytes, not {}",
                psa_hash.digest_len(),
                hash.len()
            )));
        }
        let digest = Digest::try_from(hash.to_vec()).command("TPM2B_DIGEST")?;
        let auth = blob.auth(binding, key.attributes);
        let signature =
            self.device
                .with_key(&blob.public, &blob.private, &auth, |ctx, handle| {
                    ctx.sign(handle, digest, SignatureScheme::Null, hashcheck()?)
                        .command("TPM2_Sign")
                })?;
        match signature {
            Signature::RsaSsa(rsa) | Signature::RsaPss(rsa) => Ok(keys::left_pad(
                rsa.signature().value(),
                keys::modulus_len(&blob.public),
            )?),
            Signature::EcDsa(ecc) => {
                let n = keys::field_len(key.attributes.bits);
                let mut out = keys::left_pad(ecc.signature_r().value(), n)?;
                out.extend_from_slice(&keys::left_pad(ecc.signature_s().value(), n)?);
                Ok(out)
            }
            other => Err(ProviderError::Other(format!(
                "TPM2_Sign answered a {:?} signature",
                other.algorithm()
            ))),
        }
    }

    fn verify_hash(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricSignature,
        hash: &[u8],
        signature: &[u8],
    ) -> Result<(), ProviderError> {
        let psa_hash = self.signing(key.attributes, alg)?;
        let blob = self.open_key(key, binding)?;
        if hash.len() != psa_hash.digest_len() {
            return Err(ProviderError::InvalidArgument(format!(
                "a {psa_hash:?} hash is {} bytes, not {}",
                psa_hash.digest_len(),
                hash.len()
            )));
        }
        let tpm_hash = tpm_hash(psa_hash).ok_or_else(|| not_supported("hash"))?;
        let signature = match alg {
            AsymmetricSignature::Ecdsa { .. } => {
                let n = keys::field_len(key.attributes.bits);
                if signature.len() != 2 * n {
                    return Err(ProviderError::InvalidSignature);
                }
                let (r, s) = signature.split_at(n);
                let r = EccParameter::try_from(r.to_vec()).command("TPM2B_ECC_PARAMETER")?;
                let s = EccParameter::try_from(s.to_vec()).command("TPM2B_ECC_PARAMETER")?;
                Signature::EcDsa(
                    EccSignature::create(tpm_hash, r, s).command("TPMS_SIGNATURE_ECC")?,
                )
            }
            _ => {
                if signature.len() != keys::modulus_len(&blob.public) {
                    return Err(ProviderError::InvalidSignature);
                }
                let sig =
                    PublicKeyRsa::try_from(signature.to_vec()).command("TPM2B_PUBLIC_KEY_RSA")?;
                let sig = RsaSignature::create(tpm_hash, sig).command("TPMS_SIGNATURE_RSA")?;
                if matches!(alg, AsymmetricSignature::RsaPss { .. }) {
                    Signature::RsaPss(sig)
                } else {
                    Signature::RsaSsa(sig)
                }
            }
        };
        let digest = Digest::try_from(hash.to_vec()).command("TPM2B_DIGEST")?;
        let verified = self.device.with_public(&blob.public, |ctx, handle| {
            ctx.verify_signature(handle, digest, signature)
                .command("TPM2_VerifySignature")
        });
        match verified {
            Ok(_) => Ok(()),
            Err(e) if matches!(e.kind(), Some(Kind::Signature | Kind::Value | Kind::Size)) => {
                Err(ProviderError::InvalidSignature)
            }
            Err(e) => Err(e.into()),
        }
    }
}

impl SignMessage for TpmProvider {}

/// The OAEP label as the TPM takes it: empty, or ending in its only zero byte (the TPM
/// refuses any other, so a label it would have to alter is not supported).
fn label(alg: AsymmetricEncryption, salt: &[u8]) -> Result<Data, ProviderError> {
    if salt.is_empty() {
        return Ok(Data::default());
    }
    if matches!(alg, AsymmetricEncryption::RsaPkcs1v15Crypt) {
        return Err(ProviderError::InvalidArgument(
            "RSA PKCS#1 v1.5 encryption takes no salt".into(),
        ));
    }
    let terminated = salt.last() == Some(&0) && !salt[..salt.len() - 1].contains(&0);
    if !terminated {
        return Err(not_supported(
            "an OAEP label the TPM takes ends in its only zero byte",
        ));
    }
    Data::try_from(salt.to_vec()).map_err(|_| not_supported("an OAEP label over 64 bytes"))
}

impl AsymmetricCrypt for TpmProvider {
    fn encrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricEncryption,
        plaintext: &[u8],
        salt: &[u8],
    ) -> Result<Vec<u8>, ProviderError> {
        self.crypting(key.attributes, alg)?;
        let blob = self.open_key(key, binding)?;
        let label = label(alg, salt)?;
        let k = keys::modulus_len(&blob.public);
        let overhead = match alg {
            AsymmetricEncryption::RsaPkcs1v15Crypt => 11,
            AsymmetricEncryption::RsaOaep { hash } => 2 * hash.digest_len() + 2,
        };
        if plaintext.len() + overhead > k {
            return Err(ProviderError::InvalidArgument(format!(
                "at most {} bytes fit this key and algorithm",
                k.saturating_sub(overhead)
            )));
        }
        let message = PublicKeyRsa::try_from(plaintext.to_vec()).command("TPM2B_PUBLIC_KEY_RSA")?;
        let ciphertext = self.device.with_public(&blob.public, |ctx, handle| {
            ctx.rsa_encrypt(handle, message, RsaDecryptionScheme::Null, label)
                .command("TPM2_RSA_Encrypt")
        })?;
        keys::left_pad(ciphertext.value(), k)
    }

    fn decrypt(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: AsymmetricEncryption,
        ciphertext: &[u8],
        salt: &[u8],
    ) -> Result<SecretBytes, ProviderError> {
        self.crypting(key.attributes, alg)?;
        let blob = self.open_key(key, binding)?;
        if blob.kind != BlobKind::Pair {
            return Err(ProviderError::InvalidArgument(
                "a public key cannot decrypt".into(),
            ));
        }
        let label = label(alg, salt)?;
        if ciphertext.len() != keys::modulus_len(&blob.public) {
            return Err(ProviderError::InvalidArgument(
                "the ciphertext is not as long as the key's modulus".into(),
            ));
        }
        let input = PublicKeyRsa::try_from(ciphertext.to_vec()).command("TPM2B_PUBLIC_KEY_RSA")?;
        let auth = blob.auth(binding, key.attributes);
        let decrypted = self
            .device
            .with_key(&blob.public, &blob.private, &auth, |ctx, handle| {
                ctx.rsa_decrypt(handle, input, RsaDecryptionScheme::Null, label)
                    .command("TPM2_RSA_Decrypt")
            });
        match decrypted {
            Ok(plaintext) => Ok(SecretBytes::from(plaintext.value())),
            // A bad padding is TPM_RC_VALUE; swtpm answers TPM_RC_FAILURE for some.
            Err(e)
                if e.command == "TPM2_RSA_Decrypt"
                    && matches!(e.kind(), Some(Kind::Value | Kind::Failure | Kind::Size)) =>
            {
                Err(ProviderError::InvalidPadding)
            }
            Err(e) => Err(e.into()),
        }
    }
}

impl RandomSource for TpmProvider {
    fn fill(&self, out: &mut [u8]) -> Result<(), ProviderError> {
        self.fill_random(out)
    }
}

impl RawAgreement for TpmProvider {
    fn raw_agreement(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: RawKeyAgreement,
        peer_key: &[u8],
    ) -> Result<SecretBytes, ProviderError> {
        let usage = keys::use_of(
            &self.device.capabilities,
            key.attributes.key_type,
            key.attributes.policy.permitted_algorithm,
        );
        if usage != Use::Agree || alg != RawKeyAgreement::Ecdh {
            return Err(not_supported(format!("{alg:?} with this key on the TPM")));
        }
        let blob = self.open_key(key, binding)?;
        let bits = key.attributes.bits;
        let n = keys::field_len(bits);
        if peer_key.len() != 1 + 2 * n || peer_key[0] != 4 {
            return Err(ProviderError::InvalidArgument(format!(
                "the peer key is not an uncompressed point of a {bits}-bit curve"
            )));
        }
        let (x, y) = peer_key[1..].split_at(n);
        let point = EccPoint::new(
            EccParameter::try_from(x.to_vec()).command("TPM2B_ECC_PARAMETER")?,
            EccParameter::try_from(y.to_vec()).command("TPM2B_ECC_PARAMETER")?,
        );
        let auth = blob.auth(binding, key.attributes);
        let shared = self
            .device
            .with_key(&blob.public, &blob.private, &auth, |ctx, handle| {
                ctx.ecdh_z_gen(handle, point).command("TPM2_ECDH_ZGen")
            });
        match shared {
            // The shared secret is the x coordinate of the product, at the curve's size.
            Ok(point) => Ok(SecretBytes::new(keys::left_pad(point.x().value(), n)?)),
            Err(e) if matches!(e.kind(), Some(Kind::EccPoint | Kind::Value | Kind::Size)) => Err(
                ProviderError::InvalidArgument(format!("the TPM refused the peer key: {e}")),
            ),
            Err(e) => Err(e.into()),
        }
    }
}
