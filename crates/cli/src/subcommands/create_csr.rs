//! `create-csr`: a PKCS#10 certificate signing request for a key pair held in the service,
//! signed there with the key's own algorithm, printed in PEM exactly as the published tool
//! prints it (CRLF line endings, then an empty line).

use std::io::Write;

use spki::der::pem::{self, LineEnding};

use crate::error::Error;
use crate::formats::pss::Signed;
use crate::formats::x509::{ServiceKey, Subject};
use crate::subcommands::Context;

/// The PEM label of a PKCS#10 request.
const CSR_LABEL: &str = "CERTIFICATE REQUEST";

/// The signing key, and the subject to request a certificate for.
#[derive(Debug, clap::Args)]
pub(crate) struct CreateCsr {
    /// The name of the key pair that signs the request: RSA PKCS#1 v1.5 or PSS
    /// (SHA-256/384/512), or ECDSA on secp256r1 (SHA-256) or secp384r1 (SHA-384).
    #[arg(short = 'k', long = "key-name")]
    key_name: String,

    #[command(flatten)]
    subject: Subject,
}

impl CreateCsr {
    /// Prints the request in PEM.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        let key = ServiceKey::new(context.key_client()?, &self.key_name)?;
        let params = self.subject.params("certificate request")?;
        let request = params
            .serialize_request(&key)
            .map_err(|e| key.explain("certificate request", e))?;
        let der = key.finish(request.der(), Signed::Request)?;
        let text = pem::encode_string(CSR_LABEL, LineEnding::CRLF, &der)
            .map_err(|e| Error::Encoding(e.into()))?;
        writeln!(out, "{text}")?;
        Ok(())
    }
}
