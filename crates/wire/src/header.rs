//! The fixed 36-byte header of wire protocol 1.0, decoded in the order the reference service
//! validates it (docs/protocol.md §2.1), so that each malformed frame gets the status published clients
//! expect.
//!
//! Decoding is staged because the stages are separated by reads:
//! 1. [`decode_prefix`] checks the magic number and returns the header size;
//! 2. [`RawHeader::decode`] reads the 30 remaining bytes without interpreting them;
//! 3. [`RawHeader::check_framing`] checks version, reserved bytes and the body limit, before
//!    the body is read or allocated;
//! 4. [`RawHeader::into_request`] interprets the enum fields, once body and auth are read.

use psc_psa::Status;

use crate::error::Error;
use crate::ops::Opcode;

/// The magic number that opens every frame.
pub const MAGIC: u32 = 0x5EC0_A710;
/// The bytes after the size field in a 1.0 header.
pub const HEADER_SIZE: u16 = 30;
/// The bytes [`decode_prefix`] needs: magic and header size.
pub const PREFIX_LEN: usize = 6;
/// The whole fixed header.
pub const HEADER_LEN: usize = PREFIX_LEN + HEADER_SIZE as usize;
/// Request flag of our persistent-connection extension: the client asks the service to keep
/// the connection open for further requests. Published clients never set it; the service
/// then answers with the same flag set if, and only if, it keeps the connection, so their
/// responses are exactly the original's.
pub const FLAG_KEEP_ALIVE: u16 = 0x0001;
/// The largest auth field the u16 length allows.
pub const MAX_AUTH_LEN: usize = u16::MAX as usize;

macro_rules! byte_enum {
    ($(#[$meta:meta])* pub enum $name:ident ($err:ident) { $($(#[doc = $doc:literal])* $variant:ident = $code:literal,)* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
        #[non_exhaustive]
        #[repr(u8)]
        pub enum $name {
            $($(#[doc = $doc])* $variant = $code,)*
        }

        impl $name {
            /// Every value, in code order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The byte carried in the header.
            pub fn code(self) -> u8 {
                self as u8
            }

            /// The variant for a header byte.
            ///
            /// # Errors
            /// The protocol's error for an undefined value.
            pub fn from_code(code: u8) -> Result<Self, Error> {
                match code {
                    $($code => Ok($name::$variant),)*
                    _ => Err(Error::$err(code.into())),
                }
            }
        }
    };
}

byte_enum! {
    /// A provider slot. Ids are fixed per provider type; 0 is the core provider.
    pub enum ProviderId (Provider) {
        /// The core provider: discovery and administration, no cryptography.
        Core = 0,
        /// The software provider slot (Mbed Crypto in the original).
        MbedCrypto = 1,
        /// The PKCS#11 provider.
        Pkcs11 = 2,
        /// The TPM 2.0 provider.
        Tpm = 3,
        /// The Trusted Services provider.
        TrustedService = 4,
        /// The Microchip CryptoAuthLib provider.
        CryptoAuthLib = 5,
    }
}

byte_enum! {
    /// How the request's auth field identifies the application.
    pub enum AuthType (AuthType) {
        /// No identity; the auth field is ignored.
        NoAuth = 0,
        /// The auth field is the application name in UTF-8.
        Direct = 1,
        /// Plain JWT (defined, never implemented by any service).
        Jwt = 2,
        /// The auth field is the caller's UID (u32 LE), checked against the socket peer.
        UnixPeerCredentials = 3,
        /// The auth field is a JWT-SVID.
        JwtSvid = 4,
    }
}

/// Checks the magic number of the first six bytes and returns the header size field.
///
/// # Errors
/// [`Error::BadMagic`] when the magic number is wrong.
pub fn decode_prefix(prefix: &[u8; PREFIX_LEN]) -> Result<u16, Error> {
    let magic = u32::from_le_bytes([prefix[0], prefix[1], prefix[2], prefix[3]]);
    if magic != MAGIC {
        return Err(Error::BadMagic(magic));
    }
    Ok(u16::from_le_bytes([prefix[4], prefix[5]]))
}

/// The 30 header bytes after the size field, read but not yet interpreted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RawHeader {
    /// Wire protocol major version.
    pub version_major: u8,
    /// Wire protocol minor version.
    pub version_minor: u8,
    /// Flags (unused by the protocol; see the persistent-connection extension).
    pub flags: u16,
    /// Provider id.
    pub provider: u8,
    /// Session handle (unused; echoed).
    pub session: u64,
    /// Content type of the body.
    pub content_type: u8,
    /// Accept type for the response.
    pub accept_type: u8,
    /// Authentication type.
    pub auth_type: u8,
    /// Body length.
    pub body_len: u32,
    /// Auth length.
    pub auth_len: u16,
    /// Opcode.
    pub opcode: u32,
    /// Status (responses only).
    pub status: u16,
    /// First reserved byte.
    pub reserved1: u8,
    /// Second reserved byte.
    pub reserved2: u8,
}

/// Reads little-endian integers off a fixed buffer; the caller's array sizes make every
/// access in bounds.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let (head, rest) = self.0.split_at(N.min(self.0.len()));
        out[..head.len()].copy_from_slice(head);
        self.0 = rest;
        out
    }
    fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }
    fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.take())
    }
    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take())
    }
    fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.take())
    }
}

impl RawHeader {
    /// Splits the 30 bytes after the size field into fields.
    pub fn decode(bytes: &[u8; HEADER_SIZE as usize]) -> RawHeader {
        let mut c = Cursor(bytes);
        RawHeader {
            version_major: c.u8(),
            version_minor: c.u8(),
            flags: c.u16(),
            provider: c.u8(),
            session: c.u64(),
            content_type: c.u8(),
            accept_type: c.u8(),
            auth_type: c.u8(),
            body_len: c.u32(),
            auth_len: c.u16(),
            opcode: c.u32(),
            status: c.u16(),
            reserved1: c.u8(),
            reserved2: c.u8(),
        }
    }

    /// The whole 36-byte header: magic, size 30, then the fields.
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        let mut at = 0;
        let mut put = |bytes: &[u8]| {
            out[at..at + bytes.len()].copy_from_slice(bytes);
            at += bytes.len();
        };
        put(&MAGIC.to_le_bytes());
        put(&HEADER_SIZE.to_le_bytes());
        put(&[self.version_major, self.version_minor]);
        put(&self.flags.to_le_bytes());
        put(&[self.provider]);
        put(&self.session.to_le_bytes());
        put(&[self.content_type, self.accept_type, self.auth_type]);
        put(&self.body_len.to_le_bytes());
        put(&self.auth_len.to_le_bytes());
        put(&self.opcode.to_le_bytes());
        put(&self.status.to_le_bytes());
        put(&[self.reserved1, self.reserved2]);
        out
    }

    /// Checks what must be known before the body is read: version 1.0, zero reserved bytes,
    /// and a body no longer than `body_limit` (checked before anything is allocated).
    ///
    /// # Errors
    /// [`Error::Version`], [`Error::ReservedNotZero`] or [`Error::BodyTooLarge`].
    pub fn check_framing(&self, body_limit: u32) -> Result<(), Error> {
        if (self.version_major, self.version_minor) != (1, 0) {
            return Err(Error::Version {
                major: self.version_major,
                minor: self.version_minor,
            });
        }
        if self.reserved1 != 0 || self.reserved2 != 0 {
            return Err(Error::ReservedNotZero);
        }
        if self.body_len > body_limit {
            return Err(Error::BodyTooLarge {
                len: self.body_len,
                limit: body_limit,
            });
        }
        Ok(())
    }

    /// Interprets the request fields, in the reference order: content type, accept type,
    /// auth type, opcode, provider.
    ///
    /// # Errors
    /// The first field that holds an undefined value.
    pub fn into_request(self) -> Result<RequestHeader, Error> {
        check_body_type(self.content_type).map_err(|_| Error::ContentType(self.content_type))?;
        check_body_type(self.accept_type).map_err(|_| Error::AcceptType(self.accept_type))?;
        let auth_type = AuthType::from_code(self.auth_type)?;
        let opcode = Opcode::from_code(self.opcode).ok_or(Error::Opcode(self.opcode))?;
        let provider = ProviderId::from_code(self.provider)?;
        Ok(RequestHeader {
            flags: self.flags,
            provider,
            session: self.session,
            auth_type,
            opcode,
            body_len: self.body_len,
            auth_len: self.auth_len,
        })
    }

    /// Interprets the response fields as the published Rust client does (client side).
    ///
    /// # Errors
    /// The first field that holds an undefined value.
    pub fn into_response(self) -> Result<ResponseHeader, Error> {
        let provider = ProviderId::from_code(self.provider)?;
        check_body_type(self.content_type).map_err(|_| Error::ContentType(self.content_type))?;
        let opcode = Opcode::from_code(self.opcode).ok_or(Error::Opcode(self.opcode))?;
        let status = Status::from_code(self.status).ok_or(Error::Status(self.status))?;
        Ok(ResponseHeader {
            flags: self.flags,
            provider,
            session: self.session,
            opcode,
            status,
            body_len: self.body_len,
        })
    }
}

/// Only protobuf (0) is defined.
fn check_body_type(value: u8) -> Result<(), ()> {
    if value == 0 { Ok(()) } else { Err(()) }
}

/// A validated request header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequestHeader {
    /// Flags; published clients send 0.
    pub flags: u16,
    /// The addressed provider.
    pub provider: ProviderId,
    /// Session handle, echoed in the response.
    pub session: u64,
    /// How the auth field identifies the caller.
    pub auth_type: AuthType,
    /// The operation.
    pub opcode: Opcode,
    /// Body length.
    pub body_len: u32,
    /// Auth length.
    pub auth_len: u16,
}

impl RequestHeader {
    /// A header for `opcode` to `provider`, with lengths filled in by [`crate::encode_request`].
    pub fn new(provider: ProviderId, auth_type: AuthType, opcode: Opcode) -> RequestHeader {
        RequestHeader {
            flags: 0,
            provider,
            session: 0,
            auth_type,
            opcode,
            body_len: 0,
            auth_len: 0,
        }
    }

    /// The raw form of this header.
    pub fn to_raw(&self) -> RawHeader {
        RawHeader {
            version_major: 1,
            flags: self.flags,
            provider: self.provider.code(),
            session: self.session,
            auth_type: self.auth_type.code(),
            body_len: self.body_len,
            auth_len: self.auth_len,
            opcode: self.opcode.code(),
            ..RawHeader::default()
        }
    }
}

/// A validated response header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResponseHeader {
    /// Flags: 0, or [`FLAG_KEEP_ALIVE`] when the service keeps the connection open.
    pub flags: u16,
    /// The provider that answered (echo of the request).
    pub provider: ProviderId,
    /// Echo of the request's session handle.
    pub session: u64,
    /// Echo of the request's opcode.
    pub opcode: Opcode,
    /// The outcome.
    pub status: Status,
    /// Body length.
    pub body_len: u32,
}

impl ResponseHeader {
    /// The answer to a request whose header was parsed: provider, session and opcode echoed.
    pub fn reply_to(request: &RequestHeader, status: Status) -> ResponseHeader {
        ResponseHeader {
            flags: 0,
            provider: request.provider,
            session: request.session,
            opcode: request.opcode,
            status,
            body_len: 0,
        }
    }

    /// The answer to a frame that failed before its header could be interpreted. The reference
    /// answers provider 0 and opcode Ping; we echo the request's provider and opcode when they
    /// are defined values (`raw`), which published Rust clients accept either way and which
    /// lets the Go client, that always compares opcodes, see the real status.
    pub fn header_error(raw: Option<&RawHeader>, status: Status) -> ResponseHeader {
        let provider = raw.and_then(|r| ProviderId::from_code(r.provider).ok());
        let opcode = raw.and_then(|r| Opcode::from_code(r.opcode));
        ResponseHeader {
            flags: 0,
            provider: provider.unwrap_or(ProviderId::Core),
            session: 0,
            opcode: opcode.unwrap_or(Opcode::Ping),
            status,
            body_len: 0,
        }
    }

    /// The raw form of this header.
    pub fn to_raw(&self) -> RawHeader {
        RawHeader {
            version_major: 1,
            flags: self.flags,
            provider: self.provider.code(),
            session: self.session,
            body_len: self.body_len,
            opcode: self.opcode.code(),
            status: self.status.code(),
            ..RawHeader::default()
        }
    }
}
