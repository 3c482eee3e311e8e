//! Every typed operation of the client against the real service, in-process on a temporary
//! socket with the software provider.

use psc_client::psa::{
    Aead, AeadAlg, Algorithm, AsymmetricSignature, EccFamily, Hash, KeyType, Policy, SignHash,
    UsageFlags,
};
use psc_client::{Attributes, CheckType, Client, ClientError, Error, ProviderId, Status};
use psc_testkit::TestDaemon;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn discovered(daemon: &TestDaemon) -> Result<Client, Error> {
    let mut client = Client::new(daemon.socket_path());
    client.discover(Some("operations-test"))?;
    Ok(client)
}

fn ecdsa() -> AsymmetricSignature {
    AsymmetricSignature::Ecdsa {
        hash: SignHash::Specific(Hash::Sha256),
    }
}

fn p256() -> Attributes {
    Attributes::signing_key(
        KeyType::EccKeyPair {
            curve_family: EccFamily::SecpR1,
        },
        256,
        ecdsa(),
    )
}

fn aes_gcm() -> Attributes {
    Attributes {
        key_type: KeyType::Aes,
        bits: 128,
        policy: Policy {
            usage_flags: UsageFlags {
                encrypt: true,
                decrypt: true,
                ..UsageFlags::default()
            },
            permitted_algorithm: Algorithm::Aead(Aead::DefaultTag(AeadAlg::Gcm)),
        },
    }
}

#[test]
fn discovery_takes_the_first_crypto_provider_and_peer_credentials() -> TestResult {
    let daemon = TestDaemon::start();
    let client = discovered(&daemon)?;
    assert_eq!(client.provider(), ProviderId::MbedCrypto);
    assert_eq!(client.auth(), &psc_client::Auth::UnixPeerCredentials);
    Ok(())
}

#[test]
fn crypto_before_choosing_a_provider_is_a_client_error() -> TestResult {
    let daemon = TestDaemon::start();
    let client = Client::new(daemon.socket_path());
    let error = client.generate_key("k", p256()).err();
    assert!(
        matches!(error, Some(Error::Client(ClientError::NoProvider))),
        "{error:?}"
    );
    Ok(())
}

#[test]
fn an_ecc_key_signs_verifies_and_is_listed_then_destroyed() -> TestResult {
    let daemon = TestDaemon::start();
    let client = discovered(&daemon)?;
    client.generate_key("signer", p256())?;

    let hash = client.hash_compute(Hash::Sha256, b"hello")?;
    assert_eq!(hash.len(), 32);
    client.hash_compare(Hash::Sha256, b"hello", &hash)?;
    let signature = client.sign_hash("signer", ecdsa(), &hash)?;
    assert_eq!(signature.len(), 64);
    client.verify_hash("signer", ecdsa(), &hash, &signature)?;
    client.verify_message("signer", ecdsa(), b"hello", &signature)?;
    let tampered = client.verify_message("signer", ecdsa(), b"hellO", &signature);
    assert_eq!(
        tampered.err().and_then(|e| e.status()),
        Some(Status::PsaErrorInvalidSignature)
    );
    let message_signature = client.sign_message("signer", ecdsa(), b"hello")?;
    client.verify_hash("signer", ecdsa(), &hash, &message_signature)?;

    let public = client.export_public_key("signer")?;
    assert_eq!((public.len(), public.first()), (65, Some(&4)));
    let export = client.export_key("signer").err();
    assert_eq!(
        export.and_then(|e| e.status()),
        Some(Status::PsaErrorNotPermitted)
    );
    client.can_do_crypto(CheckType::Generate, p256())?;

    let info = client.key_info("signer")?.ok_or("the key is not listed")?;
    assert_eq!(info.attributes, p256());
    assert_eq!(client.list_keys()?.len(), 1);
    client.destroy_key("signer")?;
    assert!(client.key_info("signer")?.is_none());
    let again = client.destroy_key("signer").err();
    assert_eq!(
        again.and_then(|e| e.status()),
        Some(Status::PsaErrorDoesNotExist)
    );
    Ok(())
}

#[test]
fn an_imported_public_key_verifies_what_its_pair_signed() -> TestResult {
    let daemon = TestDaemon::start();
    let client = discovered(&daemon)?;
    client.generate_key("pair", p256())?;
    let public = client.export_public_key("pair")?;
    let mut attributes = p256();
    attributes.key_type = KeyType::EccPublicKey {
        curve_family: EccFamily::SecpR1,
    };
    client.import_key("public", attributes, &public)?;
    let signature = client.sign_message("pair", ecdsa(), b"data")?;
    client.verify_message("public", ecdsa(), b"data", &signature)?;
    Ok(())
}

#[test]
fn aead_round_trips_and_detects_tampering() -> TestResult {
    let daemon = TestDaemon::start();
    let client = discovered(&daemon)?;
    client.generate_key("aes", aes_gcm())?;
    let alg = Aead::DefaultTag(AeadAlg::Gcm);
    let nonce = client.generate_random(12)?;
    let sealed = client.aead_encrypt("aes", alg, &nonce, b"header", b"secret")?;
    assert_eq!(sealed.len(), 6 + 16);
    let opened = client.aead_decrypt("aes", alg, &nonce, b"header", &sealed)?;
    assert_eq!(opened.as_bytes(), b"secret");
    let wrong = client
        .aead_decrypt("aes", alg, &nonce, b"other", &sealed)
        .err();
    assert_eq!(
        wrong.and_then(|e| e.status()),
        Some(Status::PsaErrorInvalidSignature)
    );
    Ok(())
}

#[test]
fn admin_operations_are_refused_to_applications() -> TestResult {
    let daemon = TestDaemon::start();
    let client = discovered(&daemon)?;
    let error = client.list_clients().err();
    assert_eq!(error.and_then(|e| e.status()), Some(Status::AdminOperation));
    let error = client.delete_client("someone").err();
    assert_eq!(error.and_then(|e| e.status()), Some(Status::AdminOperation));
    Ok(())
}
