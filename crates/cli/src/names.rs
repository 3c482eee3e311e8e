//! The names the published tool prints for providers and authenticators (the Display texts
//! of the published interface crate) and for key types and algorithms (the Debug texts of the
//! published PSA types, whose field names differ from ours), part of its output format.

use psc_client::psa::{
    Aead, Algorithm, AsymmetricEncryption, AsymmetricSignature, FullLengthMac, KeyAgreement,
    KeyDerivation, KeyType, Mac,
};
use psc_client::{AuthType, ProviderId};

/// The display name of a provider slot, e.g. `Core provider`.
pub(crate) fn provider(id: ProviderId) -> &'static str {
    match id {
        ProviderId::Core => "Core provider",
        ProviderId::MbedCrypto => "Mbed Crypto provider",
        ProviderId::Pkcs11 => "PKCS #11 provider",
        ProviderId::Tpm => "TPM provider",
        ProviderId::TrustedService => "Trusted Service provider",
        ProviderId::CryptoAuthLib => "CryptoAuthentication Library provider",
        _ => "Unknown provider",
    }
}

/// The display name of an authentication type, e.g. `Direct authentication`.
pub(crate) fn authenticator(id: AuthType) -> &'static str {
    match id {
        AuthType::NoAuth => "No authentication",
        AuthType::Direct => "Direct authentication",
        AuthType::Jwt => "JSON Web Tokens authentication",
        AuthType::UnixPeerCredentials => "Unix Peer Credentials authentication",
        AuthType::JwtSvid => "JWT SPIFFE Verifiable Identity Document authentication",
        _ => "Unknown authentication",
    }
}

/// A key type as the published tool prints it, e.g. `EccKeyPair { curve_family: SecpR1 }`
/// (our Debug text is the same shape).
pub(crate) fn key_type(key_type: KeyType) -> String {
    format!("{key_type:?}")
}

/// An algorithm as the published tool prints it, e.g.
/// `AsymmetricSignature(Ecdsa { hash_alg: Specific(Sha256) })`.
pub(crate) fn algorithm(alg: Algorithm) -> String {
    match alg {
        Algorithm::None => "None".to_owned(),
        Algorithm::Hash(hash) => format!("Hash({hash:?})"),
        Algorithm::Mac(mac) => format!("Mac({})", self::mac(mac)),
        Algorithm::Cipher(cipher) => format!("Cipher({cipher:?})"),
        Algorithm::Aead(aead) => format!("Aead({})", self::aead(aead)),
        Algorithm::AsymmetricSignature(sig) => format!("AsymmetricSignature({})", signature(sig)),
        Algorithm::AsymmetricEncryption(enc) => {
            format!("AsymmetricEncryption({})", encryption(enc))
        }
        Algorithm::KeyAgreement(agreement) => format!("KeyAgreement({})", key_agreement(agreement)),
        Algorithm::KeyDerivation(kdf) => format!("KeyDerivation({})", key_derivation(kdf)),
    }
}

/// A signature algorithm, e.g. `RsaPss { hash_alg: Specific(Sha256) }`.
pub(crate) fn signature(alg: AsymmetricSignature) -> String {
    match alg {
        AsymmetricSignature::RsaPkcs1v15Sign { hash } => {
            format!("RsaPkcs1v15Sign {{ hash_alg: {hash:?} }}")
        }
        AsymmetricSignature::RsaPss { hash } => format!("RsaPss {{ hash_alg: {hash:?} }}"),
        AsymmetricSignature::Ecdsa { hash } => format!("Ecdsa {{ hash_alg: {hash:?} }}"),
        AsymmetricSignature::DeterministicEcdsa { hash } => {
            format!("DeterministicEcdsa {{ hash_alg: {hash:?} }}")
        }
        AsymmetricSignature::RsaPkcs1v15SignRaw => "RsaPkcs1v15SignRaw".to_owned(),
        AsymmetricSignature::EcdsaAny => "EcdsaAny".to_owned(),
    }
}

/// An asymmetric encryption algorithm, e.g. `RsaOaep { hash_alg: Sha256 }`.
pub(crate) fn encryption(alg: AsymmetricEncryption) -> String {
    match alg {
        AsymmetricEncryption::RsaPkcs1v15Crypt => "RsaPkcs1v15Crypt".to_owned(),
        AsymmetricEncryption::RsaOaep { hash } => format!("RsaOaep {{ hash_alg: {hash:?} }}"),
    }
}

/// An AEAD algorithm, e.g. `AeadWithDefaultLengthTag(Gcm)`.
pub(crate) fn aead(alg: Aead) -> String {
    match alg {
        Aead::DefaultTag(aead) => format!("AeadWithDefaultLengthTag({aead:?})"),
        Aead::ShortenedTag { aead, tag_length } => {
            format!("AeadWithShortenedTag {{ aead_alg: {aead:?}, tag_length: {tag_length} }}")
        }
    }
}

fn mac(alg: Mac) -> String {
    match alg {
        Mac::FullLength(mac) => format!("FullLength({})", full_length_mac(mac)),
        Mac::Truncated { mac, length } => format!(
            "Truncated {{ mac_alg: {}, mac_length: {length} }}",
            full_length_mac(mac)
        ),
    }
}

fn full_length_mac(alg: FullLengthMac) -> String {
    match alg {
        FullLengthMac::Hmac { hash } => format!("Hmac {{ hash_alg: {hash:?} }}"),
        FullLengthMac::CbcMac => "CbcMac".to_owned(),
        FullLengthMac::Cmac => "Cmac".to_owned(),
    }
}

fn key_agreement(alg: KeyAgreement) -> String {
    match alg {
        KeyAgreement::Raw(raw) => format!("Raw({raw:?})"),
        KeyAgreement::WithKeyDerivation {
            agreement,
            derivation,
        } => format!(
            "WithKeyDerivation {{ ka_alg: {agreement:?}, kdf_alg: {} }}",
            key_derivation(derivation)
        ),
    }
}

fn key_derivation(alg: KeyDerivation) -> String {
    match alg {
        KeyDerivation::Hkdf { hash } => format!("Hkdf {{ hash_alg: {hash:?} }}"),
        KeyDerivation::Tls12Prf { hash } => format!("Tls12Prf {{ hash_alg: {hash:?} }}"),
        KeyDerivation::Tls12PskToMs { hash } => format!("Tls12PskToMs {{ hash_alg: {hash:?} }}"),
    }
}

#[cfg(test)]
mod tests {
    use psc_client::psa::{AeadAlg, Hash, RawKeyAgreement, SignHash};

    use super::*;

    #[test]
    fn algorithms_read_as_the_published_types_print_them() {
        let ecdsa = AsymmetricSignature::Ecdsa {
            hash: SignHash::Specific(Hash::Sha256),
        };
        assert_eq!(
            algorithm(Algorithm::AsymmetricSignature(ecdsa)),
            "AsymmetricSignature(Ecdsa { hash_alg: Specific(Sha256) })"
        );
        let oaep = AsymmetricEncryption::RsaOaep { hash: Hash::Sha256 };
        assert_eq!(
            algorithm(Algorithm::AsymmetricEncryption(oaep)),
            "AsymmetricEncryption(RsaOaep { hash_alg: Sha256 })"
        );
        let gcm = Aead::DefaultTag(AeadAlg::Gcm);
        assert_eq!(
            algorithm(Algorithm::Aead(gcm)),
            "Aead(AeadWithDefaultLengthTag(Gcm))"
        );
        let hmac = Mac::Truncated {
            mac: FullLengthMac::Hmac { hash: Hash::Sha256 },
            length: 16,
        };
        assert_eq!(
            algorithm(Algorithm::Mac(hmac)),
            "Mac(Truncated { mac_alg: Hmac { hash_alg: Sha256 }, mac_length: 16 })"
        );
        let ecdh = KeyAgreement::WithKeyDerivation {
            agreement: RawKeyAgreement::Ecdh,
            derivation: KeyDerivation::Hkdf { hash: Hash::Sha384 },
        };
        assert_eq!(
            algorithm(Algorithm::KeyAgreement(ecdh)),
            "KeyAgreement(WithKeyDerivation { ka_alg: Ecdh, kdf_alg: Hkdf { hash_alg: Sha384 } })"
        );
    }
}
