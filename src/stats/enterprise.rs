//! The figures of inspections of enterprises (issue 15, 国办发〔2024〕54号): how many
//! enterprises were inspected and how often, how many inspections cite published items and
//! were approved, emergency and off-site shares, codes shown, ratings and complaints.
//! A refused approval changes no case; the refusals by the yearly cap are counted from their
//! own log, exemptions from the cap from the approvals.

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use crate::cases::feedback::FeedbackStatus;
use crate::cases::model::{CaseKind, CaseStatus, InspectionMethod, SubjectKind};
use crate::db::DbConn;
use crate::db::schema::{cases, inspection_feedback, inspection_plans, subjects};
use crate::stats::model::Period;
use crate::stats::store::Rate;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EnterpriseInspectionFigures {
    /// Inspections of enterprises and sole traders opened in the period (not voided).
    pub inspections: i64,
    pub enterprises_inspected: i64,
    /// How many enterprises were inspected once, twice, … ("1", "2", "3", "4+").
    pub inspections_per_enterprise: BTreeMap<String, i64>,
    /// Of the inspections: citing published items (检查事项).
    pub citing_items: Rate,
    /// Of those citing items: approved by the head.
    pub approved: Rate,
    pub emergency_starts: i64,
    /// Of those citing items: off site (非现场检查).
    pub off_site: Rate,
    /// Of those citing items and started: the code shown (扫码入企).
    pub code_presented: Rate,
    /// Approvals past an item's yearly cap under an exemption.
    pub cap_exemptions: i64,
    /// Approvals the yearly cap refused in the period (422 `inspection_frequency_cap`).
    pub cap_refusals: i64,
    pub ratings: i64,
    /// Two decimals; null without ratings.
    pub average_rating: Option<f64>,
    pub complaints: i64,
    pub open_complaints: i64,
}

/// One inspection as the figures need it.
#[derive(Debug, Clone, Default)]
pub struct InspectionFacts {
    pub subject_id: String,
    pub cites_items: bool,
    pub approved: bool,
    pub emergency: bool,
    pub off_site: bool,
    pub started: bool,
    pub code_presented: bool,
    pub cap_exempt: bool,
    pub rating: Option<i32>,
    pub complaint: bool,
    pub complaint_open: bool,
}

/// The figures over the period's inspections of enterprises.
pub fn figures(inspections: &[InspectionFacts]) -> EnterpriseInspectionFigures {
    let mut per_subject: BTreeMap<&str, i64> = BTreeMap::new();
    for i in inspections {
        *per_subject.entry(&i.subject_id).or_default() += 1;
    }
    let mut distribution: BTreeMap<String, i64> = ["1", "2", "3", "4+"].iter().map(|k| (k.to_string(), 0)).collect();
    for count in per_subject.values() {
        let key = if *count >= 4 {
            "4+".to_string()
        } else {
            count.to_string()
        };
        *distribution.entry(key).or_default() += 1;
    }
    let count = |f: &dyn Fn(&InspectionFacts) -> bool| inspections.iter().filter(|i| f(i)).count() as u64;
    let citing = count(&|i| i.cites_items);
    let ratings: Vec<i32> = inspections.iter().filter_map(|i| i.rating).collect();
    EnterpriseInspectionFigures {
        inspections: inspections.len() as i64,
        enterprises_inspected: per_subject.len() as i64,
        inspections_per_enterprise: distribution,
        citing_items: Rate::new(citing, inspections.len() as u64),
        approved: Rate::new(count(&|i| i.cites_items && i.approved), citing),
        emergency_starts: count(&|i| i.emergency) as i64,
        off_site: Rate::new(count(&|i| i.cites_items && i.off_site), citing),
        code_presented: Rate::new(
            count(&|i| i.cites_items && i.started && i.code_presented),
            count(&|i| i.cites_items && i.started && !i.off_site),
        ),
        cap_exemptions: count(&|i| i.cap_exempt) as i64,
        cap_refusals: 0,
        ratings: ratings.len() as i64,
        average_rating: (!ratings.is_empty()).then(|| {
            let sum: i64 = ratings.iter().map(|r| i64::from(*r)).sum();
            (sum as f64 / ratings.len() as f64 * 100.0).round() / 100.0
        }),
        complaints: count(&|i| i.complaint) as i64,
        open_complaints: count(&|i| i.complaint_open) as i64,
    }
}

/// How many approvals the yearly cap refused in the period.
pub fn cap_refusals(conn: &mut DbConn, agency_id: &str, period: Period) -> QueryResult<i64> {
    use crate::db::schema::inspection_cap_refusals;
    inspection_cap_refusals::table
        .filter(inspection_cap_refusals::agency_id.eq(agency_id))
        .filter(inspection_cap_refusals::refused_on.ge(period.from))
        .filter(inspection_cap_refusals::refused_on.le(period.to))
        .count()
        .get_result(conn)
}

/// The period's inspections of enterprises and sole traders, with their plans and feedback.
pub fn load(conn: &mut DbConn, agency_id: &str, period: Period) -> QueryResult<Vec<InspectionFacts>> {
    type Row = (
        String,
        CaseStatus,
        Option<InspectionMethod>,
        Option<chrono::NaiveDate>,
        Option<chrono::NaiveDate>,
        Option<bool>,
        Option<String>,
        Option<i32>,
        Option<bool>,
        Option<FeedbackStatus>,
    );
    let rows: Vec<Row> = cases::table
        .inner_join(subjects::table)
        .left_join(inspection_plans::table.on(inspection_plans::case_id.eq(cases::id)))
        .left_join(inspection_feedback::table.on(inspection_feedback::case_id.eq(cases::id)))
        .filter(cases::agency_id.eq(agency_id))
        .filter(cases::kind.eq(CaseKind::Inspection))
        .filter(cases::status.ne(CaseStatus::Voided))
        .filter(subjects::kind.eq_any([SubjectKind::Enterprise, SubjectKind::IndividualBusiness]))
        .filter(cases::opened_on.ge(period.from))
        .filter(cases::opened_on.le(period.to))
        .select((
            cases::subject_id,
            cases::status,
            inspection_plans::method.nullable(),
            inspection_plans::approved_on.nullable(),
            inspection_plans::emergency_started_on.nullable(),
            inspection_plans::code_presented.nullable(),
            inspection_plans::cap_exemption.nullable(),
            inspection_feedback::rating.nullable(),
            inspection_feedback::complaint.nullable(),
            inspection_feedback::status.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(
                subject_id,
                status,
                method,
                approved_on,
                emergency_on,
                code_presented,
                exemption,
                rating,
                complaint,
                feedback_status,
            )| {
                InspectionFacts {
                    subject_id,
                    cites_items: method.is_some(),
                    approved: approved_on.is_some(),
                    emergency: emergency_on.is_some(),
                    off_site: method == Some(InspectionMethod::OffSite),
                    started: status != CaseStatus::Registered,
                    code_presented: code_presented.unwrap_or(false),
                    cap_exempt: exemption.is_some(),
                    rating,
                    complaint: complaint.unwrap_or(false),
                    complaint_open: feedback_status == Some(FeedbackStatus::Open),
                }
            },
        )
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inspection(subject: &str) -> InspectionFacts {
        InspectionFacts {
            subject_id: subject.into(),
            ..Default::default()
        }
    }

    #[test]
    fn enterprises_are_counted_once_and_by_how_often_they_were_inspected() {
        let mut planned = inspection("A");
        planned.cites_items = true;
        planned.approved = true;
        planned.started = true;
        planned.code_presented = true;
        planned.rating = Some(5);
        let mut complained = inspection("A");
        complained.cites_items = true;
        complained.started = true;
        complained.emergency = true;
        complained.rating = Some(2);
        complained.complaint = true;
        complained.complaint_open = true;
        let mut off_site = inspection("B");
        off_site.cites_items = true;
        off_site.approved = true;
        off_site.off_site = true;
        off_site.started = true;
        let all = vec![
            planned,
            complained,
            off_site,
            inspection("C"),
            inspection("C"),
            inspection("C"),
            inspection("C"),
        ];
        let f = figures(&all);
        assert_eq!((f.inspections, f.enterprises_inspected), (7, 3));
        assert_eq!(f.inspections_per_enterprise["1"], 1);
        assert_eq!(f.inspections_per_enterprise["2"], 1);
        assert_eq!(f.inspections_per_enterprise["4+"], 1);
        assert_eq!(f.citing_items.fraction, "3/7");
        assert_eq!(f.approved.fraction, "2/3");
        assert_eq!(f.off_site.fraction, "1/3");
        assert_eq!(f.code_presented.fraction, "1/2", "off-site inspections show no code");
        assert_eq!(f.emergency_starts, 1);
        assert_eq!((f.ratings, f.average_rating), (2, Some(3.5)));
        assert_eq!((f.complaints, f.open_complaints), (1, 1));
        assert_eq!(figures(&[]).average_rating, None);
    }
}
