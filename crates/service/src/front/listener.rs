//! The accept loop: event-driven, capped, and drained on shutdown.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::UnixListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::connection;
use crate::back::Service;

/// How long shutdown waits for in-flight requests before abandoning them.
const DRAIN_DEADLINE: Duration = Duration::from_secs(10);

/// Serves connections on `listener` until `shutdown` completes, then stops accepting and
/// waits for in-flight requests to finish.
///
/// Connections beyond the configured cap are closed at once rather than queued, so a flood
/// cannot make well-behaved clients wait behind it.
///
/// # Errors
/// Only if the listener itself fails in a way that is not per-connection.
pub async fn run(
    listener: UnixListener,
    service: Arc<Service>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(service.config().limits.max_connections));
    let mut tasks = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Per-connection failures (e.g. the peer left, or too many open files)
                    // must not stop the service.
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
        let service = Arc::clone(&service);
        tasks.spawn(async move {
            connection::handle(stream, &service).await;
            drop(slot);
        });
    }
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
