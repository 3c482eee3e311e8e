//! Key types and sizes, TPM templates, and public keys in PSA format.
//!
//! Every key the TPM makes is unrestricted, `fixedTPM`, `fixedParent`,
//! `sensitiveDataOrigin`, `userWithAuth` and `noDA` (its authorization is 256 bits derived
//! per key, see `blob.rs`). Its scheme is the key's permitted algorithm when the TPM can run
//! it (RSASSA, RSAPSS, RSAES, OAEP or ECDSA with a specific hash; ECDH keys are decryption
//! keys with the null scheme), so the TPM itself refuses any other use; a key whose algorithm the TPM cannot run is still created (PSA allows it)
//! with the null scheme, and every operation with it answers `NotSupported`.

use pkcs1::der::{Decode, Encode};
use psc_provider_api::ProviderError;
use psc_psa::{
    Algorithm, AsymmetricEncryption, AsymmetricSignature, Attributes, EccFamily, Hash,
    KeyAgreement, KeyType, RawKeyAgreement, SignHash,
};
use tss_esapi::attributes::ObjectAttributesBuilder;
use tss_esapi::interface_types::algorithm::{HashingAlgorithm, PublicAlgorithm};
use tss_esapi::structures::{
    EccParameter, EccPoint, EccScheme, HashScheme, KeyDerivationFunctionScheme, Public,
    PublicBuilder, PublicEccParametersBuilder, PublicKeyRsa, PublicRsaParametersBuilder,
    RsaExponent, RsaScheme,
};

use zeroize::Zeroizing;

use crate::device::{Capabilities, curve, rsa_bits, tpm_hash};

/// What the TPM does with a key, from its permitted algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Use {
    /// A signature the TPM runs: the scheme's hash.
    Sign(AsymmetricSignature, Hash),
    /// An RSA encryption the TPM runs.
    Crypt(AsymmetricEncryption),
    /// Raw ECDH (TPM2_ECDH_ZGen), with a key pair.
    Agree,
    /// Nothing the TPM runs (the algorithm is none, or one the TPM lacks).
    Nothing,
}

/// Whether the key type and size is one this TPM has: `public` for the public half alone.
pub(crate) fn supports_key(caps: &Capabilities, key_type: KeyType, bits: u32) -> bool {
    match key_type {
        KeyType::RsaKeyPair | KeyType::RsaPublicKey => bits == 0 || caps.rsa_bits.contains(&bits),
        KeyType::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        }
        | KeyType::EccPublicKey {
            curve_family: EccFamily::SecpR1,
        } => bits == 0 || caps.ecc_bits.contains(&bits),
        _ => false,
    }
}

/// What the TPM does with a key of `key_type` permitted `alg`.
pub(crate) fn use_of(caps: &Capabilities, key_type: KeyType, alg: Algorithm) -> Use {
    let rsa = matches!(key_type, KeyType::RsaKeyPair | KeyType::RsaPublicKey);
    let ecc = matches!(
        key_type,
        KeyType::EccKeyPair { .. } | KeyType::EccPublicKey { .. }
    );
    let hash_ok = |hash: Hash| caps.hashes.contains(&hash);
    match alg {
        Algorithm::AsymmetricSignature(sig) => match sig {
            AsymmetricSignature::RsaPkcs1v15Sign {
                hash: SignHash::Specific(hash),
            }
            | AsymmetricSignature::RsaPss {
                hash: SignHash::Specific(hash),
            } if rsa && hash_ok(hash) => Use::Sign(sig, hash),
            AsymmetricSignature::Ecdsa {
                hash: SignHash::Specific(hash),
            } if ecc && hash_ok(hash) => Use::Sign(sig, hash),
            _ => Use::Nothing,
        },
        Algorithm::AsymmetricEncryption(enc) if rsa => match enc {
            AsymmetricEncryption::RsaPkcs1v15Crypt => Use::Crypt(enc),
            AsymmetricEncryption::RsaOaep { hash } if hash_ok(hash) => Use::Crypt(enc),
            AsymmetricEncryption::RsaOaep { .. } => Use::Nothing,
        },
        Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh))
            if matches!(key_type, KeyType::EccKeyPair { .. }) =>
        {
            Use::Agree
        }
        _ => Use::Nothing,
    }
}

fn tss(what: &str) -> impl Fn(tss_esapi::Error) -> ProviderError + '_ {
    move |e| ProviderError::Other(format!("{what}: {e}"))
}

fn hash_scheme(hash: Hash) -> Result<HashScheme, ProviderError> {
    tpm_hash(hash)
        .map(HashScheme::new)
        .ok_or_else(|| ProviderError::NotSupported(format!("{hash:?} on the TPM")))
}

/// The TPM template of a key with `attributes` (its size already known); `unique` is the
/// public key of an imported one.
pub(crate) fn template(
    caps: &Capabilities,
    attributes: &Attributes,
    unique: Option<Unique>,
) -> Result<Public, ProviderError> {
    let key_type = attributes.key_type;
    if !supports_key(caps, key_type, attributes.bits) || attributes.bits == 0 {
        return Err(ProviderError::NotSupported(format!(
            "{key_type:?} of {} bits on this TPM",
            attributes.bits
        )));
    }
    let usage = use_of(caps, key_type, attributes.policy.permitted_algorithm);
    let imported = unique.is_some();
    let (sign, decrypt) = match usage {
        Use::Sign(..) => (true, false),
        Use::Crypt(_) | Use::Agree => (false, true),
        // Neither the TPM runs: an RSA key may carry both with the null scheme; an ECC key
        // with the null scheme can only be a decryption (key agreement) key.
        Use::Nothing => (
            matches!(key_type, KeyType::RsaKeyPair | KeyType::RsaPublicKey),
            true,
        ),
    };
    let object = ObjectAttributesBuilder::new()
        .with_fixed_tpm(!imported)
        .with_fixed_parent(!imported)
        .with_sensitive_data_origin(!imported)
        .with_user_with_auth(true)
        .with_no_da(true)
        .with_sign_encrypt(sign)
        .with_decrypt(decrypt)
        .build()
        .map_err(tss("object attributes"))?;
    let builder = PublicBuilder::new()
        .with_name_hashing_algorithm(HashingAlgorithm::Sha256)
        .with_object_attributes(object);
    let shape = Shape {
        usage,
        bits: attributes.bits,
        sign,
        decrypt,
    };
    match key_type {
        KeyType::RsaKeyPair | KeyType::RsaPublicKey => rsa_template(builder, shape, unique),
        _ => ecc_template(builder, shape, unique),
    }
}

/// What a template is made of, beyond the object attributes.
#[derive(Clone, Copy)]
struct Shape {
    usage: Use,
    bits: u32,
    sign: bool,
    decrypt: bool,
}

fn rsa_template(
    builder: PublicBuilder,
    Shape {
        usage,
        bits,
        sign,
        decrypt,
    }: Shape,
    unique: Option<Unique>,
) -> Result<Public, ProviderError> {
    let scheme = match usage {
        Use::Sign(AsymmetricSignature::RsaPss { .. }, hash) => {
            RsaScheme::RsaPss(hash_scheme(hash)?)
        }
        Use::Sign(_, hash) => RsaScheme::RsaSsa(hash_scheme(hash)?),
        Use::Crypt(AsymmetricEncryption::RsaPkcs1v15Crypt) => RsaScheme::RsaEs,
        Use::Crypt(AsymmetricEncryption::RsaOaep { hash }) => RsaScheme::Oaep(hash_scheme(hash)?),
        Use::Nothing | Use::Agree => RsaScheme::Null,
    };
    let size = rsa_bits(bits).ok_or_else(|| ProviderError::NotSupported("RSA size".into()))?;
    let (modulus, exponent) = match unique {
        Some(Unique::Rsa { modulus, exponent }) => (modulus, exponent),
        Some(Unique::Ecc { .. }) => {
            return Err(ProviderError::InvalidArgument("not an RSA key".into()));
        }
        None => (Vec::new(), 0),
    };
    let params =
        PublicRsaParametersBuilder::new()
            .with_scheme(scheme)
            .with_key_bits(size)
            .with_exponent(RsaExponent::create(exponent).map_err(|_| {
                ProviderError::NotSupported(format!("RSA public exponent {exponent}"))
            })?)
            .with_is_signing_key(sign)
            .with_is_decryption_key(decrypt)
            .with_restricted(false)
            .build()
            .map_err(tss("RSA parameters"))?;
    builder
        .with_public_algorithm(PublicAlgorithm::Rsa)
        .with_rsa_parameters(params)
        .with_rsa_unique_identifier(PublicKeyRsa::try_from(modulus).map_err(tss("RSA modulus"))?)
        .build()
        .map_err(tss("RSA template"))
}

fn ecc_template(
    builder: PublicBuilder,
    Shape {
        usage,
        bits,
        sign,
        decrypt,
    }: Shape,
    unique: Option<Unique>,
) -> Result<Public, ProviderError> {
    let scheme = match usage {
        Use::Sign(_, hash) => EccScheme::EcDsa(hash_scheme(hash)?),
        _ => EccScheme::Null,
    };
    let curve = curve(bits).ok_or_else(|| ProviderError::NotSupported("ECC curve".into()))?;
    let point = match unique {
        Some(Unique::Ecc { x, y }) => EccPoint::new(
            EccParameter::try_from(x).map_err(tss("ECC x"))?,
            EccParameter::try_from(y).map_err(tss("ECC y"))?,
        ),
        Some(Unique::Rsa { .. }) => {
            return Err(ProviderError::InvalidArgument("not an ECC key".into()));
        }
        None => EccPoint::default(),
    };
    let params = PublicEccParametersBuilder::new()
        .with_ecc_scheme(scheme)
        .with_curve(curve)
        .with_key_derivation_function_scheme(KeyDerivationFunctionScheme::Null)
        .with_is_signing_key(sign)
        .with_is_decryption_key(decrypt)
        .with_restricted(false)
        .build()
        .map_err(tss("ECC parameters"))?;
    builder
        .with_public_algorithm(PublicAlgorithm::Ecc)
        .with_ecc_parameters(params)
        .with_ecc_unique_identifier(point)
        .build()
        .map_err(tss("ECC template"))
}

/// The public key of an imported key, for its template.
pub(crate) enum Unique {
    Rsa { modulus: Vec<u8>, exponent: u32 },
    Ecc { x: Vec<u8>, y: Vec<u8> },
}

/// Bytes of one coordinate (or scalar) of a curve of `bits`.
pub(crate) fn field_len(bits: u32) -> usize {
    usize::try_from(bits.div_ceil(8)).unwrap_or(usize::MAX)
}

/// Parses a public key in PSA format (PKCS#1 `RSAPublicKey`, or an uncompressed point);
/// answers its template's public part and its size.
pub(crate) fn parse_public(
    key_type: KeyType,
    declared_bits: u32,
    data: &[u8],
) -> Result<(Unique, u32), ProviderError> {
    let invalid = |why: &str| ProviderError::InvalidArgument(why.into());
    let (unique, bits) = match key_type {
        KeyType::RsaPublicKey => {
            let key: pkcs1::RsaPublicKey<pkcs1::UintRef<'_>> = pkcs1::RsaPublicKey::from_der(data)
                .map_err(|_| invalid("the data is not a DER PKCS#1 RSAPublicKey"))?;
            let modulus = key.modulus.as_bytes().to_vec();
            let exponent_bytes = key.public_exponent.as_bytes();
            if exponent_bytes.len() > 4 {
                return Err(ProviderError::NotSupported(
                    "an RSA public exponent over 32 bits".into(),
                ));
            }
            let exponent = exponent_bytes
                .iter()
                .fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
            let bits = modulus.first().map_or(0, |top| {
                u32::try_from(modulus.len() * 8).unwrap_or(u32::MAX) - top.leading_zeros()
            });
            // The TPM writes 65537 as 0, its default.
            let exponent = if exponent == 65537 { 0 } else { exponent };
            (Unique::Rsa { modulus, exponent }, bits)
        }
        KeyType::EccPublicKey {
            curve_family: EccFamily::SecpR1,
        } => {
            let bits = match data.len() {
                65 => 256,
                97 => 384,
                133 => 521,
                _ => {
                    return Err(invalid(
                        "not an uncompressed point of P-256, P-384 or P-521",
                    ));
                }
            };
            if data[0] != 4 {
                return Err(invalid("not an uncompressed point"));
            }
            let n = field_len(bits);
            let (x, y) = data[1..].split_at(n);
            (
                Unique::Ecc {
                    x: x.to_vec(),
                    y: y.to_vec(),
                },
                bits,
            )
        }
        other => {
            return Err(ProviderError::NotSupported(format!(
                "importing a {other:?} into the TPM"
            )));
        }
    };
    if declared_bits != 0 && declared_bits != bits {
        return Err(invalid(&format!(
            "the key has {bits} bits but the attributes declare {declared_bits}"
        )));
    }
    Ok((unique, bits))
}

/// The public key of `public` in PSA format.
pub(crate) fn export_public(public: &Public) -> Result<Vec<u8>, ProviderError> {
    match public {
        Public::Rsa {
            parameters, unique, ..
        } => {
            let exponent = match parameters.exponent().value() {
                0 => 65537,
                e => e,
            };
            let exponent = exponent.to_be_bytes();
            let start = exponent.iter().position(|b| *b != 0).unwrap_or(3);
            let key = pkcs1::RsaPublicKey {
                modulus: pkcs1::UintRef::new(unique.value())
                    .map_err(|_| ProviderError::CorruptKey("RSA modulus".into()))?,
                public_exponent: pkcs1::UintRef::new(&exponent[start..])
                    .map_err(|_| ProviderError::CorruptKey("RSA exponent".into()))?,
            };
            key.to_der()
                .map_err(|_| ProviderError::Other("cannot encode the RSA public key".into()))
        }
        Public::Ecc {
            parameters, unique, ..
        } => {
            let bits = match parameters.ecc_curve() {
                tss_esapi::interface_types::ecc::EccCurve::NistP256 => 256,
                tss_esapi::interface_types::ecc::EccCurve::NistP384 => 384,
                tss_esapi::interface_types::ecc::EccCurve::NistP521 => 521,
                other => {
                    return Err(ProviderError::CorruptKey(format!("curve {other:?}")));
                }
            };
            let n = field_len(bits);
            let mut out = Vec::with_capacity(1 + 2 * n);
            out.push(4);
            out.extend_from_slice(&left_pad(unique.x().value(), n)?);
            out.extend_from_slice(&left_pad(unique.y().value(), n)?);
            Ok(out)
        }
        _ => Err(ProviderError::CorruptKey("not an asymmetric key".into())),
    }
}

/// `bytes` as exactly `len` big-endian bytes.
pub(crate) fn left_pad(bytes: &[u8], len: usize) -> Result<Vec<u8>, ProviderError> {
    let significant = &bytes[bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len())..];
    if significant.len() > len {
        return Err(ProviderError::Other(
            "the TPM answered a value longer than its curve".into(),
        ));
    }
    let mut out = vec![0; len - significant.len()];
    out.extend_from_slice(significant);
    Ok(out)
}

/// The key size of `public`'s key, in bits.
pub(crate) fn modulus_len(public: &Public) -> usize {
    match public {
        Public::Rsa { parameters, .. } => usize::from(u16::from(parameters.key_bits())).div_ceil(8),
        _ => 0,
    }
}

/// A key pair in PSA format (PKCS#1 `RSAPrivateKey`, or the private scalar): its template's
/// public part, the TPM's sensitive value (the first prime, or the scalar) and its size.
pub(crate) fn parse_pair(
    key_type: KeyType,
    declared_bits: u32,
    data: &[u8],
) -> Result<(Unique, Zeroizing<Vec<u8>>, u32), ProviderError> {
    let invalid = |why: &str| ProviderError::InvalidArgument(why.into());
    let (unique, sensitive, bits) = match key_type {
        KeyType::RsaKeyPair => {
            let key: pkcs1::RsaPrivateKey<pkcs1::UintRef<'_>> =
                pkcs1::RsaPrivateKey::from_der(data)
                    .map_err(|_| invalid("the data is not a DER PKCS#1 RSAPrivateKey"))?;
            if key.other_prime_infos.is_some() {
                return Err(ProviderError::NotSupported("multi-prime RSA keys".into()));
            }
            let public = pkcs1::RsaPublicKey {
                modulus: key.modulus,
                public_exponent: key.public_exponent,
            }
            .to_der()
            .map_err(|_| invalid("the RSAPrivateKey's public part"))?;
            let (unique, bits) = parse_public(KeyType::RsaPublicKey, declared_bits, &public)?;
            let prime = Zeroizing::new(key.prime1.as_bytes().to_vec());
            (unique, prime, bits)
        }
        KeyType::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        } => {
            let (alg, bits) = match data.len() {
                32 => (&aws_lc_rs::agreement::ECDH_P256, 256),
                48 => (&aws_lc_rs::agreement::ECDH_P384, 384),
                66 => (&aws_lc_rs::agreement::ECDH_P521, 521),
                _ => return Err(invalid("not a P-256, P-384 or P-521 private scalar")),
            };
            let private = aws_lc_rs::agreement::PrivateKey::from_private_key(alg, data)
                .map_err(|_| invalid("not a valid private scalar of its curve"))?;
            let point = private
                .compute_public_key()
                .map_err(|_| invalid("not a valid private scalar of its curve"))?;
            let public_type = KeyType::EccPublicKey {
                curve_family: EccFamily::SecpR1,
            };
            let (unique, _) = parse_public(public_type, bits, point.as_ref())?;
            if declared_bits != 0 && declared_bits != bits {
                return Err(invalid(&format!(
                    "the key has {bits} bits but the attributes declare {declared_bits}"
                )));
            }
            (unique, Zeroizing::new(data.to_vec()), bits)
        }
        other => {
            return Err(ProviderError::NotSupported(format!(
                "importing a {other:?} into the TPM"
            )));
        }
    };
    Ok((unique, sensitive, bits))
}
