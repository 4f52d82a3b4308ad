//! Roles and the rules of login throttling, as plain Rust.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};

string_enum!(
    /// What a user may do (DESIGN §1). A user may hold several.
    @ordered "Ordered so that a set of roles is stored in one order."
    Role {
        /// 系统管理员 — users, power list, settings, calendar.
        Admin => "admin",
        /// 执法人员 — a certified enforcement officer (持执法证).
        Officer => "officer",
        /// 法律顾问 / 法制审核人员 — reviews decisions; holds 法律职业资格.
        LegalCounsel => "legal_counsel",
        /// 执法机构负责人 / 法制工作人员 — approvals, reviews, statistics, disclosures.
        Supervisor => "supervisor",
    }
);

/// A user's set of roles; stored as a comma-separated column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roles(BTreeSet<Role>);

impl Roles {
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Self {
        Roles(roles.into_iter().collect())
    }

    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn to_vec(&self) -> Vec<Role> {
        self.0.iter().copied().collect()
    }

    pub fn to_db(&self) -> String {
        self.0.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
    }

    /// Unknown names in the column are ignored rather than failing the request: a role
    /// removed from the code simply stops granting anything.
    pub fn from_db(value: &str) -> Self {
        Roles(value.split(',').filter_map(|r| Role::parse(r.trim())).collect())
    }
}

/// Failed logins allowed per username within the window before throttling.
pub const MAX_FAILED_LOGINS: usize = 5;
/// The window of the throttle (15 minutes).
pub const FAILED_LOGIN_WINDOW: Duration = Duration::minutes(15);

/// Failed logins from one network address within the window before its attempts wait:
/// enough for an office behind one address, too few to try passwords across usernames.
pub const MAX_FAILED_LOGINS_PER_ADDRESS: usize = 50;

/// The throttle's verdict for a username, given its recent failures (newest first, all
/// within the window). Returns the seconds to wait, or `None` when a try is allowed.
pub fn login_retry_after(failures_newest_first: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<u64> {
    retry_after(failures_newest_first, now, MAX_FAILED_LOGINS)
}

/// The same rule with `max` failures: attempts resume when the `max`-th most recent
/// failure leaves the window.
pub fn retry_after(failures_newest_first: &[DateTime<Utc>], now: DateTime<Utc>, max: usize) -> Option<u64> {
    if max == 0 || failures_newest_first.len() < max {
        return None;
    }
    let freed_at = failures_newest_first[max - 1] + FAILED_LOGIN_WINDOW;
    let wait = (freed_at - now).num_seconds();
    (wait > 0).then_some(wait as u64).or(Some(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_the_column() {
        let roles = Roles::new([Role::Supervisor, Role::Officer]);
        assert_eq!(roles.to_db(), "officer,supervisor");
        assert_eq!(Roles::from_db("officer,supervisor"), roles);
        assert_eq!(Roles::from_db("officer,retired_role"), Roles::new([Role::Officer]));
        assert_eq!(Role::parse("legal_counsel"), Some(Role::LegalCounsel));
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn throttle_starts_at_the_fifth_failure_and_ends_when_it_ages_out() {
        let now = Utc::now();
        let failures: Vec<_> = (0..4).map(|i| now - Duration::minutes(i)).collect();
        assert_eq!(login_retry_after(&failures, now), None);
        let failures: Vec<_> = (0..5).map(|i| now - Duration::minutes(i)).collect();
        // The fifth most recent failed 4 minutes ago: 11 minutes left.
        assert_eq!(login_retry_after(&failures, now), Some(11 * 60));
        let almost = vec![now; 5];
        assert_eq!(login_retry_after(&almost, now + Duration::minutes(15)), Some(1));
    }
}
