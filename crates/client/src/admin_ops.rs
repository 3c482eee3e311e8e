//! Administration and attestation: the operations most applications never call.

use psc_wire::ops::attest_key::{AttestationOutput, AttestationParams};
use psc_wire::ops::prepare_key_attestation::{PrepareOutput, PrepareParams};
use psc_wire::ops::{
    AttestKeyRequest, DeleteClientRequest, ListClientsRequest, PrepareKeyAttestationRequest,
};

use crate::typed::typed_methods;

typed_methods! {
    /// Every application that has keys in the service. Administrators only.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `AdminOperation` when the caller is not
    /// an administrator; otherwise see [`Client::call`](crate::Client::call).
    pub fn list_clients(&self) -> Vec<String> {
        core(ListClientsRequest) => |response| response.clients
    }

    /// Destroys every key of the application `client`. Administrators only.
    ///
    /// # Errors
    /// As [`Client::list_clients`](crate::Client::list_clients); our service also answers
    /// `PsaErrorDoesNotExist` for an application with no keys.
    pub fn delete_client(&self, client: &str) -> () {
        core(DeleteClientRequest { client: client.to_owned() }) => |_| ()
    }

    /// What a verifier needs to challenge the key `attested_key_name`
    /// (TPM2 ActivateCredential); an empty `attesting_key_name` means the provider's default.
    ///
    /// # Errors
    /// [`Error::Service`](crate::Error::Service) with `PsaErrorNotSupported` from providers
    /// without attestation; otherwise see [`Client::call`](crate::Client::call).
    pub fn prepare_key_attestation(&self, parameters: PrepareParams) -> PrepareOutput {
        crypto(PrepareKeyAttestationRequest { parameters }) => |response| response.output
    }

    /// Answers a verifier's challenge for the key `attested_key_name`.
    ///
    /// # Errors
    /// As [`Client::prepare_key_attestation`](crate::Client::prepare_key_attestation).
    pub fn attest_key(
        &self,
        attested_key_name: &str,
        parameters: AttestationParams,
        attesting_key_name: &str,
    ) -> AttestationOutput {
        crypto(AttestKeyRequest {
            attested_key_name: attested_key_name.to_owned(),
            parameters,
            attesting_key_name: attesting_key_name.to_owned(),
        }) => |response| response.output
    }
}
