//! The rules of a transfer's lifecycle, as plain Rust.

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::cases::model::{CaseSource, CreateCaseRequest};
use crate::error::{AppError, FieldError, check_text};

string_enum!(
    /// 移送类别: to a functional department, or to judicial organs (涉嫌犯罪).
    TransferKind {
        Department => "department",
        Judicial => "judicial",
    }
);

impl TransferKind {
    pub fn label(self) -> &'static str {
        match self {
            TransferKind::Department => "移送有关部门",
            TransferKind::Judicial => "移送司法机关",
        }
    }
}

string_enum!(
    /// Where a transfer stands: the letter sent and no receipt yet, received and no
    /// feedback yet, or closed with the receiving side's feedback.
    TransferStatus {
        AwaitingReceipt => "awaiting_receipt",
        AwaitingFeedback => "awaiting_feedback",
        Closed => "closed",
    }
);

impl TransferStatus {
    pub fn of(received: bool, feedback: bool) -> Self {
        match (received, feedback) {
            (false, _) => TransferStatus::AwaitingReceipt,
            (true, false) => TransferStatus::AwaitingFeedback,
            (true, true) => TransferStatus::Closed,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TransferStatus::AwaitingReceipt => "待回执",
            TransferStatus::AwaitingFeedback => "待反馈",
            TransferStatus::Closed => "已办结",
        }
    }
}

/// The kind of a `transfer` step: `kind` when given, else from the older `judicial` flag;
/// the two may not contradict each other.
pub fn transfer_kind(kind: Option<TransferKind>, judicial: Option<bool>) -> Result<TransferKind, FieldError> {
    match (kind, judicial) {
        (Some(kind), Some(judicial)) if (kind == TransferKind::Judicial) != judicial => Err(FieldError::new(
            "kind",
            format!("{kind} contradicts judicial: {judicial}"),
        )),
        (Some(kind), _) => Ok(kind),
        (None, Some(true)) => Ok(TransferKind::Judicial),
        (None, _) => Ok(TransferKind::Department),
    }
}

/// What the store knows of a transfer when a receipt or feedback arrives.
#[derive(Debug, Clone, PartialEq)]
pub struct TransferState {
    pub transferred_on: NaiveDate,
    pub received_on: Option<NaiveDate>,
    pub feedback_recorded: bool,
}

impl TransferState {
    pub fn status(&self) -> TransferStatus {
        TransferStatus::of(self.received_on.is_some(), self.feedback_recorded)
    }
}

/// Days since the letter went out (calendar days).
pub fn age_days(transferred_on: NaiveDate, today: NaiveDate) -> i64 {
    (today - transferred_on).num_days().max(0)
}

/// `POST /transfers/{id}/receipt`: the receiving side confirmed receipt (回执).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ReceiptRequest {
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub received_on: NaiveDate,
    /// Who signed for it at the receiving side (签收人).
    #[schema(min_length = 1, max_length = 100)]
    pub receiver_name: String,
}

/// A checked receipt.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub received_on: NaiveDate,
    pub receiver_name: String,
}

pub fn check_receipt(state: &TransferState, request: ReceiptRequest, today: NaiveDate) -> Result<Receipt, AppError> {
    let mut errors = Vec::new();
    check_text("receiver_name", &request.receiver_name, 100, &mut errors);
    if request.received_on > today {
        errors.push(FieldError::new("received_on", "must not be in the future"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if state.received_on.is_some() {
        return Err(AppError::rule(
            "receipt_already_recorded",
            "the receipt of this transfer is recorded already",
        ));
    }
    if request.received_on < state.transferred_on {
        return Err(AppError::rule(
            "received_before_transfer",
            format!(
                "received_on {} is before the transfer on {}",
                request.received_on, state.transferred_on
            ),
        ));
    }
    Ok(Receipt {
        received_on: request.received_on,
        receiver_name: request.receiver_name.trim().to_string(),
    })
}

/// `POST /transfers/{id}/feedback`: what the receiving side did with the case.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct FeedbackRequest {
    /// The receiving side's result (处理结果).
    #[schema(min_length = 1, max_length = 5000)]
    pub feedback: String,
    /// When it arrived; defaults to today.
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub feedback_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Feedback {
    pub feedback: String,
    pub feedback_on: NaiveDate,
}

pub fn check_feedback(state: &TransferState, request: FeedbackRequest, today: NaiveDate) -> Result<Feedback, AppError> {
    let mut errors = Vec::new();
    check_text("feedback", &request.feedback, 5000, &mut errors);
    let feedback_on = request.feedback_on.unwrap_or(today);
    if feedback_on > today {
        errors.push(FieldError::new("feedback_on", "must not be in the future"));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let Some(received_on) = state.received_on else {
        return Err(AppError::rule(
            "transfer_receipt_required",
            "the receiving side's receipt (回执) is not recorded yet: record it before its feedback",
        ));
    };
    if state.feedback_recorded {
        return Err(AppError::rule(
            "feedback_already_recorded",
            "the feedback of this transfer is recorded already",
        ));
    }
    if feedback_on < received_on {
        return Err(AppError::rule(
            "feedback_before_receipt",
            format!("feedback_on {feedback_on} is before the receipt on {received_on}"),
        ));
    }
    Ok(Feedback {
        feedback: request.feedback.trim().to_string(),
        feedback_on,
    })
}

/// `POST /transfers/incoming`: a case another department transferred to this agency, with
/// what is needed to open it (the fields of `POST /cases`; `source` is `referral`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct IncomingTransferRequest {
    /// The sending department (移送单位).
    #[schema(min_length = 1, max_length = 200)]
    pub from_department: String,
    /// The sender's letter number (移送函编号).
    #[schema(min_length = 1, max_length = 100)]
    pub letter_number: String,
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub received_on: NaiveDate,
    /// The case to open; `opened_on` defaults to `received_on`.
    #[serde(flatten)]
    pub case: CreateCaseRequest,
}

/// An incoming transfer's own fields, checked, and the case request to open.
#[derive(Debug, Clone)]
pub struct IncomingTransfer {
    pub from_department: String,
    pub letter_number: String,
    pub received_on: NaiveDate,
    pub case: CreateCaseRequest,
}

pub fn check_incoming(request: IncomingTransferRequest, today: NaiveDate) -> Result<IncomingTransfer, AppError> {
    let mut errors = Vec::new();
    check_text("from_department", &request.from_department, 200, &mut errors);
    check_text("letter_number", &request.letter_number, 100, &mut errors);
    if request.received_on > today {
        errors.push(FieldError::new("received_on", "must not be in the future"));
    }
    let mut case = request.case;
    match case.source {
        None | Some(CaseSource::Referral) => case.source = Some(CaseSource::Referral),
        Some(_) => errors.push(FieldError::new(
            "source",
            "an incoming transfer opens a case of source referral",
        )),
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    case.opened_on = case.opened_on.or(Some(request.received_on));
    Ok(IncomingTransfer {
        from_department: request.from_department.trim().to_string(),
        letter_number: request.letter_number.trim().to_string(),
        received_on: request.received_on,
        case,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn rule(result: Result<impl std::fmt::Debug, AppError>) -> &'static str {
        match result {
            Err(AppError::Rule { rule, .. }) => rule,
            other => panic!("expected a rule, got {other:?}"),
        }
    }

    fn sent() -> TransferState {
        TransferState {
            transferred_on: day("2026-11-02"),
            received_on: None,
            feedback_recorded: false,
        }
    }

    #[test]
    fn the_kind_comes_from_kind_or_the_judicial_flag() {
        assert_eq!(transfer_kind(None, None), Ok(TransferKind::Department));
        assert_eq!(transfer_kind(None, Some(true)), Ok(TransferKind::Judicial));
        assert_eq!(
            transfer_kind(Some(TransferKind::Judicial), None),
            Ok(TransferKind::Judicial)
        );
        assert!(transfer_kind(Some(TransferKind::Department), Some(true)).is_err());
    }

    #[test]
    fn a_receipt_comes_once_and_not_before_the_transfer() {
        let today = day("2026-11-20");
        let receipt = |on: &str| ReceiptRequest {
            received_on: day(on),
            receiver_name: "王某".into(),
        };
        assert_eq!(
            rule(check_receipt(&sent(), receipt("2026-11-01"), today)),
            "received_before_transfer"
        );
        let ok = check_receipt(&sent(), receipt("2026-11-03"), today).unwrap();
        assert_eq!(ok.received_on, day("2026-11-03"));
        let received = TransferState {
            received_on: Some(day("2026-11-03")),
            ..sent()
        };
        assert_eq!(
            rule(check_receipt(&received, receipt("2026-11-04"), today)),
            "receipt_already_recorded"
        );
        assert!(matches!(
            check_receipt(&sent(), receipt("2026-12-01"), today),
            Err(AppError::Validation(_))
        ));
    }

    #[test]
    fn feedback_follows_the_receipt_once() {
        let today = day("2026-11-20");
        let feedback = || FeedbackRequest {
            feedback: "已立案查处".into(),
            feedback_on: None,
        };
        assert_eq!(
            rule(check_feedback(&sent(), feedback(), today)),
            "transfer_receipt_required"
        );
        let received = TransferState {
            received_on: Some(day("2026-11-03")),
            ..sent()
        };
        assert_eq!(check_feedback(&received, feedback(), today).unwrap().feedback_on, today);
        let early = FeedbackRequest {
            feedback_on: Some(day("2026-11-02")),
            ..feedback()
        };
        assert_eq!(rule(check_feedback(&received, early, today)), "feedback_before_receipt");
        let closed = TransferState {
            feedback_recorded: true,
            ..received
        };
        assert_eq!(closed.status(), TransferStatus::Closed);
        assert_eq!(
            rule(check_feedback(&closed, feedback(), today)),
            "feedback_already_recorded"
        );
    }

    #[test]
    fn age_counts_calendar_days() {
        assert_eq!(age_days(day("2026-11-02"), day("2026-11-20")), 18);
        assert_eq!(age_days(day("2026-11-22"), day("2026-11-20")), 0);
    }
}
