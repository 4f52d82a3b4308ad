//! `/powers`: the agency's power list (权责清单). Staff read it; admins write it, one
//! power at a time or by importing the spreadsheet the office keeps.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::clock;
use crate::error::{AppError, AppResult, FieldError, Problem};
use crate::http::{ApiJson, ApiQuery, Page, PageParams, double_option, read_body};
use crate::powers::import::{ImportFormat, XLSX_CONTENT_TYPE};
use crate::powers::model::{
    ImportOutcome, PowerCategory, PowerContent, PowerDraft, RowError, in_force_on, normalize_code, plan_change,
};
use crate::powers::store::{self, ChangeContext, ImportRun, PowerFilter, PowerRow, PowerVersionRow};
use crate::state::{AppState, Finish};

/// Largest import file accepted (413 above): a list of thousands of powers fits easily.
pub const IMPORT_LIMIT_BYTES: usize = 4 * 1024 * 1024;

/// A power as the API shows it: one version's content (the latest, or the one in force
/// on the day a list asked for) with the power's `id`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PowerView {
    pub id: String,
    /// The version shown.
    pub version: i32,
    /// The power's latest version; differs from `version` only when a list was asked for
    /// the version in force on an earlier day.
    pub current_version: i32,
    /// 事项编码, unique within the agency.
    pub code: String,
    /// 事项名称
    pub name: String,
    pub category: PowerCategory,
    /// 法律依据
    pub legal_basis: String,
    /// 下沉部门 — the department that delegated the power.
    pub source_department: String,
    /// Discretion range of a fine, in fen.
    pub fine_min_fen: Option<i64>,
    pub fine_max_fen: Option<i64>,
    /// Cases citing the power need an audio or video record before they close.
    pub requires_av_record: bool,
    pub effective_from: NaiveDate,
    /// Last day in force; absent while open-ended.
    pub effective_to: Option<NaiveDate>,
    /// Whether this version is in force today (Asia/Shanghai).
    pub in_force: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PowerView {
    pub(crate) fn from_rows(power: PowerRow, version: PowerVersionRow, today: NaiveDate) -> Self {
        let content = version.content;
        PowerView {
            in_force: in_force_on(version.effective_from, version.effective_to, today),
            category: content.category,
            id: power.id,
            version: version.version,
            current_version: power.current_version,
            code: power.code,
            name: content.name,
            legal_basis: content.legal_basis,
            source_department: content.source_department,
            fine_min_fen: content.fine_min_fen,
            fine_max_fen: content.fine_max_fen,
            requires_av_record: content.requires_av_record,
            effective_from: version.effective_from,
            effective_to: version.effective_to,
            created_at: clock::from_db(power.created_at),
            updated_at: clock::from_db(power.updated_at),
        }
    }
}

/// One version of a power, as it was (and is) cited.
#[derive(Debug, Serialize, ToSchema)]
pub struct PowerVersionView {
    pub power_id: String,
    pub version: i32,
    pub code: String,
    pub name: String,
    pub category: PowerCategory,
    pub legal_basis: String,
    pub source_department: String,
    pub fine_min_fen: Option<i64>,
    pub fine_max_fen: Option<i64>,
    pub requires_av_record: bool,
    pub effective_from: NaiveDate,
    /// The day before the next version took effect, or the retirement date.
    pub effective_to: Option<NaiveDate>,
    pub in_force: bool,
    /// Why this version was made.
    pub change_note: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The admin who made it; absent for versions loaded from the command line.
    pub created_by: Option<String>,
}

impl PowerVersionView {
    fn from_row(row: PowerVersionRow, today: NaiveDate) -> Self {
        let content = row.content;
        PowerVersionView {
            in_force: in_force_on(row.effective_from, row.effective_to, today),
            category: content.category,
            power_id: row.power_id,
            version: row.version,
            code: row.code,
            name: content.name,
            legal_basis: content.legal_basis,
            source_department: content.source_department,
            fine_min_fen: content.fine_min_fen,
            fine_max_fen: content.fine_max_fen,
            requires_av_record: content.requires_av_record,
            effective_from: row.effective_from,
            effective_to: row.effective_to,
            change_note: row.change_note,
            created_at: clock::from_db(row.created_at),
            created_by: row.created_by,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreatePowerRequest {
    /// 1 to 64 characters without spaces, e.g. `XF-CG-001`; case-insensitive.
    #[schema(
        pattern = r"^[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]{1,64}[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub code: String,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub name: String,
    pub category: PowerCategory,
    #[schema(
        min_length = 1,
        max_length = 4000,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub legal_basis: String,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub source_department: String,
    /// In fen, 0 to 10^12; at most `fine_max_fen`.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub fine_min_fen: Option<i64>,
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub fine_max_fen: Option<i64>,
    /// Default false.
    #[serde(default)]
    pub requires_av_record: bool,
    /// Default today; a date from 1949 to 2100.
    #[schema(pattern = r"^(19(49|[5-9][0-9])|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub effective_from: Option<NaiveDate>,
    /// Not before `effective_from`; a date from 1949 to 2100.
    #[schema(pattern = r"^(19(49|[5-9][0-9])|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub effective_to: Option<NaiveDate>,
    /// At most 500 characters; blank is none.
    #[schema(max_length = 500)]
    pub change_note: Option<String>,
}

/// An edit. Absent fields stay as they are; `null` clears an optional one. A change of
/// content makes a new version from `effective_from` (default today) and closes the
/// current one the day before; a change of `effective_to` alone retires (or revives) the
/// power by setting the current version's end date, without a new version.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PatchPowerRequest {
    /// The code identifies the power and cannot change; sending the same code is allowed.
    #[schema(
        pattern = r"^[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]{1,64}[\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub code: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub name: Option<String>,
    pub category: Option<PowerCategory>,
    #[schema(
        min_length = 1,
        max_length = 4000,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub legal_basis: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 100,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub source_department: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub fine_min_fen: Option<Option<i64>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i64>, minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub fine_max_fen: Option<Option<i64>>,
    pub requires_av_record: Option<bool>,
    /// When a content change takes effect; default today. Not before the current
    /// version's `effective_from`.
    #[schema(pattern = r"^(19(49|[5-9][0-9])|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub effective_from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>, pattern = r"^(19(49|[5-9][0-9])|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub effective_to: Option<Option<NaiveDate>>,
    /// Why the power changed (kept with the new version); at most 500 characters.
    #[schema(max_length = 500)]
    pub change_note: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PowerListParams {
    /// Text in the code, name or legal basis.
    pub q: Option<String>,
    pub category: Option<PowerCategory>,
    /// Exact source department (下沉部门), e.g. 城市管理.
    pub source_department: Option<String>,
    /// Only powers in force on this day, each shown in the version in force then.
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub in_force_on: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Validate and report what would happen, writing nothing.
    pub dry_run: Option<bool>,
    /// Kept with every version the import makes; default "import (csv)" / "import (xlsx)".
    pub change_note: Option<String>,
}

/// An XLSX workbook, sent as the raw request body.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // documents the request body; the handler reads the raw bytes
pub struct XlsxWorkbook(Vec<u8>);

/// What an import did (or, in a dry run, would do) with one row.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportItem {
    /// Row number in the file (the header is row 1).
    pub row: usize,
    pub code: String,
    pub outcome: ImportOutcome,
    /// Absent for a power a dry run would create.
    pub power_id: Option<String>,
    /// The power's latest version after the row.
    pub version: i32,
}

/// The result of an import or a dry run.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// `csv` or `xlsx`.
    pub format: String,
    /// Data rows read (blank rows are skipped).
    pub rows: usize,
    pub created: usize,
    pub new_versions: usize,
    pub effective_to_changed: usize,
    pub unchanged: usize,
    pub items: Vec<ImportItem>,
    /// Every problem found; an import with any writes nothing. Empty when the file is
    /// valid.
    pub row_errors: Vec<RowError>,
}

impl ImportReport {
    fn new(run: ImportRun, format: ImportFormat, dry_run: bool) -> Self {
        let count = |outcome: ImportOutcome| run.rows.iter().filter(|r| r.action.outcome == outcome).count();
        ImportReport {
            dry_run,
            format: format.as_str().into(),
            rows: run.rows_read,
            created: count(ImportOutcome::Created),
            new_versions: count(ImportOutcome::NewVersion),
            effective_to_changed: count(ImportOutcome::EffectiveToChanged),
            unchanged: count(ImportOutcome::Unchanged),
            items: run
                .rows
                .into_iter()
                .map(|r| ImportItem {
                    row: r.action.row,
                    code: r.action.code,
                    outcome: r.action.outcome,
                    power_id: r.power_id,
                    version: r.version,
                })
                .collect(),
            row_errors: run.errors,
        }
    }
}

/// The 422 of an import with errors: a problem (RFC 9457) extended with the same
/// `row_errors` a dry run reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportProblem {
    #[serde(flatten)]
    pub problem: Problem,
    pub row_errors: Vec<RowError>,
}

/// The 422 refusing an import with `row_errors` (also the benchmark import's).
pub(crate) fn import_problem(row_errors: Vec<RowError>) -> HttpResponse {
    let field_errors = row_errors
        .iter()
        .map(|e| {
            FieldError::new(
                e.column.clone().unwrap_or_else(|| "file".into()),
                format!("row {}: {}", e.row, e.reason),
            )
        })
        .collect();
    let error = AppError::Validation(field_errors);
    let mut problem = error.to_problem();
    problem.detail = format!(
        "the file has {} error(s); nothing was imported (see row_errors)",
        row_errors.len()
    );
    HttpResponse::UnprocessableEntity()
        .content_type("application/problem+json")
        .json(ImportProblem { problem, row_errors })
}

/// A spreadsheet import as its request gives it (the power list's, the benchmarks', the
/// four lists'): the file's format and bytes, whether it is a dry run, and the note kept
/// with every version it writes.
pub(crate) struct ImportRequest {
    pub format: ImportFormat,
    pub body: web::BytesMut,
    pub dry_run: bool,
    pub change_note: String,
}

impl ImportRequest {
    /// Reads an import of `what` ("the list", "the benchmarks"): 415 for a body neither CSV
    /// nor XLSX, 413 beyond 4 MiB, 422 for a change note over 500 characters.
    pub(crate) async fn read(
        req: &HttpRequest,
        payload: web::Payload,
        query: ImportParams,
        what: &str,
    ) -> AppResult<ImportRequest> {
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let format = ImportFormat::from_content_type(content_type).ok_or_else(|| {
            AppError::UnsupportedMediaType(format!("send {what} as text/csv or as {XLSX_CONTENT_TYPE}"))
        })?;
        let body = read_body(req, payload.into_inner(), IMPORT_LIMIT_BYTES).await?;
        Ok(ImportRequest {
            format,
            body,
            dry_run: query.dry_run.unwrap_or(false),
            change_note: note(query.change_note)?.unwrap_or_else(|| format!("import ({})", format.as_str())),
        })
    }
}

/// What an import run reports: every problem of the file, by row and column.
pub(crate) trait RowErrors {
    fn row_errors(&self) -> &[RowError];
}

impl RowErrors for ImportRun {
    fn row_errors(&self) -> &[RowError] {
        &self.errors
    }
}

/// Runs an import in one write transaction that commits only an applied import free of
/// errors: a dry run writes nothing, and a refused import is all-or-nothing (both roll back,
/// even if something had been written). The run comes back either way, with its errors.
pub(crate) async fn run_import_rows<R, F>(state: &AppState, dry_run: bool, import: F) -> AppResult<R>
where
    R: RowErrors + Send + 'static,
    F: FnOnce(&mut crate::db::DbConn) -> AppResult<R> + Send + 'static,
{
    state
        .db_write_or_rollback(move |conn| {
            let run = import(conn)?;
            Ok(if dry_run || !run.row_errors().is_empty() {
                Finish::Rollback(run)
            } else {
                Finish::Commit(run)
            })
        })
        .await
}

/// [`run_import_rows`] for a handler: `Ok(Err(response))` is the 422 refusing a file with
/// errors (not a dry run).
pub(crate) async fn run_import<R, F>(state: &AppState, dry_run: bool, import: F) -> AppResult<Result<R, HttpResponse>>
where
    R: RowErrors + Send + 'static,
    F: FnOnce(&mut crate::db::DbConn) -> AppResult<R> + Send + 'static,
{
    let run = run_import_rows(state, dry_run, import).await?;
    if !dry_run && !run.row_errors().is_empty() {
        tracing::info!(errors = run.row_errors().len(), "import refused");
        return Ok(Err(import_problem(run.row_errors().to_vec())));
    }
    Ok(Ok(run))
}

/// Imports (or, in a dry run, plans) the agency's power list from a file, as
/// `POST /powers/import` does — the handler and the console's form: admin only, one parser
/// (`store::import_file`), one transaction committing only a clean apply. The report holds
/// every row error; an apply with errors wrote nothing.
pub(crate) async fn import_power_list(
    state: &AppState,
    caller: &CurrentUser,
    format: ImportFormat,
    body: Vec<u8>,
    dry_run: bool,
    change_note: String,
) -> AppResult<ImportReport> {
    caller.require(Role::Admin)?;
    let agency_id = caller.agency_id.clone();
    let by = caller.id.clone();
    let today = clock::today();
    let run = run_import_rows(state, dry_run, move |conn| {
        let context = ChangeContext {
            by: Some(&by),
            note: Some(&change_note),
            now: clock::to_db(clock::now()),
        };
        store::import_file(conn, &agency_id, format, &body, !dry_run, today, context).map_err(concurrent_edit)
    })
    .await?;
    let report = ImportReport::new(run, format, dry_run);
    if !dry_run && report.row_errors.is_empty() {
        tracing::info!(
            by = %caller.id, format = format.as_str(), created = report.created,
            new_versions = report.new_versions, unchanged = report.unchanged, "power list imported"
        );
    }
    Ok(report)
}

/// A second edit of the same power at the same moment loses on the unique version index.
fn concurrent_edit(error: diesel::result::Error) -> AppError {
    AppError::from_unique_violation(error, || {
        AppError::conflict("the power list was changed by another request at the same time; reload and retry")
    })
}

/// The 409 of a code the agency's list already holds, whether the check found it or the
/// unique index refused a request that raced past the check.
fn duplicate_code_conflict(code: &str) -> AppError {
    AppError::conflict(format!("the power code {code} is taken"))
}

/// A `change_note`: trimmed, blank is none, at most 500 characters (422 naming it).
pub(crate) fn note(value: Option<String>) -> AppResult<Option<String>> {
    let value = value.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
    if value.as_ref().is_some_and(|n| n.chars().count() > 500) {
        return Err(AppError::field("change_note", "must be at most 500 characters"));
    }
    Ok(value)
}

/// Add a power to the list (admin).
#[utoipa::path(
    post, path = "/api/v1/powers", tag = "powers",
    request_body = CreatePowerRequest,
    responses(
        (status = 201, body = PowerView),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem, description = "the code is taken in this agency"),
        (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn create_power(
    state: web::Data<AppState>,
    caller: CurrentUser,
    body: ApiJson<CreatePowerRequest>,
) -> AppResult<HttpResponse> {
    caller.require(Role::Admin)?;
    let body = body.0;
    let today = clock::today();
    let draft = PowerDraft {
        code: normalize_code(&body.code),
        content: PowerContent {
            name: body.name,
            category: body.category,
            legal_basis: body.legal_basis,
            source_department: body.source_department,
            fine_min_fen: body.fine_min_fen,
            fine_max_fen: body.fine_max_fen,
            requires_av_record: body.requires_av_record,
        }
        .normalized(),
        effective_from: body.effective_from.unwrap_or(today),
        effective_to: body.effective_to,
    };
    draft.validate().map_err(AppError::Validation)?;
    let change_note = note(body.change_note)?;
    let agency_id = caller.agency_id.clone();
    let by = caller.id.clone();
    let (power, version) = state
        .db_write(move |conn| {
            if store::code_taken(conn, &agency_id, &draft.code)? {
                return Err(duplicate_code_conflict(&draft.code));
            }
            let context = ChangeContext {
                by: Some(&by),
                note: change_note.as_deref(),
                now: clock::to_db(clock::now()),
            };
            store::create(conn, &agency_id, &draft, context)
                .map_err(|e| AppError::from_unique_violation(e, || duplicate_code_conflict(&draft.code)))
        })
        .await?;
    tracing::info!(power_id = %power.id, code = %power.code, by = %caller.id, "power created");
    Ok(HttpResponse::Created().json(PowerView::from_rows(power, version, today)))
}

/// The agency's power list, by code.
#[utoipa::path(
    get, path = "/api/v1/powers", tag = "powers",
    params(PowerListParams, PageParams),
    responses((status = 200, body = inline(Page<PowerView>)), (status = 400, body = Problem), (status = 401, body = Problem)),
    security(("bearer" = []))
)]
pub async fn list_powers(
    state: web::Data<AppState>,
    caller: CurrentUser,
    query: ApiQuery<PowerListParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let params = query.0;
    let page = page.0.validate()?;
    let filter = PowerFilter {
        q: params.q.filter(|q| !q.trim().is_empty()),
        category: params.category,
        source_department: params
            .source_department
            .map(|d| d.trim().to_string())
            .filter(|d| !d.is_empty()),
        in_force_on: params.in_force_on,
    };
    let request = page.clone();
    let rows = state
        .db(move |conn| Ok(store::list(conn, &caller.agency_id, &filter, &request)?))
        .await?;
    let today = clock::today();
    let page = Page::from_rows(rows, &page, |(power, _)| power.code.clone())
        .map(|(power, version)| PowerView::from_rows(power, version, today));
    Ok(HttpResponse::Ok().json(page))
}

/// One power with its latest version.
#[utoipa::path(
    get, path = "/api/v1/powers/{id}", tag = "powers",
    params(("id" = String, Path, description = "power id")),
    responses((status = 200, body = PowerView), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn get_power(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (power, version) = state
        .db(move |conn| store::find(conn, &caller.agency_id, &id)?.ok_or(AppError::NotFound("power")))
        .await?;
    Ok(HttpResponse::Ok().json(PowerView::from_rows(power, version, clock::today())))
}

/// Edit a power (admin): a content change makes a new version; `effective_to` alone
/// retires or revives it. Powers are never deleted.
#[utoipa::path(
    patch, path = "/api/v1/powers/{id}", tag = "powers",
    params(("id" = String, Path, description = "power id")),
    request_body = PatchPowerRequest,
    responses(
        (status = 200, body = PowerView),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem),
        (status = 409, body = Problem, description = "edited by another request at the same time"),
        (status = 422, body = Problem),
    ),
    security(("bearer" = []))
)]
pub async fn patch_power(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
    body: ApiJson<PatchPowerRequest>,
) -> AppResult<HttpResponse> {
    caller.require(Role::Admin)?;
    let patch = body.0;
    let change_note = note(patch.change_note.clone())?;
    let id = id.into_inner();
    let today = clock::today();
    let agency_id = caller.agency_id.clone();
    let by = caller.id.clone();
    let (power, version) = state
        .db_write(move |conn| {
            let (power, current) = store::find(conn, &agency_id, &id)?.ok_or(AppError::NotFound("power"))?;
            if let Some(code) = &patch.code
                && normalize_code(code) != power.code
            {
                return Err(AppError::field(
                    "code",
                    "the code identifies the power and cannot change; retire this power and add a new one",
                ));
            }
            let was = current.content.clone();
            let content = PowerContent {
                name: patch.name.unwrap_or(was.name),
                category: patch.category.unwrap_or(was.category),
                legal_basis: patch.legal_basis.unwrap_or(was.legal_basis),
                source_department: patch.source_department.unwrap_or(was.source_department),
                fine_min_fen: patch.fine_min_fen.unwrap_or(was.fine_min_fen),
                fine_max_fen: patch.fine_max_fen.unwrap_or(was.fine_max_fen),
                requires_av_record: patch.requires_av_record.unwrap_or(was.requires_av_record),
            }
            .normalized();
            let effective_to = patch.effective_to.unwrap_or(current.effective_to);
            let change = plan_change(
                &power.code,
                &current.as_current(),
                &content,
                effective_to,
                patch.effective_from,
                today,
            )
            .map_err(AppError::Validation)?;
            let context = ChangeContext {
                by: Some(&by),
                note: change_note.as_deref(),
                now: clock::to_db(clock::now()),
            };
            let updated =
                store::apply_change(conn, &power, &current, &content, &change, context).map_err(concurrent_edit)?;
            tracing::info!(power_id = %power.id, code = %power.code, by = %by, change = ?change, "power edited");
            Ok(updated)
        })
        .await?;
    Ok(HttpResponse::Ok().json(PowerView::from_rows(power, version, today)))
}

/// A power's versions, oldest first.
#[utoipa::path(
    get, path = "/api/v1/powers/{id}/versions", tag = "powers",
    params(("id" = String, Path, description = "power id"), PageParams),
    responses((status = 200, body = inline(Page<PowerVersionView>)), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn list_versions(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let page = page.0.validate()?;
    let id = id.into_inner();
    let request = page.clone();
    let rows = state
        .db(move |conn| store::versions(conn, &caller.agency_id, &id, &request)?.ok_or(AppError::NotFound("power")))
        .await?;
    let today = clock::today();
    let page =
        Page::from_rows(rows, &page, |row| row.version.to_string()).map(|row| PowerVersionView::from_row(row, today));
    Ok(HttpResponse::Ok().json(page))
}

/// One version of a power, as cases citing it saw it.
#[utoipa::path(
    get, path = "/api/v1/powers/{id}/versions/{version}", tag = "powers",
    params(("id" = String, Path, description = "power id"), ("version" = i32, Path, description = "version number, from 1")),
    responses((status = 200, body = PowerVersionView), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn get_version(
    state: web::Data<AppState>,
    caller: CurrentUser,
    path: web::Path<(String, i32)>,
) -> AppResult<HttpResponse> {
    let (id, version) = path.into_inner();
    let row = state
        .db(move |conn| {
            store::version(conn, &caller.agency_id, &id, version)?.ok_or(AppError::NotFound("power version"))
        })
        .await?;
    Ok(HttpResponse::Ok().json(PowerVersionView::from_row(row, clock::today())))
}

/// Import a power list from CSV or XLSX (admin).
///
/// The header row names the columns: `code,name,category,legal_basis,source_department,
/// fine_min_fen,fine_max_fen,requires_av_record,effective_from,effective_to` (the first
/// five are required). Each row creates a power, adds a version when its content differs
/// from the current one, sets the end date when only `effective_to` differs, or changes
/// nothing. With `dry_run=true` nothing is written and the report lists every error;
/// otherwise the import is all-or-nothing: any error is a 422 with the same `row_errors`.
#[utoipa::path(
    post, path = "/api/v1/powers/import", tag = "powers",
    params(ImportParams),
    request_body(
        description = "UTF-8 CSV (BOM optional) or an XLSX workbook (first sheet), header in row 1",
        content(
            (String = "text/csv"),
            (XlsxWorkbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    ),
    responses(
        (status = 200, body = ImportReport, description = "imported, or the dry run's report (with any errors)"),
        (status = 400, body = Problem), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem, description = "the list was changed by another request at the same time"),
        (status = 413, body = Problem, description = "larger than 4 MiB"),
        (status = 415, body = Problem, description = "neither text/csv nor XLSX"),
        (status = 422, body = ImportProblem, description = "the file has errors; nothing was imported"),
    ),
    security(("bearer" = []))
)]
pub async fn import_powers(
    state: web::Data<AppState>,
    caller: CurrentUser,
    req: HttpRequest,
    payload: web::Payload,
    query: ApiQuery<ImportParams>,
) -> AppResult<HttpResponse> {
    caller.require(Role::Admin)?;
    let ImportRequest {
        format,
        body,
        dry_run,
        change_note,
    } = ImportRequest::read(&req, payload, query.0, "the list").await?;
    let report = import_power_list(&state, &caller, format, body.to_vec(), dry_run, change_note).await?;
    if !dry_run && !report.row_errors.is_empty() {
        tracing::info!(errors = report.row_errors.len(), "import refused");
        return Ok(import_problem(report.row_errors));
    }
    Ok(HttpResponse::Ok().json(report))
}
