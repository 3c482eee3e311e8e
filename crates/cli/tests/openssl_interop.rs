//! `import-key`, `create-csr`, `create-self-signed-cert` and `verify` against the openssl
//! command line: keys openssl generates import and sign what openssl verifies, openssl
//! signatures verify through the service, and openssl accepts the requests and certificates
//! the service's keys sign. openssl must be installed (`scripts/test` installs it); without
//! it every test here fails.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use psc_testkit::TestDaemon;

const TOOL: &str = env!("CARGO_BIN_EXE_parsec-tool");
const MESSAGE: &str = "the quick brown fox";

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A running service and a scratch directory for openssl's files.
struct Bench {
    daemon: TestDaemon,
    dir: tempfile::TempDir,
}

impl Bench {
    fn new() -> Result<Bench, Box<dyn std::error::Error>> {
        Ok(Bench {
            daemon: TestDaemon::start(),
            dir: tempfile::tempdir()?,
        })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs the tool; `stdin` is fed to it when given.
    fn tool(&self, args: &[&str], stdin: Option<&[u8]>) -> Result<Output, std::io::Error> {
        let mut child = Command::new(TOOL)
            .args(args)
            .env("PARSEC_SERVICE_ENDPOINT", self.daemon.endpoint())
            .env("RUST_LOG", "info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        if let Some(mut input) = child.stdin.take() {
            input.write_all(stdin.unwrap_or_default())?;
        }
        child.wait_with_output()
    }

    /// Runs the tool and returns its stdout, failing with its stderr unless it succeeds.
    fn tool_ok(&self, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
        let output = self.tool(args, None)?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            return Err(format!("parsec-tool {args:?} failed: {stderr}").into());
        }
        Ok(String::from_utf8(output.stdout)?)
    }

    /// Runs openssl in the scratch directory and returns its stdout and stderr together,
    /// failing unless it succeeds.
    fn openssl(&self, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
        let output = openssl_in(self.dir.path(), args)?;
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        if !output.status.success() {
            return Err(format!("openssl {args:?} failed: {text}").into());
        }
        Ok(text)
    }

    /// Signs [`MESSAGE`] with the service key `key` and checks the signature with openssl
    /// against the public key `public_pem` and digest `digest` (e.g. `-sha256`).
    fn service_signature_verifies(&self, key: &str, public_pem: &str, digest: &str) -> TestResult {
        let signature = self.tool_ok(&["sign", "-k", key, MESSAGE])?;
        let sig_file = format!("{key}.sig");
        std::fs::write(self.path(&sig_file), STANDARD.decode(signature.trim())?)?;
        std::fs::write(self.path("message.txt"), MESSAGE)?;
        let verified = self.openssl(&[
            "dgst",
            digest,
            "-verify",
            public_pem,
            "-signature",
            &sig_file,
            "message.txt",
        ])?;
        assert!(verified.contains("Verified OK"), "{key}: {verified}");
        // And the tool's own verify agrees.
        let ours = self.tool_ok(&["verify", "-k", key, "-s", signature.trim(), MESSAGE])?;
        assert_eq!(ours, "Signature verified.\n");
        Ok(())
    }
}

/// Checks that the only error logged is one line, the last, and that it says `what`.
fn assert_one_error_line(stderr: &str, what: &str) {
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("[ERROR")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert_eq!(stderr.lines().last(), errors.first().copied(), "{stderr}");
    assert!(errors[0].contains(what), "{stderr}");
}

fn openssl_in(dir: &Path, args: &[&str]) -> Result<Output, Box<dyn std::error::Error>> {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run openssl ({e}): install it (scripts/test does)").into())
}

/// The key files openssl writes for one key: PKCS#8 PEM, the traditional PEM (SEC1 or
/// PKCS#1), and both as DER.
fn private_key_forms(
    bench: &Bench,
    stem: &str,
    genpkey: &[&str],
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let pkcs8 = format!("{stem}.pem");
    let mut args = vec!["genpkey"];
    args.extend_from_slice(genpkey);
    args.extend_from_slice(&["-out", &pkcs8]);
    bench.openssl(&args)?;
    let traditional = format!("{stem}-traditional.pem");
    let pkcs8_der = format!("{stem}.der");
    let traditional_der = format!("{stem}-traditional.der");
    bench.openssl(&["pkey", "-in", &pkcs8, "-traditional", "-out", &traditional])?;
    bench.openssl(&["pkey", "-in", &pkcs8, "-outform", "DER", "-out", &pkcs8_der])?;
    bench.openssl(&[
        "pkey",
        "-in",
        &pkcs8,
        "-traditional",
        "-outform",
        "DER",
        "-out",
        &traditional_der,
    ])?;
    bench.openssl(&[
        "pkey",
        "-in",
        &pkcs8,
        "-pubout",
        "-out",
        &format!("{stem}-pub.pem"),
    ])?;
    Ok(vec![pkcs8, traditional, pkcs8_der, traditional_der])
}

#[test]
fn openssl_private_keys_import_in_every_form_and_sign_what_openssl_verifies() -> TestResult {
    let bench = Bench::new()?;
    let kinds: [(&str, &[&str], &str); 5] = [
        (
            "rsa",
            &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
            "RSA PRIVATE KEY",
        ),
        (
            "p256",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
            "EC PRIVATE KEY",
        ),
        (
            "p384",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
            "EC PRIVATE KEY",
        ),
        (
            "p521",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
            "EC PRIVATE KEY",
        ),
        (
            "k256",
            &[
                "-algorithm",
                "EC",
                "-pkeyopt",
                "ec_paramgen_curve:secp256k1",
            ],
            "EC PRIVATE KEY",
        ),
    ];
    for (stem, genpkey, traditional_label) in kinds {
        let forms = private_key_forms(&bench, stem, genpkey)?;
        let traditional = std::fs::read_to_string(bench.path(&forms[1]))?;
        assert!(traditional.contains(traditional_label), "{traditional}");
        for (index, file) in forms.iter().enumerate() {
            let name = format!("{stem}-{index}");
            let path = bench.path(file);
            bench.tool_ok(&["import-key", "-k", &name, path.to_str().ok_or("path")?])?;
            bench.service_signature_verifies(&name, &format!("{stem}-pub.pem"), "-sha256")?;
        }
    }
    Ok(())
}

#[test]
fn a_key_on_standard_input_imports_with_the_hash_asked_for() -> TestResult {
    let bench = Bench::new()?;
    private_key_forms(
        &bench,
        "p384",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
    )?;
    let pem = std::fs::read(bench.path("p384.pem"))?;
    let output = bench.tool(
        &["import-key", "-k", "stdin-key", "--hash", "sha384"],
        Some(&pem),
    )?;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    bench.service_signature_verifies("stdin-key", "p384-pub.pem", "-sha384")?;
    let keys = bench.tool_ok(&["list-keys"])?;
    assert!(keys.contains("stdin-key"), "{keys}");
    Ok(())
}

#[test]
fn openssl_public_keys_import_and_verify_openssl_signatures() -> TestResult {
    let bench = Bench::new()?;
    std::fs::write(bench.path("message.txt"), MESSAGE)?;
    let kinds: [(&str, &[&str]); 3] = [
        (
            "rsa",
            &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        ),
        (
            "p256",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        ),
        (
            "p384",
            &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
        ),
    ];
    for (stem, genpkey) in kinds {
        private_key_forms(&bench, stem, genpkey)?;
        let sig_file = format!("{stem}.sig");
        let key_file = format!("{stem}.pem");
        bench.openssl(&[
            "dgst",
            "-sha256",
            "-sign",
            &key_file,
            "-out",
            &sig_file,
            "message.txt",
        ])?;
        let signature = STANDARD.encode(std::fs::read(bench.path(&sig_file))?);
        let mut publics = vec![format!("{stem}-pub.pem")];
        if stem == "rsa" {
            bench.openssl(&[
                "rsa",
                "-in",
                &key_file,
                "-RSAPublicKey_out",
                "-out",
                "rsa-pkcs1.pem",
            ])?;
            publics.push("rsa-pkcs1.pem".to_owned());
        }
        for (index, public) in publics.iter().enumerate() {
            let name = format!("{stem}-public-{index}");
            let path = bench.path(public);
            bench.tool_ok(&["import-key", "-k", &name, path.to_str().ok_or("path")?])?;
            let ours = bench.tool_ok(&["verify", "-k", &name, "-s", &signature, MESSAGE])?;
            assert_eq!(ours, "Signature verified.\n");
            let forged = bench.tool(
                &["verify", "-k", &name, "-s", &signature, "another text"],
                None,
            )?;
            let stderr = String::from_utf8(forged.stderr)?;
            assert_eq!(forged.status.code(), Some(1), "{stderr}");
            assert_one_error_line(&stderr, "the signature is not valid");
        }
    }
    Ok(())
}

#[test]
fn rsa_keys_imported_for_encryption_decrypt_what_openssl_encrypts() -> TestResult {
    let bench = Bench::new()?;
    private_key_forms(
        &bench,
        "rsa",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    )?;
    std::fs::write(bench.path("message.txt"), MESSAGE)?;
    let cases: [(&str, &[&str], &[&str]); 2] = [
        ("pkcs1v15", &["--for-encryption"], &[]),
        (
            "oaep",
            &["--for-encryption", "--oaep"],
            &[
                "-pkeyopt",
                "rsa_padding_mode:oaep",
                "-pkeyopt",
                "rsa_oaep_md:sha256",
                "-pkeyopt",
                "rsa_mgf1_md:sha256",
            ],
        ),
    ];
    let key_path = bench.path("rsa.pem");
    for (name, options, padding) in cases {
        let mut args = vec!["import-key", "-k", name, key_path.to_str().ok_or("path")?];
        args.extend_from_slice(options);
        bench.tool_ok(&args)?;
        let mut encrypt = vec![
            "pkeyutl",
            "-encrypt",
            "-pubin",
            "-inkey",
            "rsa-pub.pem",
            "-in",
            "message.txt",
            "-out",
            "ciphertext",
        ];
        encrypt.extend_from_slice(padding);
        bench.openssl(&encrypt)?;
        let ciphertext = STANDARD.encode(std::fs::read(bench.path("ciphertext"))?);
        let plaintext = bench.tool_ok(&["decrypt", "-k", name, &ciphertext])?;
        assert_eq!(plaintext.trim_end(), MESSAGE, "{name}");
    }
    Ok(())
}

/// Keys of every kind the certificate subcommands accept, as (name, scheme for
/// [`signed_with`]).
fn certificate_keys(
    bench: &Bench,
) -> Result<Vec<(&'static str, &'static str)>, Box<dyn std::error::Error>> {
    bench.tool_ok(&["create-rsa-key", "-s", "-k", "rsa-sha256"])?;
    bench.tool_ok(&["create-ecc-key", "-k", "p256"])?;
    private_key_forms(
        bench,
        "p384",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
    )?;
    private_key_forms(
        bench,
        "rsa",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    )?;
    bench.tool_ok(&["create-rsa-key", "-r", "-k", "rsa-pss"])?;
    let rsa = bench.path("rsa.pem");
    let rsa = rsa.to_str().ok_or("path")?;
    bench.tool_ok(&[
        "import-key",
        "-k",
        "rsa-pss-sha384",
        "--pss",
        "--hash",
        "sha384",
        rsa,
    ])?;
    let p384 = bench.path("p384.pem");
    bench.tool_ok(&[
        "import-key",
        "-k",
        "p384",
        "--hash",
        "sha384",
        p384.to_str().ok_or("path")?,
    ])?;
    bench.tool_ok(&["import-key", "-k", "rsa-sha512", "--hash", "sha512", rsa])?;
    Ok(vec![
        ("rsa-sha256", "sha256"),
        ("p256", "sha256"),
        ("p384", "sha384"),
        ("rsa-sha512", "sha512"),
        ("rsa-pss", "pss-sha256"),
        ("rsa-pss-sha384", "pss-sha384"),
    ])
}

/// Whether openssl's `-text` output names the signature scheme `digest` (e.g. `sha256`, or
/// `pss-sha256` for RSA-PSS with that hash, MGF1 over it and a salt as long as the digest).
fn signed_with(text: &str, digest: &str) -> bool {
    match digest.strip_prefix("pss-") {
        Some(hash) => {
            let salt = if hash == "sha256" { "0x20" } else { "0x30" };
            text.contains("Signature Algorithm: rsassaPss")
                && text.contains(&format!("Hash Algorithm: {hash}"))
                && text.contains(&format!("Mask Algorithm: mgf1 with {hash}"))
                && text.contains(&format!("Salt Length: {salt}"))
        }
        None => {
            text.contains(&format!("{digest}WithRSAEncryption"))
                || text.contains(&format!("ecdsa-with-{}", digest.to_uppercase()))
        }
    }
}

const SUBJECT: [&str; 16] = [
    "--cn",
    "parsec.example",
    "--l",
    "Cambridge",
    "--o",
    "Parsec Org",
    "--ou",
    "Testing",
    "--st",
    "Cambridgeshire",
    "--c",
    "GB",
    "--serialNumber",
    "42",
    "--san",
    "parsec.example",
];

#[test]
fn csrs_verify_with_openssl_and_carry_the_subject() -> TestResult {
    let bench = Bench::new()?;
    for (key, digest) in certificate_keys(&bench)? {
        let mut args = vec!["create-csr", "-k", key];
        args.extend_from_slice(&SUBJECT);
        args.extend_from_slice(&["--san", "www.parsec.example", "10.1.2.3"]);
        let pem = bench.tool_ok(&args)?;
        // The published tool's layout: CRLF lines, then an empty line.
        assert!(
            pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----\r\n"),
            "{pem}"
        );
        assert!(
            pem.ends_with("-----END CERTIFICATE REQUEST-----\r\n\n"),
            "{pem}"
        );
        let file = format!("{key}.csr");
        std::fs::write(bench.path(&file), &pem)?;
        let checked = bench.openssl(&[
            "req", "-in", &file, "-verify", "-noout", "-subject", "-text",
        ])?;
        assert!(checked.contains("verify OK"), "{key}: {checked}");
        assert!(
            checked.contains(
                "subject=CN = parsec.example, OU = Testing, O = Parsec Org, L = Cambridge, ST = \
                 Cambridgeshire, C = GB, serialNumber = 42"
            ),
            "{key}: {checked}"
        );
        assert!(
            checked.contains("DNS:parsec.example, DNS:www.parsec.example, IP Address:10.1.2.3"),
            "{key}: {checked}"
        );
        assert!(signed_with(&checked, digest), "{key}: {checked}");
    }
    Ok(())
}

#[test]
fn self_signed_certificates_verify_with_openssl_and_carry_subject_sans_and_validity() -> TestResult
{
    let bench = Bench::new()?;
    for (key, _) in certificate_keys(&bench)? {
        for ca in [false, true] {
            let mut args = vec!["create-self-signed-cert", "-k", key, "--days", "30"];
            args.extend_from_slice(&SUBJECT);
            if ca {
                args.push("--ca");
            }
            let pem = bench.tool_ok(&args)?;
            let file = format!("{key}-{ca}.crt");
            std::fs::write(bench.path(&file), &pem)?;
            let verified = bench.openssl(&["verify", "-check_ss_sig", "-CAfile", &file, &file])?;
            assert!(
                verified.contains(&format!("{file}: OK")),
                "{key}: {verified}"
            );
            let text = bench.openssl(&[
                "x509", "-in", &file, "-noout", "-subject", "-issuer", "-text",
            ])?;
            assert!(
                text.contains("subject=CN = parsec.example, OU = Testing"),
                "{text}"
            );
            assert!(
                text.contains("issuer=CN = parsec.example, OU = Testing"),
                "{text}"
            );
            assert!(text.contains("DNS:parsec.example"), "{text}");
            assert_eq!(text.contains("CA:TRUE"), ca, "{text}");
            // Valid for 30 days: still valid in 29, no longer in 31.
            bench.openssl(&[
                "x509",
                "-in",
                &file,
                "-noout",
                "-checkend",
                &(29 * 86400).to_string(),
            ])?;
            let expired = openssl_in(
                bench.dir.path(),
                &[
                    "x509",
                    "-in",
                    &file,
                    "-noout",
                    "-checkend",
                    &(31 * 86400).to_string(),
                ],
            )?;
            assert!(!expired.status.success(), "{key}: valid after 31 days");
        }
    }
    Ok(())
}

#[test]
fn keys_x509_cannot_name_are_refused_in_one_line() -> TestResult {
    let bench = Bench::new()?;
    bench.tool_ok(&["create-rsa-key", "-k", "encryption"])?;
    private_key_forms(
        &bench,
        "k256",
        &[
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:secp256k1",
        ],
    )?;
    let k256 = bench.path("k256.pem");
    bench.tool_ok(&[
        "import-key",
        "-k",
        "secp256k1",
        k256.to_str().ok_or("path")?,
    ])?;
    private_key_forms(
        &bench,
        "p256",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    )?;
    let public = bench.path("p256-pub.pem");
    bench.tool_ok(&["import-key", "-k", "public", public.to_str().ok_or("path")?])?;
    for key in ["encryption", "secp256k1", "public", "missing"] {
        for command in ["create-csr", "create-self-signed-cert"] {
            let output = bench.tool(&[command, "-k", key, "--cn", "x"], None)?;
            let stderr = String::from_utf8(output.stderr)?;
            assert_eq!(output.status.code(), Some(1), "{command} {key}: {stderr}");
            assert_eq!(output.stdout, b"", "{command} {key}");
            assert_one_error_line(&stderr, &format!("\"{key}\""));
        }
    }
    Ok(())
}
