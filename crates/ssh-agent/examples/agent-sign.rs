//! Times sign requests to an SSH agent over one connection: `agent-sign SOCKET [COUNT]`
//! signs 64 bytes COUNT times (default 1000) with the agent's first identity and prints the
//! median, mean and 99th percentile. Used by `scripts/bench-ssh-agent` on
//! `parsec-ssh-agent` and OpenSSH's `ssh-agent` alike.

use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use ssh_agent_lib::blocking::Client;
use ssh_agent_lib::proto::SignRequest;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let socket = args.next().ok_or("usage: agent-sign SOCKET [COUNT]")?;
    let count: usize = args.next().map_or(Ok(1000), |n| n.parse())?;
    let mut agent = Client::new(UnixStream::connect(&socket)?);
    let identity = agent
        .request_identities()?
        .into_iter()
        .next()
        .ok_or("the agent has no identity")?;
    let request = SignRequest {
        credential: identity.credential,
        data: vec![0x5a; 64],
        flags: psc_ssh_agent::keys::RSA_SHA2_512,
    };
    let mut times = Vec::with_capacity(count);
    for _ in 0..count {
        let start = Instant::now();
        agent.sign(request.clone())?;
        times.push(start.elapsed());
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / u32::try_from(count.max(1))?;
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "{socket}: {count} signatures with {:?}: median {:?}, mean {mean:?}, p99 {:?}",
        identity.comment,
        at(0.5),
        at(0.99)
    );
    Ok(())
}
