//! What can go wrong, as one log line each. The prefixes are the published tool's, so logs
//! read the same; the rest says what failed and what to do.

/// A failed subcommand.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// The client library failed, or the service refused the request.
    #[error(transparent)]
    Client(#[from] psc_client::Error),
    /// A provider ID outside the protocol's range.
    #[error(
        "provider ID {0} does not exist: valid IDs are 0 (core) to 5; `parsec-tool \
         list-providers` shows the service's providers"
    )]
    UnknownProvider(u8),
    /// The application has no key of this name in the provider.
    #[error(
        "no key named \"{0}\" in the provider: `parsec-tool list-keys` shows the keys, \
         `parsec-tool -p ID ...` selects another provider"
    )]
    NoSuchKey(String),
    /// No application of this name has keys in the service.
    #[error(
        "no client named \"{0}\" has keys in the service: `parsec-tool list-clients` shows \
         the clients"
    )]
    NoSuchClient(String),
    /// The service reserves the operation to its administrators.
    #[error(
        "{0} is reserved to the service's administrators: run it as a user (or Direct \
         application) listed in `admins` of the service's [authenticator] configuration"
    )]
    NotAdmin(&'static str),
    /// The key exists but cannot do what the subcommand asks.
    #[error("the key \"{name}\" cannot be used here: this subcommand needs {needed}")]
    WrongKeyType {
        /// The key's name.
        name: String,
        /// What the subcommand needs, and how to make one.
        needed: &'static str,
    },
    /// The key's public part has no standard encoding (a symmetric key, an unnamed curve).
    #[error(
        "the key type {0:?} has no public key to export: export-public-key works on RSA and \
         elliptic-curve keys"
    )]
    NoPublicKeyFormat(psc_client::psa::KeyType),
    /// The key is no SSH identity.
    #[error(
        "the key \"{name}\" has no SSH form: {reason}; ssh-public-key takes ECDSA P-256/384/521 \
         keys signing with their curve's SHA-2 and RSA keys signing with PKCS#1 v1.5 and \
         SHA-256 or SHA-512"
    )]
    NotSsh {
        /// The key's name.
        name: String,
        /// Why not.
        reason: String,
    },
    /// An argument that should be base64 is not.
    #[error(
        "the {what} is not valid base64 ({source}): pass the text `parsec-tool {command}` printed"
    )]
    Base64 {
        /// What the argument is.
        what: &'static str,
        /// The subcommand that produces it.
        command: &'static str,
        /// The decoder's complaint.
        source: base64::DecodeError,
    },
    /// An AEAD ciphertext that does not authenticate.
    #[error(
        "the ciphertext does not authenticate under the key \"{0}\": it was altered or \
         truncated, or encrypted with another key; pass the exact text `parsec-tool encrypt` \
         printed with the same key"
    )]
    NotAuthentic(String),
    /// An RSA ciphertext the key cannot decrypt.
    #[error(
        "the ciphertext does not decrypt with the key \"{name}\" ({alg}): it was altered, or \
         encrypted under another key or padding; encrypt with this key's public key and {alg}"
    )]
    NotDecryptable {
        /// The key's name.
        name: String,
        /// The key's algorithm.
        alg: String,
    },
    /// A ciphertext too short to hold its nonce.
    #[error(
        "the ciphertext is too short: it must start with the {needed}-byte nonce; pass the \
         whole text `parsec-tool encrypt` printed"
    )]
    Truncated {
        /// The nonce length.
        needed: usize,
    },
    /// A DER or PEM encoding failed or a DER input is malformed.
    #[error("cannot encode or decode the ASN.1 structure: {0}")]
    Encoding(spki::der::Error),
    /// A key file, request or certificate problem (import-key, create-csr,
    /// create-self-signed-cert, hash, verify).
    #[error(transparent)]
    Format(#[from] crate::formats::FormatError),
    /// Writing the results failed.
    #[error("cannot write the results to standard output: {0}")]
    Output(#[from] std::io::Error),
}

/// Why the tool exits with a failure.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// The client could not be set up (endpoint, socket).
    #[error("Error spinning up the BasicClient: {0}")]
    SpinUp(psc_client::Error),
    /// The global `--provider` is not a provider ID.
    #[error(
        "The provider ID entered does not map with an existing provider: {0} is not one of 0 \
         (core) to 5; `parsec-tool list-providers` shows the service's providers"
    )]
    Provider(u8),
    /// The subcommand failed.
    #[error("Subcommand failed: {0}")]
    Subcommand(#[from] Error),
}
