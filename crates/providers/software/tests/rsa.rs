//! RSA in the software provider: every size and algorithm round trip, CanDoCrypto agreeing
//! with what the operations do, published vectors (Mbed TLS and RSA Laboratories' PKCS #1
//! v2.1), and hostile imports, signatures and ciphertexts.

mod common;

use common::*;
use psc_provider_api::{AsymmetricCrypt, Check, KeyLifecycle, NewKey, Provider, ProviderError};
use psc_provider_software::SoftwareProvider;
use psc_psa::{
    Algorithm, AsymmetricEncryption, AsymmetricSignature, Attributes, Hash, KeyType, Policy,
    SignHash, UsageFlags,
};

const PAIR: KeyType = KeyType::RsaKeyPair;
const PUBLIC: KeyType = KeyType::RsaPublicKey;
const PKCS1_CRYPT: AsymmetricEncryption = AsymmetricEncryption::RsaPkcs1v15Crypt;

fn pkcs1(hash: Hash) -> AsymmetricSignature {
    AsymmetricSignature::RsaPkcs1v15Sign {
        hash: SignHash::Specific(hash),
    }
}

fn pss(hash: Hash) -> AsymmetricSignature {
    AsymmetricSignature::RsaPss {
        hash: SignHash::Specific(hash),
    }
}

fn oaep(hash: Hash) -> AsymmetricEncryption {
    AsymmetricEncryption::RsaOaep { hash }
}

/// Every RSA signature algorithm with a specific hash, and the raw one.
fn all_signatures() -> Vec<AsymmetricSignature> {
    let hashed = Hash::ALL.iter().flat_map(|hash| [pkcs1(*hash), pss(*hash)]);
    hashed
        .chain([AsymmetricSignature::RsaPkcs1v15SignRaw])
        .collect()
}

/// Every RSA encryption algorithm.
fn all_encryptions() -> Vec<AsymmetricEncryption> {
    let oaeps = Hash::ALL.iter().map(|hash| oaep(*hash));
    [PKCS1_CRYPT].into_iter().chain(oaeps).collect()
}

/// An RSA key of `bits` allowed every use, with `alg` as its policy.
fn rsa_attributes(key_type: KeyType, bits: u32, alg: Algorithm) -> Attributes {
    let usage_flags = UsageFlags {
        export: true,
        encrypt: true,
        decrypt: true,
        sign_hash: true,
        verify_hash: true,
        sign_message: true,
        verify_message: true,
        ..UsageFlags::default()
    };
    Attributes {
        key_type,
        bits,
        policy: Policy {
            usage_flags,
            permitted_algorithm: alg,
        },
    }
}

fn any_hash_signing() -> Algorithm {
    Algorithm::AsymmetricSignature(AsymmetricSignature::RsaPkcs1v15Sign {
        hash: SignHash::Any,
    })
}

fn generate_rsa(provider: &SoftwareProvider, bits: u32) -> Result<NewKey, ProviderError> {
    provider.generate(&rsa_attributes(PAIR, bits, any_hash_signing()), BINDING)
}

fn import_rsa(
    provider: &SoftwareProvider,
    key_type: KeyType,
    bits: u32,
    data: &[u8],
) -> Result<NewKey, ProviderError> {
    provider.import(
        &rsa_attributes(key_type, bits, any_hash_signing()),
        data,
        BINDING,
    )
}

fn encrypt(
    provider: &SoftwareProvider,
    key: &NewKey,
    alg: AsymmetricEncryption,
    plaintext: &[u8],
    label: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    AsymmetricCrypt::encrypt(provider, key_ref(key), BINDING, alg, plaintext, label)
}

fn decrypt(
    provider: &SoftwareProvider,
    key: &NewKey,
    alg: AsymmetricEncryption,
    ciphertext: &[u8],
    label: &[u8],
) -> Result<Vec<u8>, ProviderError> {
    AsymmetricCrypt::decrypt(provider, key_ref(key), BINDING, alg, ciphertext, label)
        .map(|plaintext| plaintext.to_vec())
}

/// CanDoCrypto's answer for using a key like `key_type`/`bits` with `alg`.
fn can_use(provider: &SoftwareProvider, key_type: KeyType, bits: u32, alg: Algorithm) -> bool {
    provider
        .can_do(Check::Use, &rsa_attributes(key_type, bits, alg))
        .is_ok()
}

/// A hash of the right length for `hash`: the real digest where the provider has the hash,
/// filler otherwise (MD2, MD4).
fn hash_input(hash: Hash, message: &[u8]) -> Vec<u8> {
    let (provider, _dir) = provider();
    psc_provider_api::HashCompute::compute(&provider, hash, message)
        .unwrap_or_else(|_| vec![0x5c; hash.digest_len()])
}

/// The hashes the provider signs with: every one PSA names but MD2 and MD4.
fn signing_hashes() -> Vec<Hash> {
    Hash::ALL
        .iter()
        .copied()
        .filter(|hash| !matches!(hash, Hash::Md2 | Hash::Md4))
        .collect()
}

fn is_invalid_argument<T: std::fmt::Debug>(result: Result<T, ProviderError>) -> bool {
    matches!(result, Err(ProviderError::InvalidArgument(_)))
}

fn is_not_supported<T: std::fmt::Debug>(result: Result<T, ProviderError>) -> bool {
    matches!(result, Err(ProviderError::NotSupported(_)))
}

fn is_invalid_padding<T: std::fmt::Debug>(result: Result<T, ProviderError>) -> bool {
    matches!(result, Err(ProviderError::InvalidPadding))
}

fn is_invalid_signature(result: Result<(), ProviderError>) -> bool {
    matches!(result, Err(ProviderError::InvalidSignature))
}

/// A DER INTEGER holding the big-endian unsigned `value`.
fn der_integer(value: &[u8]) -> Vec<u8> {
    let start = value
        .iter()
        .position(|b| *b != 0)
        .unwrap_or(value.len() - 1);
    let mut content = value[start..].to_vec();
    if content[0] & 0x80 != 0 {
        content.insert(0, 0);
    }
    der(0x02, &content)
}

/// A DER element: tag, definite length, content.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// The PKCS#1 `RSAPublicKey` of `n` and `e`.
fn rsa_public_key(n: &[u8], e: &[u8]) -> Vec<u8> {
    der(0x30, &[der_integer(n), der_integer(e)].concat())
}

/// The contents of the INTEGERs of a DER SEQUENCE of INTEGERs (an `RSAPrivateKey`).
fn der_integers(sequence: &[u8]) -> Vec<Vec<u8>> {
    let header = if sequence[1] < 0x80 {
        2
    } else {
        2 + (sequence[1] & 0x7f) as usize
    };
    let mut rest = &sequence[header..];
    let mut out = Vec::new();
    while !rest.is_empty() {
        assert_eq!(rest[0], 0x02);
        let (len, skip) = if rest[1] < 0x80 {
            (rest[1] as usize, 2)
        } else {
            let count = (rest[1] & 0x7f) as usize;
            let len = rest[2..2 + count]
                .iter()
                .fold(0usize, |len, b| len << 8 | *b as usize);
            (len, 2 + count)
        };
        out.push(rest[skip..skip + len].to_vec());
        rest = &rest[skip + len..];
    }
    out
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

// ---- Every generated size, every algorithm ------------------------------------------------

/// Generates a key of `bits` and runs every RSA algorithm against it, checking that each
/// succeeds exactly when CanDoCrypto says so. One key per size: generation is the slow part.
fn exercise_size(bits: u32) -> TestResult {
    let (provider, _dir) = provider();
    let can_generate = provider.can_do(
        Check::Generate,
        &rsa_attributes(PAIR, bits, any_hash_signing()),
    );
    assert!(can_generate.is_ok(), "{bits}: {can_generate:?}");
    let pair = generate_rsa(&provider, bits)?;
    assert_eq!(pair.attributes.bits, bits);
    let public = exports_round_trip(&provider, &pair, bits)?;
    signatures_agree_with_can_do(&provider, &pair, &public, bits)?;
    encryptions_agree_with_can_do(&provider, &pair, &public, bits)?;
    Ok(())
}

/// The exported public key is a valid `RSAPublicKey` of the right size (e = 65537) that
/// imports; the exported pair re-imports to the same key. Answers the imported public key.
fn exports_round_trip(
    provider: &SoftwareProvider,
    pair: &NewKey,
    bits: u32,
) -> Result<NewKey, Box<dyn std::error::Error>> {
    let public_der = provider.export_public(key_ref(pair), BINDING)?;
    let integers = der_integers(&public_der);
    assert_eq!(integers.len(), 2);
    let n = &integers[0];
    // A positive INTEGER of exactly `bits` bits: a sign byte, then a set top bit.
    assert_eq!(
        (n.len(), n[0], n[1] & 0x80),
        (bits as usize / 8 + 1, 0, 0x80)
    );
    assert_eq!(integers[1], [0x01, 0x00, 0x01]);
    let public = import_rsa(provider, PUBLIC, 0, &public_der)?;
    assert_eq!(public.attributes.bits, bits);
    assert_eq!(
        provider.export_public(key_ref(&public), BINDING)?,
        public_der
    );
    assert_eq!(
        provider.export(key_ref(&public), BINDING)?.to_vec(),
        public_der
    );

    let private_der = provider.export(key_ref(pair), BINDING)?;
    let fields = der_integers(&private_der);
    assert_eq!(fields.len(), 9);
    assert_eq!(fields[0], [0]);
    assert_eq!(&fields[1], n);
    let again = import_rsa(provider, PAIR, bits, &private_der)?;
    assert_eq!(provider.export(key_ref(&again), BINDING)?, private_der);
    assert_eq!(
        provider.export_public(key_ref(&again), BINDING)?,
        public_der
    );
    Ok(public)
}

fn signatures_agree_with_can_do(
    provider: &SoftwareProvider,
    pair: &NewKey,
    public: &NewKey,
    bits: u32,
) -> TestResult {
    let modulus_len = bits as usize / 8;
    let mut signing = Vec::new();
    for alg in all_signatures() {
        let hash_alg = alg.sign_hash().and_then(SignHash::specific);
        let hash = hash_alg.map_or(vec![0x42; 32], |hash| hash_input(hash, b"message"));
        let signed = sign(provider, pair, alg, &hash);
        let pair_ok = match &signed {
            Ok(signature) => {
                assert_eq!(signature.len(), modulus_len);
                verify(provider, pair, alg, &hash, signature)?;
                verify(provider, public, alg, &hash, signature)?;
                signature_edge_cases(provider, pair, public, alg, &hash, signature)?;
                signing.push(alg);
                true
            }
            Err(err) => {
                assert!(
                    matches!(err, ProviderError::NotSupported(_)),
                    "{alg:?}: {err:?}"
                );
                false
            }
        };
        let as_alg = Algorithm::AsymmetricSignature(alg);
        assert_eq!(
            can_use(provider, PAIR, bits, as_alg),
            pair_ok,
            "{bits} {alg:?}"
        );
        // A public key verifies when the verification runs at all: a garbage signature of
        // the right length is then an invalid signature, never NotSupported.
        let garbage = vec![0x17; modulus_len];
        let verified = verify(provider, public, alg, &hash, &garbage);
        let public_ok = match verified {
            Err(ProviderError::InvalidSignature) => true,
            Err(ProviderError::NotSupported(_)) => false,
            other => return Err(format!("{alg:?}: verifying garbage gave {other:?}").into()),
        };
        assert_eq!(
            can_use(provider, PUBLIC, bits, as_alg),
            public_ok,
            "{bits} {alg:?}"
        );
        assert!(public_ok || !pair_ok);
        if pair_ok {
            assert!(is_invalid_argument(sign(provider, public, alg, &hash)));
        }
    }
    // Every hash but MD2 and MD4, with both schemes, at every size (RSA-1024 with a 64-byte
    // hash takes a 62-byte PSS salt, as Mbed TLS does), and the raw signature.
    let expected: Vec<_> = signing_hashes()
        .into_iter()
        .flat_map(|hash| [pkcs1(hash), pss(hash)])
        .chain([AsymmetricSignature::RsaPkcs1v15SignRaw])
        .collect();
    assert_eq!(signing, expected, "{bits}");
    Ok(())
}

/// Determinism, tampering and wrong lengths for one signature that verifies.
fn signature_edge_cases(
    provider: &SoftwareProvider,
    pair: &NewKey,
    public: &NewKey,
    alg: AsymmetricSignature,
    hash: &[u8],
    signature: &[u8],
) -> TestResult {
    let again = sign(provider, pair, alg, hash)?;
    // PKCS#1 v1.5 is deterministic; PSS draws a fresh salt.
    let deterministic = !matches!(alg, AsymmetricSignature::RsaPss { .. });
    assert_eq!(again == signature, deterministic, "{alg:?}");
    for i in [0, 1, signature.len() / 2, signature.len() - 1] {
        let mut bad = signature.to_vec();
        bad[i] ^= 0x04;
        assert!(is_invalid_signature(verify(
            provider, public, alg, hash, &bad
        )));
    }
    let mut other_hash = hash.to_vec();
    other_hash[0] ^= 1;
    assert!(is_invalid_signature(verify(
        provider,
        pair,
        alg,
        &other_hash,
        signature
    )));
    for len in [0, 1, signature.len() - 1, signature.len() + 1] {
        let mut bad = signature.to_vec();
        bad.resize(len, 0);
        assert!(is_invalid_signature(verify(
            provider, public, alg, hash, &bad
        )));
    }
    if alg == AsymmetricSignature::RsaPkcs1v15SignRaw {
        // Any input that leaves room for the padding (11 bytes) is a raw input.
        let most = vec![0x42; signature.len() - 11];
        let signed = sign(provider, pair, alg, &most)?;
        verify(provider, public, alg, &most, &signed)?;
        let too_long = vec![0x42; signature.len() - 10];
        assert!(is_invalid_argument(sign(provider, pair, alg, &too_long)));
        return Ok(());
    }
    let short = &hash[..hash.len() - 1];
    assert!(is_invalid_argument(sign(provider, pair, alg, short)));
    assert!(is_invalid_argument(verify(
        provider, public, alg, short, signature
    )));
    Ok(())
}

fn encryptions_agree_with_can_do(
    provider: &SoftwareProvider,
    pair: &NewKey,
    public: &NewKey,
    bits: u32,
) -> TestResult {
    let mut working = Vec::new();
    for alg in all_encryptions() {
        let message = b"a secret for the key pair";
        let works = match encrypt(provider, public, alg, message, b"") {
            Ok(ciphertext) => {
                assert_eq!(ciphertext.len(), bits as usize / 8);
                assert_eq!(decrypt(provider, pair, alg, &ciphertext, b"")?, message);
                let from_pair = encrypt(provider, pair, alg, message, b"")?;
                assert_ne!(from_pair, ciphertext, "encryption is randomized");
                assert_eq!(decrypt(provider, pair, alg, &from_pair, b"")?, message);
                encryption_edge_cases(provider, pair, public, alg, &ciphertext)?;
                working.push(alg);
                true
            }
            Err(err) => {
                assert!(
                    matches!(err, ProviderError::NotSupported(_)),
                    "{alg:?}: {err:?}"
                );
                assert!(is_not_supported(decrypt(provider, pair, alg, &[0; 8], b"")));
                false
            }
        };
        let as_alg = Algorithm::AsymmetricEncryption(alg);
        assert_eq!(
            can_use(provider, PAIR, bits, as_alg),
            works,
            "{bits} {alg:?}"
        );
        assert_eq!(
            can_use(provider, PUBLIC, bits, as_alg),
            works,
            "{bits} {alg:?}"
        );
    }
    // OAEP with every hash but MD2 and MD4 that leaves room for a message (RSA-1024: not
    // with a 64-byte hash).
    let oaeps: Vec<_> = signing_hashes()
        .into_iter()
        .filter(|hash| bits / 8 > 2 * hash.digest_len() as u32 + 2)
        .map(oaep)
        .collect();
    assert_eq!(working, [&[PKCS1_CRYPT][..], &oaeps].concat(), "{bits}");
    Ok(())
}

/// Labels, maximum lengths, tampering and the public key's refusal to decrypt.
fn encryption_edge_cases(
    provider: &SoftwareProvider,
    pair: &NewKey,
    public: &NewKey,
    alg: AsymmetricEncryption,
    ciphertext: &[u8],
) -> TestResult {
    let k = ciphertext.len();
    let (max, label): (usize, &[u8]) = match alg {
        AsymmetricEncryption::RsaPkcs1v15Crypt => (k - 11, b""),
        AsymmetricEncryption::RsaOaep { hash } => (k - 2 * hash.digest_len() - 2, b"label"),
    };
    let longest = vec![0xa5; max];
    let sealed = encrypt(provider, public, alg, &longest, label)?;
    assert_eq!(decrypt(provider, pair, alg, &sealed, label)?, longest);
    assert!(is_invalid_argument(encrypt(
        provider,
        public,
        alg,
        &[0xa5; 1024][..max + 1],
        label
    )));
    let empty = encrypt(provider, public, alg, b"", label)?;
    assert_eq!(decrypt(provider, pair, alg, &empty, label)?, b"");
    if label.is_empty() {
        // PKCS#1 v1.5 has no label.
        assert!(is_invalid_argument(encrypt(
            provider, public, alg, b"x", b"label"
        )));
        assert!(is_invalid_argument(decrypt(
            provider, pair, alg, ciphertext, b"label"
        )));
    } else {
        // A labelled ciphertext needs its label; an unlabelled one refuses a label.
        assert!(is_invalid_padding(decrypt(
            provider, pair, alg, &sealed, b""
        )));
        assert!(is_invalid_padding(decrypt(
            provider, pair, alg, &sealed, b"labem"
        )));
        assert!(is_invalid_padding(decrypt(
            provider, pair, alg, ciphertext, b"label"
        )));
    }
    for i in [0, 1, k / 2, k - 1] {
        let mut bad = ciphertext.to_vec();
        bad[i] ^= 0x10;
        match decrypt(provider, pair, alg, &bad, b"") {
            Err(ProviderError::InvalidPadding) => {}
            // A random PKCS#1 v1.5 block is well padded once in about 2^16 tries (OAEP:
            // never in practice); it then decrypts to garbage, never to the message.
            Ok(garbage) if alg == PKCS1_CRYPT => {
                assert_ne!(decrypt(provider, pair, alg, ciphertext, b"")?, garbage);
            }
            other => return Err(format!("{alg:?}: a tampered ciphertext gave {other:?}").into()),
        }
    }
    for len in [0, 1, k - 1, k + 1] {
        let mut bad = ciphertext.to_vec();
        bad.resize(len, 0);
        assert!(is_invalid_argument(decrypt(provider, pair, alg, &bad, b"")));
    }
    // Zero, and a value above the modulus: the same one error as bad padding.
    for filler in [0x00, 0xff] {
        let bad = vec![filler; k];
        assert!(is_invalid_padding(decrypt(provider, pair, alg, &bad, b"")));
    }
    assert!(is_invalid_argument(decrypt(
        provider, public, alg, ciphertext, b""
    )));
    Ok(())
}

/// Served as the original serves it (Mbed TLS generates 1024-bit keys), with a warning.
#[test]
fn rsa_1024_every_algorithm_agrees_with_can_do() -> TestResult {
    exercise_size(1024)
}

#[test]
fn rsa_2048_every_algorithm_agrees_with_can_do() -> TestResult {
    exercise_size(2048)
}

#[test]
fn rsa_3072_every_algorithm_agrees_with_can_do() -> TestResult {
    exercise_size(3072)
}

#[test]
fn rsa_4096_every_algorithm_agrees_with_can_do() -> TestResult {
    exercise_size(4096)
}

#[test]
fn sizes_outside_the_supported_ones_are_not_supported() -> TestResult {
    let (provider, _dir) = provider();
    let cases = [
        (0, true, true),
        (512, false, false),
        (1016, false, false),
        (1024, true, true),
        (1025, false, false),
        (1536, false, true),
        (2040, false, true),
        (2056, false, true),
        (2560, false, true),
        (6144, false, true),
        (8192, false, true),
        (8200, false, false),
        (16384, false, false),
    ];
    let alg = any_hash_signing();
    for (bits, generate, import) in cases {
        let pair = rsa_attributes(PAIR, bits, alg);
        let public = rsa_attributes(PUBLIC, bits, alg);
        assert_eq!(
            provider.can_do(Check::Generate, &pair).is_ok(),
            generate,
            "{bits}"
        );
        assert_eq!(
            provider.can_do(Check::Import, &pair).is_ok(),
            import,
            "{bits}"
        );
        assert_eq!(
            provider.can_do(Check::Import, &public).is_ok(),
            import,
            "{bits}"
        );
        assert_eq!(can_use(&provider, PAIR, bits, alg), import, "{bits}");
        if bits != 0 && !generate {
            assert!(is_not_supported(generate_rsa(&provider, bits)), "{bits}");
        }
    }
    // The published 1024-bit keys import, pair and public alike, unless the declared size
    // contradicts them; with min_rsa_bits = 2048 they are NotSupported, and so is every
    // CanDoCrypto question about them.
    let pair_1024 = unhex(MBEDTLS_PAIR_1024);
    let public_1024 = unhex(MBEDTLS_PUBLIC_1024);
    for bits in [0, 1024] {
        let pair = import_rsa(&provider, PAIR, bits, &pair_1024)?;
        assert_eq!(pair.attributes.bits, 1024);
        let public = import_rsa(&provider, PUBLIC, bits, &public_1024)?;
        let exported = provider.export(key_ref(&public), BINDING)?;
        assert_eq!(exported.to_vec(), public_1024);
        let exported = provider.export(key_ref(&pair), BINDING)?;
        assert_eq!(exported.to_vec(), pair_1024);
    }
    assert!(is_invalid_argument(import_rsa(
        &provider, PAIR, 2048, &pair_1024
    )));
    assert!(is_invalid_argument(import_rsa(
        &provider,
        PUBLIC,
        2048,
        &public_1024
    )));
    Ok(())
}

/// `min_rsa_bits = 2048` refuses the 1024-bit keys the default serves: creating, using and
/// CanDoCrypto alike answer NotSupported.
#[test]
fn min_rsa_bits_refuses_smaller_keys() -> TestResult {
    let (provider, dir) = provider();
    // The same master key, with the option set.
    let strict = SoftwareProvider::open(&dir.path().join("master.key"))?.with_min_rsa_bits(2048);
    let alg = any_hash_signing();
    let pair_1024 = unhex(MBEDTLS_PAIR_1024);
    let public_1024 = unhex(MBEDTLS_PUBLIC_1024);
    for bits in [0, 1024] {
        assert!(is_not_supported(import_rsa(
            &strict, PAIR, bits, &pair_1024
        )));
        assert!(is_not_supported(import_rsa(
            &strict,
            PUBLIC,
            bits,
            &public_1024
        )));
    }
    for check in [Check::Generate, Check::Import, Check::Use] {
        let attributes = rsa_attributes(PAIR, 1024, alg);
        assert!(provider.can_do(check, &attributes).is_ok());
        assert!(is_not_supported(strict.can_do(check, &attributes)));
    }
    assert!(is_not_supported(generate_rsa(&strict, 1024)));
    let larger = rsa_attributes(PAIR, 2048, alg);
    assert!(strict.can_do(Check::Generate, &larger).is_ok());
    // A 1024-bit key made before min_rsa_bits was raised is refused at use, and exports.
    let old = import_rsa(&provider, PAIR, 0, &pair_1024)?;
    let hash = digest(Hash::Sha256, b"message");
    let sha256 = pkcs1(Hash::Sha256);
    assert!(is_not_supported(sign(&strict, &old, sha256, &hash)));
    sign(&provider, &old, sha256, &hash)?;
    assert_eq!(strict.export(key_ref(&old), BINDING)?.to_vec(), pair_1024);
    Ok(())
}

// ---- Published vectors ----------------------------------------------------------------------

#[test]
fn mbed_tls_pkcs1_v15_signatures_are_reproduced_exactly() -> TestResult {
    let (provider, _dir) = provider();
    let pair = import_rsa(&provider, PAIR, 0, &unhex(MBEDTLS_KEY))?;
    assert_eq!(pair.attributes.bits, 2048);
    // The derived private key carries the published public key.
    let public_der = rsa_public_key(&unhex(MBEDTLS_N), &[3]);
    assert_eq!(provider.export_public(key_ref(&pair), BINDING)?, public_der);
    let public = import_rsa(&provider, PUBLIC, 2048, &public_der)?;
    for (hash, input, expected) in [
        (Hash::Sha256, MBEDTLS_HASH_256, MBEDTLS_SIG_256),
        (Hash::Sha384, MBEDTLS_HASH_384, MBEDTLS_SIG_384),
    ] {
        let (input, expected) = (unhex(input), unhex(expected));
        assert_eq!(sign(&provider, &pair, pkcs1(hash), &input)?, expected);
        verify(&provider, &public, pkcs1(hash), &input, &expected)?;
        verify(&provider, &pair, pkcs1(hash), &input, &expected)?;
        // The same signature is not a PSS signature.
        assert!(is_invalid_signature(verify(
            &provider,
            &public,
            pss(hash),
            &input,
            &expected
        )));
    }
    // SHA-224 has no RSA encoding in aws-lc-rs: OpenSSL signs it, to Mbed TLS's bytes.
    let (input, expected) = (unhex(MBEDTLS_HASH_224), unhex(MBEDTLS_SIG_224));
    assert_eq!(
        sign(&provider, &pair, pkcs1(Hash::Sha224), &input)?,
        expected
    );
    verify(&provider, &public, pkcs1(Hash::Sha224), &input, &expected)?;
    Ok(())
}

#[test]
fn pkcs1_v2_1_example_10_oaep_ciphertexts_decrypt() -> TestResult {
    let (provider, _dir) = provider();
    let pair = import_rsa(&provider, PAIR, 2048, &unhex(EXAMPLE_10_KEY))?;
    let sha1 = oaep(Hash::Sha1);
    for (message, ciphertext) in EXAMPLE_10_OAEP {
        let (message, ciphertext) = (unhex(message), unhex(ciphertext));
        assert_eq!(decrypt(&provider, &pair, sha1, &ciphertext, b"")?, message);
        assert!(is_invalid_padding(decrypt(
            &provider,
            &pair,
            sha1,
            &ciphertext,
            b"L"
        )));
        let sha256 = oaep(Hash::Sha256);
        assert!(is_invalid_padding(decrypt(
            &provider,
            &pair,
            sha256,
            &ciphertext,
            b""
        )));
        assert!(is_invalid_padding(decrypt(
            &provider,
            &pair,
            PKCS1_CRYPT,
            &ciphertext,
            b""
        )));
        let mut tampered = ciphertext.clone();
        tampered[100] ^= 0x80;
        assert!(is_invalid_padding(decrypt(
            &provider, &pair, sha1, &tampered, b""
        )));
    }
    Ok(())
}

// ---- Hostile imports and keys used beyond their means -----------------------------------

#[test]
fn garbage_and_mismatched_imports_are_refused() -> TestResult {
    let (provider, _dir) = provider();
    let key = unhex(MBEDTLS_KEY);
    let public = rsa_public_key(&unhex(MBEDTLS_N), &[3]);
    let refused = |key_type, bits, data: &[u8]| {
        let result = import_rsa(&provider, key_type, bits, data);
        assert!(
            is_invalid_argument(result),
            "{key_type:?} {bits} {data:02x?}"
        );
    };
    for data in [
        &[][..],
        &[0x30],
        &[0x30, 0x00],
        &[0x02, 0x01, 0x00],
        &[0xff; 64],
    ] {
        refused(PAIR, 0, data);
        refused(PUBLIC, 0, data);
    }
    // The declared size must be the key's.
    refused(PAIR, 3072, &key);
    refused(PUBLIC, 4096, &public);
    // Each format in its place: no public key as a pair, no pair as a public key, no
    // SubjectPublicKeyInfo, no PKCS#8, nothing after the key.
    refused(PAIR, 0, &public);
    refused(PUBLIC, 0, &key);
    let rsa_encryption = unhex("300d06092a864886f70d0101010500");
    let spki = der(
        0x30,
        &[
            rsa_encryption.clone(),
            der(0x03, &[&[0][..], &public].concat()),
        ]
        .concat(),
    );
    refused(PUBLIC, 0, &spki);
    let pkcs8 = der(
        0x30,
        &[der_integer(&[0]), rsa_encryption, der(0x04, &key)].concat(),
    );
    refused(PAIR, 0, &pkcs8);
    refused(PAIR, 0, &[&key[..], &[0]].concat());
    refused(PUBLIC, 0, &[&public[..], &[0]].concat());
    // Every truncation.
    for len in (0..key.len()).step_by(7) {
        refused(PAIR, 0, &key[..len]);
    }
    for len in 0..public.len() {
        refused(PUBLIC, 0, &public[..len]);
    }
    Ok(())
}

#[test]
fn inconsistent_private_keys_are_refused() -> TestResult {
    let (provider, _dir) = provider();
    let key = unhex(MBEDTLS_KEY);
    let fields = der_integers(&key);
    let rebuild = |fields: &[Vec<u8>]| {
        let body: Vec<u8> = fields.iter().flat_map(|field| der_integer(field)).collect();
        der(0x30, &body)
    };
    assert_eq!(rebuild(&fields), key);
    // Change one component at a time (its last byte): n = pq, e·d ≡ 1, the CRT values.
    for i in 1..9 {
        let mut changed = fields.clone();
        let last = changed[i].len() - 1;
        changed[i][last] ^= 0x02;
        let result = import_rsa(&provider, PAIR, 0, &rebuild(&changed));
        assert!(is_invalid_argument(result), "component {i}");
    }
    // Multi-prime (version 1) and a "stripped" key of n and d only.
    let mut multi_prime = fields.clone();
    multi_prime[0] = vec![1];
    assert!(is_invalid_argument(import_rsa(
        &provider,
        PAIR,
        0,
        &rebuild(&multi_prime)
    )));
    let zero = vec![0];
    let stripped = [
        &fields[..2],
        &[zero.clone(), fields[3].clone()][..],
        &vec![zero; 5][..],
    ]
    .concat();
    assert!(is_invalid_argument(import_rsa(
        &provider,
        PAIR,
        0,
        &rebuild(&stripped)
    )));
    // Flipped bytes anywhere: refused (or an unsupported size), never accepted, never a panic.
    for i in (0..key.len()).step_by(5) {
        let mut bad = key.clone();
        bad[i] ^= 0x41;
        match import_rsa(&provider, PAIR, 0, &bad) {
            Err(ProviderError::InvalidArgument(_) | ProviderError::NotSupported(_)) => {}
            other => panic!("byte {i}: {other:?}"),
        }
    }
    Ok(())
}

#[test]
fn a_public_key_cannot_sign_or_decrypt() -> TestResult {
    let (provider, _dir) = provider();
    let public_der = rsa_public_key(&unhex(MBEDTLS_N), &[3]);
    let public = import_rsa(&provider, PUBLIC, 0, &public_der)?;
    assert_eq!(public.attributes.bits, 2048);
    let hash = digest(Hash::Sha256, b"message");
    assert!(is_invalid_argument(sign(
        &provider,
        &public,
        pkcs1(Hash::Sha256),
        &hash
    )));
    assert!(is_invalid_argument(sign(
        &provider,
        &public,
        pss(Hash::Sha256),
        &hash
    )));
    let ciphertext = encrypt(&provider, &public, PKCS1_CRYPT, b"to the pair", b"")?;
    assert!(is_invalid_argument(decrypt(
        &provider,
        &public,
        PKCS1_CRYPT,
        &ciphertext,
        b""
    )));
    // The pair decrypts what was encrypted to its public key.
    let pair = import_rsa(&provider, PAIR, 0, &unhex(MBEDTLS_KEY))?;
    assert_eq!(
        decrypt(&provider, &pair, PKCS1_CRYPT, &ciphertext, b"")?,
        b"to the pair"
    );
    Ok(())
}

#[test]
fn wildcard_and_raw_signatures() -> TestResult {
    let (provider, _dir) = provider();
    let pair = import_rsa(&provider, PAIR, 0, &unhex(MBEDTLS_KEY))?;
    let hash = digest(Hash::Sha256, b"message");
    let any = AsymmetricSignature::RsaPss {
        hash: SignHash::Any,
    };
    // A policy may name the wildcard; an operation may not.
    assert!(can_use(
        &provider,
        PAIR,
        2048,
        Algorithm::AsymmetricSignature(any)
    ));
    assert!(is_invalid_argument(sign(&provider, &pair, any, &hash)));
    // The raw signature of a DigestInfo is the hashed signature (RFC 8017 §9.2).
    let raw = AsymmetricSignature::RsaPkcs1v15SignRaw;
    let sha256_prefix = unhex("3031300d060960864801650304020105000420");
    let digest_info = [&sha256_prefix[..], &hash].concat();
    let signature = sign(&provider, &pair, raw, &digest_info)?;
    assert_eq!(
        signature,
        sign(&provider, &pair, pkcs1(Hash::Sha256), &hash)?
    );
    verify(&provider, &pair, raw, &digest_info, &signature)?;
    assert!(is_invalid_signature(verify(
        &provider, &pair, raw, &hash, &signature
    )));
    assert!(can_use(
        &provider,
        PAIR,
        2048,
        Algorithm::AsymmetricSignature(raw)
    ));
    assert!(can_use(
        &provider,
        PAIR,
        0,
        Algorithm::AsymmetricSignature(raw)
    ));
    assert!(can_use(
        &provider,
        PAIR,
        0,
        Algorithm::AsymmetricEncryption(PKCS1_CRYPT)
    ));
    // An ECDSA algorithm on an RSA key is a caller's error, not a missing feature.
    let ecdsa = AsymmetricSignature::Ecdsa {
        hash: SignHash::Specific(Hash::Sha256),
    };
    assert!(!can_use(
        &provider,
        PAIR,
        2048,
        Algorithm::AsymmetricSignature(ecdsa)
    ));
    Ok(())
}

#[test]
fn rsa_algorithms_on_other_keys_are_not_supported() -> TestResult {
    let (provider, _dir) = provider();
    let p256 = generate_p256(&provider, ecdsa(Hash::Sha256));
    let hash = digest(Hash::Sha256, b"message");
    assert!(is_not_supported(sign(
        &provider,
        &p256,
        pkcs1(Hash::Sha256),
        &hash
    )));
    assert!(is_not_supported(verify(
        &provider,
        &p256,
        pss(Hash::Sha256),
        &hash,
        &[0; 64]
    )));
    assert!(is_not_supported(encrypt(
        &provider,
        &p256,
        PKCS1_CRYPT,
        b"x",
        b""
    )));
    assert!(is_not_supported(decrypt(
        &provider,
        &p256,
        oaep(Hash::Sha256),
        &[0; 64],
        b""
    )));
    Ok(())
}

#[test]
fn the_sealed_blob_hides_the_private_key() -> TestResult {
    let (provider, _dir) = provider();
    let key = unhex(MBEDTLS_KEY);
    let pair = import_rsa(&provider, PAIR, 0, &key)?;
    let fields = der_integers(&key);
    // d, p, q, dP, dQ, qInv: not one 12-byte stretch of any of them is in the blob.
    for secret in &fields[3..] {
        for window in secret.chunks_exact(12) {
            assert!(!contains(&pair.blob, window));
        }
    }
    // The search works: the authorised export holds them all.
    let exported = provider.export(key_ref(&pair), BINDING)?;
    assert!(fields[3..].iter().all(|secret| contains(&exported, secret)));
    // Bound to its owner.
    let elsewhere = psc_provider_api::SignHash::sign_hash(
        &provider,
        key_ref(&pair),
        OTHER_BINDING,
        pkcs1(Hash::Sha256),
        &digest(Hash::Sha256, b"message"),
    );
    assert!(matches!(elsewhere, Err(ProviderError::CorruptKey(_))));
    Ok(())
}

// ---- Published vectors: the data ----------------------------------------------------------

/// The 2048-bit key (e = 3) of Mbed TLS `tests/suites/test_suite_rsa.data`, "RSA PKCS1 Sign #2
/// (SHA256, 2048 bits RSA)": p, q, n and e as published there; d, dP, dQ and qInv derived from
/// them (d = e^-1 mod lcm(p-1, q-1)) to make the PKCS#1 RSAPrivateKey PSA imports.
const MBEDTLS_KEY: &str = concat!(
    "308204a20201000282010100b38ac65c8141f7f5c96e14470e851936a67bf94cc6821a39ac12c05f7c0b06d9",
    "e6ddba2224703b02e25f31452f9c4a8417b62675fdc6df46b94813bc7b9769a892c482b830bfe0ad42e46668",
    "ace68903617faf6681f4babf1cc8e4b0420d3c7f61dc45434c6b54e2c3ee0fc07908509d79c9826e673bf836",
    "3255adb0add2401039a7bcd1b4ecf0fbe6ec8369d2da486eec59559dd1d54c9b24190965eafbdab203b35255",
    "765261cd0909acf93c3b8b8428cbb448de4715d1b813d0c94829c229543d391ce0adab5351f97a3810c1f73d",
    "7b1458b97daed4209c50e16d064d2d5bfda8c23893d755222793146d0a78c3d64f35549141486c3b0961a7b4",
    "c1a2034f020103028201001dec7664c035a953a19258b6826b8433c669fee22115af099cadcaba94ac812451",
    "24f45b0612b4807b0fdd8b87ef61c0ae9e5bbe54f67a8bc98c034a14993c46c320c074081ffac78b26111172",
    "266c2b3aea9d3bc05374752f76d0c80b0234bfe5a4b635e211e37b20a7ad4abed6b81a3ef6eb126689feb3b3",
    "0e479d724db557c1eed17b86136ad16023855c8940bc9e7e26ce3072ca4955f9418d65fd4b1d7584007b70cf",
    "d1ce4d4f8cf95ab49cec19f0689d808214a7a9085dd297fff2cd08ec7801479dc0a9576032fc85055a7c63e1",
    "effd4e2876a3b6ec9a4e94e7da38358b5ddd0fe27ab3cec5c8ef6c9738bcccfe98f2b3c399f7c690c624eee6",
    "cd4bf302818100e79a373182bfaa722eb035f772ad2a9464bd842de59432c18bbab3a7dfeae318c9b915ee48",
    "7861ab665a40bd6cda560152578e8579016c929df99fea05b4d64efca1d543850bc8164b40d71ed7f3fa4105",
    "df0fb9b9ad2a18ce182c8a4f4f975bea9aa0b9a1438a27a28e97ac8330ef37383414d1bd64607d6979ac0504",
    "24fd1702818100c6749cbb0db8c5a177672d4728a8b22392b2fc4d3b8361d5c0d5055a1b4e46d821f757c24e",
    "ef2a51c561941b93b3ace7340074c058c9bb48e7e7414f42c41da4cccb5c2ba91deb30c586b7fb18af12a529",
    "95592ad139d3be429add6547e044becedaf31fa3b39421e24ee034fbf367d11f6b8f88ee483d163b431e1654",
    "ad3e89028181009a66cf76572a71a17475794fa1c8c70d987e581e990d772bb27c77c53ff1ecbb31260e9eda",
    "faebc79991807e48918eab8c3a5f03a600f30c69511546ae788edf53168e2d035d300edcd5e4bf3aa2a6d603",
    "ea0a7bd11e1c1089657306df8a64e7f1bc6b266b825c1a6c5f0fc85775f4cf7acd63367e42eafe46511d58ad",
    "6dfe0f02818100844dbdd20925d9164f9a1e2f707076c261cca8337d0241392b38ae3c12342f3ac14f8fd6df",
    "4a1c36839662bd0d227344cd55a32ae5dbd2309a9a2b8a2c82be6ddddce81d1b694775d9047aa765ca0c6e1b",
    "b8e61c8b7be27ed711e8ee2fead87f3491f76a6d2262c14189eacdfd4cefe0bf9d0a5b49857e0ed22cbeb98d",
    "c8d45b0281804951a7b174df972c37badcc38457b5edd1f078bc613e75ce25e08814e12461c7a1c189a70eb8",
    "138294298d141244c7a9de31ab4f6d38b40b04d6353cd30f77adbf66bbde41c7be463c5e30aaa3f7bad6cee9",
    "9506deaafa2f335c1b1c5c88b8abb0d0387ee0d1b4e7027f7f085a025cedb5cce18b88c0462f1c3c910d47c0",
    "d4ab",
);

/// Its published modulus n.
const MBEDTLS_N: &str = concat!(
    "b38ac65c8141f7f5c96e14470e851936a67bf94cc6821a39ac12c05f7c0b06d9e6ddba2224703b02e25f3145",
    "2f9c4a8417b62675fdc6df46b94813bc7b9769a892c482b830bfe0ad42e46668ace68903617faf6681f4babf",
    "1cc8e4b0420d3c7f61dc45434c6b54e2c3ee0fc07908509d79c9826e673bf8363255adb0add2401039a7bcd1",
    "b4ecf0fbe6ec8369d2da486eec59559dd1d54c9b24190965eafbdab203b35255765261cd0909acf93c3b8b84",
    "28cbb448de4715d1b813d0c94829c229543d391ce0adab5351f97a3810c1f73d7b1458b97daed4209c50e16d",
    "064d2d5bfda8c23893d755222793146d0a78c3d64f35549141486c3b0961a7b4c1a2034f",
);

/// "RSA PKCS1 Sign" (SHA-224): the hash signed.
const MBEDTLS_HASH_224: &str = "32f339fe33f10a0fa152bf9659cdf7a0e4b741444ea31a85d40ed4bb";

/// "RSA PKCS1 Sign" (SHA-224): the published RSASSA-PKCS1-v1_5 signature.
const MBEDTLS_SIG_224: &str = concat!(
    "9d768b8b31421f9d9ced890aafaf8b3468656419049ed268f6e1992066f45dc3e4cd349e8c5ed5a06e4ef5ba",
    "daba064ba94907dfedf3d708becaf44ae9b27c3866d329311ba93e8ddc7fc284fba05d1bb84fb1e060a5b76b",
    "7fa515cfcd2c8144474623672703cac1e15ff4fdf8ef19d365c51ba86e60f4cbbcd07f956060625751bfbecc",
    "47945646459cadaddd900603a8149a93b31a6d432e1da1a67eb765f5b2f0bd1adb9af12d731c7b02931b42db",
    "bfd8c7cecde76b817e96f664147a2c5091c6ce4dc562c5f57159d6f9dc9ba2daa212db56677839621bd4805d",
    "de62955fb2d0cc2c448109d10ecc6206ea81f0a02e1646471358f3ec146cd3c75f2d390b",
);

/// "RSA PKCS1 Sign" (SHA-256): the hash signed.
const MBEDTLS_HASH_256: &str = "8cfd7c2f07a94aea1ff222dc9b80c58a946c975470ff2d2d3fbdb45eac1efa5c";

/// "RSA PKCS1 Sign" (SHA-256): the published RSASSA-PKCS1-v1_5 signature.
const MBEDTLS_SIG_256: &str = concat!(
    "5aee2b9dbc02a6a2d87ff64a64165dc0b9ce70c79bab2d287939e2601c3223e0493988d5468731ae4edc7d5f",
    "5d449335c204fdb0e192c1915c9d694d3a61c3be14df79c4b34d6ac73707829024d263c94f9107fa93f3783d",
    "e3965522336e18d1e01a142b5103451bb97839eaf2f44703a63050a36b78aef4072ea1a8daaaf1a2918fc03e",
    "e957a9c09efdc7287bcb4d6aec4723290294b249b3e3dc63157b560ad9c867323a73ebeb360cc9e482111643",
    "b0d86c4e33dcf170155590f0eba7d170789e84de336b7fe2f6cf485ddca94607a4ff379fc49d375c730249dd",
    "1a210e7dccd762d1c23c7532e769c6aa88e38e8654ff90f7b34df4c07ba90e89099ec1ed",
);

/// "RSA PKCS1 Sign" (SHA-384): the hash signed.
const MBEDTLS_HASH_384: &str = concat!(
    "7fccca8778575cf67d95d44e6825128e2ba5155f7cc91d968a923dbac35bc04b4d45bf6fd0009144ef9d7089",
    "8948eeec",
);

/// "RSA PKCS1 Sign" (SHA-384): the published RSASSA-PKCS1-v1_5 signature.
const MBEDTLS_SIG_384: &str = concat!(
    "40dcc96822e5612eb33f1dca247a35109ba3845c7a3d556a60e656624bf1c103d94686ca7379e9e329ccd1b1",
    "9b52bfd48b608df9f59a96a82d3feb0101096dbcb80e46da543b4c982ac6bb1717f24f9fe3f76b7154492b47",
    "525be1ddcaf4631d33481531be8f3e685837b40bdf4a02827d79f6a32374147174680f51c8e0d8eed9d5c445",
    "a563a7bce9ef4236e7cfdc12b2223ef457c3e8ccc6dd65cc23e977a1f03f5ef584feb9af00efc71a701f9d41",
    "3b0290af17692cb821a1e863d5778e174b1130659f30583f434f09cb1212471a41dd65c102de64a194b6ae3e",
    "43cd75928049db78042c58e980aff3ea2774e42845bcf217410a118cf5deeaa64224dbc8",
);

/// RSA Laboratories' PKCS #1 v2.1 test vectors (oaep-vect.txt), "Example 10: A 2048-bit RSA key
/// pair", as Mbed TLS ships them in `tests/suites/test_suite_pkcs1_v21.data`: p, q, n, e published;
/// d and the CRT values derived as above.
const EXAMPLE_10_KEY: &str = concat!(
    "308204a30201000282010100ae45ed5601cec6b8cc05f803935c674ddbe0d75c4c09fd7951fc6b0caec313a8",
    "df39970c518bffba5ed68f3f0d7f22a4029d413f1ae07e4ebe9e4177ce23e7f5404b569e4ee1bdcf3c1fb03e",
    "f113802d4f855eb9b5134b5a7c8085adcae6fa2fa1417ec3763be171b0c62b760ede23c12ad92b980884c641",
    "f5a8fac26bdad4a03381a22fe1b754885094c82506d4019a535a286afeb271bb9ba592de18dcf600c2aeeae5",
    "6e02f7cf79fc14cf3bdc7cd84febbbf950ca90304b2219a7aa063aefa2c3c1980e560cd64afe779585b61076",
    "57b957857efde6010988ab7de417fc88d8f384c4e6e72c3f943e0c31c0c4a5cc36f879d8a3ac9d7d59860eaa",
    "da6b83bb020301000102820100056b04216fe5f354ac77250a4b6b0c8525a85c59b0bd80c56450a22d5f438e",
    "596a333aa875e291dd43f48cb88b9d5fc0d499f9fcd1c397f9afc070cd9e398c8d19e61db7c7410a6b2675df",
    "bf5d345b804d201add502d5ce2dfcb091ce9997bbebe57306f383e4d588103f036f7e85d1934d152a323e4a8",
    "db451d6f4a5b1b0f102cc150e02feee2b88dea4ad4c1baccb24d84072d14e1d24a6771f7408ee30564fb86d4",
    "393a34bcf0b788501d193303f13a2284b001f0f649eaf79328d4ac5c430ab4414920a9460ed1b7bc40ec653e",
    "876d09abc509ae45b525190116a0c26101848298509c1c3bf3a483e7274054e15e97075036e989f60932807b",
    "5257751e7902818100ecf5aecd1e5515fffacbd75a2816c6ebf49018cdfb4638e185d66a7396b6f8090f8018",
    "c7fd95cc34b857dc17f0cc6516bb1346ab4d582cadad7b4103352387b70338d084047c9d9539b6496204b3dd",
    "6ea442499207bec01f964287ff6336c3984658336846f56e46861881c10233d2176bf15a5e96ddc780bc868a",
    "a77d3ce76902818100bc46c464fc6ac4ca783b0eb08a3c841b772f7e9b2f28babd588ae885e1a0c61e4858a0",
    "fb25ac299990f35be85164c259ba1175cdd7192707135184992b6c29b746dd0d2cabe142835f7d148cc16152",
    "4b4a09946d48b828473f1ce76b6cb6886c345c03e05f41d51b5c3a90a3f24073c7d74a4fe25d9cf21c75960f",
    "3fc386318302818100c73564571d00fb15d08a3de9957a50915d7126e9442dacf42bc82e862e5673ff6a008e",
    "d4d2e374617df89f17a160b43b7fda9cb6b6b74218609815f7d45ca263c159aa32d272d127faf4bc8ca2d773",
    "78e8aeb19b0ad7da3cb3de0ae7314980f62b6d4b0a875d1df03c1bae39ccd833ef6cd7e2d9528bf084d1f969",
    "e794e9f6c10281802658b37f6df9c1030be1db68117fa9d87e39ea2b693b7e6d3a2f70947413eec6142e18fb",
    "8dfcb6ac545d7c86a0ad48f8457170f0efb26bc48126c53efd1d16920198dc2a1107dc282db6a80cd3062360",
    "ba3fa13f70e4312ff1a6cd6b8fc4cd9c5c3db17c6d6a57212f73ae29f619327bad59b153858585ba4e28b60a",
    "62a45e490281806f38526b3925085534ef3e415a836ede8b86158a2c7cbfeccb0bd834304fec683ba8d4f479",
    "c433d43416e63269623cea100776d85aff401d3fff610ee65411ce3b1363d63a9709eede42647cea561493d5",
    "4570a879c18682cd97710b96205ec31117d73b5f36223fadd6e8ba90dd7c0ee61d44e163251e20c7f66eb305",
    "117cb8",
);

/// Examples 10.1 to 10.6 of the same file: (message, RSAES-OAEP-SHA-1 ciphertext), no label.
const EXAMPLE_10_OAEP: [(&str, &str); 6] = [
    (
        "8bba6bf82a6c0f86d5f1756e97956870b08953b06b4eb205bc1694ee",
        concat!(
            "53ea5dc08cd260fb3b858567287fa91552c30b2febfba213f0ae87702d068d19bab07fe574523dfb",
            "42139d68c3c5afeee0bfe4cb7969cbf382b804d6e61396144e2d0e60741f8993c3014b58b9b1957a",
            "8babcd23af854f4c356fb1662aa72bfcc7e586559dc4280d160c126785a723ebeebeff71f1159444",
            "0aaef87d10793a8774a239d4a04c87fe1467b9daf85208ec6c7255794a96cc29142f9a8bd418e3c1",
            "fd67344b0cd0829df3b2bec60253196293c6b34d3f75d32f213dd45c6273d505adf4cced1057cb75",
            "8fc26aeefa441255ed4e64c199ee075e7f16646182fdb464739b68ab5daff0e63e9552016824f054",
            "bf4d3c8c90a97bb6b6553284eb429fcc",
        ),
    ),
    (
        "e6ad181f053b58a904f2457510373e57",
        concat!(
            "a2b1a430a9d657e2fa1c2bb5ed43ffb25c05a308fe9093c01031795f5874400110828ae58fb9b581",
            "ce9dddd3e549ae04a0985459bde6c626594e7b05dc4278b2a1465c1368408823c85e96dc66c3a309",
            "83c639664fc4569a37fe21e5a195b5776eed2df8d8d361af686e750229bbd663f161868a50615e0c",
            "337bec0ca35fec0bb19c36eb2e0bbcc0582fa1d93aacdb061063f59f2ce1ee43605e5d89eca183d2",
            "acdfe9f81011022ad3b43a3dd417dac94b4e11ea81b192966e966b182082e71964607b4f8002f362",
            "99844a11f2ae0faeac2eae70f8f4f98088acdcd0ac556e9fccc511521908fad26f04c64201450305",
            "778758b0538bf8b5bb144a828e629795",
        ),
    ),
    (
        "510a2cf60e866fa2340553c94ea39fbc256311e83e94454b4124",
        concat!(
            "9886c3e6764a8b9a84e84148ebd8c3b1aa8050381a78f668714c16d9cfd2a6edc56979c535d9dee3",
            "b44b85c18be8928992371711472216d95dda98d2ee8347c9b14dffdff84aa48d25ac06f7d7e65398",
            "ac967b1ce90925f67dce049b7f812db0742997a74d44fe81dbe0e7a3feaf2e5c40af888d550ddbbe",
            "3bc20657a29543f8fc2913b9bd1a61b2ab2256ec409bbd7dc0d17717ea25c43f42ed27df8738bf4a",
            "fc6766ff7aff0859555ee283920f4c8a63c4a7340cbafddc339ecdb4b0515002f96c932b5b79167a",
            "f699c0ad3fccfdf0f44e85a70262bf2e18fe34b850589975e867ff969d48eabf212271546cdc05a6",
            "9ecb526e52870c836f307bd798780ede",
        ),
    ),
    (
        "bcdd190da3b7d300df9a06e22caae2a75f10c91ff667b7c16bde8b53064a2649a94045c9",
        concat!(
            "6318e9fb5c0d05e5307e1683436e903293ac4642358aaa223d7163013aba87e2dfda8e60c6860e29",
            "a1e92686163ea0b9175f329ca3b131a1edd3a77759a8b97bad6a4f8f4396f28cf6f39ca58112e481",
            "60d6e203daa5856f3aca5ffed577af499408e3dfd233e3e604dbe34a9c4c9082de65527cac6331d2",
            "9dc80e0508a0fa7122e7f329f6cca5cfa34d4d1da417805457e008bec549e478ff9e12a763c477d1",
            "5bbb78f5b69bd57830fc2c4ed686d79bc72a95d85f88134c6b0afe56a8ccfbc855828bb339bd1790",
            "9cf1d70de3335ae07039093e606d655365de6550b872cd6de1d440ee031b61945f629ad8a353b0d4",
            "0939e96a3c450d2a8d5eee9f678093c8",
        ),
    ),
    (
        "a7dd6c7dc24b46f9dd5f1e91ada4c3b3df947e877232a9",
        concat!(
            "75290872ccfd4a4505660d651f56da6daa09ca1301d890632f6a992f3d565cee464afded40ed3b5b",
            "e9356714ea5aa7655f4a1366c2f17c728f6f2c5a5d1f8e28429bc4e6f8f2cff8da8dc0e0a9808e45",
            "fd09ea2fa40cb2b6ce6ffff5c0e159d11b68d90a85f7b84e103b09e682666480c657505c09292594",
            "68a314786d74eab131573cf234bf57db7d9e66cc6748192e002dc0deea930585f0831fdcd9bc33d5",
            "1f79ed2ffc16bcf4d59812fcebcaa3f9069b0e445686d644c25ccf63b456ee5fa6ffe96f19cdf751",
            "fed9eaf35957754dbf4bfea5216aa1844dc507cb2d080e722eba150308c2b5ff1193620f1766ecf4",
            "481bafb943bd292877f2136ca494aba0",
        ),
    ),
    (
        "eaf1a73a1b0c4609537de69cd9228bbcfb9a8ca8c6c3efaf056fe4a7f4634ed00b7c39ec6922d7b8ea2c04ebac",
        concat!(
            "2d207a73432a8fb4c03051b3f73b28a61764098dfa34c47a20995f8115aa6816679b557e82dbee58",
            "4908c6e69782d7deb34dbd65af063d57fca76a5fd069492fd6068d9984d209350565a62e5c77f230",
            "38c12cb10c6634709b547c46f6b4a709bd85ca122d74465ef97762c29763e06dbc7a9e738c78bfca",
            "0102dc5e79d65b973f28240caab2e161a78b57d262457ed8195d53e3c7ae9da021883c6db7c24afd",
            "d2322eac972ad3c354c5fcef1e146c3a0290fb67adf007066e00428d2cec18ce58f9328698defef4",
            "b2eb5ec76918fde1c198cbb38b7afc67626a9aefec4322bfd90d2563481c9a221f78c8272c82d1b6",
            "2ab914e1c69f6af6ef30ca5260db4a46",
        ),
    ),
];
/// Mbed TLS `test_suite_psa_crypto.data`, "PSA import/export RSA keypair: good, 1024-bit".
const MBEDTLS_PAIR_1024: &str = concat!(
    "3082025e02010002818100af057d396ee84fb75fdbb5c2b13c7fe5a654aa8aa2470b541ee1feb0b12d25c797",
    "11531249e1129628042dbbb6c120d1443524ef4c0e6e1d8956eeb2077af12349ddeee54483bc06c2c61948cd",
    "02b202e796aebd94d3a7cbf859c2c1819c324cb82b9cd34ede263a2abffe4733f077869e8660f7d6834da53d",
    "690ef7985f6bc3020301000102818100874bf0ffc2f2a71d14671ddd0171c954d7fdbf50281e4f6d99ea0e1e",
    "bcf82faa58e7b595ffb293d1abe17f110b37c48cc0f36c37e84d876621d327f64bbe08457d3ec4098ba2fa0a",
    "319fba411c2841ed7be83196a8cdf9daa5d00694bc335fc4c32217fe0488bce9cb7202e59468b1ead1190004",
    "77db2ca797fac19eda3f58c1024100e2ab760841bb9d30a81d222de1eb7381d82214407f1b975cbbfe4e1a94",
    "67fd98adbd78f607836ca5be1928b9d160d97fd45c12d6b52e2c9871a174c66b488113024100c5ab27602159",
    "ae7d6f20c3c2ee851e46dc112e689e28d5fcbbf990a99ef8a90b8bb44fd36467e7fc1789ceb663abda338652",
    "c3c73f111774902e840565927091024100b6cdbd354f7df579a63b48b3643e353b84898777b48b15f94e0bfc",
    "0567a6ae5911d57ad6409cf7647bf96264e9bd87eb95e263b7110b9a1f9f94acced0fafa4d024071195eec37",
    "e8d257decfc672b07ae639f10cbb9b0c739d0c809968d644a94e3fd6ed9287077a14583f379058f76a8aecd4",
    "3c62dc8c0f41766650d725275ac4a1024100bb32d133edc2e048d463388b7be9cb4be29f4b6250be603e70e3",
    "647501c97ddde20a4e71be95fd5e71784e25aca4baf25be5738aae59bbfe1c997781447a2b24",
);

/// Mbed TLS `test_suite_psa_crypto.data`, "PSA import/export RSA public key: good, 1024-bit".
const MBEDTLS_PUBLIC_1024: &str = concat!(
    "30818902818100af057d396ee84fb75fdbb5c2b13c7fe5a654aa8aa2470b541ee1feb0b12d25c79711531249",
    "e1129628042dbbb6c120d1443524ef4c0e6e1d8956eeb2077af12349ddeee54483bc06c2c61948cd02b202e7",
    "96aebd94d3a7cbf859c2c1819c324cb82b9cd34ede263a2abffe4733f077869e8660f7d6834da53d690ef798",
    "5f6bc30203010001",
);
