//! Known-answer vectors from published standards, checked through the provider API: a key is
//! imported, the operation run, and the output compared byte for byte. A cell the provider
//! does not support (by its own CanDoCrypto) is skipped: the consistency checks cover it.

use psc_provider_api::{Binding, Check, KeyRef, NewKey, Provider};
use psc_psa::{
    Aead, AeadAlg, Algorithm, AsymmetricSignature, Attributes, Cipher, EccFamily, FullLengthMac,
    Hash, KeyAgreement, KeyType, Mac, Policy, RawKeyAgreement, SignHash, UsageFlags,
};

const BINDING: Binding<'static> = Binding(b"known-answers");

fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap_or("00"), 16).unwrap_or(0))
        .collect()
}

/// Imports `data` as a key for `alg` if the provider says it can import and use such a key.
fn import(
    provider: &dyn Provider,
    key_type: KeyType,
    data: &[u8],
    alg: Algorithm,
) -> Option<NewKey> {
    let usage_flags = UsageFlags {
        encrypt: true,
        decrypt: true,
        sign_message: true,
        verify_message: true,
        sign_hash: true,
        verify_hash: true,
        derive: true,
        ..UsageFlags::default()
    };
    let attributes = Attributes {
        key_type,
        bits: 0,
        policy: Policy {
            usage_flags,
            permitted_algorithm: alg,
        },
    };
    let lifecycle = provider.key_lifecycle()?;
    let key = lifecycle.import(&attributes, data, BINDING).ok()?;
    provider.can_do(Check::Use, &key.attributes).ok()?;
    Some(key)
}

fn key_ref(key: &NewKey) -> KeyRef<'_> {
    KeyRef {
        attributes: &key.attributes,
        blob: &key.blob,
    }
}

/// Runs every vector the provider supports; returns how many ran.
pub fn known_answers(provider: &dyn Provider) -> usize {
    [
        hmac,
        aes_ecb,
        aes_gcm,
        deterministic_ecdsa,
        ecdh_p256,
        x25519,
    ]
    .iter()
    .map(|vector| usize::from(vector(provider)))
    .sum()
}

/// RFC 4231 §4.3 (test case 2): HMAC-SHA-256.
fn hmac(provider: &dyn Provider) -> bool {
    let alg = Mac::FullLength(FullLengthMac::Hmac { hash: Hash::Sha256 });
    let Some(key) = import(provider, KeyType::Hmac, b"Jefe", Algorithm::Mac(alg)) else {
        return false;
    };
    let Some(mac) = provider.mac() else {
        return false;
    };
    let tag = mac.compute(key_ref(&key), BINDING, alg, b"what do ya want for nothing?");
    let expected = hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assert_eq!(tag.ok(), Some(expected), "RFC 4231 test case 2");
    true
}

/// NIST SP 800-38A F.1.1: AES-128 ECB, first block.
fn aes_ecb(provider: &dyn Provider) -> bool {
    let alg = Algorithm::Cipher(Cipher::EcbNoPadding);
    let data = hex("2b7e151628aed2a6abf7158809cf4f3c");
    let Some(key) = import(provider, KeyType::Aes, &data, alg) else {
        return false;
    };
    let Some(cipher) = provider.cipher() else {
        return false;
    };
    let output = cipher.encrypt(
        key_ref(&key),
        BINDING,
        Cipher::EcbNoPadding,
        &hex("6bc1bee22e409f96e93d7e117393172a"),
    );
    assert_eq!(
        output.ok(),
        Some(hex("3ad77bb40d7a3660a89ecaf32466ef97")),
        "SP 800-38A F.1.1"
    );
    true
}

/// The GCM specification (McGrew and Viega), test case 2: AES-128, zero key, IV and block.
fn aes_gcm(provider: &dyn Provider) -> bool {
    let alg = Aead::DefaultTag(AeadAlg::Gcm);
    let Some(key) = import(provider, KeyType::Aes, &[0; 16], Algorithm::Aead(alg)) else {
        return false;
    };
    let Some(aead) = provider.aead() else {
        return false;
    };
    let output = aead.encrypt(key_ref(&key), BINDING, alg, &[0; 12], &[], &[0; 16]);
    let expected = hex("0388dace60b6a392f328c2b971b2fe78 ab6e47d42cec13bdf53a67b21257bddf");
    assert_eq!(output.ok(), Some(expected), "GCM test case 2");
    true
}

/// RFC 6979 A.2.5: deterministic ECDSA, P-256, SHA-256, message "sample".
fn deterministic_ecdsa(provider: &dyn Provider) -> bool {
    let alg = AsymmetricSignature::DeterministicEcdsa {
        hash: SignHash::Specific(Hash::Sha256),
    };
    let pair = KeyType::EccKeyPair {
        curve_family: EccFamily::SecpR1,
    };
    let scalar = hex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");
    let Some(key) = import(provider, pair, &scalar, Algorithm::AsymmetricSignature(alg)) else {
        return false;
    };
    let Some(signer) = provider.sign_hash() else {
        return false;
    };
    let hash = hex("af2bdbe1aa9b6ec1e2ade1d694f41fc71a831d0268e9891562113d8a62add1bf");
    let expected = hex(
        "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716 \
         f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8",
    );
    assert_eq!(
        signer.sign_hash(key_ref(&key), BINDING, alg, &hash).ok(),
        Some(expected),
        "RFC 6979 A.2.5"
    );
    true
}

/// RFC 5903 §8.1: ECDH on P-256.
fn ecdh_p256(provider: &dyn Provider) -> bool {
    let ecdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh));
    let pair = KeyType::EccKeyPair {
        curve_family: EccFamily::SecpR1,
    };
    let i = hex("c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433");
    let Some(key) = import(provider, pair, &i, ecdh) else {
        return false;
    };
    let Some(agreement) = provider.key_agreement() else {
        return false;
    };
    let gr = hex(
        "04 d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63 \
         56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab",
    );
    let secret = agreement.raw_agreement(key_ref(&key), BINDING, RawKeyAgreement::Ecdh, &gr);
    let expected = hex("d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de");
    assert_eq!(
        secret.ok().map(|s| s.to_vec()),
        Some(expected),
        "RFC 5903 §8.1"
    );
    true
}

/// RFC 7748 §6.1: X25519, Alice's private key with Bob's public key.
fn x25519(provider: &dyn Provider) -> bool {
    let ecdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh));
    let pair = KeyType::EccKeyPair {
        curve_family: EccFamily::Montgomery,
    };
    let alice = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    let Some(key) = import(provider, pair, &alice, ecdh) else {
        return false;
    };
    let Some(agreement) = provider.key_agreement() else {
        return false;
    };
    let bob = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    let secret = agreement.raw_agreement(key_ref(&key), BINDING, RawKeyAgreement::Ecdh, &bob);
    let expected = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    assert_eq!(
        secret.ok().map(|s| s.to_vec()),
        Some(expected),
        "RFC 7748 §6.1"
    );
    true
}
