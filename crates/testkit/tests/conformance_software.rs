//! The provider conformance suite against the software provider.

// Test code: a failed expectation is a failed test.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use psc_provider_software::SoftwareProvider;

/// A software provider with a master key in a per-process temporary directory.
fn software() -> SoftwareProvider {
    let dir = std::env::temp_dir().join(format!("psc-conformance-{}", std::process::id()));
    SoftwareProvider::open(&dir.join("master.key")).expect("the software provider opens")
}

psc_testkit::provider_conformance!(software_provider, software);
