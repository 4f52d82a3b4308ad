//! Checkpoints over HTTP: the head or an admin asks for one (`POST /checkpoints`); anyone
//! reads them (`/public/checkpoints`, the Atom feed); staff get a case's inclusion proof.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{CurrentUser, Role};
use crate::checkpoints::merkle;
use crate::checkpoints::model::{self, Head, verify_signature};
use crate::checkpoints::store::{self, CheckpointRow, Origin};
use crate::clock;
use crate::documents::html::escape;
use crate::error::{AppError, AppResult, Problem};
use crate::http::{ApiQuery, Page, PageParams};
use crate::state::AppState;

/// A signed checkpoint of every case record of an agency. `statement` is the exact text
/// signed; `signature` its Ed25519 signature (base64) by `public_key` (hex). Save this
/// object: `enforcement verify-record --checkpoint FILE` checks the records against it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CheckpointView {
    pub id: String,
    pub agency_id: String,
    /// 1 for the agency's first checkpoint, then one more each time.
    pub sequence: i64,
    pub created_at: DateTime<Utc>,
    /// How many case records the checkpoint covers (the Merkle tree's leaves).
    pub cases: i64,
    /// How many of them moved since the previous checkpoint.
    pub changed: i64,
    /// RFC 6962 Merkle root over the leaves `case_id\nlength\nhead_hash`, sorted by case id.
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub root_hash: String,
    /// SHA-256 of the previous checkpoint's statement (64 zeros for the first).
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub previous_hash: String,
    pub statement: String,
    pub signature_algorithm: String,
    pub signature: String,
    #[schema(pattern = "^[0-9a-f]{64}$")]
    pub public_key: String,
    pub origin: Origin,
}

impl CheckpointView {
    pub fn new(row: CheckpointRow) -> Self {
        CheckpointView {
            id: row.id,
            agency_id: row.agency_id,
            sequence: row.seq,
            created_at: clock::from_db(row.created_at),
            cases: row.tree_size,
            changed: row.changed,
            root_hash: row.root_hash,
            previous_hash: row.previous_hash,
            statement: row.statement,
            signature_algorithm: "Ed25519".into(),
            signature: row.signature,
            public_key: row.public_key,
            origin: row.origin,
        }
    }
}

/// Sign a checkpoint of every case record of the agency now (otherwise one is signed every
/// hour when a record moved). The head (supervisor) or an admin.
#[utoipa::path(
    post, path = "/api/v1/checkpoints", tag = "checkpoints",
    responses(
        (status = 201, body = CheckpointView),
        (status = 401, body = Problem),
        (status = 403, body = Problem, description = "not a supervisor or admin"),
    ),
    security(("bearer" = []))
)]
pub async fn make_checkpoint(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    user.require_any(&[Role::Supervisor, Role::Admin])?;
    let key = state.settings.checkpoint_key.clone();
    let made = state
        .db_write(move |conn| {
            Ok(store::make(
                conn,
                &user.agency_id,
                &key,
                Origin::OnDemand,
                Some(&user.id),
                clock::now(),
            )?)
        })
        .await?;
    let row = made
        .checkpoint
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("a checkpoint asked for was not made")))?;
    tracing::info!(sequence = row.seq, cases = row.tree_size, "record checkpoint signed");
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/public/checkpoints/{}", row.id)))
        .json(CheckpointView::new(row)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgencyCode {
    /// The agency's public code, e.g. `XF`.
    #[param(min_length = 1)]
    pub agency: String,
}

/// The agency's signed record checkpoints, newest first (公开: anyone may keep a copy).
#[utoipa::path(
    get, path = "/api/v1/public/checkpoints", tag = "public",
    params(AgencyCode, PageParams),
    responses(
        (status = 200, body = inline(Page<CheckpointView>)),
        (status = 400, body = Problem, description = "no agency given"),
        (status = 404, body = Problem, description = "unknown agency"),
        (status = 422, body = Problem, description = "limit out of range"),
    )
)]
pub async fn public_checkpoints(
    state: web::Data<AppState>,
    query: ApiQuery<AgencyCode>,
    page: ApiQuery<PageParams>,
) -> AppResult<HttpResponse> {
    let query = ApiQuery(crate::public::api::PublicListParams { agency: query.0.agency });
    crate::public::api::agency_page(state, query, page, checkpoints_page).await
}

/// A page of the agency's checkpoints, newest first, keyed by sequence number.
fn checkpoints_page(
    conn: &mut crate::db::DbConn,
    agency: &crate::agencies::store::AgencyRow,
    _today: chrono::NaiveDate,
    request: &crate::http::PageRequest,
) -> diesel::QueryResult<Vec<(CheckpointView, String)>> {
    Ok(store::page(conn, &agency.id, request)?
        .into_iter()
        .map(|row| {
            let key = row.seq.to_string();
            (CheckpointView::new(row), key)
        })
        .collect())
}

/// One signed checkpoint.
#[utoipa::path(
    get, path = "/api/v1/public/checkpoints/{id}", tag = "public",
    params(("id" = String, Path)),
    responses((status = 200, body = CheckpointView), (status = 404, body = Problem))
)]
pub async fn public_checkpoint(state: web::Data<AppState>, id: web::Path<String>) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let row = state
        .db(move |conn| store::find_any(conn, &id)?.ok_or(AppError::NotFound("checkpoint")))
        .await?;
    Ok(HttpResponse::Ok().json(CheckpointView::new(row)))
}

/// The agency's newest 50 checkpoints as an Atom feed (RFC 4287), each entry carrying the
/// signed statement, its signature and the public key, so feed readers keep copies.
#[utoipa::path(
    get, path = "/public/checkpoints.atom", tag = "public",
    params(AgencyCode),
    responses(
        (status = 200, content_type = "application/atom+xml", body = String),
        (status = 400, body = Problem, description = "no agency given"),
        (status = 404, body = Problem, description = "unknown agency"),
    )
)]
pub async fn checkpoints_feed(state: web::Data<AppState>, query: ApiQuery<AgencyCode>) -> AppResult<HttpResponse> {
    let code = query.0.agency.trim().to_string();
    let (agency, rows) = state
        .db(move |conn| {
            let agency = crate::agencies::store::find_by_code(conn, &code)?.ok_or(AppError::NotFound("agency"))?;
            let rows = store::page(conn, &agency.id, &crate::http::PageRequest { limit: 50, after: None })?;
            Ok((agency, rows))
        })
        .await?;
    let items: Vec<CheckpointView> = rows.into_iter().take(50).map(CheckpointView::new).collect();
    let updated = items.first().map_or_else(clock::now, |c| c.created_at);
    let self_link = format!("/public/checkpoints.atom?agency={}", escape(&agency.code));
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n<title>{} 执法全过程记录检查点</title>\n<id>tag:enforcement,2026:record-checkpoints:{}</id>\n<link rel=\"self\" href=\"{self_link}\"/>\n<updated>{}</updated>\n<author><name>{}</name></author>\n",
        escape(&agency.name),
        escape(&agency.id),
        updated.to_rfc3339(),
        escape(&agency.name),
    );
    for c in &items {
        xml.push_str(&format!(
            "<entry>\n<title>记录检查点 第{}号（{}件案件）</title>\n<id>urn:uuid:{}</id>\n<link rel=\"alternate\" type=\"application/json\" href=\"/api/v1/public/checkpoints/{}\"/>\n<updated>{}</updated>\n<content type=\"text\">{}signature {} {}\npublic-key {}\n</content>\n</entry>\n",
            c.sequence,
            c.cases,
            escape(&c.id),
            escape(&c.id),
            c.created_at.to_rfc3339(),
            escape(&c.statement),
            escape(&c.signature_algorithm),
            escape(&c.signature),
            escape(&c.public_key),
        ));
    }
    xml.push_str("</feed>\n");
    Ok(crate::disclosures::html::atom_response(xml))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProofParams {
    /// The checkpoint to prove against; the agency's newest when absent.
    pub checkpoint: Option<String>,
}

/// The proof that a checkpoint covers a case's record, and whether the record as stored
/// now still extends it. Check it without trusting the service: the leaf hash is
/// SHA-256(0x00 ‖ `case_id\nlength\nhead_hash`); the inclusion path leads to `root_hash`
/// (RFC 9162 §2.1.3.2); the statement names that root and is signed.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordProof {
    pub checkpoint: CheckpointView,
    pub case_id: String,
    /// The record's length and last hash when the checkpoint was signed.
    pub committed_length: i64,
    pub committed_head_hash: String,
    pub leaf_hash: String,
    pub leaf_index: i64,
    /// Sibling hashes from the leaf up to the root, hex.
    pub inclusion_path: Vec<String>,
    /// The signature verifies with the checkpoint's public key.
    pub signature_valid: bool,
    /// The inclusion path leads to the signed root.
    pub included: bool,
    /// The record's length now.
    pub current_length: i64,
    /// The record now verifies and extends the committed head.
    pub extends: bool,
    /// Why it does not, when it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

/// Prove that a signed checkpoint covers this case's record and that the record still
/// extends it. Whoever may read the record.
#[utoipa::path(
    get, path = "/api/v1/cases/{id}/record/proof", tag = "cases",
    params(("id" = String, Path), ProofParams),
    responses(
        (status = 200, body = RecordProof),
        (status = 401, body = Problem),
        (status = 404, body = Problem, description = "no such case or checkpoint, or no checkpoint yet"),
        (status = 422, body = Problem, description = "the checkpoint was signed before the case had a record (case_not_in_checkpoint)"),
    ),
    security(("bearer" = []))
)]
pub async fn record_proof(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    params: ApiQuery<ProofParams>,
) -> AppResult<HttpResponse> {
    let case_id = id.into_inner();
    let wanted = params.0.checkpoint;
    let proof = state
        .db(move |conn| {
            let (case, _) =
                crate::cases::store::load(conn, &user.agency_id, &case_id)?.ok_or(AppError::NotFound("case"))?;
            let checkpoint = match wanted.as_deref() {
                Some(id) => store::find(conn, &user.agency_id, id)?,
                None => store::latest(conn, &user.agency_id)?,
            }
            .ok_or(AppError::NotFound("checkpoint"))?;
            let inclusion = store::inclusion(conn, &checkpoint, &case.id)?.ok_or_else(|| {
                AppError::rule(
                    "case_not_in_checkpoint",
                    format!("checkpoint {} was signed before this case had a record", checkpoint.seq),
                )
            })?;
            let events = crate::record::store::events(conn, &case.id)?;
            Ok(prove(checkpoint, inclusion, &events))
        })
        .await?;
    if !proof.extends || !proof.included || !proof.signature_valid {
        tracing::error!(case_id = %proof.case_id, problem = ?proof.problem, "a case record failed its checkpoint proof");
    }
    Ok(HttpResponse::Ok().json(proof))
}

fn prove(
    checkpoint: CheckpointRow,
    inclusion: store::Inclusion,
    events: &[crate::record::chain::Event],
) -> RecordProof {
    let leaf = inclusion.head.leaf_hash();
    let signature_valid = verify_signature(&checkpoint.public_key, &checkpoint.statement, &checkpoint.signature)
        .is_ok()
        && model::Statement::parse(&checkpoint.statement).is_ok_and(|s| s.root == checkpoint.root_hash);
    let included = merkle::root_from_inclusion(
        inclusion.leaf_index as u64,
        checkpoint.tree_size.max(0) as u64,
        leaf,
        &inclusion.path,
    )
    .is_some_and(|root| hex::encode(root) == checkpoint.root_hash);
    let extension = model::extends(&inclusion.head, events);
    let Head {
        case_id,
        length,
        head_hash,
    } = inclusion.head;
    RecordProof {
        case_id,
        committed_length: length,
        committed_head_hash: head_hash,
        leaf_hash: hex::encode(leaf),
        leaf_index: inclusion.leaf_index as i64,
        inclusion_path: inclusion.path.iter().map(hex::encode).collect(),
        signature_valid,
        included,
        current_length: events.len() as i64,
        extends: extension.is_ok(),
        problem: extension.err(),
        checkpoint: CheckpointView::new(checkpoint),
    }
}

/// Signs each agency's checkpoint every `interval` when a record moved, off the request
/// path. A failed round is logged and retried at the next tick.
pub fn sign_on_schedule(state: web::Data<AppState>, interval: std::time::Duration) {
    if interval.is_zero() {
        return;
    }
    tokio::spawn(async move {
        // The first round one interval after start: a restart does not sign at once.
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let key = state.settings.checkpoint_key.clone();
            let agencies = match state.db(|conn| Ok(store::agency_ids(conn)?)).await {
                Ok(agencies) => agencies,
                Err(error) => {
                    tracing::warn!(error = %error, "listing agencies for the record checkpoint failed; retrying at the next tick");
                    continue;
                }
            };
            for agency_id in agencies {
                let key = key.clone();
                let made = state
                    .db_write(move |conn| {
                        Ok(store::make(
                            conn,
                            &agency_id,
                            &key,
                            Origin::Schedule,
                            None,
                            clock::now(),
                        )?)
                    })
                    .await;
                match made {
                    Ok(store::Made {
                        checkpoint: Some(row), ..
                    }) => {
                        tracing::info!(agency_id = %row.agency_id, sequence = row.seq, cases = row.tree_size, changed = row.changed, "record checkpoint signed")
                    }
                    Ok(_) => {}
                    Err(error) => {
                        tracing::warn!(error = %error, "signing a record checkpoint failed; retrying at the next tick")
                    }
                }
            }
        }
    });
}
