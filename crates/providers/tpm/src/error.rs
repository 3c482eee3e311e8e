//! TPM failures: each keeps the command that failed and the TPM's (or the TSS's) response
//! code, and maps to the PSA status the protocol answers.

use std::fmt;

use psc_provider_api::ProviderError;
use psc_psa::Status;
use tss_esapi::Error as TssError;
use tss_esapi::constants::response_code::Tss2ResponseCodeKind as Kind;

/// A command the TPM (or the TSS below it) refused: the cause of a
/// [`ProviderError::Caused`].
#[derive(Debug)]
pub struct TpmError {
    /// The TPM command, `TPM2_Sign` say.
    pub command: &'static str,
    /// What tss-esapi answered.
    pub error: TssError,
}

impl TpmError {
    /// The kind of the TPM's response code, when it is one.
    pub fn kind(&self) -> Option<Kind> {
        match self.error {
            TssError::Tss2Error(rc) => rc.kind(),
            TssError::WrapperError(_) => None,
        }
    }

    /// The raw response code, when the TPM or the TSS answered one.
    pub fn response_code(&self) -> Option<u32> {
        match self.error {
            // tss-esapi 7 keeps the raw code private; its Debug form shows it as `.0: N`.
            TssError::Tss2Error(rc) => {
                let debug = format!("{rc:?}");
                let (_, after) = debug.split_once(".0: ")?;
                let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
                digits.parse().ok()
            }
            TssError::WrapperError(_) => None,
        }
    }

    /// Whether the connection to the TPM is gone: the TCTI failed (swtpm stopped, the
    /// device removed), or the ESAPI context it left is unusable. The context is then
    /// dropped, and the next request connects again.
    pub fn connection_lost(&self) -> bool {
        if self.command == INITIALIZE {
            return true;
        }
        let Some(code) = self.response_code() else {
            return false;
        };
        let (layer, base) = ((code >> 16) & 0xff, code & 0xffff);
        match layer {
            TCTI_LAYER => true,
            ESAPI_LAYER => matches!(
                base,
                BAD_SEQUENCE
                    | NO_CONNECTION
                    | IO_ERROR
                    | MALFORMED_RESPONSE
                    | INSUFFICIENT_RESPONSE
            ),
            _ => false,
        }
    }
}

/// Connecting to the TPM: when it fails, the TPM is unreachable.
pub(crate) const INITIALIZE: &str = "Esys_Initialize (TCTI)";

// The TSS's layers and base response codes (tss2_common.h), for `connection_lost`.
const ESAPI_LAYER: u32 = 7;
const TCTI_LAYER: u32 = 10;
const BAD_SEQUENCE: u32 = 7;
const NO_CONNECTION: u32 = 8;
const IO_ERROR: u32 = 10;
const MALFORMED_RESPONSE: u32 = 17;
const INSUFFICIENT_RESPONSE: u32 = 19;

impl fmt::Display for TpmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.response_code() {
            Some(code) => write!(
                f,
                "{} failed with response code {code:#x}: {}",
                self.command, self.error
            ),
            None => write!(f, "{} failed in the TSS: {}", self.command, self.error),
        }
    }
}

impl std::error::Error for TpmError {}

/// Wraps a tss-esapi result with the command it ran.
pub(crate) trait Command<T> {
    /// The result, its error naming `command`.
    fn command(self, command: &'static str) -> Result<T, TpmError>;
}

impl<T> Command<T> for Result<T, TssError> {
    fn command(self, command: &'static str) -> Result<T, TpmError> {
        self.map_err(|error| TpmError { command, error })
    }
}

/// The status a failed command answers, in general: refused arguments are the caller's,
/// an unreachable or failing device is a hardware failure, a key the TPM does not accept
/// (wrong parent, wrong authorization, tampered blob) is corrupt; a lost connection is a
/// communication failure.
pub(crate) fn status_of(error: &TpmError) -> Status {
    if error.connection_lost() {
        return Status::PsaErrorCommunicationFailure;
    }
    match error.kind() {
        Some(Kind::AuthFail | Kind::BadAuth | Kind::Integrity | Kind::Key | Kind::Handle) => {
            Status::PsaErrorDataCorrupt
        }
        Some(Kind::Value | Kind::Size | Kind::KeySize | Kind::EccPoint) => {
            Status::PsaErrorInvalidArgument
        }
        Some(Kind::Signature) => Status::PsaErrorInvalidSignature,
        Some(Kind::Scheme | Kind::Hash | Kind::Curve | Kind::Asymmetric | Kind::Symmetric) => {
            Status::PsaErrorNotSupported
        }
        Some(Kind::ObjectMemory | Kind::SessionMemory | Kind::Memory) => {
            Status::PsaErrorInsufficientMemory
        }
        _ => Status::PsaErrorHardwareFailure,
    }
}

impl From<TpmError> for ProviderError {
    fn from(error: TpmError) -> ProviderError {
        let status = status_of(&error);
        let context = format!("{} failed", error.command);
        match status {
            Status::PsaErrorInvalidSignature => ProviderError::InvalidSignature,
            _ => ProviderError::caused(status, context, error),
        }
    }
}
