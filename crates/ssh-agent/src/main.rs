//! `parsec-ssh-agent`: an SSH agent whose identities are the caller's keys in the Parsec
//! service. Used as `ssh-agent` is: `eval "$(parsec-ssh-agent)"` starts it in the background
//! and sets `SSH_AUTH_SOCK` and `SSH_AGENT_PID`; `-D` keeps it in the foreground; `-k`
//! stops the one `SSH_AGENT_PID` names. See `docs/SSH.md`.

use std::io::{BufRead as _, Write as _};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};

use clap::Parser;
use psc_client::{AsyncClient, Auth};
use psc_ssh_agent::agent::{Agent, Options};
use psc_ssh_agent::server;

/// The agent's command line.
#[derive(Debug, Parser)]
#[command(
    version,
    about = "An SSH agent whose keys are held by the Parsec service"
)]
struct Args {
    /// Stay in the foreground (the agent still prints the variables to set).
    #[arg(short = 'D')]
    foreground: bool,

    /// Bind the socket at this path (default: a new private directory in $TMPDIR).
    #[arg(short = 'a', value_name = "PATH")]
    socket: Option<PathBuf>,

    /// Stop the agent SSH_AGENT_PID names.
    #[arg(short = 'k')]
    kill: bool,

    /// Print C-shell commands (default: as $SHELL suggests).
    #[arg(short = 'c', conflicts_with = "bourne")]
    csh: bool,

    /// Print Bourne shell commands.
    #[arg(short = 's')]
    bourne: bool,

    /// Only keys whose names start with this are identities; keys added with ssh-add get it
    /// in front of their names.
    #[arg(long, value_name = "PREFIX", default_value = "")]
    prefix: String,

    /// Let `ssh-add -d` and `ssh-add -D` destroy the keys in the service (without it they
    /// only hide them from this agent).
    #[arg(long)]
    allow_destroy: bool,

    /// Identify to the service with Direct authentication under this name, instead of the
    /// first authentication the service accepts (Unix peer credentials: this user).
    #[arg(long, value_name = "NAME")]
    direct: Option<String>,

    /// Append the log to this file (in the background the log goes nowhere without it).
    #[arg(long, value_name = "FILE")]
    log_file: Option<PathBuf>,

    /// Set by the agent for the copy of itself it starts in the background.
    #[arg(long, hide = true)]
    detached: bool,
}

/// The application name under Direct authentication when `--direct` is not given.
const APP_NAME: &str = "parsec-ssh-agent";

fn main() -> ExitCode {
    let args = Args::parse();
    if let Err(e) = init_logging(&args) {
        eprintln!("parsec-ssh-agent: {e}");
        return ExitCode::FAILURE;
    }
    let outcome = if args.kill {
        kill(&args)
    } else if args.foreground {
        foreground(&args)
    } else {
        background()
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log::error!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// Log lines to stderr (or `--log-file`), info and above unless `RUST_LOG` says otherwise.
fn init_logging(args: &Args) -> std::io::Result<()> {
    let mut builder = env_logger::Builder::new();
    builder
        .filter_level(log::LevelFilter::Info)
        .parse_default_env();
    if let Some(path) = &args.log_file {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        builder.target(env_logger::Target::Pipe(Box::new(file)));
    }
    builder.init();
    Ok(())
}

/// Whether to print C-shell commands.
fn csh(args: &Args) -> bool {
    args.csh || (!args.bourne && std::env::var("SHELL").is_ok_and(|shell| shell.ends_with("csh")))
}

/// The commands that set the variables, as `ssh-agent` prints them.
fn exports(csh: bool, socket: &std::path::Path, pid: u32) -> String {
    let socket = socket.display();
    if csh {
        format!(
            "setenv SSH_AUTH_SOCK {socket};\nsetenv SSH_AGENT_PID {pid};\necho Agent pid {pid};\n"
        )
    } else {
        format!(
            "SSH_AUTH_SOCK={socket}; export SSH_AUTH_SOCK;\nSSH_AGENT_PID={pid}; export \
             SSH_AGENT_PID;\necho Agent pid {pid};\n"
        )
    }
}

/// Starts a copy of this program with `-D` in its own session, relays the variables it
/// prints once its socket is bound, and returns: the agent lives on without us.
fn background() -> Result<(), String> {
    let program = std::env::current_exe().map_err(|e| format!("finding this program: {e}"))?;
    let mut command = Command::new(program);
    command
        .args(std::env::args_os().skip(1))
        .args(["-D", "--detached"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command
        .spawn()
        .map_err(|e| format!("starting the agent: {e}"))?;
    let stdout = child.stdout.take().ok_or("the agent's output")?;
    let mut printed = String::new();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("reading the agent's output: {e}"))?;
        printed.push_str(&line);
        printed.push('\n');
        if line.starts_with("echo Agent pid") {
            print!("{printed}");
            return std::io::stdout()
                .flush()
                .map_err(|e| format!("printing: {e}"));
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for the agent: {e}"))?;
    Err(format!(
        "the agent did not start ({status}); run `parsec-ssh-agent -D` to see why"
    ))
}

/// Stops the agent `SSH_AGENT_PID` names and prints the commands that unset the variables.
fn kill(args: &Args) -> Result<(), String> {
    let pid = std::env::var("SSH_AGENT_PID")
        .map_err(|_| "SSH_AGENT_PID is not set: no agent to stop".to_owned())?;
    let raw: i32 = pid
        .trim()
        .parse()
        .map_err(|_| format!("SSH_AGENT_PID={pid:?} is not a process id"))?;
    let process = rustix::process::Pid::from_raw(raw)
        .filter(|_| raw > 0)
        .ok_or_else(|| format!("SSH_AGENT_PID={pid:?} is not a process id"))?;
    rustix::process::kill_process(process, rustix::process::Signal::TERM)
        .map_err(|e| format!("stopping the agent {raw}: {e}"))?;
    if csh(args) {
        println!("unsetenv SSH_AUTH_SOCK;\nunsetenv SSH_AGENT_PID;\necho Agent pid {raw} killed;");
    } else {
        println!("unset SSH_AUTH_SOCK;\nunset SSH_AGENT_PID;\necho Agent pid {raw} killed;");
    }
    Ok(())
}

/// Runs the agent in this process until SIGTERM, SIGINT or SIGHUP.
fn foreground(args: &Args) -> Result<(), String> {
    if args.detached {
        // Out of the terminal's session: a hangup there does not stop the agent.
        rustix::process::setsid().map_err(|e| format!("leaving the session: {e}"))?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    runtime.block_on(run(args))
}

/// Connects to the service, binds the socket, prints the variables and serves.
async fn run(args: &Args) -> Result<(), String> {
    let client = connect(args.direct.as_deref()).await?;
    let options = Options {
        prefix: args.prefix.clone(),
        allow_destroy: args.allow_destroy,
    };
    let agent = Agent::new(client, options);
    let (listener, socket) = server::bind(args.socket.as_deref())
        .map_err(|e| format!("binding the agent's socket: {e}"))?;
    let mut stdout = std::io::stdout();
    // Nobody reading (a background agent whose starter is gone) is no reason to stop.
    let _ = stdout.write_all(exports(csh(args), &socket.path, std::process::id()).as_bytes());
    let _ = stdout.flush();
    log::info!("listening on {}", socket.path.display());
    server::serve(listener, agent, stopped()).await;
    log::info!("stopped; removing {}", socket.path.display());
    drop(socket);
    Ok(())
}

/// The client of the service `PARSEC_SERVICE_ENDPOINT` names, with the identity to use;
/// checked by listing the keys once.
async fn connect(direct: Option<&str>) -> Result<AsyncClient, String> {
    let mut client = AsyncClient::from_env().map_err(|e| e.to_string())?;
    client.check_socket().map_err(|e| e.to_string())?;
    client
        .discover(Some(direct.unwrap_or(APP_NAME)))
        .await
        .map_err(|e| format!("asking the service what it accepts: {e}"))?;
    if let Some(name) = direct {
        client.set_auth(Auth::Direct(name.to_owned()));
    }
    let keys = client
        .list_keys()
        .await
        .map_err(|e| format!("listing this identity's keys in the service: {e}"))?;
    log::info!(
        "the service holds {} keys for this identity ({:?})",
        keys.len(),
        client.auth().auth_type()
    );
    Ok(client)
}

/// Completes at the first SIGTERM, SIGINT or SIGHUP.
async fn stopped() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) else {
        log::error!("the signal handlers could not be installed; stop the agent with SIGKILL");
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
        _ = hup.recv() => {}
    }
}
