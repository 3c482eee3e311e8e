//! The listing results of the parsec-interface cases (see `native_results.rs`): providers,
//! authenticators, opcodes and keys.

use std::collections::{BTreeSet, HashSet};

use parsec_interface::operations::list_authenticators::AuthenticatorInfo as TAuthenticatorInfo;
use parsec_interface::operations::list_keys::KeyInfo as TKeyInfo;
use parsec_interface::operations::list_providers::ProviderInfo as TProviderInfo;
use parsec_interface::operations::psa_algorithm as t;
use parsec_interface::operations::psa_key_attributes::{
    DhFamily as TDhFamily, EccFamily as TEccFamily, Type as TType, UsageFlags as TUsageFlags,
};
use parsec_interface::operations::{
    NativeResult as Res, list_authenticators, list_keys, list_opcodes, list_providers, ping,
};
use parsec_interface::requests::{
    AuthType as TAuthType, Opcode as TOpcode, ProviderId as TProviderId,
};
use psc_psa::{
    Algorithm, Cipher, DhFamily, EccFamily, FullLengthMac, Hash, KeyDerivation, KeyType, Mac,
    UsageFlags,
};
use psc_wire::ops::list_authenticators::AuthenticatorInfo;
use psc_wire::ops::list_keys::KeyInfo;
use psc_wire::ops::list_providers::ProviderInfo;
use psc_wire::ops::{
    ListAuthenticatorsResponse, ListKeysResponse, ListOpcodesResponse, ListProvidersResponse,
    PingResponse,
};
use psc_wire::{AuthType, Opcode, ProviderId, Response};
use uuid::Uuid;

use crate::bridge::BoxError;
use crate::native_ops::{our_attributes, their_attributes};
use crate::native_results::Case;

const MBED_UUID: &str = "1c1139dc-ad7c-47dc-ad6b-db6fdb466552";

pub(crate) fn discovery() -> Result<[Case; 4], BoxError> {
    let provider = TProviderInfo {
        uuid: MBED_UUID.parse()?,
        description: "software".into(),
        vendor: "Arm".into(),
        version_maj: 0,
        version_min: 1,
        version_rev: 2,
        id: TProviderId::MbedCrypto,
    };
    let authenticator = TAuthenticatorInfo {
        description: "direct".into(),
        version_maj: 1,
        version_min: 2,
        version_rev: 3,
        id: TAuthType::Direct,
    };
    let opcodes: HashSet<TOpcode> = [TOpcode::Ping, TOpcode::ListKeys, TOpcode::CanDoCrypto].into();
    Ok([
        (
            Res::Ping(ping::Result {
                wire_protocol_version_maj: 1,
                wire_protocol_version_min: 0,
            }),
            Response::Ping(PingResponse { major: 1, minor: 0 }),
        ),
        (
            Res::ListProviders(list_providers::Result {
                providers: vec![provider],
            }),
            Response::ListProviders(ListProvidersResponse {
                providers: vec![ProviderInfo {
                    uuid: Uuid::parse_str(MBED_UUID)?,
                    description: "software".into(),
                    vendor: "Arm".into(),
                    version_maj: 0,
                    version_min: 1,
                    version_rev: 2,
                    id: ProviderId::MbedCrypto,
                }],
            }),
        ),
        (
            Res::ListAuthenticators(list_authenticators::Result {
                authenticators: vec![authenticator],
            }),
            Response::ListAuthenticators(ListAuthenticatorsResponse {
                authenticators: vec![AuthenticatorInfo {
                    description: "direct".into(),
                    version_maj: 1,
                    version_min: 2,
                    version_rev: 3,
                    id: AuthType::Direct,
                }],
            }),
        ),
        (
            Res::ListOpcodes(list_opcodes::Result { opcodes }),
            Response::ListOpcodes(ListOpcodesResponse {
                opcodes: BTreeSet::from([Opcode::Ping, Opcode::ListKeys, Opcode::CanDoCrypto]),
            }),
        ),
    ])
}

/// Key policies using the algorithm and key-type variants the operation cases do not, as
/// parsec-interface builds them; [`our_keys`] lists the same keys in our types.
#[allow(
    deprecated,
    reason = "MD5 is still a contract value; its encoding is under test"
)]
fn their_keys() -> Vec<TKeyInfo> {
    let mut flags = TUsageFlags::default();
    let _ = flags
        .set_export()
        .set_copy()
        .set_cache()
        .set_encrypt()
        .set_decrypt();
    let prf = t::KeyDerivation::Tls12Prf {
        hash_alg: t::Hash::Md5,
    };
    let psk = t::KeyDerivation::Tls12PskToMs {
        hash_alg: t::Hash::Sha224,
    };
    let keys = [
        (TType::RawData, 0, t::Algorithm::None),
        (
            TType::Des,
            64,
            t::Algorithm::Mac(t::Mac::FullLength(t::FullLengthMac::CbcMac)),
        ),
        (
            TType::Camellia,
            128,
            t::Algorithm::Mac(t::Mac::FullLength(t::FullLengthMac::Cmac)),
        ),
        (
            TType::Arc4,
            40,
            t::Algorithm::Cipher(t::Cipher::StreamCipher),
        ),
        (TType::Chacha20, 256, t::Algorithm::Hash(t::Hash::Sha3_512)),
        (TType::Derive, 128, t::Algorithm::KeyDerivation(prf)),
        (
            TType::EccPublicKey {
                curve_family: TEccFamily::Montgomery,
            },
            255,
            t::Algorithm::KeyDerivation(psk),
        ),
        (
            TType::DhPublicKey {
                group_family: TDhFamily::Rfc7919,
            },
            3072,
            t::Algorithm::None,
        ),
        (
            TType::RsaPublicKey,
            1024,
            t::Algorithm::Cipher(t::Cipher::Ctr),
        ),
    ];
    let providers = [
        TProviderId::MbedCrypto,
        TProviderId::Pkcs11,
        TProviderId::CryptoAuthLib,
    ];
    let info = |(i, (key_type, bits, alg))| TKeyInfo {
        provider_id: providers[i % 3],
        name: format!("key-{i}"),
        attributes: their_attributes(key_type, bits, flags, alg),
    };
    keys.into_iter().enumerate().map(info).collect()
}

/// The keys of [`their_keys`], as our codec must decode them.
fn our_keys() -> Vec<KeyInfo> {
    let flags = UsageFlags {
        export: true,
        copy: true,
        cache: true,
        encrypt: true,
        decrypt: true,
        ..UsageFlags::default()
    };
    let prf = KeyDerivation::Tls12Prf { hash: Hash::Md5 };
    let psk = KeyDerivation::Tls12PskToMs { hash: Hash::Sha224 };
    let keys = [
        (KeyType::RawData, 0, Algorithm::None),
        (
            KeyType::Des,
            64,
            Algorithm::Mac(Mac::FullLength(FullLengthMac::CbcMac)),
        ),
        (
            KeyType::Camellia,
            128,
            Algorithm::Mac(Mac::FullLength(FullLengthMac::Cmac)),
        ),
        (KeyType::Arc4, 40, Algorithm::Cipher(Cipher::StreamCipher)),
        (KeyType::Chacha20, 256, Algorithm::Hash(Hash::Sha3_512)),
        (KeyType::Derive, 128, Algorithm::KeyDerivation(prf)),
        (
            KeyType::EccPublicKey {
                curve_family: EccFamily::Montgomery,
            },
            255,
            Algorithm::KeyDerivation(psk),
        ),
        (
            KeyType::DhPublicKey {
                group_family: DhFamily::Rfc7919,
            },
            3072,
            Algorithm::None,
        ),
        (KeyType::RsaPublicKey, 1024, Algorithm::Cipher(Cipher::Ctr)),
    ];
    let providers = [
        ProviderId::MbedCrypto,
        ProviderId::Pkcs11,
        ProviderId::CryptoAuthLib,
    ];
    let info = |(i, (key_type, bits, alg))| KeyInfo {
        provider_id: providers[i % 3],
        name: format!("key-{i}"),
        attributes: our_attributes(key_type, bits, flags, alg),
    };
    keys.into_iter().enumerate().map(info).collect()
}

pub(crate) fn list_keys() -> Case {
    (
        Res::ListKeys(list_keys::Result { keys: their_keys() }),
        Response::ListKeys(ListKeysResponse { keys: our_keys() }),
    )
}
