//! Client-side rate limit: the gateway allows each agent at most 5 query requests per 2 s,
//! so the client queues its own requests rather than collecting throttling errors.
//!
//! The limiter is pure (time is passed in), so it is tested without sleeping; the worker
//! sleeps for the returned delay and shows the request as "waiting".

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// The gateway's default per-agent limit on query interfaces (requests, window).
pub const GATEWAY_DEFAULT: (usize, Duration) = (5, Duration::from_secs(2));

/// Added to the window the client keeps: the gateway counts a request when it arrives, which
/// is later than when the client sent it (connection set-up, TLS handshake, jitter).
pub const SAFETY_MARGIN: Duration = Duration::from_millis(500);

/// A sliding-window limiter keyed by agent ID.
#[derive(Debug)]
pub struct RateLimiter {
    max: usize,
    window: Duration,
    sent: HashMap<u32, VecDeque<Instant>>,
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::new(GATEWAY_DEFAULT.0, GATEWAY_DEFAULT.1 + SAFETY_MARGIN)
    }
}

impl RateLimiter {
    /// A limiter allowing `max` requests per `window` for each agent.
    pub fn new(max: usize, window: Duration) -> Self {
        Self {
            max: max.max(1),
            window,
            sent: HashMap::new(),
        }
    }

    /// Books a slot for `agent` at the earliest time at or after `now` that keeps every
    /// window within the limit, and returns how long the caller must wait before sending.
    ///
    /// Booking (rather than only checking) keeps concurrent callers from all picking the
    /// same free slot.
    pub fn reserve(&mut self, agent: u32, now: Instant) -> Duration {
        let sent = self.sent.entry(agent).or_default();
        while sent
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= self.window)
        {
            sent.pop_front();
        }
        let at = if sent.len() < self.max {
            now
        } else {
            // The slot frees when the request `max` places back leaves the window. Slots are
            // booked in time order, so that is the entry `len - max` from the front.
            let oldest_in_window = sent[sent.len() - self.max];
            (oldest_in_window + self.window).max(now)
        };
        sent.push_back(at);
        at - now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts, for every instant a request is sent, how many were sent within the window ending there.
    fn max_in_any_window(times: &[Instant], window: Duration) -> usize {
        times
            .iter()
            .map(|end| {
                times
                    .iter()
                    .filter(|t| **t <= *end && end.duration_since(**t) < window)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn fifty_rapid_requests_never_exceed_five_per_two_seconds() {
        let mut rl = RateLimiter::default();
        let start = Instant::now();
        let sends: Vec<Instant> = (0..50)
            .map(|i| {
                let now = start + Duration::from_millis(i * 10);
                now + rl.reserve(1001, now)
            })
            .collect();
        assert_eq!(max_in_any_window(&sends, Duration::from_secs(2)), 5);
        // The first five go at once, the rest are queued, not refused.
        assert!(
            sends[..5]
                .iter()
                .zip(0..)
                .all(|(t, i)| *t == start + Duration::from_millis(i * 10))
        );
        assert!(sends[49] >= start + Duration::from_secs(18));
        // Every 2 s window (plus the margin) holds at most five.
        assert_eq!(
            max_in_any_window(&sends, GATEWAY_DEFAULT.1 + SAFETY_MARGIN),
            5
        );
    }

    #[test]
    fn agents_are_limited_independently() {
        let mut rl = RateLimiter::new(2, Duration::from_secs(2));
        let now = Instant::now();
        assert_eq!(rl.reserve(1, now), Duration::ZERO);
        assert_eq!(rl.reserve(1, now), Duration::ZERO);
        assert_eq!(rl.reserve(2, now), Duration::ZERO);
        assert_eq!(rl.reserve(1, now), Duration::from_secs(2));
    }

    #[test]
    fn slots_free_up_as_time_passes() {
        let mut rl = RateLimiter::new(1, Duration::from_secs(2));
        let t0 = Instant::now();
        assert_eq!(rl.reserve(7, t0), Duration::ZERO);
        assert_eq!(
            rl.reserve(7, t0 + Duration::from_secs(1)),
            Duration::from_secs(1)
        );
        assert_eq!(rl.reserve(7, t0 + Duration::from_secs(10)), Duration::ZERO);
    }
}
