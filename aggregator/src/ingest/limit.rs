//! Per-client rate limiting: a token bucket per TLS peer unit (or one shared bucket for a
//! client without a unit certificate, which the peer rule refuses anyway). A client over its
//! budget gets `429 rate_limited`, which the node's outbox treats as "retry later".

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use schema::UnitId;

#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<HashMap<Option<UnitId>, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn new(per_second: u32, burst: u32) -> Self {
        Self {
            per_second: f64::from(per_second),
            burst: f64::from(burst.max(1)),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `peer`; false when its bucket is empty.
    pub fn allow(&self, peer: &Option<UnitId>) -> bool {
        self.allow_at(peer, Instant::now())
    }

    fn allow_at(&self, peer: &Option<UnitId>, now: Instant) -> bool {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, last) = buckets.entry(peer.clone()).or_insert((self.burst, now));
        let elapsed = now.saturating_duration_since(*last).as_secs_f64();
        *tokens = (*tokens + elapsed * self.per_second).min(self.burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_is_allowed_then_refilled_at_the_rate() {
        let l = RateLimiter::new(10, 3);
        let p = Some(UnitId::parse("75.26041").unwrap());
        let t0 = Instant::now();
        assert!((0..3).all(|_| l.allow_at(&p, t0)));
        assert!(
            !l.allow_at(&p, t0),
            "the fourth in the same instant is refused"
        );
        assert!(
            l.allow_at(&p, t0 + Duration::from_millis(100)),
            "one token back after 1/10 s"
        );
        let other = Some(UnitId::parse("75.26044").unwrap());
        assert!(l.allow_at(&other, t0), "each client has its own bucket");
    }
}
