//! What the conveniences ([`crate::easy`]) know of the keys they sign with: each key's
//! attributes, learned with one ListKeys the first time the key is used and kept, so that
//! `sign` and `verify` then cost one request each, however many keys the application has.
//!
//! The service is the authority: a kept policy is only a guess of which algorithm to send.
//! When the service refuses it for the key's policy (`PsaErrorNotPermitted`,
//! `PsaErrorInvalidArgument`: the key was destroyed and made again under the same name with
//! another algorithm, maybe by another process), or the kept attributes no longer suit
//! (`ClientError::UnsuitableKey`), the attributes are looked up again once and the operation
//! retried once if they changed. A key the service no longer has is forgotten.
//!
//! Entries are per identity and provider (a client whose `set_auth` or `set_provider` changed
//! does not reuse another namespace's), shared by a client's clones, and bounded: past
//! [`MAX_KEYS`] names the map is emptied and refilled as keys are used. Attributes are not
//! secret.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use psc_psa::{Attributes, Status};
use psc_wire::ProviderId;

use crate::auth::Auth;
use crate::error::{ClientError, Error};

/// The most key names kept.
pub(crate) const MAX_KEYS: usize = 1024;

/// Where a key name lives: the identity's namespace in one provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Scope {
    pub(crate) auth: Auth,
    pub(crate) provider: ProviderId,
}

/// The attributes of the keys used so far, by name.
#[derive(Debug, Default)]
pub(crate) struct KeyPolicies {
    keys: Mutex<HashMap<String, (Scope, Attributes)>>,
}

impl KeyPolicies {
    /// The kept attributes of `name` in `scope`.
    pub(crate) fn get(&self, scope: &Scope, name: &str) -> Option<Attributes> {
        match self.lock().get(name) {
            Some((kept, attributes)) if kept == scope => Some(*attributes),
            _ => None,
        }
    }

    /// Records what the service said of `name`: its attributes, or `None` for no such key.
    pub(crate) fn learn(&self, scope: &Scope, name: &str, attributes: Option<Attributes>) {
        let mut keys = self.lock();
        let Some(attributes) = attributes else {
            keys.remove(name);
            return;
        };
        if keys.len() >= MAX_KEYS && !keys.contains_key(name) {
            keys.clear();
        }
        keys.insert(name.to_owned(), (scope.clone(), attributes));
    }

    /// After an operation with the kept attributes of `name` failed with `error`: whether
    /// they may be stale, so the caller looks them up again (and retries if they changed).
    /// A key the service no longer has is forgotten here.
    pub(crate) fn stale_after(&self, scope: &Scope, name: &str, error: &Error) -> bool {
        match after_failure(error) {
            AfterFailure::Refresh => true,
            AfterFailure::Forget => {
                self.learn(scope, name, None);
                false
            }
            AfterFailure::Report => false,
        }
    }

    /// How many key names are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    /// The map is consistent after any panic (no code runs under the lock but the map's own).
    fn lock(&self) -> MutexGuard<'_, HashMap<String, (Scope, Attributes)>> {
        self.keys.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What to do after an operation with kept attributes failed with `error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AfterFailure {
    /// Look the key up again, and retry once if its attributes changed.
    Refresh,
    /// The key is gone: forget it, and report the error.
    Forget,
    /// Report the error.
    Report,
}

/// The failures that mean the kept attributes may be stale.
pub(crate) fn after_failure(error: &Error) -> AfterFailure {
    match error {
        Error::Service(Status::PsaErrorNotPermitted | Status::PsaErrorInvalidArgument)
        | Error::Client(ClientError::UnsuitableKey { .. }) => AfterFailure::Refresh,
        Error::Service(Status::PsaErrorDoesNotExist) => AfterFailure::Forget,
        _ => AfterFailure::Report,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::easy::{encryption_attributes, signing_attributes};

    fn scope(name: &str) -> Scope {
        Scope {
            auth: Auth::Direct(name.into()),
            provider: ProviderId::MbedCrypto,
        }
    }

    #[test]
    fn attributes_are_kept_per_identity_and_provider() {
        let policies = KeyPolicies::default();
        policies.learn(&scope("a"), "k", Some(signing_attributes()));
        assert_eq!(policies.get(&scope("a"), "k"), Some(signing_attributes()));
        assert_eq!(policies.get(&scope("b"), "k"), None);
        let other_provider = Scope {
            provider: ProviderId::Pkcs11,
            ..scope("a")
        };
        assert_eq!(policies.get(&other_provider, "k"), None);
        policies.learn(&scope("a"), "k", Some(encryption_attributes()));
        assert_eq!(
            policies.get(&scope("a"), "k"),
            Some(encryption_attributes())
        );
        policies.learn(&scope("a"), "k", None);
        assert_eq!(policies.get(&scope("a"), "k"), None);
    }

    #[test]
    fn the_map_is_bounded() {
        let policies = KeyPolicies::default();
        for n in 0..MAX_KEYS + 10 {
            policies.learn(&scope("a"), &n.to_string(), Some(signing_attributes()));
            assert!(policies.len() <= MAX_KEYS);
        }
        let last = (MAX_KEYS + 9).to_string();
        assert_eq!(policies.get(&scope("a"), &last), Some(signing_attributes()));
    }

    #[test]
    fn policy_refusals_refresh_and_a_missing_key_is_forgotten() {
        assert_eq!(
            after_failure(&Error::Service(Status::PsaErrorNotPermitted)),
            AfterFailure::Refresh
        );
        assert_eq!(
            after_failure(&Error::Service(Status::PsaErrorInvalidArgument)),
            AfterFailure::Refresh
        );
        assert_eq!(
            after_failure(&Error::Service(Status::PsaErrorDoesNotExist)),
            AfterFailure::Forget
        );
        assert_eq!(
            after_failure(&Error::Service(Status::PsaErrorInvalidSignature)),
            AfterFailure::Report
        );
    }
}
