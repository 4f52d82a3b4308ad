//! `/cases`, `/cases/{id}/transitions`, `/cases/{id}/record`, `/settings`.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::cases::model::{Action, Command, CreateCaseRequest, NewCase, ProcedureSettings, TransitionRequest};
use crate::cases::store::{self, Caller, CaseFilter};
use crate::cases::view::CaseView;
use crate::clock;
use crate::db::DbConn;
use crate::error::{AppError, AppResult, FieldError, Problem};
use crate::http::{ApiJson, ApiQuery, Page, PageParams, RawJson, from_json_value, parse_json};
use crate::idempotency::{self, Answer, IdempotencyKey};
use crate::record::chain::{Event, Verification, verify};
use crate::state::AppState;

pub fn caller_of(user: &CurrentUser) -> Caller {
    Caller {
        user_id: user.id.clone(),
        agency_id: user.agency_id.clone(),
        is_officer: user.has(Role::Officer),
        is_supervisor: user.has(Role::Supervisor),
        is_counsel: user.has(Role::LegalCounsel)
            && user
                .user
                .legal_qualification
                .as_deref()
                .is_some_and(|q| !q.trim().is_empty()),
    }
}

/// Who reads a case's file — its documents and evidence, which show the party's personal
/// data unmasked: admins, supervisors, legal counsel and the case's own officers, those who
/// see the party's personal data in the register or decide and review the case.
pub fn check_case_file_reader(user: &CurrentUser, case: &crate::cases::model::Case, what: &str) -> AppResult<()> {
    let on_case = case.officers.iter().any(|o| o.user_id == user.id);
    if on_case || user.has(Role::Admin) || user.has(Role::Supervisor) || user.has(Role::LegalCounsel) {
        return Ok(());
    }
    Err(AppError::Forbidden(format!(
        "a case's {what} show the party's personal data: they are read by the case's officers, supervisors, legal counsel and admins"
    )))
}

/// Open a case (立案 / 登记). Send `Idempotency-Key` to make retries safe.
#[utoipa::path(
    post, path = "/api/v1/cases", tag = "cases",
    request_body = CreateCaseRequest,
    params(idempotency::KeyHeader),
    responses(
        (status = 201, body = CaseView),
        (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 422, body = Problem, description = "a field or a rule (two_officers_required, limitation_period_expired, officer_certificate_invalid, power_not_in_force, random_draw_source_reserved: only a random plan's draw opens a case of source random_draw…)"),
    ),
    security(("bearer" = []))
)]
pub async fn create_case(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    body: RawJson,
) -> AppResult<HttpResponse> {
    user.require(Role::Officer)?;
    let request: CreateCaseRequest = parse_json(&body.0)?;
    let key = IdempotencyKey::from_request(&req, &user.id, &body.0)?;
    let caller = caller_of(&user);
    let input = NewCase::try_from(request)?;
    idempotency::once(&state, key, Answer::CREATED, async {
        // The checks read the registers outside the write transaction; only numbering and
        // the inserts hold the writer.
        let today = clock::today();
        let checker = caller.clone();
        let prepared = state
            .db(move |conn| store::prepare_case(conn, &checker, input, today))
            .await?;
        Ok(move |conn: &mut DbConn| {
            let (case, meta) = store::insert_prepared_case(conn, &caller, prepared, clock::now())?;
            let relation = store::relation(&case, &caller);
            tracing::info!(case_id = %case.id, case_number = %case.case_number, "case opened");
            Ok(CaseView::new(case, &meta, relation, today))
        })
    })
    .await
}

/// The form of `If-Match` a transition reads, as the OpenAPI document declares it.
const IF_MATCH_PATTERN: &str = r#"^(\*|(W/)?"[0-9]{1,9}"|[0-9]{1,9})$"#;

/// Parses `If-Match: "3"` (also `W/"3"`, `3` or `*`). Any other text is not an entity tag
/// of a case (400); a well-formed one naming another version is refused later with 412.
fn if_match(req: &HttpRequest) -> AppResult<Option<i32>> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or("").trim();
    parse_if_match(text).ok_or_else(|| AppError::BadRequest {
        detail: format!("If-Match {text:?} is not a case's ETag: \"N\", W/\"N\" or *"),
        errors: vec![FieldError::new("If-Match", format!("must match {IF_MATCH_PATTERN}"))],
    })
}

/// `Some(None)` for `*`, `Some(Some(n))` for a version, `None` when malformed.
fn parse_if_match(text: &str) -> Option<Option<i32>> {
    if text == "*" {
        return Some(None);
    }
    fn quoted(tag: &str) -> Option<&str> {
        tag.strip_prefix('"').and_then(|t| t.strip_suffix('"'))
    }
    let digits = match text.strip_prefix("W/") {
        Some(weak) => quoted(weak)?,
        None => quoted(text).unwrap_or(text),
    };
    if !(1..=9).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().map(Some)
}

/// Take a step (`{"action": …, …}`): the state machine of DESIGN §4.
///
/// 409 with `allowed_actions` when the step is not possible now or not for the caller;
/// 422 naming the rule when the law refuses it; 412 when `If-Match` is stale. Nothing
/// changes unless the step succeeds, and then the case and its record event commit together.
#[utoipa::path(
    post, path = "/api/v1/cases/{id}/transitions", tag = "cases",
    params(
        ("id" = String, Path),
        ("If-Match" = Option<String>, Header, description = "the case's ETag (version): `\"3\"`, `W/\"3\"`, `3` or `*`", pattern = r#"^(\*|(W/)?"[0-9]{1,9}"|[0-9]{1,9})$"#),
        idempotency::KeyHeader,
    ),
    request_body(content = TransitionRequest, description = "`action` plus the action's fields (DESIGN §8)"),
    responses(
        (status = 200, body = CaseView),
        (status = 400, body = Problem, description = "a malformed body, If-Match or Idempotency-Key"), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "not allowed now; see allowed_actions"),
        (status = 412, body = Problem, description = "If-Match names another version"),
        (status = 422, body = Problem, description = "invalid fields, or a rule of the law named in `rule` (README, rule table): e.g. notice_required, heavier_than_notified, decider_is_case_officer, minor_under_14, hearing_request_period_running, decision_period_expired, officer_certificate_invalid"),
    ),
    security(("bearer" = []))
)]
pub async fn transition(
    state: web::Data<AppState>,
    user: CurrentUser,
    req: HttpRequest,
    id: web::Path<String>,
    body: RawJson,
) -> AppResult<HttpResponse> {
    let command = parse_command(parse_json(&body.0)?)?;
    let expected_version = if_match(&req)?;
    let key = IdempotencyKey::from_request(&req, &user.id, &body.0)?;
    let caller = caller_of(&user);
    let case_id = id.into_inner();
    let refused = (caller.agency_id.clone(), caller.user_id.clone(), case_id.clone());
    let reply = idempotency::run(&state, key, Answer::OK, move |conn| {
        let today = clock::today();
        let (case, meta) = store::transition(conn, &caller, &case_id, command, expected_version, today, clock::now())?;
        let relation = store::relation(&case, &caller);
        Ok(CaseView::new(case, &meta, relation, today))
    })
    .await;
    if let Err(error) = &reply {
        let (agency_id, by, case_id) = refused;
        note_refusal(&state, error, agency_id, by, case_id).await;
    }
    reply
}

/// What a refused step leaves behind although it changed nothing: a refusal by the yearly
/// inspection cap is logged, since the head's figures count it. Every caller of
/// `store::transition` (the API and the staff console) calls this on an error.
pub async fn note_refusal(state: &AppState, error: &AppError, agency_id: String, by: String, case_id: String) {
    if let AppError::Rule {
        rule: "inspection_frequency_cap",
        ..
    } = error
    {
        let logged = state
            .db_write(move |conn| {
                store::record_cap_refusal(conn, &agency_id, &case_id, &by, clock::today(), clock::now())
                    .map_err(AppError::from)
            })
            .await;
        if let Err(error) = logged {
            tracing::error!(%error, "a refusal by the yearly inspection cap was not logged");
        }
    }
}

/// Parses `{"action": "start", …}` as `{"start": {…}}`, naming the failing field as the
/// client wrote it (`findings[0].hazard_level`, not `start.findings[0]…`).
pub fn parse_command(value: Value) -> AppResult<Command> {
    let Value::Object(mut fields) = value else {
        return Err(AppError::bad_request("the body must be a JSON object with an action"));
    };
    let action = match fields.remove("action") {
        Some(Value::String(action)) => action,
        _ => {
            return Err(AppError::BadRequest {
                detail: "action: required".into(),
                errors: vec![FieldError::new("action", "required: the step to take")],
            });
        }
    };
    if Action::parse(&action).is_none() {
        let known: Vec<_> = Action::ALL.iter().map(|a| a.as_str()).collect();
        return Err(AppError::BadRequest {
            detail: format!("action: unknown action {action:?}"),
            errors: vec![FieldError::new(
                "action",
                format!("must be one of {}", known.join(", ")),
            )],
        });
    }
    let mut wrapped = serde_json::Map::new();
    wrapped.insert(action.clone(), Value::Object(fields));
    from_json_value(Value::Object(wrapped)).map_err(|error| match error {
        AppError::BadRequest { errors, .. } => {
            let prefix = format!("{action}.");
            let errors: Vec<FieldError> = errors
                .into_iter()
                .map(|e| FieldError::new(e.field.strip_prefix(&prefix).unwrap_or(&e.field), e.message))
                .collect();
            let detail = errors
                .first()
                .map_or_else(String::new, |e| format!("{}: {}", e.field, e.message));
            AppError::BadRequest { detail, errors }
        }
        other => other,
    })
}

/// One case, with `allowed_actions` for the caller and an `ETag` of its version.
#[utoipa::path(
    get, path = "/api/v1/cases/{id}", tag = "cases",
    params(("id" = String, Path)),
    responses((status = 200, body = CaseView), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn get_case(state: web::Data<AppState>, user: CurrentUser, id: web::Path<String>) -> AppResult<HttpResponse> {
    let caller = caller_of(&user);
    let id = id.into_inner();
    let view = state
        .db(move |conn| {
            let (case, meta) =
                store::load_for_view(conn, &caller.agency_id, &id, None)?.ok_or(AppError::NotFound("case"))?;
            let relation = store::relation(&case, &caller);
            let reported = if caller.is_supervisor {
                Some(crate::interference::store::reported_for_case(
                    conn,
                    &caller.agency_id,
                    &case.id,
                )?)
            } else {
                None
            };
            let mut view = CaseView::new(case, &meta, relation, clock::today());
            view.interference_reported = reported;
            Ok(view)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, format!("\"{}\"", view.version)))
        .json(view))
}

/// The agency's cases, oldest entry first.
#[utoipa::path(
    get, path = "/api/v1/cases", tag = "cases",
    params(CaseFilter, PageParams),
    responses((status = 200, body = inline(Page<CaseView>)), (status = 400, body = Problem)),
    security(("bearer" = []))
)]
pub async fn list_cases(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: ApiQuery<CaseFilter>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let params = query.0;
    let page = page.0.validate()?;
    let mut filter = params;
    filter.q = filter.q.filter(|q| !q.trim().is_empty());
    let caller = caller_of(&user);
    let request = page.clone();
    let views = state
        .db(move |conn| {
            let today = clock::today();
            let ids = store::list_ids(conn, &caller.agency_id, &filter, &request, today)?;
            let settings = store::procedure_settings(conn, &caller.agency_id)?;
            let views = store::load_many_for_view(conn, &caller.agency_id, &ids, &settings)?
                .into_iter()
                .map(|(case, meta)| {
                    let relation = store::relation(&case, &caller);
                    CaseView::new(case, &meta, relation, today)
                })
                .collect::<Vec<_>>();
            Ok(views)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(views, &page, |v| v.id.clone())))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordExport {
    pub case_id: String,
    pub case_number: String,
    /// How each `hash` is computed, so the export can be verified without this service.
    pub hash_algorithm: String,
    pub events: Vec<Event>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordParams {
    /// `json` downloads the record as a file.
    #[param(pattern = "^json$")]
    pub format: Option<String>,
}

pub const HASH_ALGORITHM: &str = "hash = hex(SHA-256(canonical JSON of {action, actor_id, at, case_id, payload, prev_hash, seq})); canonical JSON: keys sorted by UTF-8 bytes, no whitespace, UTF-8 strings escaping only \", \\ and control characters, integers in decimal; at = RFC 3339 UTC with 6 fractional digits; prev_hash of seq 1 = 64 zeros";

/// The full-process record of a case (执法全过程记录), in order.
#[utoipa::path(
    get, path = "/api/v1/cases/{id}/record", tag = "cases",
    params(("id" = String, Path), RecordParams),
    responses((status = 200, body = RecordExport), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn get_record(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    query: ApiQuery<RecordParams>,
) -> AppResult<HttpResponse> {
    let download = match query.0.format.as_deref() {
        None => false,
        Some("json") => true,
        Some(_) => return Err(AppError::field("format", "must be json")),
    };
    let agency_id = user.agency_id.clone();
    let id = id.into_inner();
    let export = state
        .db(move |conn| {
            let (case, _) = store::load(conn, &agency_id, &id)?.ok_or(AppError::NotFound("case"))?;
            Ok(RecordExport {
                events: crate::record::store::events(conn, &case.id)?,
                case_id: case.id,
                case_number: case.case_number,
                hash_algorithm: HASH_ALGORITHM.into(),
            })
        })
        .await?;
    let mut response = HttpResponse::Ok();
    if download {
        response.insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"record-{}.json\"", export.case_id),
        ));
    }
    Ok(response.json(export))
}

/// Recompute the record's hash chain: `{valid, length, head_hash, first_bad_seq}`.
#[utoipa::path(
    get, path = "/api/v1/cases/{id}/record/verify", tag = "cases",
    params(("id" = String, Path)),
    responses((status = 200, body = Verification), (status = 404, body = Problem)),
    security(("bearer" = []))
)]
pub async fn verify_record(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let agency_id = user.agency_id.clone();
    let case_id = id.into_inner();
    let lookup = case_id.clone();
    let verification = state
        .db(move |conn| {
            let (case, _) = store::load(conn, &agency_id, &lookup)?.ok_or(AppError::NotFound("case"))?;
            Ok(verify_against_version(
                verify(&crate::record::store::events(conn, &case.id)?),
                case.version,
            ))
        })
        .await?;
    if !verification.valid {
        tracing::error!(case_id = %case_id, first_bad_seq = ?verification.first_bad_seq, "case record failed verification");
    }
    Ok(HttpResponse::Ok().json(verification))
}

/// Every change of a case adds one event and one version, so a record shorter than the
/// version has lost its tail: the first missing event is the first bad one.
pub(crate) fn verify_against_version(mut verification: Verification, version: i32) -> Verification {
    let length = verification.length as i32;
    if verification.valid && length < version {
        verification.valid = false;
        verification.first_bad_seq = Some(length + 1);
    }
    verification
}

/// The agency's settings as `GET /settings` shows them: the procedure settings, and
/// read-only figures that `PUT /settings` ignores.
#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsView {
    #[serde(flatten)]
    pub procedure: ProcedureSettings,
    /// Read-only: the agency's evidence against its storage quota.
    pub evidence_storage: crate::evidence::api::EvidenceStorage,
}

/// The agency's procedure settings, and its evidence storage against its quota.
#[utoipa::path(
    get, path = "/api/v1/settings", tag = "settings",
    responses((status = 200, body = SettingsView)),
    security(("bearer" = []))
)]
pub async fn get_settings(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let agency_id = user.agency_id.clone();
    let quota_bytes = state.settings.evidence_quota_bytes;
    let settings = state
        .db(move |conn| {
            Ok(SettingsView {
                procedure: store::procedure_settings(conn, &agency_id)?,
                evidence_storage: crate::evidence::api::storage_of(conn, &agency_id, quota_bytes)?,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(settings))
}

/// Change the agency's procedure settings (admin).
#[utoipa::path(
    put, path = "/api/v1/settings", tag = "settings",
    request_body = ProcedureSettings,
    responses((status = 200, body = ProcedureSettings), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = []))
)]
pub async fn put_settings(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: ApiJson<ProcedureSettings>,
) -> AppResult<HttpResponse> {
    let settings = save_settings(&state, &user, body.0).await?;
    Ok(HttpResponse::Ok().json(settings))
}

/// Checks and saves the agency's procedure settings as `PUT /settings` does (the handler
/// and the console's form): admin only, every out-of-range field named (422).
pub async fn save_settings(
    state: &AppState,
    user: &CurrentUser,
    settings: ProcedureSettings,
) -> AppResult<ProcedureSettings> {
    user.require(Role::Admin)?;
    let mut errors = Vec::new();
    if !(3..=30).contains(&settings.defense_period_working_days) {
        errors.push(FieldError::new(
            "defense_period_working_days",
            "must be between 3 and 30",
        ));
    }
    if settings.hearing_threshold_individual_fen <= 0 {
        errors.push(FieldError::new("hearing_threshold_individual_fen", "must be positive"));
    }
    if settings.hearing_threshold_organisation_fen <= 0 {
        errors.push(FieldError::new(
            "hearing_threshold_organisation_fen",
            "must be positive",
        ));
    }
    if !(1..=365).contains(&settings.extension_max_days) {
        errors.push(FieldError::new("extension_max_days", "must be between 1 and 365"));
    }
    if settings
        .extension_rule
        .as_deref()
        .is_some_and(|r| r.trim().is_empty() || r.chars().count() > 500)
    {
        errors.push(FieldError::new(
            "extension_rule",
            "must be 1 to 500 characters when given",
        ));
    }
    for (field, days) in [
        (
            "disclosure_penalty_working_days",
            settings.disclosure_penalty_working_days,
        ),
        ("disclosure_other_working_days", settings.disclosure_other_working_days),
    ] {
        if !(1..=60).contains(&days) {
            errors.push(FieldError::new(field, "must be between 1 and 60"));
        }
    }
    for (field, value, range) in [
        ("inspection_yearly_cap", settings.inspection_yearly_cap, 1..=365),
        (
            "emergency_approval_working_days",
            settings.emergency_approval_working_days,
            1..=10,
        ),
        (
            "results_notice_working_days",
            settings.results_notice_working_days,
            1..=30,
        ),
        (
            "joint_inspection_window_days",
            settings.joint_inspection_window_days,
            1..=90,
        ),
        ("alert_per_day", settings.alert_per_day, 1..=100),
        ("alert_per_week", settings.alert_per_week, 1..=100),
        ("alert_per_month", settings.alert_per_month, 1..=100),
    ] {
        if !range.contains(&value) {
            errors.push(FieldError::new(
                field,
                format!("must be between {} and {}", range.start(), range.end()),
            ));
        }
    }
    if !(1..=30).contains(&settings.acknowledgement_working_days) {
        errors.push(FieldError::new(
            "acknowledgement_working_days",
            "must be between 1 and 30",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let agency_id = user.agency_id.clone();
    let by = user.id.clone();
    state
        .db_write({
            let settings = settings.clone();
            move |conn| Ok(store::save_procedure_settings(conn, &agency_id, &settings, &by)?)
        })
        .await?;
    Ok(settings)
}
