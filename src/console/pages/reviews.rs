//! Counsel's pages: the review queue and one review with its package and the ten-item
//! checklist, signed through `legal_reviews::api::sign` as `POST /legal-reviews/{id}/opinion`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde_json::{Value, json};

use crate::auth::Role;
use crate::cases::api::caller_of;
use crate::cases::model::{ReviewItem, ReviewOutcome};
use crate::console::session::ConsoleUser;
use crate::console::{ConsoleError, Form, Layout, Refusal, csrf, refusal_of, render, see_other};
use crate::error::AppError;
use crate::http::PageRequest;
use crate::legal_reviews::api::{ReviewSummary, ReviewView, load_view, queue_summaries, sign as sign_opinion};
use crate::state::AppState;

/// Counsel and the head read the queue and the reviews, as the API lets them.
fn require_reader(user: &ConsoleUser) -> Result<(), ConsoleError> {
    if user.current.has(Role::LegalCounsel) || user.current.has(Role::Supervisor) {
        Ok(())
    } else {
        Err(ConsoleError::Forbidden)
    }
}

pub fn item_label(item: ReviewItem) -> &'static str {
    match item {
        ReviewItem::SubjectLegal => "执法主体合法",
        ReviewItem::OfficersQualified => "执法人员具备资格",
        ReviewItem::WithinAuthority => "未超越法定职权",
        ReviewItem::FactsClear => "事实清楚",
        ReviewItem::EvidenceSufficient => "证据确凿充分",
        ReviewItem::ProcedureLegal => "程序合法",
        ReviewItem::LawCorrect => "适用法律正确",
        ReviewItem::DiscretionAppropriate => "裁量适当",
        ReviewItem::DocumentsComplete => "文书齐全规范",
        ReviewItem::CriminalTransferNeeded => "无需移送司法机关（涉嫌犯罪的不通过）",
    }
}

#[derive(Template)]
#[template(path = "console/reviews.html")]
struct QueuePage {
    layout: Layout,
    rows: Vec<ReviewSummary>,
}

/// `GET /console/reviews`: pending reviews, oldest first, with their age in working days
/// and the case's decision deadline.
pub async fn queue(state: web::Data<AppState>, user: ConsoleUser) -> Result<HttpResponse, ConsoleError> {
    require_reader(&user)?;
    let agency_id = user.current.agency_id.clone();
    let rows = state
        .db(move |conn| {
            queue_summaries(
                conn,
                &agency_id,
                Some("pending"),
                &PageRequest {
                    limit: 200,
                    after: None,
                },
            )
        })
        .await?;
    render(
        StatusCode::OK,
        &QueuePage {
            layout: Layout::new(&user, "法制审核队列", "/console/reviews"),
            rows,
        },
    )
}

/// One line of the checklist form.
pub struct ChecklistLine {
    pub item: &'static str,
    pub label: &'static str,
    pub pass: bool,
    pub comment: String,
}

#[derive(Template)]
#[template(path = "console/review.html")]
struct ReviewPage {
    layout: Layout,
    review: ReviewView,
    case_number: String,
    proposal: Vec<(String, String)>,
    package: Vec<(String, String)>,
    checklist: Vec<ChecklistLine>,
    can_sign: bool,
    opinion: String,
    refusal: Option<Refusal>,
    signed: bool,
    /// The signed outcome in words.
    outcome_word: &'static str,
}

/// The Chinese name of a field of the proposal or the review package.
fn field_label(key: &str) -> Option<&'static str> {
    Some(match key {
        "outcome" => "处理意见",
        "penalties" => "处罚",
        "facts" => "事实",
        "legal_basis" => "法律依据",
        "discretion_reasoning" => "裁量理由",
        "no_penalty_ground" => "不予处罚理由",
        "mitigation_ground" => "从轻减轻情节",
        "receiving_organ" => "移送机关",
        "complex" => "疑难复杂",
        "major_public_interest" => "涉及重大公共利益",
        "proposed_on" => "拟定日期",
        "benchmark" => "适用裁量基准",
        "list_entry" => "适用清单事项",
        "case_number" => "案件编号",
        "procedure" => "程序",
        "subject" => "当事人",
        "minor" => "未成年人",
        "summary" => "案情摘要",
        "opened_on" => "立案日期",
        "violation_on" => "违法行为发生日期",
        "violation_ended_on" => "违法行为终了日期",
        "discovered_on" => "发现日期",
        "officers" => "执法人员",
        "powers" => "执法职权",
        "notice" => "告知",
        "notified_on" => "告知日期",
        "hearing_rights" => "告知听证权利",
        "defense_state" => "陈述申辩",
        "hearing_state" => "听证",
        "hearing_on" => "听证日期",
        "collective_discussion_on" => "集体讨论日期",
        "education_recorded_on" => "教育记录日期",
        "decision_due_on" => "办案期限",
        "documents" => "文书",
        "note" => "提交说明",
        "amount_fen" => "罚款金额",
        "fine_min_fen" => "罚款下限",
        "fine_max_fen" => "罚款上限",
        "circumstance" => "违法情节",
        "grade" => "裁量档次",
        "allows" => "裁量幅度",
        "deviation_reason" => "偏离基准理由",
        "name" => "名称",
        "code" => "编码",
        "version" => "版本",
        _ => return None,
    })
}

/// The word of a code the forms offer, or the code itself.
fn word_of(table: &[(&str, &'static str)], code: &str) -> String {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, w)| (*w).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// Fen as 元 with two decimals.
fn yuan(fen: i64) -> String {
    format!("{}.{:02} 元", fen / 100, (fen % 100).abs())
}

fn penalty_line(value: &Value) -> String {
    let kind = value.get("type").and_then(Value::as_str).unwrap_or_default();
    let mut text = word_of(super::steps::PENALTY_TYPES, kind);
    if let Some(fen) = value.get("amount_fen").and_then(Value::as_i64) {
        text.push_str(&format!(" {}", yuan(fen)));
    }
    text
}

/// A field's value in words: codes as their Chinese words, fen as 元, yes and no, people
/// and powers by name; whatever is not known as compact JSON.
fn field_text(key: &str, value: &Value) -> String {
    let text_of = |v: &Value| v.as_str().unwrap_or_default().to_string();
    match (key, value) {
        (_, Value::Bool(true)) => "是".into(),
        (_, Value::Bool(false)) => "否".into(),
        ("outcome", Value::String(code)) => word_of(super::steps::OUTCOMES, code),
        ("no_penalty_ground", Value::String(code)) => word_of(super::steps::NO_PENALTY_GROUNDS, code),
        ("mitigation_ground", Value::String(code)) => word_of(super::steps::MITIGATION_GROUNDS, code),
        ("procedure", Value::String(code)) => match code.as_str() {
            "simple" => "简易程序".into(),
            "ordinary" => "普通程序".into(),
            other => other.into(),
        },
        (k, Value::Number(n)) if k.ends_with("_fen") => n.as_i64().map(yuan).unwrap_or_else(|| n.to_string()),
        ("penalties", Value::Array(items)) => {
            if items.is_empty() {
                "无".into()
            } else {
                items.iter().map(penalty_line).collect::<Vec<_>>().join("；")
            }
        }
        ("officers", Value::Array(items)) => items
            .iter()
            .map(|o| {
                let name = o.get("name").map(text_of).unwrap_or_default();
                let mut line = match o.get("certificate_no").and_then(Value::as_str) {
                    Some(no) => format!("{name}（执法证 {no}）"),
                    None => name,
                };
                if o.get("recused") == Some(&Value::Bool(true)) {
                    line.push_str("〔已回避〕");
                }
                line
            })
            .collect::<Vec<_>>()
            .join("、"),
        ("powers", Value::Array(items)) => items
            .iter()
            .map(|p| {
                let mut line = format!(
                    "{} {}",
                    p.get("code").map(text_of).unwrap_or_default(),
                    p.get("name").map(text_of).unwrap_or_default()
                );
                if let Some(version) = p.get("version").and_then(Value::as_i64) {
                    line.push_str(&format!("（第 {version} 版）"));
                }
                let (min, max) = (
                    p.get("fine_min_fen").and_then(Value::as_i64),
                    p.get("fine_max_fen").and_then(Value::as_i64),
                );
                if min.is_some() || max.is_some() {
                    line.push_str(&format!(
                        "，罚款 {} 至 {}",
                        min.map(yuan).unwrap_or_else(|| "—".into()),
                        max.map(yuan).unwrap_or_else(|| "—".into())
                    ));
                }
                line
            })
            .collect::<Vec<_>>()
            .join("；"),
        ("subject", Value::Object(_)) => value.get("name").map(text_of).unwrap_or_default(),
        ("documents", Value::Array(items)) => items
            .iter()
            .map(|d| d.as_str().map(String::from).unwrap_or_else(|| d.to_string()))
            .collect::<Vec<_>>()
            .join("、"),
        (_, Value::Object(fields)) => fields
            .iter()
            .filter(|(k, v)| !v.is_null() && *k != "id" && !k.ends_with("_id"))
            .map(|(k, v)| {
                let label = field_label(k).map(String::from).unwrap_or_else(|| k.clone());
                format!("{label}：{}", field_text(k, v))
            })
            .collect::<Vec<_>>()
            .join("；"),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
    }
}

/// A JSON object's fields as labelled lines: the Chinese name of each field (the key
/// itself when it has none) and its value in words. Ids are left out.
fn lines(value: &Value) -> Vec<(String, String)> {
    match value {
        Value::Object(fields) => fields
            .iter()
            .filter(|(k, v)| !v.is_null() && !k.ends_with("_id"))
            .map(|(k, v)| {
                let label = field_label(k).map(String::from).unwrap_or_else(|| k.clone());
                (label, field_text(k, v))
            })
            .collect(),
        Value::Null => Vec::new(),
        other => vec![(String::new(), other.to_string())],
    }
}

/// One signed opinion in the list of past opinions.
pub struct DoneLine {
    pub id: String,
    pub case_number: String,
    pub seq: i32,
    pub submitted_on: String,
    pub reviewed_at: String,
    pub outcome: &'static str,
    pub days: u32,
}

pub fn outcome_label(outcome: ReviewOutcome) -> &'static str {
    match outcome {
        ReviewOutcome::Approved => "同意",
        ReviewOutcome::NeedsChanges => "退回补充调查",
        ReviewOutcome::Rejected => "不同意",
    }
}

#[derive(Template)]
#[template(path = "console/reviews_done.html")]
struct DonePage {
    layout: Layout,
    rows: Vec<DoneLine>,
    truncated: bool,
}

/// Most past opinions the page lists.
const DONE_LIMIT: usize = 200;

/// `GET /console/reviews/done` (counsel): the opinions the signed-in counsel signed,
/// newest first, with their outcome — the signed reviews of `GET /legal-reviews?status=done`
/// (`legal_reviews::api::queue_summaries`), read page by page.
pub async fn done(state: web::Data<AppState>, user: ConsoleUser) -> Result<HttpResponse, ConsoleError> {
    if !user.current.has(Role::LegalCounsel) {
        return Err(ConsoleError::Forbidden);
    }
    let agency_id = user.current.agency_id.clone();
    let me = user.current.id.clone();
    let mut rows = state
        .db(move |conn| {
            let mut mine = Vec::new();
            let mut request = PageRequest {
                limit: 200,
                after: None,
            };
            loop {
                let page = queue_summaries(conn, &agency_id, Some("done"), &request)?;
                let exhausted = page.len() <= request.limit as usize;
                let last = page
                    .iter()
                    .take(request.limit as usize)
                    .next_back()
                    .map(|r| r.id.clone());
                mine.extend(
                    page.into_iter()
                        .take(request.limit as usize)
                        .filter(|r| r.reviewer_id.as_deref() == Some(me.as_str())),
                );
                if exhausted || last.is_none() {
                    break;
                }
                request.after = last;
            }
            Ok::<_, AppError>(mine)
        })
        .await?;
    rows.sort_by(|a, b| b.reviewed_at.cmp(&a.reviewed_at).then_with(|| b.id.cmp(&a.id)));
    let truncated = rows.len() > DONE_LIMIT;
    let rows = rows
        .into_iter()
        .take(DONE_LIMIT)
        .map(|r| DoneLine {
            reviewed_at: r
                .reviewed_at
                .map(|at| super::cases::local_time(&at.to_rfc3339()))
                .unwrap_or_default(),
            outcome: r.outcome.map(outcome_label).unwrap_or("—"),
            days: r.age_working_days,
            submitted_on: r.submitted_on.to_string(),
            seq: r.seq,
            case_number: r.case_number,
            id: r.id,
        })
        .collect();
    render(
        StatusCode::OK,
        &DonePage {
            layout: Layout::new(&user, "已出具的审核意见", "/console/reviews/done"),
            rows,
            truncated,
        },
    )
}

async fn review_response(
    state: &AppState,
    user: &ConsoleUser,
    id: String,
    status: StatusCode,
    form: Option<&Form>,
    refusal: Option<Refusal>,
) -> Result<HttpResponse, ConsoleError> {
    let reader = user.current.clone();
    let (review, case_number, on_case) = state
        .db(move |conn| {
            let view = load_view(conn, &reader.agency_id, &id)?;
            let (case, _) =
                crate::cases::store::load(conn, &reader.agency_id, &view.case_id)?.ok_or(AppError::NotFound("case"))?;
            crate::cases::api::check_case_file_reader(&reader, &case, "legal reviews")?;
            let on_case = case.officers.iter().any(|o| o.user_id == reader.id);
            Ok((view, case.case_number, on_case))
        })
        .await?;
    let suggested = review.discretion_check.as_ref().map(|c| c.suggested.clone());
    let checklist = ReviewItem::ALL
        .iter()
        .map(|item| {
            let name = item.as_str();
            let (pass, comment) = match form {
                Some(form) => (
                    form.get(&format!("pass_{name}")) == Some("true"),
                    form.get(&format!("comment_{name}")).unwrap_or_default().to_string(),
                ),
                None => match &suggested {
                    Some(s) if s.item == *item => (s.pass, s.comment.clone().unwrap_or_default()),
                    _ => (true, String::new()),
                },
            };
            ChecklistLine {
                item: name,
                label: item_label(*item),
                pass,
                comment,
            }
        })
        .collect();
    let caller = caller_of(&user.current);
    let page = ReviewPage {
        layout: Layout::new(user, format!("法制审核 {case_number}"), "/console/reviews"),
        case_number,
        proposal: lines(&review.proposal),
        package: lines(&review.package),
        checklist,
        can_sign: caller.is_counsel && !on_case && review.status == "pending",
        signed: review.status != "pending",
        outcome_word: review.outcome.map(outcome_label).unwrap_or_default(),
        opinion: form.and_then(|f| f.get("opinion")).unwrap_or_default().to_string(),
        refusal,
        review,
    };
    render(status, &page)
}

/// `GET /console/reviews/{id}`: the package, the proposal and the checklist form.
pub async fn review_page(
    state: web::Data<AppState>,
    user: ConsoleUser,
    id: web::Path<String>,
) -> Result<HttpResponse, ConsoleError> {
    require_reader(&user)?;
    review_response(&state, &user, id.into_inner(), StatusCode::OK, None, None).await
}

/// `POST /console/reviews/{id}/opinion`: counsel signs, as the API's opinion does.
pub async fn sign(
    state: web::Data<AppState>,
    user: ConsoleUser,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form(form.into_inner());
    csrf::check(&form, &user.csrf)?;
    let caller = caller_of(&user.current);
    if !caller.is_counsel {
        return Err(ConsoleError::Forbidden);
    }
    let review_id = id.into_inner();
    let checklist: Vec<Value> = ReviewItem::ALL
        .iter()
        .map(|item| {
            let name = item.as_str();
            let mut line = json!({"item": name, "pass": form.get(&format!("pass_{name}")) == Some("true")});
            if let Some(comment) = form.text(&format!("comment_{name}")) {
                line["comment"] = json!(comment);
            }
            line
        })
        .collect();
    let mut body = json!({"checklist": checklist, "opinion": form.get("opinion").unwrap_or_default()});
    if let Some(outcome) = form.text("outcome") {
        body["outcome"] = json!(outcome);
    }
    let signed = match crate::http::from_json_value(body) {
        Ok(input) => {
            let target = review_id.clone();
            state
                .db_write(move |conn| sign_opinion(conn, &caller, &target, input))
                .await
        }
        Err(error) => Err(error),
    };
    match signed {
        Ok(view) => Ok(see_other(&format!("/console/reviews/{}", view.id))),
        Err(error) => {
            let (status, refusal) = refusal_of(error)?;
            review_response(&state, &user, review_id, status, Some(&form), Some(refusal)).await
        }
    }
}
