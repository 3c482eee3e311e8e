//! The blocking client's busy-poll (`Client::set_busy_poll`): off by default (a waiting
//! thread spends no CPU time); when asked, it spins for at most its window, then sleeps.
//! Measured as the CPU time of the waiting thread, against a peer that answers after a
//! delay.
//!
//! One test, steps in sequence: spinning threads of concurrent tests would take the CPU
//! time measured here.

// Test code: only the scripted peer of the shared module is used here.
#[allow(dead_code)]
mod common;

use std::io::Write;
use std::time::Duration;

use common::{ScriptedPeer, read_request};
use psc_client::wire::{AuthType, Opcode, ProviderId, RequestHeader, ResponseHeader, frame};
use psc_client::{Client, ClientError, Error, Status};
use rustix::time::{ClockId, clock_gettime};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A peer that answers one ping with a refusal after `delay`, and a client of it.
struct SlowPeer {
    client: Client,
    _peer: ScriptedPeer,
}

impl SlowPeer {
    /// The peer, and a client of it with the default busy-poll.
    fn start_default(delay: Duration) -> Result<SlowPeer, Box<dyn std::error::Error>> {
        let header = ResponseHeader::reply_to(
            &RequestHeader::new(ProviderId::Core, AuthType::NoAuth, Opcode::Ping),
            Status::PsaErrorGenericError,
        );
        let answer = frame::encode_response(header, &[])?;
        let peer = ScriptedPeer::start(vec![Box::new(move |mut stream| {
            if read_request(&mut stream).is_ok() {
                std::thread::sleep(delay);
                let _ = stream.write_all(&answer);
            }
        })])?;
        let mut client = Client::new(peer.path());
        client.set_timeout(Some(Duration::from_secs(10)));
        Ok(SlowPeer {
            client,
            _peer: peer,
        })
    }

    /// The peer, and a client of it busy-polling for `busy_poll`.
    fn start(delay: Duration, busy_poll: Duration) -> Result<SlowPeer, Box<dyn std::error::Error>> {
        let mut peer = SlowPeer::start_default(delay)?;
        peer.client.set_busy_poll(busy_poll);
        Ok(peer)
    }

    /// Pings the peer and returns the CPU time this thread spent waiting for the answer.
    fn ping_cpu_time(self) -> Duration {
        let before = thread_cpu_time();
        let result = self.client.ping();
        let spent = thread_cpu_time().saturating_sub(before);
        assert!(
            matches!(result, Err(Error::Service(Status::PsaErrorGenericError))),
            "the peer's answer: {result:?}"
        );
        spent
    }
}

fn thread_cpu_time() -> Duration {
    let now = clock_gettime(ClockId::ThreadCPUTime);
    Duration::new(
        u64::try_from(now.tv_sec).unwrap_or_default(),
        u32::try_from(now.tv_nsec).unwrap_or_default(),
    )
}

#[test]
fn off_by_default_and_within_its_window_when_asked() -> TestResult {
    let ms = Duration::from_millis;

    // By default: never spins, the thread sleeps until the answer.
    assert_eq!(Client::DEFAULT_BUSY_POLL, Duration::ZERO);
    let peer = SlowPeer::start_default(ms(60))?;
    assert_eq!(peer.client.busy_poll(), Duration::ZERO);
    let spent = peer.ping_cpu_time();
    assert!(
        spent < ms(15),
        "{spent:?} of CPU time waiting 60 ms by default"
    );

    // Asked, an answer slower than nothing but inside the window: the thread spins for it.
    let spent = SlowPeer::start(ms(60), ms(200))?.ping_cpu_time();
    assert!(spent >= ms(20), "spun for only {spent:?} of a 60 ms wait");

    // An answer slower than the window: spins for the window (1 ms) at most, then sleeps.
    let spent = SlowPeer::start(ms(100), ms(1))?.ping_cpu_time();
    assert!(
        spent < ms(15),
        "{spent:?} of CPU time waiting 100 ms, window 1 ms"
    );

    // Zero: never spins.
    let spent = SlowPeer::start(ms(60), Duration::ZERO)?.ping_cpu_time();
    assert!(
        spent < ms(15),
        "{spent:?} of CPU time waiting 60 ms, window 0"
    );

    // A window longer than the exchange's timeout: the timeout still ends the wait.
    let mut peer = SlowPeer::start(ms(3000), Duration::from_secs(60))?;
    peer.client.set_timeout(Some(ms(200)));
    let started = std::time::Instant::now();
    let result = peer.client.ping();
    assert!(
        matches!(result, Err(Error::Client(ClientError::Timeout(_)))),
        "a timeout, not {result:?}"
    );
    assert!(
        started.elapsed() < ms(2000),
        "timed out after {:?}",
        started.elapsed()
    );
    Ok(())
}
