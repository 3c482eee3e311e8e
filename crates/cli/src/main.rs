//! `parsec-tool`: the command-line client of the Parsec service, a drop-in superset of the
//! published `parsec-tool` 0.7: its subcommands and options with its outputs, and ours after
//! them (AEAD keys, JSON listings, completions, key import, certificates; see README.md).
//!
//! Results go to stdout in the published tool's formats; progress and errors are logged to
//! stderr as `[LEVEL target] message` lines (info by default, `RUST_LOG` changes it). Exit
//! status: 0 on success, 1 on any failure, including bad arguments.

mod cli;
mod error;
mod formats;
mod keys;
mod names;
mod output;
mod progress;
mod subcommands;

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use psc_client::{Client, ProviderId};

use crate::cli::ParsecToolApp;
use crate::error::Failure;
use crate::subcommands::{Context, Subcommand};

fn main() -> ExitCode {
    init_logging();
    let app = match ParsecToolApp::try_parse() {
        Ok(app) => app,
        Err(usage) => return usage_exit(&usage),
    };
    match run(app) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            log::error!("{failure}");
            ExitCode::FAILURE
        }
    }
}

/// The published tool's logger: no timestamp, level and target, info unless `RUST_LOG` says
/// otherwise.
fn init_logging() {
    env_logger::Builder::new()
        .filter_level(log::LevelFilter::Info)
        .format_timestamp(None)
        .format_module_path(false)
        .parse_default_env()
        .init();
}

/// Prints clap's help, version or usage error; exits 0 for help and version, 1 for errors,
/// as the published tool does.
fn usage_exit(usage: &clap::Error) -> ExitCode {
    // Nothing sensible is left to do if the terminal cannot take the message.
    let _ = usage.print();
    if usage.use_stderr() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Sets the client up as the published tool does, in the same order (endpoint, global
/// provider, timeout), then runs the subcommand.
fn run(app: ParsecToolApp) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    if let Subcommand::Completions(completions) = &app.subcommand {
        // Needs no service.
        completions.run(&mut stdout)?;
        return stdout.flush().map_err(|e| Failure::Subcommand(e.into()));
    }
    let mut client = Client::from_env().map_err(Failure::SpinUp)?;
    client.check_socket().map_err(Failure::SpinUp)?;
    let provider = match app.provider {
        Some(id) => Some(ProviderId::from_code(id).map_err(|_| Failure::Provider(id))?),
        None => None,
    };
    if let Some(seconds) = app.timeout {
        client.set_timeout((seconds > 0).then(|| Duration::from_secs(seconds.into())));
    }
    let context = Context::new(client, provider, app.json);
    app.subcommand.run(&context, &mut stdout)?;
    stdout.flush().map_err(|e| Failure::Subcommand(e.into()))
}
