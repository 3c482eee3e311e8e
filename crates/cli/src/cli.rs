//! The command line: global options, then one subcommand.

use clap::Parser;

use crate::subcommands::Subcommand;

/// Command-line client of the Parsec security service.
///
/// The service is found through PARSEC_SERVICE_ENDPOINT (default
/// unix:/run/parsec/parsec.sock).
#[derive(Debug, Parser)]
#[command(name = "parsec-tool", version, arg_required_else_help = true)]
pub(crate) struct ParsecToolApp {
    /// ID of the provider to target; without it, the service's default provider.
    #[arg(short = 'p', long = "provider", value_name = "provider")]
    pub(crate) provider: Option<u8>,

    /// Time allowed for each request, in seconds; 0 waits forever. Without it, 60 seconds.
    #[arg(short = 't', long = "timeout", value_name = "timeout")]
    pub(crate) timeout: Option<u32>,

    /// Print listings (list-keys, list-providers, list-authenticators, list-opcodes,
    /// list-clients) as JSON instead of text.
    #[arg(long = "json", global = true)]
    pub(crate) json: bool,

    /// The operation to run.
    #[command(subcommand)]
    pub(crate) subcommand: Subcommand,
}
