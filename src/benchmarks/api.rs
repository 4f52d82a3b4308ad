//! `/powers/{id}/benchmarks`, `/benchmarks`: the agency's discretion benchmarks (行政裁量权
//! 基准). Staff read them; admins and supervisors publish them, one at a time or by
//! importing the spreadsheet the office keeps. Public, without login:
//! `/public/benchmarks?agency=` (those in force today).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::benchmarks::model::{
    BenchmarkGrade, BenchmarkInput, FineBasis, PublicBenchmark, check_power, milli_of, parse_penalty_type,
    penalties_in_words, plan_change,
};
use crate::benchmarks::store::{self, BenchmarkFilter, BenchmarkRow, ImportRun, WriteContext};
use crate::cases::model::PenaltyType;
use crate::clock;
use crate::error::{AppError, AppResult, FieldError, Problem};
use crate::http::{ApiJson, ApiQuery, Page, PageParams};
use crate::powers::api::{ImportParams, ImportProblem, ImportRequest, RowErrors, XlsxWorkbook, note, run_import};
use crate::powers::import::{ImportFormat, XLSX_CONTENT_TYPE};
use crate::powers::model::{ImportOutcome, RowError, in_force_on};
use crate::public::api::{PublicListParams, agency_page};
use crate::state::AppState;

/// Publishing benchmarks is the office's act: its head (supervisors) or the admins who keep
/// its registers.
const KEEPERS: [Role; 2] = [Role::Admin, Role::Supervisor];

/// One version of a benchmark, as staff see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct BenchmarkView {
    /// This version's id: what a decision cites.
    pub id: String,
    pub power_id: String,
    /// The power's code in the power list.
    pub power_code: String,
    /// 违法情节
    pub circumstance: String,
    pub grade: BenchmarkGrade,
    /// 不予处罚, 减轻处罚, 从轻处罚, 一般 or 从重处罚.
    pub grade_label: String,
    pub version: i32,
    /// 适用条件
    pub conditions: String,
    /// The penalties the grade allows, by severity; none for no_penalty.
    pub penalty_types: Vec<PenaltyType>,
    /// The same with the fine's range, in words (警告；罚款200元以上2000元以下).
    pub penalties: String,
    /// A fine range in fen, both ends included…
    pub fine_min_fen: Option<i64>,
    pub fine_max_fen: Option<i64>,
    /// …or a multiple of this amount (never both).
    pub fine_basis: Option<FineBasis>,
    /// Times the amount `fine_basis` names (0.05 is 5 %).
    pub multiple_min: Option<f64>,
    pub multiple_max: Option<f64>,
    pub effective_from: NaiveDate,
    /// The day before the next version took effect, or the retirement date.
    pub effective_to: Option<NaiveDate>,
    /// Whether this version is in force today (Asia/Shanghai).
    pub in_force: bool,
    /// Why this version was made.
    pub change_note: Option<String>,
    /// The user who wrote it.
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

fn view(row: BenchmarkRow, power_code: String, today: NaiveDate) -> AppResult<BenchmarkView> {
    let content = row.content()?;
    let (multiple_min, multiple_max) = row.multiples();
    Ok(BenchmarkView {
        in_force: in_force_on(row.effective_from, row.effective_to, today),
        grade_label: row.grade.label().to_string(),
        penalties: penalties_in_words(row.grade, &content),
        penalty_types: content.penalty_types,
        id: row.id,
        power_id: row.power_id,
        power_code,
        circumstance: row.circumstance,
        grade: row.grade,
        version: row.version,
        conditions: row.conditions,
        fine_min_fen: row.fine_min_fen,
        fine_max_fen: row.fine_max_fen,
        fine_basis: row.fine_basis,
        multiple_min,
        multiple_max,
        effective_from: row.effective_from,
        effective_to: row.effective_to,
        change_note: row.change_note,
        created_by: row.created_by,
        created_at: clock::from_db(row.created_at),
    })
}

/// `POST /powers/{id}/benchmarks`: the benchmark of one grade of a violation circumstance,
/// as it is to be from `effective_from`. A benchmark is its power, `circumstance` and
/// `grade`: writing one that exists with other content makes a new version.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateBenchmarkRequest {
    /// 违法情节: the violation circumstance graded, e.g. 擅自在城市道路上设置摊点占道经营;
    /// trimmed, at most 200 characters.
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub circumstance: String,
    pub grade: BenchmarkGrade,
    /// 适用条件: when the grade applies, in words; at most 4,000 characters.
    #[schema(
        min_length = 1,
        max_length = 4000,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub conditions: String,
    /// The penalties the grade allows (each a penalty type of the cases); none for
    /// no_penalty, at least one otherwise, `fine` when a fine range is given (absent or
    /// empty with a fine range: `["fine"]`). A word that is not a penalty type is a 422
    /// naming `penalty_types[i]`.
    #[serde(default)]
    #[schema(value_type = Vec<PenaltyType>, max_items = 12)]
    pub penalty_types: Vec<String>,
    /// A fine range in fen, 0 to 10^12, both ends included (以上/以下); at most
    /// `fine_max_fen`; within the power's discretion range, below its minimum only for
    /// mitigated.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub fine_min_fen: Option<i64>,
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub fine_max_fen: Option<i64>,
    /// The amount a fine is a multiple of, with `multiple_min` and/or `multiple_max`; never
    /// with a range in fen.
    pub fine_basis: Option<FineBasis>,
    /// Times `fine_basis` (1.5 for 1.5 倍, 0.05 for 5 %), 0 to 100, at most three decimals;
    /// at most `multiple_max`.
    #[schema(minimum = 0, maximum = 100)]
    pub multiple_min: Option<f64>,
    #[schema(minimum = 0, maximum = 100)]
    pub multiple_max: Option<f64>,
    /// When a new benchmark, or a change of one, takes effect; default today. A change never
    /// starts before the current version's `effective_from`.
    #[schema(pattern = r"^(19(49|[5-9][0-9])|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub effective_from: Option<NaiveDate>,
    /// The last day the version is in force; absent: open-ended. The same content with
    /// another `effective_to` retires (or revives) the current version without a new one.
    #[schema(pattern = r"^(19(49|[5-9][0-9])|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$")]
    pub effective_to: Option<NaiveDate>,
    /// Why (kept with the version); at most 500 characters, blank is none.
    #[schema(max_length = 500)]
    pub change_note: Option<String>,
}

impl CreateBenchmarkRequest {
    /// The input, with every problem of the request named by its field: words that are not
    /// penalty types, multiples that are not thousandths, then the model's rules (a field
    /// named already is not named twice).
    fn input(self) -> Result<BenchmarkInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut penalty_types = Vec::new();
        for (i, word) in self.penalty_types.iter().enumerate() {
            match parse_penalty_type(word) {
                Some(kind) => penalty_types.push(kind),
                None => errors.push(FieldError::new(
                    format!("penalty_types[{i}]"),
                    format!(
                        "{word} is not a penalty type; the types are {}",
                        PenaltyType::ALL
                            .iter()
                            .map(|t| t.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
            }
        }
        // A multiple that is not thousandths is named here; the model's rules then see a
        // multiple given (0), so that they do not also call for one.
        let mut milli = |field: &str, value: Option<f64>| match value.map(|v| milli_of(field, v)).transpose() {
            Ok(milli) => milli,
            Err(error) => {
                errors.push(error);
                Some(0)
            }
        };
        let multiple_min_milli = milli("multiple_min", self.multiple_min);
        let multiple_max_milli = milli("multiple_max", self.multiple_max);
        let input = BenchmarkInput {
            circumstance: self.circumstance,
            grade: self.grade,
            conditions: self.conditions,
            penalty_types,
            fine_min_fen: self.fine_min_fen,
            fine_max_fen: self.fine_max_fen,
            fine_basis: self.fine_basis,
            multiple_min_milli,
            multiple_max_milli,
            effective_from: self.effective_from,
            effective_to: self.effective_to,
        };
        if errors.is_empty() {
            return Ok(input);
        }
        if let Err(more) = input.validate() {
            let named = |field: &str| {
                errors
                    .iter()
                    .any(|e| e.field == field || e.field.split('[').next() == Some(field))
            };
            let more: Vec<FieldError> = more.into_iter().filter(|e| !named(&e.field)).collect();
            errors.extend(more);
        }
        Err(errors)
    }
}

/// A second write of the same benchmark at the same moment loses on the unique version index.
fn concurrent_write(error: diesel::result::Error) -> AppError {
    AppError::from_unique_violation(error, || {
        AppError::conflict("the benchmark was changed by another request at the same time; reload and retry")
    })
}

/// Publish a discretion benchmark of a power (admins and supervisors).
///
/// A new benchmark (power, `circumstance`, `grade`) is version 1 (201). The same benchmark
/// with other content is a new version from `effective_from` (default today), the previous
/// one closed the day before and kept (201); the same content is unchanged (200), or, with
/// another `effective_to`, retires or revives the current version in place (200). The power
/// is a penalty power (422 `power_not_penalty`) in force on the day the version takes
/// effect (422 `power_not_in_force`); another agency's power is a 404.
#[utoipa::path(
    post, path = "/api/v1/powers/{id}/benchmarks", tag = "benchmarks",
    params(("id" = String, Path, description = "power id")),
    request_body = CreateBenchmarkRequest,
    responses(
        (status = 201, body = BenchmarkView, description = "a new benchmark or a new version"),
        (status = 200, body = BenchmarkView, description = "unchanged, or its end date set"),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "neither an admin nor a supervisor"),
        (status = 404, body = Problem, description = "no such power in the caller's agency"),
        (status = 409, body = Problem, description = "written by another request at the same time"),
        (status = 413, body = Problem), (status = 415, body = Problem),
        (status = 422, body = Problem, description = "a field (each named), power_not_penalty or power_not_in_force"),
    ),
    security(("bearer" = []))
)]
pub async fn create_benchmark(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
    body: ApiJson<CreateBenchmarkRequest>,
) -> AppResult<HttpResponse> {
    caller.require_any(&KEEPERS)?;
    let body = body.0;
    let change_note = note(body.change_note.clone())?;
    let draft = body
        .input()
        .and_then(BenchmarkInput::validate)
        .map_err(AppError::Validation)?;
    let power_id = id.into_inner();
    let agency_id = caller.agency_id.clone();
    let by = caller.id.clone();
    let today = clock::today();
    let (row, code, written) = state
        .db_write(move |conn| {
            let code = store::power_code(conn, &agency_id, &power_id)?.ok_or(AppError::NotFound("power"))?;
            let current = store::latest(conn, &agency_id, &power_id, &draft.circumstance, draft.grade)?;
            let current_version = current.as_ref().map(BenchmarkRow::as_current).transpose()?;
            let change = plan_change(current_version.as_ref(), &draft, draft.effective_from, today)
                .map_err(AppError::Validation)?;
            if let Some(on) = change.starts_on() {
                let terms = store::power_terms_of(conn, &agency_id, std::slice::from_ref(&power_id))?;
                check_power(
                    terms.get(&power_id).map(Vec::as_slice).unwrap_or_default(),
                    draft.grade,
                    &draft.content.fine,
                    on,
                )?;
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
                (&draft.circumstance, draft.grade),
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
        benchmark_id = %row.id, power_code = %code, grade = %row.grade, version = row.version, by = %caller.id,
        written, "benchmark published"
    );
    let view = view(row, code, today)?;
    Ok(if written {
        HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/api/v1/benchmarks/{}", view.id)))
            .json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BenchmarkListParams {
    /// Only the versions in force on this day; without it, every version.
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub on: Option<NaiveDate>,
    pub grade: Option<BenchmarkGrade>,
}

/// A power's benchmarks, every version (or those in force on `on`), in the order written.
#[utoipa::path(
    get, path = "/api/v1/powers/{id}/benchmarks", tag = "benchmarks",
    params(("id" = String, Path, description = "power id"), BenchmarkListParams, PageParams),
    responses(
        (status = 200, body = inline(Page<BenchmarkView>)),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 404, body = Problem, description = "no such power in the caller's agency"),
        (status = 422, body = Problem, description = "a limit out of range"),
    ),
    security(("bearer" = []))
)]
pub async fn list_benchmarks(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
    query: ApiQuery<BenchmarkListParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let page = page.0.validate()?;
    let filter = BenchmarkFilter {
        on: query.0.on,
        grade: query.0.grade,
    };
    let power_id = id.into_inner();
    let request = page.clone();
    let today = clock::today();
    let page = state
        .db(move |conn| {
            let code = store::power_code(conn, &caller.agency_id, &power_id)?.ok_or(AppError::NotFound("power"))?;
            let rows = store::list_for_power(conn, &caller.agency_id, &power_id, &filter, &request)?;
            Page::from_rows(rows, &request, |row| row.id.clone()).try_map(|row| view(row, code.clone(), today))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One version of a benchmark of the agency.
#[utoipa::path(
    get, path = "/api/v1/benchmarks/{id}", tag = "benchmarks",
    params(("id" = String, Path, description = "benchmark (version) id")),
    responses(
        (status = 200, body = BenchmarkView),
        (status = 401, body = Problem),
        (status = 404, body = Problem, description = "no such benchmark in the caller's agency"),
    ),
    security(("bearer" = []))
)]
pub async fn get_benchmark(
    state: web::Data<AppState>,
    caller: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let (row, code) = state
        .db(move |conn| store::find(conn, &caller.agency_id, &id)?.ok_or(AppError::NotFound("benchmark")))
        .await?;
    Ok(HttpResponse::Ok().json(view(row, code, clock::today())?))
}

/// What an import did (or, in a dry run, would do) with one row.
#[derive(Debug, Serialize, ToSchema)]
pub struct BenchmarkImportItem {
    /// Row number in the file (the header is row 1).
    pub row: usize,
    pub power_code: String,
    pub circumstance: String,
    pub grade: BenchmarkGrade,
    pub outcome: ImportOutcome,
    /// The benchmark's latest version after the row; absent for a version a dry run would
    /// write.
    pub benchmark_id: Option<String>,
    /// Its version number after the row.
    pub version: i32,
}

/// The result of a benchmark import or a dry run.
#[derive(Debug, Serialize, ToSchema)]
pub struct BenchmarkImportReport {
    pub dry_run: bool,
    /// `csv` or `xlsx`.
    pub format: String,
    /// Data rows read (blank rows are skipped).
    pub rows: usize,
    pub created: usize,
    pub new_versions: usize,
    pub effective_to_changed: usize,
    pub unchanged: usize,
    pub items: Vec<BenchmarkImportItem>,
    /// Every problem found, by row and column; an import with any writes nothing.
    pub row_errors: Vec<RowError>,
}

impl BenchmarkImportReport {
    fn new(run: ImportRun, format: ImportFormat, dry_run: bool) -> Self {
        let count = |outcome: ImportOutcome| run.rows.iter().filter(|r| r.action.change.outcome() == outcome).count();
        BenchmarkImportReport {
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
                .map(|r| BenchmarkImportItem {
                    row: r.action.row,
                    outcome: r.action.change.outcome(),
                    power_code: r.action.power_code,
                    circumstance: r.action.circumstance,
                    grade: r.action.grade,
                    benchmark_id: r.benchmark_id,
                    version: r.version,
                })
                .collect(),
            row_errors: run.errors,
        }
    }
}

/// Import discretion benchmarks from CSV or XLSX (admins and supervisors), one row per
/// grade.
///
/// The header row names the columns: `power_code,circumstance,grade,conditions,
/// penalty_types,fine_min_fen,fine_max_fen,fine_basis,multiple_min,multiple_max,
/// effective_from,effective_to` (the first four are required). Each row creates a
/// benchmark, adds a version when its content differs from the current one, sets the end
/// date when only `effective_to` differs, or changes nothing. With `dry_run=true` nothing
/// is written and the report lists every error by row and column; otherwise the import is
/// all-or-nothing: any error is a 422 with the same `row_errors`.
#[utoipa::path(
    post, path = "/api/v1/benchmarks/import", tag = "benchmarks",
    params(ImportParams),
    request_body(
        description = "UTF-8 CSV (BOM optional) or an XLSX workbook (first sheet), header in row 1",
        content(
            (String = "text/csv"),
            (XlsxWorkbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        )
    ),
    responses(
        (status = 200, body = BenchmarkImportReport, description = "imported, or the dry run's report (with any errors)"),
        (status = 400, body = Problem), (status = 401, body = Problem),
        (status = 403, body = Problem, description = "neither an admin nor a supervisor"),
        (status = 409, body = Problem, description = "the benchmarks were changed by another request at the same time"),
        (status = 413, body = Problem, description = "larger than 4 MiB"),
        (status = 415, body = Problem, description = "neither text/csv nor XLSX"),
        (status = 422, body = ImportProblem, description = "the file has errors; nothing was imported"),
    ),
    security(("bearer" = []))
)]
pub async fn import_benchmarks(
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
    } = ImportRequest::read(&req, payload, query.0, "the benchmarks").await?;
    let agency_id = caller.agency_id.clone();
    let by = caller.id.clone();
    let today = clock::today();
    let run = match run_import(&state, dry_run, move |conn| {
        let context = WriteContext {
            by: &by,
            note: Some(&change_note),
            now: clock::to_db(clock::now()),
        };
        store::import_file(conn, &agency_id, format, &body, !dry_run, today, context).map_err(concurrent_write)
    })
    .await?
    {
        Ok(run) => run,
        Err(refused) => return Ok(refused),
    };
    let report = BenchmarkImportReport::new(run, format, dry_run);
    if !dry_run {
        tracing::info!(
            by = %caller.id, format = format.as_str(), created = report.created,
            new_versions = report.new_versions, unchanged = report.unchanged, "benchmarks imported"
        );
    }
    Ok(HttpResponse::Ok().json(report))
}

/// The agency's discretion benchmarks in force today (行政裁量权基准公示, 国办发〔2022〕27号),
/// by power: the power's code, name and legal basis, the violation circumstance, the grade
/// (with its Chinese name), its conditions and the penalties it allows, in words too.
#[utoipa::path(
    get, path = "/api/v1/public/benchmarks", tag = "public",
    params(PublicListParams, PageParams),
    responses(
        (status = 200, body = inline(Page<PublicBenchmark>)),
        (status = 400, body = Problem, description = "no agency given"),
        (status = 404, body = Problem, description = "unknown agency"),
        (status = 422, body = Problem, description = "a limit out of range"),
    )
)]
pub async fn public_benchmarks(
    state: web::Data<AppState>,
    query: ApiQuery<PublicListParams>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    agency_page(state, query, page, store::public_in_force).await
}

#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsistencyFormat {
    #[default]
    Json,
    Xlsx,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsistencyParams {
    /// `json` (default) or `xlsx`.
    #[param(value_type = Option<ConsistencyFormat>, inline)]
    pub format: Option<ConsistencyFormat>,
}

/// The consistency report (同案同罚, 国办发〔2022〕27号) for supervisors and admins: the
/// period's penalty decisions that stand, per power and grade of the benchmark applied, their
/// fines against each grade's range (the decided penalties checked as a proposal is), and the
/// decisions that stand out — outside the grade, or a fine more than twice or less than half
/// the median of its power, circumstance and grade (groups of three or more). JSON, or an
/// XLSX workbook (汇总, 按事项和等级, 需关注的决定).
#[utoipa::path(
    get, path = "/api/v1/benchmarks/consistency", tag = "benchmarks",
    params(ConsistencyParams, crate::stats::api::PeriodParams),
    responses(
        (status = 200, description = "the report",
            content(
                (crate::benchmarks::consistency::ConsistencyReport = "application/json"),
                (XlsxWorkbook = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            )),
        (status = 400, body = Problem, description = "a malformed date or an unknown format"),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a supervisor or admin"),
        (status = 422, body = Problem, description = "not exactly one period, or a period out of range"),
    ),
    security(("bearer" = []))
)]
pub async fn consistency_report(
    state: web::Data<AppState>,
    caller: CurrentUser,
    format: ApiQuery<ConsistencyParams>,
    period: ApiQuery<crate::stats::api::PeriodParams>,
) -> AppResult<HttpResponse> {
    caller.require_any(&[Role::Supervisor, Role::Admin])?;
    let period = period.0.period()?;
    let format = format.0.format.unwrap_or_default();
    let agency_id = caller.agency_id.clone();
    let decisions = state
        .db(move |conn| Ok(store::decisions_in(conn, &agency_id, period)?))
        .await?;
    let report = crate::benchmarks::consistency::report(period, &decisions);
    Ok(match format {
        ConsistencyFormat::Json => HttpResponse::Ok().json(report),
        ConsistencyFormat::Xlsx => {
            let bytes = crate::benchmarks::consistency::xlsx(&report).map_err(AppError::internal)?;
            let disposition = header::ContentDisposition {
                disposition: header::DispositionType::Attachment,
                parameters: vec![header::DispositionParam::FilenameExt(header::ExtendedValue {
                    charset: header::Charset::Ext("UTF-8".into()),
                    language_tag: None,
                    value: format!("裁量基准适用情况-{}.xlsx", report.period_label).into_bytes(),
                })],
            };
            HttpResponse::Ok()
                .content_type(XLSX_CONTENT_TYPE)
                .insert_header((header::CONTENT_DISPOSITION, disposition))
                .body(bytes)
        }
    })
}

impl RowErrors for ImportRun {
    fn row_errors(&self) -> &[RowError] {
        &self.errors
    }
}
