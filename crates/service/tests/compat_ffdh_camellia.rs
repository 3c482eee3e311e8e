//! Issue 22 items 3 and 4 through the service, with the published `parsec-client` as the
//! client and the software provider behind it: what an application written for the original
//! (Mbed Crypto provider, Parsec 1.5) asks for finite-field Diffie-Hellman, Camellia, X448
//! and the remaining prime curves, and the answer the original gives (written at each case).

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use parsec_client::BasicClient;
use parsec_client::auth::Authentication;
use parsec_client::core::interface::operations::can_do_crypto::CheckType;
use parsec_client::core::interface::operations::psa_algorithm::{
    Aead, AeadWithDefaultLengthTag, Algorithm, AsymmetricSignature, Cipher, Hash, KeyAgreement,
    RawKeyAgreement, SignHash,
};
use parsec_client::core::interface::operations::psa_key_attributes::{
    Attributes, DhFamily, EccFamily, Lifetime, Policy, Type, UsageFlags,
};
use parsec_client::core::interface::requests::ResponseStatus;
use psc_testkit::TestDaemon;
use psc_testkit::published::service_status;

fn client(daemon: &TestDaemon) -> BasicClient {
    daemon.published_client(Authentication::Direct("app".into()))
}

fn attributes(key_type: Type, bits: usize, alg: Algorithm) -> Attributes {
    let mut usage_flags = UsageFlags::default();
    usage_flags
        .set_sign_hash()
        .set_verify_hash()
        .set_sign_message()
        .set_verify_message()
        .set_encrypt()
        .set_decrypt()
        .set_derive()
        .set_export();
    Attributes {
        lifetime: Lifetime::Persistent,
        key_type,
        bits,
        policy: Policy {
            usage_flags,
            permitted_algorithms: alg,
        },
    }
}

const DH_PAIR: Type = Type::DhKeyPair {
    group_family: DhFamily::Rfc7919,
};
const DH_PUBLIC: Type = Type::DhPublicKey {
    group_family: DhFamily::Rfc7919,
};

/// FFDH on every RFC 7919 group. The original (Mbed TLS's PSA FFDH) answers Success to
/// generating a DH key pair, exporting its public value (as long as the prime), exporting
/// the pair (the private exponent, as long as the prime), importing either back, and to
/// raw FFDH, whose secret is as long as the prime; CanDoCrypto answers Success for each.
/// A size that is no RFC 7919 group is PsaErrorNotSupported to generation, import and
/// CanDoCrypto (Mbed TLS's `psa_is_dh_key_size_valid` refusal); a public key cannot agree
/// (PsaErrorInvalidArgument in the original and here).
#[test]
fn ffdh_as_the_original_serves_it() {
    let daemon = TestDaemon::start();
    let client = client(&daemon);
    let ffdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ffdh));
    for bits in [2048, 3072, 4096, 6144, 8192] {
        let key = attributes(DH_PAIR, bits, ffdh);
        for check in [CheckType::Generate, CheckType::Import, CheckType::Use] {
            client.can_do_crypto(check, key).unwrap();
        }
        let (alice, bob) = (format!("dh{bits}-alice"), format!("dh{bits}-bob"));
        client.psa_generate_key(&alice, key).unwrap();
        client.psa_generate_key(&bob, key).unwrap();
        let alice_public = client.psa_export_public_key(&alice).unwrap();
        let bob_public = client.psa_export_public_key(&bob).unwrap();
        assert_eq!(alice_public.len(), bits / 8);
        let one = client
            .psa_raw_key_agreement(RawKeyAgreement::Ffdh, &alice, &bob_public)
            .unwrap();
        let two = client
            .psa_raw_key_agreement(RawKeyAgreement::Ffdh, &bob, &alice_public)
            .unwrap();
        assert_eq!(one, two);
        assert_eq!(one.len(), bits / 8);
        // The exported exponent imports back (size from the data) and agrees alike.
        let exponent = client.psa_export_key(&alice).unwrap();
        assert_eq!(exponent.len(), bits / 8);
        let again = format!("dh{bits}-again");
        client
            .psa_import_key(&again, &exponent, attributes(DH_PAIR, 0, ffdh))
            .unwrap();
        assert_eq!(
            client
                .psa_raw_key_agreement(RawKeyAgreement::Ffdh, &again, &bob_public)
                .unwrap(),
            one
        );
        let public = format!("dh{bits}-public");
        client
            .psa_import_key(&public, &bob_public, attributes(DH_PUBLIC, bits, ffdh))
            .unwrap();
        assert_eq!(client.psa_export_public_key(&public).unwrap(), bob_public);
        assert_eq!(
            service_status(client.psa_raw_key_agreement(
                RawKeyAgreement::Ffdh,
                &public,
                &alice_public
            )),
            ResponseStatus::PsaErrorInvalidArgument
        );
        // A peer value out of range (0, or of the wrong length) is refused.
        let zero = vec![0u8; bits / 8];
        assert_eq!(
            service_status(client.psa_raw_key_agreement(RawKeyAgreement::Ffdh, &alice, &zero)),
            ResponseStatus::PsaErrorInvalidArgument
        );
        assert_eq!(
            service_status(client.psa_raw_key_agreement(
                RawKeyAgreement::Ffdh,
                &alice,
                &bob_public[1..]
            )),
            ResponseStatus::PsaErrorInvalidArgument
        );
    }
    let small = attributes(DH_PAIR, 1024, ffdh);
    assert_eq!(
        service_status(client.can_do_crypto(CheckType::Generate, small)),
        ResponseStatus::PsaErrorNotSupported
    );
    assert_eq!(
        service_status(client.psa_generate_key("dh1024", small)),
        ResponseStatus::PsaErrorNotSupported
    );
    let import = client.psa_import_key("dh1024", &[7; 128], attributes(DH_PAIR, 0, ffdh));
    assert_eq!(service_status(import), ResponseStatus::PsaErrorNotSupported);
}

/// Camellia. The original (Mbed Crypto provider) answers Success to generating and importing
/// Camellia-128/192/256 keys and to GCM and CCM with them (shortened tags too); a forged
/// tag is PsaErrorInvalidSignature. It has no cipher operations (PsaCipherEncrypt answers
/// PsaErrorNotSupported there); ours serves them for Camellia as for AES, a superset.
#[test]
fn camellia_as_the_original_serves_it() {
    let daemon = TestDaemon::start();
    let client = client(&daemon);
    let gcm = Aead::AeadWithDefaultLengthTag(AeadWithDefaultLengthTag::Gcm);
    let ccm = Aead::AeadWithShortenedTag {
        aead_alg: AeadWithDefaultLengthTag::Ccm,
        tag_length: 8,
    };
    for bits in [128, 192, 256] {
        for (alg, nonce_len, tag_len) in [(gcm, 12, 16), (ccm, 13, 8)] {
            let key = attributes(Type::Camellia, bits, alg.into());
            for check in [CheckType::Generate, CheckType::Import, CheckType::Use] {
                client.can_do_crypto(check, key).unwrap();
            }
            let name = format!("camellia{bits}-{tag_len}");
            client.psa_generate_key(&name, key).unwrap();
            let nonce = vec![3u8; nonce_len];
            let sealed = client
                .psa_aead_encrypt(&name, alg, &nonce, b"header", b"payload")
                .unwrap();
            assert_eq!(sealed.len(), 7 + tag_len);
            let opened = client
                .psa_aead_decrypt(&name, alg, &nonce, b"header", &sealed)
                .unwrap();
            assert_eq!(opened, b"payload");
            let mut forged = sealed;
            forged[0] ^= 1;
            assert_eq!(
                service_status(client.psa_aead_decrypt(&name, alg, &nonce, b"header", &forged)),
                ResponseStatus::PsaErrorInvalidSignature
            );
        }
        let name = format!("camellia{bits}-ctr");
        client
            .psa_generate_key(&name, attributes(Type::Camellia, bits, Cipher::Ctr.into()))
            .unwrap();
        let output = client
            .psa_cipher_encrypt(name.clone(), Cipher::Ctr, b"a Camellia message")
            .unwrap();
        assert_eq!(output.len(), 16 + 18, "IV then the ciphertext");
        let back = client
            .psa_cipher_decrypt(name, Cipher::Ctr, &output)
            .unwrap();
        assert_eq!(back, b"a Camellia message");
    }
    // Camellia-XTS: not served (nor is AES-XTS); PsaErrorNotSupported, CanDoCrypto alike.
    let xts = attributes(Type::Camellia, 256, Cipher::Xts.into());
    assert_eq!(
        service_status(client.can_do_crypto(CheckType::Use, xts)),
        ResponseStatus::PsaErrorNotSupported
    );
}

/// X448, SECP-K1 192 and Brainpool P-R1 160/192/224/320. The original (Mbed TLS) answers
/// Success to generating keys on them (Brainpool P-R1 160 is a deprecated curve: generation
/// answers DeprecatedPrimitive without `allow_deprecated`, import succeeds), to
/// randomized ECDSA on the Weierstrass ones and ECDH on all, X448's secret being 56 bytes.
/// Curves still not served answer PsaErrorNotSupported in the operation and in CanDoCrypto:
/// secp224k1 (Mbed TLS's PSA layer refuses it too) and the binary curves, which Mbed TLS
/// does not have at all.
#[test]
fn the_remaining_curves_as_the_original_serves_them() {
    let daemon = TestDaemon::start();
    let client = client(&daemon);
    let ecdsa = AsymmetricSignature::Ecdsa {
        hash_alg: SignHash::Specific(Hash::Sha256),
    };
    let ecdh = Algorithm::KeyAgreement(KeyAgreement::Raw(RawKeyAgreement::Ecdh));
    let k1 = EccFamily::SecpK1;
    let bp = EccFamily::BrainpoolPR1;
    let mg = EccFamily::Montgomery;
    for (family, bits) in [(k1, 192), (bp, 192), (bp, 224), (bp, 320), (mg, 448)] {
        let pair = Type::EccKeyPair {
            curve_family: family,
        };
        let name = format!("{family:?}-{bits}");
        if family != mg {
            let key = attributes(pair, bits, ecdsa.into());
            client.can_do_crypto(CheckType::Generate, key).unwrap();
            client.psa_generate_key(&name, key).unwrap();
            let signature = client.psa_sign_message(&name, b"message", ecdsa).unwrap();
            assert_eq!(signature.len(), 2 * bits.div_ceil(8));
            client
                .psa_verify_message(&name, b"message", ecdsa, &signature)
                .unwrap();
        }
        let key = attributes(pair, bits, ecdh);
        client.can_do_crypto(CheckType::Use, key).unwrap();
        let (alice, bob) = (format!("{name}-alice"), format!("{name}-bob"));
        client.psa_generate_key(&alice, key).unwrap();
        client.psa_generate_key(&bob, key).unwrap();
        let alice_public = client.psa_export_public_key(&alice).unwrap();
        let bob_public = client.psa_export_public_key(&bob).unwrap();
        let one = client
            .psa_raw_key_agreement(RawKeyAgreement::Ecdh, &alice, &bob_public)
            .unwrap();
        let two = client
            .psa_raw_key_agreement(RawKeyAgreement::Ecdh, &bob, &alice_public)
            .unwrap();
        assert_eq!(one, two);
        assert_eq!(one.len(), bits.div_ceil(8));
    }
    // X448 keys do not sign: PsaErrorInvalidArgument (the policy cannot even name ECDSA).
    let x448 = Type::EccKeyPair { curve_family: mg };
    assert_ne!(
        service_status(client.psa_generate_key("x448-ecdsa", attributes(x448, 448, ecdsa.into()))),
        ResponseStatus::Success
    );
    // Brainpool P-R1 160: deprecated, so generation is refused; an import is served.
    let bp160 = Type::EccKeyPair { curve_family: bp };
    assert_eq!(
        service_status(client.psa_generate_key("bp160", attributes(bp160, 160, ecdsa.into()))),
        ResponseStatus::DeprecatedPrimitive
    );
    let mut scalar = vec![0x11u8; 20];
    scalar[0] = 0x01;
    client
        .psa_import_key("bp160", &scalar, attributes(bp160, 0, ecdsa.into()))
        .unwrap();
    let signature = client.psa_sign_message("bp160", b"message", ecdsa).unwrap();
    assert_eq!(signature.len(), 40);
    client
        .psa_verify_message("bp160", b"message", ecdsa, &signature)
        .unwrap();
    for (family, bits) in [
        (k1, 225),
        (EccFamily::SectK1, 233),
        (EccFamily::SectR1, 283),
    ] {
        let pair = Type::EccKeyPair {
            curve_family: family,
        };
        let key = attributes(pair, bits, ecdh);
        assert_eq!(
            service_status(client.can_do_crypto(CheckType::Generate, key)),
            ResponseStatus::PsaErrorNotSupported,
            "{family:?} {bits}"
        );
        assert_eq!(
            service_status(client.psa_generate_key("unserved", key)),
            ResponseStatus::PsaErrorNotSupported,
            "{family:?} {bits}"
        );
    }
}
