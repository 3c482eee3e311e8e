//! Keys end to end with the published `parsec-client`: lifecycle, signatures, listing,
//! persistence across restarts, and the isolation of applications.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use parsec_client::BasicClient;
use parsec_client::auth::Authentication;
use parsec_client::core::interface::operations::psa_algorithm::{
    AsymmetricSignature, Hash, SignHash,
};
use parsec_client::core::interface::operations::psa_key_attributes::UsageFlags;
use parsec_client::core::interface::requests::{ProviderId, ResponseStatus};
use psc_testkit::TestDaemon;
use psc_testkit::published::{ECDSA_SHA256, ecc_signing_attributes, service_status};

fn direct(daemon: &TestDaemon, app: &str) -> BasicClient {
    daemon.published_client(Authentication::Direct(app.into()))
}

#[test]
fn generate_sign_verify_export_list_destroy() {
    let daemon = TestDaemon::start();
    let client = direct(&daemon, "alice");
    assert_eq!(client.implicit_provider(), ProviderId::MbedCrypto);
    client
        .psa_generate_key("k", ecc_signing_attributes())
        .unwrap();

    let hash = [0xaa; 32];
    let signature = client.psa_sign_hash("k", &hash, ECDSA_SHA256).unwrap();
    assert_eq!(signature.len(), 64);
    client
        .psa_verify_hash("k", &hash, ECDSA_SHA256, &signature)
        .unwrap();
    let tampered = [0xab; 32];
    let bad = client.psa_verify_hash("k", &tampered, ECDSA_SHA256, &signature);
    assert_eq!(
        service_status(bad),
        ResponseStatus::PsaErrorInvalidSignature
    );

    let public = client.psa_export_public_key("k").unwrap();
    assert_eq!((public.len(), public[0]), (65, 0x04));

    let keys = client.list_keys().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(
        (keys[0].name.as_str(), keys[0].provider_id),
        ("k", ProviderId::MbedCrypto)
    );
    assert_eq!(keys[0].attributes.bits, 256);
    assert_eq!(
        keys[0].attributes.key_type,
        ecc_signing_attributes().key_type
    );
    assert_eq!(
        client.key_attributes("k").unwrap().policy,
        ecc_signing_attributes().policy
    );

    client.psa_destroy_key("k").unwrap();
    assert!(client.list_keys().unwrap().is_empty());
    let gone = client.psa_sign_hash("k", &hash, ECDSA_SHA256);
    assert_eq!(service_status(gone), ResponseStatus::PsaErrorDoesNotExist);
}

#[test]
fn creation_refusals() {
    let daemon = TestDaemon::start();
    let client = direct(&daemon, "alice");
    client
        .psa_generate_key("k", ecc_signing_attributes())
        .unwrap();
    let again = client.psa_generate_key("k", ecc_signing_attributes());
    assert_eq!(service_status(again), ResponseStatus::PsaErrorAlreadyExists);
    let mut sha1 = ecc_signing_attributes();
    sha1.policy.permitted_algorithms = AsymmetricSignature::Ecdsa {
        hash_alg: SignHash::Specific(sha1_hash()),
    }
    .into();
    assert_eq!(
        service_status(client.psa_generate_key("old", sha1)),
        ResponseStatus::DeprecatedPrimitive
    );
    let mut odd = ecc_signing_attributes();
    odd.bits = 255;
    assert_eq!(
        service_status(client.psa_generate_key("odd", odd)),
        ResponseStatus::PsaErrorInvalidArgument
    );
    let long = "x".repeat(1025);
    assert_eq!(
        service_status(client.psa_generate_key(&long, ecc_signing_attributes())),
        ResponseStatus::PsaErrorInvalidArgument
    );
    // Nothing half-created remains.
    let names: Vec<_> = client
        .list_keys()
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .collect();
    assert_eq!(names, ["k"]);
}

#[test]
fn policy_is_enforced_before_the_provider() {
    let daemon = TestDaemon::start();
    let client = direct(&daemon, "alice");
    let mut verify_only = ecc_signing_attributes();
    verify_only.policy.usage_flags = UsageFlags::default();
    verify_only.policy.usage_flags.set_verify_hash();
    client.psa_generate_key("v", verify_only).unwrap();
    let refused = client.psa_sign_hash("v", &[0; 32], ECDSA_SHA256);
    assert_eq!(
        service_status(refused),
        ResponseStatus::PsaErrorNotPermitted
    );
    client
        .psa_generate_key("k", ecc_signing_attributes())
        .unwrap();
    let sha384 = AsymmetricSignature::Ecdsa {
        hash_alg: SignHash::Specific(Hash::Sha384),
    };
    assert_eq!(
        service_status(client.psa_sign_hash("k", &[0; 48], sha384)),
        ResponseStatus::PsaErrorNotPermitted
    );
    assert_eq!(
        service_status(client.psa_sign_hash("k", &[0; 31], ECDSA_SHA256)),
        ResponseStatus::PsaErrorInvalidArgument
    );
}

#[test]
fn imported_keys_sign_like_generated_ones() {
    let daemon = TestDaemon::start();
    let client = direct(&daemon, "alice");
    // RFC 6979 A.2.5: the P-256 private key x.
    let scalar = hex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721");
    let mut attributes = ecc_signing_attributes();
    attributes.bits = 0;
    client
        .psa_import_key("imported", &scalar, attributes)
        .unwrap();
    let public = client.psa_export_public_key("imported").unwrap();
    // RFC 6979 A.2.5: Ux.
    assert_eq!(
        &public[1..33],
        hex("60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6")
    );
    // The real size is stored, not the 0 the import declared.
    assert_eq!(client.key_attributes("imported").unwrap().bits, 256);
    let signature = client
        .psa_sign_hash("imported", &[7; 32], ECDSA_SHA256)
        .unwrap();
    client
        .psa_verify_hash("imported", &[7; 32], ECDSA_SHA256, &signature)
        .unwrap();
}

#[test]
fn keys_survive_a_restart() {
    let daemon = TestDaemon::start();
    let public = {
        let client = direct(&daemon, "alice");
        client
            .psa_generate_key("k", ecc_signing_attributes())
            .unwrap();
        client.psa_export_public_key("k").unwrap()
    };
    let daemon = daemon.restart();
    let client = direct(&daemon, "alice");
    assert_eq!(client.psa_export_public_key("k").unwrap(), public);
    let signature = client.psa_sign_hash("k", &[1; 32], ECDSA_SHA256).unwrap();
    client
        .psa_verify_hash("k", &[1; 32], ECDSA_SHA256, &signature)
        .unwrap();
}

/// Everything bob can do to alice's key answers exactly as for a key that does not exist.
#[test]
fn applications_cannot_see_or_touch_each_others_keys() {
    let daemon = TestDaemon::start();
    let alice = direct(&daemon, "alice");
    let bob = direct(&daemon, "bob");
    alice
        .psa_generate_key("secret", ecc_signing_attributes())
        .unwrap();
    assert!(bob.list_keys().unwrap().is_empty());
    for name in ["secret", "absent"] {
        assert_eq!(
            service_status(bob.psa_sign_hash(name, &[0; 32], ECDSA_SHA256)),
            ResponseStatus::PsaErrorDoesNotExist
        );
        assert_eq!(
            service_status(bob.psa_verify_hash(name, &[0; 32], ECDSA_SHA256, &[0; 64])),
            ResponseStatus::PsaErrorDoesNotExist
        );
        assert_eq!(
            service_status(bob.psa_export_public_key(name)),
            ResponseStatus::PsaErrorDoesNotExist
        );
        assert_eq!(
            service_status(bob.psa_destroy_key(name)),
            ResponseStatus::PsaErrorDoesNotExist
        );
    }
    // Bob may use the same name for a key of his own.
    bob.psa_generate_key("secret", ecc_signing_attributes())
        .unwrap();
    assert_ne!(
        bob.psa_export_public_key("secret").unwrap(),
        alice.psa_export_public_key("secret").unwrap()
    );
    bob.psa_destroy_key("secret").unwrap();
    assert_eq!(alice.list_keys().unwrap().len(), 1);
}

/// An identity is (authenticator, name): the Direct application "<uid>" is not that user.
#[test]
fn authenticators_do_not_share_namespaces() {
    let daemon = TestDaemon::start();
    let peer = daemon.published_client(Authentication::UnixPeerCredentials);
    peer.psa_generate_key("k", ecc_signing_attributes())
        .unwrap();
    let uid = rustix::process::getuid().as_raw().to_string();
    let impostor = direct(&daemon, &uid);
    assert!(impostor.list_keys().unwrap().is_empty());
    assert_eq!(
        service_status(impostor.psa_export_public_key("k")),
        ResponseStatus::PsaErrorDoesNotExist
    );
    assert_eq!(peer.list_keys().unwrap().len(), 1);
}

#[test]
fn admins_list_and_delete_clients() {
    let daemon = TestDaemon::start();
    direct(&daemon, "alice")
        .psa_generate_key("a", ecc_signing_attributes())
        .unwrap();
    direct(&daemon, "bob")
        .psa_generate_key("b", ecc_signing_attributes())
        .unwrap();
    let admin = direct(&daemon, "admin");
    assert_eq!(admin.list_clients().unwrap(), ["alice", "bob"]);
    assert_eq!(
        service_status(direct(&daemon, "alice").list_clients()),
        ResponseStatus::AdminOperation
    );
    assert_eq!(
        service_status(direct(&daemon, "alice").delete_client("bob")),
        ResponseStatus::AdminOperation
    );
    admin.delete_client("bob").unwrap();
    assert!(direct(&daemon, "bob").list_keys().unwrap().is_empty());
    assert_eq!(admin.list_clients().unwrap(), ["alice"]);
    // Unlike the original, deleting a client without keys is reported.
    assert_eq!(
        service_status(admin.delete_client("nobody")),
        ResponseStatus::PsaErrorDoesNotExist
    );
}

#[test]
fn a_rejected_reload_keeps_serving() {
    let daemon = TestDaemon::start();
    let client = direct(&daemon, "alice");
    client
        .psa_generate_key("k", ecc_signing_attributes())
        .unwrap();
    let mut broken = daemon.config().clone();
    broken.providers[0].kind = psc_service::config::ProviderKind::Software {
        master_key_path: "/proc/version".into(),
        key_cache_size: 0,
        min_rsa_bits: 1024,
    };
    assert!(daemon.reload(broken).is_err());
    assert_eq!(client.ping().unwrap(), (1, 0));
    client.psa_sign_hash("k", &[0; 32], ECDSA_SHA256).unwrap();
    // A good reload applies: admins change at once, keys stay.
    let mut promoted = daemon.config().clone();
    promoted.authenticators[1].admins = vec!["alice".into()];
    daemon.reload(promoted).unwrap();
    assert_eq!(client.list_clients().unwrap(), ["alice"]);
    client.psa_sign_hash("k", &[0; 32], ECDSA_SHA256).unwrap();
}

/// SHA-1, deprecated in the client too: used on purpose, to be refused.
#[allow(deprecated)]
fn sha1_hash() -> Hash {
    Hash::Sha1
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}
