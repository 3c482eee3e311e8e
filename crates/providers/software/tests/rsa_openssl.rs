//! RSA cross-checks with the `openssl` command line: our signatures, ciphertexts and exported
//! keys work there, and openssl's keys, signatures and ciphertexts work here.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;
use psc_provider_api::{AsymmetricCrypt, Check, KeyLifecycle, NewKey, Provider, ProviderError};
use psc_provider_software::SoftwareProvider;
use psc_psa::{
    Algorithm, AsymmetricEncryption, AsymmetricSignature, Attributes, Hash, KeyType, Policy,
    SignHash, UsageFlags,
};

type Outcome<T> = Result<T, Box<dyn std::error::Error>>;

const PAIR: KeyType = KeyType::RsaKeyPair;
const PUBLIC: KeyType = KeyType::RsaPublicKey;
const SHA2: [Hash; 3] = [Hash::Sha256, Hash::Sha384, Hash::Sha512];
/// The OAEP hashes both sides offer for a key of `bits`: all but MD2 and MD4, where the
/// key leaves room for [`MESSAGE`] (aws-lc-rs runs SHA-1 and SHA-2 at 2048 bits and more,
/// OpenSSL the rest).
fn oaep_hashes(bits: u32) -> Vec<Hash> {
    signing_hashes()
        .into_iter()
        .filter(|hash| bits as usize / 8 >= 2 * hash.digest_len() + 2 + MESSAGE.len())
        .collect()
}
const MESSAGE: &[u8] = b"signed and sealed by the psc software provider";

fn openssl(args: &[&str], dir: &Path) -> Outcome<String> {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|err| format!("the openssl command is required for these tests: {err}"))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        Ok(text)
    } else {
        Err(format!("openssl {args:?} failed: {text}").into())
    }
}

/// openssl's name for a hash.
fn name(hash: Hash) -> &'static str {
    match hash {
        Hash::Md5 => "md5",
        Hash::Ripemd160 => "ripemd160",
        Hash::Sha1 => "sha1",
        Hash::Sha224 => "sha224",
        Hash::Sha256 => "sha256",
        Hash::Sha384 => "sha384",
        Hash::Sha512 => "sha512",
        Hash::Sha512_224 => "sha512-224",
        Hash::Sha512_256 => "sha512-256",
        Hash::Sha3_224 => "sha3-224",
        Hash::Sha3_256 => "sha3-256",
        Hash::Sha3_384 => "sha3-384",
        Hash::Sha3_512 => "sha3-512",
        // No test signs with them; openssl has no such name.
        Hash::Md2 | Hash::Md4 => "none",
    }
}

/// Every hash PSA names but MD2 and MD4: the ones the provider signs with.
fn signing_hashes() -> Vec<Hash> {
    Hash::ALL
        .iter()
        .copied()
        .filter(|hash| !matches!(hash, Hash::Md2 | Hash::Md4))
        .collect()
}

/// The digest of `message` as the provider computes it.
fn hash_of(provider: &SoftwareProvider, hash: Hash, message: &[u8]) -> Outcome<Vec<u8>> {
    Ok(psc_provider_api::HashCompute::compute(
        provider, hash, message,
    )?)
}

/// The PSS salt length PSA's RSA-PSS takes for a key of `bits`: the hash's length, or
/// what is left when the key is too small (Mbed TLS's rule).
fn pss_salt(bits: u32, hash: Hash) -> usize {
    let em_len = (bits as usize - 1).div_ceil(8);
    hash.digest_len().min(em_len - hash.digest_len() - 2)
}

/// The `-pkeyopt`s for `openssl pkeyutl` to sign or verify `alg` over a hash, for a key of
/// `bits`.
fn pkeyutl_options(alg: AsymmetricSignature, bits: u32) -> Vec<String> {
    let options = match alg {
        AsymmetricSignature::RsaPkcs1v15SignRaw => vec!["rsa_padding_mode:pkcs1".to_string()],
        AsymmetricSignature::RsaPkcs1v15Sign {
            hash: SignHash::Specific(hash),
        } => vec![
            "rsa_padding_mode:pkcs1".to_string(),
            format!("digest:{}", name(hash)),
        ],
        AsymmetricSignature::RsaPss {
            hash: SignHash::Specific(hash),
        } => vec![
            "rsa_padding_mode:pss".to_string(),
            format!("digest:{}", name(hash)),
            format!("rsa_mgf1_md:{}", name(hash)),
            format!("rsa_pss_saltlen:{}", pss_salt(bits, hash)),
        ],
        // The ECDSA algorithms: no test asks.
        _ => Vec::new(),
    };
    options
        .into_iter()
        .flat_map(|option| ["-pkeyopt".to_string(), option])
        .collect()
}

/// Every RSA signature algorithm the provider has, with the input each signs.
fn every_signature(provider: &SoftwareProvider) -> Outcome<Vec<(AsymmetricSignature, Vec<u8>)>> {
    let mut all = Vec::new();
    for hash in signing_hashes() {
        let hashed = hash_of(provider, hash, MESSAGE)?;
        all.push((pkcs1(hash), hashed.clone()));
        all.push((pss(hash), hashed));
    }
    all.push((
        AsymmetricSignature::RsaPkcs1v15SignRaw,
        b"raw input".to_vec(),
    ));
    Ok(all)
}

/// Signs with us and verifies with `openssl pkeyutl`, and the reverse, for every hash PSA
/// names but MD2 and MD4, with PKCS#1 v1.5 and PSS, and for the raw PKCS#1 v1.5 signature.
fn cross_check_every_signature(bits: u32) -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    let (pair, public, _, _) = openssl_key(&provider, bits, work)?;
    let ours = provider.generate(&rsa_attributes(PAIR, bits), BINDING)?;
    write_public_pem(&provider, &ours, work)?;
    for (alg, input) in every_signature(&provider)? {
        fs::write(work.join("input.bin"), &input)?;
        let options = pkeyutl_options(alg, bits);
        let options: Vec<&str> = options.iter().map(String::as_str).collect();
        // Ours, verified by openssl.
        let signature = sign(&provider, &ours, alg, &input)?;
        assert_eq!(signature.len(), bits as usize / 8);
        fs::write(work.join("sig.bin"), &signature)?;
        let check = [
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            "pub.pem",
            "-in",
            "input.bin",
            "-sigfile",
            "sig.bin",
        ];
        let out = openssl(&[&check[..], &options].concat(), work)?;
        assert!(
            out.contains("Signature Verified Successfully"),
            "{bits} {alg:?}: {out}"
        );
        // openssl's, verified by us (and, for the deterministic ones, the same bytes).
        let make = [
            "pkeyutl",
            "-sign",
            "-inkey",
            "key.pem",
            "-in",
            "input.bin",
            "-out",
            "theirs.bin",
        ];
        openssl(&[&make[..], &options].concat(), work)?;
        let theirs = fs::read(work.join("theirs.bin"))?;
        verify(&provider, &public, alg, &input, &theirs)?;
        verify(&provider, &pair, alg, &input, &theirs)?;
        if !matches!(alg, AsymmetricSignature::RsaPss { .. }) {
            assert_eq!(
                sign(&provider, &pair, alg, &input)?,
                theirs,
                "{bits} {alg:?}"
            );
        }
        let mut bad = theirs.clone();
        bad[bits as usize / 16] ^= 1;
        let result = verify(&provider, &public, alg, &input, &bad);
        assert!(
            matches!(result, Err(ProviderError::InvalidSignature)),
            "{alg:?}"
        );
    }
    Ok(())
}

#[test]
fn every_signature_cross_checks_with_openssl_at_1024_bits() -> TestResult {
    cross_check_every_signature(1024)
}

#[test]
fn every_signature_cross_checks_with_openssl_at_2048_bits() -> TestResult {
    cross_check_every_signature(2048)
}

#[test]
fn every_signature_cross_checks_with_openssl_at_3072_bits() -> TestResult {
    cross_check_every_signature(3072)
}

fn rsa_attributes(key_type: KeyType, bits: u32) -> Attributes {
    let usage_flags = UsageFlags {
        export: true,
        encrypt: true,
        decrypt: true,
        sign_hash: true,
        verify_hash: true,
        ..UsageFlags::default()
    };
    let alg = AsymmetricSignature::RsaPss {
        hash: SignHash::Any,
    };
    Attributes {
        key_type,
        bits,
        policy: Policy {
            usage_flags,
            permitted_algorithm: Algorithm::AsymmetricSignature(alg),
        },
    }
}

fn import_rsa(
    provider: &SoftwareProvider,
    key_type: KeyType,
    data: &[u8],
) -> Result<NewKey, ProviderError> {
    provider.import(&rsa_attributes(key_type, 0), data, BINDING)
}

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

/// The `-sigopt`s that make `openssl dgst` use PSS with a salt as long as the hash.
const PSS_OPTIONS: [&str; 4] = [
    "-sigopt",
    "rsa_padding_mode:pss",
    "-sigopt",
    "rsa_pss_saltlen:digest",
];

/// The `-pkeyopt`s for OAEP with `hash` (and MGF1 with it) and an optional label.
fn oaep_options(hash: Hash, label: &[u8]) -> Vec<String> {
    let mut options = vec![
        "rsa_padding_mode:oaep".to_string(),
        format!("rsa_oaep_md:{}", name(hash)),
        format!("rsa_mgf1_md:{}", name(hash)),
    ];
    if !label.is_empty() {
        options.push(format!("rsa_oaep_label:{}", hex::encode(label)));
    }
    options
        .into_iter()
        .flat_map(|option| ["-pkeyopt".to_string(), option])
        .collect()
}

/// Our public key as a PEM SubjectPublicKeyInfo file `pub.pem`, converted by openssl from
/// the exported PKCS#1 `RSAPublicKey`.
fn write_public_pem(provider: &SoftwareProvider, key: &NewKey, dir: &Path) -> Outcome<()> {
    fs::write(
        dir.join("pub.der"),
        provider.export_public(key_ref(key), BINDING)?,
    )?;
    openssl(
        &[
            "rsa",
            "-RSAPublicKey_in",
            "-inform",
            "DER",
            "-in",
            "pub.der",
        ]
        .into_iter()
        .chain(["-pubout", "-out", "pub.pem"])
        .collect::<Vec<_>>(),
        dir,
    )?;
    Ok(())
}

/// An openssl key of `bits` (`key.pem`), imported here as a pair and as a public key from
/// its PKCS#1 DER forms, which are also answered.
fn openssl_key(
    provider: &SoftwareProvider,
    bits: u32,
    dir: &Path,
) -> Outcome<(NewKey, NewKey, Vec<u8>, Vec<u8>)> {
    let bits_option = format!("rsa_keygen_bits:{bits}");
    let generate = ["genpkey", "-algorithm", "RSA", "-pkeyopt", &bits_option];
    openssl(&[&generate[..], &["-out", "key.pem"]].concat(), dir)?;
    let (private_der, public_der) = openssl_der_forms(dir)?;
    let pair = import_rsa(provider, PAIR, &private_der)?;
    let public = import_rsa(provider, PUBLIC, &public_der)?;
    assert_eq!((pair.attributes.bits, public.attributes.bits), (bits, bits));
    Ok((pair, public, private_der, public_der))
}

/// `key.pem` as PKCS#1 `RSAPrivateKey` and `RSAPublicKey` DER.
fn openssl_der_forms(dir: &Path) -> Outcome<(Vec<u8>, Vec<u8>)> {
    let to_der = ["rsa", "-in", "key.pem", "-outform", "DER"];
    openssl(
        &[&to_der[..], &["-traditional", "-out", "key.der"]].concat(),
        dir,
    )?;
    openssl(
        &[&to_der[..], &["-RSAPublicKey_out", "-out", "pub.der"]].concat(),
        dir,
    )?;
    Ok((
        fs::read(dir.join("key.der"))?,
        fs::read(dir.join("pub.der"))?,
    ))
}

#[test]
fn our_signatures_verify_with_openssl() -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    let key = provider.generate(&rsa_attributes(PAIR, 2048), BINDING)?;
    write_public_pem(&provider, &key, work)?;
    fs::write(work.join("message.bin"), MESSAGE)?;
    for hash in SHA2 {
        let digest_option = format!("-{}", name(hash));
        let check = [
            "dgst",
            &digest_option,
            "-verify",
            "pub.pem",
            "-signature",
            "sig.bin",
        ];
        for (alg, options) in [(pkcs1(hash), &[][..]), (pss(hash), &PSS_OPTIONS[..])] {
            let signature = sign(&provider, &key, alg, &digest(hash, MESSAGE))?;
            fs::write(work.join("sig.bin"), &signature)?;
            let out = openssl(&[&check[..], options, &["message.bin"]].concat(), work)?;
            assert!(out.contains("Verified OK"), "{alg:?}: {out}");
        }
    }
    Ok(())
}

#[test]
fn openssl_signatures_verify_with_us() -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    let (pair, public, _, _) = openssl_key(&provider, 2048, work)?;
    fs::write(work.join("message.bin"), MESSAGE)?;
    for hash in [Hash::Sha1, Hash::Sha256, Hash::Sha384, Hash::Sha512] {
        let digest_option = format!("-{}", name(hash));
        let make = [
            "dgst",
            &digest_option,
            "-sign",
            "key.pem",
            "-out",
            "sig.bin",
        ];
        let hashed = digest_any(hash, MESSAGE);
        // PKCS#1 v1.5 is deterministic: where we can sign, our signature is openssl's.
        openssl(&[&make[..], &["message.bin"]].concat(), work)?;
        let theirs = fs::read(work.join("sig.bin"))?;
        verify(&provider, &public, pkcs1(hash), &hashed, &theirs)?;
        verify(&provider, &pair, pkcs1(hash), &hashed, &theirs)?;
        assert_eq!(
            sign(&provider, &pair, pkcs1(hash), &hashed)?,
            theirs,
            "{hash:?}"
        );
        openssl(&[&make[..], &PSS_OPTIONS, &["message.bin"]].concat(), work)?;
        let theirs = fs::read(work.join("sig.bin"))?;
        verify(&provider, &public, pss(hash), &hashed, &theirs)?;
        // PSA's RSA-PSS fixes the salt length to the hash length: openssl's default for
        // signing, the longest salt, is another algorithm (PSA_ALG_RSA_PSS_ANY_SALT).
        let max_salt = [
            "-sigopt",
            "rsa_padding_mode:pss",
            "-sigopt",
            "rsa_pss_saltlen:max",
        ];
        openssl(&[&make[..], &max_salt, &["message.bin"]].concat(), work)?;
        let theirs = fs::read(work.join("sig.bin"))?;
        let result = verify(&provider, &public, pss(hash), &hashed, &theirs);
        assert!(matches!(result, Err(ProviderError::InvalidSignature)));
    }
    Ok(())
}

/// The digest of `message`, SHA-1 included.
fn digest_any(hash: Hash, message: &[u8]) -> Vec<u8> {
    match hash {
        Hash::Sha1 => {
            let algorithm = &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY;
            aws_lc_rs::digest::digest(algorithm, message)
                .as_ref()
                .to_vec()
        }
        other => digest(other, message),
    }
}

#[test]
fn openssl_encrypts_to_our_public_key() -> TestResult {
    for bits in [1024, 2048] {
        openssl_encrypts_to_our_key_of(bits)?;
    }
    Ok(())
}

fn openssl_encrypts_to_our_key_of(bits: u32) -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    let key = provider.generate(&rsa_attributes(PAIR, bits), BINDING)?;
    write_public_pem(&provider, &key, work)?;
    fs::write(work.join("plain.bin"), MESSAGE)?;
    let encrypt = ["pkeyutl", "-encrypt", "-pubin", "-inkey", "pub.pem"];
    let files = ["-in", "plain.bin", "-out", "cipher.bin"];
    openssl(&[&encrypt[..], &files].concat(), work)?;
    let ciphertext = fs::read(work.join("cipher.bin"))?;
    let pkcs1 = AsymmetricEncryption::RsaPkcs1v15Crypt;
    assert_eq!(decrypt(&provider, &key, pkcs1, &ciphertext, b"")?, MESSAGE);
    for hash in oaep_hashes(bits) {
        for label in [&b""[..], b"context label"] {
            let options = oaep_options(hash, label);
            let options: Vec<&str> = options.iter().map(String::as_str).collect();
            openssl(&[&encrypt[..], &options, &files].concat(), work)?;
            let ciphertext = fs::read(work.join("cipher.bin"))?;
            let alg = AsymmetricEncryption::RsaOaep { hash };
            assert_eq!(decrypt(&provider, &key, alg, &ciphertext, label)?, MESSAGE);
            let wrong = decrypt(&provider, &key, alg, &ciphertext, b"another label");
            assert!(matches!(wrong, Err(ProviderError::InvalidPadding)));
        }
    }
    Ok(())
}

#[test]
fn we_encrypt_to_an_openssl_key() -> TestResult {
    for bits in [1024, 3072] {
        we_encrypt_to_an_openssl_key_of(bits)?;
    }
    Ok(())
}

fn we_encrypt_to_an_openssl_key_of(bits: u32) -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    let (pair, public, _, _) = openssl_key(&provider, bits, work)?;
    let decrypt_there = ["pkeyutl", "-decrypt", "-inkey", "key.pem"];
    let files = ["-in", "cipher.bin", "-out", "plain.bin"];
    let mut cases = vec![(AsymmetricEncryption::RsaPkcs1v15Crypt, &b""[..])];
    for hash in oaep_hashes(bits) {
        cases.push((AsymmetricEncryption::RsaOaep { hash }, b""));
        cases.push((AsymmetricEncryption::RsaOaep { hash }, b"context label"));
    }
    for (alg, label) in cases {
        let options = match alg {
            AsymmetricEncryption::RsaOaep { hash } => oaep_options(hash, label),
            AsymmetricEncryption::RsaPkcs1v15Crypt => Vec::new(),
        };
        let options: Vec<&str> = options.iter().map(String::as_str).collect();
        for key in [&public, &pair] {
            let ciphertext = encrypt(&provider, key, alg, MESSAGE, label)?;
            fs::write(work.join("cipher.bin"), &ciphertext)?;
            openssl(&[&decrypt_there[..], &options, &files].concat(), work)?;
            assert_eq!(fs::read(work.join("plain.bin"))?, MESSAGE, "{alg:?}");
        }
    }
    Ok(())
}

#[test]
fn exported_keys_are_what_openssl_writes() -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    // An openssl key comes back out byte for byte.
    let (pair, public, private_der, public_der) = openssl_key(&provider, 2048, work)?;
    assert_eq!(
        provider.export(key_ref(&pair), BINDING)?.to_vec(),
        private_der
    );
    assert_eq!(provider.export_public(key_ref(&pair), BINDING)?, public_der);
    assert_eq!(
        provider.export_public(key_ref(&public), BINDING)?,
        public_der
    );
    // One of ours passes openssl's consistency check and has the public key we export.
    let ours = provider.generate(&rsa_attributes(PAIR, 3072), BINDING)?;
    fs::write(
        work.join("ours.der"),
        provider.export(key_ref(&ours), BINDING)?.to_vec(),
    )?;
    let read = ["rsa", "-inform", "DER", "-in", "ours.der"];
    let out = openssl(&[&read[..], &["-check", "-noout"]].concat(), work)?;
    assert!(out.contains("RSA key ok"), "{out}");
    let to_public = [
        "-RSAPublicKey_out",
        "-outform",
        "DER",
        "-out",
        "ours_pub.der",
    ];
    openssl(&[&read[..], &to_public].concat(), work)?;
    let expected = fs::read(work.join("ours_pub.der"))?;
    assert_eq!(provider.export_public(key_ref(&ours), BINDING)?, expected);
    Ok(())
}

#[test]
fn openssl_keys_of_other_sizes_and_exponents() -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    // 1024 bits: served for pairs and public keys alike, as CanDoCrypto says.
    let generate = [
        "genpkey",
        "-algorithm",
        "RSA",
        "-out",
        "key.pem",
        "-pkeyopt",
    ];
    openssl(&[&generate[..], &["rsa_keygen_bits:1024"]].concat(), work)?;
    let (private_der, public_der) = openssl_der_forms(work)?;
    for (key_type, data) in [(PAIR, &private_der), (PUBLIC, &public_der)] {
        let key = import_rsa(&provider, key_type, data)?;
        assert_eq!(key.attributes.bits, 1024);
        assert_eq!(provider.export(key_ref(&key), BINDING)?.to_vec(), *data);
        let can = provider.can_do(Check::Import, &rsa_attributes(key_type, 1024));
        assert!(can.is_ok());
    }
    // 2056 bits (whole bytes, not a generated size) and e = 3 import and work both ways.
    let exponent = ["-pkeyopt", "rsa_keygen_pubexp:3"];
    openssl(
        &[&generate[..], &["rsa_keygen_bits:2056"], &exponent].concat(),
        work,
    )?;
    let (private_der, public_der) = openssl_der_forms(work)?;
    let pair = import_rsa(&provider, PAIR, &private_der)?;
    let public = import_rsa(&provider, PUBLIC, &public_der)?;
    assert_eq!(pair.attributes.bits, 2056);
    assert!(
        provider
            .can_do(Check::Import, &rsa_attributes(PAIR, 2056))
            .is_ok()
    );
    let signature = sign(
        &provider,
        &pair,
        pss(Hash::Sha256),
        &digest(Hash::Sha256, MESSAGE),
    )?;
    assert_eq!(signature.len(), 257);
    write_public_pem(&provider, &public, work)?;
    fs::write(work.join("message.bin"), MESSAGE)?;
    fs::write(work.join("sig.bin"), &signature)?;
    let check = [
        "dgst",
        "-sha256",
        "-verify",
        "pub.pem",
        "-signature",
        "sig.bin",
    ];
    let out = openssl(&[&check[..], &PSS_OPTIONS, &["message.bin"]].concat(), work)?;
    assert!(out.contains("Verified OK"), "{out}");
    Ok(())
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
