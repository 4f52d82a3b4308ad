//! The inspection items a case cites and its inspection plan (approval, emergency start,
//! code, results notice) in their tables.

use std::collections::HashMap;

use super::*;
use crate::cases::model::{
    CapExemption, CapExemptionKind, CitedItem, EmergencyStart, InspectionApproval, InspectionMethod, InspectionPlan,
};
use crate::db::schema::{case_inspection_items, inspection_items, inspection_plans};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = inspection_plans, treat_none_as_null = true)]
struct PlanRow {
    case_id: String,
    method: InspectionMethod,
    approved_by: Option<String>,
    approved_at: Option<NaiveDateTime>,
    approved_on: Option<NaiveDate>,
    planned_from: Option<NaiveDate>,
    planned_to: Option<NaiveDate>,
    emergency_reason: Option<String>,
    emergency_started_on: Option<NaiveDate>,
    approval_due_on: Option<NaiveDate>,
    cap_exemption: Option<CapExemptionKind>,
    cap_exemption_reason: Option<String>,
    code: Option<String>,
    code_presented: bool,
    results_due_on: Option<NaiveDate>,
    results_notified_on: Option<NaiveDate>,
    results_notice_method: Option<String>,
}

impl PlanRow {
    fn from_plan(case_id: &str, plan: &InspectionPlan, approved_at: Option<NaiveDateTime>) -> Self {
        PlanRow {
            case_id: case_id.to_string(),
            method: plan.method,
            approved_by: plan.approval.as_ref().map(|a| a.approved_by.clone()),
            approved_at,
            approved_on: plan.approval.as_ref().map(|a| a.approved_on),
            planned_from: plan.approval.as_ref().map(|a| a.planned_from),
            planned_to: plan.approval.as_ref().map(|a| a.planned_to),
            emergency_reason: plan.emergency.as_ref().map(|e| e.reason.clone()),
            emergency_started_on: plan.emergency.as_ref().map(|e| e.started_on),
            approval_due_on: plan.emergency.as_ref().map(|e| e.approval_due_on),
            cap_exemption: plan.cap_exemption.as_ref().map(|e| e.kind),
            cap_exemption_reason: plan.cap_exemption.as_ref().map(|e| e.reason.clone()),
            code: plan.code.clone(),
            code_presented: plan.code_presented,
            results_due_on: plan.results_due_on,
            results_notified_on: plan.results_notified_on,
            results_notice_method: plan.results_notice_method.clone(),
        }
    }

    fn into_plan(self) -> InspectionPlan {
        let approval = match (self.approved_by, self.approved_on, self.planned_from, self.planned_to) {
            (Some(approved_by), Some(approved_on), Some(planned_from), Some(planned_to)) => Some(InspectionApproval {
                approved_by,
                approved_on,
                planned_from,
                planned_to,
            }),
            _ => None,
        };
        let emergency = match (self.emergency_reason, self.emergency_started_on, self.approval_due_on) {
            (Some(reason), Some(started_on), Some(approval_due_on)) => Some(EmergencyStart {
                reason,
                started_on,
                approval_due_on,
            }),
            _ => None,
        };
        InspectionPlan {
            method: self.method,
            approval,
            emergency,
            cap_exemption: self.cap_exemption.map(|kind| CapExemption {
                kind,
                reason: self.cap_exemption_reason.unwrap_or_default(),
            }),
            code: self.code,
            code_presented: self.code_presented,
            results_due_on: self.results_due_on,
            results_notified_on: self.results_notified_on,
            results_notice_method: self.results_notice_method,
        }
    }
}

/// The plans of these cases, by case id.
pub(super) fn load_plans(conn: &mut DbConn, case_ids: &[String]) -> QueryResult<HashMap<String, InspectionPlan>> {
    let rows: Vec<PlanRow> = inspection_plans::table
        .filter(inspection_plans::case_id.eq_any(case_ids))
        .select(PlanRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| (row.case_id.clone(), row.into_plan()))
        .collect())
}

/// The items these cases cite, by case id, in the order cited.
pub(super) fn load_items(conn: &mut DbConn, case_ids: &[String]) -> QueryResult<HashMap<String, Vec<CitedItem>>> {
    type ItemRow = (String, String, String, String, InspectionMethod, Option<i32>, bool);
    let rows: Vec<ItemRow> = case_inspection_items::table
        .inner_join(inspection_items::table)
        .filter(case_inspection_items::case_id.eq_any(case_ids))
        .order((
            case_inspection_items::case_id.asc(),
            case_inspection_items::position.asc(),
        ))
        .select((
            case_inspection_items::case_id,
            inspection_items::id,
            inspection_items::code,
            inspection_items::name,
            inspection_items::method,
            inspection_items::yearly_cap,
            inspection_items::complaint_exempt,
        ))
        .load(conn)?;
    let mut by_case: HashMap<String, Vec<CitedItem>> = HashMap::new();
    for (case_id, item_id, code, name, method, yearly_cap, complaint_exempt) in rows {
        by_case.entry(case_id).or_default().push(CitedItem {
            item_id,
            code,
            name,
            method,
            yearly_cap: yearly_cap.and_then(|cap| u32::try_from(cap).ok()),
            complaint_exempt,
        });
    }
    Ok(by_case)
}

/// Writes a new case's items and plan.
pub(super) fn insert_items_and_plan(conn: &mut DbConn, case: &Case) -> QueryResult<()> {
    for (position, item) in case.inspection_items.iter().enumerate() {
        diesel::insert_into(case_inspection_items::table)
            .values((
                case_inspection_items::case_id.eq(&case.id),
                case_inspection_items::item_id.eq(&item.item_id),
                case_inspection_items::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    if let Some(plan) = &case.plan {
        diesel::insert_into(inspection_plans::table)
            .values(PlanRow::from_plan(&case.id, plan, None))
            .execute(conn)?;
    }
    Ok(())
}

/// Writes a case's plan as it now stands; a new approval is stamped `now`.
pub(super) fn save_plan(conn: &mut DbConn, case: &Case, now: NaiveDateTime) -> QueryResult<()> {
    let Some(plan) = &case.plan else { return Ok(()) };
    let kept_at: Option<Option<NaiveDateTime>> = inspection_plans::table
        .filter(inspection_plans::case_id.eq(&case.id))
        .select(inspection_plans::approved_at)
        .first(conn)
        .optional()?;
    let approved_at = kept_at.flatten().or(plan.approval.as_ref().map(|_| now));
    let row = PlanRow::from_plan(&case.id, plan, approved_at);
    match kept_at {
        Some(_) => diesel::update(inspection_plans::table.filter(inspection_plans::case_id.eq(&case.id)))
            .set(&row)
            .execute(conn)?,
        None => diesel::insert_into(inspection_plans::table)
            .values(&row)
            .execute(conn)?,
    };
    Ok(())
}

/// How many approved inspections of `subject_id` by the agency cite each of `item_ids`
/// in `year`, not counting `except_case` nor those approved under an exemption: what the
/// yearly cap counts (国办发〔2024〕54号 四).
pub fn approved_inspections_this_year(
    conn: &mut DbConn,
    agency_id: &str,
    subject_id: &str,
    item_ids: &[String],
    year: i32,
    except_case: &str,
) -> QueryResult<HashMap<String, u32>> {
    let (from, to) = match (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) {
        (Some(from), Some(to)) => (from, to),
        _ => return Ok(HashMap::new()),
    };
    let rows: Vec<String> = case_inspection_items::table
        .inner_join(cases::table)
        .inner_join(inspection_plans::table.on(inspection_plans::case_id.eq(cases::id)))
        .filter(cases::agency_id.eq(agency_id))
        .filter(cases::subject_id.eq(subject_id))
        .filter(cases::id.ne(except_case))
        .filter(cases::status.ne(CaseStatus::Voided))
        .filter(case_inspection_items::item_id.eq_any(item_ids))
        .filter(inspection_plans::planned_from.between(from, to))
        .filter(inspection_plans::cap_exemption.is_null())
        .select(case_inspection_items::item_id)
        .load(conn)?;
    let mut counts = HashMap::new();
    for item_id in rows {
        *counts.entry(item_id).or_insert(0u32) += 1;
    }
    Ok(counts)
}

/// Logs that the yearly cap (国办发〔2024〕54号 四) refused `by`'s approval of `case_id`: the
/// refusal changed nothing, but the statistics count it. Nothing when the case is not the
/// agency's.
pub fn record_cap_refusal(
    conn: &mut DbConn,
    agency_id: &str,
    case_id: &str,
    by: &str,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> QueryResult<()> {
    use crate::db::schema::inspection_cap_refusals;
    let subject_id: Option<String> = cases::table
        .filter(cases::agency_id.eq(agency_id))
        .filter(cases::id.eq(case_id))
        .select(cases::subject_id)
        .first(conn)
        .optional()?;
    let Some(subject_id) = subject_id else {
        return Ok(());
    };
    diesel::insert_into(inspection_cap_refusals::table)
        .values((
            inspection_cap_refusals::id.eq(uuid::Uuid::now_v7().to_string()),
            inspection_cap_refusals::agency_id.eq(agency_id),
            inspection_cap_refusals::case_id.eq(case_id),
            inspection_cap_refusals::subject_id.eq(subject_id),
            inspection_cap_refusals::refused_by.eq(by),
            inspection_cap_refusals::refused_on.eq(today),
            inspection_cap_refusals::created_at.eq(crate::clock::to_db(now)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The agency and case an inspection code was issued for (the code as normalised).
pub fn case_by_code(conn: &mut DbConn, code: &str) -> QueryResult<Option<(String, String)>> {
    let code = crate::cases::model::normalize_code(code);
    inspection_plans::table
        .inner_join(cases::table.on(cases::id.eq(inspection_plans::case_id)))
        .filter(inspection_plans::code.eq(code))
        .select((cases::agency_id, cases::id))
        .first(conn)
        .optional()
}

/// The case an inspection code was issued for, with its agency's id; 404 for an unknown code.
pub fn load_by_code(conn: &mut DbConn, code: &str) -> AppResult<(String, Case, CaseMeta)> {
    let (agency_id, case_id) = case_by_code(conn, code)?.ok_or(AppError::NotFound("inspection code"))?;
    let (case, meta) = super::load(conn, &agency_id, &case_id)?.ok_or(AppError::NotFound("inspection code"))?;
    Ok((agency_id, case, meta))
}
