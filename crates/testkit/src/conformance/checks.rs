//! The conformance checks. Each panics (fails the test) with the cell it was checking.

use psc_provider_api::{Binding, Check, KeyRef, NewKey, Provider, ProviderError};
use psc_psa::{
    Aead, Algorithm, AsymmetricEncryption, AsymmetricSignature, Attributes, Cipher, Hash,
    KeyAgreement, KeyType, Mac, Policy, UsageFlags,
};

use super::cases;

const BINDING: Binding<'static> = Binding(b"conformance-owner");

/// Every usage: the suite checks the provider, not the service's policy enforcement.
fn all_usage() -> UsageFlags {
    UsageFlags {
        export: true,
        copy: false,
        cache: false,
        encrypt: true,
        decrypt: true,
        sign_message: true,
        verify_message: true,
        sign_hash: true,
        verify_hash: true,
        derive: true,
    }
}

fn attributes(key_type: KeyType, bits: u32, alg: Algorithm) -> Attributes {
    Attributes {
        key_type,
        bits,
        policy: Policy {
            usage_flags: all_usage(),
            permitted_algorithm: alg,
        },
    }
}

fn supported(provider: &dyn Provider, check: Check, attributes: &Attributes) -> bool {
    match provider.can_do(check, attributes) {
        Ok(()) => true,
        Err(ProviderError::NotSupported(_)) => false,
        Err(other) => panic!("CanDoCrypto {check:?} {attributes:?} answered {other:?}"),
    }
}

/// Asserts a result is `NotSupported`: what an operation CanDoCrypto denies must answer.
fn assert_not_supported<T: std::fmt::Debug>(result: Result<T, ProviderError>, cell: &str) {
    match result {
        Err(ProviderError::NotSupported(_)) => {}
        other => panic!("{cell}: CanDoCrypto says unsupported, the operation answered {other:?}"),
    }
}

/// Generates a key for a cell if CanDoCrypto says such a key (type and size, whatever its
/// policy) can be generated; checks that it cannot otherwise. Whether its algorithm can run
/// is the `Use` question, asked by each check.
fn generated(provider: &dyn Provider, attributes: &Attributes) -> Option<NewKey> {
    let lifecycle = provider.key_lifecycle()?;
    let cell = format!("generate {attributes:?}");
    let mut key_only = *attributes;
    key_only.policy.permitted_algorithm = Algorithm::None;
    if supported(provider, Check::Generate, &key_only) {
        let key = lifecycle
            .generate(attributes, BINDING)
            .unwrap_or_else(|e| panic!("{cell}: {e:?}"));
        assert_eq!(key.attributes.bits, attributes.bits, "{cell}: size");
        Some(key)
    } else {
        assert_not_supported(lifecycle.generate(attributes, BINDING), &cell);
        None
    }
}

fn key_ref(key: &NewKey) -> KeyRef<'_> {
    KeyRef {
        attributes: &key.attributes,
        blob: &key.blob,
    }
}

/// Bytes that differ from run to run are not needed: fixed patterns keep failures
/// reproducible.
fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| seed.wrapping_add(u8::try_from(i % 251).unwrap_or(0)))
        .collect()
}

/// Generate, export the public part where there is one, export where allowed, destroy.
pub fn key_lifecycle(provider: &dyn Provider) {
    let Some(lifecycle) = provider.key_lifecycle() else {
        return;
    };
    let ecdsa = AsymmetricSignature::Ecdsa {
        hash: psc_psa::SignHash::Specific(Hash::Sha256),
    };
    let cells = [
        attributes(
            cases::weierstrass_curves()[0].0,
            256,
            Algorithm::AsymmetricSignature(ecdsa),
        ),
        attributes(
            KeyType::Aes,
            128,
            Algorithm::Aead(Aead::DefaultTag(psc_psa::AeadAlg::Gcm)),
        ),
        attributes(KeyType::RawData, 256, Algorithm::None),
    ];
    for attributes in cells {
        let Some(key) = generated(provider, &attributes) else {
            continue;
        };
        let public = lifecycle.export_public(key_ref(&key), BINDING);
        if attributes.key_type.is_asymmetric() {
            let public = public.unwrap_or_else(|e| panic!("export_public {attributes:?}: {e:?}"));
            assert!(!public.is_empty());
        } else {
            assert!(public.is_err(), "{attributes:?} has no public part");
        }
        match lifecycle.export(key_ref(&key), BINDING) {
            Ok(material) => {
                // Exported material imports back to an equivalent key.
                let again = lifecycle
                    .import(&attributes, &material, BINDING)
                    .unwrap_or_else(|e| panic!("re-import {attributes:?}: {e:?}"));
                assert_eq!(again.attributes.bits, attributes.bits);
            }
            Err(ProviderError::NotSupported(_)) => {}
            Err(other) => panic!("export {attributes:?}: {other:?}"),
        }
        lifecycle
            .destroy(key_ref(&key))
            .unwrap_or_else(|e| panic!("destroy {attributes:?}: {e:?}"));
        // A blob opened with another owner's binding is refused.
        if attributes.key_type.is_asymmetric() {
            let other = lifecycle.export_public(key_ref(&key), Binding(b"someone else"));
            assert!(
                matches!(other, Err(ProviderError::CorruptKey(_))),
                "{attributes:?}: {other:?}"
            );
        }
    }
}

/// Signatures over hashes and messages, for every cell CanDoCrypto accepts.
pub fn signatures(provider: &dyn Provider) {
    for (key_type, bits, alg) in cases::signature_cases() {
        let attributes = attributes(key_type, bits, Algorithm::AsymmetricSignature(alg));
        let cell = format!("{key_type:?} {bits} {alg:?}");
        let Some(key) = generated(provider, &attributes) else {
            continue;
        };
        let (Some(signer), Some(messages)) = (provider.sign_hash(), provider.sign_message()) else {
            panic!("{cell}: a signing key was generated but signing is missing");
        };
        let hash_len = alg
            .sign_hash()
            .and_then(psc_psa::SignHash::specific)
            .map_or(32, Hash::digest_len);
        let hash = pattern(hash_len, 3);
        let signed = signer.sign_hash(key_ref(&key), BINDING, alg, &hash);
        if !supported(provider, Check::Use, &attributes) {
            assert_not_supported(signed, &cell);
            continue;
        }
        let signature = signed.unwrap_or_else(|e| panic!("{cell}: sign: {e:?}"));
        signer
            .verify_hash(key_ref(&key), BINDING, alg, &hash, &signature)
            .unwrap_or_else(|e| panic!("{cell}: verify: {e:?}"));
        let mut tampered = hash.clone();
        tampered[0] ^= 1;
        let refused = signer.verify_hash(key_ref(&key), BINDING, alg, &tampered, &signature);
        assert!(
            matches!(refused, Err(ProviderError::InvalidSignature)),
            "{cell}: tampered hash: {refused:?}"
        );
        if alg.sign_hash().is_some() {
            let message = b"conformance message";
            let signature = messages
                .sign_message(key_ref(&key), BINDING, alg, message)
                .unwrap_or_else(|e| panic!("{cell}: sign message: {e:?}"));
            messages
                .verify_message(key_ref(&key), BINDING, alg, message, &signature)
                .unwrap_or_else(|e| panic!("{cell}: verify message: {e:?}"));
            let refused =
                messages.verify_message(key_ref(&key), BINDING, alg, b"other message", &signature);
            assert!(
                matches!(refused, Err(ProviderError::InvalidSignature)),
                "{cell}: other message"
            );
        }
    }
}

/// Asymmetric encryption round trips, with and without an OAEP label.
pub fn encryption(provider: &dyn Provider) {
    for (bits, alg) in cases::encryption_cases() {
        let attributes = attributes(
            KeyType::RsaKeyPair,
            bits,
            Algorithm::AsymmetricEncryption(alg),
        );
        let cell = format!("RSA {bits} {alg:?}");
        let Some(key) = generated(provider, &attributes) else {
            continue;
        };
        let crypt = provider
            .asymmetric_crypt()
            .unwrap_or_else(|| panic!("{cell}: no encryption"));
        let encrypted = crypt.encrypt(key_ref(&key), BINDING, alg, b"secret", &[]);
        if !supported(provider, Check::Use, &attributes) {
            assert_not_supported(encrypted, &cell);
            continue;
        }
        let ciphertext = encrypted.unwrap_or_else(|e| panic!("{cell}: encrypt: {e:?}"));
        let plaintext = crypt
            .decrypt(key_ref(&key), BINDING, alg, &ciphertext, &[])
            .unwrap_or_else(|e| panic!("{cell}: decrypt: {e:?}"));
        assert_eq!(&*plaintext, b"secret", "{cell}");
        if let AsymmetricEncryption::RsaOaep { .. } = alg {
            // A TPM takes only labels that end in their only zero byte, and a token may take
            // no label at all (SoftHSM2 2.6.1): a provider may refuse "label" as
            // NotSupported; it then either takes "label\0" or refuses that too.
            let label: &[u8] = match crypt.encrypt(key_ref(&key), BINDING, alg, b"secret", b"label")
            {
                Err(ProviderError::NotSupported(_)) => b"label\0",
                _ => b"label",
            };
            let labelled = match crypt.encrypt(key_ref(&key), BINDING, alg, b"secret", label) {
                Err(ProviderError::NotSupported(_)) if label != b"label" => continue,
                other => other.unwrap_or_else(|e| panic!("{cell}: label: {e:?}")),
            };
            let plaintext = crypt
                .decrypt(key_ref(&key), BINDING, alg, &labelled, label)
                .unwrap_or_else(|e| panic!("{cell}: label: {e:?}"));
            assert_eq!(&*plaintext, b"secret");
            assert!(
                crypt
                    .decrypt(key_ref(&key), BINDING, alg, &labelled, b"other\0")
                    .is_err(),
                "{cell}: wrong label"
            );
        }
    }
}

/// AEAD round trips; a flipped ciphertext bit fails the tag check.
pub fn aead(provider: &dyn Provider) {
    for (key_type, bits, alg) in cases::aead_cases() {
        let attributes = attributes(key_type, bits, Algorithm::Aead(alg));
        let cell = format!("{key_type:?} {bits} {alg:?}");
        let Some(key) = generated(provider, &attributes) else {
            continue;
        };
        let aead = provider.aead().unwrap_or_else(|| panic!("{cell}: no AEAD"));
        let nonce = if alg.construction() == psc_psa::AeadAlg::Ccm {
            pattern(13, 1)
        } else {
            pattern(12, 1)
        };
        let encrypted = aead.encrypt(key_ref(&key), BINDING, alg, &nonce, b"header", b"payload");
        if !supported(provider, Check::Use, &attributes) {
            assert_not_supported(encrypted, &cell);
            continue;
        }
        let ciphertext = encrypted.unwrap_or_else(|e| panic!("{cell}: encrypt: {e:?}"));
        assert_eq!(
            ciphertext.len(),
            7 + alg.tag_len() as usize,
            "{cell}: ciphertext ‖ tag"
        );
        let plaintext = aead
            .decrypt(key_ref(&key), BINDING, alg, &nonce, b"header", &ciphertext)
            .unwrap_or_else(|e| panic!("{cell}: decrypt: {e:?}"));
        assert_eq!(&*plaintext, b"payload");
        let mut tampered = ciphertext.clone();
        tampered[0] ^= 1;
        let refused = aead.decrypt(key_ref(&key), BINDING, alg, &nonce, b"header", &tampered);
        assert!(
            matches!(refused, Err(ProviderError::InvalidSignature)),
            "{cell}: {refused:?}"
        );
        let refused = aead.decrypt(key_ref(&key), BINDING, alg, &nonce, b"other", &ciphertext);
        assert!(
            matches!(refused, Err(ProviderError::InvalidSignature)),
            "{cell}: other AAD"
        );
    }
}

/// Cipher round trips: output is IV ‖ ciphertext, and decrypts back.
pub fn ciphers(provider: &dyn Provider) {
    for (key_type, bits, alg) in cases::cipher_cases() {
        let attributes = attributes(key_type, bits, Algorithm::Cipher(alg));
        let cell = format!("{key_type:?} {bits} {alg:?}");
        let Some(key) = generated(provider, &attributes) else {
            continue;
        };
        // A provider may create such keys without offering ciphers: it must not claim them.
        let Some(cipher) = provider.cipher() else {
            assert!(
                !supported(provider, Check::Use, &attributes),
                "{cell}: no cipher"
            );
            continue;
        };
        let plaintext = pattern(48, 9);
        let encrypted = cipher.encrypt(key_ref(&key), BINDING, alg, &plaintext);
        if !supported(provider, Check::Use, &attributes) {
            assert_not_supported(encrypted, &cell);
            continue;
        }
        let output = encrypted.unwrap_or_else(|e| panic!("{cell}: encrypt: {e:?}"));
        assert!(output.len() >= plaintext.len(), "{cell}");
        let again = cipher
            .encrypt(key_ref(&key), BINDING, alg, &plaintext)
            .unwrap_or_else(|e| panic!("{cell}: {e:?}"));
        if alg != Cipher::EcbNoPadding {
            assert_ne!(output, again, "{cell}: a fresh IV each time");
        }
        let decrypted = cipher
            .decrypt(key_ref(&key), BINDING, alg, &output)
            .unwrap_or_else(|e| panic!("{cell}: decrypt: {e:?}"));
        assert_eq!(&*decrypted, plaintext.as_slice(), "{cell}");
    }
}

/// MACs: compute, verify, and a changed input fails.
pub fn macs(provider: &dyn Provider) {
    for (key_type, bits, alg) in cases::mac_cases() {
        let attributes = attributes(key_type, bits, Algorithm::Mac(alg));
        let cell = format!("{key_type:?} {bits} {alg:?}");
        let Some(key) = generated(provider, &attributes) else {
            continue;
        };
        let mac = provider.mac().unwrap_or_else(|| panic!("{cell}: no MAC"));
        let computed = mac.compute(key_ref(&key), BINDING, alg, b"input");
        if !supported(provider, Check::Use, &attributes) {
            assert_not_supported(computed, &cell);
            continue;
        }
        let tag = computed.unwrap_or_else(|e| panic!("{cell}: compute: {e:?}"));
        if let Mac::Truncated { length, .. } = alg {
            assert_eq!(tag.len(), length as usize, "{cell}");
        }
        mac.verify(key_ref(&key), BINDING, alg, b"input", &tag)
            .unwrap_or_else(|e| panic!("{cell}: verify: {e:?}"));
        let refused = mac.verify(key_ref(&key), BINDING, alg, b"inpuT", &tag);
        assert!(
            matches!(refused, Err(ProviderError::InvalidSignature)),
            "{cell}: {refused:?}"
        );
    }
}

/// ECDH and FFDH: both sides derive the same secret from each other's public keys.
pub fn agreement(provider: &dyn Provider) {
    for (key_type, bits, raw) in cases::agreement_cases() {
        let attributes = attributes(
            key_type,
            bits,
            Algorithm::KeyAgreement(KeyAgreement::Raw(raw)),
        );
        let cell = format!("{key_type:?} {bits} {raw:?}");
        let (Some(alice), Some(bob)) = (
            generated(provider, &attributes),
            generated(provider, &attributes),
        ) else {
            continue;
        };
        let (Some(lifecycle), Some(agreement)) =
            (provider.key_lifecycle(), provider.key_agreement())
        else {
            panic!("{cell}: no agreement");
        };
        let bob_public = lifecycle
            .export_public(key_ref(&bob), BINDING)
            .unwrap_or_else(|e| panic!("{cell}: {e:?}"));
        let ours = agreement.raw_agreement(key_ref(&alice), BINDING, raw, &bob_public);
        if !supported(provider, Check::Use, &attributes) {
            assert_not_supported(ours, &cell);
            continue;
        }
        let ours = ours.unwrap_or_else(|e| panic!("{cell}: agree: {e:?}"));
        let alice_public = lifecycle
            .export_public(key_ref(&alice), BINDING)
            .unwrap_or_else(|e| panic!("{cell}: {e:?}"));
        let theirs = agreement
            .raw_agreement(key_ref(&bob), BINDING, raw, &alice_public)
            .unwrap_or_else(|e| panic!("{cell}: agree: {e:?}"));
        assert_eq!(*ours, *theirs, "{cell}: both sides agree");
        assert_eq!(ours.len(), bits.div_ceil(8) as usize, "{cell}: secret size");
        let garbage = agreement.raw_agreement(key_ref(&alice), BINDING, raw, &[4, 1, 2, 3]);
        assert!(
            matches!(garbage, Err(ProviderError::InvalidArgument(_))),
            "{cell}: {garbage:?}"
        );
    }
}

/// Hashes: every hash of the contract is computed with the right length, or NotSupported;
/// compare agrees with compute.
pub fn hashes(provider: &dyn Provider) {
    let Some(hasher) = provider.hash() else {
        return;
    };
    for hash in cases::ALL_HASHES {
        let digest = match hasher.compute(hash, b"abc") {
            Ok(digest) => digest,
            Err(ProviderError::NotSupported(_)) => continue,
            Err(other) => panic!("{hash:?}: {other:?}"),
        };
        assert_eq!(digest.len(), hash.digest_len(), "{hash:?}");
        hasher
            .compare(hash, b"abc", &digest)
            .unwrap_or_else(|e| panic!("{hash:?}: {e:?}"));
        let refused = hasher.compare(hash, b"abd", &digest);
        assert!(
            matches!(refused, Err(ProviderError::InvalidSignature)),
            "{hash:?}: {refused:?}"
        );
    }
    // SHA-256 of "abc" (FIPS 180-2 appendix B.1): the one every provider must get right.
    let sha256 = hasher.compute(Hash::Sha256, b"abc");
    let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    assert_eq!(sha256.map(|d| hex(&d)).ok().as_deref(), Some(expected));
}

/// Random bytes: the requested length, and not constant.
pub fn random(provider: &dyn Provider) {
    let Some(random) = provider.random() else {
        return;
    };
    for len in [0, 1, 32, 4096] {
        let mut a = vec![0u8; len];
        let mut b = vec![0u8; len];
        random
            .fill(&mut a)
            .unwrap_or_else(|e| panic!("{len}: {e:?}"));
        random
            .fill(&mut b)
            .unwrap_or_else(|e| panic!("{len}: {e:?}"));
        if len >= 32 {
            assert_ne!(a, b, "two draws of {len} bytes differ");
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
