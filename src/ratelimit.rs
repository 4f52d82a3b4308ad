//! A per-address request budget for the public inspection-code endpoints (the page, its QR
//! code, the JSON and the rating): a fixed one-minute window per network address, in memory
//! and per process. Enough to stop one address scraping or hammering codes; a code itself
//! is 60 random bits, so guessing is no concern.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// Addresses remembered at most; beyond it, those whose window ended are forgotten.
const MAX_ADDRESSES: usize = 100_000;

pub struct PublicRateLimit {
    per_minute: u32,
    windows: Mutex<HashMap<IpAddr, (DateTime<Utc>, u32)>>,
}

impl PublicRateLimit {
    /// `per_minute` requests per address and minute; 0 turns the limit off.
    pub fn new(per_minute: u32) -> Self {
        PublicRateLimit {
            per_minute,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request from `address`; the seconds to wait when its budget is spent.
    pub fn take(&self, address: Option<IpAddr>, now: DateTime<Utc>) -> Option<u64> {
        let address = address?;
        if self.per_minute == 0 {
            return None;
        }
        let minute = chrono::Duration::seconds(60);
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() >= MAX_ADDRESSES {
            windows.retain(|_, (start, _)| *start + minute > now);
        }
        let (start, count) = windows.entry(address).or_insert((now, 0));
        if *start + minute <= now {
            *start = now;
            *count = 0;
        }
        if *count >= self.per_minute {
            return Some(((*start + minute - now).num_seconds().max(1)) as u64);
        }
        *count += 1;
        None
    }
}

/// Spends one of the caller's public-code requests; 429 with `Retry-After` when none is left.
pub fn spend(state: &crate::state::AppState, request: &actix_web::HttpRequest) -> crate::error::AppResult<()> {
    match state
        .public_codes
        .take(request.peer_addr().map(|peer| peer.ip()), crate::clock::now())
    {
        None => Ok(()),
        Some(retry_after_secs) => Err(crate::error::AppError::TooManyRequests {
            retry_after_secs,
            detail: "too many requests for inspection codes from this address; try again shortly".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_budget_each_minute() {
        let limit = PublicRateLimit::new(3);
        let at = |s: i64| DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap();
        let one: Option<IpAddr> = "10.0.0.1".parse().ok();
        let other: Option<IpAddr> = "10.0.0.2".parse().ok();
        for s in 0..3 {
            assert_eq!(limit.take(one, at(s)), None);
        }
        assert_eq!(
            limit.take(one, at(10)),
            Some(50),
            "the fourth waits for the window's end"
        );
        assert_eq!(limit.take(other, at(10)), None, "another address has its own budget");
        assert_eq!(limit.take(one, at(60)), None, "a new minute, a new budget");
        assert_eq!(PublicRateLimit::new(0).take(one, at(0)), None, "0: no limit");
        assert_eq!(limit.take(None, at(0)), None);
    }
}
