//! What is measured: the cases of issue 6, the client modes, and the fixed inputs every mode
//! sends (hash, nonce, plaintext, key names), so the three modes do exactly the same work.

use std::fmt;

use clap::ValueEnum;

/// One operation measured, as one "op" in ops/s.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ValueEnum)]
pub(crate) enum Case {
    /// Ping: the service's floor (no key, no crypto).
    Ping,
    /// ECDSA P-256 over a SHA-256 hash.
    EcdsaSign,
    /// ECDSA P-256 over a SHA-256 hash by aws-lc-rs itself with a key parsed once: the limit
    /// of the in-process ECDSA sign (in-process mode only).
    EcdsaSignParsed,
    /// RSA-2048 PKCS#1 v1.5 over a SHA-256 hash.
    RsaSign,
    /// RSA-2048 PKCS#1 v1.5 over a SHA-256 hash by aws-lc-rs itself with a key parsed once:
    /// the limit of the in-process RSA sign (in-process mode only).
    RsaSignParsed,
    /// ECDSA P-256 verification of a signature made once at set-up.
    EcdsaVerify,
    /// AES-128-GCM encryption of 1 KiB (12-byte nonce, no additional data).
    AesGcm,
    /// 32 random bytes.
    Random,
    /// Generate a P-256 key (durably stored by the service), then destroy it: one op.
    GenerateDestroy,
    /// ListKeys of the benchmark's application (not in the default cases: `--scale` runs it,
    /// to show it does not depend on the other applications' keys).
    ListKeys,
}

impl Case {
    /// Every case, in report order.
    pub(crate) const ALL: [Case; 9] = [
        Case::Ping,
        Case::EcdsaSign,
        Case::EcdsaSignParsed,
        Case::RsaSign,
        Case::RsaSignParsed,
        Case::EcdsaVerify,
        Case::AesGcm,
        Case::Random,
        Case::GenerateDestroy,
    ];

    /// The name used on the command line and in the CSV.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Case::Ping => "ping",
            Case::EcdsaSign => "ecdsa-sign",
            Case::RsaSign => "rsa-sign",
            Case::EcdsaVerify => "ecdsa-verify",
            Case::AesGcm => "aes-gcm",
            Case::Random => "random",
            Case::GenerateDestroy => "generate-destroy",
            Case::EcdsaSignParsed => "ecdsa-sign-parsed",
            Case::RsaSignParsed => "rsa-sign-parsed",
            Case::ListKeys => "list-keys",
        }
    }

    /// The name used in the Markdown table.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Case::Ping => "ping",
            Case::EcdsaSign => "ECDSA P-256 sign",
            Case::RsaSign => "RSA-2048 PKCS#1 v1.5 sign",
            Case::EcdsaVerify => "ECDSA P-256 verify",
            Case::AesGcm => "AES-128-GCM encrypt 1 KiB",
            Case::Random => "random 32 bytes",
            Case::GenerateDestroy => "P-256 generate+destroy",
            Case::EcdsaSignParsed => "ECDSA P-256 sign, aws-lc-rs, parsed key (limit)",
            Case::RsaSignParsed => "RSA-2048 sign, aws-lc-rs, parsed key (limit)",
            Case::ListKeys => "ListKeys",
        }
    }
}

impl Case {
    /// Whether the case runs aws-lc-rs directly, without the provider: only the in-process
    /// mode has it.
    pub(crate) fn in_process_only(self) -> bool {
        matches!(self, Case::EcdsaSignParsed | Case::RsaSignParsed)
    }
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How the operations reach the crypto.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, ValueEnum)]
pub(crate) enum Mode {
    /// The published `parsec-client` 0.16: a new connection per request.
    Published,
    /// Our wire codec on one kept-open connection per thread (`FLAG_KEEP_ALIVE`).
    Persistent,
    /// The software provider called directly: no service, the limit.
    InProcess,
}

impl Mode {
    /// Every mode, in report order.
    pub(crate) const ALL: [Mode; 3] = [Mode::Published, Mode::Persistent, Mode::InProcess];

    /// The name used on the command line and in the CSV.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Mode::Published => "published",
            Mode::Persistent => "persistent",
            Mode::InProcess => "in-process",
        }
    }

    /// Whether this mode talks to a daemon.
    pub(crate) fn uses_daemon(self) -> bool {
        self != Mode::InProcess
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The SHA-256 "hash" signed and verified (its value does not matter, its length does).
pub(crate) const HASH: [u8; 32] = [0x5a; 32];
/// The AES-GCM nonce. Reusing it is harmless here: the key is a throw-away benchmark key.
pub(crate) const NONCE: [u8; 12] = [0x24; 12];
/// The AES-GCM plaintext length.
pub(crate) const PLAINTEXT_LEN: usize = 1024;
/// The random bytes asked for.
pub(crate) const RANDOM_LEN: usize = 32;
/// The RSA key size.
pub(crate) const RSA_BITS: u32 = 2048;

/// The names of the keys one run creates in a daemon, unique to this process so that a run
/// against a shared daemon (`--endpoint`) never touches anyone else's keys.
#[derive(Clone, Debug)]
pub(crate) struct KeyNames {
    prefix: String,
}

impl KeyNames {
    /// Names under `psc-bench-<pid>-`.
    pub(crate) fn for_this_process() -> KeyNames {
        KeyNames {
            prefix: format!("psc-bench-{}", std::process::id()),
        }
    }

    /// The long-lived key `case` uses, if it uses one.
    pub(crate) fn fixed(&self, case: Case) -> Option<String> {
        let kind = match case {
            Case::EcdsaSign | Case::EcdsaVerify => "ecdsa",
            Case::RsaSign => "rsa",
            Case::AesGcm => "aes",
            Case::Ping
            | Case::Random
            | Case::GenerateDestroy
            | Case::ListKeys
            | Case::EcdsaSignParsed
            | Case::RsaSignParsed => return None,
        };
        Some(format!("{}-{kind}", self.prefix))
    }

    /// The key a generate+destroy thread creates and destroys over and over.
    pub(crate) fn transient(&self, mode: Mode, thread: usize) -> String {
        format!("{}-gen-{mode}-{thread}", self.prefix)
    }
}
