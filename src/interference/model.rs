//! The interference register's rules, as plain Rust.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::{AppError, FieldError, check_optional_text, check_text};

string_enum!(
    /// 干预方式: how someone interfered.
    InterferenceMethod {
        InPerson => "in_person",
        Phone => "phone",
        Message => "message",
        Document => "document",
        Other => "other",
    }
);

impl InterferenceMethod {
    /// The word the register shows people.
    pub fn label(self) -> &'static str {
        match self {
            InterferenceMethod::InPerson => "当面",
            InterferenceMethod::Phone => "电话",
            InterferenceMethod::Message => "短信、微信等信息",
            InterferenceMethod::Document => "书面材料",
            InterferenceMethod::Other => "其他方式",
        }
    }
}

string_enum!(
    /// 移交状态: whether a report was referred, and whether its outcome is recorded.
    ReferralStatus {
        NotReferred => "not_referred",
        Referred => "referred",
        Concluded => "concluded",
    }
);

impl ReferralStatus {
    pub fn of(referred: bool, concluded: bool) -> Self {
        match (referred, concluded) {
            (_, true) => ReferralStatus::Concluded,
            (true, false) => ReferralStatus::Referred,
            (false, false) => ReferralStatus::NotReferred,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReferralStatus::NotReferred => "未移交",
            ReferralStatus::Referred => "已移交待反馈",
            ReferralStatus::Concluded => "已办结",
        }
    }
}

/// `POST /interference-reports` (DESIGN §8).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CreateReportRequest {
    /// Who interfered (干预人姓名).
    #[schema(min_length = 1, max_length = 100)]
    pub person_name: String,
    /// Their position (职务).
    #[schema(min_length = 1, max_length = 200)]
    pub position: String,
    /// Internal staff (内部人员) or not.
    pub internal: bool,
    /// When it happened (RFC 3339); not in the future.
    pub occurred_at: DateTime<Utc>,
    pub method: InterferenceMethod,
    /// What was asked (干预事项).
    #[schema(min_length = 1, max_length = 5000)]
    pub request: String,
    /// The case concerned, of the caller's agency.
    pub case_id: Option<String>,
    /// An attachment: an evidence item of the caller's agency (`POST /cases/{id}/evidence`).
    pub evidence_id: Option<String>,
    /// The report this one corrects (a report the caller may read).
    pub corrects_id: Option<String>,
}

/// A report that passed the checks of its fields.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReport {
    pub person_name: String,
    pub position: String,
    pub internal: bool,
    pub occurred_at: DateTime<Utc>,
    pub method: InterferenceMethod,
    pub request: String,
    pub case_id: Option<String>,
    pub evidence_id: Option<String>,
    pub corrects_id: Option<String>,
}

/// A clock may run a little ahead of another: an `occurred_at` up to this far in the
/// future is taken as now.
const CLOCK_SKEW_SECONDS: i64 = 300;

fn trimmed(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

impl NewReport {
    pub fn parse(request: CreateReportRequest, now: DateTime<Utc>) -> Result<NewReport, Vec<FieldError>> {
        let mut errors = Vec::new();
        check_text("person_name", &request.person_name, 100, &mut errors);
        check_text("position", &request.position, 200, &mut errors);
        check_text("request", &request.request, 5000, &mut errors);
        // A blank id is the same as none; a long one names nothing.
        for (field, value) in [
            ("case_id", &request.case_id),
            ("evidence_id", &request.evidence_id),
            ("corrects_id", &request.corrects_id),
        ] {
            if value.as_deref().is_some_and(|v| v.trim().chars().count() > 64) {
                errors.push(FieldError::new(field, "must be at most 64 characters"));
            }
        }
        if request.occurred_at > now + chrono::Duration::seconds(CLOCK_SKEW_SECONDS) {
            errors.push(FieldError::new("occurred_at", "must not be in the future"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewReport {
            person_name: request.person_name.trim().to_string(),
            position: request.position.trim().to_string(),
            internal: request.internal,
            occurred_at: request.occurred_at,
            method: request.method,
            request: request.request.trim().to_string(),
            case_id: trimmed(request.case_id),
            evidence_id: trimmed(request.evidence_id),
            corrects_id: trimmed(request.corrects_id),
        })
    }
}

/// Who asks to read a report.
#[derive(Debug, Clone)]
pub struct Reader {
    pub user_id: String,
    pub is_supervisor: bool,
}

/// A report is read by supervisors and by its reporter; to anyone else it does not exist
/// (404, as another agency's).
pub fn may_read(reader: &Reader, reporter_id: &str) -> bool {
    reader.is_supervisor || reader.user_id == reporter_id
}

/// The reporter's identity is never shown to an officer of the case concerned (unless the
/// officer is the reporter): a supervisor who is also on that case sees the report
/// without it.
pub fn shows_reporter(reader: &Reader, reporter_id: &str, case_officer_ids: &[String]) -> bool {
    reader.user_id == reporter_id || !case_officer_ids.iter().any(|id| id == &reader.user_id)
}

/// `POST /interference-reports/{id}/refer`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ReferRequest {
    /// The body the report goes to, e.g. 街纪工委.
    #[schema(min_length = 1, max_length = 200)]
    pub to: String,
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// `POST /interference-reports/{id}/referral-outcome`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ReferralOutcomeRequest {
    /// What the receiving body did (处理结果).
    #[schema(min_length = 1, max_length = 5000)]
    pub outcome: String,
}

/// A referral's checked fields: (to, note).
pub fn parse_referral(request: ReferRequest) -> Result<(String, Option<String>), AppError> {
    let mut errors = Vec::new();
    check_text("to", &request.to, 200, &mut errors);
    check_optional_text("note", request.note.as_deref(), 2000, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok((request.to.trim().to_string(), trimmed(request.note)))
}

/// A report is referred once (移交): a second referral of the same report is refused; a
/// corrected report is referred as its correction.
pub fn check_refer(already_referred: bool) -> Result<(), AppError> {
    if already_referred {
        return Err(AppError::rule(
            "report_already_referred",
            "this report was referred already; the register keeps one referral per report",
        ));
    }
    Ok(())
}

/// An outcome follows a referral, once.
pub fn check_outcome(referred: bool, concluded: bool) -> Result<(), AppError> {
    if !referred {
        return Err(AppError::rule(
            "referral_required",
            "the report has not been referred: refer it before recording an outcome",
        ));
    }
    if concluded {
        return Err(AppError::rule(
            "outcome_already_recorded",
            "the referral's outcome is recorded already; the register is append-only",
        ));
    }
    Ok(())
}

pub fn parse_outcome(request: ReferralOutcomeRequest) -> Result<String, AppError> {
    let mut errors = Vec::new();
    check_text("outcome", &request.outcome, 5000, &mut errors);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(request.outcome.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> CreateReportRequest {
        CreateReportRequest {
            person_name: " 李某 ".into(),
            position: "某局副局长".into(),
            internal: true,
            occurred_at: Utc::now() - chrono::Duration::hours(1),
            method: InterferenceMethod::Phone,
            request: "要求对某店从轻处理".into(),
            case_id: Some(" ".into()),
            evidence_id: None,
            corrects_id: None,
        }
    }

    #[test]
    fn a_report_is_trimmed_and_blank_ids_are_absent() {
        let report = NewReport::parse(request(), Utc::now()).unwrap();
        assert_eq!(report.person_name, "李某");
        assert_eq!(report.case_id, None);
    }

    #[test]
    fn a_report_needs_its_facts_and_a_past_time() {
        let mut blank = request();
        blank.request = "  ".into();
        blank.occurred_at = Utc::now() + chrono::Duration::days(1);
        let errors = NewReport::parse(blank, Utc::now()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["request", "occurred_at"]);
    }

    #[test]
    fn only_supervisors_and_the_reporter_read_a_report() {
        let officer = Reader {
            user_id: "u1".into(),
            is_supervisor: false,
        };
        let head = Reader {
            user_id: "u2".into(),
            is_supervisor: true,
        };
        assert!(!may_read(&officer, "u9"));
        assert!(may_read(&officer, "u1"));
        assert!(may_read(&head, "u9"));
    }

    #[test]
    fn the_reporter_is_hidden_from_officers_of_the_case() {
        let head_on_case = Reader {
            user_id: "u2".into(),
            is_supervisor: true,
        };
        let officers = vec!["u2".to_string(), "u3".to_string()];
        assert!(!shows_reporter(&head_on_case, "u9", &officers));
        assert!(shows_reporter(&head_on_case, "u9", &[]));
        assert!(shows_reporter(&head_on_case, "u2", &officers));
    }

    #[test]
    fn an_outcome_follows_one_referral() {
        assert!(check_refer(false).is_ok());
        let rule = |r: Result<(), AppError>| match r {
            Err(AppError::Rule { rule, .. }) => rule,
            other => panic!("{other:?}"),
        };
        assert_eq!(rule(check_refer(true)), "report_already_referred");
        assert_eq!(rule(check_outcome(false, false)), "referral_required");
        assert_eq!(rule(check_outcome(true, true)), "outcome_already_recorded");
        assert!(check_outcome(true, false).is_ok());
        assert_eq!(ReferralStatus::of(true, false), ReferralStatus::Referred);
    }
}
