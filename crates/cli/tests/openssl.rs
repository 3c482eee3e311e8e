//! Interoperability with openssl, the tool scripts pair `parsec-tool` with: signatures from
//! `sign` verify with `openssl dgst -verify` under the key `export-public-key` wrote, the PEM
//! it writes is what openssl writes for the same key, data openssl encrypts under that key
//! decrypts with `decrypt`, and `encrypt` round-trips through `decrypt`.
//!
//! Needs the `openssl` command (scripts/test installs it); without it every test fails,
//! naming what to install.

use std::process::{Command, Output};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use psc_client::psa::{
    Algorithm, AsymmetricSignature, EccFamily, Hash, KeyAgreement, KeyType, Policy,
    RawKeyAgreement, SignHash, UsageFlags,
};
use psc_client::{Attributes, Client};
use psc_testkit::TestDaemon;

const TOOL: &str = env!("CARGO_BIN_EXE_parsec-tool");

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The service, a scratch directory for openssl's files, and the tool pointed at both.
struct Setup {
    daemon: TestDaemon,
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Result<Setup, Box<dyn std::error::Error>> {
        let version = Command::new("openssl").arg("version").output();
        assert!(
            version.is_ok_and(|v| v.status.success()),
            "the openssl command is missing: install it (apt-get install openssl; scripts/test \
             does)"
        );
        Ok(Setup {
            daemon: TestDaemon::start(),
            dir: tempfile::tempdir()?,
        })
    }

    /// Runs the tool, checks it succeeded, and returns its stdout.
    fn tool(&self, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
        let output = Command::new(TOOL)
            .args(args)
            .env("PARSEC_SERVICE_ENDPOINT", self.daemon.endpoint())
            .env("RUST_LOG", "warn")
            .output()?;
        assert!(
            output.status.success(),
            "parsec-tool {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(String::from_utf8(output.stdout)?)
    }

    /// Runs openssl in the scratch directory.
    fn openssl(&self, args: &[&str]) -> Result<Output, std::io::Error> {
        Command::new("openssl")
            .args(args)
            .current_dir(self.dir.path())
            .output()
    }

    /// Runs openssl and checks it succeeded.
    fn openssl_ok(&self, args: &[&str]) -> Result<Output, Box<dyn std::error::Error>> {
        let output = self.openssl(args)?;
        assert!(
            output.status.success(),
            "openssl {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Ok(output)
    }

    fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> std::io::Result<()> {
        std::fs::write(self.dir.path().join(name), contents)
    }

    fn read(&self, name: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(self.dir.path().join(name))
    }

    /// Writes `key`'s exported public key to `<key>.pem`.
    fn export(&self, key: &str) -> TestResult {
        let pem = self.tool(&["export-public-key", "-k", key])?;
        assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{pem}");
        self.write(&format!("{key}.pem"), pem)?;
        Ok(())
    }

    /// Signs `message` with the tool and checks openssl verifies the signature under the
    /// exported key with `digest` and `options`, and rejects it for another message.
    fn assert_openssl_verifies(&self, key: &str, digest: &str, options: &[&str]) -> TestResult {
        let message = "a message to sign";
        let signature = self.tool(&["sign", "-k", key, message])?;
        self.write("sig.der", STANDARD.decode(signature.trim())?)?;
        self.write("message", message)?;
        self.write("other", "another message")?;
        self.export(key)?;
        let pem = format!("{key}.pem");
        let mut args = vec!["dgst", digest, "-verify", &pem, "-signature", "sig.der"];
        args.extend_from_slice(options);
        let verified = self.openssl_ok(&[&args[..], &["message"]].concat())?;
        assert_eq!(String::from_utf8(verified.stdout)?.trim(), "Verified OK");
        let forged = self.openssl(&[&args[..], &["other"]].concat())?;
        assert!(
            !forged.status.success(),
            "a signature verified for another message"
        );
        Ok(())
    }

    /// openssl's own re-encoding of the PEM public key `file` (SubjectPublicKeyInfo, or
    /// PKCS#1 with `-RSAPublicKey_in` in `read_as`) as SubjectPublicKeyInfo DER.
    fn openssl_spki(
        &self,
        file: &str,
        read_as: &[&str],
    ) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
        let out = format!("{file}.der");
        let mut args = vec![
            "pkey", "-pubin", "-in", file, "-outform", "DER", "-out", &out,
        ];
        if !read_as.is_empty() {
            args = vec![
                "rsa", "-in", file, "-pubout", "-outform", "DER", "-out", &out,
            ];
            args.extend_from_slice(read_as);
        }
        self.openssl_ok(&args)?;
        Ok(self.read(&out)?)
    }

    /// A client in the same application namespace as the tool (the test's Unix user).
    fn client(&self) -> Result<Client, psc_client::Error> {
        let mut client = Client::new(self.daemon.socket_path());
        client.discover(Some("parsec-tool"))?;
        Ok(client)
    }
}

fn pem_body(pem: &str) -> Result<Vec<u8>, base64::DecodeError> {
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    STANDARD.decode(body)
}

#[test]
fn ecdsa_signatures_verify_with_openssl() -> TestResult {
    let setup = Setup::new()?;
    setup.tool(&["create-ecc-key", "-k", "ecc"])?;
    setup.assert_openssl_verifies("ecc", "-sha256", &[])
}

#[test]
fn rsa_pkcs1_signatures_verify_with_openssl() -> TestResult {
    let setup = Setup::new()?;
    setup.tool(&["create-rsa-key", "-k", "rsa", "--for-signing"])?;
    setup.assert_openssl_verifies("rsa", "-sha256", &[])
}

#[test]
fn rsa_pss_signatures_verify_with_openssl() -> TestResult {
    let setup = Setup::new()?;
    setup.tool(&["create-rsa-key", "-k", "pss", "--for-signing-pss"])?;
    // PSA's RSA-PSS uses a salt as long as the hash.
    let pss = [
        "-sigopt",
        "rsa_padding_mode:pss",
        "-sigopt",
        "rsa_pss_saltlen:digest",
    ];
    setup.assert_openssl_verifies("pss", "-sha256", &pss)?;
    // The same signature is not a PKCS#1 v1.5 signature: the padding mode mattered.
    let plain = setup.openssl(&[
        "dgst",
        "-sha256",
        "-verify",
        "pss.pem",
        "-signature",
        "sig.der",
        "message",
    ])?;
    assert!(!plain.status.success());
    Ok(())
}

#[test]
fn signatures_use_the_hash_of_the_keys_policy() -> TestResult {
    let setup = Setup::new()?;
    let p384 = Attributes::signing_key(
        KeyType::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        },
        384,
        AsymmetricSignature::Ecdsa {
            hash: SignHash::Specific(Hash::Sha384),
        },
    );
    setup.client()?.generate_key("p384", p384)?;
    setup.assert_openssl_verifies("p384", "-sha384", &[])
}

#[test]
fn a_key_allowing_any_hash_signs_with_sha256() -> TestResult {
    let setup = Setup::new()?;
    let any = Attributes::signing_key(
        KeyType::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        },
        256,
        AsymmetricSignature::Ecdsa {
            hash: SignHash::Any,
        },
    );
    setup.client()?.generate_key("any", any)?;
    setup.assert_openssl_verifies("any", "-sha256", &[])
}

#[test]
fn exported_public_keys_are_what_openssl_writes() -> TestResult {
    let setup = Setup::new()?;
    let client = setup.client()?;
    let curves = [
        ("p256", EccFamily::SecpR1, 256, "prime256v1"),
        ("p384", EccFamily::SecpR1, 384, "secp384r1"),
        ("p521", EccFamily::SecpR1, 521, "secp521r1"),
        ("k256", EccFamily::SecpK1, 256, "secp256k1"),
    ];
    let ecdsa = AsymmetricSignature::Ecdsa {
        hash: SignHash::Any,
    };
    for (name, curve_family, bits, openssl_name) in curves {
        let key_type = KeyType::EccKeyPair { curve_family };
        client.generate_key(name, Attributes::signing_key(key_type, bits, ecdsa))?;
        setup.export(name)?;
        let pem = format!("{name}.pem");
        let text = setup.openssl_ok(&["pkey", "-pubin", "-in", &pem, "-noout", "-text"])?;
        let text = String::from_utf8(text.stdout)?;
        assert!(
            text.contains(&format!("ASN1 OID: {openssl_name}")),
            "{name}: {text}"
        );
        let ours = pem_body(&String::from_utf8(setup.read(&pem)?)?)?;
        assert_eq!(ours, setup.openssl_spki(&pem, &[])?, "{name}");
    }
    let x25519 = Attributes {
        key_type: KeyType::EccKeyPair {
            curve_family: EccFamily::Montgomery,
        },
        bits: 255,
        policy: Policy {
            usage_flags: UsageFlags {
                derive: true,
                ..UsageFlags::default()
            },
            permitted_algorithm: Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh)),
        },
    };
    client.generate_key("x25519", x25519)?;
    setup.export("x25519")?;
    let text = setup.openssl_ok(&["pkey", "-pubin", "-in", "x25519.pem", "-noout", "-text"])?;
    let text = String::from_utf8(text.stdout)?;
    assert!(text.contains("X25519 Public-Key:"), "{text}");
    let ours = pem_body(&String::from_utf8(setup.read("x25519.pem")?)?)?;
    assert_eq!(ours, setup.openssl_spki("x25519.pem", &[])?);
    Ok(())
}

#[test]
fn rsa_public_keys_export_as_spki_and_pkcs1() -> TestResult {
    let setup = Setup::new()?;
    setup.tool(&["create-rsa-key", "-k", "rsa", "--bits", "3072"])?;
    setup.export("rsa")?;
    let spki = pem_body(&String::from_utf8(setup.read("rsa.pem")?)?)?;
    assert_eq!(spki, setup.openssl_spki("rsa.pem", &[])?);
    let text = setup.openssl_ok(&["pkey", "-pubin", "-in", "rsa.pem", "-noout", "-text"])?;
    assert!(String::from_utf8(text.stdout)?.contains("Public-Key: (3072 bit)"));

    let pkcs1 = setup.tool(&["export-public-key", "-k", "rsa", "--pkcs1"])?;
    assert!(
        pkcs1.starts_with("-----BEGIN RSA PUBLIC KEY-----\n"),
        "{pkcs1}"
    );
    assert!(pkcs1.ends_with("-----END RSA PUBLIC KEY-----\n"), "{pkcs1}");
    setup.write("rsa1.pem", pkcs1)?;
    // openssl reads the PKCS#1 form and gives back the same key as SubjectPublicKeyInfo.
    assert_eq!(spki, setup.openssl_spki("rsa1.pem", &["-RSAPublicKey_in"])?);
    Ok(())
}

/// openssl encrypts `message` under `key`'s exported public key with `options`; the tool
/// decrypts it.
fn assert_decrypts_openssl_ciphertext(setup: &Setup, key: &str, options: &[&str]) -> TestResult {
    setup.export(key)?;
    let message = "a secret for the service";
    setup.write("plain", message)?;
    let pem = format!("{key}.pem");
    let mut args = vec!["pkeyutl", "-encrypt", "-pubin", "-inkey", &pem];
    args.extend_from_slice(options);
    args.extend_from_slice(&["-in", "plain", "-out", "cipher"]);
    setup.openssl_ok(&args)?;
    let ciphertext = STANDARD.encode(setup.read("cipher")?);
    let plaintext = setup.tool(&["decrypt", "-k", key, &ciphertext])?;
    assert_eq!(plaintext, format!("{message}\n"));
    Ok(())
}

#[test]
fn openssl_pkcs1_ciphertexts_decrypt() -> TestResult {
    let setup = Setup::new()?;
    setup.tool(&["create-rsa-key", "-k", "rsa"])?;
    assert_decrypts_openssl_ciphertext(&setup, "rsa", &[])
}

#[test]
fn openssl_oaep_sha256_ciphertexts_decrypt() -> TestResult {
    let setup = Setup::new()?;
    setup.tool(&["create-rsa-key", "-k", "oaep", "--oaep"])?;
    let oaep = [
        "-pkeyopt",
        "rsa_padding_mode:oaep",
        "-pkeyopt",
        "rsa_oaep_md:sha256",
        "-pkeyopt",
        "rsa_mgf1_md:sha256",
    ];
    assert_decrypts_openssl_ciphertext(&setup, "oaep", &oaep)
}

#[test]
fn a_ciphertext_with_another_padding_is_refused() -> TestResult {
    let setup = Setup::new()?;
    setup.tool(&["create-rsa-key", "-k", "oaep", "--oaep"])?;
    setup.export("oaep")?;
    setup.write("plain", "padded for PKCS#1 v1.5")?;
    let args = [
        "pkeyutl", "-encrypt", "-pubin", "-inkey", "oaep.pem", "-in", "plain",
    ];
    setup.openssl_ok(&[&args[..], &["-out", "cipher"]].concat())?;
    let output = Command::new(TOOL)
        .args([
            "decrypt",
            "-k",
            "oaep",
            &STANDARD.encode(setup.read("cipher")?),
        ])
        .env("PARSEC_SERVICE_ENDPOINT", setup.daemon.endpoint())
        .env("RUST_LOG", "error")
        .output()?;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(output.stdout, b"");
    let stderr = String::from_utf8(output.stderr)?;
    assert!(
        stderr.contains("does not decrypt with the key \"oaep\""),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    Ok(())
}

#[test]
fn encrypt_round_trips_through_decrypt() -> TestResult {
    let setup = Setup::new()?;
    setup.tool(&["create-rsa-key", "-k", "pkcs1"])?;
    setup.tool(&["create-rsa-key", "-k", "oaep", "-o"])?;
    setup.tool(&["create-aes-key", "-k", "aes"])?;
    setup.tool(&["create-aes-key", "-k", "aes128", "-b", "128"])?;
    let message = "héllo, wörld";
    for key in ["pkcs1", "oaep", "aes", "aes128"] {
        let first = setup.tool(&["encrypt", "-k", key, message])?;
        let second = setup.tool(&["encrypt", "-k", key, message])?;
        // Randomised padding or a fresh nonce: never the same ciphertext twice.
        assert_ne!(first, second, "{key}");
        for ciphertext in [first, second] {
            let plaintext = setup.tool(&["decrypt", "-k", key, ciphertext.trim()])?;
            assert_eq!(plaintext, format!("{message}\n"), "{key}");
        }
    }
    Ok(())
}

#[test]
fn aead_ciphertexts_carry_their_nonce_and_tag() -> TestResult {
    let setup = Setup::new()?;
    setup.tool(&["create-aes-key", "-k", "aes"])?;
    let message = "sixteen byte msg";
    let output = STANDARD.decode(setup.tool(&["encrypt", "-k", "aes", message])?.trim())?;
    // 12-byte nonce, the ciphertext as long as the message, 16-byte tag.
    assert_eq!(output.len(), 12 + message.len() + 16);
    let mut altered = output;
    altered[12] ^= 1;
    let result = Command::new(TOOL)
        .args(["decrypt", "-k", "aes", &STANDARD.encode(&altered)])
        .env("PARSEC_SERVICE_ENDPOINT", setup.daemon.endpoint())
        .env("RUST_LOG", "error")
        .output()?;
    assert_eq!(result.status.code(), Some(1));
    assert_eq!(result.stdout, b"");
    let stderr = String::from_utf8(result.stderr)?;
    assert!(stderr.contains("does not authenticate"), "{stderr}");
    Ok(())
}
