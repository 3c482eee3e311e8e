//! Verifying one JWT-SVID against a bundle snapshot: pure CPU work.
//!
//! The order matters. The size is bounded first; then the header's `alg` is checked against
//! the algorithms we take (never `none` or HMAC) before anything else is trusted; the
//! unverified `sub` only chooses the trust domain whose key must have signed, and that key
//! (by `kid`) must itself allow the `alg`. Only then does `jsonwebtoken` verify the signature
//! and the time and audience claims; `iat` we check ourselves.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;

use super::bundle::Bundles;
use super::spiffe_id::SpiffeId;
use crate::auth::AuthError;

/// The largest token accepted, in bytes. A JWT-SVID is a few hundred bytes to about 1.5 KiB
/// (an RSA-4096 signature is 683 characters); 8 KiB leaves room for large claims and bounds
/// what an unauthenticated client makes us base64-decode and parse.
pub(super) const MAX_TOKEN_LEN: usize = 8192;

/// What a token is checked against besides the keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Policy {
    /// The audience the token's `aud` must contain.
    pub(super) audience: String,
    /// Clock skew allowed on `exp`, `nbf` and `iat`, in seconds.
    pub(super) leeway_s: u64,
}

/// A verified token: whose, and until when (Unix seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Verified {
    pub(super) spiffe_id: String,
    pub(super) exp: u64,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
}

#[derive(Deserialize)]
struct Subject {
    sub: Option<String>,
}

#[derive(Deserialize)]
struct Claims {
    sub: String,
    exp: u64,
    iat: Option<u64>,
}

/// Verifies `token` (the auth field) against `bundles` at `now` (Unix seconds).
///
/// # Errors
/// [`AuthError`] saying why, never quoting the token.
pub(super) fn verify(
    token: &[u8],
    bundles: &Bundles,
    policy: &Policy,
    now: u64,
) -> Result<Verified, AuthError> {
    let token = bounded_text(token)?;
    let [header, payload, _] = parts(token)?;
    let header: Header = decode_part(header, "header")?;
    let alg = accepted_algorithm(&header.alg)?;
    let kid = header.kid.ok_or_else(|| refused("the header has no kid"))?;
    let subject: Subject = decode_part(payload, "claims")?;
    let sub = subject
        .sub
        .ok_or_else(|| refused("the claims have no sub"))?;
    let id = SpiffeId::parse(&sub).map_err(|e| refused(format!("sub {} {e}", shown(&sub))))?;
    let domain = bundles.domain(id.trust_domain).ok_or_else(|| {
        refused(format!(
            "trust domain {} is not trusted here",
            shown(id.trust_domain)
        ))
    })?;
    let key = domain.key(&kid).ok_or_else(|| {
        refused(format!(
            "no key {} in the bundle of trust domain {}",
            shown(&kid),
            shown(id.trust_domain)
        ))
    })?;
    if !key.algorithms.contains(&alg) {
        return Err(refused(format!(
            "alg {alg:?} is not one key {} takes ({} key, {:?})",
            shown(&kid),
            key.kind,
            key.algorithms
        )));
    }
    let claims = check_signature_and_claims(token, &key.decoding, alg, policy)?;
    if claims.sub != sub {
        return Err(refused("the claims changed between two readings"));
    }
    if claims
        .iat
        .is_some_and(|iat| iat > now.saturating_add(policy.leeway_s))
    {
        return Err(refused("the token is issued in the future (iat)"));
    }
    Ok(Verified {
        spiffe_id: claims.sub,
        exp: claims.exp,
    })
}

fn bounded_text(token: &[u8]) -> Result<&str, AuthError> {
    if token.is_empty() {
        return Err(AuthError::Empty);
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(refused(format!(
            "the token has {} bytes, more than the {MAX_TOKEN_LEN} accepted",
            token.len()
        )));
    }
    std::str::from_utf8(token).map_err(|_| AuthError::NotUtf8)
}

fn parts(token: &str) -> Result<[&str; 3], AuthError> {
    let mut split = token.split('.');
    match (split.next(), split.next(), split.next(), split.next()) {
        (Some(h), Some(p), Some(s), None) if !h.is_empty() && !p.is_empty() => Ok([h, p, s]),
        _ => Err(refused(
            "not a JWS in compact form (header.payload.signature)",
        )),
    }
}

fn decode_part<T: serde::de::DeserializeOwned>(part: &str, what: &str) -> Result<T, AuthError> {
    let json = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| refused(format!("the {what} are not base64url")))?;
    serde_json::from_slice(&json).map_err(|e| refused(format!("the {what} are malformed: {e}")))
}

/// The `alg` if it is one we take: `none` and HMAC (whose "key" would be public) never.
fn accepted_algorithm(alg: &str) -> Result<Algorithm, AuthError> {
    match alg {
        "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512" | "ES256" | "ES384" => alg
            .parse()
            .map_err(|_| refused(format!("alg {alg} is unknown"))),
        "none" => Err(refused("alg none (an unsigned token) is refused")),
        "HS256" | "HS384" | "HS512" => Err(refused(format!(
            "alg {alg} is refused: HMAC needs a shared secret, bundles hold public keys"
        ))),
        other => Err(refused(format!("alg {} is not taken", shown(other)))),
    }
}

/// The signature, `exp`, `nbf`, `aud` and `sub` checked by `jsonwebtoken`.
fn check_signature_and_claims(
    token: &str,
    key: &jsonwebtoken::DecodingKey,
    alg: Algorithm,
    policy: &Policy,
) -> Result<Claims, AuthError> {
    let mut validation = Validation::new(alg);
    validation.leeway = policy.leeway_s;
    validation.validate_nbf = true;
    validation.set_audience(&[&policy.audience]);
    validation.set_required_spec_claims(&["exp", "aud", "sub"]);
    jsonwebtoken::decode::<Claims>(token, key, &validation)
        .map(|data| data.claims)
        .map_err(|e| {
            refused(match e.kind() {
                ErrorKind::InvalidSignature => "the signature does not verify".into(),
                ErrorKind::ExpiredSignature => "the token has expired (exp)".into(),
                ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)".into(),
                ErrorKind::InvalidAudience => {
                    format!("the audience (aud) does not include {:?}", policy.audience)
                }
                ErrorKind::MissingRequiredClaim(claim) => format!("the claims have no {claim}"),
                _ => format!("the token does not verify: {e}"),
            })
        })
}

fn refused(why: impl Into<String>) -> AuthError {
    AuthError::Refused(format!("JWT-SVID refused: {}", why.into()))
}

/// A client-chosen string for a log line: quoted, and cut at 80 characters.
fn shown(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{:?}…", &text[..at]),
        None => format!("{text:?}"),
    }
}
