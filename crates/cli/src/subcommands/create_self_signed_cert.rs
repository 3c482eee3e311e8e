//! `create-self-signed-cert`: an X.509 v3 certificate for a key pair held in the service,
//! issued by itself and signed there, printed in PEM. The subject options are
//! `create-csr`'s; the validity starts now.

use std::io::Write;

use rcgen::{BasicConstraints, IsCa, KeyIdMethod, KeyUsagePurpose, SerialNumber};
use sha2::Digest;
use time::{Duration, OffsetDateTime};

use crate::error::Error;
use crate::formats::FormatError;
use crate::formats::pss::Signed;
use crate::formats::x509::{ServiceKey, Subject};
use crate::keys;
use crate::subcommands::Context;

/// The PEM label of a certificate.
const CERTIFICATE_LABEL: &str = "CERTIFICATE";
/// The longest validity accepted, in days: about a hundred years.
const MAX_DAYS: u32 = 36_500;
/// The serial number length: RFC 5280's maximum, from the service's random generator.
const SERIAL_LEN: usize = 20;
/// The subject key identifier length (RFC 7093 method 1: SHA-256 truncated to 160 bits).
const KEY_ID_LEN: usize = 20;

/// The signing key, the subject and the validity.
#[derive(Debug, clap::Args)]
pub(crate) struct CreateSelfSignedCert {
    /// The name of the key pair that the certificate is for and that signs it: RSA PKCS#1
    /// v1.5 or PSS (SHA-256/384/512), or ECDSA on secp256r1 (SHA-256) or secp384r1 (SHA-384).
    #[arg(short = 'k', long = "key-name")]
    key_name: String,

    #[command(flatten)]
    subject: Subject,

    /// How many days the certificate is valid for, from now.
    #[arg(long = "days", default_value_t = 365)]
    days: u32,

    /// Make it a CA certificate (basicConstraints CA:TRUE; key usage certificate and CRL
    /// signing) that can issue others; without it, an end-entity certificate (CA:FALSE).
    #[arg(long = "ca")]
    ca: bool,
}

impl CreateSelfSignedCert {
    /// Prints the certificate in PEM.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        if !(1..=MAX_DAYS).contains(&self.days) {
            return Err(FormatError::Days(self.days).into());
        }
        let client = context.key_client()?;
        let key = ServiceKey::new(client, &self.key_name)?;
        let mut params = self.subject.params("certificate")?;
        // Whole seconds: X.509 times have no fraction.
        let now = OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        params.not_before = now;
        params.not_after = now + Duration::days(i64::from(self.days));
        params.serial_number = Some(serial_number(&client.generate_random(SERIAL_LEN)?));
        let key_id = sha2::Sha256::digest(key.public_key());
        params.key_identifier_method = KeyIdMethod::PreSpecified(key_id[..KEY_ID_LEN].to_vec());
        if self.ca {
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.key_usages = vec![
                KeyUsagePurpose::DigitalSignature,
                KeyUsagePurpose::KeyCertSign,
                KeyUsagePurpose::CrlSign,
            ];
        } else {
            params.is_ca = IsCa::ExplicitNoCa;
        }
        let certificate = params
            .self_signed(&key)
            .map_err(|e| key.explain("certificate", e))?;
        let der = key.finish(certificate.der(), Signed::Certificate)?;
        let text = keys::pem(CERTIFICATE_LABEL, &der)?;
        write!(out, "{text}")?;
        Ok(())
    }
}

/// A positive, non-zero serial number of [`SERIAL_LEN`] bytes from `random`.
fn serial_number(random: &[u8]) -> SerialNumber {
    let mut bytes = random.to_vec();
    if let Some(first) = bytes.first_mut() {
        // Top bit clear: positive. Low bit set: the first byte is never zero, so the number
        // is never zero and keeps all its bytes.
        *first = (*first & 0x7f) | 0x01;
    }
    SerialNumber::from_slice(&bytes)
}
