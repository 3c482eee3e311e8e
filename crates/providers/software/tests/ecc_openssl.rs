//! Cross-checks with the `openssl` command line on every curve: our ECDSA signatures
//! (randomized, deterministic, `EcdsaAny` on P-521's wide inputs) verify there, its
//! signatures verify here, and ECDH between an openssl key and ours gives the same secret on
//! both sides (X448 too). DER and PEM are written and read by hand below.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::*;
use psc_provider_api::{KeyLifecycle, NewKey, Provider, ProviderError, RawAgreement};
use psc_provider_software::SoftwareProvider;
use psc_psa::{
    Algorithm, AsymmetricSignature, Attributes, EccFamily, Hash, KeyAgreement, KeyType, Policy,
    RawKeyAgreement, SignHash, UsageFlags,
};

/// A curve as both sides name it.
#[derive(Clone, Copy, Debug)]
struct Curve {
    family: EccFamily,
    bits: u32,
    len: usize,
    /// The openssl curve name, or the algorithm for X25519.
    openssl: &'static str,
    /// The DER of the curve's OID (RFC 5480), or of the X25519 algorithm (RFC 8410).
    oid: &'static str,
}

const P256: Curve = Curve {
    family: EccFamily::SecpR1,
    bits: 256,
    len: 32,
    openssl: "P-256",
    oid: "06082a8648ce3d030107",
};
const P384: Curve = Curve {
    family: EccFamily::SecpR1,
    bits: 384,
    len: 48,
    openssl: "P-384",
    oid: "06052b81040022",
};
const P521: Curve = Curve {
    family: EccFamily::SecpR1,
    bits: 521,
    len: 66,
    openssl: "P-521",
    oid: "06052b81040023",
};
const SECP256K1: Curve = Curve {
    family: EccFamily::SecpK1,
    bits: 256,
    len: 32,
    openssl: "secp256k1",
    oid: "06052b8104000a",
};
const X25519: Curve = Curve {
    family: EccFamily::Montgomery,
    bits: 255,
    len: 32,
    openssl: "X25519",
    oid: "06032b656e",
};
const X448: Curve = Curve {
    family: EccFamily::Montgomery,
    bits: 448,
    len: 56,
    openssl: "X448",
    oid: "06032b656f",
};
const WEIERSTRASS: [Curve; 4] = [P256, P384, P521, SECP256K1];
/// The curves served through OpenSSL (issue 22 item 3).
const OPENSSL_CURVES: [Curve; 10] = [
    Curve {
        family: EccFamily::SecpR1,
        bits: 192,
        len: 24,
        openssl: "P-192",
        oid: "06082a8648ce3d030101",
    },
    Curve {
        family: EccFamily::SecpR1,
        bits: 224,
        len: 28,
        openssl: "P-224",
        oid: "06052b81040021",
    },
    Curve {
        family: EccFamily::BrainpoolPR1,
        bits: 256,
        len: 32,
        openssl: "brainpoolP256r1",
        oid: "06092b2403030208010107",
    },
    Curve {
        family: EccFamily::BrainpoolPR1,
        bits: 384,
        len: 48,
        openssl: "brainpoolP384r1",
        oid: "06092b240303020801010b",
    },
    Curve {
        family: EccFamily::BrainpoolPR1,
        bits: 512,
        len: 64,
        openssl: "brainpoolP512r1",
        oid: "06092b240303020801010d",
    },
    // The rest of issue 22 item 3: SECP-K1 192, Brainpool P-R1 160/192/224/320.
    Curve {
        family: EccFamily::SecpK1,
        bits: 192,
        len: 24,
        openssl: "secp192k1",
        oid: "06052b8104001f",
    },
    Curve {
        family: EccFamily::BrainpoolPR1,
        bits: 160,
        len: 20,
        openssl: "brainpoolP160r1",
        oid: "06092b2403030208010101",
    },
    Curve {
        family: EccFamily::BrainpoolPR1,
        bits: 192,
        len: 24,
        openssl: "brainpoolP192r1",
        oid: "06092b2403030208010103",
    },
    Curve {
        family: EccFamily::BrainpoolPR1,
        bits: 224,
        len: 28,
        openssl: "brainpoolP224r1",
        oid: "06092b2403030208010105",
    },
    Curve {
        family: EccFamily::BrainpoolPR1,
        bits: 320,
        len: 40,
        openssl: "brainpoolP320r1",
        oid: "06092b2403030208010109",
    },
];
/// id-ecPublicKey (RFC 5480).
const EC_PUBLIC_KEY: &str = "06072a8648ce3d0201";
const SHA2: [Hash; 4] = [Hash::Sha224, Hash::Sha256, Hash::Sha384, Hash::Sha512];

type Failure = Box<dyn std::error::Error>;

impl Curve {
    fn pair(self) -> KeyType {
        KeyType::EccKeyPair {
            curve_family: self.family,
        }
    }

    fn public(self) -> KeyType {
        KeyType::EccPublicKey {
            curve_family: self.family,
        }
    }

    /// Our public key as a SubjectPublicKeyInfo PEM.
    fn public_pem(self, public: &[u8]) -> String {
        let algorithm = if self.family == EccFamily::Montgomery {
            der(0x30, &unhex(self.oid))
        } else {
            der(0x30, &unhex(&format!("{EC_PUBLIC_KEY}{}", self.oid)))
        };
        let key = der(0x03, &[&[0][..], public].concat());
        pem("PUBLIC KEY", &der(0x30, &[algorithm, key].concat()))
    }

    /// An openssl key pair in `dir/name.pem`; answers its private key in PSA format.
    fn openssl_key(self, dir: &Path, name: &str) -> Result<Vec<u8>, Failure> {
        let pem = format!("{name}.pem");
        let der_file = format!("{name}.der");
        if self.family == EccFamily::Montgomery {
            openssl(&["genpkey", "-algorithm", self.openssl, "-out", &pem], dir)?;
            openssl(
                &["pkey", "-in", &pem, "-outform", "DER", "-out", &der_file],
                dir,
            )?;
            // PKCS#8 (RFC 8410): the key is the last bytes, in an OCTET STRING.
            let der = fs::read(dir.join(&der_file))?;
            return Ok(der[der.len() - self.len..].to_vec());
        }
        let curve = format!("ec_paramgen_curve:{}", self.openssl);
        openssl(
            &[
                "genpkey",
                "-algorithm",
                "EC",
                "-pkeyopt",
                &curve,
                "-out",
                &pem,
            ],
            dir,
        )?;
        openssl(
            &["ec", "-in", &pem, "-outform", "DER", "-out", &der_file],
            dir,
        )?;
        // RFC 5915 ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING d, ... }.
        let der = fs::read(dir.join(&der_file))?;
        let (_, body, _) = read_der(&der)?;
        let (_, version, rest) = read_der(body)?;
        assert_eq!(version, [1]);
        let (tag, scalar, _) = read_der(rest)?;
        assert_eq!(tag, 0x04);
        Ok(scalar.to_vec())
    }
}

fn openssl(args: &[&str], dir: &Path) -> Result<String, Failure> {
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

/// A DER TLV, with the long length form past 127 bytes.
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

/// One DER TLV: (tag, content, rest).
fn read_der(input: &[u8]) -> Result<(u8, &[u8], &[u8]), Failure> {
    let (&tag, rest) = input.split_first().ok_or("empty DER")?;
    let (&first, rest) = rest.split_first().ok_or("DER without a length")?;
    let (len, rest) = match first {
        0x81 => (usize::from(rest[0]), &rest[1..]),
        0x82 => (usize::from(rest[0]) << 8 | usize::from(rest[1]), &rest[2..]),
        short if short < 0x80 => (usize::from(short), rest),
        _ => return Err("unsupported DER length".into()),
    };
    let (content, rest) = rest
        .split_at_checked(len)
        .ok_or("DER shorter than its length")?;
    Ok((tag, content, rest))
}

/// `r ‖ s` as the DER `ECDSA-Sig-Value` SEQUENCE { INTEGER r, INTEGER s }.
fn der_signature(fixed: &[u8]) -> Vec<u8> {
    let integer = |half: &[u8]| {
        let start = half.iter().position(|b| *b != 0).unwrap_or(half.len() - 1);
        let mut value = half[start..].to_vec();
        if value[0] & 0x80 != 0 {
            value.insert(0, 0);
        }
        der(0x02, &value)
    };
    let (r, s) = fixed.split_at(fixed.len() / 2);
    der(0x30, &[integer(r), integer(s)].concat())
}

/// The DER `ECDSA-Sig-Value` back to `r ‖ s`, `len` bytes each.
fn fixed_signature(signature: &[u8], len: usize) -> Result<Vec<u8>, Failure> {
    let (tag, mut body, rest) = read_der(signature)?;
    assert!(tag == 0x30 && rest.is_empty());
    let mut out = Vec::new();
    for _ in 0..2 {
        let (tag, value, rest) = read_der(body)?;
        assert_eq!(tag, 0x02);
        let value = &value[value.len().saturating_sub(len)..];
        out.extend(std::iter::repeat_n(0, len - value.len()));
        out.extend_from_slice(value);
        body = rest;
    }
    Ok(out)
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = base64(der);
    let lines: Vec<_> = body
        .as_bytes()
        .chunks(64)
        .map(String::from_utf8_lossy)
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
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

fn deterministic(hash: Hash) -> AsymmetricSignature {
    AsymmetricSignature::DeterministicEcdsa {
        hash: SignHash::Specific(hash),
    }
}

fn generate(provider: &SoftwareProvider, curve: Curve, alg: Algorithm) -> Result<NewKey, Failure> {
    Ok(provider.generate(&key_attributes(curve.pair(), curve.bits, alg), BINDING)?)
}

fn key_attributes(key_type: KeyType, bits: u32, alg: Algorithm) -> Attributes {
    let usage_flags = UsageFlags {
        sign_hash: true,
        verify_hash: true,
        derive: true,
        export: true,
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

#[test]
fn der_helpers_round_trip() -> TestResult {
    for len in [32, 48, 66] {
        for fill in [0u8, 0x01, 0x80, 0xff] {
            let mut fixed = vec![fill; 2 * len];
            fixed[0] = 0;
            fixed[len] = 0x80;
            assert_eq!(fixed_signature(&der_signature(&fixed), len)?, fixed);
        }
    }
    assert_eq!(base64(b"any carnal pleasu"), "YW55IGNhcm5hbCBwbGVhc3U=");
    assert_eq!(der(0x04, &[7; 200])[..3], [0x04, 0x81, 200]);
    Ok(())
}

#[test]
fn our_signatures_verify_with_openssl() -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    let message = b"signed by the psc software provider";
    fs::write(work.join("message.bin"), message)?;
    for curve in WEIERSTRASS {
        for hash in SHA2 {
            for alg in [ecdsa(hash), deterministic(hash)] {
                let key = generate(&provider, curve, Algorithm::AsymmetricSignature(alg))?;
                let point = provider.export_public(key_ref(&key), BINDING)?;
                fs::write(work.join("public.pem"), curve.public_pem(&point))?;
                let signature = sign(&provider, &key, alg, &digest(hash, message))?;
                fs::write(work.join("signature.der"), der_signature(&signature))?;
                let dgst = format!("-{}", format!("{hash:?}").to_lowercase());
                let args = [
                    "dgst",
                    &dgst,
                    "-verify",
                    "public.pem",
                    "-signature",
                    "signature.der",
                    "message.bin",
                ];
                let out = openssl(&args, work)?;
                assert!(out.contains("Verified OK"), "{curve:?} {alg:?}: {out}");
            }
        }
    }
    Ok(())
}

/// Verifies `signature` over `input` (ECDSA's integer, no digest) with `openssl pkeyutl`,
/// which takes at most 64 bytes of input.
fn openssl_verifies_raw(dir: &Path, input: &[u8], signature: &[u8]) -> Result<String, Failure> {
    fs::write(dir.join("input.bin"), input)?;
    fs::write(dir.join("signature.der"), der_signature(signature))?;
    let args = [
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "public.pem",
        "-in",
        "input.bin",
        "-sigfile",
        "signature.der",
    ];
    openssl(&args, dir)
}

/// `a − b` for big-endian numbers of one length, `a >= b`.
fn subtract(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; a.len()];
    let mut borrow = 0i16;
    for i in (0..a.len()).rev() {
        let digit = i16::from(a[i]) - i16::from(b[i]) - borrow;
        borrow = i16::from(digit < 0);
        out[i] = digit.rem_euclid(256) as u8;
    }
    assert_eq!(borrow, 0);
    out
}

/// `EcdsaAny` signs the input as ECDSA's integer, as `openssl pkeyutl` without a digest
/// does.
#[test]
fn ecdsa_any_signatures_verify_with_openssl() -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    let any = AsymmetricSignature::EcdsaAny;
    for curve in WEIERSTRASS {
        let key = generate(&provider, curve, Algorithm::AsymmetricSignature(any))?;
        let point = provider.export_public(key_ref(&key), BINDING)?;
        fs::write(work.join("public.pem"), curve.public_pem(&point))?;
        for len in [1, 20, 32, 48, 64] {
            let input: Vec<u8> = (0..len)
                .map(|i| 0xf0 ^ (i as u8).wrapping_mul(29))
                .collect();
            let signature = sign(&provider, &key, any, &input)?;
            let out = openssl_verifies_raw(work, &input, &signature)?;
            assert!(
                out.contains("Signature Verified Successfully"),
                "{curve:?} {len}: {out}"
            );
        }
    }
    Ok(())
}

/// P-521 inputs of 66 bytes or more keep their leftmost 521 bits, an integer openssl will
/// not take as input; ECDSA only uses it modulo n, so for an integer e >= n the signature
/// must verify as one over e − n, which openssl takes.
#[test]
fn p521_wide_ecdsa_any_signatures_verify_with_openssl() -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    let any = AsymmetricSignature::EcdsaAny;
    let key = generate(&provider, P521, Algorithm::AsymmetricSignature(any))?;
    let point = provider.export_public(key_ref(&key), BINDING)?;
    fs::write(work.join("public.pem"), P521.public_pem(&point))?;
    let order = unhex(
        "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\
         fa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
    );
    let all_ones = [vec![0x01], vec![0xff; 65]].concat(); // 2^521 − 1
    let mut minus_one = all_ones.clone(); // 2^521 − 2
    minus_one[65] = 0xfe;
    let cases = [
        ([0xff; 66].to_vec(), &all_ones),
        ([vec![0xff; 66], vec![0; 30]].concat(), &all_ones),
        ([vec![0xff; 65], vec![0x80]].concat(), &all_ones),
        ([vec![0xff; 65], vec![0x7f]].concat(), &minus_one),
        (
            [vec![0xff; 65], vec![0x7f], vec![0xff; 3]].concat(),
            &minus_one,
        ),
    ];
    for (input, e) in cases {
        let signature = sign(&provider, &key, any, &input)?;
        let reduced = subtract(e, &order);
        assert!(reduced[..2].iter().all(|b| *b == 0));
        let out = openssl_verifies_raw(work, &reduced[2..], &signature)?;
        assert!(
            out.contains("Signature Verified Successfully"),
            "{} bytes: {out}",
            input.len()
        );
        verify(&provider, &key, any, &input, &signature)?;
    }
    Ok(())
}

#[test]
fn openssl_signatures_verify_with_us() -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    let message = b"signed by openssl";
    fs::write(work.join("message.bin"), message)?;
    for curve in WEIERSTRASS {
        let scalar = curve.openssl_key(work, "key")?;
        assert_eq!(scalar.len(), curve.len, "{curve:?}");
        openssl(
            &[
                "pkey", "-in", "key.pem", "-pubout", "-outform", "DER", "-out", "pub.der",
            ],
            work,
        )?;
        let spki = fs::read(work.join("pub.der"))?;
        let point = &spki[spki.len() - (1 + 2 * curve.len)..];
        assert_eq!(
            curve.public_pem(point),
            pem("PUBLIC KEY", &spki),
            "{curve:?} SPKI"
        );
        for hash in SHA2 {
            let alg = ecdsa(hash);
            let pair = import(&provider, curve.pair(), alg, &scalar)?;
            assert_eq!(provider.export_public(key_ref(&pair), BINDING)?, point);
            let public = import(&provider, curve.public(), alg, point)?;
            let dgst = format!("-{}", format!("{hash:?}").to_lowercase());
            let args = [
                "dgst",
                &dgst,
                "-sign",
                "key.pem",
                "-out",
                "signature.der",
                "message.bin",
            ];
            openssl(&args, work)?;
            let signature = fixed_signature(&fs::read(work.join("signature.der"))?, curve.len)?;
            let input = digest(hash, message);
            verify(&provider, &public, alg, &input, &signature)?;
            verify(&provider, &pair, deterministic(hash), &input, &signature)?;
            let other = digest(hash, b"not the message");
            let result = verify(&provider, &public, alg, &other, &signature);
            assert!(
                matches!(result, Err(ProviderError::InvalidSignature)),
                "{result:?}"
            );
        }
    }
    Ok(())
}

#[test]
fn ecdh_agrees_with_openssl() -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    let ecdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh));
    for curve in [P256, P384, P521, SECP256K1, X25519, X448] {
        // Theirs: an openssl key, also imported into us. Ours: a key generated here.
        let their_scalar = curve.openssl_key(work, "theirs")?;
        let theirs = provider.import(
            &key_attributes(curve.pair(), 0, ecdh),
            &their_scalar,
            BINDING,
        )?;
        assert_eq!(theirs.attributes.bits, curve.bits);
        let their_public = provider.export_public(key_ref(&theirs), BINDING)?;
        let ours = generate(&provider, curve, ecdh)?;
        let our_public = provider.export_public(key_ref(&ours), BINDING)?;
        fs::write(work.join("ours.pem"), curve.public_pem(&our_public))?;
        let args = [
            "pkeyutl",
            "-derive",
            "-inkey",
            "theirs.pem",
            "-peerkey",
            "ours.pem",
            "-out",
            "shared.bin",
        ];
        openssl(&args, work)?;
        let expected = fs::read(work.join("shared.bin"))?;
        assert_eq!(expected.len(), curve.len, "{curve:?}");
        let ecdh = RawKeyAgreement::Ecdh;
        let ours_side = provider.raw_agreement(key_ref(&ours), BINDING, ecdh, &their_public)?;
        let their_side = provider.raw_agreement(key_ref(&theirs), BINDING, ecdh, &our_public)?;
        assert_eq!(ours_side.as_bytes(), expected, "{curve:?}");
        assert_eq!(their_side.as_bytes(), expected, "{curve:?}");
        // openssl's own public key, read from its SPKI, is the one we derived.
        openssl(
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
            work,
        )?;
        let spki = fs::read(work.join("theirs.der"))?;
        assert_eq!(
            spki[spki.len() - their_public.len()..],
            their_public,
            "{curve:?}"
        );
    }
    Ok(())
}

/// The hashes beyond SHA-2 that ECDSA takes here (as on the original's Mbed TLS), with
/// openssl's names for them.
const OTHER_HASHES: [(Hash, &str); 9] = [
    (Hash::Md5, "md5"),
    (Hash::Ripemd160, "ripemd160"),
    (Hash::Sha1, "sha1"),
    (Hash::Sha512_224, "sha512-224"),
    (Hash::Sha512_256, "sha512-256"),
    (Hash::Sha3_224, "sha3-224"),
    (Hash::Sha3_256, "sha3-256"),
    (Hash::Sha3_384, "sha3-384"),
    (Hash::Sha3_512, "sha3-512"),
];

/// ECDSA with every other hash, randomized and deterministic: ours verify with `openssl
/// dgst`, openssl's with us.
#[test]
fn ecdsa_with_every_other_hash_cross_checks_with_openssl() -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    let message = b"signed with a hash beyond SHA-2";
    fs::write(work.join("message.bin"), message)?;
    for curve in WEIERSTRASS {
        let scalar = curve.openssl_key(work, "key")?;
        for (hash, name) in OTHER_HASHES {
            let input = psc_provider_api::HashCompute::compute(&provider, hash, message)?;
            for alg in [ecdsa(hash), deterministic(hash)] {
                let pair = import(&provider, curve.pair(), alg, &scalar)?;
                let point = provider.export_public(key_ref(&pair), BINDING)?;
                let public = import(&provider, curve.public(), alg, &point)?;
                let openssl = OpensslSide {
                    work,
                    digest: name,
                    key_file: "key.pem",
                };
                openssl.both_ways(&provider, curve, (&pair, &public), alg, &input)?;
            }
        }
    }
    Ok(())
}

/// SECP-R1 192/224, SECP-K1 192 and Brainpool P-R1 160 to 512 (issue 22 item 3): keys from openssl
/// import, ECDSA verifies both ways, ECDH agrees with `openssl pkeyutl -derive`, and
/// deterministic ECDSA is NotSupported in the operation and in CanDoCrypto alike.
#[test]
fn openssl_curves_cross_check_with_openssl() -> TestResult {
    let (provider, dir) = provider();
    let work = dir.path();
    let message = b"signed on a curve OpenSSL runs";
    fs::write(work.join("message.bin"), message)?;
    let ecdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh));
    for curve in OPENSSL_CURVES {
        let scalar = curve.openssl_key(work, "theirs")?;
        for hash in [Hash::Sha256, Hash::Sha384, Hash::Sha3_256] {
            ecdsa_both_ways(&provider, work, curve, &scalar, hash, message)?;
        }
        // Deterministic ECDSA: NotSupported, and CanDoCrypto says so.
        let det = deterministic(Hash::Sha256);
        let det_alg = Algorithm::AsymmetricSignature(det);
        let pair = provider.import(&key_attributes(curve.pair(), 0, det_alg), &scalar, BINDING)?;
        let refused = sign(&provider, &pair, det, &[7; 32]);
        assert!(
            matches!(refused, Err(ProviderError::NotSupported(_))),
            "{refused:?}"
        );
        let can = provider.can_do(
            psc_provider_api::Check::Use,
            &key_attributes(curve.pair(), curve.bits, det_alg),
        );
        assert!(matches!(can, Err(ProviderError::NotSupported(_))));
        for check in [
            psc_provider_api::Check::Generate,
            psc_provider_api::Check::Use,
        ] {
            let attributes = key_attributes(curve.pair(), curve.bits, ecdh);
            assert!(provider.can_do(check, &attributes).is_ok(), "{curve:?}");
        }
        ecdh_with_openssl(&provider, work, curve, &scalar)?;
    }
    Ok(())
}

/// Randomized ECDSA with `hash` on an OpenSSL curve, both ways, with openssl's key `scalar`
/// (`theirs.pem`).
fn ecdsa_both_ways(
    provider: &SoftwareProvider,
    work: &Path,
    curve: Curve,
    scalar: &[u8],
    hash: Hash,
    message: &[u8],
) -> TestResult {
    let alg = ecdsa(hash);
    let sig_alg = Algorithm::AsymmetricSignature(alg);
    let pair = provider.import(&key_attributes(curve.pair(), 0, sig_alg), scalar, BINDING)?;
    assert_eq!(pair.attributes.bits, curve.bits, "{curve:?}");
    let point = provider.export_public(key_ref(&pair), BINDING)?;
    assert_eq!(provider.export(key_ref(&pair), BINDING)?.as_bytes(), scalar);
    let public = provider.import(
        &key_attributes(curve.public(), curve.bits, sig_alg),
        &point,
        BINDING,
    )?;
    let input = psc_provider_api::HashCompute::compute(provider, hash, message)?;
    let digest = match hash {
        Hash::Sha3_256 => "sha3-256",
        Hash::Sha256 => "sha256",
        _ => "sha384",
    };
    let openssl = OpensslSide {
        work,
        digest,
        key_file: "theirs.pem",
    };
    let theirs = openssl.both_ways(provider, curve, (&pair, &public), alg, &input)?;
    let mut bad = theirs;
    bad[1] ^= 1;
    let refused = verify(provider, &public, alg, &input, &bad);
    assert!(
        matches!(refused, Err(ProviderError::InvalidSignature)),
        "{refused:?}"
    );
    assert!(matches!(
        sign(provider, &public, alg, &input),
        Err(ProviderError::InvalidArgument(_))
    ));
    Ok(())
}

/// openssl's half of an ECDSA cross-check, in `work` (which holds `message.bin` and the
/// openssl key `key_file`), with `openssl dgst -<digest>`.
struct OpensslSide<'a> {
    work: &'a Path,
    digest: &'a str,
    key_file: &'a str,
}

impl OpensslSide<'_> {
    /// Our signature of `input` by `pair` verifies with openssl, and openssl's signature
    /// (returned, fixed-length) verifies with our `public`.
    fn both_ways(
        &self,
        provider: &SoftwareProvider,
        curve: Curve,
        (pair, public): (&NewKey, &NewKey),
        alg: AsymmetricSignature,
        input: &[u8],
    ) -> Result<Vec<u8>, Failure> {
        let work = self.work;
        let dgst = format!("-{}", self.digest);
        let point = provider.export_public(key_ref(pair), BINDING)?;
        fs::write(work.join("public.pem"), curve.public_pem(&point))?;
        let ours = sign(provider, pair, alg, input)?;
        assert_eq!(ours.len(), 2 * curve.len, "{curve:?}");
        fs::write(work.join("signature.der"), der_signature(&ours))?;
        let check = [
            "dgst",
            &dgst,
            "-verify",
            "public.pem",
            "-signature",
            "signature.der",
            "message.bin",
        ];
        let out = openssl(&check, work)?;
        assert!(out.contains("Verified OK"), "{curve:?} {alg:?}: {out}");
        let make = [
            "dgst",
            &dgst,
            "-sign",
            self.key_file,
            "-out",
            "theirs.der",
            "message.bin",
        ];
        openssl(&make, work)?;
        let theirs = fixed_signature(&fs::read(work.join("theirs.der"))?, curve.len)?;
        verify(provider, public, alg, input, &theirs)?;
        Ok(theirs)
    }
}

/// ECDH on an OpenSSL curve with openssl's key `scalar` (`theirs.pem`).
fn ecdh_with_openssl(
    provider: &SoftwareProvider,
    work: &Path,
    curve: Curve,
    scalar: &[u8],
) -> TestResult {
    let ecdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh));
    // ECDH with openssl's key.
    let theirs = provider.import(&key_attributes(curve.pair(), 0, ecdh), scalar, BINDING)?;
    let their_public = provider.export_public(key_ref(&theirs), BINDING)?;
    let ours = generate(provider, curve, ecdh)?;
    let our_public = provider.export_public(key_ref(&ours), BINDING)?;
    fs::write(work.join("ours.pem"), curve.public_pem(&our_public))?;
    let derive = [
        "pkeyutl",
        "-derive",
        "-inkey",
        "theirs.pem",
        "-peerkey",
        "ours.pem",
        "-out",
        "shared.bin",
    ];
    openssl(&derive, work)?;
    let expected = fs::read(work.join("shared.bin"))?;
    assert_eq!(expected.len(), curve.len, "{curve:?}");
    let raw = RawKeyAgreement::Ecdh;
    let ours_side = provider.raw_agreement(key_ref(&ours), BINDING, raw, &their_public)?;
    let their_side = provider.raw_agreement(key_ref(&theirs), BINDING, raw, &our_public)?;
    assert_eq!(ours_side.as_bytes(), expected, "{curve:?}");
    assert_eq!(their_side.as_bytes(), expected, "{curve:?}");
    // A point off the curve is refused.
    let mut off = our_public;
    let last = off.len() - 1;
    off[last] ^= 1;
    let refused = provider.raw_agreement(key_ref(&theirs), BINDING, raw, &off);
    assert!(
        matches!(refused, Err(ProviderError::InvalidArgument(_))),
        "{refused:?}"
    );
    Ok(())
}
