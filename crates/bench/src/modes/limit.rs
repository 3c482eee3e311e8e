//! The limit of the in-process sign cases: aws-lc-rs signing the same SHA-256 hash as the
//! provider does (`sign_digest`), with keys generated and parsed once, before the run. What
//! the provider adds on top (finding the kept key, checking the request) is the difference.

use anyhow::Context;
use aws_lc_rs::digest::{Digest, SHA256};
use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, RSA_PKCS1_SHA256};

use super::Failure;
use crate::case::HASH;

/// An ECDSA P-256 key pair and an RSA-2048 one, parsed.
pub(crate) struct ParsedKeys {
    ecdsa: EcdsaKeyPair,
    rsa: RsaKeyPair,
}

impl ParsedKeys {
    /// Generates both key pairs.
    ///
    /// # Errors
    /// When aws-lc-rs cannot generate one.
    pub(crate) fn generate() -> anyhow::Result<ParsedKeys> {
        let ecdsa = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING)
            .ok()
            .context("generating the aws-lc-rs P-256 key")?;
        let rsa = RsaKeyPair::generate(KeySize::Rsa2048)
            .ok()
            .context("generating the aws-lc-rs RSA-2048 key")?;
        Ok(ParsedKeys { ecdsa, rsa })
    }

    /// One ECDSA P-256 signature of the hash.
    pub(crate) fn sign_ecdsa(&self) -> Result<(), Failure> {
        self.ecdsa
            .sign_digest(&digest()?)
            .map(drop)
            .map_err(|_| Failure::other("aws-lc-rs ECDSA signing failed"))
    }

    /// One RSA-2048 PKCS#1 v1.5 signature of the hash.
    pub(crate) fn sign_rsa(&self) -> Result<(), Failure> {
        let mut signature = vec![0; self.rsa.public_modulus_len()];
        self.rsa
            .sign_digest(&RSA_PKCS1_SHA256, &digest()?, &mut signature)
            .map_err(|_| Failure::other("aws-lc-rs RSA signing failed"))
    }
}

impl std::fmt::Debug for ParsedKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ParsedKeys { P-256, RSA-2048 }")
    }
}

/// The hash, as the provider imports it.
fn digest() -> Result<Digest, Failure> {
    Digest::import_less_safe(&HASH, &SHA256).map_err(|_| Failure::other("importing the hash"))
}
