//! JWT-SVID (auth type 4): the auth field is a SPIFFE workload's JWT-SVID in JWS compact
//! form, verified **locally** against trust bundle files, and the application is the token's
//! `sub`, a SPIFFE ID (`spiffe://trust-domain/path`).
//!
//! The original sends every token to the SPIFFE Workload API; we read the bundle files that a
//! helper such as `spiffe-helper` keeps up to date ([`bundle`] has the formats), so a request
//! never waits on a remote call. [`Authenticator::refresh`] re-reads them every
//! [`POLL`] when their size, inode or times change (a rewrite in place or a rename over
//! them); a SIGHUP rebuilds the authenticator, which reads them afresh. A bundle that does not
//! parse leaves the previous one serving, and the reason is logged.
//!
//! Options of its `[authenticator]` table:
//!
//! | option | meaning | default |
//! |---|---|---|
//! | `bundle_path` | one file: a set of bundles, or one bundle for the single `trust_domains` entry | |
//! | `[authenticator.bundles]` | trust domain = path of its own bundle file, instead of `bundle_path` | |
//! | `trust_domains` | the trust domains whose workloads are accepted | every domain in the files |
//! | `audience` | what the token's `aud` must contain | `"parsec"` |
//! | `leeway_s` | clock skew allowed on `exp`, `nbf` and `iat`, seconds (at most 600) | 30 |
//! | `workload_endpoint` | the original's option: accepted beside a bundle option, unused | |

mod bundle;
mod cache;
mod spiffe_id;
mod token;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use psc_wire::AuthType;
use psc_wire::ops::list_authenticators::AuthenticatorInfo;
use serde::Deserialize;

use self::bundle::{BundleFile, Bundles};
use self::cache::Cache;
use self::token::Policy;
use super::{AuthError, AuthOptions, Authenticator, BuildError, PeerCredentials};

pub(crate) use self::spiffe_id::SpiffeId;

/// How often the bundle files are checked for a change.
const POLL: Duration = Duration::from_secs(2);

/// The longest `leeway_s` accepted: a larger skew would stretch every token's life.
const MAX_LEEWAY_S: u64 = 600;

/// Verifies JWT-SVIDs against the last good snapshot of the trust bundle files.
#[derive(Debug)]
pub struct JwtSvidAuthenticator {
    files: Vec<BundleFile>,
    trust_domains: Option<Vec<String>>,
    policy: Policy,
    /// Read by every request, written by `refresh`; held only to clone or swap the `Arc`.
    current: RwLock<Arc<Snapshot>>,
    /// What the files looked like at the last load attempt, good or bad; only `refresh` uses
    /// it, so an unchanged bad file is not re-read and re-logged every poll.
    seen: Mutex<Option<Vec<Stamp>>>,
}

/// One load of the files, and the tokens verified against it.
#[derive(Debug, Default)]
struct Snapshot {
    bundles: Bundles,
    cache: Cache,
}

/// What tells that a file changed: its identity, size and times.
type Stamp = Option<(u64, u64, u64, i64, i64, i64, i64)>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct Options {
    bundle_path: Option<PathBuf>,
    bundles: Option<BTreeMap<String, PathBuf>>,
    trust_domains: Option<Vec<String>>,
    audience: String,
    leeway_s: u64,
    workload_endpoint: Option<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            bundle_path: None,
            bundles: None,
            trust_domains: None,
            audience: "parsec".into(),
            leeway_s: 30,
            workload_endpoint: None,
        }
    }
}

impl JwtSvidAuthenticator {
    /// The authenticator for its `[authenticator]` options; it holds no keys until its first
    /// [`refresh`](Authenticator::refresh).
    ///
    /// # Errors
    /// [`BuildError::Options`] naming the option at fault; a configuration with only the
    /// original's `workload_endpoint` is told how to get a bundle file.
    pub fn from_options(options: &AuthOptions) -> Result<JwtSvidAuthenticator, BuildError> {
        let options: Options = options.parse(AuthType::JwtSvid)?;
        let invalid = |message: String| BuildError::Options {
            auth_type: AuthType::JwtSvid,
            message,
        };
        check_options(&options).map_err(invalid)?;
        let files = bundle_files(&options).map_err(invalid)?;
        Ok(JwtSvidAuthenticator {
            files,
            trust_domains: options.trust_domains,
            policy: Policy {
                audience: options.audience,
                leeway_s: options.leeway_s,
            },
            current: RwLock::new(Arc::default()),
            seen: Mutex::new(None),
        })
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn stamps(&self) -> Vec<Stamp> {
        use std::os::unix::fs::MetadataExt;
        self.files
            .iter()
            .map(|f| {
                let m = std::fs::metadata(&f.path).ok()?;
                Some((
                    m.dev(),
                    m.ino(),
                    m.size(),
                    m.mtime(),
                    m.mtime_nsec(),
                    m.ctime(),
                    m.ctime_nsec(),
                ))
            })
            .collect()
    }
}

fn check_options(options: &Options) -> Result<(), String> {
    match (
        &options.bundle_path,
        &options.bundles,
        &options.workload_endpoint,
    ) {
        (Some(_), Some(_), _) => {
            return Err("bundle_path and [authenticator.bundles] exclude each other".into());
        }
        (None, None, Some(endpoint)) => {
            return Err(format!(
                "workload_endpoint {endpoint:?} alone is not enough: local validation needs a \
                 trust bundle file (this service verifies JWT-SVIDs itself and never calls the \
                 Workload API). Set bundle_path to the JWT bundle file that spiffe-helper writes (its \
                 jwt_bundle_file_name option; it keeps the file current from the Workload \
                 API), or list a JWKS file per trust domain in [authenticator.bundles]"
            ));
        }
        (None, None, None) => {
            return Err(
                "needs bundle_path, or [authenticator.bundles] with a JWKS file per \
                        trust domain"
                    .into(),
            );
        }
        _ => {}
    }
    if options.audience.is_empty() {
        return Err("audience must not be empty".into());
    }
    if options.leeway_s > MAX_LEEWAY_S {
        return Err(format!(
            "leeway_s {} is more than {MAX_LEEWAY_S}",
            options.leeway_s
        ));
    }
    if options.trust_domains.as_ref().is_some_and(Vec::is_empty) {
        return Err(
            "trust_domains is empty: leave it out to trust every domain in the \
                    bundle files"
                .into(),
        );
    }
    for name in options.trust_domains.iter().flatten() {
        spiffe_id::check_trust_domain(name).map_err(|e| format!("trust_domains {name:?} {e}"))?;
    }
    Ok(())
}

/// The files to read, each with the trust domain of a single bundle in it when known.
fn bundle_files(options: &Options) -> Result<Vec<BundleFile>, String> {
    if let Some(path) = &options.bundle_path {
        let domain = match options.trust_domains.as_deref() {
            Some([only]) => Some(only.clone()),
            _ => None,
        };
        return Ok(vec![BundleFile {
            path: path.clone(),
            domain,
        }]);
    }
    let table = options.bundles.iter().flatten();
    for (name, _) in table.clone() {
        spiffe_id::check_trust_domain(name)
            .map_err(|e| format!("[authenticator.bundles] {name:?} {e}"))?;
    }
    if let Some(missing) = options
        .trust_domains
        .iter()
        .flatten()
        .find(|d| !options.bundles.iter().flatten().any(|(name, _)| name == *d))
    {
        return Err(format!(
            "trust_domains names {missing:?}, which [authenticator.bundles] does not list"
        ));
    }
    Ok(table
        .map(|(name, path)| BundleFile {
            path: path.clone(),
            domain: Some(name.clone()),
        })
        .collect())
}

/// Now, in Unix seconds.
fn now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Authenticator for JwtSvidAuthenticator {
    fn info(&self) -> AuthenticatorInfo {
        AuthenticatorInfo {
            description: "JWT-SVID: a SPIFFE workload's JWT-SVID, verified locally against \
                          the trust bundle file; the application is its SPIFFE ID"
                .into(),
            version_maj: 0,
            version_min: 1,
            version_rev: 0,
            id: AuthType::JwtSvid,
        }
    }

    fn authenticate(&self, auth: &[u8], _: Option<&PeerCredentials>) -> Result<String, AuthError> {
        let snapshot = self.snapshot();
        let now = now();
        let leeway = self.policy.leeway_s;
        // Bounded before hashing: an oversized field is refused by `verify` unhashed.
        let digest = (auth.len() <= token::MAX_TOKEN_LEN).then(|| Cache::digest(auth));
        if let Some(id) = digest.and_then(|d| snapshot.cache.get(&d, now, leeway)) {
            return Ok(id);
        }
        let verified = token::verify(auth, &snapshot.bundles, &self.policy, now)?;
        let id = verified.spiffe_id.clone();
        if let Some(digest) = digest {
            snapshot.cache.insert(digest, verified, now, leeway);
        }
        Ok(id)
    }

    fn refresh_every(&self) -> Option<Duration> {
        Some(POLL)
    }

    /// Reloads the files if they changed since the last attempt.
    fn refresh(&self) -> Result<(), AuthError> {
        let stamps = self.stamps();
        {
            let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
            if seen.as_ref() == Some(&stamps) {
                return Ok(());
            }
            *seen = Some(stamps);
        }
        let mut warnings = Vec::new();
        let loaded = Bundles::load(&self.files, self.trust_domains.as_deref(), &mut warnings);
        for warning in &warnings {
            tracing::warn!(authenticator = "JwtSvid", "{warning}");
        }
        let bundles = loaded.map_err(|why| {
            AuthError::Refused(format!(
                "trust bundle not loaded, the last one keeps serving: {why}"
            ))
        })?;
        let (domains, keys) = bundles.counts();
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(Snapshot {
            bundles,
            cache: Cache::default(),
        });
        tracing::info!(
            authenticator = "JwtSvid",
            domains,
            keys,
            "trust bundle loaded"
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests;
