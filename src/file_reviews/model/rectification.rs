//! Rectification items (整改事项) raised by a score.

use super::*;

string_enum!(
    /// Where a rectification item (整改事项) stands.
    RectificationStatus {
        /// Raised, awaiting the lead officer's answer (or sent back to it).
        Open => "open",
        /// Answered by the officer, awaiting a supervisor.
        Answered => "answered",
        /// Accepted by a supervisor: done.
        Closed => "closed",
    }
);

/// The default period given for a rectification: 10 working days.
pub const DEFAULT_RECTIFICATION_WORKING_DAYS: u32 = 10;
pub const MAX_RECTIFICATION_WORKING_DAYS: u32 = 120;

/// A rectification is overdue while open past its last day; a day on which it is answered
/// still counts as in time.
pub fn rectification_overdue(status: RectificationStatus, due_on: NaiveDate, today: NaiveDate) -> bool {
    status == RectificationStatus::Open && today > due_on
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::model::testing::date;

    #[test]
    fn an_open_rectification_is_overdue_after_its_last_day() {
        let due = date("2024-10-15");
        assert!(!rectification_overdue(RectificationStatus::Open, due, due));
        assert!(rectification_overdue(
            RectificationStatus::Open,
            due,
            date("2024-10-16")
        ));
        assert!(!rectification_overdue(
            RectificationStatus::Answered,
            due,
            date("2024-10-16")
        ));
    }
}
