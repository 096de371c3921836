//! Per-action pacing so the proxy never exceeds Tencent's published request rates.
//!
//! Requests wait rather than fail: each action keeps the send times of its last `per_second`
//! requests, and a new request is sent no earlier than one window after the oldest of them.
//! Waiters queue on a fair (FIFO) lock and sleep *holding* it, recording their send only when they
//! wake: a request abandoned while it waits (the client hung up) drops out of the queue and leaves no
//! reservation behind for later requests to wait out. The queue is bounded per action, so a flood is
//! refused at once instead of piling up minutes of waiting.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::allowlist::Action;

/// The window the published "N per second" limits refer to, plus a small margin for clock jitter
/// between this machine and Tencent's gateway.
const WINDOW: Duration = Duration::from_millis(1_050);

/// `max_queued` requests of this action are already waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueFull;

#[derive(Debug, Default)]
struct Lane {
    /// Send times of the last `per_second` requests that were actually sent.
    recent_sends: Mutex<VecDeque<Instant>>,
    /// Requests inside `acquire` (waiting for the lock or for the window).
    waiting: AtomicUsize,
}

#[derive(Debug)]
pub struct RateLimiter {
    lanes: HashMap<&'static str, Lane>,
    max_queued: usize,
}

/// Counts a request as waiting for as long as it lives (dropped with an abandoned request, too).
struct QueuePlace<'a>(&'a AtomicUsize);

impl Drop for QueuePlace<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl RateLimiter {
    pub fn new(actions: &[Action], max_queued: usize) -> Self {
        let lanes = actions
            .iter()
            .map(|action| (action.name, Lane::default()))
            .collect();
        Self { lanes, max_queued }
    }

    /// Waits until `action` may be sent without exceeding its limit, and records the send.
    ///
    /// # Errors
    /// `max_queued` requests of this action are already waiting.
    pub async fn acquire(&self, action: Action) -> Result<(), QueueFull> {
        let Some(lane) = self.lanes.get(action.name) else {
            return Ok(());
        };
        if lane.waiting.fetch_add(1, Ordering::AcqRel) >= self.max_queued {
            lane.waiting.fetch_sub(1, Ordering::AcqRel);
            return Err(QueueFull);
        }
        let _place = QueuePlace(&lane.waiting);
        let mut recent = lane.recent_sends.lock().await;
        let capacity = action.per_second.max(1) as usize;
        if recent.len() >= capacity {
            if let Some(&oldest) = recent.front() {
                tokio::time::sleep_until(oldest + WINDOW).await;
            }
            recent.pop_front();
        }
        recent.push_back(Instant::now());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_sixth_request_in_a_second_waits_for_the_window() {
        let action = Action {
            name: "DescribeBillDetail",
            per_second: 5,
        };
        let limiter = RateLimiter::new(&[action], 100);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire(action).await.unwrap();
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
        limiter.acquire(action).await.unwrap();
        assert_eq!(start.elapsed(), WINDOW);
        for _ in 0..5 {
            limiter.acquire(action).await.unwrap();
        }
        assert_eq!(start.elapsed(), WINDOW * 2);
    }

    #[tokio::test(start_paused = true)]
    async fn actions_do_not_share_a_budget() {
        let slow = Action {
            name: "DescribeBillDetail",
            per_second: 5,
        };
        let fast = Action {
            name: "DescribeBillSummary",
            per_second: 20,
        };
        let limiter = RateLimiter::new(&[slow, fast], 100);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire(slow).await.unwrap();
        }
        for _ in 0..20 {
            limiter.acquire(fast).await.unwrap();
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn an_abandoned_waiter_leaves_no_reservation_behind() {
        let action = Action {
            name: "DescribeBillDetail",
            per_second: 5,
        };
        let limiter = std::sync::Arc::new(RateLimiter::new(&[action], 100));
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire(action).await.unwrap();
        }
        // Twenty requests start waiting, then their clients hang up before the window opens.
        let abandoned: Vec<_> = (0..20)
            .map(|_| {
                let limiter = limiter.clone();
                tokio::spawn(async move { limiter.acquire(action).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(100)).await;
        for waiter in &abandoned {
            waiter.abort();
        }
        for waiter in abandoned {
            assert!(
                waiter.await.unwrap_err().is_cancelled(),
                "still waiting when abandoned"
            );
        }
        limiter.acquire(action).await.unwrap();
        assert_eq!(
            start.elapsed(),
            WINDOW,
            "the next request waits one window, not five"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_queue_refuses_at_once_and_frees_places_as_waiters_leave() {
        let action = Action {
            name: "DescribeBillDetail",
            per_second: 1,
        };
        let limiter = std::sync::Arc::new(RateLimiter::new(&[action], 2));
        limiter.acquire(action).await.unwrap();
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let limiter = limiter.clone();
                tokio::spawn(async move { limiter.acquire(action).await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(limiter.acquire(action).await, Err(QueueFull));
        for waiter in waiters {
            assert_eq!(waiter.await.unwrap(), Ok(()));
        }
        assert_eq!(limiter.acquire(action).await, Ok(()));
    }
}
