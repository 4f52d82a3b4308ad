//! The head's page of what waits for them: filings, inspections of enterprises, proposals
//! to decide, simple-procedure filings to acknowledge, recusal requests — each case listed
//! where the state machine allows the head that step now — and counsel's pending reviews.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::cases::{CaseRow, views};
use crate::auth::Role;
use crate::cases::model::{Action, CaseStatus, Procedure};
use crate::cases::store::CaseFilter;
use crate::console::session::ConsoleUser;
use crate::console::{ConsoleError, Layout, render, require};
use crate::http::PageRequest;
use crate::legal_reviews::api::{ReviewSummary, queue_summaries};
use crate::state::AppState;

/// The head's steps, the heading each is listed under, and the states a case waits in.
const WAITING: &[(Action, &str, &[CaseStatus])] = &[
    (Action::ApproveFiling, "立案审批", &[CaseStatus::PendingApproval]),
    (
        Action::ApproveInspection,
        "涉企检查审批",
        &[CaseStatus::Registered, CaseStatus::InProgress],
    ),
    (Action::Decide, "待作出处罚决定", &[CaseStatus::Proposed]),
    (
        Action::ExtendDecisionDeadline,
        "办案期限将届满（可批准延期）",
        &[
            CaseStatus::Filed,
            CaseStatus::Investigating,
            CaseStatus::Notified,
            CaseStatus::Hearing,
            CaseStatus::Proposed,
        ],
    ),
    (
        Action::Transfer,
        "待移送（法制审核认为涉嫌犯罪）",
        &[
            CaseStatus::Filed,
            CaseStatus::Investigating,
            CaseStatus::Notified,
            CaseStatus::Hearing,
            CaseStatus::Proposed,
        ],
    ),
    (
        Action::AcknowledgeFiling,
        "简易程序备案确认",
        &[
            CaseStatus::Decided,
            CaseStatus::Served,
            CaseStatus::Executed,
            CaseStatus::Closed,
        ],
    ),
    (
        Action::DecideRecusal,
        "回避申请",
        &[
            CaseStatus::Filed,
            CaseStatus::Investigating,
            CaseStatus::Notified,
            CaseStatus::Hearing,
            CaseStatus::Proposed,
            CaseStatus::InProgress,
            CaseStatus::Registered,
        ],
    ),
];

pub struct Group {
    pub title: &'static str,
    pub rows: Vec<CaseRow>,
}

#[derive(Template)]
#[template(path = "console/approvals.html")]
struct ApprovalsPage {
    layout: Layout,
    groups: Vec<Group>,
    reviews: Vec<ReviewSummary>,
}

/// How close to its end a penalty case's decision period (APL art. 60) must be for the head
/// to be shown it as a candidate for an extension: this many days, or already past.
const EXTENSION_NOTICE_DAYS: i64 = 10;

/// Whether a decision period ends within [`EXTENSION_NOTICE_DAYS`] of `today` (or has ended).
fn due_soon(due: Option<chrono::NaiveDate>, today: chrono::NaiveDate) -> bool {
    due.is_some_and(|due| due <= today + chrono::Duration::days(EXTENSION_NOTICE_DAYS))
}

/// Whether a case the head may take `action` on waits for it: a decision period ending soon
/// for an extension, counsel's finding of a suspected crime (APL art. 27) for a transfer;
/// for the other steps, being allowed is waiting.
fn waiting(action: Action, view: &crate::cases::view::CaseView, today: chrono::NaiveDate) -> bool {
    match action {
        Action::ExtendDecisionDeadline => due_soon(view.decision_due_on, today),
        Action::Transfer => view.criminal_transfer_flagged,
        _ => true,
    }
}

/// `GET /console/approvals` (supervisors).
pub async fn approvals(state: web::Data<AppState>, user: ConsoleUser) -> Result<HttpResponse, ConsoleError> {
    require(&user, Role::Supervisor)?;
    let reader = user.clone();
    let today = crate::clock::today();
    let (groups, reviews) = state
        .db(move |conn| {
            let mut groups = Vec::new();
            for (action, title, statuses) in WAITING {
                let mut rows = Vec::new();
                for status in *statuses {
                    let filter = CaseFilter {
                        status: Some(*status),
                        // Only the simple procedure files a decision for acknowledgement (备案).
                        procedure: (*action == Action::AcknowledgeFiling).then_some(Procedure::Simple),
                        ..CaseFilter::default()
                    };
                    let (found, _) = views(conn, &reader, &filter)?;
                    rows.extend(
                        found
                            .iter()
                            .filter(|v| v.allowed_actions.contains(action))
                            .filter(|v| waiting(*action, v, today))
                            .map(CaseRow::new),
                    );
                }
                groups.push(Group { title, rows });
            }
            let reviews = queue_summaries(
                conn,
                &reader.current.agency_id,
                Some("pending"),
                &PageRequest {
                    limit: 200,
                    after: None,
                },
            )?;
            Ok((groups, reviews))
        })
        .await?;
    render(
        StatusCode::OK,
        &ApprovalsPage {
            layout: Layout::new(&user, "待我审批", "/console/approvals"),
            groups,
            reviews,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::due_soon;
    use chrono::{Duration, NaiveDate};

    /// "Within ten days" includes the tenth (以内 counts the figure); the eleventh is not yet
    /// shown, an ended period is, and a case without a decision period never is.
    #[test]
    fn a_period_ending_within_ten_days_or_ended_is_due_soon() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert!(due_soon(Some(today + Duration::days(10)), today));
        assert!(!due_soon(Some(today + Duration::days(11)), today));
        assert!(due_soon(Some(today), today));
        assert!(due_soon(Some(today - Duration::days(3)), today));
        assert!(!due_soon(None, today));
    }
}
