//! The accept loop: event-driven, capped, and drained on shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::UnixListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use super::connection::{self, Shared};
use crate::back::Service;

/// How long shutdown waits for in-flight requests before abandoning them.
const DRAIN_DEADLINE: Duration = Duration::from_secs(10);

/// Serves connections on `listener` until `shutdown` completes, then stops accepting and
/// waits for in-flight requests to finish.
///
/// `services` carries the current [`Service`]: sending a new one (a reload) applies to every
/// request that arrives afterwards, while requests in flight finish with the one they began
/// with. Limits (connection cap, workers) are taken from the service current at start.
///
/// Connections beyond the cap are closed at once rather than queued, so a flood cannot make
/// well-behaved clients wait behind it.
///
/// # Errors
/// Only if the listener itself fails in a way that is not per-connection.
pub async fn run(
    listener: UnixListener,
    services: watch::Receiver<Arc<Service>>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let config = services.borrow().config().clone();
    let slots = Arc::new(Semaphore::new(config.limits.max_connections));
    let workers = match config.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()) * 2,
        n => n,
    };
    let (stop, stopping) = watch::channel(false);
    let shared = Shared {
        services,
        workers: Arc::new(Semaphore::new(workers)),
        stopping,
    };
    let mut tasks = JoinSet::new();
    tokio::pin!(shutdown);
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
            () = &mut shutdown => break,
        };
        while tasks.try_join_next().is_some() {}
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
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
