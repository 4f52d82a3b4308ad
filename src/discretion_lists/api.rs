//! `/powers/{id}/list-entries`, `/list-entries`: the agency's four lists (不予处罚, 减轻, 从轻,
//! 不予实施行政强制措施). Staff read them; admins and supervisors publish entries, one at a
//! time or by importing the spreadsheet. Public, without login: `/public/discretion-lists`
//! (JSON, and a Chinese page) lists the entries in force today.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::clock;
use crate::disclosures::html::{AgencyParam, agency_table};
use crate::discretion_lists::import::{ImportRun, import_file};
use crate::discretion_lists::model::{DiscretionList, EntryInput, PublicListEntry, check_power, plan_change};
use crate::discretion_lists::store::{self, EntryRow, WriteContext};
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiJson, ApiQuery, Page, PageParams};
use crate::powers::api::{ImportParams, ImportProblem, ImportRequest, RowErrors, XlsxWorkbook, note, run_import};
use crate::powers::import::ImportFormat;
use crate::powers::model::{ImportOutcome, RowError, in_force_on};
use crate::public::api::{PublicListParams, agency_page};
use crate::state::AppState;

/// Publishing the lists is the office's act: its head (supervisors) or the admins who keep
/// its registers.
const KEEPERS: [Role; 2] = [Role::Admin, Role::Supervisor];

/// One version of a list entry, as staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListEntryView {
    /// This version's id: what a proposal cites (`list_entry_id`).
    pub id: String,
    pub power_id: String,
    pub power_code: String,
    pub list: DiscretionList,
    /// 不予处罚清单, 减轻处罚清单, 从轻处罚清单 or 不予实施行政强制措施清单.
    pub list_label: String,
    /// 情形
    pub circumstance: String,
    pub version: i32,
    /// 适用条件
    pub conditions: String,
    /// 法律依据
    pub legal_basis: String,
    /// 首违不罚 (APL art. 33 ¶1): a first violation only.
    pub first_violation: bool,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    /// Whether this version is in force today (Asia/Shanghai).
    pub in_force: bool,
    pub change_note: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

fn view(row: EntryRow, power_code: String, today: NaiveDate) -> ListEntryView {
    ListEntryView {
        in_force: in_force_on(row.effective_from, row.effective_to, today),
        list_label: row.list.label().to_string(),
        id: row.id,
        power_id: row.power_id,
        power_code,
        list: row.list,
        circumstance: row.circumstance,
        version: row.version,
        conditions: row.conditions,
        legal_basis: row.legal_basis,
        first_violation: row.first_violation,
        effective_from: row.effective_from,
        effective_to: row.effective_to,
        change_note: row.change_note,
        created_by: row.created_by,
        created_at: clock::from_db(row.created_at),
    }
}

/// `POST /powers/{id}/list-entries`: an entry of one of the four lists for a power, as it
/// is to be from `effective_from`. An entry is its power, `list` and `circumstance`: writing
/// one that exists with other content makes a new version.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateListEntryRequest {
    pub list: DiscretionList,
    /// 情形: e.g. 初次在城市道路上设置摊点占道经营; trimmed, at most 200 characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub circumstance: String,
    /// 适用条件; at most 4,000 characters.
    #[schema(
        min_length = 1,
        max_length = 4000,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub conditions: String,
    /// 法律依据; at most 1,000 characters.
    #[schema(
        min_length = 1,
        max_length = 1000,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub legal_basis: String,
    /// 首违不罚 (APL art. 33 ¶1): applies to a party's first violation only; on the
    /// no_penalty list only.
    #[serde(default)]
    pub first_violation: bool,
    /// When a new entry, or a change of one, takes effect; default today.
    #[schema(pattern = r"^(19(49|[5-9][0-9])|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub effective_from: Option<NaiveDate>,
    /// The last day the version is in force; absent: open-ended.
    #[schema(pattern = r"^(19(49|[5-9][0-9])|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub effective_to: Option<NaiveDate>,
    /// Why (kept with the version); at most 500 characters, blank is none.
    #[schema(max_length = 500)]
    pub change_note: Option<String>,
}

/// A second write of the same entry at the same moment loses on the unique version index.
fn concurrent_write(error: diesel::result::Error) -> AppError {
    AppError::from_unique_violation(error, || {
        AppError::conflict("the list entry was changed by another request at the same time; reload and retry")
    })
}

/// Publish an entry of the four lists for a power (admins and supervisors).
///
/// A new entry (power, `list`, `circumstance`) is version 1 (201); the same entry with other
/// content is a new version from `effective_from` (default today), the previous one closed
/// the day before and kept (201); the same content is unchanged (200) or, with another
/// `effective_to`, retires or revives the current version (200). The three penalty lists
/// name penalty powers (422 `power_not_penalty`), 不予实施行政强制措施清单 coercion powers
/// (422 `power_not_coercion`), in force when the entry takes effect (422
/// `power_not_in_force`); another agency's power is a 404.
#[utoipa::path(
    post, path = "/api/v1/powers/{id}/list-entries", tag = "benchmarks",
    params(("id" = String, Path, description = "power id")),
    request_body = CreateListEntryRequest,
    responses(
        (status = 201, body = ListEntryView, description = "a new entry or a new version"),
        (status = 200, body = ListEntryView, description = "unchanged, or its end date set"),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "neither an admin nor a supervisor"),
        (status = 404, body = Problem, description = "no such power in the caller's agency"),
        (status = 409, body = Problem, description = "written by another request at the same time"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "a field (each named), power_not_penalty, power_not_coercion or power_not_in_force"),
    ),
    security(("bearer" = []))
)]
pub async fn create_list_entry(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
    body: ApiJson<CreateListEntryRequest>,
) -> AppResult<HttpResponse> {
    caller.require_any(&KEEPERS)?;
    let body = body.0;
    let change_note = note(body.change_note.clone())?;
    let draft = EntryInput {
        list: body.list,
        circumstance: body.circumstance,
        conditions: body.conditions,
        legal_basis: body.legal_basis,
        first_violation: body.first_violation,
        effective_from: body.effective_from,
        effective_to: body.effective_to,
    }
    .validate()
    .map_err(AppError::Validation)?;
    let power_id = id.into_inner();
    let agency_id = caller.agency_id.clone();
    let by = caller.id.clone();
    let today = clock::today();
    let (row, code, written) = state
        .db_write(move |conn| {
            let code = crate::benchmarks::store::power_code(conn, &agency_id, &power_id)?
                .ok_or(AppError::NotFound("power"))?;
            let current = store::latest(conn, &agency_id, &power_id, (draft.list, &draft.circumstance))?;
            let change = plan_change(current.as_ref().map(EntryRow::as_current).as_ref(), &draft, today)
                .map_err(AppError::Validation)?;
            if let Some(on) = change.starts_on() {
                let terms =
                    crate::benchmarks::store::power_terms_of(conn, &agency_id, std::slice::from_ref(&power_id))?;
                let versions: Vec<_> = terms
                    .get(&power_id)
                    .map(|v| {
                        v.iter()
                            .map(|t| (t.category, t.effective_from, t.effective_to))
                            .collect()
                    })
                    .unwrap_or_default();
                check_power(&code, &versions, draft.list, on)?;
            }
            let context = WriteContext {
                by: &by,
                note: change_note.as_deref(),
                now: clock::to_db(clock::now()),
            };
            let row = store::apply_change(
                conn,
                &agency_id,
                &power_id,
                (draft.list, &draft.circumstance),
                current.as_ref(),
                &draft.content,
                &change,
                context,
            )
            .map_err(concurrent_write)?;
            Ok((row, code, change.starts_on().is_some()))
        })
        .await?;
    tracing::info!(
        list_entry_id = %row.id, power_code = %code, list = %row.list, version = row.version, by = %caller.id,
        written, "list entry published"
    );
    let view = view(row, code, today);
    Ok(if written {
        HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/api/v1/list-entries/{}", view.id)))
            .json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListEntryParams {
    /// Only the versions in force on this day; without it, every version.
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub on: Option<NaiveDate>,
    pub list: Option<DiscretionList>,
}

/// A power's list entries, every version (or those in force on `on`), in the order written.
#[utoipa::path(
    get, path = "/api/v1/powers/{id}/list-entries", tag = "benchmarks",
    params(("id" = String, Path, description = "power id"), ListEntryParams, PageParams),
    responses(
        (status = 200, body = inline(Page<ListEntryView>)),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 404, body = Problem, description = "no such power in the caller's agency"),
        (status = 422, body = Problem, description = "a limit out of range"),
    ),
    security(("bearer" = []))
)]
pub async fn list_list_entries(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
    query: ApiQuery<ListEntryParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let page = page.0.validate()?;
    let filter = (query.0.on, query.0.list);
    let power_id = id.into_inner();
    let request = page.clone();
    let today = clock::today();
    let page = state
        .db(move |conn| {
            let code = crate::benchmarks::store::power_code(conn, &caller.agency_id, &power_id)?
                .ok_or(AppError::NotFound("power"))?;
            let rows = store::list_for_power(conn, &caller.agency_id, &power_id, filter, &request)?;
            Ok(Page::from_rows(rows, &request, |row| row.id.clone()).map(|row| view(row, code.clone(), today)))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One version of a list entry of the agency.
#[utoipa::path(
    get, path = "/api/v1/list-entries/{id}", tag = "benchmarks",
    params(("id" = String, Path, description = "list entry (version) id")),
    responses(
        (status = 200, body = ListEntryView),
        (status = 401, body = Problem),
        (status = 404, body = Problem, description = "no such entry in the caller's agency"),
    ),
    security(("bearer" = []))
)]
pub async fn get_list_entry(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (row, code) = state
        .db(move |conn| store::find(conn, &caller.agency_id, &id)?.ok_or(AppError::NotFound("list entry")))
        .await?;
    Ok(HttpResponse::Ok().json(view(row, code, clock::today())))
}

/// What an import did (or, in a dry run, would do) with one row.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListEntryImportItem {
    /// Row number in the file (the header is row 1).
    pub row: usize,
    pub list: DiscretionList,
    pub power_code: String,
    pub circumstance: String,
    pub outcome: ImportOutcome,
    /// The entry's latest version after the row; absent for a version a dry run would write.
    pub list_entry_id: Option<String>,
    pub version: i32,
}

/// The result of a list import or a dry run.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListEntryImportReport {
    pub dry_run: bool,
    /// `csv` or `xlsx`.
    pub format: String,
    /// Data rows read (blank rows are skipped).
    pub rows: usize,
    pub created: usize,
    pub new_versions: usize,
    pub effective_to_changed: usize,
    pub unchanged: usize,
    pub items: Vec<ListEntryImportItem>,
    /// Every problem found, by row and column; an import with any writes nothing.
    pub row_errors: Vec<RowError>,
}

impl ListEntryImportReport {
    fn new(run: ImportRun, format: ImportFormat, dry_run: bool) -> Self {
        let count = |outcome: ImportOutcome| run.rows.iter().filter(|r| r.change.outcome() == outcome).count();
        ListEntryImportReport {
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
                .map(|r| ListEntryImportItem {
                    row: r.row,
                    outcome: r.change.outcome(),
                    list: r.list,
                    power_code: r.power_code,
                    circumstance: r.circumstance,
                    list_entry_id: r.entry_id,
                    version: r.version,
                })
                .collect(),
            row_errors: run.errors,
        }
    }
}

/// Import entries of the four lists from CSV or XLSX (admins and supervisors), one row per
/// entry.
///
/// The header row names the columns: `list,power_code,circumstance,conditions,legal_basis,
/// first_violation,effective_from,effective_to` (the first five are required; `list` takes
/// the words or the lists' Chinese names, `first_violation` 是/否 or true/false). Each row
/// creates an entry, adds a version when its content differs, sets the end date when only
/// `effective_to` differs, or changes nothing. With `dry_run=true` nothing is written and
/// the report lists every error by row and column; otherwise the import is all-or-nothing:
/// any error is a 422 with the same `row_errors`.
#[utoipa::path(
    post, path = "/api/v1/list-entries/import", tag = "benchmarks",
    params(ImportParams),
    request_body(
        description = "UTF-8 CSV (BOM optional) or an XLSX workbook (first sheet), header in row 1",
        content(
            (String = "text/csv"),
            (XlsxWorkbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    ),
    responses(
        (status = 200, body = ListEntryImportReport, description = "imported, or the dry run's report (with any errors)"),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "neither an admin nor a supervisor"),
        (status = 409, body = Problem, description = "the lists were changed by another request at the same time"),
        (status = 413, body = Problem, description = "larger than 4 MiB"),
        (status = 415, body = Problem, description = "neither text/csv nor XLSX"),
        (status = 422, body = ImportProblem, description = "the file has errors; nothing was imported"),
    ),
    security(("bearer" = []))
)]
pub async fn import_list_entries(
    state: web::Data<AppState>,
    caller: CurrentUser,
    req: HttpRequest,
    payload: web::Payload,
    query: ApiQuery<ImportParams>,
) -> AppResult<HttpResponse> {
    caller.require_any(&KEEPERS)?;
    let ImportRequest {
        format,
        body,
        dry_run,
        change_note,
    } = ImportRequest::read(&req, payload, query.0, "the lists").await?;
    let agency_id = caller.agency_id.clone();
    let by = caller.id.clone();
    let today = clock::today();
    let run = match run_import(&state, dry_run, move |conn| {
        let context = WriteContext {
            by: &by,
            note: Some(&change_note),
            now: clock::to_db(clock::now()),
        };
        import_file(conn, &agency_id, (format, &body), !dry_run, today, context).map_err(concurrent_write)
    })
    .await?
    {
        Ok(run) => run,
        Err(refused) => return Ok(refused),
    };
    let report = ListEntryImportReport::new(run, format, dry_run);
    if !dry_run {
        tracing::info!(
            by = %caller.id, format = format.as_str(), created = report.created,
            new_versions = report.new_versions, unchanged = report.unchanged, "list entries imported"
        );
    }
    Ok(HttpResponse::Ok().json(report))
}

/// The agency's four lists in force today (不予处罚清单, 减轻处罚清单, 从轻处罚清单,
/// 不予实施行政强制措施清单; 国办发〔2022〕27号), by list and power: the power's code and name,
/// the circumstance, its conditions and legal basis, and whether it is 首违不罚.
#[utoipa::path(
    get, path = "/api/v1/public/discretion-lists", tag = "public",
    params(PublicListParams, PageParams),
    responses(
        (status = 200, body = inline(Page<PublicListEntry>)),
        (status = 400, body = Problem, description = "no agency given"),
        (status = 404, body = Problem, description = "unknown agency"),
        (status = 422, body = Problem, description = "a limit out of range"),
    )
)]
pub async fn public_lists(
    state: web::Data<AppState>,
    query: ApiQuery<PublicListParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    agency_page(state, query, page, store::public_in_force).await
}

/// The columns of the public page, in the order of [`cells`].
const HEADERS: [&str; 8] = [
    "清单",
    "事项编码",
    "事项名称",
    "情形",
    "适用条件",
    "法律依据",
    "首违不罚",
    "施行日期",
];

fn cells(entry: PublicListEntry) -> Vec<String> {
    vec![
        entry.list_label,
        entry.power_code,
        entry.power_name,
        entry.circumstance,
        entry.conditions,
        entry.legal_basis,
        if entry.first_violation { "是" } else { "" }.to_string(),
        entry.effective_from.to_string(),
    ]
}

/// The agency's four lists in force today, as a page: 不予处罚 first, then 减轻, 从轻 and
/// 不予实施行政强制措施.
#[utoipa::path(
    get, path = "/public/discretion-lists", tag = "public",
    params(AgencyParam),
    responses(
        (status = 200, content_type = "text/html; charset=utf-8", body = String),
        (status = 400, body = Problem, description = "no agency given"),
        (status = 404, body = Problem, description = "unknown agency"),
    )
)]
pub async fn lists_page(state: web::Data<AppState>, params: ApiQuery<AgencyParam>) -> AppResult<HttpResponse> {
    agency_table(
        state,
        params,
        "不予处罚、减轻处罚、从轻处罚和不予实施行政强制措施清单",
        &HEADERS,
        |conn, agency, all| {
            let mut entries: Vec<PublicListEntry> = store::public_in_force(conn, agency, clock::today(), all)?
                .into_iter()
                .map(|(entry, _)| entry)
                .collect();
            // The lists in the order the opinion names them, not alphabetically.
            entries.sort_by_key(|e| DiscretionList::ALL.iter().position(|l| *l == e.list));
            Ok(entries.into_iter().map(cells).collect())
        },
    )
    .await
}

impl RowErrors for ImportRun {
    fn row_errors(&self) -> &[RowError] {
        &self.errors
    }
}
