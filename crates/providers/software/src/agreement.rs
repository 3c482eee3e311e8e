//! Raw key agreement: ECDH, routed to the elliptic-curve module, and FFDH, to `dh.rs`.

use psc_provider_api::{Binding, KeyRef, ProviderError, RawAgreement};
use psc_psa::{RawKeyAgreement, SecretBytes};

use crate::{SoftwareProvider, dh, ecc};

impl RawAgreement for SoftwareProvider {
    fn raw_agreement(
        &self,
        key: KeyRef<'_>,
        binding: Binding<'_>,
        alg: RawKeyAgreement,
        peer_key: &[u8],
    ) -> Result<SecretBytes, ProviderError> {
        match alg {
            RawKeyAgreement::Ecdh => {
                ecc::agree(key.attributes, &self.open_material(key, binding)?, peer_key)
            }
            RawKeyAgreement::Ffdh => {
                dh::agree(key.attributes, &self.open_material(key, binding)?, peer_key)
            }
        }
    }
}
