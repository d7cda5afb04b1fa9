//! Waiting for something that happens in the background (a relay, a worker, a replica).

use std::future::Future;
use std::time::{Duration, Instant};

/// How often a condition is checked again.
const POLL: Duration = Duration::from_millis(50);

/// What a polled check answers: `true` once it holds, or `Some(value)` once there is one.
pub trait Condition {
    type Value;
    fn holds(self) -> Option<Self::Value>;
}

impl Condition for bool {
    type Value = ();
    fn holds(self) -> Option<()> {
        self.then_some(())
    }
}

impl<T> Condition for Option<T> {
    type Value = T;
    fn holds(self) -> Option<T> {
        self
    }
}

/// Checks `check` until it holds and answers its value; fails the test, naming `what`, when
/// it has not held within `secs` seconds.
pub async fn eventually<C, F, Fut>(secs: u64, what: &str, check: F) -> C::Value
where
    C: Condition,
    F: FnMut() -> Fut,
    Fut: Future<Output = C>,
{
    match try_eventually(secs, check).await {
        Some(value) => value,
        None => panic!("timed out after {secs} s waiting for {what}"),
    }
}

/// Checks `check` until it holds, for up to `secs` seconds; `None` when it never did (for a
/// test that asserts something did NOT happen, or says more than `eventually` would).
pub async fn try_eventually<C, F, Fut>(secs: u64, mut check: F) -> Option<C::Value>
where
    C: Condition,
    F: FnMut() -> Fut,
    Fut: Future<Output = C>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(value) = check().await.holds() {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(POLL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn answers_the_value_once_there_is_one() {
        let mut n = 0;
        let got = eventually(5, "the third check", || {
            n += 1;
            let v = (n >= 3).then_some(n);
            async move { v }
        })
        .await;
        assert_eq!(got, 3);
    }

    #[tokio::test]
    async fn a_condition_that_never_holds_gives_up() {
        assert_eq!(try_eventually(0, || async { false }).await, None);
    }

    #[tokio::test]
    #[should_panic(expected = "waiting for nothing")]
    async fn eventually_fails_naming_what_it_waited_for() {
        eventually(0, "nothing", || async { false }).await;
    }
}
