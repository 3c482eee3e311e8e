//! Formats the tool reads and writes beyond the service's own: key files (PEM and DER, to
//! import), X.509 requests and certificates signed by a key held in the service, and bounded
//! reads of files and standard input.
//!
//! Used by `import-key`, `create-csr`, `create-self-signed-cert` and `hash`; the key
//! encodings shared with the parity subcommands (curve OIDs, SubjectPublicKeyInfo, ECDSA
//! signature forms) live in [`crate::keys`].

pub(crate) mod key_file;
pub(crate) mod pss;
pub(crate) mod x509;

use std::io::Read;
use std::path::{Path, PathBuf};

use spki::ObjectIdentifier;
use zeroize::Zeroizing;

/// What can go wrong reading a key file or making a certificate, as one line each.
#[derive(Debug, thiserror::Error)]
pub(crate) enum FormatError {
    /// A file that cannot be opened or read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Standard input that cannot be read.
    #[error("cannot read standard input: {0}")]
    Stdin(std::io::Error),
    /// An input over the tool's size limit.
    #[error("the {what} is longer than {limit} bytes, the most this subcommand accepts")]
    TooLong {
        /// What the input is.
        what: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// An input that is neither a PEM block nor a DER structure the tool knows.
    #[error(
        "the input is not a key in a known format: expected PEM (PRIVATE KEY, EC PRIVATE KEY, \
         RSA PRIVATE KEY, RSA PUBLIC KEY or PUBLIC KEY) or the DER of one of these"
    )]
    NotAKey,
    /// A PEM block whose base64 or boundaries are broken.
    #[error("the PEM input is malformed ({0}): pass the file openssl wrote, unchanged")]
    Pem(spki::der::pem::Error),
    /// A PEM block of a kind that is no key.
    #[error(
        "a PEM \"{0}\" block is not a key this tool imports: use PRIVATE KEY, EC PRIVATE KEY, \
         RSA PRIVATE KEY, RSA PUBLIC KEY or PUBLIC KEY"
    )]
    Label(String),
    /// A password-protected key.
    #[error(
        "the key is encrypted: decrypt it first, e.g. `openssl pkey -in KEY -out plain.pem`, \
         and delete the plain copy after the import"
    )]
    Encrypted,
    /// A DER structure that does not decode as what its label says.
    #[error("the {what} does not decode: {source}")]
    Der {
        /// What it should have been.
        what: &'static str,
        /// The decoder's complaint.
        source: spki::der::Error,
    },
    /// A key algorithm the tool cannot import.
    #[error("keys of algorithm {0} cannot be imported: only RSA and elliptic-curve keys can")]
    Algorithm(ObjectIdentifier),
    /// An elliptic-curve key on a curve without a PSA family.
    #[error("the curve {0} is not supported: secp256r1, secp384r1, secp521r1 and secp256k1 are")]
    Curve(ObjectIdentifier),
    /// An elliptic-curve key without its curve.
    #[error("the elliptic-curve key does not name its curve: convert it with `openssl pkey`")]
    NoCurve,
    /// A point or scalar that does not fit its curve.
    #[error("the elliptic-curve {0} does not fit its curve")]
    EcSize(&'static str),
    /// A compressed elliptic-curve point.
    #[error(
        "the public key is a compressed point: convert it with `openssl pkey -pubin -in KEY \
         -pubout -ec_conv_form uncompressed`"
    )]
    Compressed,
    /// A purpose the key type cannot serve.
    #[error("an elliptic-curve key cannot be imported {0}; import it for signing (the default)")]
    Purpose(&'static str),
    /// rcgen refused to build the request or certificate.
    #[error("cannot build the {what}: {source}")]
    Certificate {
        /// A request or a certificate.
        what: &'static str,
        /// rcgen's complaint.
        source: rcgen::Error,
    },
    /// The validity asked for a certificate is out of range.
    #[error("a certificate valid for {0} days is out of range: pass 1 to 36500")]
    Days(u32),
    /// rcgen's output is not what the RSA-PSS rewriting expects (a bug, not a user error).
    #[error("cannot make the RSA-PSS signature: {0}; please report this as a bug")]
    Pss(&'static str),
    /// A signature that does not match.
    #[error("the signature is not valid for this text and the key \"{0}\"")]
    InvalidSignature(String),
}

/// Reads at most `limit` bytes from `path`, or from standard input when `path` is `None` or
/// `-`, into a buffer wiped on drop. The buffer is allocated once, at its full size, so no
/// copy of the bytes is left behind in freed memory while it grows.
///
/// # Errors
/// [`FormatError::Read`] or [`FormatError::Stdin`] when the input cannot be read,
/// [`FormatError::TooLong`] when it holds more than `limit` bytes.
pub(crate) fn read_input(
    path: Option<&Path>,
    what: &'static str,
    limit: usize,
) -> Result<Zeroizing<Vec<u8>>, FormatError> {
    match path.filter(|p| *p != Path::new("-")) {
        Some(path) => {
            let read = |source| FormatError::Read {
                path: path.to_path_buf(),
                source,
            };
            let file = std::fs::File::open(path).map_err(read)?;
            read_bounded(file, what, limit).map_err(|e| e.map_io(read))
        }
        None => read_bounded(std::io::stdin().lock(), what, limit)
            .map_err(|e| e.map_io(FormatError::Stdin)),
    }
}

/// A read failure before it is told where it happened.
enum Bounded {
    Io(std::io::Error),
    TooLong(FormatError),
}

impl Bounded {
    fn map_io(self, io: impl FnOnce(std::io::Error) -> FormatError) -> FormatError {
        match self {
            Bounded::Io(e) => io(e),
            Bounded::TooLong(e) => e,
        }
    }
}

fn read_bounded(
    input: impl Read,
    what: &'static str,
    limit: usize,
) -> Result<Zeroizing<Vec<u8>>, Bounded> {
    let mut buffer = Zeroizing::new(Vec::with_capacity(limit.saturating_add(1)));
    input
        .take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut buffer)
        .map_err(Bounded::Io)?;
    if buffer.len() > limit {
        return Err(Bounded::TooLong(FormatError::TooLong { what, limit }));
    }
    Ok(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_over_the_limit_are_refused() {
        assert!(matches!(
            read_bounded(&[0u8; 5][..], "input", 4),
            Err(Bounded::TooLong(FormatError::TooLong { limit: 4, .. }))
        ));
        assert!(matches!(read_bounded(&[0u8; 4][..], "input", 4), Ok(b) if b.len() == 4));
    }
}
