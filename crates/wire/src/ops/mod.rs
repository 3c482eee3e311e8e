//! The operations table: the one place that lists every operation of the protocol.
//!
//! Each line gives an operation's opcode, its module (one file per operation, holding its
//! protobuf messages, its typed request and response, and their conversion), the
//! [`Capability`] that serves it (which also says where it is addressed), who may call it,
//! whether published clients know it, and whether it commits to the key store's disk. From
//! this table the macro generates [`Opcode`], [`Request`], [`Response`], the codec's
//! dispatch and the request→response pairing ([`RequestBody`]); the service derives from it
//! the core provider's operations, each provider's ListOpcodes and where a request runs.
//! No other list of operations is kept by hand (docs/ARCHITECTURE.md, "Adding an
//! operation").

use crate::error::Error;

/// Where an operation must be addressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// To the core provider (id 0) only.
    Core,
    /// To a crypto provider only.
    Crypto,
}

/// What serves an operation: the core provider, or the provider capability (a trait of
/// `psc-provider-api`) that implements it. A crypto provider implements, and ListOpcodes
/// lists, exactly the operations of the capabilities it exposes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Capability {
    /// The core provider itself (discovery and administration); addressed to provider 0.
    Core,
    /// Every crypto provider (CanDoCrypto, answered through `Provider::can_do`).
    Every,
    /// `KeyLifecycle`: creating, exporting and destroying keys.
    KeyLifecycle,
    /// `SignHash`.
    SignHash,
    /// `SignMessage`.
    SignMessage,
    /// `AsymmetricCrypt`.
    AsymmetricCrypt,
    /// `AeadCrypt`.
    Aead,
    /// `CipherCrypt`.
    Cipher,
    /// `MacCompute`.
    Mac,
    /// `HashCompute`.
    Hash,
    /// `RawAgreement`.
    KeyAgreement,
    /// `RandomSource`.
    Random,
    /// `KeyAttestation`: PrepareKeyAttestation and AttestKey.
    KeyAttestation,
}

impl Capability {
    /// Where operations served by this capability are addressed.
    pub const fn scope(self) -> Scope {
        match self {
            Capability::Core => Scope::Core,
            _ => Scope::Crypto,
        }
    }
}

/// Who may call an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, including unauthenticated (NoAuth) callers.
    Open,
    /// An authenticated application.
    App,
    /// An authenticated application listed as an administrator.
    Admin,
}

/// The static facts about an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpSpec {
    /// What serves it.
    pub capability: Capability,
    /// Where it is addressed (from [`capability`](Self::capability)).
    pub scope: Scope,
    /// Who may call it.
    pub access: Access,
    /// Whether the published Rust clients can decode this opcode. Opcodes they cannot decode
    /// are served but never advertised in ListOpcodes (their client would fail the call).
    pub published: bool,
    /// Whether it writes the key store and waits for that write to reach the disk (creating,
    /// destroying, deleting a client's keys). The service never runs these on its async
    /// workers.
    pub commits: bool,
}

/// A request body, paired with the response body that answers it. Generated for every line
/// of the table, so a typed client call is `send(request)` and nothing more.
pub trait RequestBody: Body + Into<Request> {
    /// The operation.
    const OPCODE: Opcode;
    /// The body of a successful answer.
    type Answer: Body;

    /// The answer's body, when `response` answers this operation; otherwise `response`
    /// itself, for the caller's error.
    ///
    /// # Errors
    /// `response`, when it belongs to another operation.
    fn answer(response: Response) -> Result<Self::Answer, Response>;
}

/// A typed body: the request or response of one operation, with its protobuf form.
pub trait Body: Sized {
    /// The protobuf message on the wire.
    type Proto: prost::Message + Default;

    /// Converts the decoded message, applying the contract's semantic rules.
    ///
    /// # Errors
    /// [`Error::InvalidField`] for a missing mandatory field or an undefined value.
    fn from_proto(proto: Self::Proto) -> Result<Self, Error>;

    /// The protobuf message for this value.
    fn to_proto(&self) -> Self::Proto;

    /// Overwrites secret bytes in a message about to be dropped. Bodies carrying key material
    /// or plaintext override this; the default does nothing.
    fn scrub(_proto: &mut Self::Proto) {}

    /// Decodes a body.
    ///
    /// # Errors
    /// [`Error::Protobuf`] for invalid protobuf, [`Error::InvalidField`] for invalid values.
    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let mut proto = Self::Proto::default();
        if let Err(error) = prost::Message::merge(&mut proto, bytes) {
            // A body refused half way may already hold key material or plaintext.
            Self::scrub(&mut proto);
            return Err(error.into());
        }
        Self::from_proto(proto)
    }

    /// Encodes a body.
    fn encode(&self) -> Vec<u8> {
        let mut proto = self.to_proto();
        let bytes = prost::Message::encode_to_vec(&proto);
        Self::scrub(&mut proto);
        bytes
    }
}

/// Declares a body with no fields: its protobuf form is the empty message.
macro_rules! empty_body {
    ($(#[doc = $doc:literal])* $name:ident) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        #[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
        pub struct $name;

        impl $crate::ops::Body for $name {
            type Proto = $crate::proto::Empty;

            fn from_proto(_: Self::Proto) -> Result<Self, $crate::Error> {
                Ok($name)
            }

            fn to_proto(&self) -> Self::Proto {
                $crate::proto::Empty {}
            }
        }
    };
}

macro_rules! operations {
    ($($code:literal $variant:ident => $module:ident($req:ident, $resp:ident) $capability:ident $access:ident $published:literal $commits:literal;)*) => {
        $(pub mod $module;)*
        $(pub use $module::{$req, $resp};)*

        /// An operation code, as carried in the header.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
        #[non_exhaustive]
        #[repr(u32)]
        pub enum Opcode {
            $(#[doc = concat!("The `", stringify!($module), "` operation.")] $variant = $code,)*
        }

        impl Opcode {
            /// Every operation, in opcode order.
            pub const ALL: &'static [Opcode] = &[$(Opcode::$variant,)*];

            /// The opcode for a header value, or `None` for an undefined value.
            pub fn from_code(code: u32) -> Option<Opcode> {
                match code {
                    $($code => Some(Opcode::$variant),)*
                    _ => None,
                }
            }

            /// The value carried in the header.
            pub fn code(self) -> u32 {
                self as u32
            }

            /// The static facts about this operation.
            pub fn spec(self) -> OpSpec {
                match self {
                    $(Opcode::$variant => OpSpec {
                        capability: Capability::$capability,
                        scope: Capability::$capability.scope(),
                        access: Access::$access,
                        published: $published,
                        commits: $commits,
                    },)*
                }
            }
        }

        /// A decoded request body, one variant per operation.
        #[derive(Clone, Debug, PartialEq)]
        #[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
        #[non_exhaustive]
        pub enum Request {
            $(#[doc = concat!("`", stringify!($module), "`.")] $variant($req),)*
        }

        impl Request {
            /// The operation this request belongs to.
            pub fn opcode(&self) -> Opcode {
                match self {
                    $(Request::$variant(_) => Opcode::$variant,)*
                }
            }

            /// Decodes the body of a request for `opcode`.
            ///
            /// # Errors
            /// [`Error::Protobuf`] for invalid protobuf, [`Error::InvalidField`] for invalid
            /// values.
            pub fn decode(opcode: Opcode, body: &[u8]) -> Result<Request, Error> {
                Ok(match opcode {
                    $(Opcode::$variant => Request::$variant($req::decode(body)?),)*
                })
            }

            /// Encodes the body.
            pub fn encode(&self) -> Vec<u8> {
                match self {
                    $(Request::$variant(body) => body.encode(),)*
                }
            }
        }

        /// A decoded response body, one variant per operation.
        #[derive(Clone, Debug, PartialEq)]
        #[cfg_attr(any(test, feature = "proptest"), derive(proptest_derive::Arbitrary))]
        #[non_exhaustive]
        pub enum Response {
            $(#[doc = concat!("`", stringify!($module), "`.")] $variant($resp),)*
        }

        impl Response {
            /// The operation this response belongs to.
            pub fn opcode(&self) -> Opcode {
                match self {
                    $(Response::$variant(_) => Opcode::$variant,)*
                }
            }

            /// Decodes the body of a successful response to `opcode`.
            ///
            /// # Errors
            /// [`Error::Protobuf`] for invalid protobuf, [`Error::InvalidField`] for invalid
            /// values.
            pub fn decode(opcode: Opcode, body: &[u8]) -> Result<Response, Error> {
                Ok(match opcode {
                    $(Opcode::$variant => Response::$variant($resp::decode(body)?),)*
                })
            }

            /// Encodes the body.
            pub fn encode(&self) -> Vec<u8> {
                match self {
                    $(Response::$variant(body) => body.encode(),)*
                }
            }
        }

        $(
            impl From<$req> for Request {
                fn from(body: $req) -> Request {
                    Request::$variant(body)
                }
            }

            impl From<$resp> for Response {
                fn from(body: $resp) -> Response {
                    Response::$variant(body)
                }
            }

            impl RequestBody for $req {
                const OPCODE: Opcode = Opcode::$variant;
                type Answer = $resp;

                fn answer(response: Response) -> Result<$resp, Response> {
                    match response {
                        Response::$variant(body) => Ok(body),
                        other => Err(other),
                    }
                }
            }
        )*
    };
}

operations! {
    // code  variant                => module(request, response)                                                 capability      access published commits
    0x01 Ping                  => ping(PingRequest, PingResponse)                                               Core            Open   true  false;
    0x02 PsaGenerateKey        => generate_key(GenerateKeyRequest, GenerateKeyResponse)                         KeyLifecycle    App    true  true;
    0x03 PsaDestroyKey         => destroy_key(DestroyKeyRequest, DestroyKeyResponse)                            KeyLifecycle    App    true  true;
    0x04 PsaSignHash           => sign_hash(SignHashRequest, SignHashResponse)                                  SignHash        App    true  false;
    0x05 PsaVerifyHash         => verify_hash(VerifyHashRequest, VerifyHashResponse)                            SignHash        App    true  false;
    0x06 PsaImportKey          => import_key(ImportKeyRequest, ImportKeyResponse)                               KeyLifecycle    App    true  true;
    0x07 PsaExportPublicKey    => export_public_key(ExportPublicKeyRequest, ExportPublicKeyResponse)            KeyLifecycle    App    true  false;
    0x08 ListProviders         => list_providers(ListProvidersRequest, ListProvidersResponse)                   Core            Open   true  false;
    0x09 ListOpcodes           => list_opcodes(ListOpcodesRequest, ListOpcodesResponse)                         Core            Open   true  false;
    0x0A PsaAsymmetricEncrypt  => asymmetric_encrypt(AsymmetricEncryptRequest, AsymmetricEncryptResponse)       AsymmetricCrypt App    true  false;
    0x0B PsaAsymmetricDecrypt  => asymmetric_decrypt(AsymmetricDecryptRequest, AsymmetricDecryptResponse)       AsymmetricCrypt App    true  false;
    0x0C PsaExportKey          => export_key(ExportKeyRequest, ExportKeyResponse)                               KeyLifecycle    App    true  false;
    0x0D PsaGenerateRandom     => generate_random(GenerateRandomRequest, GenerateRandomResponse)                Random          Open   true  false;
    0x0E ListAuthenticators    => list_authenticators(ListAuthenticatorsRequest, ListAuthenticatorsResponse)    Core            Open   true  false;
    0x0F PsaHashCompute        => hash_compute(HashComputeRequest, HashComputeResponse)                         Hash            Open   true  false;
    0x10 PsaHashCompare        => hash_compare(HashCompareRequest, HashCompareResponse)                         Hash            Open   true  false;
    0x11 PsaAeadEncrypt        => aead_encrypt(AeadEncryptRequest, AeadEncryptResponse)                         Aead            App    true  false;
    0x12 PsaAeadDecrypt        => aead_decrypt(AeadDecryptRequest, AeadDecryptResponse)                         Aead            App    true  false;
    0x13 PsaRawKeyAgreement    => raw_key_agreement(RawKeyAgreementRequest, RawKeyAgreementResponse)            KeyAgreement    App    true  false;
    0x14 PsaCipherEncrypt      => cipher_encrypt(CipherEncryptRequest, CipherEncryptResponse)                   Cipher          App    true  false;
    0x15 PsaCipherDecrypt      => cipher_decrypt(CipherDecryptRequest, CipherDecryptResponse)                   Cipher          App    true  false;
    0x16 PsaMacCompute         => mac_compute(MacComputeRequest, MacComputeResponse)                            Mac             App    false false;
    0x17 PsaMacVerify          => mac_verify(MacVerifyRequest, MacVerifyResponse)                               Mac             App    false false;
    0x18 PsaSignMessage        => sign_message(SignMessageRequest, SignMessageResponse)                         SignMessage     App    true  false;
    0x19 PsaVerifyMessage      => verify_message(VerifyMessageRequest, VerifyMessageResponse)                   SignMessage     App    true  false;
    0x1A ListKeys              => list_keys(ListKeysRequest, ListKeysResponse)                                  Core            App    true  false;
    0x1B ListClients           => list_clients(ListClientsRequest, ListClientsResponse)                         Core            Admin  true  false;
    0x1C DeleteClient          => delete_client(DeleteClientRequest, DeleteClientResponse)                      Core            Admin  true  true;
    0x1E AttestKey             => attest_key(AttestKeyRequest, AttestKeyResponse)                               KeyAttestation  App    true  false;
    0x1F PrepareKeyAttestation => prepare_key_attestation(PrepareKeyAttestationRequest, PrepareKeyAttestationResponse) KeyAttestation App true false;
    0x20 CanDoCrypto           => can_do_crypto(CanDoCryptoRequest, CanDoCryptoResponse)                        Every           App    true  false;
}
