//! PsaGenerateRandom (0x0D): random bytes; needs no identity.

use psc_psa::SecretBytes;
use zeroize::Zeroize;

use crate::error::Error;
use crate::ops::Body;
use crate::ops::asymmetric_encrypt::OutputMessage;

/// Generate random bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct GenerateRandomRequest {
    /// How many bytes (bounded by the service's buffer limit).
    pub size: u64,
}

/// `psa_generate_random.Operation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RequestMessage {
    /// Size in bytes.
    #[prost(uint64, tag = "1")]
    pub size: u64,
}

impl Body for GenerateRandomRequest {
    type Proto = RequestMessage;

    fn from_proto(m: RequestMessage) -> Result<Self, Error> {
        Ok(GenerateRandomRequest { size: m.size })
    }

    fn to_proto(&self) -> RequestMessage {
        RequestMessage { size: self.size }
    }
}

/// The random bytes (often used as key material, so kept secret).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
pub struct GenerateRandomResponse {
    /// The bytes.
    pub random_bytes: SecretBytes,
}

impl Body for GenerateRandomResponse {
    type Proto = OutputMessage;

    fn from_proto(m: OutputMessage) -> Result<Self, Error> {
        Ok(GenerateRandomResponse { random_bytes: SecretBytes::new(m.output) })
    }

    fn to_proto(&self) -> OutputMessage {
        OutputMessage { output: self.random_bytes.to_vec() }
    }

    fn scrub(m: &mut OutputMessage) {
        m.output.zeroize();
    }
}
