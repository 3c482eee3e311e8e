//! PrepareKeyAttestation (0x1F, experimental): what a verifier needs to challenge a key.

use crate::error::{Error, required};
use crate::ops::Body;

/// The mechanism to prepare for.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub enum PrepareParams {
    /// ActivateCredential.
    ActivateCredential {
        /// The key attested.
        attested_key_name: String,
        /// The attesting key; empty means the provider's default.
        attesting_key_name: String,
    },
}

/// Prepare a key attestation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct PrepareKeyAttestationRequest {
    /// The mechanism and keys.
    pub parameters: PrepareParams,
}

/// What the verifier needs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub enum PrepareOutput {
    /// ActivateCredential.
    ActivateCredential {
        /// The TPM name of the attested key (TPM2B_NAME).
        name: Vec<u8>,
        /// Its public area (TPM2B_PUBLIC).
        public: Vec<u8>,
        /// The attesting key's public key, in PSA export format.
        attesting_key_pub: Vec<u8>,
    },
}

/// The preparation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct PrepareKeyAttestationResponse {
    /// The output.
    pub output: PrepareOutput,
}

/// `prepare_key_attestation.Operation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Parameters (mandatory).
    #[prost(message, optional, tag = "1")]
    pub parameters: Option<ParamsMessage>,
}

/// `PrepareKeyAttestationParams`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ParamsMessage {
    /// The mechanism.
    #[prost(oneof = "ParamsMechanism", tags = "1")]
    pub mechanism: Option<ParamsMechanism>,
}

/// `PrepareKeyAttestationParams.mechanism`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum ParamsMechanism {
    /// ActivateCredential.
    #[prost(message, tag = "1")]
    ActivateCredential(ActivateCredentialParams),
}

/// `PrepareKeyAttestationParams.ActivateCredential`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ActivateCredentialParams {
    /// Attested key.
    #[prost(string, tag = "1")]
    pub attested_key_name: String,
    /// Attesting key.
    #[prost(string, tag = "2")]
    pub attesting_key_name: String,
}

/// `prepare_key_attestation.Result`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResponseMessage {
    /// Output (mandatory).
    #[prost(message, optional, tag = "1")]
    pub output: Option<OutputMessage>,
}

/// `PrepareKeyAttestationOutput`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct OutputMessage {
    /// The mechanism.
    #[prost(oneof = "OutputMechanism", tags = "1")]
    pub mechanism: Option<OutputMechanism>,
}

/// `PrepareKeyAttestationOutput.mechanism`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum OutputMechanism {
    /// ActivateCredential.
    #[prost(message, tag = "1")]
    ActivateCredential(ActivateCredentialOutput),
}

/// `PrepareKeyAttestationOutput.ActivateCredential`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ActivateCredentialOutput {
    /// TPM name.
    #[prost(bytes = "vec", tag = "1")]
    pub name: Vec<u8>,
    /// Public area.
    #[prost(bytes = "vec", tag = "2")]
    pub public: Vec<u8>,
    /// Attesting public key.
    #[prost(bytes = "vec", tag = "3")]
    pub attesting_key_pub: Vec<u8>,
}

impl Body for PrepareKeyAttestationRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        let params = required(m.parameters, "parameters")?;
        let parameters = match required(params.mechanism, "mechanism")? {
            ParamsMechanism::ActivateCredential(p) => PrepareParams::ActivateCredential {
                attested_key_name: p.attested_key_name,
                attesting_key_name: p.attesting_key_name,
            },
        };
        Ok(PrepareKeyAttestationRequest { parameters })
    }

    fn to_proto(&self) -> RequestMessage {
        let mechanism = match &self.parameters {
            PrepareParams::ActivateCredential { attested_key_name, attesting_key_name } => {
                ParamsMechanism::ActivateCredential(ActivateCredentialParams {
                    attested_key_name: attested_key_name.clone(),
                    attesting_key_name: attesting_key_name.clone(),
                })
            }
        };
        RequestMessage { parameters: Some(ParamsMessage { mechanism: Some(mechanism) }) }
    }
}

impl Body for PrepareKeyAttestationResponse {
    type Proto = ResponseMessage;

    fn from_proto(m: ResponseMessage) -> Result<Self, Error> {
        let output = required(m.output, "output")?;
        let output = match required(output.mechanism, "mechanism")? {
            OutputMechanism::ActivateCredential(o) => PrepareOutput::ActivateCredential {
                name: o.name,
                public: o.public,
                attesting_key_pub: o.attesting_key_pub,
            },
        };
        Ok(PrepareKeyAttestationResponse { output })
    }

    fn to_proto(&self) -> ResponseMessage {
        let mechanism = match &self.output {
            PrepareOutput::ActivateCredential { name, public, attesting_key_pub } => {
                OutputMechanism::ActivateCredential(ActivateCredentialOutput {
                    name: name.clone(),
                    public: public.clone(),
                    attesting_key_pub: attesting_key_pub.clone(),
                })
            }
        };
        ResponseMessage { output: Some(OutputMessage { mechanism: Some(mechanism) }) }
    }
}
