//! The cache on the real provider: real keys, real sealing, real signatures.

use std::sync::Arc;

use psc_provider_api::{Binding, KeyLifecycle, KeyRef, NewKey, ProviderError, SignHash};
use psc_psa::{AsymmetricSignature, Attributes, EccFamily, Hash, KeyType};

use crate::SoftwareProvider;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const BINDING: Binding<'static> = Binding(b"uid:1000/key");
const HASH: [u8; 32] = [0x5a; 32];

fn provider(
    capacity: usize,
) -> Result<(SoftwareProvider, tempfile::TempDir), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let provider =
        SoftwareProvider::open_for_store(&dir.path().join("master.key"), true, capacity)?;
    Ok((provider, dir))
}

fn ecdsa() -> AsymmetricSignature {
    AsymmetricSignature::Ecdsa {
        hash: psc_psa::SignHash::Specific(Hash::Sha256),
    }
}

fn rsa_pkcs1() -> AsymmetricSignature {
    AsymmetricSignature::RsaPkcs1v15Sign {
        hash: psc_psa::SignHash::Specific(Hash::Sha256),
    }
}

fn p256(provider: &SoftwareProvider) -> Result<NewKey, ProviderError> {
    let key_type = KeyType::EccKeyPair {
        curve_family: EccFamily::SecpR1,
    };
    provider.generate(&Attributes::signing_key(key_type, 256, ecdsa()), BINDING)
}

fn key_ref(key: &NewKey) -> KeyRef<'_> {
    KeyRef {
        attributes: &key.attributes,
        blob: &key.blob,
    }
}

/// Signs with `key` and checks the signature with the same key.
fn sign(
    provider: &SoftwareProvider,
    key: KeyRef<'_>,
    binding: Binding<'_>,
) -> Result<(), ProviderError> {
    let signature = provider.sign_hash(key, binding, ecdsa(), &HASH)?;
    provider.verify_hash(key, binding, ecdsa(), &HASH, &signature)
}

#[test]
fn a_used_key_is_kept_parsed_and_served_again() -> TestResult {
    let (provider, _dir) = provider(4)?;
    let key = p256(&provider)?;
    assert_eq!(provider.cached_keys(), 0, "generating keeps nothing");
    sign(&provider, key_ref(&key), BINDING)?;
    assert!(provider.cache.contains(&key.blob));
    let first = provider.open_ecc(key_ref(&key), BINDING)?;
    let second = provider.open_ecc(key_ref(&key), BINDING)?;
    assert!(Arc::ptr_eq(&first, &second), "the second use is a hit");
    assert_eq!(provider.cached_keys(), 1);
    Ok(())
}

#[test]
fn rsa_key_pairs_are_kept_parsed_for_signing() -> TestResult {
    let (provider, _dir) = provider(4)?;
    let attributes = Attributes::signing_key(KeyType::RsaKeyPair, 2048, rsa_pkcs1());
    let key = provider.generate(&attributes, BINDING)?;
    let signature = provider.sign_hash(key_ref(&key), BINDING, rsa_pkcs1(), &HASH)?;
    assert!(provider.cache.contains(&key.blob));
    let again = provider.sign_hash(key_ref(&key), BINDING, rsa_pkcs1(), &HASH)?;
    assert_eq!(
        signature, again,
        "PKCS#1 v1.5 is deterministic: the same key signed"
    );
    provider.verify_hash(key_ref(&key), BINDING, rsa_pkcs1(), &HASH, &again)?;
    Ok(())
}

/// RSA keys OpenSSL signs with (1024 bits; SHA-224 on 2048) are kept too, and a key kept
/// in one engine's form still serves the other.
#[test]
fn openssl_rsa_key_pairs_are_kept_parsed_for_signing() -> TestResult {
    let (provider, _dir) = provider(4)?;
    let attributes = Attributes::signing_key(KeyType::RsaKeyPair, 1024, rsa_pkcs1());
    let key = provider.generate(&attributes, BINDING)?;
    let signature = provider.sign_hash(key_ref(&key), BINDING, rsa_pkcs1(), &HASH)?;
    assert!(provider.cache.contains(&key.blob));
    let first = provider.open_rsa_openssl(key_ref(&key), BINDING)?;
    let second = provider.open_rsa_openssl(key_ref(&key), BINDING)?;
    assert!(Arc::ptr_eq(&first, &second), "the second use is a hit");
    let again = provider.sign_hash(key_ref(&key), BINDING, rsa_pkcs1(), &HASH)?;
    assert_eq!(signature, again);
    provider.verify_hash(key_ref(&key), BINDING, rsa_pkcs1(), &HASH, &again)?;

    let sha224 = AsymmetricSignature::RsaPkcs1v15Sign {
        hash: psc_psa::SignHash::Specific(Hash::Sha224),
    };
    let any = AsymmetricSignature::RsaPkcs1v15Sign {
        hash: psc_psa::SignHash::Any,
    };
    let both = Attributes::signing_key(KeyType::RsaKeyPair, 2048, any);
    let key = provider.generate(&both, BINDING)?;
    let aws = provider.sign_hash(key_ref(&key), BINDING, rsa_pkcs1(), &HASH)?;
    let ossl = provider.sign_hash(key_ref(&key), BINDING, sha224, &HASH[..28])?;
    provider.verify_hash(key_ref(&key), BINDING, rsa_pkcs1(), &HASH, &aws)?;
    provider.verify_hash(key_ref(&key), BINDING, sha224, &HASH[..28], &ossl)?;
    assert_eq!(provider.cached_keys(), 2);
    Ok(())
}

#[test]
fn destroy_evicts_the_key() -> TestResult {
    let (provider, _dir) = provider(4)?;
    let kept = p256(&provider)?;
    let destroyed = p256(&provider)?;
    sign(&provider, key_ref(&kept), BINDING)?;
    sign(&provider, key_ref(&destroyed), BINDING)?;
    assert_eq!(provider.cached_keys(), 2);
    provider.destroy(key_ref(&destroyed))?;
    assert!(!provider.cache.contains(&destroyed.blob));
    assert!(provider.cache.contains(&kept.blob));
    assert_eq!(provider.cached_keys(), 1);
    Ok(())
}

#[test]
fn the_bound_is_respected_least_recently_used_first_out() -> TestResult {
    let (provider, _dir) = provider(3)?;
    let keys = (0..5)
        .map(|_| p256(&provider))
        .collect::<Result<Vec<_>, _>>()?;
    for key in &keys {
        sign(&provider, key_ref(key), BINDING)?;
        assert!(provider.cached_keys() <= 3);
    }
    assert_eq!(provider.cached_keys(), 3);
    assert!(!provider.cache.contains(&keys[0].blob));
    assert!(!provider.cache.contains(&keys[1].blob));
    assert!(
        keys[2..]
            .iter()
            .all(|key| provider.cache.contains(&key.blob))
    );
    // Using keys[2] again makes keys[3] the oldest: it goes next.
    sign(&provider, key_ref(&keys[2]), BINDING)?;
    sign(&provider, key_ref(&keys[0]), BINDING)?;
    assert!(provider.cache.contains(&keys[2].blob));
    assert!(!provider.cache.contains(&keys[3].blob));
    Ok(())
}

#[test]
fn capacity_zero_keeps_nothing_and_still_signs() -> TestResult {
    let (provider, _dir) = provider(0)?;
    let key = p256(&provider)?;
    sign(&provider, key_ref(&key), BINDING)?;
    sign(&provider, key_ref(&key), BINDING)?;
    assert_eq!(provider.cached_keys(), 0);
    assert!(!provider.cache.contains(&key.blob));
    Ok(())
}

#[test]
fn a_changed_blob_is_not_served_from_the_cache() -> TestResult {
    let (provider, _dir) = provider(4)?;
    let key = p256(&provider)?;
    sign(&provider, key_ref(&key), BINDING)?;
    let mut tampered = key.blob.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let changed = KeyRef {
        attributes: &key.attributes,
        blob: &tampered,
    };
    let result = provider.sign_hash(changed, BINDING, ecdsa(), &HASH);
    assert!(
        matches!(result, Err(ProviderError::CorruptKey(_))),
        "{result:?}"
    );
    assert!(
        !provider.cache.contains(&tampered),
        "a failed open keeps nothing"
    );
    Ok(())
}

#[test]
fn a_kept_key_is_not_served_under_another_binding_or_policy() -> TestResult {
    let (provider, _dir) = provider(4)?;
    let key = p256(&provider)?;
    sign(&provider, key_ref(&key), BINDING)?;
    let result = provider.sign_hash(key_ref(&key), Binding(b"uid:1001/key"), ecdsa(), &HASH);
    assert!(
        matches!(result, Err(ProviderError::CorruptKey(_))),
        "{result:?}"
    );
    let mut widened = key.attributes;
    widened.policy.usage_flags.export = true;
    let copied = KeyRef {
        attributes: &widened,
        blob: &key.blob,
    };
    let result = provider.sign_hash(copied, BINDING, ecdsa(), &HASH);
    assert!(
        matches!(result, Err(ProviderError::CorruptKey(_))),
        "{result:?}"
    );
    // The owner's entry is still there and still served.
    sign(&provider, key_ref(&key), BINDING)?;
    assert_eq!(provider.cached_keys(), 1);
    Ok(())
}

#[test]
fn a_key_destroyed_while_it_is_parsed_is_not_kept() -> TestResult {
    let (provider, _dir) = provider(4)?;
    let key = p256(&provider)?;
    let context = crate::seal::associated_data(BINDING, &key.attributes)?;
    let parsed = provider.cache.get_or_open(&key.blob, context, || {
        // Another thread destroys the key between the miss and the insertion.
        provider.destroy(key_ref(&key))?;
        let plaintext = provider.open_material(key_ref(&key), BINDING)?;
        let parsed = crate::ecc::EccKey::from_sealed(&key.attributes, &plaintext)?;
        Ok(crate::key_cache::Parsed::Ecc(Arc::new(parsed)))
    })?;
    assert!(matches!(parsed, crate::key_cache::Parsed::Ecc(_)));
    assert!(!provider.cache.contains(&key.blob), "the destroy wins");
    assert_eq!(provider.cached_keys(), 0);
    Ok(())
}
