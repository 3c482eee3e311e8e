//! Conveniences with safe defaults, for applications that want a signature or an encrypted
//! blob without choosing algorithms: ECDSA P-256 with SHA-256 for signing, AES-256-GCM with
//! a fresh random nonce per message for encryption, SHA-256 for hashing.
//!
//! What is decided here (the attributes, how a key signs a message, the sealed format) is
//! plain functions shared with [`crate::AsyncClient`]; the methods only send.
//!
//! # The sealed format
//!
//! [`Client::seal`] returns `version ‖ nonce ‖ ciphertext ‖ tag`:
//!
//! | bytes | content |
//! |---|---|
//! | 1 | format version, `0x01` |
//! | 12 | the AES-GCM nonce, fresh from the operating system's random generator |
//! | n | the ciphertext, as long as the plaintext |
//! | 16 | the GCM tag |
//!
//! The additional data is the caller's, unchanged. The nonce is covered by the tag (GCM
//! derives its counter from it), so a changed nonce fails to open like a changed ciphertext.
//! Random 96-bit nonces stay safe for up to 2³² messages under one key (NIST SP 800-38D);
//! rotate keys well before that.

use psc_psa::{
    Aead, AeadAlg, Algorithm, AsymmetricSignature, Attributes, EccFamily, Hash, KeyType, Policy,
    SecretBytes, SignHash, Status, UsageFlags,
};
use sha2::Digest;

use crate::client::Client;
use crate::error::{ClientError, Error};

/// The version byte that starts every sealed message.
pub const SEALED_VERSION: u8 = 1;
/// The AES-GCM nonce length.
pub const NONCE_LEN: usize = 12;
/// The AES-GCM tag length.
pub const TAG_LEN: usize = 16;
/// The AEAD of sealed messages.
pub(crate) const SEAL_AEAD: Aead = Aead::DefaultTag(AeadAlg::Gcm);

/// The hash used when a key's policy leaves it open, and by [`Client::hash`].
pub(crate) const DEFAULT_HASH: Hash = Hash::Sha256;

impl Client {
    /// Creates an ECDSA key on NIST P-256 with SHA-256, allowed to sign and verify both
    /// hashes and messages: the default signing key of `parsec-tool create-ecc-key` too.
    ///
    /// ```
    /// # let daemon = psc_testkit::TestDaemon::start();
    /// # let mut client = psc_client::Client::new(daemon.socket_path());
    /// # client.discover(Some("my-app"))?;
    /// # /*
    /// let client = psc_client::Client::connect("my-app")?;
    /// # */
    /// client.generate_signing_key("release-signing")?;
    /// # Ok::<(), psc_client::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Service`] with `PsaErrorAlreadyExists` when the application already has a
    /// key of that name; otherwise see [`Client::call`].
    pub fn generate_signing_key(&self, name: &str) -> Result<(), Error> {
        self.generate_key(name, signing_attributes())
    }

    /// Signs `message` with the key `name`, with the algorithm of the key's own policy (read
    /// with ListKeys the first time this client uses the key, then kept: one request per
    /// signature, looked up again once if the service refuses the kept algorithm for the
    /// key's policy, as after the key was made again with another). The message is hashed here and the hash signed in the service, which
    /// every provider supports; a key that may only sign messages has the service hash it.
    /// ECDSA signatures are the raw `r ‖ s`.
    ///
    /// ```
    /// # let daemon = psc_testkit::TestDaemon::start();
    /// # let mut client = psc_client::Client::new(daemon.socket_path());
    /// # client.discover(Some("my-app"))?;
    /// # /*
    /// let client = psc_client::Client::connect("my-app")?;
    /// # */
    /// client.generate_signing_key("release-signing")?;
    /// let signature = client.sign("release-signing", b"release 1.0")?;
    /// client.verify("release-signing", b"release 1.0", &signature)?;
    /// assert!(client.verify("release-signing", b"release 2.0", &signature).is_err());
    /// # Ok::<(), psc_client::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Service`] with `PsaErrorDoesNotExist` when the application has no such key;
    /// [`ClientError::UnsuitableKey`] when its policy permits no hash-and-sign algorithm;
    /// otherwise see [`Client::call`].
    pub fn sign(&self, name: &str, message: &[u8]) -> Result<Vec<u8>, Error> {
        let (attributes, kept) = self.signing_key(name)?;
        let result = self.sign_planned(name, message, attributes);
        match self.refreshed(name, kept, &result)? {
            Some(fresh) => self.sign_planned(name, message, fresh),
            None => result,
        }
    }

    fn sign_planned(
        &self,
        name: &str,
        message: &[u8],
        attributes: Option<Attributes>,
    ) -> Result<Vec<u8>, Error> {
        match SignPlan::new(name, attributes, message, Purpose::Sign)? {
            SignPlan::Hash { alg, hash } => self.sign_hash(name, alg, &hash),
            SignPlan::Message { alg } => self.sign_message(name, alg, message),
        }
    }

    /// Checks a signature made by [`Client::sign`] (or by anyone holding the private key,
    /// with the key's algorithm): `Ok(())` when it is valid.
    ///
    /// # Errors
    /// [`Error::Service`] with `PsaErrorInvalidSignature` when it is not; otherwise as
    /// [`Client::sign`].
    pub fn verify(&self, name: &str, message: &[u8], signature: &[u8]) -> Result<(), Error> {
        let (attributes, kept) = self.signing_key(name)?;
        let result = self.verify_planned(name, message, signature, attributes);
        match self.refreshed(name, kept, &result)? {
            Some(fresh) => self.verify_planned(name, message, signature, fresh),
            None => result,
        }
    }

    fn verify_planned(
        &self,
        name: &str,
        message: &[u8],
        signature: &[u8],
        attributes: Option<Attributes>,
    ) -> Result<(), Error> {
        match SignPlan::new(name, attributes, message, Purpose::Verify)? {
            SignPlan::Hash { alg, hash } => self.verify_hash(name, alg, &hash, signature),
            SignPlan::Message { alg } => self.verify_message(name, alg, message, signature),
        }
    }

    /// The attributes of the key `name` (`None`: no such key), and whether they were kept
    /// rather than looked up now.
    fn signing_key(&self, name: &str) -> Result<(Option<Attributes>, bool), Error> {
        let scope = self.key_scope();
        if let Some(kept) = self.key_policies().get(&scope, name) {
            return Ok((Some(kept), true));
        }
        let fresh = self.key_info(name)?.map(|key| key.attributes);
        self.key_policies().learn(&scope, name, fresh);
        Ok((fresh, false))
    }

    /// After an operation with `kept` attributes: when it failed in a way that says they may
    /// be stale, the attributes looked up again, if they changed (`Some(None)`: the key is
    /// gone). Nothing to retry after a success or a lookup made for this operation.
    fn refreshed<T>(
        &self,
        name: &str,
        kept: bool,
        result: &Result<T, Error>,
    ) -> Result<Option<Option<Attributes>>, Error> {
        let scope = self.key_scope();
        let Err(error) = result else { return Ok(None) };
        if !kept || !self.key_policies().stale_after(&scope, name, error) {
            return Ok(None);
        }
        let before = self.key_policies().get(&scope, name);
        let fresh = self.key_info(name)?.map(|key| key.attributes);
        self.key_policies().learn(&scope, name, fresh);
        Ok((fresh != before).then_some(fresh))
    }

    /// Creates an AES-256 key for AES-GCM (16-byte tag), allowed to encrypt and decrypt, for
    /// [`Client::seal`] and [`Client::open`].
    ///
    /// ```
    /// # let daemon = psc_testkit::TestDaemon::start();
    /// # let mut client = psc_client::Client::new(daemon.socket_path());
    /// # client.discover(Some("my-app"))?;
    /// # /*
    /// let client = psc_client::Client::connect("my-app")?;
    /// # */
    /// client.generate_encryption_key("backups")?;
    /// let sealed = client.seal("backups", b"the database password", b"db.conf")?;
    /// let opened = client.open("backups", &sealed, b"db.conf")?;
    /// assert_eq!(opened.as_bytes(), b"the database password");
    /// // The additional data must match: it says what the secret is for.
    /// assert!(client.open("backups", &sealed, b"other.conf").is_err());
    /// # Ok::<(), psc_client::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Client::generate_signing_key`].
    pub fn generate_encryption_key(&self, name: &str) -> Result<(), Error> {
        self.generate_key(name, encryption_attributes())
    }

    /// Encrypts and authenticates `plaintext`, and authenticates `additional_data` (for
    /// example what the secret is for), with the AES-GCM key `name` under a fresh random
    /// nonce. The result carries the nonce (see [`easy`](crate::easy) for the
    /// format): store or send it whole, and give the same `additional_data` to
    /// [`Client::open`].
    ///
    /// # Errors
    /// [`ClientError::Random`] when the operating system's random generator fails;
    /// [`Error::Service`] with `PsaErrorNotPermitted` for a key that is not an AES-GCM
    /// encryption key; otherwise see [`Client::call`].
    pub fn seal(
        &self,
        name: &str,
        plaintext: &[u8],
        additional_data: &[u8],
    ) -> Result<Vec<u8>, Error> {
        let nonce = fresh_nonce()?;
        let ciphertext = self.aead_encrypt(name, SEAL_AEAD, &nonce, additional_data, plaintext)?;
        Ok(sealed(&nonce, &ciphertext))
    }

    /// Checks and decrypts the output of [`Client::seal`].
    ///
    /// # Errors
    /// [`Error::Service`] with `PsaErrorInvalidSignature` when the sealed bytes or the
    /// additional data were altered, or another key sealed them; [`ClientError::NotSealed`]
    /// for bytes too short or of an unknown version; otherwise see [`Client::call`].
    pub fn open(
        &self,
        name: &str,
        sealed: &[u8],
        additional_data: &[u8],
    ) -> Result<SecretBytes, Error> {
        let (nonce, ciphertext) = unseal(sealed)?;
        self.aead_decrypt(name, SEAL_AEAD, nonce, additional_data, ciphertext)
    }

    /// The SHA-256 hash of `message`, computed by the service's provider.
    ///
    /// ```
    /// # let daemon = psc_testkit::TestDaemon::start();
    /// # let mut client = psc_client::Client::new(daemon.socket_path());
    /// # client.discover(Some("my-app"))?;
    /// # /*
    /// let client = psc_client::Client::connect("my-app")?;
    /// # */
    /// let hash = client.hash(b"abc")?;
    /// assert_eq!(hash[..4], [0xba, 0x78, 0x16, 0xbf]);
    /// # Ok::<(), psc_client::Error>(())
    /// ```
    ///
    /// # Errors
    /// See [`Client::hash_compute`].
    pub fn hash(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        self.hash_compute(DEFAULT_HASH, message)
    }
}

/// The attributes of [`Client::generate_signing_key`]: ECDSA on P-256 with SHA-256,
/// signing and verifying hashes and messages.
pub fn signing_attributes() -> Attributes {
    let alg = AsymmetricSignature::Ecdsa {
        hash: SignHash::Specific(DEFAULT_HASH),
    };
    let key_type = KeyType::EccKeyPair {
        curve_family: EccFamily::SecpR1,
    };
    Attributes::signing_key(key_type, 256, alg)
}

/// The attributes of [`Client::generate_encryption_key`]: AES-256 for AES-GCM with the full
/// 16-byte tag, encrypting and decrypting.
pub fn encryption_attributes() -> Attributes {
    let usage_flags = UsageFlags {
        encrypt: true,
        decrypt: true,
        ..UsageFlags::default()
    };
    Attributes {
        key_type: KeyType::Aes,
        bits: 256,
        policy: Policy {
            usage_flags,
            permitted_algorithm: Algorithm::Aead(SEAL_AEAD),
        },
    }
}

/// Whether a [`SignPlan`] is for signing or verifying.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Purpose {
    Sign,
    Verify,
}

/// How a message is signed (or verified) with a key, from the key's policy.
#[derive(Debug)]
pub(crate) enum SignPlan {
    /// Sign `hash`, the message hashed here.
    Hash {
        alg: AsymmetricSignature,
        hash: Vec<u8>,
    },
    /// Send the message (the key may only sign messages, or its hash is not one of ours).
    Message { alg: AsymmetricSignature },
}

impl SignPlan {
    /// The plan for the key `name`, with `attributes` (`None`: no such key).
    ///
    /// # Errors
    /// `PsaErrorDoesNotExist` without a key, [`ClientError::UnsuitableKey`] when its policy
    /// has no hash-and-sign algorithm.
    pub(crate) fn new(
        name: &str,
        attributes: Option<Attributes>,
        message: &[u8],
        purpose: Purpose,
    ) -> Result<SignPlan, Error> {
        // The answer the service gives for a missing key, so callers handle one status.
        let attributes = attributes.ok_or(Error::Service(Status::PsaErrorDoesNotExist))?;
        let policy = attributes.policy;
        let unsuitable = |reason| ClientError::UnsuitableKey {
            name: name.to_owned(),
            reason,
        };
        let Algorithm::AsymmetricSignature(permitted) = policy.permitted_algorithm else {
            return Err(unsuitable("its policy permits no signature algorithm").into());
        };
        let alg = concrete(permitted).ok_or(unsuitable(
            "its algorithm signs prepared input, not messages (use sign_hash)",
        ))?;
        let usage = policy.usage_flags;
        let by_hash = match purpose {
            Purpose::Sign => usage.sign_hash,
            Purpose::Verify => usage.verify_hash,
        };
        let hash = alg.sign_hash().and_then(SignHash::specific);
        match hash.and_then(|h| digest(h, message)) {
            Some(hash) if by_hash => Ok(SignPlan::Hash { alg, hash }),
            _ => Ok(SignPlan::Message { alg }),
        }
    }
}

/// The algorithm to sign with under a `permitted` policy: itself, or with SHA-256 for a
/// wildcard hash; `None` for the raw variants, which sign prepared input.
fn concrete(permitted: AsymmetricSignature) -> Option<AsymmetricSignature> {
    let hash = match permitted.sign_hash()? {
        SignHash::Any => SignHash::Specific(DEFAULT_HASH),
        specific => specific,
    };
    Some(match permitted {
        AsymmetricSignature::RsaPkcs1v15Sign { .. } => {
            AsymmetricSignature::RsaPkcs1v15Sign { hash }
        }
        AsymmetricSignature::RsaPss { .. } => AsymmetricSignature::RsaPss { hash },
        AsymmetricSignature::Ecdsa { .. } => AsymmetricSignature::Ecdsa { hash },
        AsymmetricSignature::DeterministicEcdsa { .. } => {
            AsymmetricSignature::DeterministicEcdsa { hash }
        }
        raw => raw,
    })
}

/// `message` hashed with `hash`, for the SHA-2 family; `None` for other hashes.
fn digest(hash: Hash, message: &[u8]) -> Option<Vec<u8>> {
    Some(match hash {
        Hash::Sha224 => sha2::Sha224::digest(message).to_vec(),
        Hash::Sha256 => sha2::Sha256::digest(message).to_vec(),
        Hash::Sha384 => sha2::Sha384::digest(message).to_vec(),
        Hash::Sha512 => sha2::Sha512::digest(message).to_vec(),
        Hash::Sha512_224 => sha2::Sha512_224::digest(message).to_vec(),
        Hash::Sha512_256 => sha2::Sha512_256::digest(message).to_vec(),
        _ => return None,
    })
}

/// A fresh nonce from the operating system's random generator.
///
/// # Errors
/// [`ClientError::Random`] when the generator fails.
pub(crate) fn fresh_nonce() -> Result<[u8; NONCE_LEN], Error> {
    let mut nonce = [0u8; NONCE_LEN];
    let mut filled = 0;
    while filled < NONCE_LEN {
        match rustix::rand::getrandom(&mut nonce[filled..], rustix::rand::GetRandomFlags::empty()) {
            Ok(n) => filled += n,
            Err(rustix::io::Errno::INTR) => {}
            Err(errno) => return Err(ClientError::Random(errno.into()).into()),
        }
    }
    Ok(nonce)
}

/// The sealed format: version, nonce, then the ciphertext and tag.
pub(crate) fn sealed(nonce: &[u8; NONCE_LEN], ciphertext: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + NONCE_LEN + ciphertext.len());
    out.push(SEALED_VERSION);
    out.extend_from_slice(nonce);
    out.extend_from_slice(ciphertext);
    out
}

/// The nonce and the ciphertext-and-tag of a sealed message.
///
/// # Errors
/// [`ClientError::NotSealed`] for an unknown version or bytes too short to hold a tag.
pub(crate) fn unseal(sealed: &[u8]) -> Result<(&[u8], &[u8]), Error> {
    let Some((&version, rest)) = sealed.split_first() else {
        return Err(ClientError::NotSealed("empty").into());
    };
    if version != SEALED_VERSION {
        return Err(ClientError::NotSealed("unknown version byte").into());
    }
    if rest.len() < NONCE_LEN + TAG_LEN {
        return Err(ClientError::NotSealed("too short").into());
    }
    Ok(rest.split_at(NONCE_LEN))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(attributes: Attributes) -> Option<Attributes> {
        Some(attributes)
    }

    #[test]
    fn a_signing_key_signs_the_sha256_of_the_message() -> Result<(), Error> {
        let plan = SignPlan::new("k", key(signing_attributes()), b"abc", Purpose::Sign)?;
        let SignPlan::Hash { alg, hash } = plan else {
            panic!("expected a hash plan, got {plan:?}");
        };
        assert!(alg.is_ecdsa());
        assert_eq!(hash[..4], [0xba, 0x78, 0x16, 0xbf]);
        Ok(())
    }

    #[test]
    fn a_wildcard_policy_signs_with_sha256() {
        let any = AsymmetricSignature::RsaPss {
            hash: SignHash::Any,
        };
        let pss = AsymmetricSignature::RsaPss {
            hash: SignHash::Specific(Hash::Sha256),
        };
        assert_eq!(concrete(any), Some(pss));
        assert_eq!(concrete(AsymmetricSignature::EcdsaAny), None);
    }

    #[test]
    fn a_message_only_key_sends_the_message() -> Result<(), Error> {
        let mut attributes = signing_attributes();
        attributes.policy.usage_flags.sign_hash = false;
        let plan = SignPlan::new("k", key(attributes), b"abc", Purpose::Sign)?;
        assert!(matches!(plan, SignPlan::Message { .. }));
        Ok(())
    }

    #[test]
    fn unsuitable_and_missing_keys_are_refused() {
        let aes = SignPlan::new("k", key(encryption_attributes()), b"", Purpose::Sign);
        assert!(matches!(
            aes,
            Err(Error::Client(ClientError::UnsuitableKey { .. }))
        ));
        let missing = SignPlan::new("k", None, b"", Purpose::Verify);
        assert!(matches!(
            missing,
            Err(Error::Service(Status::PsaErrorDoesNotExist))
        ));
    }

    #[test]
    fn the_sealed_format_round_trips_and_refuses_bad_input() -> Result<(), Error> {
        let nonce = fresh_nonce()?;
        assert_ne!(nonce, fresh_nonce()?);
        let boxed = sealed(&nonce, &[7u8; TAG_LEN + 3]);
        assert_eq!(boxed.len(), 1 + NONCE_LEN + TAG_LEN + 3);
        assert_eq!(unseal(&boxed)?, (&nonce[..], &[7u8; TAG_LEN + 3][..]));
        let mut other_version = boxed.clone();
        other_version[0] = 2;
        for bad in [&[][..], &other_version, &boxed[..NONCE_LEN + TAG_LEN]] {
            assert!(matches!(
                unseal(bad),
                Err(Error::Client(ClientError::NotSealed(_)))
            ));
        }
        Ok(())
    }
}
