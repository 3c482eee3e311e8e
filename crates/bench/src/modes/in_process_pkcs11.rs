//! Mode `in-process` with `--provider pkcs11`: the SoftHSM2 token called directly through
//! cryptoki, with no provider and no service: the device's own limit, which the PKCS#11
//! provider behind the service can approach. Each thread opens its own session (logged in
//! once for the process), finds its keys once and then only signs, verifies or draws random
//! bytes. The keys are token objects made at start and destroyed at the end.

use anyhow::{Context, bail};
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CryptokiError, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, ObjectClass, ObjectHandle};
use cryptoki::session::{Session as TokenSession, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;

use super::{Availability, Driver, Failure, Session};
use crate::case::{Case, HASH, Mode, RANDOM_LEN, RSA_BITS};

/// The CKA_IDs of the benchmark's keys.
const ECDSA_ID: &[u8] = b"psc-bench-ecdsa";
const RSA_ID: &[u8] = b"psc-bench-rsa";

/// The DER DigestInfo prefix of a SHA-256 hash (RFC 8017 §9.2), which `CKM_RSA_PKCS` signs
/// around the hash, as the PKCS#11 provider does.
const SHA256_DIGEST_INFO: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// P-256's `CKA_EC_PARAMS`: its named-curve OID.
const P256_PARAMS: [u8; 10] = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// The token, its slot and PIN, and one ECDSA signature for the verify case.
pub(crate) struct InProcessPkcs11 {
    context: Pkcs11,
    slot: Slot,
    pin: String,
    signature: Vec<u8>,
}

impl std::fmt::Debug for InProcessPkcs11 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InProcessPkcs11")
            .field("slot", &self.slot)
            .finish_non_exhaustive()
    }
}

fn other(error: CryptokiError) -> Failure {
    Failure::other(error)
}

impl InProcessPkcs11 {
    /// Loads `library`, finds the token with `serial`, logs in with `pin` and makes a P-256
    /// and an RSA key pair on it.
    ///
    /// # Errors
    /// When the library, the token or a key cannot be had.
    pub(crate) fn open(library: &str, serial: &str, pin: &str) -> anyhow::Result<InProcessPkcs11> {
        let context = Pkcs11::new(library).with_context(|| format!("loading {library}"))?;
        match context.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(()) | Err(CryptokiError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
            Err(e) => bail!("C_Initialize: {e}"),
        }
        let mut found = None;
        for slot in context.get_slots_with_initialized_token()? {
            if context.get_token_info(slot)?.serial_number().trim() == serial {
                found = Some(slot);
            }
        }
        let Some(slot) = found else {
            bail!("no token with serial number {serial}");
        };
        let mut this = InProcessPkcs11 {
            context,
            slot,
            pin: pin.to_owned(),
            signature: Vec::new(),
        };
        let session = this.login().map_err(|e| anyhow::anyhow!("{e}"))?;
        remove_keys(&session)?;
        let public = |id: &[u8]| vec![Attribute::Token(true), Attribute::Id(id.to_vec())];
        let private = |id: &[u8]| {
            vec![
                Attribute::Token(true),
                Attribute::Private(true),
                Attribute::Sensitive(true),
                Attribute::Sign(true),
                Attribute::Id(id.to_vec()),
            ]
        };
        let mut ec_public = public(ECDSA_ID);
        ec_public.extend([
            Attribute::EcParams(P256_PARAMS.to_vec()),
            Attribute::Verify(true),
        ]);
        session
            .generate_key_pair(&Mechanism::EccKeyPairGen, &ec_public, &private(ECDSA_ID))
            .context("generating the P-256 key")?;
        let mut rsa_public = public(RSA_ID);
        rsa_public.extend([
            Attribute::ModulusBits(u64::from(RSA_BITS).into()),
            Attribute::PublicExponent(vec![1, 0, 1]),
        ]);
        session
            .generate_key_pair(&Mechanism::RsaPkcsKeyPairGen, &rsa_public, &private(RSA_ID))
            .context("generating the RSA key")?;
        let ecdsa = find(&session, ObjectClass::PRIVATE_KEY, ECDSA_ID)?;
        this.signature = session
            .sign(&Mechanism::Ecdsa, ecdsa, &HASH)
            .context("signing the hash the verify case checks")?;
        Ok(this)
    }

    /// A new session, logged in (a login already made by this process is fine).
    fn login(&self) -> Result<TokenSession, Failure> {
        let session = self.context.open_rw_session(self.slot).map_err(other)?;
        match session.login(UserType::User, Some(&AuthPin::new(self.pin.clone().into()))) {
            Ok(()) | Err(CryptokiError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(session),
            Err(e) => Err(other(e)),
        }
    }

    /// Destroys the benchmark's keys.
    pub(crate) fn remove(&self) {
        if let Err(error) = self
            .login()
            .map_err(|e| anyhow::anyhow!("{e}"))
            .and_then(|session| remove_keys(&session))
        {
            eprintln!("psc-bench: cannot destroy the benchmark's token keys: {error}");
        }
    }
}

fn find(session: &TokenSession, class: ObjectClass, id: &[u8]) -> anyhow::Result<ObjectHandle> {
    session
        .find_objects(&[Attribute::Class(class), Attribute::Id(id.to_vec())])?
        .first()
        .copied()
        .with_context(|| format!("no {class} object {}", String::from_utf8_lossy(id)))
}

fn remove_keys(session: &TokenSession) -> anyhow::Result<()> {
    for id in [ECDSA_ID, RSA_ID] {
        for handle in session.find_objects(&[Attribute::Id(id.to_vec())])? {
            session.destroy_object(handle)?;
        }
    }
    Ok(())
}

impl Driver for InProcessPkcs11 {
    fn mode(&self) -> Mode {
        Mode::InProcess
    }

    fn availability(&self, case: Case) -> Availability {
        match case {
            Case::EcdsaSign | Case::RsaSign | Case::EcdsaVerify | Case::Random => Availability::Yes,
            Case::Ping | Case::ListKeys | Case::EcdsaSignParsed | Case::RsaSignParsed => {
                Availability::Meaningless
            }
            Case::AesGcm | Case::GenerateDestroy => Availability::NotSupported,
        }
    }

    fn session(&self, _thread: usize) -> Result<Box<dyn Session + '_>, Failure> {
        let session = self.login()?;
        let handle = |class, id| find(&session, class, id).map_err(Failure::other);
        Ok(Box::new(TokenThread {
            ecdsa: handle(ObjectClass::PRIVATE_KEY, ECDSA_ID)?,
            ecdsa_public: handle(ObjectClass::PUBLIC_KEY, ECDSA_ID)?,
            rsa: handle(ObjectClass::PRIVATE_KEY, RSA_ID)?,
            rsa_input: [&SHA256_DIGEST_INFO[..], &HASH].concat(),
            signature: &self.signature,
            session,
        }))
    }
}

/// One thread's session and the handles it found once.
struct TokenThread<'a> {
    session: TokenSession,
    ecdsa: ObjectHandle,
    ecdsa_public: ObjectHandle,
    rsa: ObjectHandle,
    rsa_input: Vec<u8>,
    signature: &'a [u8],
}

impl Session for TokenThread<'_> {
    fn run(&mut self, case: Case) -> Result<(), Failure> {
        let session = &self.session;
        let done = match case {
            Case::EcdsaSign => session.sign(&Mechanism::Ecdsa, self.ecdsa, &HASH).map(drop),
            Case::RsaSign => session
                .sign(&Mechanism::RsaPkcs, self.rsa, &self.rsa_input)
                .map(drop),
            Case::EcdsaVerify => {
                session.verify(&Mechanism::Ecdsa, self.ecdsa_public, &HASH, self.signature)
            }
            Case::Random => session.generate_random_slice(&mut [0; RANDOM_LEN]),
            _ => return Err(Failure::NotSupported),
        };
        done.map_err(other)
    }
}
