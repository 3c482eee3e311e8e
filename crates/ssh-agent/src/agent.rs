//! What the agent answers: the SSH agent requests (`ssh-agent-lib`'s [`Session`]) served
//! with the caller's keys in the service. State shared by every connection: the identities
//! hidden with `ssh-add -d`/`-D`, the lock of `ssh-add -x`, and the last listing (which key
//! name and provider each public key belongs to).

use std::sync::Arc;

use psc_client::psa::Hash;
use psc_client::{AsyncClient, KeyInfo, ProviderId, Status};
use sha2::Digest as _;
use ssh_agent_lib::agent::Session;
use ssh_agent_lib::error::AgentError;
use ssh_agent_lib::proto::{
    AddIdentity, AddIdentityConstrained, Extension, Identity, PrivateCredential, PublicCredential,
    RemoveIdentity, SignRequest, SmartcardKey,
};
use ssh_key::public::KeyData;
use ssh_key::{HashAlg, Signature};
use tokio::sync::Mutex;
use zeroize::Zeroizing;

use crate::keys;

/// How the agent was started.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only keys whose names start with this are identities; keys added with `ssh-add` get it
    /// in front of their names.
    pub prefix: String,
    /// `ssh-add -d`/`-D` destroy the keys in the service instead of hiding them.
    pub allow_destroy: bool,
}

/// A service key that is an SSH identity.
#[derive(Clone, Debug)]
struct ServiceKey {
    public: KeyData,
    name: String,
    provider: ProviderId,
    attributes: psc_client::Attributes,
}

/// What every connection shares.
#[derive(Debug, Default)]
struct State {
    /// Identities `ssh-add -d`/`-D` removed (when destroying is not allowed).
    hidden: Vec<KeyData>,
    /// The SHA-256 of the passphrase while locked.
    lock: Option<[u8; 32]>,
    /// The identities of the last listing.
    known: Vec<ServiceKey>,
}

/// The agent: a client of the service and the shared state; cloned for each connection.
#[derive(Clone, Debug)]
pub struct Agent {
    client: AsyncClient,
    options: Arc<Options>,
    state: Arc<Mutex<State>>,
}

/// A refusal: logged with its reason, answered with the protocol's failure.
fn refuse(reason: impl std::fmt::Display) -> AgentError {
    log::warn!("refused: {reason}");
    AgentError::Other(reason.to_string().into())
}

/// The hash of `data` computed here, for SignHash.
fn digest(hash: Hash, data: &[u8]) -> Result<Vec<u8>, AgentError> {
    Ok(match hash {
        Hash::Sha256 => sha2::Sha256::digest(data).to_vec(),
        Hash::Sha384 => sha2::Sha384::digest(data).to_vec(),
        Hash::Sha512 => sha2::Sha512::digest(data).to_vec(),
        other => return Err(refuse(format!("no SSH algorithm hashes with {other:?}"))),
    })
}

/// The key's SHA-256 fingerprint, for log lines.
fn fingerprint(key: &KeyData) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

impl Agent {
    /// An agent serving the keys `client` (with its identity set) sees.
    pub fn new(client: AsyncClient, options: Options) -> Agent {
        Agent {
            client,
            options: Arc::new(options),
            state: Arc::default(),
        }
    }

    /// The client addressing `provider`.
    fn client_for(&self, provider: ProviderId) -> AsyncClient {
        let mut client = self.client.clone();
        client.set_provider(provider);
        client
    }

    /// The service's answer as the agent's refusal.
    fn service_error(what: &str, error: &psc_client::Error) -> AgentError {
        refuse(format!("{what}: {error}"))
    }

    /// One service key as an identity, or `None` (with the reason at debug level).
    async fn identity_of(&self, key: KeyInfo) -> Option<ServiceKey> {
        if !key.name.starts_with(&self.options.prefix) {
            return None;
        }
        if let Err(why) = keys::check_identity(&key.attributes) {
            log::debug!("key {:?} is not an SSH identity: {why}", key.name);
            return None;
        }
        let exported = match self
            .client_for(key.provider_id)
            .export_public_key(&key.name)
            .await
        {
            Ok(exported) => exported,
            Err(e) => {
                log::warn!(
                    "key {:?}: its public key could not be exported: {e}",
                    key.name
                );
                return None;
            }
        };
        match keys::public_key(&key.attributes, &exported) {
            Ok(public) => Some(ServiceKey {
                public,
                name: key.name,
                provider: key.provider_id,
                attributes: key.attributes,
            }),
            Err(why) => {
                log::warn!("key {:?}: {why}", key.name);
                None
            }
        }
    }

    /// Asks the service for the caller's keys; records and returns those that are SSH
    /// identities, hidden ones included.
    async fn refresh(&self) -> Result<Vec<ServiceKey>, AgentError> {
        let listed = self
            .client
            .list_keys()
            .await
            .map_err(|e| Self::service_error("the service did not list the keys", &e))?;
        let mut found = Vec::new();
        for key in listed {
            if let Some(identity) = self.identity_of(key).await {
                found.push(identity);
            }
        }
        self.state.lock().await.known.clone_from(&found);
        Ok(found)
    }

    /// The service key with this public key, from the last listing or a new one.
    async fn find(&self, public: &KeyData) -> Result<ServiceKey, AgentError> {
        let cached = {
            let state = self.state.lock().await;
            state.known.iter().find(|k| &k.public == public).cloned()
        };
        let key = match cached {
            Some(key) => Some(key),
            None => self
                .refresh()
                .await?
                .into_iter()
                .find(|k| &k.public == public),
        };
        key.ok_or_else(|| {
            refuse(format!(
                "no service key has the public key {}",
                fingerprint(public)
            ))
        })
    }

    /// Refuses while locked.
    async fn check_unlocked(&self, what: &str) -> Result<(), AgentError> {
        if self.state.lock().await.lock.is_some() {
            return Err(refuse(format!("{what}: the agent is locked")));
        }
        Ok(())
    }

    /// Whether the identity was hidden with `ssh-add -d`/`-D`.
    async fn is_hidden(&self, public: &KeyData) -> bool {
        self.state.lock().await.hidden.contains(public)
    }

    /// The name an added key gets: the prefix and its comment, or its fingerprint when it has
    /// none; characters the service refuses in names become `_`.
    fn name_for(&self, comment: &str, public: &KeyData) -> String {
        let base = if comment.is_empty() {
            format!("ssh-{}", fingerprint(public))
        } else {
            comment.to_owned()
        };
        let cleaned: String = base
            .chars()
            .map(|c| {
                if c.is_control()
                    || ('\u{202a}'..='\u{202e}').contains(&c)
                    || ('\u{2066}'..='\u{2069}').contains(&c)
                {
                    '_'
                } else {
                    c
                }
            })
            .collect();
        format!("{}{cleaned}", self.options.prefix)
    }

    /// Imports a private key, non-exportable, under the name its comment gives.
    async fn import(&self, credential: PrivateCredential) -> Result<(), AgentError> {
        let (privkey, comment) = match credential {
            PrivateCredential::Key { privkey, comment } => (privkey, comment),
            PrivateCredential::Cert { comment, .. } => {
                return Err(refuse(format!(
                    "certificate {comment:?}: certificates are not supported"
                )));
            }
        };
        let public =
            KeyData::try_from(&privkey).map_err(|e| refuse(format!("key {comment:?}: {e}")))?;
        let (attributes, material) =
            keys::import_material(&privkey).map_err(|e| refuse(format!("key {comment:?}: {e}")))?;
        drop(privkey);
        let name = self.name_for(&comment, &public);
        let client = self.client.clone();
        match client.import_key(&name, attributes, &material).await {
            Ok(()) => log::info!(
                "imported {} as the non-exportable service key {name:?}",
                fingerprint(&public)
            ),
            Err(e) if e.status() == Some(Status::PsaErrorAlreadyExists) => {
                // Adding the same key again is no error; another key under that name is.
                let existing = self.refresh().await?;
                if !existing
                    .iter()
                    .any(|k| k.name == name && k.public == public)
                {
                    return Err(refuse(format!(
                        "the service already holds another key named {name:?}; change the \
                         key's comment (ssh-keygen -c) and add it again"
                    )));
                }
                log::info!(
                    "{} is already the service key {name:?}",
                    fingerprint(&public)
                );
            }
            Err(e) => return Err(Self::service_error(&format!("importing {name:?}"), &e)),
        }
        self.state.lock().await.hidden.retain(|k| k != &public);
        Ok(())
    }

    /// Hides the identities, or destroys their keys when the agent may.
    async fn remove(&self, removed: Vec<ServiceKey>) -> Result<(), AgentError> {
        for key in removed {
            if self.options.allow_destroy {
                self.client_for(key.provider)
                    .destroy_key(&key.name)
                    .await
                    .map_err(|e| Self::service_error(&format!("destroying {:?}", key.name), &e))?;
                log::info!("destroyed the service key {:?}", key.name);
            } else {
                log::info!(
                    "hid the service key {:?} (start with --allow-destroy to destroy keys)",
                    key.name
                );
                let mut state = self.state.lock().await;
                if !state.hidden.contains(&key.public) {
                    state.hidden.push(key.public);
                }
            }
        }
        Ok(())
    }
}

#[ssh_agent_lib::async_trait]
impl Session for Agent {
    async fn request_identities(&mut self) -> Result<Vec<Identity>, AgentError> {
        if self.state.lock().await.lock.is_some() {
            // As OpenSSH's agent: a locked agent lists nothing.
            return Ok(Vec::new());
        }
        let found = self.refresh().await?;
        let state = self.state.lock().await;
        Ok(found
            .into_iter()
            .filter(|k| !state.hidden.contains(&k.public))
            .map(|k| Identity {
                credential: PublicCredential::Key(k.public),
                comment: k.name,
            })
            .collect())
    }

    async fn sign(&mut self, request: SignRequest) -> Result<Signature, AgentError> {
        self.check_unlocked("signing").await?;
        let public = match request.credential {
            PublicCredential::Key(key) => key,
            PublicCredential::Cert(_) => {
                return Err(refuse(
                    "signing with a certificate: certificates are not supported",
                ));
            }
        };
        if self.is_hidden(&public).await {
            return Err(refuse(format!(
                "{} was removed from the agent",
                fingerprint(&public)
            )));
        }
        let key = self.find(&public).await?;
        let signing = keys::signing(&key.attributes, request.flags)
            .map_err(|e| refuse(format!("key {:?}: {e}", key.name)))?;
        let hash = digest(signing.hash, &request.data)?;
        let psa = self
            .client_for(key.provider)
            .sign_hash(&key.name, signing.alg, &hash)
            .await
            .map_err(|e| Self::service_error(&format!("signing with {:?}", key.name), &e))?;
        log::debug!("signed {} bytes with {:?}", request.data.len(), key.name);
        keys::ssh_signature(&signing, &psa).map_err(|e| refuse(format!("key {:?}: {e}", key.name)))
    }

    async fn add_identity(&mut self, identity: AddIdentity) -> Result<(), AgentError> {
        self.check_unlocked("adding a key").await?;
        self.import(identity.credential).await
    }

    async fn add_identity_constrained(
        &mut self,
        identity: AddIdentityConstrained,
    ) -> Result<(), AgentError> {
        Err(refuse(format!(
            "adding a key with constraints ({:?}): constraints are not supported; add it \
             without -t, -c or -h",
            identity.constraints
        )))
    }

    async fn remove_identity(&mut self, identity: RemoveIdentity) -> Result<(), AgentError> {
        self.check_unlocked("removing a key").await?;
        let public = identity.credential.key_data().clone();
        let key = self.find(&public).await?;
        if self.is_hidden(&public).await {
            return Err(refuse(format!("{:?} was already removed", key.name)));
        }
        self.remove(vec![key]).await
    }

    async fn remove_all_identities(&mut self) -> Result<(), AgentError> {
        self.check_unlocked("removing all keys").await?;
        let found = self.refresh().await?;
        self.remove(found).await
    }

    async fn add_smartcard_key(&mut self, key: SmartcardKey) -> Result<(), AgentError> {
        Err(refuse(format!(
            "adding the PKCS#11 provider {:?}: smartcard keys are not supported (the service \
             itself can hold keys on a PKCS#11 token)",
            key.id
        )))
    }

    async fn lock(&mut self, passphrase: String) -> Result<(), AgentError> {
        let passphrase = Zeroizing::new(passphrase);
        let mut state = self.state.lock().await;
        if state.lock.is_some() {
            return Err(refuse("locking: the agent is already locked"));
        }
        state.lock = Some(sha2::Sha256::digest(passphrase.as_bytes()).into());
        log::info!("locked");
        Ok(())
    }

    async fn unlock(&mut self, passphrase: String) -> Result<(), AgentError> {
        let passphrase = Zeroizing::new(passphrase);
        let tried: [u8; 32] = sha2::Sha256::digest(passphrase.as_bytes()).into();
        let mut state = self.state.lock().await;
        match state.lock {
            None => Err(refuse("unlocking: the agent is not locked")),
            Some(expected) if expected == tried => {
                state.lock = None;
                log::info!("unlocked");
                Ok(())
            }
            Some(_) => Err(refuse("unlocking: wrong passphrase")),
        }
    }

    async fn extension(&mut self, extension: Extension) -> Result<Option<Extension>, AgentError> {
        log::info!("refused: extension {:?} is not supported", extension.name);
        Err(AgentError::Failure)
    }
}
