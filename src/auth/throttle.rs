//! Failed logins per network address, kept in memory: a second throttle beside the one per
//! username (stored, `auth::store`), against trying passwords across many usernames from
//! one address. Per process: replicas each count their own.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use crate::auth::model::{FAILED_LOGIN_WINDOW, MAX_FAILED_LOGINS_PER_ADDRESS, retry_after};

/// Addresses remembered at most; beyond it, those without a failure in the window go.
const MAX_ADDRESSES: usize = 100_000;

#[derive(Default)]
pub struct AddressThrottle {
    failures: Mutex<HashMap<IpAddr, VecDeque<DateTime<Utc>>>>,
}

impl AddressThrottle {
    /// Seconds an address must wait before its next attempt, if any.
    pub fn retry_after(&self, address: IpAddr, now: DateTime<Utc>) -> Option<u64> {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let recent = failures.get_mut(&address)?;
        forget_old(recent, now);
        let newest_first: Vec<DateTime<Utc>> = recent.iter().rev().copied().collect();
        retry_after(&newest_first, now, MAX_FAILED_LOGINS_PER_ADDRESS)
    }

    pub fn record_failure(&self, address: IpAddr, now: DateTime<Utc>) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if failures.len() >= MAX_ADDRESSES {
            failures.retain(|_, recent| {
                forget_old(recent, now);
                !recent.is_empty()
            });
        }
        let recent = failures.entry(address).or_default();
        forget_old(recent, now);
        recent.push_back(now);
        // Only the newest `MAX` count.
        while recent.len() > MAX_FAILED_LOGINS_PER_ADDRESS {
            recent.pop_front();
        }
    }
}

/// Drops the failures (oldest first) that left the window.
fn forget_old(recent: &mut VecDeque<DateTime<Utc>>, now: DateTime<Utc>) {
    while recent.front().is_some_and(|at| *at + FAILED_LOGIN_WINDOW <= now) {
        recent.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_waits_after_fifty_failures_until_the_oldest_ages_out() {
        let throttle = AddressThrottle::default();
        let address: IpAddr = "10.0.0.7".parse().unwrap();
        let start = Utc::now();
        for i in 0..MAX_FAILED_LOGINS_PER_ADDRESS {
            assert_eq!(throttle.retry_after(address, start), None, "after {i} failures");
            throttle.record_failure(address, start + chrono::Duration::seconds(i as i64));
        }
        let now = start + chrono::Duration::seconds(60);
        assert_eq!(throttle.retry_after(address, now), Some(15 * 60 - 60));
        assert_eq!(throttle.retry_after("10.0.0.8".parse().unwrap(), now), None);
        assert_eq!(
            throttle.retry_after(address, start + FAILED_LOGIN_WINDOW + chrono::Duration::seconds(1)),
            None
        );
    }
}
