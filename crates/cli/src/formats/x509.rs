//! X.509 requests and certificates signed by a key that never leaves the service: rcgen
//! writes the structures, and [`ServiceKey`] signs them through PsaSignHash.

use std::cell::RefCell;

use psc_client::Client;
use psc_client::psa::{AsymmetricSignature, EccFamily, Hash, KeyType};
use rcgen::{
    CertificateParams, DistinguishedName, DnType, PublicKeyData, SignatureAlgorithm, SigningKey,
};

use super::FormatError;
use super::pss::{self, Signed};
use crate::error::Error;
use crate::{keys, names};

/// The object identifier of the X.520 `serialNumber` attribute, which rcgen has no name for.
const SERIAL_NUMBER: [u64; 4] = [2, 5, 4, 5];

/// Where the published tool's log lines about signing come from.
const LOG_TARGET: &str = "parsec_tool::util";

/// What a key must be to sign a request or a certificate, for the error naming the key.
const SIGNING_KEYS: &str = "an RSA signing key (PKCS#1 v1.5 or PSS, with SHA-256, SHA-384 or \
     SHA-512) or an ECDSA key on secp256r1 (SHA-256) or secp384r1 (SHA-384)";

/// The subject of a request or certificate: the published `create-csr`'s options.
#[derive(Debug, clap::Args)]
pub(crate) struct Subject {
    /// The common name (CN) of the subject's Distinguished Name.
    #[arg(long = "cn")]
    common_name: Option<String>,

    /// The locality name (L) of the subject's Distinguished Name.
    #[arg(long = "l")]
    locality: Option<String>,

    /// The organization name (O) of the subject's Distinguished Name.
    #[arg(long = "o")]
    organization: Option<String>,

    /// The organizational unit name (OU) of the subject's Distinguished Name.
    #[arg(long = "ou")]
    organizational_unit: Option<String>,

    /// The state or province name (ST) of the subject's Distinguished Name.
    #[arg(long = "st")]
    state: Option<String>,

    /// The country name (C) of the subject's Distinguished Name.
    #[arg(long = "c")]
    country: Option<String>,

    /// The serial number (serialNumber) of the subject's Distinguished Name.
    #[arg(long = "serialNumber")]
    serial_number: Option<String>,

    /// A Subject Alternative Name: a DNS name, or an IP address. Repeatable, and takes
    /// several values.
    #[arg(long = "san", value_name = "SAN", num_args = 1.., action = clap::ArgAction::Append)]
    subject_alternative_names: Vec<String>,
}

impl Subject {
    /// Certificate parameters holding this subject and its alternative names, and nothing
    /// else.
    ///
    /// # Errors
    /// [`FormatError::Certificate`] for an alternative name that is neither a DNS name nor an
    /// IP address.
    pub(crate) fn params(&self, what: &'static str) -> Result<CertificateParams, FormatError> {
        let mut params = CertificateParams::new(self.subject_alternative_names.clone())
            .map_err(|source| FormatError::Certificate { what, source })?;
        params.distinguished_name = self.distinguished_name();
        Ok(params)
    }

    /// The Distinguished Name, in the published tool's order.
    fn distinguished_name(&self) -> DistinguishedName {
        let mut name = DistinguishedName::new();
        let parts = [
            (DnType::CommonName, &self.common_name),
            (DnType::OrganizationalUnitName, &self.organizational_unit),
            (DnType::OrganizationName, &self.organization),
            (DnType::LocalityName, &self.locality),
            (DnType::StateOrProvinceName, &self.state),
            (DnType::CountryName, &self.country),
            (
                DnType::CustomDnType(SERIAL_NUMBER.to_vec()),
                &self.serial_number,
            ),
        ];
        for (kind, value) in parts {
            if let Some(value) = value {
                name.push(kind, value.as_str());
            }
        }
        name
    }
}

/// A key pair in the service, seen by rcgen as a signing key: rcgen hands it the bytes to
/// sign, it hashes them here and has the service sign the hash.
#[derive(Debug)]
pub(crate) struct ServiceKey<'a> {
    client: &'a Client,
    name: String,
    /// The public key as the service exports it (the BIT STRING of the SubjectPublicKeyInfo).
    public: Vec<u8>,
    alg: AsymmetricSignature,
    hash: Hash,
    rcgen_alg: &'static SignatureAlgorithm,
    /// For a PSS key, the AlgorithmIdentifier that replaces rcgen's after it has written the
    /// structure (see [`pss`]); rcgen's own signature is then left empty.
    pss: Option<Vec<u8>>,
    /// Why the last signature failed: rcgen only carries "remote key error".
    failure: RefCell<Option<Error>>,
}

impl<'a> ServiceKey<'a> {
    /// The key pair `name`, if its policy is one X.509 can express.
    ///
    /// # Errors
    /// [`Error::NoSuchKey`], or [`Error::WrongKeyType`] for a public key or a policy other
    /// than the ones [`SIGNING_KEYS`] lists.
    pub(crate) fn new(client: &'a Client, name: &str) -> Result<ServiceKey<'a>, Error> {
        let key = keys::key_info(client, name)?;
        let wrong = || Error::WrongKeyType {
            name: name.to_owned(),
            needed: SIGNING_KEYS,
        };
        if !key.attributes.key_type.is_key_pair() {
            return Err(wrong());
        }
        let (alg, hash) = keys::signature_algorithm(&key).map_err(|_| wrong())?;
        let rcgen_alg =
            rcgen_algorithm(key.attributes.key_type, key.attributes.bits, alg).ok_or_else(wrong)?;
        let public = client.export_public_key(name)?;
        let pss = match alg {
            AsymmetricSignature::RsaPss { .. } => Some(pss::algorithm_identifier(hash)?),
            _ => None,
        };
        Ok(ServiceKey {
            client,
            name: name.to_owned(),
            public,
            alg,
            hash,
            rcgen_alg,
            pss,
            failure: RefCell::new(None),
        })
    }

    /// The public key bits, as the service exports them.
    pub(crate) fn public_key(&self) -> &[u8] {
        &self.public
    }

    /// The error to report for rcgen's `error` building `what`: the service's, when signing
    /// failed there.
    pub(crate) fn explain(&self, what: &'static str, error: rcgen::Error) -> Error {
        match self.failure.borrow_mut().take() {
            Some(failure) => failure,
            None => FormatError::Certificate {
                what,
                source: error,
            }
            .into(),
        }
    }

    /// The structure rcgen wrote as `der`, with its signature: rcgen's, or for a PSS key the
    /// service's over the signed part with the PSS algorithm in place.
    ///
    /// # Errors
    /// The service's error when it cannot sign; [`Error::Encoding`] for a structure of
    /// another shape than rcgen's.
    pub(crate) fn finish(&self, der: &[u8], kind: Signed) -> Result<Vec<u8>, Error> {
        match &self.pss {
            None => Ok(der.to_vec()),
            Some(algorithm) => pss::resign(der, kind, algorithm, |signed| self.sign_here(signed)),
        }
    }

    /// Hashes and signs as `sign` does, with the published tool's log lines.
    fn sign_here(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        log::info!(target: LOG_TARGET, "Hashing data with {:?}...", self.hash);
        let digest = keys::digest(self.client, self.hash, message)?;
        log::info!(target: LOG_TARGET, "Signing data with {}...", names::signature(self.alg));
        let signature = self.client.sign_hash(&self.name, self.alg, &digest)?;
        if self.alg.is_ecdsa() {
            return keys::ecdsa_signature_to_der(&signature);
        }
        Ok(signature)
    }
}

impl PublicKeyData for ServiceKey<'_> {
    fn der_bytes(&self) -> &[u8] {
        &self.public
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        self.rcgen_alg
    }
}

impl SigningKey for ServiceKey<'_> {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        if self.pss.is_some() {
            // Signed later, by `finish`, once the algorithm is PSS.
            return Ok(Vec::new());
        }
        self.sign_here(message).map_err(|failure| {
            *self.failure.borrow_mut() = Some(failure);
            rcgen::Error::RemoteKeyError
        })
    }
}

/// rcgen's name for a key's signature scheme, when it has one.
fn rcgen_algorithm(
    key_type: KeyType,
    bits: u32,
    alg: AsymmetricSignature,
) -> Option<&'static SignatureAlgorithm> {
    let hash = alg.sign_hash().and_then(|hash| hash.specific())?;
    let secp_r1 = key_type
        == KeyType::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        };
    match (alg, hash) {
        (AsymmetricSignature::RsaPkcs1v15Sign { .. }, Hash::Sha256) => {
            Some(&rcgen::PKCS_RSA_SHA256)
        }
        (AsymmetricSignature::RsaPkcs1v15Sign { .. }, Hash::Sha384) => {
            Some(&rcgen::PKCS_RSA_SHA384)
        }
        (AsymmetricSignature::RsaPkcs1v15Sign { .. }, Hash::Sha512) => {
            Some(&rcgen::PKCS_RSA_SHA512)
        }
        // The carrier rcgen writes; `pss` replaces it.
        (AsymmetricSignature::RsaPss { .. }, Hash::Sha256 | Hash::Sha384 | Hash::Sha512) => {
            Some(&rcgen::PKCS_RSA_SHA256)
        }
        (
            AsymmetricSignature::Ecdsa { .. } | AsymmetricSignature::DeterministicEcdsa { .. },
            hash,
        ) if secp_r1 => match (bits, hash) {
            (256, Hash::Sha256) => Some(&rcgen::PKCS_ECDSA_P256_SHA256),
            (384, Hash::Sha384) => Some(&rcgen::PKCS_ECDSA_P384_SHA384),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use psc_client::psa::SignHash;

    use super::*;

    #[test]
    fn only_schemes_x509_names_are_chosen() {
        let ecdsa = |hash| AsymmetricSignature::Ecdsa {
            hash: SignHash::Specific(hash),
        };
        let p = KeyType::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        };
        let k = KeyType::EccKeyPair {
            curve_family: EccFamily::SecpK1,
        };
        assert!(rcgen_algorithm(p, 256, ecdsa(Hash::Sha256)).is_some());
        assert!(rcgen_algorithm(p, 384, ecdsa(Hash::Sha384)).is_some());
        assert!(rcgen_algorithm(p, 384, ecdsa(Hash::Sha256)).is_none());
        assert!(rcgen_algorithm(k, 256, ecdsa(Hash::Sha256)).is_none());
        let pss = AsymmetricSignature::RsaPss {
            hash: SignHash::Specific(Hash::Sha256),
        };
        assert!(rcgen_algorithm(KeyType::RsaKeyPair, 2048, pss).is_some());
        let sha224 = AsymmetricSignature::RsaPss {
            hash: SignHash::Specific(Hash::Sha224),
        };
        assert!(rcgen_algorithm(KeyType::RsaKeyPair, 2048, sha224).is_none());
    }
}
