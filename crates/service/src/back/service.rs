//! The one dispatcher. Routing, authentication and access checks run once, in the order
//! published clients expect (docs/protocol.md §2.1, steps 8–16), then one match arm per operation.

use psc_wire::ops::list_opcodes::ListOpcodesResponse;
use psc_wire::ops::ping::PingResponse;
use psc_wire::ops::{Access, Scope};
use psc_wire::{Opcode, ProviderId, Request, RequestHeader, Response};

use super::placement::{self, Placement};
use super::slots::{self, ProviderFactory, Slot, StartError};
use super::{attestation, core, crypto, keyless, keys};
use crate::auth::{Application, Authenticators, Caller, PeerCredentials};
use crate::config::Config;
use crate::error::Error;

/// A request authenticated, checked and decoded, ready to run where [`Prepared::placement`]
/// says.
#[derive(Debug)]
pub struct Prepared {
    provider: ProviderId,
    app: Option<Application>,
    request: Request,
    placement: Placement,
}

impl Prepared {
    /// Where it should run.
    pub fn placement(&self) -> Placement {
        self.placement
    }

    /// The provider it is addressed to.
    pub fn provider(&self) -> ProviderId {
        self.provider
    }

    /// The operation it asks.
    pub fn opcode(&self) -> Opcode {
        self.request.opcode()
    }

    /// Whose request it is (`None`: no identity, for the open operations): the unit of
    /// fair sharing of slow work.
    pub fn tenant(&self) -> Option<&Application> {
        self.app.as_ref()
    }
}

/// The service: configuration, authenticators and providers, shared by every connection.
#[derive(Debug)]
pub struct Service {
    config: Config,
    authenticators: Authenticators,
    slots: Vec<Slot>,
}

impl Service {
    /// Builds the service: providers through `factory`, their key stores opened (or shared
    /// with `previous`, the service being replaced by a reload), interrupted operations
    /// finished.
    ///
    /// The permissions of the key stores and the socket's directory are checked first
    /// ([`permissions`](crate::permissions)); what is only unwise is logged as a warning.
    ///
    /// # Errors
    /// [`StartError`] naming the store, provider or path that could not start.
    pub fn start(
        config: Config,
        factory: &dyn ProviderFactory,
        previous: Option<&Service>,
    ) -> Result<Service, StartError> {
        for warning in crate::permissions::check(&config)? {
            tracing::warn!("{warning}");
        }
        let previous = previous.map_or(&[][..], |service| &service.slots);
        let slots = slots::build(&config.providers, factory, previous)?;
        let authenticators = Authenticators::new(&config.authenticators)?;
        Ok(Service {
            config,
            authenticators,
            slots,
        })
    }

    /// The configuration this service runs with.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Answers one request whose header is valid: [`Service::prepare`], then
    /// [`Service::run`], on this thread.
    ///
    /// # Errors
    /// The first check that refuses the request, or the operation's own failure.
    pub fn serve(
        &self,
        header: &RequestHeader,
        body: &[u8],
        auth: &[u8],
        peer: Option<&PeerCredentials>,
    ) -> Result<Response, Error> {
        let prepared = self.prepare(header, body, auth, peer)?;
        self.run(prepared)
    }

    /// Everything before the operation itself: authenticates the caller, routes the request,
    /// checks access, decodes the body, and finds where it should run (its
    /// [`Placement`], from the provider's cost of the operation on the caller's key). Short:
    /// it may run on any thread.
    ///
    /// # Errors
    /// The first check that refuses the request.
    pub fn prepare(
        &self,
        header: &RequestHeader,
        body: &[u8],
        auth: &[u8],
        peer: Option<&PeerCredentials>,
    ) -> Result<Prepared, Error> {
        let caller = self.authenticators.caller(header.auth_type, auth, peer)?;
        if let Some(app) = caller.app() {
            tracing::Span::current().record("app", tracing::field::display(app));
        }
        self.route(header.provider, header.opcode)?;
        let spec = header.opcode.spec();
        if spec.access == Access::Admin {
            match &caller {
                Caller::Anonymous => return Err(Error::NotAuthenticated(header.opcode)),
                Caller::App { admin: false, .. } => return Err(Error::NotAdmin(header.opcode)),
                Caller::App { admin: true, .. } => {}
            }
        }
        let request = Request::decode(header.opcode, body)?;
        let app = match (caller, spec.access) {
            (Caller::App { app, .. }, _) => Some(app),
            (Caller::Anonymous, Access::Open) => None,
            (Caller::Anonymous, _) => return Err(Error::NotAuthenticated(header.opcode)),
        };
        let placement = match self.slot(header.provider) {
            Ok(slot) => placement::crypto(slot, app.as_ref(), &request),
            Err(_) => placement::core(header.opcode),
        };
        Ok(Prepared {
            provider: header.provider,
            app,
            request,
            placement,
        })
    }

    /// Runs a prepared request: the operation itself, on the thread its placement names.
    ///
    /// # Errors
    /// The operation's own failure.
    pub fn run(&self, prepared: Prepared) -> Result<Response, Error> {
        // The provider's interrupted operations are retried here, off the connection's task
        // and within the request's deadline, as device work is: a device that hangs in the
        // retry must not hold an async worker.
        if prepared.placement != Placement::Inline
            && let Ok(slot) = self.slot(prepared.provider)
        {
            super::recovery::retry(slot);
        }
        self.dispatch(prepared.provider, prepared.app.as_ref(), prepared.request)
    }

    /// Checks that the provider is configured and that the operation is of its kind (core or
    /// crypto). Whether a crypto provider implements the operation is answered when it runs,
    /// after the identity checks, as the original does.
    fn route(&self, provider: ProviderId, opcode: Opcode) -> Result<(), Error> {
        if provider != ProviderId::Core {
            self.slot(provider)?;
        }
        if (provider == ProviderId::Core) != (opcode.spec().scope == Scope::Core) {
            return Err(Error::NotSupported { opcode, provider });
        }
        Ok(())
    }

    fn slot(&self, provider: ProviderId) -> Result<&Slot, Error> {
        self.slots
            .iter()
            .find(|slot| slot.id == provider)
            .ok_or(Error::ProviderNotRegistered(provider))
    }

    /// One arm per operation. `app` is `Some` whenever the operation's access rule needs it.
    fn dispatch(
        &self,
        provider: ProviderId,
        app: Option<&Application>,
        request: Request,
    ) -> Result<Response, Error> {
        let app = || app.ok_or(Error::NotAuthenticated(request.opcode()));
        let slot = || self.slot(provider);
        let allow_deprecated = self.config.allow_deprecated;
        let quota = self.config.limits.max_keys_per_application;
        Ok(match &request {
            Request::Ping(_) => PingResponse { major: 1, minor: 0 }.into(),
            Request::ListProviders(_) => core::list_providers(&self.slots).into(),
            Request::ListOpcodes(r) => self.list_opcodes(r.provider_id)?.into(),
            Request::ListAuthenticators(_) => self.authenticators.list().into(),
            Request::ListKeys(_) => {
                keys::list(&self.slots, app()?, self.config.limits.buffer_size_limit)?.into()
            }
            Request::ListClients(_) => keys::clients(&self.slots, app()?)?.into(),
            Request::DeleteClient(r) => keys::delete_client(&self.slots, app()?, &r.client)?.into(),
            Request::PsaGenerateKey(r) => {
                keys::generate(slot()?, app()?, r, allow_deprecated, quota)?.into()
            }
            Request::PsaImportKey(r) => {
                keys::import(slot()?, app()?, r, allow_deprecated, quota)?.into()
            }
            Request::PsaExportPublicKey(r) => keys::export_public(slot()?, app()?, r)?.into(),
            Request::PsaExportKey(r) => keys::export(slot()?, app()?, r)?.into(),
            Request::PsaDestroyKey(r) => keys::destroy(slot()?, app()?, r)?.into(),
            Request::PsaSignHash(r) => crypto::sign_hash(slot()?, app()?, r)?.into(),
            Request::PsaVerifyHash(r) => crypto::verify_hash(slot()?, app()?, r)?.into(),
            Request::PsaSignMessage(r) => crypto::sign_message(slot()?, app()?, r)?.into(),
            Request::PsaVerifyMessage(r) => crypto::verify_message(slot()?, app()?, r)?.into(),
            Request::PsaAsymmetricEncrypt(r) => {
                crypto::asymmetric_encrypt(slot()?, app()?, r)?.into()
            }
            Request::PsaAsymmetricDecrypt(r) => {
                crypto::asymmetric_decrypt(slot()?, app()?, r)?.into()
            }
            Request::PsaAeadEncrypt(r) => crypto::aead_encrypt(slot()?, app()?, r)?.into(),
            Request::PsaAeadDecrypt(r) => crypto::aead_decrypt(slot()?, app()?, r)?.into(),
            Request::PsaCipherEncrypt(r) => crypto::cipher_encrypt(slot()?, app()?, r)?.into(),
            Request::PsaCipherDecrypt(r) => crypto::cipher_decrypt(slot()?, app()?, r)?.into(),
            Request::PsaMacCompute(r) => crypto::mac_compute(slot()?, app()?, r)?.into(),
            Request::PsaMacVerify(r) => crypto::mac_verify(slot()?, app()?, r)?.into(),
            Request::PsaRawKeyAgreement(r) => crypto::raw_key_agreement(slot()?, app()?, r)?.into(),
            Request::PsaHashCompute(r) => keyless::hash_compute(slot()?, r)?.into(),
            Request::PsaHashCompare(r) => keyless::hash_compare(slot()?, r)?.into(),
            Request::PsaGenerateRandom(r) => {
                keyless::generate_random(slot()?, r, self.config.limits.buffer_size_limit)?.into()
            }
            Request::CanDoCrypto(r) => keyless::can_do_crypto(slot()?, r, allow_deprecated)?.into(),
            Request::PrepareKeyAttestation(r) => attestation::prepare(slot()?, app()?, r)?.into(),
            Request::AttestKey(r) => attestation::attest(slot()?, app()?, r)?.into(),
            other => {
                return Err(Error::NotSupported {
                    opcode: other.opcode(),
                    provider,
                });
            }
        })
    }

    fn list_opcodes(&self, provider: ProviderId) -> Result<ListOpcodesResponse, Error> {
        let opcodes = if provider == ProviderId::Core {
            core::core_opcodes()
        } else {
            core::provider_opcodes(self.slot(provider)?.provider.as_ref())
        };
        Ok(ListOpcodesResponse { opcodes })
    }
}
