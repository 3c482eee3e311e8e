//! Between the service's key formats (PSA) and SSH's: which service keys can serve as SSH
//! identities and with which signature algorithm, their public keys as SSH key blobs, PSA
//! signatures as SSH signatures, and SSH private keys as the data ImportKey takes.
//!
//! Every SSH encoding is `ssh-key`'s; every DER one is `rsa`'s or `pkcs1`'s.

use pkcs1::der::Decode as _;
use psc_client::psa::{
    Algorithm, AsymmetricSignature, Attributes, EccFamily, Hash, KeyType, SecretBytes, SignHash,
};
use rsa::pkcs1::EncodeRsaPrivateKey as _;
use ssh_key::private::{EcdsaKeypair, KeypairData, RsaKeypair};
use ssh_key::public::{EcdsaPublicKey, KeyData, RsaPublicKey};
use ssh_key::{Algorithm as SshAlgorithm, EcdsaCurve, HashAlg, Mpint, Signature};

/// Flag of a sign request asking for `rsa-sha2-256` (draft-miller-ssh-agent, 3.6.1).
pub const RSA_SHA2_256: u32 = 2;
/// Flag of a sign request asking for `rsa-sha2-512`.
pub const RSA_SHA2_512: u32 = 4;

/// Why a key, a request or a private key cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum Unsupported {
    /// The key type or size has no SSH algorithm we serve.
    #[error("{0:?} keys of {1} bits have no SSH algorithm this agent serves")]
    KeyType(KeyType, u32),
    /// The key's policy permits no hash SSH signs with.
    #[error("the key's policy ({0:?}) permits no SSH signature algorithm")]
    Policy(Algorithm),
    /// The request asks for an algorithm the key's policy does not permit.
    #[error("{0} is not permitted by the key's policy ({1:?})")]
    NotPermitted(&'static str, Algorithm),
    /// SHA-1 `ssh-rsa` signatures.
    #[error("ssh-rsa signatures (SHA-1) are refused; the client must ask for rsa-sha2-256 or -512")]
    Sha1,
    /// A private key type the service cannot hold.
    #[error("{0} private keys cannot be held by the service")]
    PrivateKey(String),
    /// Bytes that do not form the key they claim to be.
    #[error("malformed key: {0}")]
    Malformed(String),
}

/// How a service key signs for SSH: the PSA algorithm, the hash computed here, and the SSH
/// algorithm the signature is labelled with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SshSigning {
    /// What SignHash is asked for.
    pub alg: AsymmetricSignature,
    /// The hash of the data to sign.
    pub hash: Hash,
    /// How the signature is encoded for SSH.
    pub curve: Option<EcdsaCurve>,
}

/// The ECDSA curve of a key's type and size, if it is one SSH has.
fn ecdsa_curve(attributes: &Attributes) -> Option<EcdsaCurve> {
    match (attributes.key_type.public_counterpart(), attributes.bits) {
        (
            KeyType::EccPublicKey {
                curve_family: EccFamily::SecpR1,
            },
            bits,
        ) => match bits {
            256 => Some(EcdsaCurve::NistP256),
            384 => Some(EcdsaCurve::NistP384),
            521 => Some(EcdsaCurve::NistP521),
            _ => None,
        },
        _ => None,
    }
}

/// The hash SSH uses with an ECDSA curve (RFC 5656, 6.2.1).
fn curve_hash(curve: EcdsaCurve) -> Hash {
    match curve {
        EcdsaCurve::NistP256 => Hash::Sha256,
        EcdsaCurve::NistP384 => Hash::Sha384,
        EcdsaCurve::NistP521 => Hash::Sha512,
    }
}

/// Whether the key's policy lets it sign a hash with `alg`.
fn permits(attributes: &Attributes, alg: AsymmetricSignature) -> bool {
    attributes.policy.usage_flags.sign_hash
        && attributes
            .policy
            .permits(Algorithm::AsymmetricSignature(alg))
}

/// How the key signs an SSH request with `flags`; an error says why it cannot.
///
/// # Errors
/// [`Unsupported`] for a key that is no SSH identity, a SHA-1 request, or a hash the policy
/// does not permit.
pub fn signing(attributes: &Attributes, flags: u32) -> Result<SshSigning, Unsupported> {
    if !attributes.key_type.is_key_pair() {
        return Err(Unsupported::KeyType(attributes.key_type, attributes.bits));
    }
    let permitted = attributes.policy.permitted_algorithm;
    if let Some(curve) = ecdsa_curve(attributes) {
        let hash = curve_hash(curve);
        let specific = SignHash::Specific(hash);
        let candidates = [
            AsymmetricSignature::Ecdsa { hash: specific },
            AsymmetricSignature::DeterministicEcdsa { hash: specific },
        ];
        return candidates
            .into_iter()
            .find(|alg| permits(attributes, *alg))
            .map(|alg| SshSigning {
                alg,
                hash,
                curve: Some(curve),
            })
            .ok_or(Unsupported::NotPermitted(curve.as_str(), permitted));
    }
    if attributes.key_type != KeyType::RsaKeyPair {
        return Err(Unsupported::KeyType(attributes.key_type, attributes.bits));
    }
    // As OpenSSH's agent: SHA-256 when asked for, else SHA-512 when asked for, else SHA-1.
    let (hash, name) = if flags & RSA_SHA2_256 != 0 {
        (Hash::Sha256, "rsa-sha2-256")
    } else if flags & RSA_SHA2_512 != 0 {
        (Hash::Sha512, "rsa-sha2-512")
    } else {
        return Err(Unsupported::Sha1);
    };
    let alg = AsymmetricSignature::RsaPkcs1v15Sign {
        hash: SignHash::Specific(hash),
    };
    if permits(attributes, alg) {
        Ok(SshSigning {
            alg,
            hash,
            curve: None,
        })
    } else {
        Err(Unsupported::NotPermitted(name, permitted))
    }
}

/// Whether a service key is an SSH identity: an ECDSA P-256/384/521 or RSA key pair whose
/// policy permits signing a hash with at least one SSH algorithm.
///
/// # Errors
/// [`Unsupported`] saying why not.
pub fn check_identity(attributes: &Attributes) -> Result<(), Unsupported> {
    match signing(attributes, RSA_SHA2_256) {
        Ok(_) => Ok(()),
        Err(Unsupported::NotPermitted(..)) if attributes.key_type == KeyType::RsaKeyPair => {
            signing(attributes, RSA_SHA2_512).map(|_| ())
        }
        Err(Unsupported::NotPermitted(_, alg)) => Err(Unsupported::Policy(alg)),
        Err(other) => Err(other),
    }
}

/// The SSH public key of a service key, from ExportPublicKey's answer (the uncompressed
/// point for ECDSA, PKCS#1 `RSAPublicKey` DER for RSA).
///
/// # Errors
/// [`Unsupported`] for a key type SSH does not have here, or data that is not such a key.
pub fn public_key(attributes: &Attributes, exported: &[u8]) -> Result<KeyData, Unsupported> {
    if ecdsa_curve(attributes).is_some() {
        let key = EcdsaPublicKey::from_sec1_bytes(exported)
            .map_err(|e| Unsupported::Malformed(e.to_string()))?;
        return Ok(KeyData::Ecdsa(key));
    }
    if attributes.key_type.public_counterpart() != KeyType::RsaPublicKey {
        return Err(Unsupported::KeyType(attributes.key_type, attributes.bits));
    }
    let der = pkcs1::RsaPublicKeyRef::from_der(exported)
        .map_err(|e| Unsupported::Malformed(e.to_string()))?;
    let mpint = |bytes: &[u8]| {
        Mpint::from_positive_bytes(bytes).map_err(|e| Unsupported::Malformed(e.to_string()))
    };
    Ok(KeyData::Rsa(RsaPublicKey {
        e: mpint(der.public_exponent.as_bytes())?,
        n: mpint(der.modulus.as_bytes())?,
    }))
}

/// The SSH signature of a PSA signature made as `signing` says: ECDSA's fixed-size `r || s`
/// becomes the two mpints SSH wants; RSA's stays as it is, under the SHA-2 name.
///
/// # Errors
/// [`Unsupported::Malformed`] when the service's signature has the wrong length.
pub fn ssh_signature(signing: &SshSigning, psa: &[u8]) -> Result<Signature, Unsupported> {
    let malformed = |e: &dyn std::fmt::Display| Unsupported::Malformed(e.to_string());
    match signing.curve {
        Some(EcdsaCurve::NistP256) => p256::ecdsa::Signature::from_slice(psa)
            .map_err(|e| malformed(&e))
            .and_then(|s| Signature::try_from(s).map_err(|e| malformed(&e))),
        Some(EcdsaCurve::NistP384) => p384::ecdsa::Signature::from_slice(psa)
            .map_err(|e| malformed(&e))
            .and_then(|s| Signature::try_from(s).map_err(|e| malformed(&e))),
        Some(EcdsaCurve::NistP521) => p521::ecdsa::Signature::from_slice(psa)
            .map_err(|e| malformed(&e))
            .and_then(|s| Signature::try_from(s).map_err(|e| malformed(&e))),
        None => {
            let hash = match signing.hash {
                Hash::Sha256 => HashAlg::Sha256,
                _ => HashAlg::Sha512,
            };
            Signature::new(SshAlgorithm::Rsa { hash: Some(hash) }, psa.to_vec())
                .map_err(|e| malformed(&e))
        }
    }
}

/// What ImportKey takes for an SSH private key: attributes for a non-exportable signing key
/// (ECDSA with the curve's hash, RSA PKCS#1 v1.5 with any hash) and the key in PSA's format
/// (the private scalar; PKCS#1 `RSAPrivateKey` DER), zeroized on drop.
///
/// # Errors
/// [`Unsupported::PrivateKey`] for Ed25519, DSA, security keys and encrypted keys;
/// [`Unsupported::Malformed`] for an RSA key whose parts do not fit together.
pub fn import_material(key: &KeypairData) -> Result<(Attributes, SecretBytes), Unsupported> {
    match key {
        KeypairData::Ecdsa(pair) => {
            let (curve, scalar) = match pair {
                EcdsaKeypair::NistP256 { private, .. } => {
                    (EcdsaCurve::NistP256, private.as_slice())
                }
                EcdsaKeypair::NistP384 { private, .. } => {
                    (EcdsaCurve::NistP384, private.as_slice())
                }
                EcdsaKeypair::NistP521 { private, .. } => {
                    (EcdsaCurve::NistP521, private.as_slice())
                }
            };
            let bits = match curve {
                EcdsaCurve::NistP256 => 256,
                EcdsaCurve::NistP384 => 384,
                EcdsaCurve::NistP521 => 521,
            };
            let attributes = Attributes::signing_key(
                KeyType::EccKeyPair {
                    curve_family: EccFamily::SecpR1,
                },
                bits,
                AsymmetricSignature::Ecdsa {
                    hash: SignHash::Specific(curve_hash(curve)),
                },
            );
            Ok((attributes, SecretBytes::from(scalar)))
        }
        KeypairData::Rsa(pair) => {
            let der = rsa_private_der(pair)?;
            let attributes = Attributes::signing_key(
                KeyType::RsaKeyPair,
                0,
                AsymmetricSignature::RsaPkcs1v15Sign {
                    hash: SignHash::Any,
                },
            );
            Ok((attributes, der))
        }
        other => Err(Unsupported::PrivateKey(other.algorithm().map_or_else(
            |_| "encrypted or unknown".to_owned(),
            |a| a.to_string(),
        ))),
    }
}

/// PKCS#1 DER of an SSH RSA key pair. SSH carries n, e, d, iqmp, p, q; PKCS#1 also wants
/// d mod (p-1) and d mod (q-1), which `rsa` computes (and checks the key while at it).
fn rsa_private_der(pair: &RsaKeypair) -> Result<SecretBytes, Unsupported> {
    let uint = |m: &Mpint| {
        m.as_positive_bytes()
            .map(rsa::BigUint::from_bytes_be)
            .ok_or_else(|| Unsupported::Malformed("a negative RSA parameter".into()))
    };
    let key = rsa::RsaPrivateKey::from_components(
        uint(&pair.public.n)?,
        uint(&pair.public.e)?,
        uint(&pair.private.d)?,
        vec![uint(&pair.private.p)?, uint(&pair.private.q)?],
    )
    .map_err(|e| Unsupported::Malformed(e.to_string()))?;
    key.validate()
        .map_err(|e| Unsupported::Malformed(e.to_string()))?;
    let der = key
        .to_pkcs1_der()
        .map_err(|e| Unsupported::Malformed(e.to_string()))?;
    Ok(SecretBytes::from(der.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ecc(bits: u32, alg: AsymmetricSignature) -> Attributes {
        Attributes::signing_key(
            KeyType::EccKeyPair {
                curve_family: EccFamily::SecpR1,
            },
            bits,
            alg,
        )
    }

    fn rsa_key(hash: SignHash) -> Attributes {
        Attributes::signing_key(
            KeyType::RsaKeyPair,
            2048,
            AsymmetricSignature::RsaPkcs1v15Sign { hash },
        )
    }

    #[test]
    fn ecdsa_keys_sign_with_their_curves_hash() {
        for (bits, hash) in [
            (256, Hash::Sha256),
            (384, Hash::Sha384),
            (521, Hash::Sha512),
        ] {
            let attributes = ecc(
                bits,
                AsymmetricSignature::Ecdsa {
                    hash: SignHash::Specific(hash),
                },
            );
            assert_eq!(signing(&attributes, 0).map(|s| s.hash).ok(), Some(hash));
            assert!(check_identity(&attributes).is_ok());
        }
        // P-256 under SHA-384 has no SSH algorithm.
        let mismatched = ecc(
            256,
            AsymmetricSignature::Ecdsa {
                hash: SignHash::Specific(Hash::Sha384),
            },
        );
        assert!(matches!(
            check_identity(&mismatched),
            Err(Unsupported::Policy(_))
        ));
    }

    #[test]
    fn rsa_follows_the_flags_and_refuses_sha1() {
        let any = rsa_key(SignHash::Any);
        assert_eq!(
            signing(&any, RSA_SHA2_512).map(|s| s.hash).ok(),
            Some(Hash::Sha512)
        );
        assert_eq!(
            signing(&any, RSA_SHA2_256).map(|s| s.hash).ok(),
            Some(Hash::Sha256)
        );
        assert!(matches!(signing(&any, 0), Err(Unsupported::Sha1)));
        let only_256 = rsa_key(SignHash::Specific(Hash::Sha256));
        assert!(check_identity(&only_256).is_ok());
        assert!(matches!(
            signing(&only_256, RSA_SHA2_512),
            Err(Unsupported::NotPermitted(..))
        ));
        let only_512 = rsa_key(SignHash::Specific(Hash::Sha512));
        assert!(check_identity(&only_512).is_ok());
        let sha1 = rsa_key(SignHash::Specific(Hash::Sha1));
        assert!(check_identity(&sha1).is_err());
    }

    #[test]
    fn keys_without_sign_hash_or_private_half_are_no_identities() {
        let mut attributes = ecc(
            256,
            AsymmetricSignature::Ecdsa {
                hash: SignHash::Specific(Hash::Sha256),
            },
        );
        attributes.policy.usage_flags.sign_hash = false;
        assert!(check_identity(&attributes).is_err());
        attributes.policy.usage_flags.sign_hash = true;
        attributes.key_type = KeyType::EccPublicKey {
            curve_family: EccFamily::SecpR1,
        };
        assert!(check_identity(&attributes).is_err());
    }

    #[test]
    fn a_short_ecdsa_signature_is_refused() {
        let signing = SshSigning {
            alg: AsymmetricSignature::Ecdsa {
                hash: SignHash::Specific(Hash::Sha256),
            },
            hash: Hash::Sha256,
            curve: Some(EcdsaCurve::NistP256),
        };
        assert!(ssh_signature(&signing, &[1; 63]).is_err());
        assert!(ssh_signature(&signing, &[1; 64]).is_ok());
    }
}
