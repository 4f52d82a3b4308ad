//! The statistics, counted in the database (DESIGN §7). Case counts go through the filters
//! of `GET /cases` (`cases::store::matching`), so each figure's drill-down query lists
//! exactly the cases it counts; the few figures that count something else (findings,
//! officers, powers, reviews) say in their doc what their drill-down lists.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::cases::model::{
    CaseKind, CaseStatus, HazardLevel, InspectionResult, Outcome, PenaltyType, Procedure, ReviewOutcome,
};
use crate::cases::store::{CaseFilter, matching};
use crate::db::DbConn;
use crate::db::schema::{
    case_findings, case_officers, case_powers, case_revocations, cases, legal_reviews, power_versions, users,
};
use crate::stats::model::{self, Headline, Period};

/// A rate: how many of how many, the exact fraction and the percentage.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Rate {
    pub count: u64,
    pub total: u64,
    /// `count/total`, e.g. 265/288.
    pub fraction: String,
    /// One decimal (92.0%); a whole 100% prints as 100%; null when `total` is 0.
    pub rate: Option<String>,
}

impl Rate {
    pub(crate) fn new(count: u64, total: u64) -> Self {
        Rate {
            count,
            total,
            fraction: format!("{count}/{total}"),
            rate: model::percent(count, total),
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HazardFigures {
    /// Findings of this level on cases opened in the period (voided excluded).
    pub found: i64,
    /// Of those, verified rectified.
    pub rectified: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DecisionFigures {
    /// Penalty decisions made in the period that still stand (not revoked or void).
    pub total: i64,
    pub by_procedure: BTreeMap<String, i64>,
    /// Decisions imposing each penalty type (a decision with two types counts in both).
    pub by_type: BTreeMap<String, i64>,
    /// Decisions made in the period and since revoked or found void (not in `total`).
    pub revoked: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReviewFigures {
    /// Opinions signed in the period, by outcome.
    pub by_outcome: BTreeMap<String, i64>,
    /// Submitted by the period's end and not signed by then.
    pub pending_at_end: i64,
    /// Median calendar days from submission to the signed opinion, over those signed in
    /// the period.
    pub median_days_to_opinion: Option<f64>,
}

/// The figures of DESIGN §7 for a period and the caller's agency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Summary {
    pub period: Period,
    /// 2024年, 2024年第三季度, or the dates.
    pub period_label: String,
    /// Cases opened in the period, voided ones excluded.
    pub cases_total: i64,
    pub inspection_cases: i64,
    pub penalty_cases: i64,
    /// Fines of penalty decisions made in the period that still stand.
    pub fines_total_fen: i64,
    /// Officers certified during the period (an enforcement certificate not expired before
    /// it began) named on a case opened in it, of all such officers.
    pub officer_participation: Rate,
    /// Powers in force during the period cited by a case opened in it, of all such powers.
    pub power_performance: Rate,
    /// `general` and `major` hazards (一般 / 重大隐患).
    pub hazards: BTreeMap<String, HazardFigures>,
    /// Inspection cases opened in the period by their recorded result.
    pub inspections_by_result: BTreeMap<String, i64>,
    pub penalty_decisions: DecisionFigures,
    pub legal_reviews: ReviewFigures,
    /// Cases opened in the period past a deadline with its step undone, as of today.
    pub overdue_cases: i64,
    /// Cases opened in the period and transferred (移送) to a department or judicial organs.
    pub transfers: i64,
    /// 事后公示 due in the period: published on time, late, still pending past the due date.
    pub disclosures: crate::disclosures::api::DisclosureFigures,
    /// Inspections of enterprises (国办发〔2024〕54号): items, approvals, codes, ratings.
    pub enterprise_inspections: crate::stats::enterprise::EnterpriseInspectionFigures,
    /// Double-random plans first drawn in the period (双随机、一公开): subjects drawn,
    /// inspected, problems found, results published and on time (20 working days).
    pub random_inspections: crate::random_plans::api::RandomInspectionFigures,
    /// 干预插手登记: reports entered in the period, by method and by referral status.
    pub interference_reports: crate::interference::store::InterferenceFigures,
    /// 案件移送: transfer letters issued in the period, by destination, kind and status,
    /// and cases received from other departments.
    pub transfer_letters: crate::transfers::store::TransferFigures,
    /// For each figure (by its path, e.g. `hazards.major.found`), the `GET /cases` query
    /// listing the cases behind it. Officer and power rates list the period's cases (each
    /// officer's and power's own in `/stats/breakdown`); hazard counts are findings, listed
    /// by the cases holding them.
    pub drill_down: BTreeMap<String, String>,
}

impl Summary {
    pub fn headline(&self) -> Headline {
        Headline {
            cases_total: self.cases_total,
            inspection_cases: self.inspection_cases,
            penalty_cases: self.penalty_cases,
            fines_total_fen: self.fines_total_fen,
            officer_participation: self.officer_participation.rate.clone(),
            power_performance: self.power_performance.rate.clone(),
        }
    }
}

/// The `GET /cases` query of a filter: its set parameters, in declaration order.
pub fn cases_query(filter: &CaseFilter) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(filter) {
        for (key, value) in fields {
            match value {
                serde_json::Value::Null => {}
                serde_json::Value::String(text) => {
                    query.append_pair(&key, &text);
                }
                other => {
                    query.append_pair(&key, &other.to_string());
                }
            }
        }
    }
    format!("/api/v1/cases?{}", query.finish())
}

/// Counting context: the agency, the period and today (for overdue).
pub struct Counter<'a> {
    pub agency_id: &'a str,
    pub period: Period,
    pub today: NaiveDate,
}

impl Counter<'_> {
    /// Cases opened in the period, voided ones excluded.
    pub fn opened(&self) -> CaseFilter {
        CaseFilter {
            opened_from: Some(self.period.from),
            opened_to: Some(self.period.to),
            voided: Some(false),
            ..CaseFilter::default()
        }
    }

    /// Penalty decisions made in the period that still stand.
    pub fn decided(&self) -> CaseFilter {
        CaseFilter {
            outcome: Some(Outcome::Penalty),
            decided_from: Some(self.period.from),
            decided_to: Some(self.period.to),
            revoked: Some(false),
            ..CaseFilter::default()
        }
    }

    pub fn count(&self, conn: &mut DbConn, filter: &CaseFilter) -> QueryResult<i64> {
        matching(self.agency_id, filter, self.today).count().get_result(conn)
    }

    /// The fines of the cases a filter lists.
    pub fn fines(&self, conn: &mut DbConn, filter: &CaseFilter) -> QueryResult<i64> {
        let amounts: Vec<Option<i64>> = matching(self.agency_id, filter, self.today)
            .select(cases::fine_amount_fen)
            .load(conn)?;
        Ok(amounts.into_iter().flatten().filter(|a| *a > 0).sum())
    }

    /// Officers certified during the period: (id, name), by name.
    pub fn officers(&self, conn: &mut DbConn) -> QueryResult<Vec<(String, String)>> {
        // No account date is asked: cases entered afterwards (补录) name officers whose
        // accounts are younger than the cases; the certificate is what counts.
        users::table
            .filter(users::agency_id.eq(self.agency_id))
            .filter(users::roles.like("%officer%"))
            .filter(users::certificate_no.is_not_null())
            .filter(users::certificate_expires_on.ge(self.period.from))
            .order((users::display_name.asc(), users::id.asc()))
            .select((users::id, users::display_name))
            .load(conn)
    }

    /// Officers named on a case opened in the period.
    fn officers_on_cases(&self, conn: &mut DbConn) -> QueryResult<HashSet<String>> {
        let ids: Vec<String> = case_officers::table
            .inner_join(cases::table)
            .filter(cases::agency_id.eq(self.agency_id))
            .filter(cases::opened_on.ge(self.period.from))
            .filter(cases::opened_on.le(self.period.to))
            .filter(cases::status.ne(CaseStatus::Voided))
            .select(case_officers::user_id)
            .distinct()
            .load(conn)?;
        Ok(ids.into_iter().collect())
    }

    /// Powers in force at some time in the period: (power id, code, name, department) of
    /// the latest version in force in it, by code.
    pub fn powers(&self, conn: &mut DbConn) -> QueryResult<Vec<(String, String, String, String)>> {
        let versions: Vec<(String, i32, String, String, String)> = power_versions::table
            .filter(power_versions::agency_id.eq(self.agency_id))
            .filter(power_versions::effective_from.le(self.period.to))
            .filter(
                power_versions::effective_to
                    .is_null()
                    .or(power_versions::effective_to.ge(self.period.from)),
            )
            .select((
                power_versions::power_id,
                power_versions::version,
                power_versions::code,
                power_versions::name,
                power_versions::source_department,
            ))
            .load(conn)?;
        let mut latest: BTreeMap<String, (i32, String, String, String)> = BTreeMap::new();
        for (power_id, version, code, name, department) in versions {
            if latest.get(&power_id).is_none_or(|(v, ..)| *v < version) {
                latest.insert(power_id, (version, code, name, department));
            }
        }
        let mut powers: Vec<(String, String, String, String)> = latest
            .into_iter()
            .map(|(id, (_, code, name, department))| (id, code, name, department))
            .collect();
        powers.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(powers)
    }

    /// Powers cited by a case opened in the period.
    fn powers_cited(&self, conn: &mut DbConn) -> QueryResult<HashSet<String>> {
        let ids: Vec<String> = case_powers::table
            .inner_join(cases::table)
            .filter(cases::agency_id.eq(self.agency_id))
            .filter(cases::opened_on.ge(self.period.from))
            .filter(cases::opened_on.le(self.period.to))
            .filter(cases::status.ne(CaseStatus::Voided))
            .select(case_powers::power_id)
            .distinct()
            .load(conn)?;
        Ok(ids.into_iter().collect())
    }

    fn reviews(&self, conn: &mut DbConn) -> QueryResult<ReviewFigures> {
        let signed: Vec<(Option<String>, NaiveDate, Option<NaiveDate>)> = legal_reviews::table
            .filter(legal_reviews::agency_id.eq(self.agency_id))
            .filter(legal_reviews::reviewed_on.ge(self.period.from))
            .filter(legal_reviews::reviewed_on.le(self.period.to))
            .select((
                legal_reviews::outcome,
                legal_reviews::submitted_on,
                legal_reviews::reviewed_on,
            ))
            .load(conn)?;
        let mut by_outcome: BTreeMap<String, i64> =
            ReviewOutcome::ALL.iter().map(|o| (o.as_str().to_string(), 0)).collect();
        let mut days = Vec::new();
        for (outcome, submitted_on, reviewed_on) in signed {
            if let Some(outcome) = outcome {
                *by_outcome.entry(outcome).or_default() += 1;
            }
            if let Some(reviewed_on) = reviewed_on {
                days.push((reviewed_on - submitted_on).num_days());
            }
        }
        let pending_at_end = legal_reviews::table
            .filter(legal_reviews::agency_id.eq(self.agency_id))
            .filter(legal_reviews::submitted_on.le(self.period.to))
            .filter(
                legal_reviews::reviewed_on
                    .is_null()
                    .or(legal_reviews::reviewed_on.gt(self.period.to)),
            )
            .count()
            .get_result(conn)?;
        Ok(ReviewFigures {
            by_outcome,
            pending_at_end,
            median_days_to_opinion: model::median(days),
        })
    }
}

/// A decision as the summary reads it: procedure, penalties (JSON), fine, and the case id
/// again when the decision was revoked.
type DecisionRow = (Option<Procedure>, String, Option<i64>, Option<String>);

/// The summary of a period for an agency: a handful of grouped queries over the period's
/// cases, decisions, findings and reviews (each range read once, by index), and the
/// drill-down queries that list the same cases through `GET /cases` — a test holds every
/// figure to its drill-down.
pub fn summary(conn: &mut DbConn, agency_id: &str, period: Period, today: NaiveDate) -> QueryResult<Summary> {
    let counter = Counter {
        agency_id,
        period,
        today,
    };
    let opened = counter.opened();
    let decided = counter.decided();
    let mut drill_down = BTreeMap::new();
    let mut drill = |name: String, filter: &CaseFilter| {
        drill_down.insert(name, cases_query(filter));
    };

    // The period's cases by kind, inspection result and whether transferred.
    let groups: Vec<(CaseKind, Option<InspectionResult>, Option<String>, i64)> = cases::table
        .filter(cases::agency_id.eq(agency_id))
        .filter(cases::opened_on.ge(period.from))
        .filter(cases::opened_on.le(period.to))
        .filter(cases::status.ne(CaseStatus::Voided))
        .group_by((cases::kind, cases::inspection_result, cases::transferred_to))
        .select((
            cases::kind,
            cases::inspection_result,
            cases::transferred_to,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let (mut cases_total, mut inspection_cases, mut penalty_cases, mut transfers) = (0, 0, 0, 0);
    let mut inspections_by_result: BTreeMap<String, i64> =
        InspectionResult::ALL.iter().map(|r| (r.to_string(), 0)).collect();
    for (kind, result, transferred_to, count) in groups {
        cases_total += count;
        match kind {
            CaseKind::Inspection => inspection_cases += count,
            CaseKind::Penalty => penalty_cases += count,
        }
        if kind == CaseKind::Inspection
            && let Some(result) = result
        {
            *inspections_by_result.entry(result.to_string()).or_default() += count;
        }
        if transferred_to.is_some() {
            transfers += count;
        }
    }
    drill("cases_total".into(), &opened);
    let of_kind = |kind| CaseFilter {
        kind: Some(kind),
        ..opened.clone()
    };
    drill("inspection_cases".into(), &of_kind(CaseKind::Inspection));
    drill("penalty_cases".into(), &of_kind(CaseKind::Penalty));
    for result in InspectionResult::ALL {
        let filter = CaseFilter {
            inspection_result: Some(*result),
            ..of_kind(CaseKind::Inspection)
        };
        drill(format!("inspections_by_result.{result}"), &filter);
    }
    drill(
        "transfers".into(),
        &CaseFilter {
            transferred: Some(true),
            ..opened.clone()
        },
    );

    // The period's penalty decisions, standing or revoked since.
    let decisions: Vec<DecisionRow> = cases::table
        .left_join(case_revocations::table)
        .filter(cases::agency_id.eq(agency_id))
        .filter(cases::decided_on.ge(period.from))
        .filter(cases::decided_on.le(period.to))
        .filter(cases::outcome.eq(Outcome::Penalty))
        .select((
            cases::procedure,
            cases::penalties,
            cases::fine_amount_fen,
            case_revocations::case_id.nullable(),
        ))
        .load(conn)?;
    let mut by_procedure: BTreeMap<String, i64> = Procedure::ALL.iter().map(|p| (p.to_string(), 0)).collect();
    let mut by_type: BTreeMap<String, i64> = PenaltyType::ALL.iter().map(|t| (t.to_string(), 0)).collect();
    let (mut total_decisions, mut revoked, mut fines_total_fen) = (0, 0, 0);
    for (procedure, penalties, fine, revocation) in decisions {
        if revocation.is_some() {
            revoked += 1;
            continue;
        }
        total_decisions += 1;
        fines_total_fen += fine.unwrap_or(0).max(0);
        if let Some(procedure) = procedure {
            *by_procedure.entry(procedure.to_string()).or_default() += 1;
        }
        let penalties: Vec<crate::cases::model::Penalty> = serde_json::from_str(&penalties).unwrap_or_default();
        let types: std::collections::BTreeSet<String> = penalties.iter().map(|p| p.kind.to_string()).collect();
        for penalty_type in types {
            *by_type.entry(penalty_type).or_default() += 1;
        }
    }
    drill("penalty_decisions.total".into(), &decided);
    drill(
        "fines_total_fen".into(),
        &CaseFilter {
            fined: Some(true),
            ..decided.clone()
        },
    );
    for procedure in Procedure::ALL {
        let filter = CaseFilter {
            procedure: Some(*procedure),
            ..decided.clone()
        };
        drill(format!("penalty_decisions.by_procedure.{procedure}"), &filter);
    }
    for penalty_type in PenaltyType::ALL {
        let filter = CaseFilter {
            penalty_type: Some(*penalty_type),
            ..decided.clone()
        };
        drill(format!("penalty_decisions.by_type.{penalty_type}"), &filter);
    }
    drill(
        "penalty_decisions.revoked".into(),
        &CaseFilter {
            revoked: Some(true),
            ..decided.clone()
        },
    );

    // Hazards (general and major findings) by level and whether rectified.
    let findings: Vec<(HazardLevel, bool, i64)> = case_findings::table
        .inner_join(cases::table)
        .filter(case_findings::hazard_level.eq_any([HazardLevel::General, HazardLevel::Major]))
        .filter(cases::agency_id.eq(agency_id))
        .filter(cases::opened_on.ge(period.from))
        .filter(cases::opened_on.le(period.to))
        .filter(cases::status.ne(CaseStatus::Voided))
        .group_by((case_findings::hazard_level, case_findings::rectified))
        .select((
            case_findings::hazard_level,
            case_findings::rectified,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let mut hazards = BTreeMap::new();
    for level in [HazardLevel::General, HazardLevel::Major] {
        let of_level = findings.iter().filter(|(l, ..)| *l == level);
        hazards.insert(
            level.to_string(),
            HazardFigures {
                found: of_level.clone().map(|(.., count)| count).sum(),
                rectified: of_level
                    .filter(|(_, rectified, _)| *rectified)
                    .map(|(.., count)| count)
                    .sum(),
            },
        );
        for (what, rectified) in [("found", None), ("rectified", Some(true))] {
            let filter = CaseFilter {
                hazard_level: Some(level),
                hazard_rectified: rectified,
                ..opened.clone()
            };
            drill(format!("hazards.{level}.{what}"), &filter);
        }
    }

    let overdue_filter = CaseFilter {
        overdue: Some(true),
        ..opened.clone()
    };
    let overdue_cases = counter.count(conn, &overdue_filter)?;
    drill("overdue_cases".into(), &overdue_filter);
    for outcome in ReviewOutcome::ALL {
        let filter = CaseFilter {
            review_outcome: Some(*outcome),
            reviewed_from: Some(period.from),
            reviewed_to: Some(period.to),
            ..CaseFilter::default()
        };
        drill(format!("legal_reviews.by_outcome.{outcome}"), &filter);
    }
    drill("officer_participation".into(), &opened);
    drill("power_performance".into(), &opened);

    let officers = counter.officers(conn)?;
    let on_cases = counter.officers_on_cases(conn)?;
    let participating = officers.iter().filter(|(id, _)| on_cases.contains(id)).count();
    let powers = counter.powers(conn)?;
    let cited = counter.powers_cited(conn)?;
    let exercised = powers.iter().filter(|(id, ..)| cited.contains(id)).count();
    Ok(Summary {
        period,
        period_label: period.label(),
        cases_total,
        inspection_cases,
        penalty_cases,
        fines_total_fen,
        officer_participation: Rate::new(participating as u64, officers.len() as u64),
        power_performance: Rate::new(exercised as u64, powers.len() as u64),
        hazards,
        inspections_by_result,
        penalty_decisions: DecisionFigures {
            total: total_decisions,
            by_procedure,
            by_type,
            revoked,
        },
        legal_reviews: counter.reviews(conn)?,
        overdue_cases,
        transfers,
        disclosures: crate::disclosures::api::figures(conn, agency_id, period.from, period.to, today)?,
        enterprise_inspections: crate::stats::enterprise::EnterpriseInspectionFigures {
            cap_refusals: crate::stats::enterprise::cap_refusals(conn, agency_id, period)?,
            ..crate::stats::enterprise::figures(&crate::stats::enterprise::load(conn, agency_id, period)?)
        },
        random_inspections: crate::random_plans::api::figures(conn, agency_id, period.from, period.to, today)?,
        interference_reports: crate::interference::store::figures(conn, agency_id, period.from, period.to)?,
        transfer_letters: crate::transfers::store::figures(conn, agency_id, period.from, period.to)?,
        drill_down,
    })
}

string_enum!(
    /// What a breakdown is by.
    BreakdownBy {
        Officer => "officer",
        Power => "power",
        Department => "department",
        Month => "month",
    }
);

impl BreakdownBy {
    /// The sheet and section title in exports.
    pub fn title(self) -> &'static str {
        match self {
            BreakdownBy::Officer => "按执法人员",
            BreakdownBy::Power => "按执法职权",
            BreakdownBy::Department => "按部门",
            BreakdownBy::Month => "按月份",
        }
    }
}

/// One row of a breakdown: the cases opened in the period and the decisions made in it
/// for one officer, power, department or month, each with its drill-down query.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BreakdownRow {
    /// The officer's or power's id, the department's name, or the month (YYYY-MM).
    pub key: String,
    /// The officer's name, the power's code and name, the department, the month.
    pub label: String,
    pub cases: i64,
    pub inspection_cases: i64,
    pub penalty_cases: i64,
    /// Standing penalty decisions made in the period.
    pub penalty_decisions: i64,
    pub fines_total_fen: i64,
    /// `GET /cases` query of `cases`.
    pub cases_query: String,
    /// `GET /cases` query of `penalty_decisions`.
    pub decisions_query: String,
}

/// A breakdown row's key, label, and how it narrows the period's filters.
type RowKey = (String, String, Box<dyn Fn(CaseFilter) -> CaseFilter>);

/// Every breakdown of a period, in `BreakdownBy::ALL` order.
pub type Breakdowns = Vec<(BreakdownBy, Vec<BreakdownRow>)>;

/// A breakdown of a period's figures.
pub fn breakdown(
    conn: &mut DbConn,
    agency_id: &str,
    period: Period,
    today: NaiveDate,
    by: BreakdownBy,
) -> QueryResult<Vec<BreakdownRow>> {
    let counter = Counter {
        agency_id,
        period,
        today,
    };
    let mut keys: Vec<RowKey> = Vec::new();
    match by {
        BreakdownBy::Officer => {
            for (id, name) in counter.officers(conn)? {
                let officer = id.clone();
                keys.push((
                    id,
                    name,
                    Box::new(move |f| CaseFilter {
                        officer_id: Some(officer.clone()),
                        ..f
                    }),
                ));
            }
        }
        BreakdownBy::Power => {
            for (id, code, name, _) in counter.powers(conn)? {
                let power = id.clone();
                keys.push((
                    id,
                    format!("{code} {name}"),
                    Box::new(move |f| CaseFilter {
                        power_id: Some(power.clone()),
                        ..f
                    }),
                ));
            }
        }
        BreakdownBy::Department => {
            let departments: std::collections::BTreeSet<String> = counter
                .powers(conn)?
                .into_iter()
                .map(|(.., department)| department)
                .collect();
            for department in departments {
                let name = department.clone();
                keys.push((
                    department.clone(),
                    department,
                    Box::new(move |f| CaseFilter {
                        department: Some(name.clone()),
                        ..f
                    }),
                ));
            }
        }
        BreakdownBy::Month => {
            for (month, from, to) in period.months() {
                keys.push((
                    month.clone(),
                    month,
                    Box::new(move |f| {
                        let mut f = f;
                        if f.opened_from.is_some() {
                            f.opened_from = Some(from);
                            f.opened_to = Some(to);
                        }
                        if f.decided_from.is_some() {
                            f.decided_from = Some(from);
                            f.decided_to = Some(to);
                        }
                        f
                    }),
                ));
            }
        }
    }
    let mut rows = Vec::with_capacity(keys.len());
    for (key, label, narrow) in keys {
        let opened = narrow(counter.opened());
        let decided = narrow(counter.decided());
        let of_kind = |kind| CaseFilter {
            kind: Some(kind),
            ..opened.clone()
        };
        rows.push(BreakdownRow {
            key,
            label,
            cases: counter.count(conn, &opened)?,
            inspection_cases: counter.count(conn, &of_kind(CaseKind::Inspection))?,
            penalty_cases: counter.count(conn, &of_kind(CaseKind::Penalty))?,
            penalty_decisions: counter.count(conn, &decided)?,
            fines_total_fen: counter.fines(conn, &decided)?,
            cases_query: cases_query(&opened),
            decisions_query: cases_query(&decided),
        });
    }
    Ok(rows)
}
