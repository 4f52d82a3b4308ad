//! Officers' pages: my cases and one case (with its allowed steps as forms; opening an
//! inspection is `new_case`). Steps go through `cases::store::transition`, as
//! `POST /cases/{id}/transitions` does.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::steps::{self, StepContext};
use crate::auth::Role;
use crate::cases::api::{caller_of, note_refusal, parse_command};
use crate::cases::model::{Action, CaseKind, CaseStatus, Procedure};
use crate::cases::store::{self, CaseFilter};
use crate::cases::view::CaseView;
use crate::clock;
use crate::console::session::ConsoleUser;
use crate::console::{ConsoleError, Form, Layout, Refusal, csrf, refusal_of, render, require, see_other, words};
use crate::db::DbConn;
use crate::db::schema::users;
use crate::error::AppError;
use crate::record::chain::Event;
use crate::state::AppState;

/// Most rows a console list shows.
const LIST_LIMIT: i64 = 200;

/// A deadline of a case as the lists and the case page show it.
pub struct Deadline {
    pub label: &'static str,
    pub date: String,
    pub overdue: bool,
}

/// The deadlines a case carries, each marked overdue when the model says so.
pub fn deadlines(view: &CaseView) -> Vec<Deadline> {
    let candidates = [
        ("整改期限", "rectification_deadline", view.rectification_deadline),
        ("陈述申辩期限", "defense_due_on", view.defense_due_on),
        ("办案期限", "decision_due_on", view.decision_due_on),
        ("送达期限", "service_due_on", view.service_due_on),
        ("缴款期限", "payment_due_on", view.payment_due_on),
        ("罚款上缴期限", "handover_due_on", view.handover_due_on),
        (
            "备案确认期限",
            "filing_acknowledgement_due_on",
            view.filing_acknowledgement_due_on,
        ),
        (
            "检查结果告知期限",
            "results_due_on",
            view.inspection_plan.as_ref().and_then(|p| p.results_due_on),
        ),
    ];
    candidates
        .into_iter()
        .filter_map(|(label, name, day)| {
            day.map(|day| Deadline {
                label,
                date: day.to_string(),
                overdue: view.overdue_deadlines.iter().any(|o| o == name),
            })
        })
        .collect()
}

/// One row of a case list.
pub struct CaseRow {
    pub id: String,
    pub number: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub subject: String,
    pub opened_on: String,
    pub deadlines: Vec<Deadline>,
    pub overdue: bool,
}

impl CaseRow {
    pub fn new(view: &CaseView) -> Self {
        CaseRow {
            id: view.id.clone(),
            number: view.case_number.clone(),
            kind: words::kind(view.kind),
            status: words::status(view.status),
            subject: view.subject.name.clone(),
            opened_on: view.opened_on.to_string(),
            deadlines: deadlines(view),
            overdue: view.overdue,
        }
    }
}

/// An option of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

fn choices<T: Copy + PartialEq>(
    all: &[T],
    selected: Option<T>,
    code: fn(T) -> &'static str,
    word: fn(T) -> &'static str,
) -> Vec<Choice> {
    all.iter()
        .map(|v| Choice {
            value: code(*v).to_string(),
            label: word(*v).to_string(),
            selected: selected == Some(*v),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "console/cases.html")]
struct MyCasesPage {
    layout: Layout,
    kinds: Vec<Choice>,
    statuses: Vec<Choice>,
    /// The other parameters of the query, kept by the kind and status form.
    hidden: Vec<(String, String)>,
    /// The filters beyond kind and status, as (label, value), shown above the list.
    conditions: Vec<(String, String)>,
    rows: Vec<CaseRow>,
    truncated: bool,
}

/// Cases matching `filter` as views for `user`, newest first, at most `LIST_LIMIT`, and
/// whether there were more.
pub fn views(conn: &mut DbConn, user: &ConsoleUser, filter: &CaseFilter) -> Result<(Vec<CaseView>, bool), AppError> {
    let caller = caller_of(&user.current);
    let today = clock::today();
    let mut ids = store::newest_ids(conn, &caller.agency_id, filter, LIST_LIMIT + 1, today)?;
    let truncated = ids.len() as i64 > LIST_LIMIT;
    ids.truncate(LIST_LIMIT as usize);
    let settings = store::procedure_settings(conn, &caller.agency_id)?;
    let mut views: Vec<CaseView> = store::load_many_for_view(conn, &caller.agency_id, &ids, &settings)?
        .into_iter()
        .map(|(case, meta)| {
            let relation = store::relation(&case, &caller);
            CaseView::new(case, &meta, relation, today)
        })
        .collect();
    views.sort_by(|a, b| b.id.cmp(&a.id));
    Ok((views, truncated))
}

/// What a `GET /cases` parameter is called on the page.
fn parameter_label(name: &str) -> &str {
    match name {
        "voided" => "作废",
        "procedure" => "程序",
        "officer_id" => "执法人员",
        "subject_id" => "当事人",
        "power_id" => "执法职权",
        "department" => "部门",
        "opened_from" => "立案日期自",
        "opened_to" => "立案日期至",
        "outcome" => "处理结果",
        "decided_from" => "决定日期自",
        "decided_to" => "决定日期至",
        "revoked" => "已撤销",
        "fined" => "有罚款",
        "penalty_type" => "处罚种类",
        "inspection_result" => "检查结果",
        "hazard_level" => "隐患等级",
        "hazard_rectified" => "隐患已整改",
        "review_outcome" => "法制审核结果",
        "reviewed_from" => "审核日期自",
        "reviewed_to" => "审核日期至",
        "transferred" => "已移送",
        "overdue" => "逾期",
        "q" => "关键词",
        other => other,
    }
}

/// `GET /console/cases`: the officer's own cases, newest first. With `scope=agency`, the
/// agency's cases to any staff member, as `GET /cases` lists them. Either way it takes the
/// filters of `GET /cases` (the same `CaseFilter`, read the same way — a bad value is the
/// API's `400`), so a dashboard figure's link lists exactly the cases it counts. Blank
/// parameters (a select's 「全部」) are left out.
pub async fn my_cases(
    state: web::Data<AppState>,
    user: ConsoleUser,
    request: actix_web::HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(request.query_string().as_bytes())
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k.into_owned(), v.trim().to_string()))
        .collect();
    let agency_wide = pairs.iter().any(|(k, v)| k == "scope" && v == "agency");
    let filters: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| k != "scope").collect();
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(filters.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .finish();
    let mut filter: CaseFilter = crate::http::parse_query(&query)?;
    if agency_wide {
        // Any staff member lists the agency's cases through `GET /cases`.
        if ![Role::Officer, Role::LegalCounsel, Role::Supervisor]
            .into_iter()
            .any(|role| user.current.has(role))
        {
            return Err(ConsoleError::Forbidden);
        }
    } else {
        require(&user, Role::Officer)?;
        filter.officer_id = Some(user.current.id.clone());
    }
    let (kind, status) = (filter.kind, filter.status);
    let hidden = pairs
        .iter()
        .filter(|(k, _)| k != "kind" && k != "status" && (agency_wide || k != "officer_id"))
        .cloned()
        .collect();
    let conditions = filters
        .iter()
        .filter(|(k, _)| k != "kind" && k != "status" && (agency_wide || k != "officer_id"))
        .map(|(k, v)| (parameter_label(k).to_string(), v.clone()))
        .collect();
    let reader = user.clone();
    let (views, truncated) = state.db(move |conn| views(conn, &reader, &filter)).await?;
    let (title, current) = if agency_wide {
        ("案件查询", "")
    } else {
        ("我的案件", "/console/cases")
    };
    render(
        StatusCode::OK,
        &MyCasesPage {
            layout: Layout::new(&user, title, current),
            kinds: choices(CaseKind::ALL, kind, CaseKind::as_str, words::kind),
            statuses: choices(CaseStatus::ALL, status, CaseStatus::as_str, words::status),
            hidden,
            conditions,
            rows: views.iter().map(CaseRow::new).collect(),
            truncated,
        },
    )
}

/// One field of a step's form.
pub struct Field {
    pub name: String,
    pub label: String,
    /// `text`, `date`, `checkbox`, `select` or `textarea`.
    pub input: &'static str,
    pub value: String,
    pub options: Vec<Choice>,
    pub required: bool,
}

impl Field {
    pub fn new(name: impl Into<String>, label: impl Into<String>, input: &'static str) -> Self {
        Field {
            name: name.into(),
            label: label.into(),
            input,
            value: String::new(),
            options: Vec::new(),
            required: false,
        }
    }

    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = value.into();
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn options(mut self, options: &[(&str, &str)]) -> Self {
        self.options = options
            .iter()
            .map(|(value, label)| Choice {
                value: (*value).to_string(),
                label: (*label).to_string(),
                selected: false,
            })
            .collect();
        self
    }
}

/// An allowed step as a form.
pub struct StepForm {
    pub action: &'static str,
    pub label: String,
    pub fields: Vec<Field>,
}

/// How many finding rows the `record_findings` form offers.
const FINDING_ROWS: usize = 3;
const HAZARD_LEVELS: &[(&str, &str)] = &[("none", "无隐患"), ("general", "一般隐患"), ("major", "重大隐患")];

/// The steps the console offers as forms; any other allowed step is listed, to be taken
/// through the API for now.
const FORM_ACTIONS: &[Action] = &[
    Action::ApproveInspection,
    Action::ApproveFiling,
    Action::Start,
    Action::RecordFindings,
    Action::OrderRectification,
    Action::VerifyRectification,
    Action::AcknowledgeFiling,
    Action::Decide,
    Action::Close,
];

/// Whether the console offers `action` as a form.
fn has_form(action: &Action) -> bool {
    FORM_ACTIONS.contains(action) || steps::PENALTY_FORM_ACTIONS.contains(action)
}

fn step_form(action: Action, view: &CaseView, context: &StepContext, today: NaiveDate) -> StepForm {
    let mut fields = steps::fields(action, view, context, today).unwrap_or_default();
    match action {
        Action::ApproveInspection => {
            fields.push(
                Field::new("planned_from", "计划检查开始日期", "date")
                    .value(today.to_string())
                    .required(),
            );
            fields.push(
                Field::new("planned_to", "计划检查结束日期", "date")
                    .value((today + chrono::Duration::days(30)).to_string())
                    .required(),
            );
        }
        Action::Start => {
            fields.push(Field::new("credentials_shown", "已向当事人出示执法证件", "checkbox"));
            fields.push(Field::new("location", "检查地点", "text").value(view.location.clone().unwrap_or_default()));
            if view.inspection_plan.as_ref().is_some_and(|p| p.code.is_some()) {
                fields.push(Field::new("code_presented", "已出示行政检查码", "checkbox"));
            }
        }
        Action::RecordFindings => {
            fields.push(
                Field::new("result", "检查结果", "select")
                    .options(&[("compliant", "未发现问题"), ("violations_found", "发现问题")])
                    .required(),
            );
            for i in 0..FINDING_ROWS {
                fields.push(Field::new(
                    format!("finding_{i}_description"),
                    format!("问题{}描述", i + 1),
                    "text",
                ));
                fields
                    .push(Field::new(format!("finding_{i}_hazard_level"), "隐患等级", "select").options(HAZARD_LEVELS));
            }
        }
        Action::OrderRectification => {
            fields.push(Field::new("deadline", "整改期限", "date").required());
        }
        Action::VerifyRectification => {
            fields.push(
                Field::new("rectified", "复查结果", "select")
                    .options(&[("true", "已整改"), ("false", "未整改")])
                    .required(),
            );
            fields.push(Field::new("note", "复查情况", "text"));
            fields.push(Field::new("deadline", "未整改时的新期限", "date"));
        }
        Action::Decide => {
            // On the spot the officers decide the penalty themselves; otherwise the head
            // decides as proposed (and as counsel reviewed it). The date defaults to today.
            if view.procedure == Some(Procedure::Simple) {
                steps::on_the_spot_fields(&mut fields, view, context);
            }
            fields.push(Field::new("decided_on", "决定日期", "date").value(today.to_string()));
        }
        _ => {}
    }
    StepForm {
        action: action.as_str(),
        label: words::action(action.as_str()),
        fields,
    }
}

/// A form's fields as the body of the step `action`, as a client of the API would send it.
fn step_body(action: Action, form: &Form) -> Result<Value, AppError> {
    let mut body = match steps::body(action, form) {
        Some(body) => body?,
        None => Map::new(),
    };
    let text = |body: &mut Map<String, Value>, name: &str| {
        if let Some(value) = form.text(name) {
            body.insert(name.to_string(), Value::String(value));
        }
    };
    match action {
        Action::ApproveInspection => {
            text(&mut body, "planned_from");
            text(&mut body, "planned_to");
        }
        Action::Start => {
            body.insert("credentials_shown".into(), json!(form.checked("credentials_shown")));
            body.insert("code_presented".into(), json!(form.checked("code_presented")));
            text(&mut body, "location");
        }
        Action::RecordFindings => {
            text(&mut body, "result");
            let findings: Vec<Value> = (0..FINDING_ROWS)
                .filter_map(|i| {
                    let description = form.text(&format!("finding_{i}_description"))?;
                    let level = form
                        .text(&format!("finding_{i}_hazard_level"))
                        .unwrap_or_else(|| "none".into());
                    Some(json!({"description": description, "hazard_level": level}))
                })
                .collect();
            body.insert("findings".into(), Value::Array(findings));
        }
        Action::OrderRectification => text(&mut body, "deadline"),
        Action::VerifyRectification => {
            if let Some(rectified) = form.text("rectified") {
                body.insert("rectified".into(), json!(rectified == "true"));
            }
            text(&mut body, "note");
            text(&mut body, "deadline");
        }
        Action::Decide => {
            // Only the on-the-spot form asks for the penalty.
            if form.text("penalty_type").is_some() {
                steps::on_the_spot_body(&mut body, form)?;
            }
            text(&mut body, "decided_on");
        }
        _ => {}
    }
    body.insert("action".into(), Value::String(action.as_str().to_string()));
    Ok(Value::Object(body))
}

/// What the forms of `view`'s allowed steps offer from the registers: for a proposal, the
/// benchmark versions of the cited powers in force on the violation date (as the model
/// checks them).
fn step_context(
    conn: &mut DbConn,
    agency_id: &str,
    view: &CaseView,
    today: NaiveDate,
) -> Result<StepContext, AppError> {
    let mut context = StepContext::default();
    let decides_on_the_spot =
        view.procedure == Some(Procedure::Simple) && view.allowed_actions.contains(&Action::Decide);
    if view.allowed_actions.contains(&Action::ProposeDecision) || decides_on_the_spot {
        let day = view.violation_on.unwrap_or(today);
        for power in &view.powers {
            for benchmark in crate::benchmarks::store::in_force_on(conn, agency_id, &power.power_id, day)? {
                let label = format!(
                    "{} {} · {}（第 {} 版）",
                    power.code,
                    benchmark.circumstance,
                    steps::grade_word(benchmark.grade),
                    benchmark.version
                );
                context.benchmarks.push((benchmark.id, label));
            }
        }
    }
    Ok(context)
}

/// A record event as the timeline shows it.
pub struct TimelineEntry {
    pub seq: i32,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub details: String,
}

/// `at` (RFC 3339 UTC) in Beijing time, to the minute.
pub fn local_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| {
            t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap_or(*t.offset()))
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_string())
}

/// The payload's fields in a line (`location: 学府街1号 · …`): texts as they are, a list of
/// records by their names or descriptions, other values as compact JSON; ids left out.
fn payload_line(payload: &Value) -> String {
    fn brief(value: &Value) -> String {
        match value {
            Value::String(s) => s.clone(),
            Value::Array(items) => items
                .iter()
                .map(|item| match item {
                    Value::Object(record) => ["name", "description", "code", "display_name"]
                        .iter()
                        .find_map(|k| record.get(*k).and_then(Value::as_str).map(String::from))
                        .unwrap_or_else(|| item.to_string()),
                    other => brief(other),
                })
                .collect::<Vec<_>>()
                .join("、"),
            Value::Object(record) => ["name", "description", "code"]
                .iter()
                .find_map(|k| record.get(*k).and_then(Value::as_str).map(String::from))
                .unwrap_or_else(|| value.to_string()),
            other => other.to_string(),
        }
    }
    match payload {
        Value::Object(fields) => fields
            .iter()
            .filter(|(k, v)| !v.is_null() && !k.ends_with("_id") && !k.ends_with("_ids"))
            .map(|(k, v)| format!("{k}: {}", brief(v)))
            .collect::<Vec<_>>()
            .join(" · "),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[derive(Template)]
#[template(path = "console/case.html")]
struct CasePage {
    layout: Layout,
    case: CaseView,
    kind: &'static str,
    status: &'static str,
    deadlines: Vec<Deadline>,
    findings: Vec<(String, &'static str, bool)>,
    timeline: Vec<TimelineEntry>,
    /// The record checked as `GET /cases/{id}/record/verify` checks it.
    verification: crate::record::chain::Verification,
    /// The chain head's first 16 hex digits (the whole hash would widen a phone's page).
    record_head: Option<String>,
    forms: Vec<StepForm>,
    other_actions: Vec<String>,
    notice: Option<String>,
    refusal: Option<Refusal>,
    /// The case's evidence, when the user may read the case file.
    evidence: Option<Vec<super::evidence::EvidenceItem>>,
    evidence_kinds: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize)]
pub struct CaseQuery {
    done: Option<String>,
}

/// The case page for `user`, with a notice or a refusal.
pub async fn case_page_with(
    state: &AppState,
    user: &ConsoleUser,
    case_id: String,
    status: StatusCode,
    notice: Option<String>,
    refusal: Option<Refusal>,
) -> Result<HttpResponse, ConsoleError> {
    let caller = caller_of(&user.current);
    let today = clock::today();
    let reader = user.clone();
    let (view, events, names, context, evidence) = state
        .db(move |conn| {
            let (case, meta) =
                store::load_for_view(conn, &caller.agency_id, &case_id, None)?.ok_or(AppError::NotFound("case"))?;
            let evidence = super::evidence::listed(conn, &reader, &case)?;
            let relation = store::relation(&case, &caller);
            let view = CaseView::new(case, &meta, relation, today);
            let events = crate::record::store::events(conn, &view.id)?;
            let context = step_context(conn, &caller.agency_id, &view, today)?;
            let names: HashMap<String, String> = users::table
                .filter(users::agency_id.eq(&caller.agency_id))
                .select((users::id, users::display_name))
                .load::<(String, String)>(conn)?
                .into_iter()
                .collect();
            Ok((view, events, names, context, evidence))
        })
        .await?;
    let verification = crate::cases::api::verify_against_version(crate::record::chain::verify(&events), view.version);
    if !verification.valid {
        tracing::error!(case_id = %view.id, first_bad_seq = ?verification.first_bad_seq, "case record failed verification");
    }
    let timeline = events
        .iter()
        .map(|e: &Event| TimelineEntry {
            seq: e.seq,
            at: local_time(&e.at),
            actor: names.get(&e.actor_id).cloned().unwrap_or_else(|| e.actor_id.clone()),
            action: words::action(&e.action),
            details: payload_line(&e.payload),
        })
        .collect();
    let (forms, others): (Vec<Action>, Vec<Action>) = view.allowed_actions.iter().partition(|a| has_form(a));
    let page = CasePage {
        layout: Layout::new(user, format!("{} {}", words::kind(view.kind), view.case_number), ""),
        kind: words::kind(view.kind),
        status: words::status(view.status),
        deadlines: deadlines(&view),
        findings: view
            .findings
            .iter()
            .map(|f| {
                (
                    f.description.clone(),
                    words::hazard(f.hazard_level.as_str()),
                    f.rectified,
                )
            })
            .collect(),
        timeline,
        record_head: verification
            .head_hash
            .as_ref()
            .map(|h| format!("{}…", h.chars().take(16).collect::<String>())),
        verification,
        forms: forms
            .into_iter()
            .map(|a| step_form(a, &view, &context, today))
            .collect(),
        other_actions: others.into_iter().map(|a| words::action(a.as_str())).collect(),
        notice,
        refusal,
        evidence,
        evidence_kinds: super::evidence::kinds(),
        case: view,
    };
    crate::console::render_with_upload_script(status, &page)
}

/// `GET /console/cases/{id}`: a case of the user's agency (404 for any other), as the API
/// shows it to any staff member.
pub async fn case_page(
    state: web::Data<AppState>,
    user: ConsoleUser,
    id: web::Path<String>,
    query: web::Query<CaseQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let notice = match query.done.as_deref() {
        Some("opened") => Some("案件已登记。".to_string()),
        Some("evidence") => Some("证据已上传并记入执法全过程记录。".to_string()),
        Some(action) if Action::parse(action).is_some() => Some(format!("已办理：{}", words::action(action))),
        _ => None,
    };
    case_page_with(&state, &user, id.into_inner(), StatusCode::OK, notice, None).await
}

/// `POST /console/cases/{id}/steps/{action}`: one step, through the same store function as
/// the API. Success: back to the case (303). Refusal: the case page with the rule and its
/// words, nothing changed.
pub async fn take_step(
    state: web::Data<AppState>,
    user: ConsoleUser,
    path: web::Path<(String, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form(form.into_inner());
    csrf::check(&form, &user.csrf)?;
    let (case_id, action) = path.into_inner();
    let action = Action::parse(&action).filter(has_form).ok_or(ConsoleError::NotFound)?;
    // The version the page showed: a case changed meanwhile is refused (412), as If-Match.
    let expected_version = form.get("version").and_then(|v| v.trim().parse::<i32>().ok());
    let caller = caller_of(&user.current);
    let attempt = match step_body(action, &form).and_then(parse_command) {
        Ok(command) => {
            let target = case_id.clone();
            let caller = caller.clone();
            state
                .db_write(move |conn| {
                    store::transition(
                        conn,
                        &caller,
                        &target,
                        command,
                        expected_version,
                        clock::today(),
                        clock::now(),
                    )
                })
                .await
        }
        Err(error) => Err(error),
    };
    match attempt {
        Ok((case, _)) => {
            tracing::info!(case_id = %case.id, action = action.as_str(), "console step");
            Ok(see_other(&format!(
                "/console/cases/{}?done={}",
                case.id,
                action.as_str()
            )))
        }
        Err(error) => {
            note_refusal(
                &state,
                &error,
                caller.agency_id.clone(),
                caller.user_id.clone(),
                case_id.clone(),
            )
            .await;
            let (status, refusal) = refusal_of(error)?;
            case_page_with(&state, &user, case_id, status, None, Some(refusal)).await
        }
    }
}
