//! AttestKey (0x1E, experimental): prove a key lives in this TPM (ActivateCredential).

use psc_psa::SecretBytes;
use zeroize::Zeroize;

use crate::error::{Error, required};
use crate::ops::Body;

/// The attestation mechanism and its inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub enum AttestationParams {
    /// TPM2_ActivateCredential over a credential made with TPM2_MakeCredential.
    ActivateCredential {
        /// The `credential` of a TPM2B_ID_OBJECT.
        credential_blob: Vec<u8>,
        /// The `secret` of a TPM2B_ENCRYPTED_SECRET.
        secret: Vec<u8>,
    },
}

/// Attest a key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct AttestKeyRequest {
    /// The key attested.
    pub attested_key_name: String,
    /// The mechanism.
    pub parameters: AttestationParams,
    /// The attesting key; empty means the provider's default.
    pub attesting_key_name: String,
}

/// The attestation's output.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub enum AttestationOutput {
    /// The decrypted credential (a TPM2B_DIGEST buffer).
    ActivateCredential {
        /// The credential.
        credential: SecretBytes,
    },
}

/// The attestation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct AttestKeyResponse {
    /// The output.
    pub output: AttestationOutput,
}

/// `attest_key.Operation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Attested key.
    #[prost(string, tag = "1")]
    pub attested_key_name: String,
    /// Parameters (mandatory).
    #[prost(message, optional, tag = "2")]
    pub parameters: Option<ParamsMessage>,
    /// Attesting key.
    #[prost(string, tag = "3")]
    pub attesting_key_name: String,
}

/// `attest_key.AttestationMechanismParams`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ParamsMessage {
    /// The mechanism.
    #[prost(oneof = "ParamsMechanism", tags = "1")]
    pub mechanism: Option<ParamsMechanism>,
}

/// `AttestationMechanismParams.mechanism`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum ParamsMechanism {
    /// ActivateCredential.
    #[prost(message, tag = "1")]
    ActivateCredential(ActivateCredentialParams),
}

/// `AttestationMechanismParams.ActivateCredential`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ActivateCredentialParams {
    /// Credential blob.
    #[prost(bytes = "vec", tag = "1")]
    pub credential_blob: Vec<u8>,
    /// Secret.
    #[prost(bytes = "vec", tag = "2")]
    pub secret: Vec<u8>,
}

/// `attest_key.Result`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResponseMessage {
    /// Output (mandatory).
    #[prost(message, optional, tag = "1")]
    pub output: Option<OutputMessage>,
}

/// `attest_key.AttestationOutput`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct OutputMessage {
    /// The mechanism.
    #[prost(oneof = "OutputMechanism", tags = "1")]
    pub mechanism: Option<OutputMechanism>,
}

/// `AttestationOutput.mechanism`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum OutputMechanism {
    /// ActivateCredential.
    #[prost(message, tag = "1")]
    ActivateCredential(ActivateCredentialOutput),
}

/// `AttestationOutput.ActivateCredential`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ActivateCredentialOutput {
    /// Credential.
    #[prost(bytes = "vec", tag = "1")]
    pub credential: Vec<u8>,
}

impl Body for AttestKeyRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        let params = required(m.parameters, "parameters")?;
        let parameters = match required(params.mechanism, "mechanism")? {
            ParamsMechanism::ActivateCredential(p) => AttestationParams::ActivateCredential {
                credential_blob: p.credential_blob,
                secret: p.secret,
            },
        };
        Ok(AttestKeyRequest {
            attested_key_name: m.attested_key_name,
            parameters,
            attesting_key_name: m.attesting_key_name,
        })
    }

    fn to_proto(&self) -> RequestMessage {
        let mechanism = match &self.parameters {
            AttestationParams::ActivateCredential { credential_blob, secret } => {
                ParamsMechanism::ActivateCredential(ActivateCredentialParams {
                    credential_blob: credential_blob.clone(),
                    secret: secret.clone(),
                })
            }
        };
        RequestMessage {
            attested_key_name: self.attested_key_name.clone(),
            parameters: Some(ParamsMessage { mechanism: Some(mechanism) }),
            attesting_key_name: self.attesting_key_name.clone(),
        }
    }
}

impl Body for AttestKeyResponse {
    type Proto = ResponseMessage;

    fn from_proto(m: ResponseMessage) -> Result<Self, Error> {
        let output = required(m.output, "output")?;
        let output = match required(output.mechanism, "mechanism")? {
            OutputMechanism::ActivateCredential(o) => {
                AttestationOutput::ActivateCredential { credential: SecretBytes::new(o.credential) }
            }
        };
        Ok(AttestKeyResponse { output })
    }

    fn to_proto(&self) -> ResponseMessage {
        let mechanism = match &self.output {
            AttestationOutput::ActivateCredential { credential } => {
                OutputMechanism::ActivateCredential(ActivateCredentialOutput {
                    credential: credential.to_vec(),
                })
            }
        };
        ResponseMessage { output: Some(OutputMessage { mechanism: Some(mechanism) }) }
    }

    fn scrub(m: &mut ResponseMessage) {
        if let Some(OutputMessage { mechanism: Some(OutputMechanism::ActivateCredential(o)) }) =
            &mut m.output
        {
            o.credential.zeroize();
        }
    }
}
