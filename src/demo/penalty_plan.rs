//! The year's penalty cases planned step by step, the fines that add up to the report's
//! total, and the whole plan of the year.

use std::collections::BTreeSet;

use anyhow::{Context, bail};
use chrono::{Duration, NaiveDate};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::cases::model::{
    HazardLevel, InvestigationRecordType, LegalReviewScope, Outcome, Penalty, PenaltyType, ServiceMethod,
};

use super::plan::{
    CapCounts, Inputs, InspectionPlan, Moment, assign_findings, cover_powers, draw_inspections, fits, inspection, pair,
    set_findings,
};
use super::xuefu::{self, DEPARTMENTS, INDUSTRIES, Opening, PENALTY_SCENARIOS, Sanction};

/// A step of a penalty case; who takes it follows from the step (`load` knows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PenaltyStep {
    ApproveFiling,
    Investigate(InvestigationRecordType),
    Notify,
    WaiveDefense,
    StateDefense,
    ReviewDefense {
        accepted: bool,
    },
    Educate,
    Propose,
    SubmitReview,
    Opinion {
        approved: bool,
    },
    Decide,
    Serve(ServiceMethod),
    Pay {
        on_the_spot: bool,
    },
    Handover,
    Acknowledge,
    /// The head publishes the decision (事后公示).
    Publish,
    Close,
}

/// How the party answered the notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Defense {
    /// Waived on receipt of the notice (放弃陈述申辩).
    Waived,
    /// Stated, then reviewed; accepted, it lightens the proposal.
    Stated { accepted: bool },
    /// Nothing said: the period runs out.
    Lapsed,
}

/// One penalty case (行政处罚) and its steps.
#[derive(Debug, Clone)]
pub struct PenaltyPlan {
    /// Index into `xuefu::PENALTY_SCENARIOS`.
    pub scenario: usize,
    pub subject: usize,
    pub officers: [usize; 2],
    /// The inspection that opens it (转立案), by index into the plan's inspections.
    pub parent: Option<usize>,
    pub violation_on: NaiveDate,
    pub opened: Moment,
    pub outcome: Outcome,
    /// The penalties decided (none for a decision not to punish).
    pub penalties: Vec<Penalty>,
    /// The penalties the notice announced: the decided ones, or heavier when the
    /// party's defence was accepted.
    pub notice: Vec<Penalty>,
    pub steps: Vec<(Moment, PenaltyStep)>,
    defense: Defense,
    review_round_trip: bool,
    service: ServiceMethod,
}

impl PenaltyPlan {
    pub fn simple(&self) -> bool {
        PENALTY_SCENARIOS[self.scenario].opening == Opening::OnTheSpot
    }

    pub fn fine_fen(&self) -> i64 {
        crate::cases::model::fine_of(&self.penalties)
    }

    /// When the decision is made.
    pub fn decision(&self) -> Option<Moment> {
        self.steps
            .iter()
            .find(|(_, step)| *step == PenaltyStep::Decide)
            .map(|(at, _)| *at)
    }
}

/// The plan of the year.
#[derive(Debug, Clone)]
pub struct Plan {
    /// In the order they are opened.
    pub inspections: Vec<InspectionPlan>,
    pub penalties: Vec<PenaltyPlan>,
}

impl Plan {
    /// Draws the year: the penalty cases of the profile's scenarios (with the inspections
    /// that open some of them), the other inspections, the findings, and the fines that
    /// add up to the profile's total.
    pub fn draw(inputs: &Inputs<'_>, rng: &mut ChaCha8Rng) -> anyhow::Result<Plan> {
        let (mut penalties, parents) = draw_penalties(inputs, rng)?;
        let escalated_hazards: usize = parents.iter().map(|p| p.hazards(HazardLevel::General)).sum();
        let mut inspections = draw_inspections(inputs, rng, xuefu::INSPECTION_CASES - parents.len(), &parents)?;
        let cited: BTreeSet<String> = PENALTY_SCENARIOS.iter().map(|s| s.power.to_string()).collect();
        cover_powers(inputs, rng, &mut inspections, &cited)?;
        assign_findings(
            inputs,
            rng,
            &mut inspections,
            xuefu::GENERAL_HAZARDS - escalated_hazards,
            120,
        )?;
        inspections.extend(parents);
        inspections.sort_by_key(|i| i.opened);
        CapCounts::check(&inspections)?;
        for (index, inspection) in inspections.iter_mut().enumerate() {
            let requires_av = inspection
                .powers
                .iter()
                .any(|code| inputs.power(code).is_ok_and(|p| p.requires_av_record));
            inspection.av_record |= requires_av;
            if let Some(penalty) = inspection.escalation {
                penalties[penalty].parent = Some(index);
            }
        }
        balance_fines(&mut penalties, rng, xuefu::FINES_TOTAL_FEN)?;
        for penalty in &mut penalties {
            schedule(inputs, rng, penalty)?;
        }
        let last_day = inputs.working_days().last().copied().context("no working days")?;
        let late = penalties
            .iter()
            .flat_map(|p| p.steps.iter().map(|s| s.0.date))
            .chain(inspections.iter().map(|i| i.closed.date))
            .find(|d| *d > last_day);
        if let Some(day) = late {
            bail!("the plan has a step on {day}, after the year");
        }
        Ok(Plan { inspections, penalties })
    }
}

/// The penalty cases of the scenarios, with the inspections that open the escalated ones.
fn draw_penalties(
    inputs: &Inputs<'_>,
    rng: &mut ChaCha8Rng,
) -> anyhow::Result<(Vec<PenaltyPlan>, Vec<InspectionPlan>)> {
    let year = |month, day| NaiveDate::from_ymd_opt(xuefu::YEAR, month, day).unwrap_or_default();
    let mut used = BTreeSet::new();
    let mut plans = Vec::new();
    let mut parents = Vec::new();
    for (index, scenario) in PENALTY_SCENARIOS.iter().enumerate() {
        let power = inputs.power(scenario.power)?;
        let department = DEPARTMENTS
            .iter()
            .position(|d| d.source == power.department)
            .with_context(|| format!("{} comes from no department of the profile", power.code))?;
        for _ in 0..scenario.count {
            let candidates: Vec<usize> = (0..inputs.subjects.len())
                .filter(|i| !used.contains(i) && fits(&inputs.subjects[*i], scenario.party))
                .collect();
            let subject = *candidates
                .choose(rng)
                .with_context(|| format!("no subject left for {}", scenario.summary))?;
            used.insert(subject);
            let (first, last) = match scenario.opening {
                Opening::OnTheSpot => (year(1, 2), year(12, 20)),
                Opening::Ordinary(_) => (year(1, 8), year(11, 8)),
                Opening::FromInspection(..) => (year(3, 1), year(10, 15)),
            };
            let first = first.max(power.effective_from + Duration::days(7));
            let day = *inputs
                .working_days_within(first, last)
                .choose(rng)
                .context("no day for a penalty case")?;
            let mut plan = PenaltyPlan {
                scenario: index,
                subject,
                officers: pair(rng, department),
                parent: None,
                violation_on: day,
                opened: Moment::at(day, rng.gen_range(9 * 60..16 * 60 + 30)),
                outcome: Outcome::Penalty,
                penalties: Vec::new(),
                notice: Vec::new(),
                steps: Vec::new(),
                defense: match rng.gen_range(0..4) {
                    0 | 1 => Defense::Waived,
                    2 => Defense::Stated {
                        accepted: rng.gen_bool(0.5),
                    },
                    _ => Defense::Lapsed,
                },
                review_round_trip: false,
                service: match rng.gen_bool(0.7) {
                    true => ServiceMethod::InPerson,
                    false => ServiceMethod::Mail,
                },
            };
            match scenario.opening {
                Opening::OnTheSpot => {}
                Opening::Ordinary(_) => {
                    // Found or reported some days before the case is opened.
                    let back = Duration::days(rng.gen_range(0..=7));
                    plan.violation_on = (day - back).max(power.effective_from);
                    plan.opened = Moment::at(day, rng.gen_range(9 * 60..11 * 60));
                }
                Opening::FromInspection(finding, level) => {
                    let food = inputs.subjects[subject].industry.is_some_and(|i| INDUSTRIES[i].food);
                    let mut parent = inspection(inputs, rng, (day, 9 * 60 + 30), subject, (department, food))?;
                    parent.powers[1] = power.code.clone();
                    parent.officers = plan.officers;
                    set_findings(inputs, rng, &mut parent, vec![(finding.to_string(), level)], 5..=5);
                    parent.escalation = Some(plans.len());
                    let verified = parent
                        .rectification
                        .as_ref()
                        .map(|r| r.verified)
                        .context("no rectification")?;
                    plan.opened = verified.later(5);
                    parent.closed = verified.later(10);
                    parents.push(parent);
                }
            }
            plans.push(plan);
        }
    }
    // Two proposals go back to the officers once before counsel approves them.
    let ordinary: Vec<usize> = (0..plans.len())
        .filter(|i| !plans[*i].simple() && PENALTY_SCENARIOS[plans[*i].scenario].sanction != Sanction::Warning)
        .collect();
    for chosen in ordinary.choose_multiple(rng, 2) {
        plans[*chosen].review_round_trip = true;
    }
    Ok((plans, parents))
}

/// The smallest change of a fine in a range: ¥10 for fines up to ¥200, ¥50 up to
/// ¥1,000, ¥100 above.
fn fine_step(max: i64) -> i64 {
    if max <= 20_000 {
        1_000
    } else if max <= 100_000 {
        5_000
    } else {
        10_000
    }
}

/// Sets each fine within its scenario's range so that the fines add up to `total`: all
/// start at their minimum, then random steps raise them until the total is reached.
pub fn balance_fines(plans: &mut [PenaltyPlan], rng: &mut ChaCha8Rng, total: i64) -> anyhow::Result<()> {
    let mut fines: Vec<(usize, i64, i64, i64)> = Vec::new();
    for (index, plan) in plans.iter().enumerate() {
        match PENALTY_SCENARIOS[plan.scenario].sanction {
            Sanction::Fine(min, max) | Sanction::WarningAndFine(min, max) => {
                fines.push((index, min, max, fine_step(max)));
            }
            Sanction::Warning | Sanction::FirstViolationNotPunished => {}
        }
    }
    let mut amounts: Vec<i64> = fines.iter().map(|f| f.1).collect();
    let mut remaining = total - amounts.iter().sum::<i64>();
    let room: i64 = fines.iter().map(|f| f.2 - f.1).sum();
    if remaining < 0 || remaining > room {
        bail!("fines of these scenarios cannot add up to {total} fen");
    }
    let mut tries = 0;
    while remaining > 0 {
        tries += 1;
        if tries > 1_000_000 {
            bail!("the fines did not reach {total} fen");
        }
        let slot = rng.gen_range(0..fines.len());
        let (_, _, max, step) = fines[slot];
        if step <= remaining && amounts[slot] + step <= max {
            amounts[slot] += step;
            remaining -= step;
        }
    }
    for ((index, ..), amount) in fines.iter().zip(amounts) {
        plans[*index].penalties = vec![Penalty {
            kind: PenaltyType::Fine,
            amount_fen: Some(amount),
        }];
    }
    for plan in plans.iter_mut() {
        let warning = Penalty {
            kind: PenaltyType::Warning,
            amount_fen: None,
        };
        match PENALTY_SCENARIOS[plan.scenario].sanction {
            Sanction::Warning => plan.penalties = vec![warning],
            Sanction::WarningAndFine(..) => plan.penalties.insert(0, warning),
            Sanction::FirstViolationNotPunished => plan.outcome = Outcome::NoPenaltyMinor,
            Sanction::Fine(..) => {}
        }
        plan.notice = plan.penalties.clone();
    }
    Ok(())
}

/// The steps of a case and their times: on the spot the same day (payment and filing
/// in the days after); in the ordinary procedure over some weeks of working days.
fn schedule(inputs: &Inputs<'_>, rng: &mut ChaCha8Rng, plan: &mut PenaltyPlan) -> anyhow::Result<()> {
    let mut steps = match plan.simple() {
        true => on_the_spot(inputs, rng, plan),
        false => ordinary(inputs, rng, plan)?,
    };
    steps.sort_by_key(|(at, _)| *at);
    // Each step after the one before it.
    let mut previous = plan.opened;
    for (at, _) in &mut steps {
        if *at <= previous {
            *at = previous.later(1);
        }
        previous = *at;
    }
    plan.steps = steps;
    Ok(())
}

fn on_the_spot(inputs: &Inputs<'_>, rng: &mut ChaCha8Rng, plan: &PenaltyPlan) -> Vec<(Moment, PenaltyStep)> {
    let day = plan.opened.date;
    let decided = plan.opened.later(15);
    let mut steps = vec![(decided, PenaltyStep::Decide)];
    let fine = plan.fine_fen();
    let mut done = decided.later(10);
    if fine > 0 && fine <= crate::cases::model::ON_THE_SPOT_COLLECTION_MAX_FEN {
        // ¥100 or less is collected on the spot and handed to the agency next day.
        steps.push((decided.later(5), PenaltyStep::Pay { on_the_spot: true }));
        done = Moment::at(inputs.after(day, 1), rng.gen_range(9 * 60..10 * 60));
        steps.push((done, PenaltyStep::Handover));
    } else if fine > 0 {
        done = Moment::at(inputs.after(day, rng.gen_range(1..=5)), rng.gen_range(9 * 60..15 * 60));
        steps.push((done, PenaltyStep::Pay { on_the_spot: false }));
    }
    steps.push((done.later(30), PenaltyStep::Close));
    let acknowledged = Moment::at(inputs.after(day, rng.gen_range(1..=3)), 16 * 60 + 30);
    steps.push((acknowledged, PenaltyStep::Acknowledge));
    steps.push((published(inputs, rng, day), PenaltyStep::Publish));
    steps
}

/// When the head publishes a decision of `decided`: within days, inside the 7 working
/// days allowed for a penalty.
fn published(inputs: &Inputs<'_>, rng: &mut ChaCha8Rng, decided: NaiveDate) -> Moment {
    Moment::at(inputs.after(decided, rng.gen_range(1..=5)), 16 * 60 + 40)
}

fn ordinary(
    inputs: &Inputs<'_>,
    rng: &mut ChaCha8Rng,
    plan: &mut PenaltyPlan,
) -> anyhow::Result<Vec<(Moment, PenaltyStep)>> {
    use InvestigationRecordType::{Evidence, Inquiry, Site};
    let start = plan.opened.date;
    let at = |days: u32, minute: u32| Moment::at(inputs.after(start, days), minute);
    let escalated =
        plan.parent.is_some() || matches!(PENALTY_SCENARIOS[plan.scenario].opening, Opening::FromInspection(..));
    let mut steps = Vec::new();
    if inputs.settings.filing_approval {
        steps.push((
            plan.opened.later(60).max(Moment::at(start, 14 * 60)),
            PenaltyStep::ApproveFiling,
        ));
    }
    if !escalated {
        steps.push((at(1, 9 * 60 + 30), PenaltyStep::Investigate(Site)));
    }
    steps.push((at(1, 10 * 60 + 40), PenaltyStep::Investigate(Inquiry)));
    steps.push((at(3, 14 * 60 + 30), PenaltyStep::Investigate(Evidence)));
    let mut propose_day = if plan.outcome == Outcome::NoPenaltyMinor {
        steps.push((at(3, 15 * 60 + 30), PenaltyStep::Educate));
        4
    } else {
        let defense_days = inputs.settings.defense_period_working_days;
        steps.push((at(5, 10 * 60), PenaltyStep::Notify));
        let room = lighter_notice(plan, rng);
        match plan.defense {
            Defense::Waived => {
                steps.push((at(5, 10 * 60 + 30), PenaltyStep::WaiveDefense));
                6
            }
            Defense::Stated { accepted } => {
                steps.push((at(7, 10 * 60), PenaltyStep::StateDefense));
                steps.push((
                    at(8, 10 * 60),
                    PenaltyStep::ReviewDefense {
                        accepted: accepted && room,
                    },
                ));
                8
            }
            Defense::Lapsed => 5 + defense_days + 1,
        }
    };
    steps.push((at(propose_day, 15 * 60), PenaltyStep::Propose));
    // Counsel reviews every ordinary decision under the default scope; under `major_only`
    // none of the profile's (small fines, no hearing rights) needs it.
    let reviewed = inputs.settings.legal_review_scope == LegalReviewScope::AllOrdinary;
    if !reviewed {
        steps.push((at(propose_day + 1, 15 * 60), PenaltyStep::Decide));
        return Ok(after_decision(inputs, rng, plan, steps, propose_day + 1));
    }
    steps.push((at(propose_day, 15 * 60 + 30), PenaltyStep::SubmitReview));
    if plan.review_round_trip {
        steps.push((at(propose_day + 1, 10 * 60), PenaltyStep::Opinion { approved: false }));
        steps.push((at(propose_day + 2, 10 * 60), PenaltyStep::Investigate(Evidence)));
        steps.push((at(propose_day + 3, 10 * 60), PenaltyStep::Propose));
        steps.push((at(propose_day + 3, 10 * 60 + 30), PenaltyStep::SubmitReview));
        propose_day += 3;
    }
    steps.push((at(propose_day + 1, 10 * 60), PenaltyStep::Opinion { approved: true }));
    let decided = propose_day + 2;
    steps.push((at(decided, 15 * 60), PenaltyStep::Decide));
    Ok(after_decision(inputs, rng, plan, steps, decided))
}

/// Service, payment and close, `decided` working days after the opening.
fn after_decision(
    inputs: &Inputs<'_>,
    rng: &mut ChaCha8Rng,
    plan: &PenaltyPlan,
    mut steps: Vec<(Moment, PenaltyStep)>,
    decided: u32,
) -> Vec<(Moment, PenaltyStep)> {
    let start = plan.opened.date;
    let at = |days: u32, minute: u32| Moment::at(inputs.after(start, days), minute);
    let served = match plan.service {
        ServiceMethod::Mail => decided + 2,
        _ => decided + 1,
    };
    steps.push((at(served, 10 * 60), PenaltyStep::Serve(plan.service)));
    let mut last = served;
    if plan.fine_fen() > 0 {
        last = served + rng.gen_range(2..=8);
        steps.push((at(last, 11 * 60), PenaltyStep::Pay { on_the_spot: false }));
    }
    steps.push((at(last + 1, 16 * 60), PenaltyStep::Close));
    steps.push((
        published(inputs, rng, inputs.after(start, decided)),
        PenaltyStep::Publish,
    ));
    steps
}

/// When the defence is accepted, the notice had announced a heavier fine than the one
/// proposed and decided (APL art. 45 allows lighter, never heavier): raises the notice's
/// fine by a few steps within the range. False when there is no room to do so.
fn lighter_notice(plan: &mut PenaltyPlan, rng: &mut ChaCha8Rng) -> bool {
    let Defense::Stated { accepted: true } = plan.defense else {
        return false;
    };
    let (Sanction::Fine(_, max) | Sanction::WarningAndFine(_, max)) = PENALTY_SCENARIOS[plan.scenario].sanction else {
        return false;
    };
    let fine = plan.fine_fen();
    let raised = (fine + fine_step(max) * rng.gen_range(1..=4)).min(max);
    if raised <= fine {
        return false;
    }
    for penalty in plan.notice.iter_mut().filter(|p| p.kind == PenaltyType::Fine) {
        penalty.amount_fen = Some(raised);
    }
    true
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;

    use chrono::Datelike;

    use super::*;
    use crate::calendar::model::{REFERENCE_CSV, WorkCalendar, parse_reference_csv};
    use crate::cases::model::{InspectionResult, ProcedureSettings};
    use crate::demo::people;
    use crate::demo::plan::sample_powers;

    fn drawn() -> (Plan, Vec<super::super::plan::PowerInfo>) {
        drawn_with(ProcedureSettings::default())
    }

    fn drawn_with(settings: ProcedureSettings) -> (Plan, Vec<super::super::plan::PowerInfo>) {
        let days = parse_reference_csv(REFERENCE_CSV).unwrap();
        let years: Vec<i32> = days.iter().map(|d| d.date.year()).collect();
        let calendar = WorkCalendar::with_years(days.iter().map(|d| (d.date, d.kind)), years);
        let powers = sample_powers().unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(xuefu::SEED);
        let subjects = people::subjects(&mut rng);
        let inputs = Inputs {
            calendar: &calendar,
            powers: &powers,
            subjects: &subjects,
            settings: &settings,
        };
        (Plan::draw(&inputs, &mut rng).unwrap(), powers)
    }

    #[test]
    fn firms_are_inspected_under_published_items_within_their_caps() {
        let (plan, _) = drawn();
        for inspection in plan.inspections.iter().filter(|i| i.cites_item) {
            assert!(
                xuefu::item_of(&inspection.powers[0]).is_some(),
                "{} has no item",
                inspection.powers[0]
            );
        }
        let citing = plan.inspections.iter().filter(|i| i.cites_item).count();
        assert!(citing > xuefu::INSPECTION_CASES * 95 / 100, "{citing}");
        CapCounts::check(&plan.inspections).unwrap();
        // One more routine visit of a firm already at its cap would be refused.
        let mut at_cap = plan.inspections.clone();
        let first = at_cap.iter().position(|i| i.cites_item).unwrap();
        let cap = xuefu::item_of(&at_cap[first].powers[0]).unwrap().yearly_cap;
        let mut extra = at_cap[first].clone();
        extra.source = crate::cases::model::CaseSource::Routine;
        for _ in 0..cap {
            at_cap.push(extra.clone());
        }
        assert!(CapCounts::check(&at_cap).is_err());
    }

    #[test]
    fn the_plan_yields_the_reports_figures() {
        let (plan, powers) = drawn();
        assert_eq!(plan.inspections.len(), xuefu::INSPECTION_CASES);
        assert_eq!(plan.penalties.len(), xuefu::PENALTY_CASES);
        let fines: i64 = plan.penalties.iter().map(PenaltyPlan::fine_fen).sum();
        assert_eq!(fines, xuefu::FINES_TOTAL_FEN);
        let hazards = |level| plan.inspections.iter().map(|i| i.hazards(level)).sum::<usize>();
        assert_eq!(hazards(HazardLevel::General), xuefu::GENERAL_HAZARDS);
        assert_eq!(hazards(HazardLevel::Major), xuefu::MAJOR_HAZARDS);
        let cited: BTreeSet<&str> = plan
            .inspections
            .iter()
            .flat_map(|i| i.powers.iter().map(String::as_str))
            .chain(plan.penalties.iter().map(|p| PENALTY_SCENARIOS[p.scenario].power))
            .collect();
        assert_eq!(cited.len(), powers.len(), "every power is cited");
        let officers: BTreeSet<usize> = plan
            .inspections
            .iter()
            .flat_map(|i| i.officers)
            .chain(plan.penalties.iter().flat_map(|p| p.officers))
            .collect();
        assert_eq!(officers.len(), xuefu::OFFICERS.len(), "every officer is on a case");
        for inspection in &plan.inspections {
            assert_ne!(inspection.officers[0], inspection.officers[1]);
            assert!(inspection.closed.date.year() == xuefu::YEAR);
            assert_eq!(
                inspection.rectification.is_some(),
                inspection.result == InspectionResult::ViolationsFound
            );
        }
        let escalated = plan.inspections.iter().filter(|i| i.escalation.is_some()).count();
        assert_eq!(escalated, plan.penalties.iter().filter(|p| p.parent.is_some()).count());
        for penalty in &plan.penalties {
            assert!(penalty.decision().is_some_and(|d| d.date.year() == xuefu::YEAR));
            assert!(penalty.steps.windows(2).all(|w| w[0].0 < w[1].0), "steps in order");
        }
    }

    #[test]
    fn the_plan_is_the_same_every_time() {
        let (a, _) = drawn();
        let (b, _) = drawn();
        let key = |p: &Plan| {
            format!(
                "{:?}",
                p.inspections
                    .iter()
                    .map(|i| (i.opened, i.subject, i.officers, &i.powers, &i.findings))
                    .collect::<Vec<_>>()
            )
        };
        assert_eq!(key(&a), key(&b));
        assert_eq!(
            a.penalties.iter().map(|p| p.fine_fen()).collect::<Vec<_>>(),
            b.penalties.iter().map(|p| p.fine_fen()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_agencys_settings_shape_the_steps() {
        use crate::cases::model::LegalReviewScope;
        let (plan, _) = drawn();
        let count = |plan: &Plan, wanted: &PenaltyStep| {
            plan.penalties
                .iter()
                .flat_map(|p| p.steps.iter())
                .filter(|(_, step)| step == wanted)
                .count()
        };
        assert_eq!(count(&plan, &PenaltyStep::ApproveFiling), 20);
        assert_eq!(
            count(&plan, &PenaltyStep::SubmitReview),
            22,
            "20 ordinary, two sent back once"
        );
        let (plan, _) = drawn_with(ProcedureSettings {
            filing_approval: false,
            legal_review_scope: LegalReviewScope::MajorOnly,
            ..ProcedureSettings::default()
        });
        assert_eq!(count(&plan, &PenaltyStep::ApproveFiling), 0);
        assert_eq!(
            count(&plan, &PenaltyStep::SubmitReview),
            0,
            "no small fine needs a review under major_only"
        );
        assert_eq!(
            plan.penalties.iter().map(PenaltyPlan::fine_fen).sum::<i64>(),
            xuefu::FINES_TOTAL_FEN
        );
    }
}
