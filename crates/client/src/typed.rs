//! The typed methods are written once, as a table, and generated for both clients: the
//! blocking [`crate::Client`] and, with the `async` feature, [`crate::AsyncClient`].
//!
//! Each entry is an ordinary method signature with its documentation, and a body of one
//! line: where the request goes (`core`: the core provider; `crypto`: the client's crypto
//! provider), the request, and optionally how the response body becomes the method's value:
//!
//! ```text
//! /// The highest wire protocol version the service speaks, as (major, minor).
//! pub fn ping(&self) -> (u8, u8) {
//!     core(PingRequest) => |version| (version.major, version.minor)
//! }
//! ```
//!
//! generates `Client::ping(&self) -> Result<(u8, u8), Error>` and
//! `async fn AsyncClient::ping(&self) -> Result<(u8, u8), Error>`. Both send through the
//! client's own `send` or `send_crypto`; the request types and their pairing with response
//! types come from [`crate::operation`].

/// Generates the table's methods for `Client` and `AsyncClient`.
macro_rules! typed_methods {
    ($(
        $(#[$meta:meta])*
        pub fn $name:ident(&$self:ident $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty {
            $target:ident($request:expr) $(=> $finish:expr)?
        }
    )*) => {
        impl $crate::client::Client {$(
            $(#[$meta])*
            pub fn $name(&$self $(, $arg: $ty)*) -> Result<$ret, $crate::error::Error> {
                let output = typed_methods!(@send $self, $target, $request)?;
                Ok(typed_methods!(@finish output $(, $finish)?))
            }
        )*}

        #[cfg(feature = "async")]
        impl $crate::async_client::AsyncClient {$(
            $(#[$meta])*
            pub async fn $name(&$self $(, $arg: $ty)*) -> Result<$ret, $crate::error::Error> {
                let output = typed_methods!(@send $self, $target, $request).await?;
                Ok(typed_methods!(@finish output $(, $finish)?))
            }
        )*}
    };
    (@send $self:ident, core, $request:expr) => {
        $self.send(psc_wire::ProviderId::Core, $request)
    };
    (@send $self:ident, crypto, $request:expr) => {
        $self.send_crypto($request)
    };
    (@finish $output:ident) => {
        $output
    };
    (@finish $output:ident, $finish:expr) => {
        $crate::typed::finish($output, $finish)
    };
}

pub(crate) use typed_methods;

/// Applies `f` to a response body; a function rather than a call in place so that the
/// closure's argument type is inferred from the response.
pub(crate) fn finish<B, T>(body: B, f: impl FnOnce(B) -> T) -> T {
    f(body)
}
