//! The names the published tool prints for providers and authenticators (the Display texts
//! of the published interface crate), part of its output format.

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
