//! The device threads: their priority, their turns, and what a failed or abandoned job does.

use std::sync::mpsc;
use std::time::Duration;

use psc_wire::AuthType;

use super::*;

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
    let device = Device::start(2).unwrap();
    let ours = rustix::process::getpriority_process(None).unwrap();
    let (name, niceness) = device
        .run(None, || {
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
    let device = Device::start(1).unwrap();
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
    let device = Device::start(1).unwrap();
    let (open, held) = gate(&device);
    let (log, ran) = mpsc::channel();
    let abandoned = device.submit(app("a"), move || log.send(()).unwrap());
    let waited = tokio::time::timeout(Duration::from_millis(10), abandoned).await;
    assert!(waited.is_err(), "it waits behind the gate");
    open.send(()).unwrap();
    held.await.unwrap();
    assert_eq!(device.run(app("b"), || 7).await, Some(7));
    assert!(ran.try_recv().is_err(), "the abandoned job did not run");
}

#[tokio::test]
async fn a_panicking_job_fails_alone() {
    let device = Device::start(2).unwrap();
    for _ in 0..3 {
        assert_eq!(
            device.run(None, || panic!("a provider bug")).await,
            None::<()>
        );
    }
    assert_eq!(device.run(None, || 7).await, Some(7), "the threads go on");
}

#[tokio::test]
async fn a_hung_job_holds_one_thread_and_the_others_go_on() {
    let device = Device::start(2).unwrap();
    let (_open, _held) = gate(&device);
    for n in 0..5 {
        assert_eq!(device.run(app("a"), move || n).await, Some(n));
    }
}
