//! Case and decision numbers (DESIGN §4.4): unique and gap-free per (agency, sequence,
//! year), allocated inside the transaction that uses them, e.g. 学府检〔2024〕第0001号,
//! 学府罚〔2024〕第001号, 学府罚决字〔2024〕第1号.

use diesel::prelude::*;

use crate::cases::model::{CaseKind, DecisionDocument};
use crate::db::DbConn;
use crate::db::schema::number_counters;

/// The sequences numbers are drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sequence {
    Inspection,
    Penalty,
    /// 行政处罚决定书文号
    Decision,
    /// 不予行政处罚决定书文号
    NoPenaltyDecision,
    /// 案件移送函编号
    Transfer,
}

impl Sequence {
    pub fn for_case(kind: CaseKind) -> Self {
        match kind {
            CaseKind::Inspection => Sequence::Inspection,
            CaseKind::Penalty => Sequence::Penalty,
        }
    }

    pub fn for_decision(document: DecisionDocument) -> Self {
        match document {
            DecisionDocument::Penalty => Sequence::Decision,
            DecisionDocument::NoPenalty => Sequence::NoPenaltyDecision,
        }
    }

    /// The sequence's name in `number_counters.counter`.
    pub fn key(self) -> &'static str {
        match self {
            Sequence::Inspection => "inspection",
            Sequence::Penalty => "penalty",
            Sequence::Decision => "decision",
            Sequence::NoPenaltyDecision => "no_penalty_decision",
            Sequence::Transfer => "transfer",
        }
    }
}

/// The document number for a sequence's `seq`-th entry of `year`.
pub fn format_number(prefix: &str, sequence: Sequence, year: i32, seq: i32) -> String {
    match sequence {
        Sequence::Inspection => format!("{prefix}检〔{year}〕第{seq:04}号"),
        Sequence::Penalty => format!("{prefix}罚〔{year}〕第{seq:03}号"),
        Sequence::Decision => format!("{prefix}罚决字〔{year}〕第{seq}号"),
        Sequence::NoPenaltyDecision => format!("{prefix}不罚字〔{year}〕第{seq}号"),
        Sequence::Transfer => format!("{prefix}移字〔{year}〕第{seq}号"),
    }
}

/// Takes the next number of a sequence. Must run inside the write transaction that stores
/// the numbered document: the counter row stays locked until it commits (PostgreSQL row
/// lock; SQLite's single writer), and a rollback returns the number, so no gap appears.
pub fn next_seq(conn: &mut DbConn, agency_id: &str, sequence: Sequence, year: i32) -> QueryResult<i32> {
    // One upsert: the first number of a year creates the row, later ones increment it.
    let take = diesel::insert_into(number_counters::table)
        .values((
            number_counters::agency_id.eq(agency_id),
            number_counters::counter.eq(sequence.key()),
            number_counters::year.eq(year),
            number_counters::last_seq.eq(1),
        ))
        .on_conflict((
            number_counters::agency_id,
            number_counters::counter,
            number_counters::year,
        ))
        .do_update()
        .set(number_counters::last_seq.eq(number_counters::last_seq + 1))
        .returning(number_counters::last_seq);
    match conn {
        DbConn::Postgresql(pg) => take.get_result(pg),
        DbConn::Sqlite(sqlite) => take.get_result(sqlite),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_document_style() {
        assert_eq!(
            format_number("学府", Sequence::Inspection, 2024, 1),
            "学府检〔2024〕第0001号"
        );
        assert_eq!(
            format_number("学府", Sequence::Penalty, 2024, 48),
            "学府罚〔2024〕第048号"
        );
        assert_eq!(
            format_number("学府", Sequence::Decision, 2024, 7),
            "学府罚决字〔2024〕第7号"
        );
        assert_eq!(
            format_number("学府", Sequence::Transfer, 2024, 3),
            "学府移字〔2024〕第3号"
        );
        assert_eq!(
            format_number("学府", Sequence::Inspection, 2024, 12345),
            "学府检〔2024〕第12345号"
        );
    }
}
