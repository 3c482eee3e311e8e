//! Sealed blobs: bound to the owner's binding and to the attributes, never holding the
//! private key in the clear, and refused when damaged.

mod common;

use common::*;
use psc_provider_api::{Binding, KeyLifecycle, KeyRef, ProviderError, SignHash as _};
use psc_provider_software::SoftwareProvider;
use psc_psa::{Algorithm, AsymmetricSignature, Attributes, Hash, SignHash};

/// Every operation on `key` with this binding and these attributes fails with CorruptKey.
fn assert_corrupt(
    provider: &SoftwareProvider,
    attributes: &Attributes,
    blob: &[u8],
    binding: Binding<'_>,
) {
    let key = KeyRef { attributes, blob };
    let alg = ecdsa(Hash::Sha256);
    let results = [
        provider.export_public(key, binding).map(drop),
        provider.sign_hash(key, binding, alg, &[1; 32]).map(drop),
        provider.verify_hash(key, binding, alg, &[1; 32], &[1; 64]),
    ];
    for result in results {
        assert!(
            matches!(result, Err(ProviderError::CorruptKey(_))),
            "{result:?}"
        );
    }
}

#[test]
fn another_binding_does_not_open_the_blob() -> TestResult {
    let (provider, _dir) = provider();
    let pair = rfc6979_key(&provider);
    let point = provider.export_public(key_ref(&pair), BINDING)?;
    let public = import(&provider, P256_PUBLIC, ecdsa(Hash::Sha256), &point)?;
    for key in [&pair, &public] {
        for binding in [OTHER_BINDING, Binding(b""), Binding(b"uid:1000/app-ke")] {
            assert_corrupt(&provider, &key.attributes, &key.blob, binding);
        }
    }
    Ok(())
}

#[test]
fn other_attributes_do_not_open_the_blob() {
    let (provider, _dir) = provider();
    let key = rfc6979_key(&provider);
    let base = key.attributes;
    let mut changed = Vec::new();
    let mut export = base;
    export.policy.usage_flags.export = true;
    changed.push(export);
    let mut no_verify = base;
    no_verify.policy.usage_flags.verify_hash = false;
    changed.push(no_verify);
    for sig in [
        AsymmetricSignature::Ecdsa {
            hash: SignHash::Any,
        },
        ecdsa(Hash::Sha384),
        AsymmetricSignature::EcdsaAny,
    ] {
        let mut other = base;
        other.policy.permitted_algorithm = Algorithm::AsymmetricSignature(sig);
        changed.push(other);
    }
    changed.push(Attributes { bits: 0, ..base });
    changed.push(Attributes {
        key_type: P256_PUBLIC,
        ..base
    });
    for attributes in changed {
        assert_corrupt(&provider, &attributes, &key.blob, BINDING);
    }
}

#[test]
fn the_blob_never_holds_the_private_scalar() -> TestResult {
    let (provider, _dir) = provider();
    let scalar = unhex(RFC6979_X);
    for _ in 0..8 {
        let key = rfc6979_key(&provider);
        for window in [&scalar[..], &scalar[..16], &scalar[16..], &scalar[8..24]] {
            assert!(!key.blob.windows(window.len()).any(|w| w == window));
        }
    }
    Ok(())
}

#[test]
fn blobs_have_the_documented_layout() -> TestResult {
    let (provider, _dir) = provider();
    let key = rfc6979_key(&provider);
    let again = rfc6979_key(&provider);
    assert_eq!(key.blob[0], 1, "version byte");
    assert_ne!(key.blob[1..13], again.blob[1..13], "random nonce");
    assert_ne!(key.blob, again.blob);
    // Version, 12-byte nonce, a PKCS#8 P-256 key (well over 32 bytes), 16-byte tag.
    assert!(key.blob.len() > 1 + 12 + 32 + 16);
    let point = provider.export_public(key_ref(&key), BINDING)?;
    let public = import(&provider, P256_PUBLIC, ecdsa(Hash::Sha256), &point)?;
    assert_eq!(public.blob.len(), 1 + 12 + 65 + 16);
    Ok(())
}

#[test]
fn damaged_blobs_are_corrupt_keys() {
    let (provider, _dir) = provider();
    let key = rfc6979_key(&provider);
    let mut damaged = Vec::new();
    for i in [0, 1, 12, 13, key.blob.len() / 2, key.blob.len() - 1] {
        let mut blob = key.blob.clone();
        blob[i] ^= 0x01;
        damaged.push(blob);
    }
    for len in [0, 1, 13, 28, 29, key.blob.len() - 1] {
        damaged.push(key.blob[..len].to_vec());
    }
    let mut longer = key.blob.clone();
    longer.push(0);
    damaged.push(longer);
    for blob in damaged {
        assert_corrupt(&provider, &key.attributes, &blob, BINDING);
    }
}
