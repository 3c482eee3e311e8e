//! The token: the library loaded and initialised once per process, the slot found by serial
//! number or slot number, and a pool of logged-in sessions.
//!
//! A PKCS#11 library's state is per process: `C_Initialize` may run once, and a login holds
//! for every session of the process. So contexts are kept in a process-wide registry, one
//! per library path, and never finalized (a provider rebuilt by a reload, or a second one in
//! a test process, reuses the context). Sessions may move between threads but not be shared
//! (cryptoki's `Session` is `Send`, not `Sync`): a request takes one from the pool, uses it
//! alone, and puts it back. A session that failed is checked (`C_GetSessionInfo`) and
//! dropped if the token no longer knows it, so a token that went away and came back gets
//! fresh sessions, each logged in as it opens.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CryptokiError, RvError};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::RawAuthPin;
use psc_provider_api::{OpenError, ProviderError, Secret};

use crate::error::{TokenError, failure, rv_of};
use crate::options::Options;

/// At most this many idle sessions are kept; more are closed when put back.
const MAX_IDLE_SESSIONS: usize = 32;

/// The process's contexts, one per library path.
static CONTEXTS: OnceLock<Mutex<Vec<(PathBuf, Pkcs11)>>> = OnceLock::new();

/// The context for `library`, loaded and initialised on first use.
fn context(library: &Path) -> Result<Pkcs11, OpenError> {
    let registry = CONTEXTS.get_or_init(|| Mutex::new(Vec::new()));
    let mut contexts = registry.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, context)) = contexts.iter().find(|(path, _)| path == library) {
        return Ok(context.clone());
    }
    let context = Pkcs11::new(library).map_err(|e| {
        OpenError::Failed(format!(
            "PKCS#11 library {} cannot be loaded: {e}",
            library.display()
        ))
    })?;
    match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        Ok(()) => {}
        // Another user of the library in this process initialised it already.
        Err(CryptokiError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
        Err(e) => {
            return Err(OpenError::Failed(format!(
                "PKCS#11 library {}: {}",
                library.display(),
                TokenError::of(&e)
            )));
        }
    }
    contexts.push((library.to_owned(), context.clone()));
    Ok(context)
}

/// One token, and its idle sessions.
pub(crate) struct Token {
    context: Pkcs11,
    slot: Slot,
    pin: Option<Secret>,
    idle: Mutex<Vec<Session>>,
    /// What the token is, for messages: its label and serial number.
    pub(crate) name: String,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("slot", &self.slot.id())
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Token {
    /// Loads the library, finds the token the options name and logs in once, so a wrong
    /// PIN or a missing token stops the start with a message saying which.
    ///
    /// # Errors
    /// [`OpenError::Failed`] saying what is wrong.
    pub(crate) fn open(options: &Options) -> Result<Token, OpenError> {
        let context = context(&options.library_path)?;
        let (slot, name) = find_slot(&context, options)?;
        let token = Token {
            context,
            slot,
            pin: options.user_pin.clone(),
            idle: Mutex::new(Vec::new()),
            name,
        };
        let session = token.open_session().map_err(|e| {
            let hint = match rv_of(&e) {
                Some(RvError::PinIncorrect) => ": wrong PIN (provider.user_pin)",
                Some(RvError::PinLocked) => ": the PIN is locked",
                _ => "",
            };
            OpenError::Failed(format!(
                "token {}: {}{hint}",
                token.name,
                TokenError::of(&e)
            ))
        })?;
        token.put_back(session);
        Ok(token)
    }

    /// The slot the token is in.
    pub(crate) fn slot(&self) -> Slot {
        self.slot
    }

    /// The context, for slot-level queries (mechanisms).
    pub(crate) fn context(&self) -> &Pkcs11 {
        &self.context
    }

    /// Opens a read-write session and logs the user in (a login already made by another
    /// session of this process is fine).
    fn open_session(&self) -> Result<Session, CryptokiError> {
        let session = self.context.open_rw_session(self.slot)?;
        if let Some(pin) = &self.pin {
            let pin = RawAuthPin::new(Box::new(pin.as_bytes().to_vec()));
            match session.login_with_raw(UserType::User, &pin) {
                Ok(()) | Err(CryptokiError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(session)
    }

    fn put_back(&self, session: Session) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE_SESSIONS {
            idle.push(session);
        }
    }

    /// Runs `work` on a session of its own: an idle one, or a new one.
    ///
    /// # Errors
    /// What `work` answers; a session that cannot be opened is a failure naming the call.
    pub(crate) fn with_session<T>(
        &self,
        work: impl FnOnce(&Session) -> Result<T, ProviderError>,
    ) -> Result<T, ProviderError> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let session = match idle {
            Some(session) => session,
            None => self
                .open_session()
                .map_err(|e| failure("opening a session on the token", &e))?,
        };
        let result = work(&session);
        // A failed request may have lost its session (token removed, session closed):
        // keep only a session the token still knows.
        if result.is_ok() || session.get_session_info().is_ok() {
            self.put_back(session);
        }
        result
    }
}

/// The slot the options name, and a description of its token for messages.
fn find_slot(context: &Pkcs11, options: &Options) -> Result<(Slot, String), OpenError> {
    let library = options.library_path.display();
    let slots = context.get_slots_with_initialized_token().map_err(|e| {
        OpenError::Failed(format!("PKCS#11 library {library}: {}", TokenError::of(&e)))
    })?;
    let mut described = Vec::new();
    for slot in slots {
        let info = context.get_token_info(slot).map_err(|e| {
            OpenError::Failed(format!("PKCS#11 library {library}: {}", TokenError::of(&e)))
        })?;
        let serial = info.serial_number().trim().to_owned();
        let name = format!(
            "\"{}\" (serial {serial}, slot {})",
            info.label().trim(),
            slot.id()
        );
        described.push((slot, serial, name));
    }
    let found = match (&options.serial_number, options.slot_number) {
        (Some(wanted), _) => described
            .into_iter()
            .find(|(_, serial, _)| serial == wanted.trim())
            .ok_or_else(|| format!("no initialised token has serial number {wanted:?}")),
        (None, Some(wanted)) => described
            .into_iter()
            .find(|(slot, _, _)| slot.id() == wanted)
            .ok_or_else(|| format!("no initialised token is in slot {wanted}")),
        (None, None) if described.len() == 1 => described
            .pop()
            .ok_or_else(|| "no initialised token".to_owned()),
        (None, None) => Err(format!(
            "{} initialised tokens: set provider.serial_number to choose one",
            described.len()
        )),
    };
    found
        .map(|(slot, _, name)| (slot, name))
        .map_err(|reason| OpenError::Failed(format!("PKCS#11 library {library}: {reason}")))
}
