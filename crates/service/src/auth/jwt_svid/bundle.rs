//! Trust bundles: the JWT signing keys of each trust domain, read from the files the
//! configuration names.
//!
//! A file holds either one bundle or a set of them:
//!
//! - **one bundle**: a JWKS or SPIFFE bundle, a JSON object with a `keys` array (and maybe
//!   `spiffe_sequence`, `spiffe_refresh_hint`, which we ignore). It does not say which trust
//!   domain it is for, so the configuration does (`[authenticator.bundles]`, or a single
//!   `trust_domains` entry beside `bundle_path`);
//! - **a set**: a JSON object mapping each trust domain name to its bundle, either the bundle
//!   object itself or a string holding it in standard base64 (what `spiffe-helper` writes to
//!   its `jwt_bundle_file_name`). `keys` cannot be a trust domain name in a set.
//!
//! Keys whose `use` is not `jwt-svid` (a SPIFFE bundle's X.509 authorities) are skipped; a
//! JWT key we cannot use (no `kid`, a type or curve we do not take, an RSA modulus under 2048
//! bits) is skipped with a warning. A file that is not such JSON is refused whole.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

/// The largest bundle file read, in bytes: far above any real bundle, and a bound on what a
/// misconfigured path (a log file, a device) could make us hold.
pub(super) const MAX_FILE_LEN: u64 = 1 << 20;

/// The smallest RSA modulus accepted, in bits.
const MIN_RSA_BITS: usize = 2048;

/// The RSA algorithms a key without `alg` takes.
const RSA_ALGORITHMS: [Algorithm; 6] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
];

/// One configured bundle file, and the trust domain it is for when the configuration says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct BundleFile {
    pub(super) path: PathBuf,
    /// Set when a single bundle in this file belongs to this domain.
    pub(super) domain: Option<String>,
}

/// The keys of every trusted domain: one snapshot of the files.
#[derive(Debug, Default)]
pub(super) struct Bundles {
    domains: HashMap<String, Domain>,
}

/// One trust domain's JWT keys, by `kid`.
#[derive(Debug, Default)]
pub(super) struct Domain {
    keys: HashMap<String, Key>,
}

/// One verification key and the algorithms it may verify.
#[derive(Debug)]
pub(super) struct Key {
    /// `RSA`, `EC P-256`, ...: for messages.
    pub(super) kind: &'static str,
    /// The JWK's `alg` when it has one, else every algorithm of its type and curve.
    pub(super) algorithms: Vec<Algorithm>,
    pub(super) decoding: DecodingKey,
}

impl Bundles {
    /// Reads every file and keeps the domains of `trust_domains` (all when `None`); the
    /// warnings are for the log.
    ///
    /// # Errors
    /// The file that could not be read or parsed and why, a trust domain in two files, or a
    /// configured trust domain that no file has.
    pub(super) fn load(
        files: &[BundleFile],
        trust_domains: Option<&[String]>,
        warnings: &mut Vec<String>,
    ) -> Result<Bundles, String> {
        let mut domains = HashMap::new();
        for file in files {
            let text = read_bounded(&file.path)
                .map_err(|e| format!("cannot read {}: {e}", file.path.display()))?;
            let parsed = parse_file(&text, file.domain.as_deref(), warnings)
                .map_err(|e| format!("{}: {e}", file.path.display()))?;
            for (name, domain) in parsed {
                if domains.insert(name.clone(), domain).is_some() {
                    return Err(format!("trust domain {name:?} is in two bundle files"));
                }
            }
        }
        if let Some(wanted) = trust_domains {
            if let Some(missing) = wanted.iter().find(|d| !domains.contains_key(*d)) {
                return Err(format!("no bundle file holds trust domain {missing:?}"));
            }
            domains.retain(|name, _| wanted.contains(name));
        }
        Ok(Bundles { domains })
    }

    /// The keys of a trusted domain.
    pub(super) fn domain(&self, name: &str) -> Option<&Domain> {
        self.domains.get(name)
    }

    /// How many domains and keys, for the log.
    pub(super) fn counts(&self) -> (usize, usize) {
        let keys = self.domains.values().map(|d| d.keys.len()).sum();
        (self.domains.len(), keys)
    }
}

impl Domain {
    /// The key with this `kid`.
    pub(super) fn key(&self, kid: &str) -> Option<&Key> {
        self.keys.get(kid)
    }
}

/// The file's bytes, refusing one over [`MAX_FILE_LEN`] before holding it all.
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_FILE_LEN + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_LEN {
        return Err(std::io::Error::other(format!(
            "it is larger than {MAX_FILE_LEN} bytes"
        )));
    }
    Ok(bytes)
}

/// The domains of one file: a single bundle for `domain`, or a set.
fn parse_file(
    text: &[u8],
    domain: Option<&str>,
    warnings: &mut Vec<String>,
) -> Result<Vec<(String, Domain)>, String> {
    let value: Value = serde_json::from_slice(text).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(object) = value else {
        return Err("not a JSON object".into());
    };
    if object.contains_key("keys") {
        let name = domain.ok_or(
            "it holds one bundle (a `keys` array) and does not say which trust domain it is \
             for: name that domain as the only entry of trust_domains, or list the file in \
             [authenticator.bundles]",
        )?;
        let keys = parse_bundle(&Value::Object(object), name, warnings)?;
        return Ok(vec![(name.to_owned(), keys)]);
    }
    let sorted: BTreeMap<_, _> = object.into_iter().collect();
    sorted
        .into_iter()
        .map(|(name, bundle)| {
            super::spiffe_id::check_trust_domain(&name)
                .map_err(|e| format!("the set's entry {name:?} {e}"))?;
            let bundle = match bundle {
                Value::String(encoded) => decode_base64_bundle(&encoded)
                    .map_err(|e| format!("trust domain {name:?}: {e}"))?,
                other => other,
            };
            Ok((name.clone(), parse_bundle(&bundle, &name, warnings)?))
        })
        .collect()
}

/// A bundle that `spiffe-helper` wrote as standard base64 of its JSON.
fn decode_base64_bundle(encoded: &str) -> Result<Value, String> {
    let json = STANDARD
        .decode(encoded)
        .map_err(|e| format!("the bundle is neither an object nor base64: {e}"))?;
    serde_json::from_slice(&json).map_err(|e| format!("the base64 bundle is not JSON: {e}"))
}

/// One bundle object's usable JWT keys.
fn parse_bundle(bundle: &Value, name: &str, warnings: &mut Vec<String>) -> Result<Domain, String> {
    let keys = bundle
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("the bundle of {name:?} has no `keys` array"))?;
    let mut domain = Domain::default();
    for (i, value) in keys.iter().enumerate() {
        match parse_key(value) {
            Ok(None) => {}
            Ok(Some((kid, key))) => {
                if domain.keys.insert(kid.clone(), key).is_some() {
                    return Err(format!(
                        "trust domain {name:?} has two keys with kid {kid:?}"
                    ));
                }
            }
            Err(why) => warnings.push(format!("trust domain {name:?}, key {i} skipped: {why}")),
        }
    }
    if domain.keys.is_empty() {
        warnings.push(format!(
            "trust domain {name:?} has no usable JWT key: its tokens are all refused"
        ));
    }
    Ok(domain)
}

/// A JWT key with its `kid`; `None` for a key meant for something else.
fn parse_key(value: &Value) -> Result<Option<(String, Key)>, String> {
    let jwk: Jwk = serde_json::from_value(value.clone()).map_err(|e| format!("not a JWK: {e}"))?;
    match &jwk.common.public_key_use {
        None => {}
        Some(PublicKeyUse::Other(usage)) if usage == "jwt-svid" => {}
        Some(_) => return Ok(None),
    }
    let kid = jwk.common.key_id.clone().ok_or("it has no kid")?;
    let (kind, family) = key_family(&jwk.algorithm)?;
    let algorithms = match jwk.common.key_algorithm {
        None => family,
        Some(declared) => {
            let alg = algorithm_of(declared)?;
            if !family.contains(&alg) {
                return Err(format!("its alg {alg:?} does not fit a {kind} key"));
            }
            vec![alg]
        }
    };
    let decoding = DecodingKey::from_jwk(&jwk).map_err(|e| format!("bad {kind} key: {e}"))?;
    Ok(Some((
        kid,
        Key {
            kind,
            algorithms,
            decoding,
        },
    )))
}

/// A key's type (for messages) and the algorithms its type and curve allow.
fn key_family(params: &AlgorithmParameters) -> Result<(&'static str, Vec<Algorithm>), String> {
    match params {
        AlgorithmParameters::RSA(rsa) => {
            let modulus = URL_SAFE_NO_PAD
                .decode(&rsa.n)
                .map_err(|e| format!("bad RSA modulus: {e}"))?;
            let bits = modulus.iter().skip_while(|b| **b == 0).count() * 8;
            if bits < MIN_RSA_BITS {
                return Err(format!(
                    "RSA modulus of about {bits} bits, under {MIN_RSA_BITS}"
                ));
            }
            Ok(("RSA", RSA_ALGORITHMS.to_vec()))
        }
        AlgorithmParameters::EllipticCurve(ec) => match ec.curve {
            EllipticCurve::P256 => Ok(("EC P-256", vec![Algorithm::ES256])),
            EllipticCurve::P384 => Ok(("EC P-384", vec![Algorithm::ES384])),
            ref other => Err(format!("curve {other:?} is not taken")),
        },
        AlgorithmParameters::OctetKey(_) => Err("a symmetric (oct) key is never trusted".into()),
        _ => Err("only RSA and EC (P-256, P-384) keys are taken".into()),
    }
}

/// The signature algorithm a JWK's `alg` names, if we take it.
fn algorithm_of(declared: KeyAlgorithm) -> Result<Algorithm, String> {
    let alg = Algorithm::try_from(declared).map_err(|_| format!("alg {declared} is not taken"))?;
    match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 | Algorithm::EdDSA => {
            Err(format!("alg {alg:?} is not taken"))
        }
        alg => Ok(alg),
    }
}
