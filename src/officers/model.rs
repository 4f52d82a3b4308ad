//! Certificate statuses as date windows, so the register can filter by status in SQL
//! while `users::model::certificate_status` stays the one definition of a status.

use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::users::model::{CERTIFICATE_EXPIRY_WARNING_DAYS, CertificateStatus};

/// A certificate status to filter the register by (the statuses of
/// `users::model::CertificateStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    Valid,
    Expiring,
    Expired,
    Missing,
}

impl StatusFilter {
    pub fn status(self) -> CertificateStatus {
        match self {
            StatusFilter::Valid => CertificateStatus::Valid,
            StatusFilter::Expiring => CertificateStatus::Expiring,
            StatusFilter::Expired => CertificateStatus::Expired,
            StatusFilter::Missing => CertificateStatus::Missing,
        }
    }
}

/// The expiry dates that have a given status on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExpiryWindow {
    /// No expiry date recorded.
    Missing,
    /// Expiry dates from `from` through `to`, each end open when `None`.
    Between {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    },
}

/// The window of expiry dates whose `certificate_status` on `today` is `status`.
pub fn expiry_window(status: CertificateStatus, today: NaiveDate) -> ExpiryWindow {
    let warning_ends = today + Duration::days(CERTIFICATE_EXPIRY_WARNING_DAYS);
    match status {
        CertificateStatus::Missing => ExpiryWindow::Missing,
        CertificateStatus::Expired => ExpiryWindow::Between {
            from: None,
            to: today.pred_opt(),
        },
        CertificateStatus::Expiring => ExpiryWindow::Between {
            from: Some(today),
            to: Some(warning_ends),
        },
        CertificateStatus::Valid => ExpiryWindow::Between {
            from: warning_ends.succ_opt(),
            to: None,
        },
    }
}

/// The first expiry date that is not expired on `today`: the public directory lists only
/// officers whose certificate expires on or after it.
pub fn unexpired_from(today: NaiveDate) -> NaiveDate {
    today
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::users::model::certificate_status;

    fn contains(window: ExpiryWindow, expires_on: Option<NaiveDate>) -> bool {
        match (window, expires_on) {
            (ExpiryWindow::Missing, None) => true,
            (ExpiryWindow::Between { from, to }, Some(date)) => {
                from.is_none_or(|from| from <= date) && to.is_none_or(|to| date <= to)
            }
            _ => false,
        }
    }

    #[test]
    fn windows_agree_with_the_status_rule_day_by_day() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let statuses = [
            CertificateStatus::Valid,
            CertificateStatus::Expiring,
            CertificateStatus::Expired,
            CertificateStatus::Missing,
        ];
        let dates = (-60..=60).map(|d| Some(today + Duration::days(d))).chain([None]);
        for expires_on in dates {
            let actual = certificate_status(expires_on, today);
            for status in statuses {
                assert_eq!(
                    contains(expiry_window(status, today), expires_on),
                    status == actual,
                    "{expires_on:?} as {status:?}"
                );
            }
            let unexpired = expires_on.is_some_and(|d| d >= unexpired_from(today));
            assert_eq!(
                unexpired,
                matches!(actual, CertificateStatus::Valid | CertificateStatus::Expiring)
            );
        }
    }
}
