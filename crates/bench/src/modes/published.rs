//! Mode `published`: the published `parsec-client` 0.16, set up exactly as Parsec
//! applications set it up, so each op is a new connection, one request, and a close.

use std::path::Path;
use std::time::Duration;

use parsec_client::BasicClient;
use parsec_client::auth::Authentication;
use parsec_client::core::interface::operations::psa_algorithm::{
    Aead, AeadWithDefaultLengthTag, AsymmetricSignature, Hash,
};
use parsec_client::core::interface::operations::psa_key_attributes::{
    Attributes, EccFamily, Lifetime, Policy, Type, UsageFlags,
};
use parsec_client::core::interface::requests::ResponseStatus;
use parsec_client::core::ipc_handler::unix_socket::Handler;
use parsec_client::error::Error;

use super::{Availability, Driver, Failure, Fixture, Session};
use crate::case::{Case, HASH, KeyNames, Mode, NONCE, PLAINTEXT_LEN, RANDOM_LEN, RSA_BITS};

/// The client's read and write timeout.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A published client on `socket`, authenticated by Unix peer credentials, talking to the
/// provider the service lists first (what `BasicClient::new` does, without reading the
/// process environment).
///
/// # Errors
/// When the socket does not exist or ListProviders fails.
pub(crate) fn client(socket: &Path) -> Result<BasicClient, Failure> {
    let mut client = BasicClient::default();
    let handler = Handler::new(socket.to_owned(), Some(TIMEOUT)).map_err(Failure::other)?;
    client.set_ipc_handler(Box::new(handler));
    client.set_default_provider().map_err(failure)?;
    client.set_auth_data(Authentication::UnixPeerCredentials);
    Ok(client)
}

/// The published client's error as a [`Failure`].
pub(crate) fn failure(error: Error) -> Failure {
    match error {
        Error::Service(ResponseStatus::PsaErrorNotSupported) => Failure::NotSupported,
        other => Failure::other(other),
    }
}

/// ECDSA over SHA-256, in the published client's types.
pub(crate) fn ecdsa() -> AsymmetricSignature {
    AsymmetricSignature::Ecdsa {
        hash_alg: Hash::Sha256.into(),
    }
}

/// RSA PKCS#1 v1.5 over SHA-256, in the published client's types.
pub(crate) fn rsa_pkcs1() -> AsymmetricSignature {
    AsymmetricSignature::RsaPkcs1v15Sign {
        hash_alg: Hash::Sha256.into(),
    }
}

/// AES-GCM with its 16-byte tag, in the published client's types.
pub(crate) fn gcm() -> Aead {
    Aead::AeadWithDefaultLengthTag(AeadWithDefaultLengthTag::Gcm)
}

/// The attributes of the P-256 signing key (what `parsec-tool create-ecc-key` sends).
pub(crate) fn ecdsa_key() -> Attributes {
    signing_key(
        Type::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        },
        256,
        ecdsa(),
    )
}

/// The attributes of the RSA-2048 signing key.
pub(crate) fn rsa_key() -> Attributes {
    signing_key(Type::RsaKeyPair, RSA_BITS as usize, rsa_pkcs1())
}

/// The attributes of the AES-128 key, for AES-GCM encryption and decryption.
pub(crate) fn aes_key() -> Attributes {
    let mut usage_flags = UsageFlags::default();
    let _ = usage_flags.set_encrypt().set_decrypt();
    Attributes {
        lifetime: Lifetime::Persistent,
        key_type: Type::Aes,
        bits: 128,
        policy: Policy {
            usage_flags,
            permitted_algorithms: gcm().into(),
        },
    }
}

fn signing_key(key_type: Type, bits: usize, alg: AsymmetricSignature) -> Attributes {
    let mut usage_flags = UsageFlags::default();
    let _ = usage_flags.set_sign_hash().set_verify_hash();
    Attributes {
        lifetime: Lifetime::Persistent,
        key_type,
        bits,
        policy: Policy {
            usage_flags,
            permitted_algorithms: alg.into(),
        },
    }
}

/// The published-client mode over a prepared daemon.
#[derive(Debug)]
pub(crate) struct Published<'a> {
    fixture: &'a Fixture,
}

impl Published<'_> {
    /// The mode over `fixture`'s daemon and keys.
    pub(crate) fn new(fixture: &Fixture) -> Published<'_> {
        Published { fixture }
    }
}

impl Driver for Published<'_> {
    fn mode(&self) -> Mode {
        Mode::Published
    }

    fn availability(&self, case: Case) -> Availability {
        self.fixture.availability(case)
    }

    fn session(&self, thread: usize) -> Result<Box<dyn Session + '_>, Failure> {
        Ok(Box::new(PublishedSession {
            client: client(self.fixture.socket())?,
            names: self.fixture.names(),
            signature: self.fixture.signature(),
            transient: self.fixture.names().transient(Mode::Published, thread),
            plaintext: vec![0x42; PLAINTEXT_LEN],
        }))
    }
}

/// One thread's published client and inputs.
struct PublishedSession<'a> {
    client: BasicClient,
    names: &'a KeyNames,
    signature: &'a [u8],
    transient: String,
    plaintext: Vec<u8>,
}

impl PublishedSession<'_> {
    fn fixed(&self, case: Case) -> String {
        self.names.fixed(case).unwrap_or_default()
    }
}

impl Session for PublishedSession<'_> {
    fn run(&mut self, case: Case) -> Result<(), Failure> {
        let client = &self.client;
        match case {
            Case::Ping => client.ping().map(drop),
            Case::EcdsaSign => client
                .psa_sign_hash(&self.fixed(case), &HASH, ecdsa())
                .map(drop),
            Case::RsaSign => client
                .psa_sign_hash(&self.fixed(case), &HASH, rsa_pkcs1())
                .map(drop),
            Case::EcdsaVerify => {
                client.psa_verify_hash(&self.fixed(case), &HASH, ecdsa(), self.signature)
            }
            Case::AesGcm => client
                .psa_aead_encrypt(&self.fixed(case), gcm(), &NONCE, &[], &self.plaintext)
                .map(drop),
            Case::Random => client.psa_generate_random(RANDOM_LEN).map(drop),
            Case::GenerateDestroy => client
                .psa_generate_key(&self.transient, ecdsa_key())
                .and_then(|()| client.psa_destroy_key(&self.transient)),
            Case::ListKeys => client.list_keys().map(drop),
            Case::EcdsaSignParsed | Case::RsaSignParsed => {
                return Err(Failure::other("aws-lc-rs alone runs in process only"));
            }
        }
        .map_err(failure)
    }
}
