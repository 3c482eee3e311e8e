//! The one ESAPI context, behind a mutex: connecting (again, after the connection was
//! lost), the storage primary key, the session, what the TPM supports, and loading keys so
//! that at most three transient objects are ever loaded (swtpm without a resource manager
//! has three slots): the primary, the last key used, and one for the command.

use std::sync::{Mutex, PoisonError};

use psc_psa::Hash;
use tss_esapi::Context;
use tss_esapi::attributes::{ObjectAttributesBuilder, SessionAttributesBuilder};
use tss_esapi::constants::SessionType;
use tss_esapi::handles::KeyHandle;
use tss_esapi::interface_types::algorithm::{HashingAlgorithm, PublicAlgorithm};
use tss_esapi::interface_types::ecc::EccCurve;
use tss_esapi::interface_types::key_bits::RsaKeyBits;
use tss_esapi::interface_types::resource_handles::Hierarchy;
use tss_esapi::interface_types::session_handles::AuthSession;
use tss_esapi::structures::{
    Auth, EccPoint, EccScheme, HashScheme, KeyDerivationFunctionScheme, MaxBuffer, Private, Public,
    PublicBuilder, PublicEccParametersBuilder, PublicParameters, PublicRsaParametersBuilder,
    RsaExponent, RsaScheme, SymmetricDefinition, SymmetricDefinitionObject,
};

use crate::error::{Command, TpmError};
use crate::options::TpmOptions;

/// RSA sizes asked of the TPM at start. 1024 bits is never offered, whatever the TPM does.
const RSA_SIZES: [u32; 3] = [2048, 3072, 4096];
/// SECP-R1 curves asked of the TPM at start.
const ECC_SIZES: [u32; 3] = [256, 384, 521];
/// Hashes asked of the TPM at start: the ones signatures and OAEP may use here (the
/// provider hashes messages itself with these).
const HASHES: [Hash; 3] = [Hash::Sha256, Hash::Sha384, Hash::Sha512];

/// What this TPM supports, asked once at start (TPM2_TestParms, TPM2_Hash).
#[derive(Clone, Debug, Default)]
pub(crate) struct Capabilities {
    pub(crate) rsa_bits: Vec<u32>,
    pub(crate) ecc_bits: Vec<u32>,
    pub(crate) hashes: Vec<Hash>,
}

/// The TPM: one context, one storage primary key, one session, used by one request at a
/// time. A context whose connection was lost is dropped, and the next request connects
/// again (a TPM that went away and came back is used again without a restart, once it
/// derives the same storage primary key).
pub(crate) struct Device {
    inner: Mutex<Option<Inner>>,
    options: TpmOptions,
    pub(crate) capabilities: Capabilities,
    /// The storage primary key's TPM name: recorded in the key store and compared at start.
    pub(crate) primary_name: Vec<u8>,
}

impl std::fmt::Debug for Device {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Device")
            .field("capabilities", &self.capabilities)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Inner {
    pub(crate) ctx: Context,
    pub(crate) primary: KeyHandle,
    /// The endorsement key's public area, once asked for (attestation).
    pub(crate) ek_public: Option<Public>,
    /// The last key used, left loaded so that the next command with it skips TPM2_Load.
    /// One at most: swtpm has three transient slots, the primary takes one, and
    /// attestation needs the other two.
    loaded: Option<Loaded>,
}

/// A key left loaded: what it was loaded from, and its handle.
struct Loaded {
    public: Public,
    private: Vec<u8>,
    handle: KeyHandle,
}

/// Why the device did not open.
pub(crate) enum OpenFailure {
    /// The TCTI could not reach a TPM.
    Unreachable(TpmError),
    /// A TPM answered, but refused what the provider needs.
    Refused(TpmError),
}

/// The session symmetric cipher and the primary key's: AES-128-CFB, which every TPM 2.0 of
/// the PC Client profile has.
const SESSION_CIPHER: SymmetricDefinitionObject = SymmetricDefinitionObject::AES_128_CFB;

impl Device {
    /// Connects, derives the storage primary key and asks what the TPM supports.
    pub(crate) fn open(options: &TpmOptions) -> Result<Device, OpenFailure> {
        let (mut inner, primary_name) = connect(options)?;
        let capabilities = inner.ctx.execute_without_session(probe);
        Ok(Device {
            inner: Mutex::new(Some(inner)),
            options: options.clone(),
            capabilities,
            primary_name,
        })
    }

    /// Runs `f` with the context, for one request; connects first if the last connection
    /// was lost, and drops the context when `f` finds it lost.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut Inner) -> Result<T, TpmError>,
    ) -> Result<T, TpmError> {
        // A panic holding the lock leaves nothing half-done on our side: every command is
        // one call, and objects are flushed as their loads fail or end.
        let mut slot = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        let inner = match &mut *slot {
            Some(inner) => inner,
            empty => empty.insert(self.reconnect()?),
        };
        let result = f(inner);
        if let Err(e) = &result
            && e.connection_lost()
        {
            tracing::warn!(tcti = %self.options.tcti, error = %e,
                "the connection to the TPM was lost: the next request connects again");
            *slot = None;
        }
        result
    }

    /// [`Inner::with_key`] for one request.
    pub(crate) fn with_key<T>(
        &self,
        public: &Public,
        private: &[u8],
        auth: &[u8],
        f: impl FnOnce(&mut Context, KeyHandle) -> Result<T, TpmError>,
    ) -> Result<T, TpmError> {
        self.with(|inner| inner.with_key(public, private, auth, f))
    }

    /// [`Inner::with_public`] for one request.
    pub(crate) fn with_public<T>(
        &self,
        public: &Public,
        f: impl FnOnce(&mut Context, KeyHandle) -> Result<T, TpmError>,
    ) -> Result<T, TpmError> {
        self.with(|inner| inner.with_public(public, f))
    }

    /// A new connection, checked to derive the storage primary key of the start.
    fn reconnect(&self) -> Result<Inner, TpmError> {
        let (inner, name) = connect(&self.options).map_err(|failure| match failure {
            OpenFailure::Unreachable(e) | OpenFailure::Refused(e) => e,
        })?;
        if name != self.primary_name {
            return Err(TpmError {
                command: "reconnecting: the storage primary key differs from the start's \
                          (the TPM was cleared, or this is another TPM)",
                error: tss_esapi::Error::WrapperError(
                    tss_esapi::WrapperErrorKind::InconsistentParams,
                ),
            });
        }
        tracing::info!(tcti = %self.options.tcti, "connected to the TPM again");
        Ok(inner)
    }
}

/// Connects: the hierarchy authorizations, the storage primary key, the salted session.
fn connect(options: &TpmOptions) -> Result<(Inner, Vec<u8>), OpenFailure> {
    let mut ctx = Context::new(options.tcti_conf.clone())
        .command(crate::error::INITIALIZE)
        .map_err(OpenFailure::Unreachable)?;
    let refused = OpenFailure::Refused;
    let hierarchies = [
        (
            Hierarchy::Owner,
            &options.owner_hierarchy_auth,
            "owner_hierarchy_auth (at most 64 bytes)",
        ),
        (
            Hierarchy::Endorsement,
            &options.endorsement_hierarchy_auth,
            "endorsement_hierarchy_auth (at most 64 bytes)",
        ),
    ];
    for (hierarchy, auth, what) in hierarchies {
        if let Some(auth) = auth {
            let auth = Auth::try_from(auth.as_bytes().to_vec())
                .command(what)
                .map_err(refused)?;
            ctx.tr_set_auth(hierarchy.into(), auth)
                .command("Esys_TR_SetAuth")
                .map_err(refused)?;
        }
    }
    // An unsalted session carries the owner authorization as an HMAC, never in clear.
    let first = start_session(&mut ctx, None).map_err(refused)?;
    ctx.set_sessions((Some(first), None, None));
    let primary_auth = random_auth(&mut ctx).map_err(refused)?;
    let primary = ctx
        .create_primary(
            Hierarchy::Owner,
            primary_template()
                .command("primary template")
                .map_err(refused)?,
            Some(primary_auth),
            None,
            None,
            None,
        )
        .command("TPM2_CreatePrimary")
        .map_err(refused)?
        .key_handle;
    // Then a session salted with the primary key, so its session key is secret even to
    // someone who saw every command: it encrypts the first parameter each way.
    let salted = ctx
        .execute_without_session(|ctx| start_session(ctx, Some(primary)))
        .map_err(refused)?;
    ctx.set_sessions((Some(salted), None, None));
    ctx.flush_context(tss_esapi::handles::SessionHandle::from(first).into())
        .command("TPM2_FlushContext")
        .map_err(refused)?;
    let primary_name = ctx
        .tr_get_name(primary.into())
        .command("Esys_TR_GetName")
        .map_err(refused)?
        .value()
        .to_vec();
    let inner = Inner {
        ctx,
        primary,
        ek_public: None,
        loaded: None,
    };
    Ok((inner, primary_name))
}

impl Inner {
    /// Runs `f` with the key (`public`, `private`) loaded under the primary with `auth`. The
    /// key stays loaded for the next command (and is flushed when another key is loaded);
    /// its authorization is set again for each command, so the TPM checks it every time.
    pub(crate) fn with_key<T>(
        &mut self,
        public: &Public,
        private: &[u8],
        auth: &[u8],
        f: impl FnOnce(&mut Context, KeyHandle) -> Result<T, TpmError>,
    ) -> Result<T, TpmError> {
        let handle = match &self.loaded {
            Some(loaded) if loaded.private == private && loaded.public == *public => loaded.handle,
            _ => {
                self.evict();
                let tpm_private = Private::try_from(private.to_vec()).command("TPM2B_PRIVATE")?;
                let handle = self
                    .ctx
                    .load(self.primary, tpm_private, public.clone())
                    .command("TPM2_Load")?;
                self.loaded = Some(Loaded {
                    public: public.clone(),
                    private: private.to_vec(),
                    handle,
                });
                handle
            }
        };
        Auth::try_from(auth.to_vec())
            .command("key authorization")
            .and_then(|auth| {
                self.ctx
                    .tr_set_auth(handle.into(), auth)
                    .command("Esys_TR_SetAuth")
            })
            .and_then(|()| f(&mut self.ctx, handle))
    }

    /// Flushes the key left loaded, if any: before a command that needs every slot.
    pub(crate) fn evict(&mut self) {
        if let Some(loaded) = self.loaded.take() {
            self.flush(loaded.handle.into());
        }
    }

    /// Runs `f` with `public` loaded as an external public key (null hierarchy, no session),
    /// then flushes it.
    pub(crate) fn with_public<T>(
        &mut self,
        public: &Public,
        f: impl FnOnce(&mut Context, KeyHandle) -> Result<T, TpmError>,
    ) -> Result<T, TpmError> {
        self.ctx.execute_without_session(|ctx| {
            let handle = ctx
                .load_external_public(public.clone(), Hierarchy::Null)
                .command("TPM2_LoadExternal")?;
            let result = f(ctx, handle);
            if let Err(e) = ctx.flush_context(handle.into()) {
                tracing::warn!(error = %e, "TPM2_FlushContext of a public key failed");
            }
            result
        })
    }

    /// Flushes a transient object or session, logging a failure.
    pub(crate) fn flush(&mut self, handle: tss_esapi::handles::ObjectHandle) {
        if let Err(e) = self.ctx.flush_context(handle) {
            tracing::warn!(error = %e, "TPM2_FlushContext failed");
        }
    }
}

fn start_session(ctx: &mut Context, salt: Option<KeyHandle>) -> Result<AuthSession, TpmError> {
    let session = ctx
        .start_auth_session(
            salt,
            None,
            None,
            SessionType::Hmac,
            SymmetricDefinition::from(SESSION_CIPHER),
            HashingAlgorithm::Sha256,
        )
        .command("TPM2_StartAuthSession")?
        .ok_or(TpmError {
            command: "TPM2_StartAuthSession",
            error: tss_esapi::Error::WrapperError(tss_esapi::WrapperErrorKind::WrongValueFromTpm),
        })?;
    let (attributes, mask) = SessionAttributesBuilder::new()
        .with_continue_session(true)
        .with_decrypt(true)
        .with_encrypt(true)
        .build();
    ctx.tr_sess_set_attributes(session, attributes, mask)
        .command("Esys_TRSess_SetAttributes")?;
    Ok(session)
}

/// 32 random bytes from the TPM, as the primary key's authorization for this run.
fn random_auth(ctx: &mut Context) -> Result<Auth, TpmError> {
    let bytes = ctx
        .execute_without_session(|ctx| ctx.get_random(32))
        .command("TPM2_GetRandom")?;
    Auth::try_from(bytes.value().to_vec()).command("primary authorization")
}

/// The storage primary key's template. **Frozen**: the key, hence its name, is derived
/// from the owner hierarchy's seed and these bytes; changing any field makes every stored
/// key unusable. An ECC P-256 restricted decryption key (creating it takes milliseconds,
/// an RSA one seconds), AES-128-CFB for its children, SHA-256 names, no dictionary-attack
/// protection (its authorization is random for each run), empty unique field.
pub(crate) fn primary_template() -> tss_esapi::Result<Public> {
    let attributes = ObjectAttributesBuilder::new()
        .with_fixed_tpm(true)
        .with_fixed_parent(true)
        .with_sensitive_data_origin(true)
        .with_user_with_auth(true)
        .with_no_da(true)
        .with_restricted(true)
        .with_decrypt(true)
        .build()?;
    PublicBuilder::new()
        .with_public_algorithm(PublicAlgorithm::Ecc)
        .with_name_hashing_algorithm(HashingAlgorithm::Sha256)
        .with_object_attributes(attributes)
        .with_ecc_parameters(
            PublicEccParametersBuilder::new_restricted_decryption_key(
                SESSION_CIPHER,
                EccCurve::NistP256,
            )
            .build()?,
        )
        .with_ecc_unique_identifier(EccPoint::default())
        .build()
}

/// The TPM's hash algorithm for a PSA hash, where there is one.
pub(crate) fn tpm_hash(hash: Hash) -> Option<HashingAlgorithm> {
    match hash {
        Hash::Sha1 => Some(HashingAlgorithm::Sha1),
        Hash::Sha256 => Some(HashingAlgorithm::Sha256),
        Hash::Sha384 => Some(HashingAlgorithm::Sha384),
        Hash::Sha512 => Some(HashingAlgorithm::Sha512),
        Hash::Sha3_256 => Some(HashingAlgorithm::Sha3_256),
        Hash::Sha3_384 => Some(HashingAlgorithm::Sha3_384),
        Hash::Sha3_512 => Some(HashingAlgorithm::Sha3_512),
        _ => None,
    }
}

/// The TPM's curve for a SECP-R1 size.
pub(crate) fn curve(bits: u32) -> Option<EccCurve> {
    match bits {
        256 => Some(EccCurve::NistP256),
        384 => Some(EccCurve::NistP384),
        521 => Some(EccCurve::NistP521),
        _ => None,
    }
}

/// The TPM's RSA size.
pub(crate) fn rsa_bits(bits: u32) -> Option<RsaKeyBits> {
    match bits {
        2048 => Some(RsaKeyBits::Rsa2048),
        3072 => Some(RsaKeyBits::Rsa3072),
        4096 => Some(RsaKeyBits::Rsa4096),
        _ => None,
    }
}

/// Asks the TPM which key sizes and hashes it supports (commands that take no session).
fn probe(ctx: &mut Context) -> Capabilities {
    let mut capabilities = Capabilities::default();
    for bits in RSA_SIZES {
        let params = rsa_bits(bits).and_then(|size| {
            PublicRsaParametersBuilder::new_unrestricted_signing_key(
                RsaScheme::Null,
                size,
                RsaExponent::ZERO_EXPONENT,
            )
            .build()
            .ok()
        });
        if let Some(params) = params
            && ctx.test_parms(PublicParameters::Rsa(params)).is_ok()
        {
            capabilities.rsa_bits.push(bits);
        }
    }
    for bits in ECC_SIZES {
        let params = curve(bits).and_then(|curve| {
            PublicEccParametersBuilder::new_unrestricted_signing_key(
                EccScheme::EcDsa(HashScheme::new(HashingAlgorithm::Sha256)),
                curve,
            )
            .with_key_derivation_function_scheme(KeyDerivationFunctionScheme::Null)
            .build()
            .ok()
        });
        if let Some(params) = params
            && ctx.test_parms(PublicParameters::Ecc(params)).is_ok()
        {
            capabilities.ecc_bits.push(bits);
        }
    }
    for hash in HASHES {
        let supported = tpm_hash(hash).is_some_and(|alg| {
            MaxBuffer::try_from(b"abc".to_vec())
                .is_ok_and(|data| ctx.hash(data, alg, Hierarchy::Null).is_ok())
        });
        if supported {
            capabilities.hashes.push(hash);
        }
    }
    tracing::debug!(?capabilities, "TPM capabilities");
    capabilities
}
