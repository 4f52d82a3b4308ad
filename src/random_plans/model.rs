//! The rules of double-random plans (双随机、一公开; 国办发〔2015〕58号, 国发〔2019〕5号):
//! what a plan may draw and when, the redraw, the seed of a redraw and the publication
//! deadline of the results. Plain Rust; the draw itself is `draw.rs`.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::calendar::model::WorkCalendar;
use crate::error::{AppError, FieldError};
use crate::inspection_items::model::InspectionItem;
use crate::random_plans::draw::Seed;
use crate::subjects::model::{RiskLevel, SubjectKind};

pub const NAME_MAX_CHARS: usize = 200;
pub const MAX_ITEMS: usize = 20;
pub const MAX_SUBJECT_COUNT: i64 = 10_000;
pub const MAX_INSPECTORS_PER_SUBJECT: i64 = 10;
/// The approval window an inspection may have (`approve_inspection`): a plan's period.
pub const MAX_PERIOD_DAYS: i64 = 90;
pub const WITNESS_MAX_CHARS: usize = 100;
pub const REASON_MAX_CHARS: usize = 500;
/// 国发〔2019〕5号: results are made public within 20 working days of the inspection.
pub const PUBLICATION_WORKING_DAYS: u32 = 20;

/// Which subjects of the register a plan draws from. Private individuals are never drawn:
/// random inspections are of market subjects (市场主体) and organisations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectFilter {
    /// `enterprise`, `individual_business`, `other_org`; default the first two.
    #[serde(default)]
    #[schema(max_items = 3)]
    pub kinds: Vec<SubjectKind>,
    /// Only subjects of these industries (行业), as the register names them; empty: any.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub industries: Vec<String>,
    /// Only subjects of these risk levels; empty: any.
    #[serde(default)]
    #[schema(max_items = 3)]
    pub risk_levels: Vec<RiskLevel>,
}

impl SubjectFilter {
    /// The kinds drawn: those named, else enterprises and sole traders.
    pub fn kinds(&self) -> Vec<SubjectKind> {
        if self.kinds.is_empty() {
            vec![SubjectKind::Enterprise, SubjectKind::IndividualBusiness]
        } else {
            self.kinds.clone()
        }
    }
}

/// `POST /random-plans`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePlanRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Published items on the random-inspection list (`random: true`), in force today.
    #[schema(min_items = 1, max_items = 20)]
    pub item_ids: Vec<String>,
    #[serde(default)]
    pub subject_filter: SubjectFilter,
    /// How many subjects to draw; or `subject_ratio_permille`, not both.
    #[schema(minimum = 1, maximum = 10000)]
    pub subject_count: Option<i64>,
    /// The share of the pool to draw, in thousandths (rounded up, at least one).
    #[schema(minimum = 1, maximum = 1000)]
    pub subject_ratio_permille: Option<i64>,
    /// At least two (国办发〔2015〕58号; APL art. 42); default 2.
    #[schema(minimum = 2, maximum = 10)]
    pub inspectors_per_subject: Option<i64>,
    /// The window the drawn inspections are approved for: at most 90 days, not over.
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub period_from: NaiveDate,
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub period_to: NaiveDate,
}

/// How many subjects a plan draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectQuota {
    Count(usize),
    RatioPermille(u32),
}

/// A plan that passed every field rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlan {
    pub name: String,
    pub item_ids: Vec<String>,
    pub subject_filter: SubjectFilter,
    pub quota: SubjectQuota,
    pub inspectors_per_subject: usize,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
}

impl NewPlan {
    pub fn parse(request: CreatePlanRequest, today: NaiveDate) -> Result<NewPlan, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = request.name.trim().to_string();
        if name.is_empty() || name.chars().count() > NAME_MAX_CHARS {
            errors.push(FieldError::new("name", "must be 1 to 200 characters"));
        }
        if request.item_ids.is_empty() || request.item_ids.len() > MAX_ITEMS {
            errors.push(FieldError::new("item_ids", "cite 1 to 20 random-inspection items"));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, id) in request.item_ids.iter().enumerate() {
            if !seen.insert(id) {
                errors.push(FieldError::new(format!("item_ids[{i}]"), "is cited twice"));
            }
        }
        if request.subject_filter.kinds.contains(&SubjectKind::Individual) {
            errors.push(FieldError::new(
                "subject_filter.kinds",
                "private individuals are not drawn; enterprise, individual_business or other_org",
            ));
        }
        if request.subject_filter.industries.len() > 50 {
            errors.push(FieldError::new("subject_filter.industries", "at most 50 industries"));
        }
        let quota = match (request.subject_count, request.subject_ratio_permille) {
            (Some(count), None) if (1..=MAX_SUBJECT_COUNT).contains(&count) => {
                Some(SubjectQuota::Count(usize::try_from(count).unwrap_or(1)))
            }
            (Some(_), None) => {
                errors.push(FieldError::new("subject_count", "must be 1 to 10000"));
                None
            }
            (None, Some(ratio)) if (1..=1000).contains(&ratio) => {
                Some(SubjectQuota::RatioPermille(u32::try_from(ratio).unwrap_or(1)))
            }
            (None, Some(_)) => {
                errors.push(FieldError::new("subject_ratio_permille", "must be 1 to 1000"));
                None
            }
            _ => {
                errors.push(FieldError::new(
                    "subject_count",
                    "give subject_count or subject_ratio_permille, one of them",
                ));
                None
            }
        };
        let inspectors = request.inspectors_per_subject.unwrap_or(2);
        if !(2..=MAX_INSPECTORS_PER_SUBJECT).contains(&inspectors) {
            errors.push(FieldError::new(
                "inspectors_per_subject",
                "at least 2 inspectors per subject (国办发〔2015〕58号), at most 10",
            ));
        }
        if request.period_to < request.period_from {
            errors.push(FieldError::new("period_to", "may not be before period_from"));
        } else if request.period_to - request.period_from > Duration::days(MAX_PERIOD_DAYS) {
            errors.push(FieldError::new("period_to", "at most 90 days after period_from"));
        }
        if request.period_to < today {
            errors.push(FieldError::new("period_to", "the period is over"));
        }
        if request.period_from > today + Duration::days(365) {
            errors.push(FieldError::new("period_from", "at most a year ahead"));
        }
        match quota {
            Some(quota) if errors.is_empty() => Ok(NewPlan {
                name,
                item_ids: request.item_ids,
                subject_filter: request.subject_filter,
                quota,
                inspectors_per_subject: usize::try_from(inspectors).unwrap_or(2),
                period_from: request.period_from,
                period_to: request.period_to,
            }),
            _ => Err(errors),
        }
    }

    /// How many subjects to draw from a pool of `pool`.
    pub fn subject_count(&self, pool: usize) -> usize {
        match self.quota {
            SubjectQuota::Count(count) => count,
            SubjectQuota::RatioPermille(ratio) => crate::random_plans::draw::count_from_ratio(pool, ratio),
        }
    }
}

/// The items a plan draws under: each the agency's, in force today and on the random list.
/// `found` holds, for each requested id in order, the item when the agency has one.
pub fn check_items(found: &[(String, Option<(InspectionItem, bool)>)], today: NaiveDate) -> Result<(), AppError> {
    for (i, (_, item)) in found.iter().enumerate() {
        let field = format!("item_ids[{i}]");
        let Some((item, random)) = item else {
            return Err(AppError::field(field, "no such inspection item in this agency's list"));
        };
        if !item.in_force_on(today) {
            return Err(AppError::rule(
                "item_not_published",
                format!(
                    "{field} ({} {}) is not in force today; a plan draws under published items only",
                    item.code, item.name
                ),
            ));
        }
        if !random {
            return Err(AppError::rule(
                "item_not_random",
                format!(
                    "{field} ({} {}) is not on the random-inspection list (随机抽查事项清单); publish it with random: true",
                    item.code, item.name
                ),
            ));
        }
    }
    Ok(())
}

/// `POST /random-plans/{id}/draw`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DrawRequest {
    /// Who watched the draw (监督人), e.g. the discipline inspector: a name and post.
    #[schema(min_length = 1, max_length = 100)]
    pub witness: String,
    /// Required for a redraw: why the plan is drawn again.
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

/// A draw request that passed its rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawOrder {
    pub witness: String,
    pub reason: Option<String>,
    /// 1 for the first draw, then 2, 3, … for redraws.
    pub seq: u32,
}

/// The rules of a draw: a witness; the plan's period not over; a plan draws once, and a
/// redraw states its reason and comes before any drawn inspection started (else the
/// office could draw until it liked the result, or undo work done).
pub fn check_draw(
    request: DrawRequest,
    draws_before: u32,
    started_since_last: usize,
    today: NaiveDate,
    period_to: NaiveDate,
) -> Result<DrawOrder, AppError> {
    let witness = request.witness.trim().to_string();
    if witness.is_empty() || witness.chars().count() > WITNESS_MAX_CHARS {
        return Err(AppError::field(
            "witness",
            "name who watched the draw (1 to 100 characters)",
        ));
    }
    if today > period_to {
        return Err(AppError::rule(
            "plan_period_over",
            format!("the plan's period ended on {period_to}; create a new plan"),
        ));
    }
    let reason = request
        .reason
        .map(|reason| reason.trim().to_string())
        .filter(|reason| !reason.is_empty());
    if let Some(reason) = &reason
        && reason.chars().count() > REASON_MAX_CHARS
    {
        return Err(AppError::field("reason", "at most 500 characters"));
    }
    if draws_before > 0 {
        if reason.is_none() {
            return Err(AppError::rule(
                "redraw_reason_required",
                "this plan was drawn already; a redraw states its reason, which stays public with both draws",
            ));
        }
        if started_since_last > 0 {
            return Err(AppError::rule(
                "redraw_after_start",
                format!("{started_since_last} inspection(s) of the last draw have started; the draw stands"),
            ));
        }
    }
    Ok(DrawOrder {
        witness,
        reason: if draws_before > 0 { reason } else { None },
        seq: draws_before + 1,
    })
}

/// The seed of draw `seq`: the plan's committed seed for the first, and for a redraw the
/// SHA-256 of the seed's 32 bytes followed by `seq` as a 4-byte big-endian number — fixed
/// by the commitment, so a redraw cannot be steered either.
pub fn draw_seed(plan_seed: &Seed, seq: u32) -> Seed {
    if seq <= 1 {
        return plan_seed.clone();
    }
    let mut hasher = Sha256::new();
    hasher.update(plan_seed.as_bytes());
    hasher.update(seq.to_be_bytes());
    Seed::from_bytes(hasher.finalize().into())
}

/// When the result of a drawn inspection whose findings were recorded on `found_on` is due
/// to be public (国发〔2019〕5号: 20 working days).
pub fn publication_due(found_on: NaiveDate, calendar: &WorkCalendar) -> NaiveDate {
    calendar.add_working_days(found_on, PUBLICATION_WORKING_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn request() -> CreatePlanRequest {
        CreatePlanRequest {
            name: " 2026年第四季度餐饮单位双随机抽查 ".into(),
            item_ids: vec!["a".into(), "b".into()],
            subject_filter: SubjectFilter::default(),
            subject_count: Some(5),
            subject_ratio_permille: None,
            inspectors_per_subject: None,
            period_from: day("2026-12-01"),
            period_to: day("2026-12-31"),
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_plan_draws_a_count_or_a_ratio_with_at_least_two_inspectors() {
        let today = day("2026-11-30");
        let plan = NewPlan::parse(request(), today).unwrap();
        assert_eq!(plan.name, "2026年第四季度餐饮单位双随机抽查");
        assert_eq!((plan.quota, plan.inspectors_per_subject), (SubjectQuota::Count(5), 2));
        assert_eq!(
            plan.subject_filter.kinds(),
            [SubjectKind::Enterprise, SubjectKind::IndividualBusiness]
        );
        let ratio = NewPlan::parse(
            CreatePlanRequest {
                subject_count: None,
                subject_ratio_permille: Some(50),
                ..request()
            },
            today,
        )
        .unwrap();
        assert_eq!(ratio.subject_count(41), 3, "5% of 41 rounded up");
        for (bad, field) in [
            (
                CreatePlanRequest {
                    inspectors_per_subject: Some(1),
                    ..request()
                },
                "inspectors_per_subject",
            ),
            (
                CreatePlanRequest {
                    subject_ratio_permille: Some(10),
                    ..request()
                },
                "subject_count",
            ),
            (
                CreatePlanRequest {
                    subject_count: None,
                    ..request()
                },
                "subject_count",
            ),
            (
                CreatePlanRequest {
                    period_to: day("2027-03-02"),
                    ..request()
                },
                "period_to",
            ),
            (
                CreatePlanRequest {
                    item_ids: vec!["a".into(), "a".into()],
                    ..request()
                },
                "item_ids[1]",
            ),
            (
                CreatePlanRequest {
                    subject_filter: SubjectFilter {
                        kinds: vec![SubjectKind::Individual],
                        ..SubjectFilter::default()
                    },
                    ..request()
                },
                "subject_filter.kinds",
            ),
        ] {
            assert_eq!(fields(NewPlan::parse(bad, today).unwrap_err()), [field]);
        }
        // 90 days is the most ("以内" includes it); a period already over is refused.
        let ninety = CreatePlanRequest {
            period_to: day("2027-03-01"),
            ..request()
        };
        assert!(NewPlan::parse(ninety, today).is_ok());
        let over = CreatePlanRequest {
            period_from: day("2026-11-01"),
            period_to: day("2026-11-29"),
            ..request()
        };
        assert_eq!(fields(NewPlan::parse(over, today).unwrap_err()), ["period_to"]);
    }

    fn order(witness: &str, reason: Option<&str>) -> DrawRequest {
        DrawRequest {
            witness: witness.into(),
            reason: reason.map(Into::into),
        }
    }

    fn rule_of(result: Result<DrawOrder, AppError>) -> &'static str {
        match result {
            Err(AppError::Rule { rule, .. }) => rule,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_plan_draws_once_and_a_redraw_says_why_before_anything_started() {
        let today = day("2026-12-01");
        let end = day("2026-12-31");
        let first = check_draw(order("纪工委 李明", Some("ignored")), 0, 0, today, end).unwrap();
        assert_eq!((first.seq, first.reason), (1, None));
        assert_eq!(
            rule_of(check_draw(order("李明", None), 1, 0, today, end)),
            "redraw_reason_required"
        );
        assert_eq!(
            rule_of(check_draw(order("李明", Some("  ")), 1, 0, today, end)),
            "redraw_reason_required"
        );
        assert_eq!(
            rule_of(check_draw(order("李明", Some("抽中企业已注销")), 1, 1, today, end)),
            "redraw_after_start"
        );
        let again = check_draw(order("李明", Some("抽中企业已注销")), 1, 0, today, end).unwrap();
        assert_eq!((again.seq, again.reason.as_deref()), (2, Some("抽中企业已注销")));
        assert!(matches!(
            check_draw(order(" ", None), 0, 0, today, end),
            Err(AppError::Validation(_))
        ));
        // The last day of the period still draws; the day after does not.
        assert!(check_draw(order("李明", None), 0, 0, end, end).is_ok());
        assert_eq!(
            rule_of(check_draw(order("李明", None), 0, 0, end + Duration::days(1), end)),
            "plan_period_over"
        );
    }

    #[test]
    fn a_redraw_seed_follows_from_the_committed_one() {
        let seed = Seed::from_bytes([7; 32]);
        assert_eq!(draw_seed(&seed, 1), seed);
        let second = draw_seed(&seed, 2);
        let mut hasher = Sha256::new();
        hasher.update([7u8; 32]);
        hasher.update([0, 0, 0, 2]);
        assert_eq!(second.as_bytes().as_slice(), hasher.finalize().as_slice());
        assert_ne!(draw_seed(&seed, 3), second);
    }

    #[test]
    fn results_are_due_twenty_working_days_after_the_findings() {
        // National Day 2025: 1–8 October are holidays, 28 September and 11 October worked.
        let days = crate::calendar::model::parse_reference_csv(crate::calendar::model::REFERENCE_CSV).unwrap();
        let years: Vec<i32> = days.iter().map(|d| chrono::Datelike::year(&d.date)).collect();
        let calendar = WorkCalendar::with_years(days.iter().map(|d| (d.date, d.kind)), years);
        assert_eq!(publication_due(day("2025-09-26"), &calendar), day("2025-10-30"));
    }
}
