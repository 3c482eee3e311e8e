//! The fairness logic alone, and the async wrapper's cancellation.

use std::time::Duration;

use super::{Fair, Queues};

/// Starts what `leave` hands out until nothing waits; returns the order.
fn drain(queues: &mut Queues<char, (char, u32)>) -> Vec<(char, u32)> {
    std::iter::from_fn(|| queues.leave()).collect()
}

#[test]
fn no_more_than_the_capacity_runs_at_once() {
    let mut queues = Queues::new(2);
    assert_eq!(queues.arrive('a', 1), Some(1));
    assert_eq!(queues.arrive('a', 2), Some(2));
    assert_eq!(queues.arrive('b', 3), None);
    assert_eq!(queues.running(), 2);
    assert_eq!(queues.leave(), Some(3));
    assert_eq!(queues.running(), 2);
    assert_eq!(queues.leave(), None);
    assert_eq!(queues.leave(), None);
    assert_eq!(queues.running(), 0);
    assert_eq!(queues.arrive('b', 4), Some(4), "free room is taken at once");
}

#[test]
fn applications_with_waiting_requests_are_served_in_turn() {
    let mut queues = Queues::new(1);
    assert!(queues.arrive('a', ('a', 0)).is_some());
    for n in 1..=4 {
        assert!(queues.arrive('a', ('a', n)).is_none());
    }
    assert!(queues.arrive('b', ('b', 1)).is_none());
    assert!(queues.arrive('c', ('c', 1)).is_none());
    assert!(queues.arrive('b', ('b', 2)).is_none());
    let order = drain(&mut queues);
    let expected = [
        ('a', 1),
        ('b', 1),
        ('c', 1),
        ('a', 2),
        ('b', 2),
        ('a', 3),
        ('a', 4),
    ];
    assert_eq!(order, expected);
}

#[test]
fn a_newcomer_waits_one_request_per_other_application_not_the_whole_backlog() {
    let mut queues = Queues::new(2);
    assert!(queues.arrive('a', ('a', 0)).is_some());
    assert!(queues.arrive('a', ('a', 0)).is_some());
    for n in 1..=100 {
        assert!(queues.arrive('a', ('a', n)).is_none());
    }
    assert!(queues.arrive('b', ('b', 1)).is_none());
    assert_eq!(queues.leave(), Some(('a', 1)));
    assert_eq!(queues.leave(), Some(('b', 1)), "b is next after one of a's");
    let rest = drain(&mut queues);
    assert_eq!(rest.len(), 99);
    assert!(rest.iter().all(|(tenant, _)| *tenant == 'a'));
}

#[tokio::test]
async fn turns_are_handed_on_in_turn_and_a_dropped_waiter_gives_its_place_up() {
    let fair = Fair::new(1);
    let first = fair.turn('a').await;
    let gone = tokio::spawn({
        let fair = fair.clone();
        async move { fair.turn('a').await }
    });
    let waiter = tokio::spawn({
        let fair = fair.clone();
        async move {
            let _turn = fair.turn('b').await;
            'b'
        }
    });
    tokio::time::sleep(Duration::from_millis(20)).await;
    gone.abort();
    assert!(gone.await.is_err(), "aborted while waiting");
    drop(first);
    let served = tokio::time::timeout(Duration::from_secs(5), waiter).await;
    assert_eq!(served.ok().and_then(Result::ok), Some('b'));
    assert_eq!(fair.lock().running(), 0, "every turn was given back");
    drop(fair.turn('c').await);
}
