//! The device threads: their priority, their turns, and what a failed or abandoned job does.

use std::sync::mpsc;
use std::time::Duration;

use std::time::Instant;

use psc_wire::{AuthType, Opcode, ProviderId};

use super::*;

const LONG: Duration = Duration::from_secs(30);

fn watch(provider: ProviderId, deadline: Duration) -> Watch {
    Watch {
        provider,
        opcode: Opcode::PsaSignHash,
        deadline,
    }
}

fn start(threads: usize) -> Device {
    Device::start(threads, Arc::default()).unwrap()
}

fn soft() -> Watch {
    watch(ProviderId::MbedCrypto, LONG)
}

fn app(name: &str) -> Option<Application> {
    Some(Application {
        auth: AuthType::UnixPeerCredentials,
        name: name.to_owned(),
    })
}

/// A job that holds its thread until the returned sender sends (or is dropped).
fn gate(device: &Device) -> (mpsc::Sender<()>, oneshot::Receiver<()>) {
    let (open, opened) = mpsc::channel::<()>();
    let held = device.submit(app("gate"), move || {
        let _ = opened.recv();
    });
    (open, held)
}

#[tokio::test]
async fn device_work_runs_on_its_own_threads_at_the_services_priority() {
    let device = start(2);
    let ours = rustix::process::getpriority_process(None).unwrap();
    let (name, niceness) = device
        .run(None, soft(), || {
            let name = std::thread::current().name().map(str::to_owned);
            (name, rustix::process::getpriority_process(None).unwrap())
        })
        .await
        .unwrap();
    assert!(name.unwrap().starts_with("psc-device-"));
    assert_eq!(niceness, ours, "not lowered as slow work is");
}

#[tokio::test]
async fn applications_are_served_in_turn_by_the_thread_that_frees_up() {
    let device = start(1);
    let (open, held) = gate(&device);
    let (log, order) = mpsc::channel();
    let queued: Vec<_> = [("a", 1), ("a", 2), ("a", 3), ("b", 1), ("c", 1), ("b", 2)]
        .into_iter()
        .map(|(tenant, n)| {
            let log = log.clone();
            device.submit(app(tenant), move || log.send((tenant, n)).unwrap())
        })
        .collect();
    open.send(()).unwrap();
    held.await.unwrap();
    for answer in queued {
        answer.await.unwrap();
    }
    let order: Vec<_> = order.try_iter().collect();
    assert_eq!(
        order,
        [("a", 1), ("b", 1), ("c", 1), ("a", 2), ("b", 2), ("a", 3)]
    );
}

#[tokio::test]
async fn a_job_whose_caller_left_before_its_turn_is_not_run() {
    let device = start(1);
    let (open, held) = gate(&device);
    let (log, ran) = mpsc::channel();
    let abandoned = device.submit(app("a"), move || log.send(()).unwrap());
    let waited = tokio::time::timeout(Duration::from_millis(10), abandoned).await;
    assert!(waited.is_err(), "it waits behind the gate");
    open.send(()).unwrap();
    held.await.unwrap();
    assert_eq!(device.run(app("b"), soft(), || 7).await, Ok(7));
    assert!(ran.try_recv().is_err(), "the abandoned job did not run");
}

#[tokio::test]
async fn a_panicking_job_fails_alone() {
    let device = start(2);
    for _ in 0..3 {
        assert_eq!(
            device.run(None, soft(), || panic!("a provider bug")).await,
            Err::<(), _>(Unfinished::Failed)
        );
    }
    assert_eq!(
        device.run(None, soft(), || 7).await,
        Ok(7),
        "the threads go on"
    );
}

#[tokio::test]
async fn a_hung_job_holds_one_thread_and_the_others_go_on() {
    let device = start(2);
    let (_open, _held) = gate(&device);
    for n in 0..5 {
        assert_eq!(device.run(app("a"), soft(), move || n).await, Ok(n));
    }
}

/// A job stuck past its deadline: its waiter gets `TimedOut` in time, its provider's next
/// job is refused without running while it is stuck, another provider's work runs on the
/// other thread, and once the call returns the provider serves again.
#[tokio::test]
async fn a_job_past_its_deadline_times_out_and_stalls_its_provider_until_it_returns() {
    let device = Arc::new(start(2));
    let token = watch(ProviderId::Pkcs11, Duration::from_millis(100));
    let (release, held) = mpsc::channel::<()>();
    let started = Instant::now();
    let stuck = device
        .run(app("a"), token, move || {
            let _ = held.recv();
        })
        .await;
    assert_eq!(stuck, Err(Unfinished::TimedOut));
    assert!(started.elapsed() < Duration::from_secs(5));
    let (log, ran) = mpsc::channel();
    let refused = device
        .run(app("b"), token, move || log.send(()).unwrap())
        .await;
    assert_eq!(refused, Err(Unfinished::Stalled));
    assert!(ran.try_recv().is_err(), "refused without running");
    assert_eq!(
        device.run(app("b"), soft(), || 3).await,
        Ok(3),
        "others run"
    );
    release.send(()).unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while device.stalls.is_stalled(ProviderId::Pkcs11) {
        assert!(
            Instant::now() < deadline,
            "the stall clears once the call returns"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(device.run(app("b"), token, || 4).await, Ok(4));
}
