//! Document rows: issued inside the transaction of the case step they belong to, never
//! changed afterwards (database triggers refuse it) except to be marked superseded once.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::cases::model::{Case, DecisionDocument, InvestigationRecordType};
use crate::cases::store::CaseMeta;
use crate::db::DbConn;
use crate::db::schema::{documents, power_versions};
use crate::documents::model::{self, DocumentContent, DocumentKind, EvidenceItem, NoticeText, Party, Sources};
use crate::error::{AppError, AppResult};
use crate::http::PageRequest;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = documents)]
pub struct DocumentRow {
    pub id: String,
    pub agency_id: String,
    pub case_id: String,
    pub kind: DocumentKind,
    pub number: String,
    /// The content in canonical JSON, exactly as hashed.
    pub content: String,
    pub content_hash: String,
    pub issued_at: NaiveDateTime,
    pub superseded_by: Option<String>,
}

/// A document just issued, as the step's record event names it.
#[derive(Debug, Clone)]
pub struct Issued {
    pub id: String,
    pub kind: DocumentKind,
    pub number: String,
    pub hash: String,
}

impl Issued {
    /// `payload["document"]` of the step's record event.
    pub fn reference(&self) -> Value {
        json!({"id": self.id, "kind": self.kind, "number": self.number, "hash": self.hash})
    }
}

/// Issues the decision document of a case just decided (its number allocated).
pub fn issue_decision(
    conn: &mut DbConn,
    case: &Case,
    document: DecisionDocument,
    now: DateTime<Utc>,
) -> AppResult<Issued> {
    let number = case
        .decision_number
        .clone()
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("a decision document needs the decision number")))?;
    let sources = sources(conn, case)?;
    let content = model::decision(case, &number, &sources).map_err(|e| AppError::internal(anyhow::anyhow!(e)))?;
    if content.kind != DocumentKind::for_decision(document) {
        return Err(AppError::internal(anyhow::anyhow!(
            "the decision's outcome and its numbered document disagree"
        )));
    }
    insert(conn, case, &content, now)
}

/// Issues the prior notice of a case just notified; a notice it replaces (重新告知) is
/// marked superseded by it. `payload` is the `notify` step's, which holds the facts and
/// basis stated.
pub fn issue_notice(
    conn: &mut DbConn,
    case: &Case,
    meta: &CaseMeta,
    payload: &Value,
    now: DateTime<Utc>,
) -> AppResult<Issued> {
    let text = |key: &str| payload[key].as_str().unwrap_or_default().to_string();
    let previous: Vec<DocumentRow> = documents::table
        .filter(documents::case_id.eq(&case.id))
        .filter(documents::kind.eq(DocumentKind::Notice))
        .order(documents::id.asc())
        .select(DocumentRow::as_select())
        .load(conn)?;
    let agency = crate::agencies::store::find(conn, &case.agency_id)?;
    let number = model::notice_number(
        &agency.case_prefix,
        meta.number_year,
        meta.number_seq,
        previous.len() as u32 + 1,
    );
    let sources = sources(conn, case)?;
    let notice_text = NoticeText {
        facts: text("facts"),
        legal_basis: text("legal_basis"),
    };
    let content =
        model::notice(case, &number, &sources, notice_text).map_err(|e| AppError::internal(anyhow::anyhow!(e)))?;
    let issued = insert(conn, case, &content, now)?;
    for replaced in previous.iter().filter(|d| d.superseded_by.is_none()) {
        diesel::update(documents::table.find(&replaced.id))
            .set(documents::superseded_by.eq(&issued.id))
            .execute(conn)?;
    }
    Ok(issued)
}

fn insert(conn: &mut DbConn, case: &Case, content: &DocumentContent, now: DateTime<Utc>) -> AppResult<Issued> {
    let value = serde_json::to_value(content).map_err(AppError::internal)?;
    let row = DocumentRow {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: case.agency_id.clone(),
        case_id: case.id.clone(),
        kind: content.kind,
        number: content.number.clone(),
        content: crate::record::chain::canonical_json(&value),
        content_hash: model::content_hash(&value),
        issued_at: crate::clock::to_db(now),
        superseded_by: None,
    };
    diesel::insert_into(documents::table).values(&row).execute(conn)?;
    Ok(Issued {
        id: row.id,
        kind: row.kind,
        number: row.number,
        hash: row.content_hash,
    })
}

/// The party, the agency, the investigation records and the cited bases, as they stand.
fn sources(conn: &mut DbConn, case: &Case) -> AppResult<Sources> {
    let agency = crate::agencies::store::find(conn, &case.agency_id)?;
    let subject = crate::subjects::store::find_in_agency(conn, &case.agency_id, &case.subject_id)?
        .ok_or(AppError::NotFound("subject"))?
        .profile;
    let party = Party::new(
        subject.kind,
        subject.name,
        (subject.uscc, subject.id_card_no),
        subject.legal_representative,
        subject.address,
    );
    let evidence = crate::record::store::events(conn, &case.id)?
        .into_iter()
        .filter(|event| event.action == "record_investigation")
        .filter_map(|event| {
            let record_type = InvestigationRecordType::parse(event.payload["record_type"].as_str()?)?;
            let content = event.payload["content"].as_str()?.to_string();
            let at = DateTime::parse_from_rfc3339(&event.at).ok()?;
            let recorded_on = at.with_timezone(&crate::clock::shanghai()).date_naive();
            Some(EvidenceItem::new(record_type, content, recorded_on, event.seq))
        })
        .collect();
    let version_ids: Vec<&str> = case.powers.iter().map(|p| p.power_version_id.as_str()).collect();
    let bases: Vec<(String, String)> = power_versions::table
        .filter(power_versions::id.eq_any(&version_ids))
        .select((power_versions::id, power_versions::legal_basis))
        .load(conn)?;
    let power_bases = version_ids
        .iter()
        .filter_map(|id| bases.iter().find(|(version, _)| version == id))
        .map(|(_, basis)| basis.clone())
        .collect();
    Ok(Sources {
        agency_name: agency.name,
        party,
        evidence,
        power_bases,
    })
}

pub fn find(conn: &mut DbConn, agency_id: &str, id: &str) -> QueryResult<Option<DocumentRow>> {
    documents::table
        .filter(documents::agency_id.eq(agency_id))
        .filter(documents::id.eq(id))
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()
}

/// A page of a case's documents in the order they were issued (ids are UUIDv7).
pub fn of_case(conn: &mut DbConn, case_id: &str, page: &PageRequest) -> QueryResult<Vec<DocumentRow>> {
    let mut query = documents::table
        .filter(documents::case_id.eq(case_id))
        .select(DocumentRow::as_select())
        .order(documents::id.asc())
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(after) = &page.after {
        query = query.filter(documents::id.gt(after.clone()));
    }
    query.load(conn)
}
