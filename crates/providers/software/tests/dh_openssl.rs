//! Finite-field Diffie-Hellman (issue 22 item 4) cross-checked with the `openssl` command
//! line: a key openssl generates on each RFC 7919 group imports here with the public value
//! openssl computes, and `openssl pkeyutl -derive` between its key and ours gives our shared
//! secret, leading zeros and all. openssl's keys are read from its `-text` dump.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;
use psc_provider_api::{Check, KeyLifecycle, NewKey, Provider, ProviderError, RawAgreement};
use psc_provider_software::SoftwareProvider;
use psc_psa::{
    Algorithm, Attributes, DhFamily, KeyAgreement, KeyType, Policy, RawKeyAgreement, UsageFlags,
};

type Failure = Box<dyn std::error::Error>;

const PAIR: KeyType = KeyType::DhKeyPair {
    group_family: DhFamily::Rfc7919,
};
const PUBLIC: KeyType = KeyType::DhPublicKey {
    group_family: DhFamily::Rfc7919,
};
const FFDH: Algorithm = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ffdh));

fn dh_attributes(key_type: KeyType, bits: u32) -> Attributes {
    Attributes {
        key_type,
        bits,
        policy: Policy {
            usage_flags: UsageFlags {
                derive: true,
                export: true,
                ..UsageFlags::default()
            },
            permitted_algorithm: FFDH,
        },
    }
}

fn openssl(dir: &Path, args: &[&str]) -> Result<String, Failure> {
    let output = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|err| format!("the openssl command is required for these tests: {err}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(format!("openssl {args:?} failed: {stderr}").into())
    }
}

/// The hex bytes of one `name:` field of an `openssl pkey -text` dump, as `len` bytes.
fn field(text: &str, name: &str, len: usize) -> Result<Vec<u8>, Failure> {
    let start = text.find(name).ok_or(format!("no {name} in {text}"))? + name.len();
    let mut digits = String::new();
    for line in text[start..].lines().skip(1) {
        if !line.starts_with("    ") {
            break;
        }
        digits.extend(line.chars().filter(char::is_ascii_hexdigit));
    }
    let bytes = hex::decode(&digits)?;
    let value = &bytes[bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len())..];
    Ok([vec![0; len - value.len()], value.to_vec()].concat())
}

/// A DER TLV (lengths up to 65535).
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let len = content.len();
    let mut out = vec![tag];
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend([0x81, len as u8]);
    } else {
        out.extend([0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(content);
    out
}

/// The length of the DER TLV at the start of `input`.
fn tlv_len(input: &[u8]) -> usize {
    match input[1] {
        0x81 => 3 + usize::from(input[2]),
        0x82 => 4 + (usize::from(input[2]) << 8 | usize::from(input[3])),
        short => 2 + usize::from(short),
    }
}

/// Our public value `y` as a SubjectPublicKeyInfo openssl reads: the algorithm (with the
/// group's parameters) taken from openssl's own SPKI, and `y` as the key's INTEGER.
fn public_der(theirs_spki: &[u8], y: &[u8]) -> Vec<u8> {
    // The outer SEQUENCE's header is 4 bytes (0x30 0x82 len len) at these sizes.
    let inner = &theirs_spki[4..];
    let algorithm = &inner[..tlv_len(inner)];
    let value = &y[y.iter().position(|b| *b != 0).unwrap_or(y.len() - 1)..];
    let integer = if value[0] & 0x80 != 0 {
        der(0x02, &[&[0][..], value].concat())
    } else {
        der(0x02, value)
    };
    let key = der(0x03, &[&[0][..], &integer].concat());
    der(0x30, &[algorithm, &key].concat())
}

#[test]
fn ffdh_agrees_with_openssl_on_every_group() -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    for bits in [2048u32, 3072, 4096, 6144, 8192] {
        let len = usize::try_from(bits / 8)?;
        let group = format!("group:ffdhe{bits}");
        {
            openssl(
                work,
                &[
                    "genpkey",
                    "-algorithm",
                    "DH",
                    "-pkeyopt",
                    &group,
                    "-out",
                    "theirs.pem",
                ],
            )?;
            let text = openssl(work, &["pkey", "-in", "theirs.pem", "-text", "-noout"])?;
            let x = field(&text, "private-key:", len)?;
            let y = field(&text, "public-key:", len)?;
            // openssl's key pair imports, and its public value is the one we compute.
            let theirs = provider.import(&dh_attributes(PAIR, 0), &x, BINDING)?;
            assert_eq!(theirs.attributes.bits, bits);
            assert_eq!(provider.export_public(key_ref(&theirs), BINDING)?, y);
            assert_eq!(provider.export(key_ref(&theirs), BINDING)?.as_bytes(), x);
            let ours = provider.generate(&dh_attributes(PAIR, bits), BINDING)?;
            let our_y = provider.export_public(key_ref(&ours), BINDING)?;
            assert_eq!(our_y.len(), len);
            openssl(
                work,
                &[
                    "pkey",
                    "-in",
                    "theirs.pem",
                    "-pubout",
                    "-outform",
                    "DER",
                    "-out",
                    "theirs.der",
                ],
            )?;
            let spki = fs::read(work.join("theirs.der"))?;
            assert_eq!(spki[..2], [0x30, 0x82]);
            fs::write(work.join("ours.der"), public_der(&spki, &our_y))?;
            let derive = [
                "pkeyutl",
                "-derive",
                "-inkey",
                "theirs.pem",
                "-peerkey",
                "ours.der",
                "-peerform",
                "DER",
                "-out",
                "shared.bin",
            ];
            openssl(work, &derive)?;
            let mut expected = fs::read(work.join("shared.bin"))?;
            // openssl may drop leading zeros; PSA keeps them.
            expected.splice(0..0, std::iter::repeat_n(0, len - expected.len()));
            let ffdh = RawKeyAgreement::Ffdh;
            let ours_side = provider.raw_agreement(key_ref(&ours), BINDING, ffdh, &y)?;
            let their_side = provider.raw_agreement(key_ref(&theirs), BINDING, ffdh, &our_y)?;
            assert_eq!(ours_side.as_bytes(), expected, "ffdhe{bits}");
            assert_eq!(their_side.as_bytes(), expected, "ffdhe{bits}");
            // The public value imports as a public key, which cannot agree.
            let public = provider.import(&dh_attributes(PUBLIC, bits), &y, BINDING)?;
            assert_eq!(provider.export_public(key_ref(&public), BINDING)?, y);
            let refused = provider.raw_agreement(key_ref(&public), BINDING, ffdh, &our_y);
            assert!(matches!(refused, Err(ProviderError::InvalidArgument(_))));
        }
    }
    Ok(())
}

fn generate(provider: &SoftwareProvider, bits: u32) -> Result<NewKey, ProviderError> {
    provider.generate(&dh_attributes(PAIR, bits), BINDING)
}

#[test]
fn bad_peers_and_sizes_are_refused_and_can_do_agrees() -> TestResult {
    let (provider, _dir) = provider();
    let key = generate(&provider, 2048)?;
    let ffdh = RawKeyAgreement::Ffdh;
    let mut one = vec![0u8; 256];
    one[255] = 1;
    let p_minus_one = {
        // ffdhe2048's p ends in 64 one bits: p - 1 ends in ...fe.
        let public = provider.export_public(key_ref(&key), BINDING)?;
        let mut bound = vec![0xff; 256];
        bound[255] = 0xfe;
        assert!(public < bound);
        bound
    };
    for peer in [
        vec![0u8; 256],
        one,
        p_minus_one,
        vec![0xff; 256],
        vec![2; 255],
    ] {
        let refused = provider.raw_agreement(key_ref(&key), BINDING, ffdh, &peer);
        assert!(
            matches!(refused, Err(ProviderError::InvalidArgument(_))),
            "{refused:?}"
        );
    }
    // A 1024-bit group is no RFC 7919 group: NotSupported, in CanDoCrypto too.
    let refused = generate(&provider, 1024);
    assert!(matches!(refused, Err(ProviderError::NotSupported(_))));
    for bits in [2048, 3072, 4096, 6144, 8192] {
        for check in [Check::Generate, Check::Import, Check::Use] {
            let answer = provider.can_do(check, &dh_attributes(PAIR, bits));
            assert!(answer.is_ok(), "{check:?} {bits}: {answer:?}");
        }
        // A public key imports (with no algorithm), but is not generated, and cannot agree,
        // as for ECDH.
        let mut public = dh_attributes(PUBLIC, bits);
        for check in [Check::Generate, Check::Import, Check::Use] {
            assert!(provider.can_do(check, &public).is_err(), "{check:?}");
        }
        public.policy.permitted_algorithm = Algorithm::None;
        assert!(provider.can_do(Check::Import, &public).is_ok());
    }
    for check in [Check::Generate, Check::Import, Check::Use] {
        assert!(provider.can_do(check, &dh_attributes(PAIR, 1024)).is_err());
    }
    Ok(())
}
