//! Where a provider's work runs: the provider says how long a request may take, the service
//! decides the thread from that answer alone (it never tests which provider it is).

/// How long a request to a provider may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cost {
    /// Short and CPU-bound (up to about a millisecond): may run on the service's async
    /// workers, where it costs no thread hop.
    Inline,
    /// Short work on a device: it may wait for the device (so never on the async workers),
    /// but holds a CPU for little of that time (well under a millisecond of CPU: a signature
    /// on a local HSM, a smart card or a software token). Runs on threads of its own at
    /// normal priority, shared fairly between applications.
    Device,
    /// Long (milliseconds of CPU or more, or a device that may take long: a TPM): runs off
    /// the async workers, on a bounded number of threads below the rest of the service,
    /// shared fairly between applications.
    Slow,
}

/// What the service is about to ask a provider, for [`Provider::cost`](crate::Provider::cost).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operation {
    /// Generating a key.
    Generate,
    /// Importing key material.
    Import,
    /// Exporting a key (ExportKey).
    Export,
    /// Exporting the public part of a key (ExportPublicKey).
    ExportPublic,
    /// Destroying a key.
    Destroy,
    /// Signing a hash or a message.
    Sign,
    /// Verifying a signature.
    Verify,
    /// Asymmetric encryption.
    Encrypt,
    /// Asymmetric decryption.
    Decrypt,
    /// AEAD, ciphers and MACs: symmetric work with a key.
    Symmetric,
    /// Raw key agreement.
    Agreement,
    /// Preparing or answering a key attestation.
    Attest,
    /// Work with no key: hashes, random bytes, CanDoCrypto.
    Keyless,
}
