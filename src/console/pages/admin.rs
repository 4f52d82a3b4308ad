//! The admin's pages (系统管理): users, the power list and its import, the procedure
//! settings and the working calendar. Admin only (403 for anyone else, as the API), and no
//! rule of their own: each form goes through the function behind its API call —
//! `users::api::create` / `patch`, `powers::api::import_power_list` (the one parser,
//! `powers::store::import_file`), `cases::api::save_settings` — so a refusal names the same
//! rule or field and changes nothing.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::auth::Role;
use crate::console::session::ConsoleUser;
use crate::console::{ConsoleError, Form, Layout, Refusal, csrf, refusal_of, render, require, see_other};
use crate::error::{AppError, FieldError};
use crate::http::PageRequest;
use crate::powers::api::{IMPORT_LIMIT_BYTES, ImportReport, PowerView, import_power_list};
use crate::powers::import::{ImportFormat, XLSX_CONTENT_TYPE};
use crate::state::AppState;
use crate::users::api::{CreateUserRequest, PatchUserRequest, UserView};
use crate::users::model::CertificateStatus;

/// Most rows a list shows.
const LIST_LIMIT: i64 = 500;

fn all() -> PageRequest {
    PageRequest {
        limit: LIST_LIMIT,
        after: None,
    }
}

/// The form's non-blank fields named in `names`, as a JSON object for a request type.
fn fields_of(form: &Form, names: &[&str]) -> Map<String, Value> {
    names
        .iter()
        .filter_map(|name| form.text(name).map(|v| (name.to_string(), json!(v))))
        .collect()
}

// ---------------------------------------------------------------- users

/// A user as the users page lists them.
pub struct UserLine {
    pub view: UserView,
    pub roles: String,
    /// 有效, 即将到期, 已过期, 未登记; empty for a user who is not an officer.
    pub certificate: &'static str,
    pub expired: bool,
}

fn line_of(view: UserView) -> UserLine {
    let certificate = match view.certificate_status {
        Some(CertificateStatus::Valid) => "有效",
        Some(CertificateStatus::Expiring) => "即将到期",
        Some(CertificateStatus::Expired) => "已过期",
        Some(CertificateStatus::Missing) => "未登记",
        None => "",
    };
    UserLine {
        roles: view
            .roles
            .iter()
            .map(|r| crate::console::role_label(*r))
            .collect::<Vec<_>>()
            .join("、"),
        expired: view.certificate_status == Some(CertificateStatus::Expired),
        certificate,
        view,
    }
}

#[derive(Template)]
#[template(path = "console/admin_users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserLine>,
    roles: Vec<(&'static str, &'static str)>,
    self_id: String,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn users_page(
    state: &AppState,
    user: &ConsoleUser,
    status: StatusCode,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
) -> Result<HttpResponse, ConsoleError> {
    require(user, Role::Admin)?;
    let agency_id = user.current.agency_id.clone();
    let rows = state
        .db(move |conn| {
            Ok(crate::users::store::list(
                conn,
                &agency_id,
                &crate::users::store::UserFilter::default(),
                &all(),
            )?)
        })
        .await?;
    let today = crate::clock::today();
    render(
        status,
        &UsersPage {
            layout: Layout::new(user, "用户管理", "/console/admin/users"),
            users: rows
                .into_iter()
                .map(|r| line_of(UserView::from_row(r, today)))
                .collect(),
            roles: Role::ALL
                .iter()
                .map(|r| (r.as_str(), crate::console::role_label(*r)))
                .collect(),
            self_id: user.current.id.clone(),
            notice,
            refusal,
        },
    )
}

/// `GET /console/admin/users`: the agency's users, their roles and certificates (expired
/// in red), the create form, and per user the certificate and deactivation forms.
pub async fn users(
    state: web::Data<AppState>,
    user: ConsoleUser,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let notice = match query.done.as_deref() {
        Some("created") => Some("已创建用户。"),
        Some("certificate") => Some("已更新执法证。"),
        Some("deactivated") => Some("已停用该用户，其会话已全部结束。"),
        _ => None,
    };
    users_page(&state, &user, StatusCode::OK, notice, None).await
}

async fn users_outcome(
    state: &AppState,
    user: &ConsoleUser,
    done: Result<UserView, AppError>,
    what: &str,
) -> Result<HttpResponse, ConsoleError> {
    match done {
        Ok(_) => Ok(see_other(&format!("/console/admin/users?done={what}"))),
        Err(error) => {
            let (status, refusal) = refusal_of(error)?;
            users_page(state, user, status, None, Some(refusal)).await
        }
    }
}

/// `POST /console/admin/users`: as `POST /users`.
pub async fn create_user(
    state: web::Data<AppState>,
    user: ConsoleUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form(form.into_inner());
    csrf::check(&form, &user.csrf)?;
    require(&user, Role::Admin)?;
    let mut body = fields_of(
        &form,
        &[
            "certificate_no",
            "certificate_expires_on",
            "enforcement_field",
            "legal_qualification",
        ],
    );
    body.insert("username".into(), json!(form.get("username").unwrap_or_default()));
    body.insert(
        "display_name".into(),
        json!(form.get("display_name").unwrap_or_default()),
    );
    body.insert("password".into(), json!(form.get("password").unwrap_or_default()));
    body.insert("roles".into(), json!(form.all("roles")));
    let done = match crate::http::from_json_value::<CreateUserRequest>(Value::Object(body)) {
        Ok(request) => crate::users::api::create(&state, &user.current, request).await,
        Err(error) => Err(error),
    };
    users_outcome(&state, &user, done, "created").await
}

/// `POST /console/admin/users/{id}/certificate`: sets the certificate number and expiry,
/// as `PATCH /users/{id}` with those two fields.
pub async fn set_certificate(
    state: web::Data<AppState>,
    user: ConsoleUser,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form(form.into_inner());
    csrf::check(&form, &user.csrf)?;
    require(&user, Role::Admin)?;
    let body = json!({
        "certificate_no": form.text("certificate_no"),
        "certificate_expires_on": form.text("certificate_expires_on"),
    });
    let done = match crate::http::from_json_value::<PatchUserRequest>(body) {
        Ok(patch) => crate::users::api::patch(&state, &user.current, id.into_inner(), patch).await,
        Err(error) => Err(error),
    };
    users_outcome(&state, &user, done, "certificate").await
}

/// `POST /console/admin/users/{id}/deactivate`: as `PATCH /users/{id}` with
/// `{"active": false}` (an admin cannot deactivate themselves: `admin_self_lockout`).
pub async fn deactivate(
    state: web::Data<AppState>,
    user: ConsoleUser,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form(form.into_inner());
    csrf::check(&form, &user.csrf)?;
    require(&user, Role::Admin)?;
    let patch = PatchUserRequest {
        active: Some(false),
        ..PatchUserRequest::default()
    };
    let done = crate::users::api::patch(&state, &user.current, id.into_inner(), patch).await;
    users_outcome(&state, &user, done, "deactivated").await
}

// ---------------------------------------------------------------- powers

fn category_word(code: &str) -> &'static str {
    match code {
        "penalty" => "行政处罚",
        "inspection" => "行政检查",
        "coercion" => "行政强制",
        _ => "其他",
    }
}

fn outcome_word(code: &str) -> &'static str {
    match code {
        "created" => "新增",
        "new_version" => "新版本",
        "effective_to_changed" => "变更截止日期",
        "unchanged" => "无变化",
        _ => "—",
    }
}

/// A power as the list shows it.
pub struct PowerLine {
    pub view: PowerView,
    pub category: &'static str,
}

/// An import's report as the page shows it.
pub struct ReportView {
    pub report: ImportReport,
    /// (row, code, outcome, version)
    pub items: Vec<(usize, String, &'static str, i32)>,
}

#[derive(Template)]
#[template(path = "console/admin_powers.html")]
struct PowersPage {
    layout: Layout,
    agency_code: String,
    powers: Vec<PowerLine>,
    report: Option<ReportView>,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
}

async fn powers_page(
    state: &AppState,
    user: &ConsoleUser,
    status: StatusCode,
    report: Option<ImportReport>,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
) -> Result<HttpResponse, ConsoleError> {
    require(user, Role::Admin)?;
    let agency_id = user.current.agency_id.clone();
    let (code, rows) = state
        .db(move |conn| {
            let agency = crate::agencies::store::find(conn, &agency_id)?;
            let rows = crate::powers::store::list(conn, &agency_id, &Default::default(), &all())?;
            Ok((agency.code, rows))
        })
        .await?;
    let today = crate::clock::today();
    let report = report.map(|report| ReportView {
        items: report
            .items
            .iter()
            .map(|i| {
                let outcome = serde_json::to_value(i.outcome).unwrap_or_default();
                (
                    i.row,
                    i.code.clone(),
                    outcome_word(outcome.as_str().unwrap_or_default()),
                    i.version,
                )
            })
            .collect(),
        report,
    });
    render(
        status,
        &PowersPage {
            layout: Layout::new(user, "权责清单", "/console/admin/powers"),
            agency_code: code,
            powers: rows
                .into_iter()
                .map(|(power, version)| {
                    let view = PowerView::from_rows(power, version, today);
                    PowerLine {
                        category: category_word(view.category.as_str()),
                        view,
                    }
                })
                .collect(),
            report,
            notice,
            refusal,
        },
    )
}

/// `GET /console/admin/powers`: the power list, links to its public pages, and the
/// import form.
pub async fn powers(state: web::Data<AppState>, user: ConsoleUser) -> Result<HttpResponse, ConsoleError> {
    powers_page(&state, &user, StatusCode::OK, None, None, None).await
}

/// The import file's format: from its name (`.csv`, `.xlsx`), else from its part's type.
fn format_of(filename: &str, content_type: Option<&str>) -> Option<ImportFormat> {
    let lower = filename.to_ascii_lowercase();
    if lower.ends_with(".csv") {
        Some(ImportFormat::Csv)
    } else if lower.ends_with(".xlsx") {
        Some(ImportFormat::Xlsx)
    } else {
        content_type.and_then(ImportFormat::from_content_type)
    }
}

/// `POST /console/admin/powers/import` (`multipart/form-data`: `csrf`, `dry_run`,
/// `change_note`, then `file`): a dry run shows every row and column error and each row's
/// planned outcome, with an apply form that asks for the same file again; an apply runs
/// `powers::api::import_power_list` — all or nothing, as `POST /powers/import`.
pub async fn import(
    state: web::Data<AppState>,
    user: ConsoleUser,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ConsoleError> {
    use futures_util::StreamExt;
    let content_type = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = multer::parse_boundary(content_type).map_err(|_| ConsoleError::Csrf)?;
    let mut multipart = multer::Multipart::new(super::evidence::relay(payload), boundary);
    let mut token_ok = false;
    let mut dry_run = true;
    let mut change_note = None;
    let mut file: Option<(ImportFormat, Vec<u8>)> = None;
    let mut problem = None;
    while let Some(mut field) = multipart.next_field().await.map_err(super::evidence::unreadable)? {
        match field.name().unwrap_or_default() {
            "file" => {
                // Checked before a byte of the file is read.
                if !token_ok {
                    return Err(ConsoleError::Csrf);
                }
                require(&user, Role::Admin)?;
                let filename = field.file_name().unwrap_or_default().to_string();
                let part_type = field.content_type().map(|m| m.essence_str().to_string());
                let Some(format) = format_of(&filename, part_type.as_deref()) else {
                    problem = Some(AppError::Validation(vec![FieldError::new(
                        "file",
                        format!("choose a .csv file (text/csv) or an .xlsx workbook ({XLSX_CONTENT_TYPE})"),
                    )]));
                    break;
                };
                let mut bytes = Vec::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(super::evidence::unreadable)?;
                    if bytes.len() + chunk.len() > IMPORT_LIMIT_BYTES {
                        return Err(ConsoleError::App(AppError::PayloadTooLarge(IMPORT_LIMIT_BYTES)));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                if bytes.is_empty() {
                    problem = Some(AppError::field("file", "required: choose the file to import"));
                    break;
                }
                file = Some((format, bytes));
            }
            name => {
                let name = name.to_string();
                let value = super::evidence::text_of(field).await?;
                match name.as_str() {
                    csrf::FIELD => token_ok = csrf::matches(&value, &user.csrf),
                    "dry_run" => dry_run = value.trim() != "false",
                    "change_note" => change_note = Some(value),
                    _ => {}
                }
            }
        }
    }
    if !token_ok {
        return Err(ConsoleError::Csrf);
    }
    require(&user, Role::Admin)?;
    let attempt = match (problem, file) {
        (Some(problem), _) => Err(problem),
        (None, None) => Err(AppError::field("file", "required: choose the file to import")),
        (None, Some((format, bytes))) => match crate::powers::api::note(change_note) {
            Ok(note) => {
                let note = note.unwrap_or_else(|| format!("import ({})", format.as_str()));
                import_power_list(&state, &user.current, format, bytes, dry_run, note).await
            }
            Err(error) => Err(error),
        },
    };
    match attempt {
        Ok(report) => {
            let refused = !report.dry_run && !report.row_errors.is_empty();
            let status = if refused {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let notice = match (report.dry_run, refused) {
                (true, _) => Some("试导入：未写入任何数据。"),
                (false, true) => Some("文件有错误，未导入任何数据。"),
                (false, false) => Some("已导入。"),
            };
            powers_page(&state, &user, status, Some(report), notice, None).await
        }
        Err(error) => {
            let (status, refusal) = refusal_of(error)?;
            powers_page(&state, &user, status, None, None, Some(refusal)).await
        }
    }
}

// ---------------------------------------------------------------- settings

/// One procedure setting on the form: its name, its input kind (`bool`, `number`, `text`)
/// and its value.
pub struct SettingField {
    pub name: String,
    pub kind: &'static str,
    pub value: String,
    pub on: bool,
}

#[derive(Template)]
#[template(path = "console/admin_settings.html")]
struct SettingsPage {
    layout: Layout,
    fields: Vec<SettingField>,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
}

async fn current_settings(state: &AppState, user: &ConsoleUser) -> Result<Map<String, Value>, ConsoleError> {
    let agency_id = user.current.agency_id.clone();
    let settings = state
        .db(move |conn| Ok(crate::cases::store::procedure_settings(conn, &agency_id)?))
        .await?;
    match serde_json::to_value(settings) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ConsoleError::internal(anyhow::anyhow!(
            "the settings are not an object"
        ))),
    }
}

async fn settings_page(
    state: &AppState,
    user: &ConsoleUser,
    status: StatusCode,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
) -> Result<HttpResponse, ConsoleError> {
    require(user, Role::Admin)?;
    let fields = current_settings(state, user)
        .await?
        .into_iter()
        .map(|(name, value)| {
            let (kind, text) = match &value {
                Value::Bool(_) => ("bool", String::new()),
                Value::Number(n) => ("number", n.to_string()),
                Value::String(s) => ("text", s.clone()),
                Value::Null => ("text", String::new()),
                other => ("text", other.to_string()),
            };
            SettingField {
                on: value == Value::Bool(true),
                name,
                kind,
                value: text,
            }
        })
        .collect();
    render(
        status,
        &SettingsPage {
            layout: Layout::new(user, "程序设置", "/console/admin/settings"),
            fields,
            notice,
            refusal,
        },
    )
}

/// `GET /console/admin/settings`: the agency's procedure settings as `GET /settings` holds
/// them, as a form.
pub async fn settings(
    state: web::Data<AppState>,
    user: ConsoleUser,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let notice = (query.done.as_deref() == Some("saved")).then_some("已保存。");
    settings_page(&state, &user, StatusCode::OK, notice, None).await
}

/// `POST /console/admin/settings`: the whole form as `PUT /settings` takes it — each field
/// typed as the current settings are (a checkbox for a yes/no, a number, a text; a blank
/// text is absent), through `cases::api::save_settings`.
pub async fn save_settings(
    state: web::Data<AppState>,
    user: ConsoleUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form(form.into_inner());
    csrf::check(&form, &user.csrf)?;
    require(&user, Role::Admin)?;
    let mut body = Map::new();
    for (name, current) in current_settings(&state, &user).await? {
        let value = match current {
            Value::Bool(_) => json!(form.checked(&name)),
            Value::Number(_) => {
                let text = form.get(&name).unwrap_or_default().trim().to_string();
                // Not a number: sent as text, so the request names the field (400).
                text.parse::<i64>().map(|n| json!(n)).unwrap_or(json!(text))
            }
            _ => match form.text(&name) {
                Some(text) => json!(text),
                None => continue,
            },
        };
        body.insert(name, value);
    }
    let done = match crate::http::from_json_value::<crate::cases::model::ProcedureSettings>(Value::Object(body)) {
        Ok(settings) => crate::cases::api::save_settings(&state, &user.current, settings).await,
        Err(error) => Err(error),
    };
    match done {
        Ok(_) => {
            tracing::info!(by = %user.current.id, "procedure settings saved in the console");
            Ok(see_other("/console/admin/settings?done=saved"))
        }
        Err(error) => {
            let (status, refusal) = refusal_of(error)?;
            settings_page(&state, &user, status, None, Some(refusal)).await
        }
    }
}

// ---------------------------------------------------------------- calendar

#[derive(Template)]
#[template(path = "console/admin_calendar.html")]
struct CalendarPage {
    layout: Layout,
    year: i32,
    source: Option<String>,
    /// (date, 法定节假日 / 调休上班, name)
    days: Vec<(String, &'static str, String)>,
    /// The year's exceptions as the edit form writes them, one `date,kind,name` a line.
    text: String,
    notice: Option<&'static str>,
    refusal: Option<Refusal>,
}

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<String>,
    done: Option<String>,
}

/// The year of a query or form: this year when blank; 422 outside 2000–2100.
fn year_of(text: Option<&str>) -> Result<i32, AppError> {
    use chrono::Datelike;
    match text.map(str::trim).filter(|y| !y.is_empty()) {
        None => Ok(crate::clock::today().year()),
        Some(text) => text
            .parse::<i32>()
            .map_err(|_| AppError::field("year", "must be between 2000 and 2100"))
            .and_then(crate::calendar::api::check_year),
    }
}

async fn calendar_page(
    state: &AppState,
    user: &ConsoleUser,
    year: i32,
    (status, notice, refusal): (StatusCode, Option<&'static str>, Option<Refusal>),
    text: Option<String>,
) -> Result<HttpResponse, ConsoleError> {
    require(user, Role::Admin)?;
    let listing = state
        .db(move |conn| Ok(crate::calendar::store::year(conn, year)?))
        .await?;
    let kind_word = |kind: crate::calendar::model::DayKind| match kind {
        crate::calendar::model::DayKind::Holiday => "法定节假日",
        crate::calendar::model::DayKind::Workday => "调休上班",
    };
    let text = text.unwrap_or_else(|| {
        listing
            .days
            .iter()
            .map(|d| format!("{},{},{}", d.date, d.kind, d.name))
            .collect::<Vec<_>>()
            .join("\n")
    });
    render(
        status,
        &CalendarPage {
            layout: Layout::new(user, format!("工作日历 {year}"), "/console/admin/calendar"),
            year,
            source: listing.source,
            days: listing
                .days
                .into_iter()
                .map(|d| (d.date.to_string(), kind_word(d.kind), d.name))
                .collect(),
            text,
            notice,
            refusal,
        },
    )
}

/// `GET /console/admin/calendar?year=`: the year's holidays and make-up working days as
/// `GET /calendar/{year}` holds them, and a form replacing them; a year not in the calendar
/// says so.
pub async fn calendar(
    state: web::Data<AppState>,
    user: ConsoleUser,
    query: web::Query<YearQuery>,
) -> Result<HttpResponse, ConsoleError> {
    require(&user, Role::Admin)?;
    let year = year_of(query.year.as_deref())?;
    let notice = (query.done.as_deref() == Some("saved")).then_some("已保存。");
    calendar_page(&state, &user, year, (StatusCode::OK, notice, None), None).await
}

/// The lines of the calendar form as the days of `PUT /calendar/{year}`: `date,kind,name`,
/// the kind `holiday`/`workday` or 放假/法定节假日/上班/调休上班, commas ASCII or Chinese; blank
/// lines skipped. A line that does not read is a 422 naming `days[i]`.
fn calendar_days(text: &str) -> Result<Vec<crate::calendar::model::CalendarDay>, AppError> {
    use crate::calendar::model::{CalendarDay, DayKind};
    let mut days = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
        let parts: Vec<&str> = line.splitn(3, [',', '，']).map(str::trim).collect();
        let date = parts
            .first()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let kind = match parts.get(1).copied() {
            Some("holiday" | "放假" | "法定节假日" | "节假日") => Some(DayKind::Holiday),
            Some("workday" | "上班" | "调休上班" | "调休") => Some(DayKind::Workday),
            _ => None,
        };
        match (date, kind, parts.get(2)) {
            (Some(date), Some(kind), Some(name)) => days.push(CalendarDay {
                date,
                kind,
                name: (*name).to_string(),
            }),
            _ => errors.push(FieldError::new(
                format!("days[{i}]"),
                format!(
                    "「{line}」须写作 日期,类别,名称（如 2027-10-01,holiday,国庆节；类别 holiday/放假 或 workday/上班）"
                ),
            )),
        }
    }
    if errors.is_empty() {
        Ok(days)
    } else {
        Err(AppError::Validation(errors))
    }
}

/// `POST /console/admin/calendar` (`year`, `days`: one `date,kind,name` a line): replaces
/// the year's exceptions through `calendar::api::replace`, the code of `PUT /calendar/{year}`.
pub async fn save_calendar(
    state: web::Data<AppState>,
    user: ConsoleUser,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ConsoleError> {
    let form = Form(form.into_inner());
    csrf::check(&form, &user.csrf)?;
    require(&user, Role::Admin)?;
    let year = year_of(form.get("year"))?;
    let text = form.get("days").unwrap_or_default().to_string();
    let saved = match calendar_days(&text) {
        Ok(days) => crate::calendar::api::replace(&state, &user.current, year, days).await,
        Err(error) => Err(error),
    };
    match saved {
        Ok(_) => Ok(see_other(&format!("/console/admin/calendar?year={year}&done=saved"))),
        Err(error) => {
            let (status, refusal) = refusal_of(error)?;
            calendar_page(&state, &user, year, (status, None, Some(refusal)), Some(text)).await
        }
    }
}
