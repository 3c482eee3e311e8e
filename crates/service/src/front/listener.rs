//! The accept loop: event-driven, capped, and drained on shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::UnixListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;

use super::budget::Budget;
use super::connection::{self, Shared};
use super::device::Device;
use super::idle_poll::IdlePoll;
use super::idle_set::IdleSet;
use super::slow::Slow;
use crate::back::Service;

/// How long shutdown waits for in-flight requests before abandoning them.
const DRAIN_DEADLINE: Duration = Duration::from_secs(10);
/// How long a new connection at the cap waits for the slot of the idle connection closed
/// for it (the closed connection's task only has to return).
const EVICTION_WAIT: Duration = Duration::from_secs(1);

/// Serves connections on `listener` until `shutdown` completes, then stops accepting and
/// waits for in-flight requests to finish.
///
/// `services` carries the current [`Service`]: sending a new one (a reload) applies to every
/// request that arrives afterwards, while requests in flight finish with the one they began
/// with. Limits (connection cap, workers) are taken from the service current at start.
///
/// At the cap, a new connection takes the slot of the kept-open connection idle longest,
/// which is closed; if none idles, the new connection is closed at once rather than queued,
/// so a flood cannot make well-behaved clients wait behind it.
///
/// The loop itself runs as a task of the runtime rather than in the caller's future: the
/// caller is often `block_on` on the main thread, which is no worker, and every accepted
/// connection would then cost two extra wake-ups between threads (the I/O driver waking the
/// main thread, the main thread handing the connection's task to a worker). On a worker, the
/// connection's task starts on the thread that accepted it.
///
/// # Errors
/// Only if the listener itself fails in a way that is not per-connection.
pub async fn run(
    listener: UnixListener,
    services: watch::Receiver<Arc<Service>>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let (stop, stopped) = watch::channel(false);
    let mut acceptor = tokio::spawn(accept_loop(listener, services, stopped));
    tokio::select! {
        () = shutdown => {}
        done = &mut acceptor => return joined(done),
    }
    let _ = stop.send(true);
    joined(acceptor.await)
}

/// A free connection slot, or the slot of the kept-open connection idle longest, closed
/// for it; `None` when every connection is busy.
async fn take_slot(slots: &Arc<Semaphore>, idle: &IdleSet) -> Option<OwnedSemaphorePermit> {
    if let Ok(slot) = Arc::clone(slots).try_acquire_owned() {
        return Some(slot);
    }
    if !idle.close_longest_idle() {
        return None;
    }
    tracing::debug!("the connection cap is reached: the longest idle connection is closed");
    tokio::time::timeout(EVICTION_WAIT, Arc::clone(slots).acquire_owned())
        .await
        .ok()?
        .ok()
}

fn joined(done: Result<std::io::Result<()>, tokio::task::JoinError>) -> std::io::Result<()> {
    done.unwrap_or_else(|join| Err(std::io::Error::other(join.to_string())))
}

/// Accepts until `stopped` turns true, then drains.
async fn accept_loop(
    listener: UnixListener,
    services: watch::Receiver<Arc<Service>>,
    mut stopped: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let config = services.borrow().config().clone();
    let slots = Arc::new(Semaphore::new(config.limits.max_connections));
    let workers = match config.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()) * 2,
        n => n,
    };
    let (stop, stopping) = watch::channel(false);
    // Polls until the loop ends (after the drain).
    let (_poller, activity) = IdlePoll::start(config.idle_poll);
    let slow = Slow::per_cpu()?;
    let device = Device::start(workers, slow.stalls())?;
    let shared = Shared {
        services,
        workers: Arc::new(Semaphore::new(workers)),
        slow: Arc::new(slow),
        device: Arc::new(device),
        stopping,
        activity,
        budget: Budget::new(config.limits.memory_budget),
        idle: IdleSet::default(),
    };
    let mut tasks = JoinSet::new();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Per-connection failures (the peer left, too many open files) must not
                    // stop the service; the pause keeps a persistent error from spinning.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    continue;
                }
            },
            // Either a stop was sent or `run` is gone: stop accepting.
            _ = stopped.changed() => break,
        };
        while tasks.try_join_next().is_some() {}
        let Some(slot) = take_slot(&slots, &shared.idle).await else {
            tracing::warn!("connection refused: the connection cap is reached");
            continue;
        };
        let shared = shared.clone();
        tasks.spawn(async move {
            connection::handle(stream, shared).await;
            drop(slot);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    while tasks.try_join_next().is_some() {}
    tracing::info!(
        in_flight = tasks.len(),
        "shutting down: draining in-flight requests"
    );
    if tokio::time::timeout(DRAIN_DEADLINE, async {
        while tasks.join_next().await.is_some() {}
    })
    .await
    .is_err()
    {
        tracing::warn!(abandoned = tasks.len(), "drain deadline passed");
    }
    Ok(())
}
