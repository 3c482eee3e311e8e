//! JWT-SVID fixtures: signing keys the test generates (aws-lc-rs), the bundles that trust
//! them, and tokens they sign, good and bad, as a SPIFFE issuer would mint them.
//!
//! ```
//! use psc_testkit::jwt_svid::{SigningKey, bundle, claims};
//! let key = SigningKey::ec_p256("k1");
//! let token = key.sign(&claims("spiffe://example.org/web", "parsec", 300));
//! assert_eq!(token.split('.').count(), 3);
//! assert_eq!(bundle(&[&key])["keys"][0]["kid"], "k1");
//! ```

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use pkcs8::der::Decode;
use psc_service::auth::AuthOptions;
use psc_service::config::AuthenticatorConfig;
use psc_wire::AuthType;
use serde_json::{Value, json};

/// A key that signs JWT-SVIDs, and its public JWK.
pub struct SigningKey {
    /// Its `kid`, in the JWK and in the tokens it signs.
    pub kid: String,
    /// The algorithm its tokens name.
    pub alg: Algorithm,
    encoding: EncodingKey,
    /// The public key as DER (SubjectPublicKeyInfo for EC, the JWK's modulus for RSA).
    pub public_bytes: Vec<u8>,
}

impl SigningKey {
    /// A fresh EC P-256 key (ES256).
    pub fn ec_p256(kid: &str) -> SigningKey {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .expect("P-256 key generation");
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref())
            .expect("P-256 key");
        SigningKey {
            kid: kid.into(),
            alg: Algorithm::ES256,
            encoding: EncodingKey::from_ec_der(pkcs8.as_ref()),
            public_bytes: pair.public_key().as_ref().to_vec(),
        }
    }

    /// A fresh RSA-2048 key signing with `alg` (RS* or PS*).
    pub fn rsa_2048(kid: &str, alg: Algorithm) -> SigningKey {
        let pair = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
            .expect("RSA key generation");
        let pkcs8 =
            AsDer::<aws_lc_rs::encoding::Pkcs8V1Der<'_>>::as_der(&pair).expect("RSA key as PKCS#8");
        let info = pkcs8::PrivateKeyInfoRef::from_der(pkcs8.as_ref()).expect("PKCS#8");
        SigningKey {
            kid: kid.into(),
            alg,
            encoding: EncodingKey::from_rsa_der(info.private_key.as_bytes()),
            public_bytes: pair.public_key().as_ref().to_vec(),
        }
    }

    /// The public JWK as a SPIFFE bundle lists it: `kid`, `use: "jwt-svid"` and `alg`.
    pub fn jwk(&self) -> Value {
        let jwk = Jwk::from_encoding_key(&self.encoding, self.alg).expect("public JWK");
        let mut value = serde_json::to_value(jwk).expect("JWK as JSON");
        value["kid"] = json!(self.kid);
        value["use"] = json!("jwt-svid");
        value
    }

    /// A token with these claims, signed with the key's algorithm.
    pub fn sign(&self, claims: &Value) -> String {
        self.sign_as(self.alg, claims)
    }

    /// A token with these claims whose header names `alg`, signed by this key with it.
    pub fn sign_as(&self, alg: Algorithm, claims: &Value) -> String {
        let mut header = Header::new(alg);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("signing")
    }
}

/// A SPIFFE bundle (a JWKS with `spiffe_sequence`) of these keys.
pub fn bundle(keys: &[&SigningKey]) -> Value {
    let keys: Vec<Value> = keys.iter().map(|k| k.jwk()).collect();
    json!({ "keys": keys, "spiffe_sequence": 1 })
}

/// Now, in Unix seconds.
pub fn now() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock");
    i64::try_from(since.as_secs()).expect("time")
}

/// JWT-SVID claims for `sub` and audience `aud`, issued now, expiring in `exp_in` seconds
/// (negative: already expired).
pub fn claims(sub: &str, aud: &str, exp_in: i64) -> Value {
    let now = now();
    json!({ "sub": sub, "aud": [aud], "exp": now + exp_in, "iat": now })
}

/// An unsigned token (`alg: none`) claiming to come from key `kid`.
pub fn unsigned(kid: &str, claims: &Value) -> String {
    let header = json!({ "alg": "none", "kid": kid, "typ": "JWT" });
    format!("{}.{}.", part(&header), part(claims))
}

/// A token MACed with HS256 under `secret` (say, a public key), naming key `kid`.
pub fn hmac(secret: &[u8], kid: &str, claims: &Value) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(kid.into());
    let key = EncodingKey::from_secret(secret).expect("HMAC key");
    jsonwebtoken::encode(&header, claims, &key).expect("HMAC")
}

/// A JSON value as a base64url token part.
pub fn part(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).expect("JSON"))
}

/// A JwtSvid authenticator trusting the single bundle at `bundle_path` for `trust_domain`.
pub fn authenticator(bundle_path: &Path, trust_domain: &str) -> AuthenticatorConfig {
    let mut options = toml::Table::new();
    let path = bundle_path.to_str().expect("a UTF-8 path");
    options.insert("bundle_path".into(), path.into());
    options.insert("trust_domains".into(), vec![trust_domain].into());
    AuthenticatorConfig {
        options: AuthOptions::new(options),
        ..AuthenticatorConfig::new(AuthType::JwtSvid, Vec::new())
    }
}
