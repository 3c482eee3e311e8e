//! One file per subcommand: its options, the request it sends, and its output format.

mod completions;
mod create_aes_key;
mod create_csr;
mod create_ecc_key;
mod create_rsa_key;
mod create_self_signed_cert;
mod decrypt;
mod delete_client;
mod delete_key;
mod encrypt;
mod export_public_key;
mod generate_random;
mod hash;
mod import_key;
mod list_authenticators;
mod list_clients;
mod list_keys;
mod list_opcodes;
mod list_providers;
mod ping;
mod sign;
mod ssh_public_key;
mod verify;

use std::cell::OnceCell;
use std::io::Write;

use psc_client::{Client, ProviderId};

use crate::error::Error;

/// The application name the tool identifies itself with under Direct authentication, as the
/// published tool does.
const APP_NAME: &str = "parsec-tool";

/// What every subcommand runs with: the configured client and the provider the global
/// `--provider` option selects (the core provider without it).
#[derive(Debug)]
pub(crate) struct Context {
    /// The client, with the endpoint and timeout set, without authentication: for the core
    /// operations.
    pub(crate) client: Client,
    /// The implicit provider.
    pub(crate) provider: ProviderId,
    /// The global `--json`: listings print JSON instead of text.
    pub(crate) json: bool,
    /// The global `--provider`, when given.
    chosen: Option<ProviderId>,
    /// [`Context::key_client`], set up on first use.
    keys: OnceCell<Client>,
}

impl Context {
    /// The context of one run; `chosen` is the global `--provider`.
    pub(crate) fn new(client: Client, chosen: Option<ProviderId>, json: bool) -> Context {
        Context {
            client,
            provider: chosen.unwrap_or(ProviderId::Core),
            json,
            chosen,
            keys: OnceCell::new(),
        }
    }

    /// The client for key, crypto and admin operations, set up as the published tool's
    /// `BasicClient::new(Some("parsec-tool"))`: the service's first crypto provider (or the
    /// global `--provider`) and the first authenticator the service accepts that the client
    /// supports (Unix peer credentials, or Direct as `parsec-tool`). The service is asked
    /// once per run, on first use.
    ///
    /// # Errors
    /// The client's error when the service cannot be asked or offers nothing usable.
    pub(crate) fn key_client(&self) -> Result<&Client, Error> {
        if let Some(client) = self.keys.get() {
            return Ok(client);
        }
        let mut client = self.client.clone();
        client.discover(Some(APP_NAME))?;
        if let Some(provider) = self.chosen {
            client.set_provider(provider);
        }
        Ok(self.keys.get_or_init(|| client))
    }
}

/// The subcommands: the published tool's, and ours after them.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Subcommand {
    /// Ping the service and print the wire protocol version it speaks.
    Ping(ping::Ping),

    /// List the providers the service offers, in priority order.
    ListProviders(list_providers::ListProviders),

    /// List the authentication methods the service accepts, preferred first.
    ListAuthenticators(list_authenticators::ListAuthenticators),

    /// List the operations a provider supports.
    ListOpcodes(list_opcodes::ListOpcodes),

    /// List the application's keys.
    ListKeys(list_keys::ListKeys),

    /// Generate random bytes, printed in hexadecimal.
    GenerateRandom(generate_random::GenerateRandom),

    /// Export the public part of a key pair in PEM format.
    ExportPublicKey(export_public_key::ExportPublicKey),

    /// Create an RSA key pair (2048 bits): for encryption with RSA PKCS#1 v1.5 unless told
    /// otherwise.
    CreateRsaKey(create_rsa_key::CreateRsaKey),

    /// Create an ECC key pair (secp256r1) for signing with ECDSA (SHA-256).
    CreateEccKey(create_ecc_key::CreateEccKey),

    /// Create an AES key (256 bits) for authenticated encryption with AES-GCM.
    CreateAesKey(create_aes_key::CreateAesKey),

    /// Sign a message with the key's algorithm; prints the signature in base64.
    Sign(sign::Sign),

    /// Encrypt a message with the key's algorithm; prints the ciphertext in base64.
    ///
    /// RSA keys print the RSA ciphertext. AEAD keys (create-aes-key) print
    /// base64(nonce || ciphertext || tag): a fresh random 12-byte nonce (13 for AES-CCM), no
    /// additional data, a 16-byte tag. Cipher keys print base64(iv || ciphertext).
    Encrypt(encrypt::Encrypt),

    /// Decrypt a base64 ciphertext with the key's algorithm.
    ///
    /// Takes what `encrypt` prints, or any RSA ciphertext in base64 (e.g. from `openssl
    /// pkeyutl -encrypt` under the key `export-public-key` writes). Prints the plaintext as
    /// text.
    Decrypt(decrypt::Decrypt),

    /// Delete a key.
    DeleteKey(delete_key::DeleteKey),

    /// List the applications that have keys in the service (administrators only).
    ListClients(list_clients::ListClients),

    /// Delete every key of an application (administrators only).
    DeleteClient(delete_client::DeleteClient),

    /// Print a completion script for a shell.
    Completions(completions::Completions),

    /// Create a PKCS#10 certificate signing request (CSR) for a key pair, in PEM.
    CreateCsr(create_csr::CreateCsr),

    /// Create a self-signed X.509 certificate for a key pair, in PEM.
    CreateSelfSignedCert(create_self_signed_cert::CreateSelfSignedCert),

    /// Import a key from a PEM or DER file (PKCS#8, SEC1, PKCS#1, SubjectPublicKeyInfo).
    ImportKey(import_key::ImportKey),

    /// Verify a base64 signature of a message, as `sign` prints it.
    Verify(verify::Verify),

    /// Hash a message or standard input; prints the digest in hexadecimal.
    Hash(hash::HashCommand),

    /// Print the OpenSSH authorized_keys line of an ECDSA or RSA signing key, for
    /// parsec-ssh-agent.
    SshPublicKey(ssh_public_key::SshPublicKey),
}

impl Subcommand {
    /// Runs the subcommand, writing its results to `out`.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        match self {
            Subcommand::Ping(command) => command.run(context, out),
            Subcommand::ListProviders(command) => command.run(context, out),
            Subcommand::ListAuthenticators(command) => command.run(context, out),
            Subcommand::ListOpcodes(command) => command.run(context, out),
            Subcommand::ListKeys(command) => command.run(context, out),
            Subcommand::GenerateRandom(command) => command.run(context, out),
            Subcommand::ExportPublicKey(command) => command.run(context, out),
            Subcommand::CreateRsaKey(command) => command.run(context, out),
            Subcommand::CreateEccKey(command) => command.run(context, out),
            Subcommand::CreateAesKey(command) => command.run(context, out),
            Subcommand::Sign(command) => command.run(context, out),
            Subcommand::Encrypt(command) => command.run(context, out),
            Subcommand::Decrypt(command) => command.run(context, out),
            Subcommand::DeleteKey(command) => command.run(context, out),
            Subcommand::ListClients(command) => command.run(context, out),
            Subcommand::DeleteClient(command) => command.run(context, out),
            Subcommand::Completions(command) => command.run(out),
            Subcommand::CreateCsr(command) => command.run(context, out),
            Subcommand::CreateSelfSignedCert(command) => command.run(context, out),
            Subcommand::ImportKey(command) => command.run(context, out),
            Subcommand::Verify(command) => command.run(context, out),
            Subcommand::Hash(command) => command.run(context, out),
            Subcommand::SshPublicKey(command) => command.run(context, out),
        }
    }
}
