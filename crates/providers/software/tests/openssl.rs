//! Cross-checks with the `openssl` command line: our signatures verify there, and its
//! signatures and keys work here. The DER and PEM wrapping is done by hand below.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;
use psc_provider_api::{KeyLifecycle, ProviderError};
use psc_psa::{AsymmetricSignature, Hash};

/// SubjectPublicKeyInfo header for an uncompressed P-256 point (RFC 5480): SEQUENCE {
/// SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING (0 unused bits) }.
const P256_SPKI_PREFIX: &str = "3059301306072a8648ce3d020106082a8648ce3d030107034200";

fn openssl(args: &[&str], dir: &Path) -> Result<String, Box<dyn std::error::Error>> {
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

fn public_key_pem(point: &[u8]) -> String {
    let der = [unhex(P256_SPKI_PREFIX), point.to_vec()].concat();
    let body = base64(&der);
    let lines: Vec<_> = body
        .as_bytes()
        .chunks(64)
        .map(String::from_utf8_lossy)
        .collect();
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        lines.join("\n")
    )
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `r ‖ s` as the DER `ECDSA-Sig-Value` SEQUENCE { INTEGER r, INTEGER s }.
fn der_signature(fixed: &[u8]) -> Vec<u8> {
    let integer = |half: &[u8]| {
        let start = half.iter().position(|b| *b != 0).unwrap_or(half.len() - 1);
        let mut value = half[start..].to_vec();
        if value[0] & 0x80 != 0 {
            value.insert(0, 0);
        }
        [vec![0x02, value.len() as u8], value].concat()
    };
    let body = [integer(&fixed[..32]), integer(&fixed[32..])].concat();
    [vec![0x30, body.len() as u8], body].concat()
}

/// The DER `ECDSA-Sig-Value` back to `r ‖ s`, 32 bytes each.
fn fixed_signature(der: &[u8]) -> Vec<u8> {
    assert_eq!(der[0], 0x30);
    assert_eq!(der[1] as usize, der.len() - 2);
    let mut out = Vec::new();
    let mut rest = &der[2..];
    for _ in 0..2 {
        assert_eq!(rest[0], 0x02);
        let len = rest[1] as usize;
        let value = &rest[2..2 + len];
        let value = &value[value.len().saturating_sub(32)..];
        out.extend(std::iter::repeat_n(0, 32 - value.len()));
        out.extend_from_slice(value);
        rest = &rest[2 + len..];
    }
    assert!(rest.is_empty());
    out
}

#[test]
fn der_helpers_round_trip() {
    for fixed in [[0u8; 64], [0xff; 64], [0x01; 64]] {
        let mut fixed = fixed.to_vec();
        fixed[0] = 0;
        fixed[32] = 0x80;
        assert_eq!(fixed_signature(&der_signature(&fixed)), fixed);
    }
    assert_eq!(base64(b"any carnal pleas"), "YW55IGNhcm5hbCBwbGVhcw==");
    assert_eq!(base64(b"any carnal pleasu"), "YW55IGNhcm5hbCBwbGVhc3U=");
    assert_eq!(base64(b"any carnal pleasur"), "YW55IGNhcm5hbCBwbGVhc3Vy");
}

#[test]
fn our_signatures_verify_with_openssl() -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    let message = b"signed by the psc software provider";
    fs::write(work.join("message.bin"), message)?;
    for hash_alg in [Hash::Sha256, Hash::Sha384, Hash::Sha512] {
        let alg = ecdsa(hash_alg);
        let key = generate_p256(&provider, alg);
        let point = provider.export_public(key_ref(&key), BINDING)?;
        fs::write(work.join("public.pem"), public_key_pem(&point))?;
        let hash = digest(hash_alg, message);
        let signature = sign(&provider, &key, alg, &hash)?;
        fs::write(work.join("signature.der"), der_signature(&signature))?;

        let dgst = format!("-{}", format!("{hash_alg:?}").to_lowercase());
        let args = [
            "dgst",
            &dgst,
            "-verify",
            "public.pem",
            "-signature",
            "signature.der",
        ];
        let out = openssl(&[&args[..], &["message.bin"]].concat(), work)?;
        assert!(out.contains("Verified OK"), "{out}");

        if hash_alg == Hash::Sha256 {
            fs::write(work.join("digest.bin"), &hash)?;
            let out = openssl(
                &[
                    "pkeyutl",
                    "-verify",
                    "-pubin",
                    "-inkey",
                    "public.pem",
                    "-in",
                    "digest.bin",
                    "-sigfile",
                    "signature.der",
                ],
                work,
            )?;
            assert!(out.contains("Signature Verified Successfully"), "{out}");
        }
    }
    Ok(())
}

#[test]
fn openssl_signatures_and_keys_work_with_us() -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    openssl(
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "key.pem",
        ],
        work,
    )?;
    openssl(
        &[
            "pkey", "-in", "key.pem", "-pubout", "-outform", "DER", "-out", "pub.der",
        ],
        work,
    )?;
    openssl(
        &["ec", "-in", "key.pem", "-outform", "DER", "-out", "key.der"],
        work,
    )?;
    let spki = fs::read(work.join("pub.der"))?;
    let point = &spki[spki.len() - 65..];
    assert_eq!(hex::encode(&spki[..spki.len() - 65]), P256_SPKI_PREFIX);
    // RFC 5915 ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING (32 bytes) d, ... }.
    let ec_private = fs::read(work.join("key.der"))?;
    assert_eq!(ec_private[2..7], [0x02, 0x01, 0x01, 0x04, 0x20]);
    let scalar = &ec_private[7..39];

    let alg = ecdsa(Hash::Sha256);
    let public = import(&provider, P256_PUBLIC, alg, point)?;
    let pair = import(&provider, P256_PAIR, alg, scalar)?;
    assert_eq!(provider.export_public(key_ref(&pair), BINDING)?, point);

    let message = b"signed by openssl";
    fs::write(work.join("message.bin"), message)?;
    openssl(
        &[
            "dgst",
            "-sha256",
            "-sign",
            "key.pem",
            "-out",
            "signature.der",
            "message.bin",
        ],
        work,
    )?;
    let signature = fixed_signature(&fs::read(work.join("signature.der"))?);
    let hash = digest(Hash::Sha256, message);
    verify(&provider, &public, alg, &hash, &signature)?;
    verify(&provider, &pair, alg, &hash, &signature)?;
    verify(
        &provider,
        &public,
        AsymmetricSignature::EcdsaAny,
        &hash,
        &signature,
    )?;
    let other = digest(Hash::Sha256, b"not the message");
    let result = verify(&provider, &public, alg, &other, &signature);
    assert!(
        matches!(result, Err(ProviderError::InvalidSignature)),
        "{result:?}"
    );
    Ok(())
}
