//! The token: the library loaded and initialised once per process, the slot found by serial
//! number or slot number, a pool of logged-in sessions, and recovery when the token goes
//! away and comes back.
//!
//! A PKCS#11 library's state is per process: `C_Initialize` may run once, and a login holds
//! for every session of the process. So libraries are kept in a process-wide registry, one
//! per path (a provider rebuilt by a reload, or a second one in a test process, shares it).
//! Sessions may move between threads but not be shared (cryptoki's `Session` is `Send`, not
//! `Sync`): a request takes one from the pool, uses it alone, and puts it back.
//!
//! **Recovery.** A request that fails on a session the token no longer knows
//! (`C_GetSessionInfo` fails) marks the token lost: the idle sessions and the object
//! handles are dropped. The next request looks for the token again by serial number (or
//! slot); if it is not listed, or the slot list itself fails, the library is finalized and
//! initialised again (at most once every [`REINITIALIZE_EVERY`], and only when no call is
//! in flight): `p11-kit-client.so` reconnects to its server only there. Every
//! initialisation has a generation number; a session or object handle of an older one is
//! never used again, nor closed (its handle number may belong to a new session). While the
//! token is away, requests fail at once with `PsaErrorHardwareFailure` naming what is
//! wrong; once it is back, the first request logs in again and the pool refills.

use std::collections::HashMap;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};
use std::time::{Duration, Instant};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CryptokiError, RvError};
use cryptoki::object::{Attribute, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::RawAuthPin;
use psc_provider_api::{OpenError, ProviderError, Secret};
use psc_psa::Status;

use crate::error::{TokenError, failure, missing, rv_of};
use crate::options::Options;

/// At most this many idle sessions are kept; more are closed when put back.
const MAX_IDLE_SESSIONS: usize = 32;

/// A lost token makes the library re-initialised at most this often.
const REINITIALIZE_EVERY: Duration = Duration::from_millis(200);

/// The process's libraries, one per path.
static LIBRARIES: OnceLock<Mutex<Vec<Arc<Library>>>> = OnceLock::new();

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn initialize(context: &Pkcs11) -> Result<(), CryptokiError> {
    match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
        // Another user of the library in this process initialised it already.
        Ok(()) | Err(CryptokiError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// A loaded library and the generation of its current initialisation.
struct Library {
    path: PathBuf,
    context: Pkcs11,
    /// Held (shared) by every call on a session; taken alone to re-initialise.
    calls: RwLock<()>,
    /// The current initialisation's number (read on every request; written under `last`).
    generation: AtomicU64,
    /// When the library was last re-initialised.
    last: Mutex<Option<Instant>>,
}

impl Library {
    /// The library at `path`, loaded and initialised on first use.
    fn get(path: &Path) -> Result<Arc<Library>, OpenError> {
        let registry = LIBRARIES.get_or_init(|| Mutex::new(Vec::new()));
        let mut libraries = lock(registry);
        if let Some(library) = libraries.iter().find(|l| l.path == path) {
            return Ok(Arc::clone(library));
        }
        let context = Pkcs11::new(path).map_err(|e| {
            OpenError::Failed(format!(
                "PKCS#11 library {} cannot be loaded: {e}",
                path.display()
            ))
        })?;
        initialize(&context).map_err(|e| {
            let hint = match rv_of(&e) {
                Some(RvError::GeneralError) => {
                    " (the library could not start: its own configuration or storage may be \
                     missing or unreadable; for SoftHSM2, the token directory \
                     `directories.tokendir` of the file SOFTHSM2_CONF names)"
                }
                _ => "",
            };
            OpenError::Failed(format!(
                "PKCS#11 library {}: {}{hint}",
                path.display(),
                TokenError::of(&e)
            ))
        })?;
        let library = Arc::new(Library {
            path: path.to_owned(),
            context,
            calls: RwLock::new(()),
            generation: AtomicU64::new(0),
            last: Mutex::new(None),
        });
        libraries.push(Arc::clone(&library));
        Ok(library)
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Finalizes and initialises the library again, unless that was done since `seen`,
    /// less than [`REINITIALIZE_EVERY`] ago, or a call is in flight. Answers the
    /// generation now current.
    fn reinitialize(&self, seen: u64) -> Result<u64, CryptokiError> {
        let mut last = lock(&self.last);
        let current = self.generation();
        if current != seen || last.is_some_and(|t| t.elapsed() < REINITIALIZE_EVERY) {
            return Ok(current);
        }
        let Ok(_alone) = self.calls.try_write() else {
            return Ok(current);
        };
        // Not initialised any more is fine: the state is gone either way.
        let _ = self.context.clone().finalize();
        self.generation.store(current + 1, Ordering::Release);
        *last = Some(Instant::now());
        initialize(&self.context)?;
        Ok(current + 1)
    }
}

/// Which token the options name.
#[derive(Debug, Clone)]
struct Wanted {
    library: PathBuf,
    serial_number: Option<String>,
    slot_number: Option<u64>,
}

/// A session lent to a request, with the generation it belongs to.
pub(crate) struct Held {
    session: Session,
    generation: u64,
}

impl Deref for Held {
    type Target = Session;

    fn deref(&self) -> &Session {
        &self.session
    }
}

/// The idle sessions and where the token is.
struct Pool {
    generation: u64,
    /// None: lost, to be looked for again.
    slot: Option<Slot>,
    idle: Vec<Session>,
}

/// Object handles already found, by class and CKA_ID, for one generation.
#[derive(Default)]
struct Handles {
    generation: u64,
    found: HashMap<(u64, Vec<u8>), ObjectHandle>,
}

/// One token, its idle sessions and known object handles.
pub(crate) struct Token {
    library: Arc<Library>,
    wanted: Wanted,
    pin: Option<Secret>,
    pool: Mutex<Pool>,
    handles: Mutex<Handles>,
    /// What the token is, for messages: its label and serial number.
    pub(crate) name: String,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
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
        let library = Library::get(&options.library_path)?;
        let wanted = Wanted {
            library: options.library_path.clone(),
            serial_number: options.serial_number.clone(),
            slot_number: options.slot_number,
        };
        let (slot, name) = find_slot(&library.context, &wanted).map_err(|reason| {
            OpenError::Failed(format!(
                "PKCS#11 library {}: {reason}",
                wanted.library.display()
            ))
        })?;
        let token = Token {
            pool: Mutex::new(Pool {
                generation: library.generation(),
                slot: Some(slot),
                idle: Vec::new(),
            }),
            handles: Mutex::new(Handles::default()),
            library,
            wanted,
            pin: options.user_pin.clone(),
            name,
        };
        let session = token.open_session(slot).map_err(|e| {
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
        let generation = lock(&token.pool).generation;
        token.put_back(session, generation);
        Ok(token)
    }

    /// The slot the token is in (where it was found last).
    pub(crate) fn slot(&self) -> Option<Slot> {
        lock(&self.pool).slot
    }

    /// The context, for slot-level queries (mechanisms).
    pub(crate) fn context(&self) -> &Pkcs11 {
        &self.library.context
    }

    /// Opens a read-write session and logs the user in (a login already made by another
    /// session of this process is fine).
    fn open_session(&self, slot: Slot) -> Result<Session, CryptokiError> {
        let session = self.library.context.open_rw_session(slot)?;
        if let Some(pin) = &self.pin {
            let pin = RawAuthPin::new(Box::new(pin.as_bytes().to_vec()));
            match session.login_with_raw(UserType::User, &pin) {
                Ok(()) | Err(CryptokiError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(session)
    }

    /// Gives a session back to the pool if it is of the current generation and there is
    /// room; otherwise lets it go.
    fn put_back(&self, session: Session, generation: u64) {
        let mut pool = lock(&self.pool);
        if pool.generation == generation
            && pool.slot.is_some()
            && pool.idle.len() < MAX_IDLE_SESSIONS
        {
            pool.idle.push(session);
        } else {
            drop(pool);
            self.discard(session, generation);
        }
    }

    /// Lets a session go: closed if its generation is current, else forgotten (after a
    /// re-initialisation its handle number may be another session's).
    fn discard(&self, session: Session, generation: u64) {
        let _calls = self
            .library
            .calls
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        if self.library.generation() == generation {
            drop(session);
        } else {
            std::mem::forget(session);
        }
    }

    /// Marks the token lost (if `generation` is still the pool's): its idle sessions and
    /// known handles are dropped, and the next request looks for it again.
    fn lose(&self, generation: u64) {
        let idle = {
            let mut pool = lock(&self.pool);
            if pool.generation != generation {
                return;
            }
            pool.slot = None;
            std::mem::take(&mut pool.idle)
        };
        lock(&self.handles).found.clear();
        for session in idle {
            self.discard(session, generation);
        }
    }

    /// An idle session, or a new one (looking for the token again if it was lost).
    fn take(&self) -> Result<(Session, u64), ProviderError> {
        let mut pool = lock(&self.pool);
        let current = self.library.generation();
        if pool.generation != current {
            // The library was re-initialised (for another token of it): every session of
            // the old generation is gone.
            for session in pool.idle.drain(..) {
                std::mem::forget(session);
            }
            pool.slot = None;
            pool.generation = current;
        }
        if let Some(session) = pool.idle.pop() {
            return Ok((session, pool.generation));
        }
        let slot = match pool.slot {
            Some(slot) => slot,
            None => self.find_again(&mut pool)?,
        };
        let generation = pool.generation;
        drop(pool);
        let calls = self
            .library
            .calls
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        if self.library.generation() != generation {
            return Err(absent(
                "the library was re-initialised meanwhile; retry".into(),
            ));
        }
        match self.open_session(slot) {
            Ok(session) => Ok((session, generation)),
            Err(e) => {
                if gone(&e) {
                    drop(calls);
                    self.lose(generation);
                }
                Err(failure("opening a session on the token", &e))
            }
        }
    }

    /// Looks for the lost token, re-initialising the library if it is not listed.
    fn find_again(&self, pool: &mut Pool) -> Result<Slot, ProviderError> {
        // Slot queries count as calls: no re-initialisation runs under them.
        let look = || {
            let _calls = self
                .library
                .calls
                .read()
                .unwrap_or_else(PoisonError::into_inner);
            find_slot(&self.library.context, &self.wanted)
        };
        if let Ok((slot, _)) = look() {
            pool.slot = Some(slot);
            return Ok(slot);
        }
        let generation = self.library.reinitialize(pool.generation).map_err(|e| {
            absent(format!(
                "re-initialising the library: {}",
                TokenError::of(&e)
            ))
        })?;
        if generation != pool.generation {
            lock(&self.handles).found.clear();
            pool.generation = generation;
        }
        let (slot, _) = look().map_err(absent)?;
        pool.slot = Some(slot);
        Ok(slot)
    }

    /// Runs `work` on a session of its own: an idle one, or a new one.
    ///
    /// # Errors
    /// What `work` answers; a token that is not there, or a session that cannot be
    /// opened, is a failure naming the call.
    pub(crate) fn with_session<T>(
        &self,
        work: impl FnOnce(&Held) -> Result<T, ProviderError>,
    ) -> Result<T, ProviderError> {
        let (session, generation) = self.take()?;
        let calls = self
            .library
            .calls
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        if self.library.generation() != generation {
            drop(calls);
            std::mem::forget(session);
            return Err(absent(
                "the library was re-initialised meanwhile; retry".into(),
            ));
        }
        let held = Held {
            session,
            generation,
        };
        let result = work(&held);
        let lost = result.is_err() && held.session.get_session_info().is_err();
        drop(calls);
        if result.is_err() {
            // A handle may have gone stale (an object destroyed by someone else).
            lock(&self.handles).found.clear();
        }
        if lost {
            // The token no longer knows the session: it went away, or was reset.
            self.discard(held.session, generation);
            self.lose(generation);
        } else {
            self.put_back(held.session, generation);
        }
        result
    }

    /// The key's object of `class`, from the handles already found or by `C_FindObjects`.
    ///
    /// # Errors
    /// `DoesNotExist` (keeping the CKA_ID) when the token has none.
    pub(crate) fn find(
        &self,
        session: &Held,
        class: ObjectClass,
        id: &[u8],
    ) -> Result<ObjectHandle, ProviderError> {
        let key = (*class, id.to_vec());
        {
            let handles = lock(&self.handles);
            if handles.generation == session.generation
                && let Some(handle) = handles.found.get(&key)
            {
                return Ok(*handle);
            }
        }
        let found = session
            .find_objects(&[Attribute::Class(class), Attribute::Id(id.to_vec())])
            .map_err(|e| failure("finding the key's object", &e))?;
        let handle = found.first().copied().ok_or_else(|| missing(id))?;
        let mut handles = lock(&self.handles);
        if handles.generation != session.generation {
            handles.found.clear();
            handles.generation = session.generation;
        }
        handles.found.insert(key, handle);
        Ok(handle)
    }

    /// Forgets the handles of the objects with `id` (they are being destroyed).
    pub(crate) fn forget(&self, id: &[u8]) {
        lock(&self.handles)
            .found
            .retain(|(_, known), _| known != id);
    }
}

/// Whether a call failed because the token or the library's state is gone.
fn gone(error: &CryptokiError) -> bool {
    matches!(
        rv_of(error),
        Some(
            RvError::DeviceError
                | RvError::DeviceRemoved
                | RvError::TokenNotPresent
                | RvError::TokenNotRecognized
                | RvError::SlotIdInvalid
                | RvError::SessionHandleInvalid
                | RvError::SessionClosed
                | RvError::CryptokiNotInitialized
        )
    )
}

/// The error of a request made while the token is away.
fn absent(reason: String) -> ProviderError {
    ProviderError::caused(
        Status::PsaErrorHardwareFailure,
        "finding the token",
        TokenError::Absent(reason),
    )
}

/// The slot the options name, and a description of its token for messages; or why none.
fn find_slot(context: &Pkcs11, wanted: &Wanted) -> Result<(Slot, String), String> {
    let slots = context
        .get_slots_with_initialized_token()
        .map_err(|e| TokenError::of(&e).to_string())?;
    let mut described = Vec::new();
    for slot in slots {
        let info = context
            .get_token_info(slot)
            .map_err(|e| TokenError::of(&e).to_string())?;
        let serial = info.serial_number().trim().to_owned();
        let name = format!(
            "\"{}\" (serial {serial}, slot {})",
            info.label().trim(),
            slot.id()
        );
        described.push((slot, serial, name));
    }
    let present = if described.is_empty() {
        " (the library lists no initialised token)".to_owned()
    } else {
        let names: Vec<&str> = described.iter().map(|(_, _, name)| name.as_str()).collect();
        format!(" (the library lists {})", names.join(", "))
    };
    let found = match (&wanted.serial_number, wanted.slot_number) {
        (Some(serial_wanted), _) => described
            .into_iter()
            .find(|(_, serial, _)| serial == serial_wanted.trim())
            .ok_or_else(|| {
                format!("no initialised token has serial number {serial_wanted:?}{present}")
            }),
        (None, Some(slot_wanted)) => described
            .into_iter()
            .find(|(slot, _, _)| slot.id() == slot_wanted)
            .ok_or_else(|| format!("no initialised token is in slot {slot_wanted}{present}")),
        (None, None) if described.len() == 1 => described
            .pop()
            .ok_or_else(|| "no initialised token".to_owned()),
        (None, None) if described.is_empty() => Err("no initialised token".to_owned()),
        (None, None) => Err(format!(
            "{} initialised tokens{present}: set provider.serial_number to choose one",
            described.len()
        )),
    };
    found.map(|(slot, _, name)| (slot, name))
}
