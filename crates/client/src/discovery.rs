//! Choosing a provider and an identity from what the service offers, as the published
//! client's `BasicClient` does: the first crypto provider (the service lists them in priority
//! order) and the first authenticator this client can satisfy.

use psc_wire::ops::list_authenticators::AuthenticatorInfo;
use psc_wire::ops::list_providers::ProviderInfo;
use psc_wire::{AuthType, ProviderId};

use crate::auth::{Auth, JwtSvid};
use crate::client::Client;
use crate::error::{ClientError, Error};

impl Client {
    /// A client of the service named by `PARSEC_SERVICE_ENDPOINT` (default
    /// `unix:/run/parsec/parsec.sock`), set up with the service's default provider and the
    /// first authenticator it accepts that this client supports; `app_name` is the
    /// identity sent when that is Direct authentication.
    ///
    /// ```no_run
    /// let client = psc_client::Client::connect("my-app")?;
    /// println!("keys in {:?}", client.provider());
    /// # Ok::<(), psc_client::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`ClientError::NoService`] when nothing listens at the endpoint; otherwise as
    /// [`Client::discover`].
    pub fn connect(app_name: &str) -> Result<Client, Error> {
        let mut client = Client::from_env()?;
        client.check_socket()?;
        client.discover(Some(app_name))?;
        Ok(client)
    }

    /// Asks the service for its providers and authenticators, and sets this client's
    /// provider to the first crypto provider and its identity to the first authenticator it
    /// can satisfy: Unix peer credentials, Direct when `app_name` is given, or JWT-SVID when
    /// the environment holds one ([`JwtSvid::from_env`]).
    ///
    /// # Errors
    /// [`ClientError::NoCryptoProvider`] or [`ClientError::NoAuthenticator`] when the service
    /// offers nothing usable; otherwise see [`Client::call`].
    pub fn discover(&mut self, app_name: Option<&str>) -> Result<(), Error> {
        let (provider, auth) = choose(
            self.list_providers()?,
            self.list_authenticators()?,
            app_name,
        )?;
        self.set_provider(provider);
        self.set_auth(auth);
        Ok(())
    }
}

/// The first crypto provider of `providers` and the first of `authenticators` this client
/// can satisfy: Unix peer credentials, Direct when `app_name` is given, or JWT-SVID when the
/// environment holds one.
///
/// # Errors
/// [`ClientError::NoCryptoProvider`] or [`ClientError::NoAuthenticator`].
pub(crate) fn choose(
    providers: Vec<ProviderInfo>,
    authenticators: Vec<AuthenticatorInfo>,
    app_name: Option<&str>,
) -> Result<(ProviderId, Auth), Error> {
    let provider = providers
        .into_iter()
        .map(|p| p.id)
        .find(|id| *id != ProviderId::Core)
        .ok_or(ClientError::NoCryptoProvider)?;
    let auth = authenticators
        .into_iter()
        .find_map(|a| match a.id {
            AuthType::UnixPeerCredentials => Some(Auth::UnixPeerCredentials),
            AuthType::Direct => app_name.map(|name| Auth::Direct(name.to_owned())),
            AuthType::JwtSvid => JwtSvid::from_env().map(Auth::JwtSvid),
            _ => None,
        })
        .ok_or(ClientError::NoAuthenticator)?;
    Ok((provider, auth))
}
