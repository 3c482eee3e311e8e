//! One file per subcommand: its options, the request it sends, and its output format.

mod list_authenticators;
mod list_opcodes;
mod list_providers;
mod ping;

use std::io::Write;

use psc_client::{Client, ProviderId};

use crate::error::Error;

/// What every subcommand runs with: the configured client and the provider the global
/// `--provider` option selects (the core provider without it).
#[derive(Debug)]
pub(crate) struct Context {
    /// The client, with the endpoint and timeout set.
    pub(crate) client: Client,
    /// The implicit provider.
    pub(crate) provider: ProviderId,
}

/// The subcommands the service supports so far.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Subcommand {
    /// Ping the service and print the wire protocol version it speaks.
    Ping(ping::Ping),

    /// List the providers the service offers, in priority order.
    ListProviders(list_providers::ListProviders),

    /// List the authentication methods the service accepts, preferred first.
    ListAuthenticators(list_authenticators::ListAuthenticators),

    /// List the operations a provider supports.
    ListOpcodes(list_opcodes::ListOpcodes),
}

impl Subcommand {
    /// Runs the subcommand, writing its results to `out`.
    pub(crate) fn run(&self, context: &Context, out: &mut dyn Write) -> Result<(), Error> {
        match self {
            Subcommand::Ping(command) => command.run(context, out),
            Subcommand::ListProviders(command) => command.run(context, out),
            Subcommand::ListAuthenticators(command) => command.run(context, out),
            Subcommand::ListOpcodes(command) => command.run(context, out),
        }
    }
}
