//! A test provider whose keys live outside their blob, as a PKCS#11 token's objects do: each
//! key is a file `<id>.obj` in the directory its configuration names (`objects_dir`), and the
//! blob is the id. It exists to test the service's handling of such back ends (intents,
//! recovery, retries); it stores key material in clear and must never be in a production
//! build (the daemon compiles it only with its non-default `test-provider` feature).
//!
//! Controls, all files in `objects_dir`, read at every call:
//! - `unreachable`: while it exists, every operation fails with a hardware failure, as an
//!   absent token does; the error keeps a PKCS#11-like cause (`CKR_TOKEN_NOT_PRESENT`).
//! - `absent`: if it exists when the provider is built, the device is absent: the provider
//!   answers [`OpenError::Absent`] when its option `skip_if_absent = true` (as
//!   `skip_if_no_tpm`), and fails to start otherwise.
//! - `stop-at`: holds a step name ([`Step`]); on reaching that step the provider creates
//!   `stopped-<step>` and sleeps until the process is killed, so a test can `kill -9` the
//!   daemon exactly there.
//! - `expected-pin`: if it exists, the configured `pin` must equal its contents, or the
//!   provider refuses to start ("wrong PIN", the PIN itself never shown).
//! - `instances`: a line `new` is appended each time a provider is built, and a line `drop`
//!   each time one is dropped (tests count them).
//!
//! With its option `attestation = true` it also exposes [`KeyAttestation`], a toy of TPM2
//! ActivateCredential that shows which keys reached it: PrepareKeyAttestation answers the
//! attested key's object id as its name, its contents as its public area, and the attesting
//! key's contents (or `default attesting key`) as the attesting public key; AttestKey gives
//! back the credential blob when the secret equals the attested key's contents followed by
//! the attesting key's (or `default attesting key`), and refuses it otherwise.

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use psc_provider_api::{
    Binding, CredentialChallenge, KeyAttestation, KeyLifecycle, KeyRef, NewKey, OpenError,
    Provider, ProviderError, ProviderInfo, ProviderOptions, Secret,
};
use psc_psa::{Attributes, KeyType, SecretBytes, Status};
use serde::Deserialize;
use uuid::Uuid;

/// The provider's UUID in ListProviders.
pub const TEST_PROVIDER_UUID: Uuid = Uuid::from_u128(0x7e57_0b1e_c700_4000_8000_0000_0000_0001);

/// The steps at which a test can stop the provider (the contents of `stop-at`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// A creation, after the service recorded its intent, before the object exists.
    CreateBefore,
    /// A creation, after the object exists, before the service commits the row.
    CreateAfter,
    /// A deletion, after the service recorded its intent, before the object is removed.
    DestroyBefore,
    /// A deletion, after the object is removed, before the service removes the row.
    DestroyAfter,
}

impl Step {
    /// The name written in `stop-at`.
    pub fn name(self) -> &'static str {
        match self {
            Step::CreateBefore => "create-before",
            Step::CreateAfter => "create-after",
            Step::DestroyBefore => "destroy-before",
            Step::DestroyAfter => "destroy-after",
        }
    }
}

/// The provider.
#[derive(Debug)]
pub struct TestProvider {
    dir: PathBuf,
    attestation: bool,
}

/// What the toy attestation uses when a request names no attesting key.
pub const DEFAULT_ATTESTING_KEY: &[u8] = b"default attesting key";

static NEXT: AtomicU64 = AtomicU64::new(0);

/// The provider's own options (its `[[provider]]` table, common keys left out).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Options {
    /// The directory holding the objects (absolute).
    objects_dir: PathBuf,
    /// A PIN, in the original's `str:`/`hex:` forms, checked against `expected-pin`.
    #[serde(default, deserialize_with = "prefixed")]
    pin: Option<Secret>,
    /// Start the service without this provider when its device is absent.
    #[serde(default)]
    skip_if_absent: bool,
    /// Expose the toy [`KeyAttestation`].
    #[serde(default)]
    attestation: bool,
}

/// The cause kept in the errors of an unreachable token, as a PKCS#11 provider keeps the
/// function and its return value.
#[derive(Debug)]
pub struct TokenError {
    /// The function that failed.
    pub function: &'static str,
    /// Its return value's name.
    pub rv: &'static str,
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} returned {}", self.function, self.rv)
    }
}

impl std::error::Error for TokenError {}

fn prefixed<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
    Secret::prefixed(d).map(Some)
}

impl TestProvider {
    /// The provider its `[[provider]]` table describes.
    ///
    /// # Errors
    /// A message naming the option, its line and the file; or the directory; never the PIN.
    pub fn from_options(options: &ProviderOptions) -> Result<TestProvider, OpenError> {
        let options: Options = options.parse().map_err(|e| e.to_string())?;
        if !options.objects_dir.is_absolute() {
            return Err(OpenError::Failed(format!(
                "objects_dir {} is not absolute",
                options.objects_dir.display()
            )));
        }
        if options.objects_dir.join("absent").exists() {
            let reason = "the test token is absent".to_owned();
            return Err(match options.skip_if_absent {
                true => OpenError::Absent(reason),
                false => OpenError::Failed(reason),
            });
        }
        if let Ok(expected) = fs::read(options.objects_dir.join("expected-pin"))
            && options.pin.as_ref().map(Secret::as_bytes) != Some(expected.as_slice())
        {
            return Err(OpenError::Failed(
                "the test token refuses the configured pin: wrong PIN".into(),
            ));
        }
        let mut provider = TestProvider::open(&options.objects_dir)?;
        provider.attestation = options.attestation;
        Ok(provider)
    }

    /// A provider keeping its objects in `dir` (created if missing).
    ///
    /// # Errors
    /// A message naming the directory if it cannot be created or written.
    pub fn open(dir: &Path) -> Result<TestProvider, String> {
        let fail = |e: std::io::Error| format!("objects_dir {}: {e}", dir.display());
        fs::create_dir_all(dir).map_err(fail)?;
        count(dir, "new").map_err(fail)?;
        Ok(TestProvider {
            dir: dir.to_owned(),
            attestation: false,
        })
    }

    /// The contents of a key's object.
    fn contents(&self, key: KeyRef<'_>) -> Result<Vec<u8>, ProviderError> {
        self.reachable()?;
        fs::read(self.object(key.blob)?).map_err(|e| ProviderError::Storage(e.to_string()))
    }

    /// The attesting key's contents, or the default attesting key's.
    fn attesting(&self, key: Option<KeyRef<'_>>) -> Result<Vec<u8>, ProviderError> {
        key.map_or_else(
            || Ok(DEFAULT_ATTESTING_KEY.to_vec()),
            |key| self.contents(key),
        )
    }

    fn object(&self, blob: &[u8]) -> Result<PathBuf, ProviderError> {
        let id = std::str::from_utf8(blob)
            .ok()
            .filter(|id| {
                !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            })
            .ok_or_else(|| ProviderError::CorruptKey("not a test provider blob".into()))?;
        Ok(self.dir.join(format!("{id}.obj")))
    }

    fn reachable(&self) -> Result<(), ProviderError> {
        if self.dir.join("unreachable").exists() {
            return Err(ProviderError::caused(
                Status::PsaErrorHardwareFailure,
                "the test token is unreachable",
                TokenError {
                    function: "C_GetSlotInfo",
                    rv: "CKR_TOKEN_NOT_PRESENT",
                },
            ));
        }
        Ok(())
    }

    /// Stops here (until killed) if `stop-at` names this step.
    fn step(&self, step: Step) {
        let wanted = fs::read_to_string(self.dir.join("stop-at")).unwrap_or_default();
        if wanted.trim() == step.name() {
            let _ = fs::write(self.dir.join(format!("stopped-{}", step.name())), b"");
            loop {
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }

    fn write_object(
        &self,
        plan: &[u8],
        attributes: &Attributes,
        data: &[u8],
    ) -> Result<NewKey, ProviderError> {
        self.reachable()?;
        self.step(Step::CreateBefore);
        let bits = u32::try_from(data.len() * 8)
            .map_err(|_| ProviderError::InvalidArgument("key too large".into()))?;
        if attributes.bits != 0 && attributes.bits != bits {
            return Err(ProviderError::InvalidArgument("size mismatch".into()));
        }
        let path = self.object(plan)?;
        fs::write(&path, data).map_err(|e| ProviderError::Storage(e.to_string()))?;
        self.step(Step::CreateAfter);
        Ok(NewKey {
            blob: plan.to_vec(),
            attributes: Attributes {
                bits,
                ..*attributes
            },
        })
    }
}

/// Appends `event` to the `instances` file.
fn count(dir: &Path, event: &str) -> std::io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("instances"))?;
    writeln!(file, "{event}")
}

impl Drop for TestProvider {
    fn drop(&mut self) {
        let _ = count(&self.dir, "drop");
    }
}

impl Provider for TestProvider {
    fn info(&self) -> ProviderInfo {
        ProviderInfo {
            uuid: TEST_PROVIDER_UUID,
            description: "Test provider: keys are files outside the store (tests only)".into(),
            vendor: "psc".into(),
            version: (0, 1, 0),
        }
    }

    fn key_lifecycle(&self) -> Option<&dyn KeyLifecycle> {
        Some(self)
    }

    fn key_attestation(&self) -> Option<&dyn KeyAttestation> {
        self.attestation.then_some(self as &dyn KeyAttestation)
    }
}

fn raw_data_only(attributes: &Attributes) -> Result<(), ProviderError> {
    if attributes.key_type != KeyType::RawData {
        return Err(ProviderError::NotSupported("only RawData keys".into()));
    }
    Ok(())
}

impl KeyLifecycle for TestProvider {
    fn keeps_external_state(&self) -> bool {
        true
    }

    fn plan(&self, attributes: &Attributes) -> Result<Vec<u8>, ProviderError> {
        raw_data_only(attributes)?;
        self.reachable()?;
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        Ok(format!("{}-{nanos}-{n}", std::process::id()).into_bytes())
    }

    fn generate(&self, _: &Attributes, _: Binding<'_>) -> Result<NewKey, ProviderError> {
        Err(ProviderError::Other(
            "the test provider creates planned keys only".into(),
        ))
    }

    fn import(&self, _: &Attributes, _: &[u8], _: Binding<'_>) -> Result<NewKey, ProviderError> {
        Err(ProviderError::Other(
            "the test provider creates planned keys only".into(),
        ))
    }

    fn generate_planned(
        &self,
        plan: &[u8],
        attributes: &Attributes,
        _: Binding<'_>,
    ) -> Result<NewKey, ProviderError> {
        raw_data_only(attributes)?;
        let len = usize::try_from(attributes.bits / 8).unwrap_or(0).max(1);
        let data: Vec<u8> = plan.iter().copied().cycle().take(len).collect();
        self.write_object(plan, attributes, &data)
    }

    fn import_planned(
        &self,
        plan: &[u8],
        attributes: &Attributes,
        data: &[u8],
        _: Binding<'_>,
    ) -> Result<NewKey, ProviderError> {
        raw_data_only(attributes)?;
        self.write_object(plan, attributes, data)
    }

    fn export_public(&self, _: KeyRef<'_>, _: Binding<'_>) -> Result<Vec<u8>, ProviderError> {
        Err(ProviderError::InvalidArgument(
            "RawData keys have no public part".into(),
        ))
    }

    fn export(&self, key: KeyRef<'_>, _: Binding<'_>) -> Result<SecretBytes, ProviderError> {
        self.reachable()?;
        let data =
            fs::read(self.object(key.blob)?).map_err(|e| ProviderError::Storage(e.to_string()))?;
        Ok(SecretBytes::new(data))
    }

    fn destroy(&self, key: KeyRef<'_>) -> Result<(), ProviderError> {
        self.reachable()?;
        self.step(Step::DestroyBefore);
        match fs::remove_file(self.object(key.blob)?) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(e) => return Err(ProviderError::Storage(e.to_string())),
        }
        self.step(Step::DestroyAfter);
        Ok(())
    }
}

impl KeyAttestation for TestProvider {
    fn prepare_activate_credential(
        &self,
        attested: KeyRef<'_>,
        _binding: Binding<'_>,
        attesting: Option<(KeyRef<'_>, Binding<'_>)>,
    ) -> Result<CredentialChallenge, ProviderError> {
        Ok(CredentialChallenge {
            name: attested.blob.to_vec(),
            public: self.contents(attested)?,
            attesting_key_pub: self.attesting(attesting.map(|(key, _)| key))?,
        })
    }

    fn activate_credential(
        &self,
        attested: KeyRef<'_>,
        _binding: Binding<'_>,
        attesting: Option<(KeyRef<'_>, Binding<'_>)>,
        credential_blob: &[u8],
        secret: &[u8],
    ) -> Result<SecretBytes, ProviderError> {
        let mut expected = self.contents(attested)?;
        expected.extend(self.attesting(attesting.map(|(key, _)| key))?);
        if secret != expected.as_slice() {
            return Err(ProviderError::InvalidArgument(
                "the credential was not made for these keys".into(),
            ));
        }
        Ok(SecretBytes::new(credential_blob.to_vec()))
    }
}
