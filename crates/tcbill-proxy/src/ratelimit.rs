//! Per-action pacing so the proxy never exceeds Tencent's published request rates.
//!
//! Requests wait rather than fail: each action keeps the send times of its last `per_second`
//! requests, and a new request is scheduled no earlier than one window after the oldest of them.
//! Reservations are made under a lock and slept outside it, so waiters are served in order.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::allowlist::Action;

/// The window the published "N per second" limits refer to, plus a small margin for clock jitter
/// between this machine and Tencent's gateway.
const WINDOW: Duration = Duration::from_millis(1_050);

#[derive(Debug)]
pub struct RateLimiter {
    recent_sends: HashMap<&'static str, Mutex<VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(actions: &[Action]) -> Self {
        let recent_sends = actions
            .iter()
            .map(|action| {
                (
                    action.name,
                    Mutex::new(VecDeque::with_capacity(action.per_second as usize)),
                )
            })
            .collect();
        Self { recent_sends }
    }

    /// Waits until `action` may be sent without exceeding its limit, and records the send.
    pub async fn acquire(&self, action: Action) {
        let Some(recent) = self.recent_sends.get(action.name) else {
            return;
        };
        let send_at = {
            let mut recent = recent.lock().await;
            let now = Instant::now();
            let capacity = action.per_second.max(1) as usize;
            let send_at = if recent.len() < capacity {
                now
            } else {
                let oldest = recent.pop_front().unwrap_or(now);
                (oldest + WINDOW).max(now)
            };
            recent.push_back(send_at);
            send_at
        };
        tokio::time::sleep_until(send_at).await;
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
        let limiter = RateLimiter::new(&[action]);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire(action).await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
        limiter.acquire(action).await;
        assert_eq!(start.elapsed(), WINDOW);
        for _ in 0..5 {
            limiter.acquire(action).await;
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
        let limiter = RateLimiter::new(&[slow, fast]);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.acquire(slow).await;
        }
        for _ in 0..20 {
            limiter.acquire(fast).await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
    }
}
