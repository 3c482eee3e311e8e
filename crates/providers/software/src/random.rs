//! Random bytes from aws-lc-rs's system random generator.

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use psc_provider_api::{ProviderError, RandomSource};

use crate::SoftwareProvider;

impl RandomSource for SoftwareProvider {
    fn fill(&self, out: &mut [u8]) -> Result<(), ProviderError> {
        SystemRandom::new()
            .fill(out)
            .map_err(|_| ProviderError::Other("the random generator failed".into()))
    }
}
