//! The year planned before anything is written: which case is opened when, about whom,
//! by whom, citing what, and each step's date and time. Plain Rust over the calendar, the
//! power list and the register, so the figures the profile promises are tested without a
//! database; `load` then walks the plan through the store.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, bail};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::calendar::model::WorkCalendar;
use crate::cases::model::{CaseSource, HazardLevel, InspectionResult, ProcedureSettings};
use crate::powers::model::PowerCategory;
use crate::subjects::model::{RiskLevel, SubjectKind};

use super::people::DemoSubject;
use super::xuefu::{self, DEPARTMENTS, INDUSTRIES, OFFICERS};

/// A local time (Asia/Shanghai) on a day: when a step is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Moment {
    pub date: NaiveDate,
    /// Minutes after midnight.
    pub minute: u32,
}

impl Moment {
    pub fn at(date: NaiveDate, minute: u32) -> Self {
        Moment {
            date,
            minute: minute.min(23 * 60 + 59),
        }
    }

    pub fn later(self, minutes: u32) -> Self {
        Moment::at(self.date, self.minute + minutes)
    }

    /// The instant, `second` seconds into the minute.
    pub fn instant(self, second: u32) -> DateTime<Utc> {
        let local = self
            .date
            .and_hms_opt(self.minute / 60, self.minute % 60, second.min(59))
            .unwrap_or_default();
        crate::clock::shanghai()
            .from_local_datetime(&local)
            .single()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }
}

/// A power of the list, as the plan needs it.
#[derive(Debug, Clone)]
pub struct PowerInfo {
    pub code: String,
    pub name: String,
    pub category: PowerCategory,
    pub department: String,
    pub legal_basis: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub requires_av_record: bool,
}

impl PowerInfo {
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.effective_from <= day && self.effective_to.is_none_or(|to| day <= to)
    }
}

/// The sample power list as the plan reads it (the same file the import loads).
pub fn sample_powers() -> anyhow::Result<Vec<PowerInfo>> {
    use crate::powers::import::{ImportFormat, SAMPLE_POWERS_CSV, read_sheet, rows_of};
    let sheet = read_sheet(ImportFormat::Csv, SAMPLE_POWERS_CSV.as_bytes())
        .map_err(|e| anyhow::anyhow!("the sample power list does not read: {}", e.reason))?;
    let (rows, errors) = rows_of(&sheet);
    if let Some(e) = errors.first() {
        bail!("the sample power list does not read: row {}: {}", e.row, e.reason);
    }
    let first_day = year_start();
    Ok(rows
        .into_iter()
        .map(|row| PowerInfo {
            code: row.code,
            name: row.content.name,
            category: row.content.category,
            department: row.content.source_department,
            legal_basis: row.content.legal_basis,
            effective_from: row.effective_from.unwrap_or(first_day),
            effective_to: row.effective_to,
            requires_av_record: row.content.requires_av_record,
        })
        .collect())
}

pub fn year_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(xuefu::YEAR, 1, 1).unwrap_or_default()
}

/// What the plan is drawn from.
pub struct Inputs<'a> {
    pub calendar: &'a WorkCalendar,
    pub powers: &'a [PowerInfo],
    pub subjects: &'a [DemoSubject],
    pub settings: &'a ProcedureSettings,
}

impl Inputs<'_> {
    /// The working days of the year, in order.
    pub fn working_days(&self) -> Vec<NaiveDate> {
        year_start()
            .iter_days()
            .take_while(|d| d.year() == xuefu::YEAR)
            .filter(|d| self.calendar.is_working_day(*d))
            .collect()
    }

    pub fn after(&self, day: NaiveDate, working_days: u32) -> NaiveDate {
        self.calendar.add_working_days(day, working_days)
    }

    /// The working days from `from` to `to`, both included.
    pub fn working_days_within(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        self.working_days()
            .into_iter()
            .filter(|d| *d >= from && *d <= to)
            .collect()
    }

    pub fn power(&self, code: &str) -> anyhow::Result<&PowerInfo> {
        self.powers
            .iter()
            .find(|p| p.code == code)
            .with_context(|| format!("the power list has no {code}"))
    }

    /// The department's inspection power in force on `day` (行政检查事项): for a food
    /// business the food one where the department has several.
    fn inspection_power(&self, department: usize, food: bool, day: NaiveDate) -> Option<&PowerInfo> {
        let source = DEPARTMENTS[department].source;
        let mut candidates: Vec<&PowerInfo> = self
            .powers
            .iter()
            .filter(|p| p.department == source && p.category == PowerCategory::Inspection && p.in_force_on(day))
            .collect();
        if candidates.len() > 1 {
            candidates.retain(|p| p.name.contains("食品") == food);
        }
        candidates.into_iter().next()
    }

    /// The department's powers an inspection may check (penalty and other, not coercion).
    fn matter_powers(&self, department: usize, day: NaiveDate) -> Vec<&PowerInfo> {
        let source = DEPARTMENTS[department].source;
        self.powers
            .iter()
            .filter(|p| {
                p.department == source
                    && matches!(p.category, PowerCategory::Penalty | PowerCategory::Other)
                    && p.in_force_on(day)
            })
            .collect()
    }
}

/// The team of a department (its two officers) and who goes with its lead: the team mate,
/// or now and then an officer of another team.
pub fn pair(rng: &mut ChaCha8Rng, department: usize) -> [usize; 2] {
    let team: Vec<usize> = OFFICERS
        .iter()
        .enumerate()
        .filter(|(_, o)| o.certificate.is_some_and(|c| c.2 == department))
        .map(|(i, _)| i)
        .collect();
    let lead = team.choose(rng).copied().unwrap_or(0);
    let mate = if rng.gen_bool(0.8) {
        team.iter().copied().find(|i| *i != lead)
    } else {
        None
    };
    let second = mate.unwrap_or_else(|| {
        let others: Vec<usize> = (0..OFFICERS.len()).filter(|i| *i != lead).collect();
        others.choose(rng).copied().unwrap_or((lead + 1) % OFFICERS.len())
    });
    [lead, second]
}

/// The rectification of an inspection's findings (责令限期改正 and its verification).
#[derive(Debug, Clone)]
pub struct Rectification {
    pub ordered: Moment,
    pub deadline: NaiveDate,
    pub verified: Moment,
}

/// One inspection (行政检查) and its steps.
#[derive(Debug, Clone)]
pub struct InspectionPlan {
    pub opened: Moment,
    pub subject: usize,
    pub officers: [usize; 2],
    pub department: usize,
    /// Power codes: the department's inspection power, then the matter checked.
    pub powers: Vec<String>,
    /// A firm or organisation is inspected under the published item of the inspection power
    /// (国办发〔2024〕54号 三), approved by the head first (五); a private home is not.
    pub cites_item: bool,
    pub source: CaseSource,
    pub summary: String,
    pub result: InspectionResult,
    pub findings: Vec<(String, HazardLevel)>,
    pub rectification: Option<Rectification>,
    /// An audio record of the visit is attached (a cited power requires one, or a major
    /// hazard was found).
    pub av_record: bool,
    /// The penalty case this inspection opens (转立案), by index into the plan's penalties.
    pub escalation: Option<usize>,
    /// When the findings are recorded (on the visit).
    pub recorded: Moment,
    pub closed: Moment,
    /// When the head publishes the result (事后公示) of an inspection that found violations.
    pub published: Option<Moment>,
}

impl InspectionPlan {
    pub fn hazards(&self, level: HazardLevel) -> usize {
        self.findings.iter().filter(|(_, l)| *l == level).count()
    }
}

/// Minutes of the office day inspections start in (08:30–16:00).
fn visit_minute(rng: &mut ChaCha8Rng) -> u32 {
    if rng.gen_bool(0.6) {
        rng.gen_range(8 * 60 + 30..11 * 60 + 15)
    } else {
        rng.gen_range(14 * 60..16 * 60)
    }
}

/// How busy each month is: the Spring Festival in February, the 安全生产月 in June, the
/// 消防宣传月 in November.
fn month_weight(month: u32) -> u32 {
    match month {
        2 => 6,
        6 | 11 => 12,
        9 | 12 => 11,
        7 | 8 | 10 => 9,
        _ => 10,
    }
}

/// Draws the year's inspections other than those that open penalty cases: their days,
/// subjects, departments, officers and powers. Findings come later.
pub fn draw_inspections(
    inputs: &Inputs<'_>,
    rng: &mut ChaCha8Rng,
    count: usize,
    already: &[InspectionPlan],
) -> anyhow::Result<Vec<InspectionPlan>> {
    let days = inputs.working_days();
    let day_weights: Vec<u32> = days.iter().map(|d| month_weight(d.month())).collect();
    let day_pick = rand::distributions::WeightedIndex::new(&day_weights)?;
    let firms: Vec<usize> = (0..inputs.subjects.len())
        .filter(|i| inputs.subjects[*i].industry.is_some())
        .collect();
    let homes: Vec<usize> = (0..inputs.subjects.len())
        .filter(|i| inputs.subjects[*i].industry.is_none())
        .collect();
    let risk_weight = |i: &usize| match inputs.subjects[*i].profile.risk_level {
        Some(RiskLevel::High) => 3,
        Some(RiskLevel::Medium) => 2,
        _ => 1,
    };
    let firm_pick = rand::distributions::WeightedIndex::new(firms.iter().map(risk_weight))?;
    let mut counts = CapCounts::default();
    for plan in already {
        counts.add(plan);
    }
    let mut inspections = Vec::with_capacity(count);
    for _ in 0..count {
        // A firm at an item's yearly cap is not visited again under it: drawn again.
        let mut attempts = 0;
        let plan = loop {
            let plan = draw_one(inputs, rng, (&days, &day_pick), (&firms, &firm_pick), &homes)?;
            if counts.fits(&plan)? {
                break plan;
            }
            attempts += 1;
            if attempts == 1000 {
                bail!("no firm is left under its items' yearly caps");
            }
        };
        counts.add(&plan);
        inspections.push(plan);
    }
    Ok(inspections)
}

/// Inspections of each firm under each item in the year (国办发〔2024〕54号 四). The draw
/// keeps every firm's total under each item within the item's cap, whatever the visits'
/// sources, so that the approvals, taken in calendar order, never meet the cap; `check`
/// replays them as the approval counts.
#[derive(Debug, Default)]
pub struct CapCounts(BTreeMap<(usize, String), u32>);

impl CapCounts {
    fn key(plan: &InspectionPlan) -> Option<(usize, String)> {
        plan.cites_item.then(|| (plan.subject, plan.powers[0].clone()))
    }

    fn cap(power: &str) -> anyhow::Result<u32> {
        xuefu::item_of(power)
            .map(|item| item.yearly_cap)
            .with_context(|| format!("no published inspection item rests on {power}"))
    }

    fn under_cap(&self, key: &(usize, String)) -> anyhow::Result<bool> {
        Ok(self.0.get(key).copied().unwrap_or(0) < Self::cap(&key.1)?)
    }

    /// Whether one more inspection like `plan` keeps its firm within the item's cap.
    pub fn fits(&self, plan: &InspectionPlan) -> anyhow::Result<bool> {
        match Self::key(plan) {
            None => Ok(true),
            Some(key) => self.under_cap(&key),
        }
    }

    pub fn add(&mut self, plan: &InspectionPlan) {
        if let Some(key) = Self::key(plan) {
            *self.0.entry(key).or_default() += 1;
        }
    }

    /// Replays the year's approvals in calendar order as `approve_inspection` counts them:
    /// a visit under the cap counts; past it only a complaint-triggered one passes (the
    /// demo's items exempt those), uncounted, and any other would be refused.
    pub fn check(inspections: &[InspectionPlan]) -> anyhow::Result<()> {
        let mut counted = CapCounts::default();
        for plan in inspections {
            let Some(key) = Self::key(plan) else { continue };
            if counted.under_cap(&key)? {
                counted.add(plan);
            } else if !matches!(plan.source, CaseSource::Complaint | CaseSource::Hotline12345) {
                bail!(
                    "subject {} is inspected under {} on {} past the item's yearly cap",
                    plan.subject,
                    plan.powers[0],
                    plan.opened.date
                );
            }
        }
        Ok(())
    }
}

type Picker = rand::distributions::WeightedIndex<u32>;

/// One inspection drawn: its day, subject, department, officers and powers.
fn draw_one(
    inputs: &Inputs<'_>,
    rng: &mut ChaCha8Rng,
    (days, day_pick): (&[NaiveDate], &Picker),
    (firms, firm_pick): (&[usize], &Picker),
    homes: &[usize],
) -> anyhow::Result<InspectionPlan> {
    let day = days[rng.sample(day_pick)];
    let at_home = rng.gen_range(0..1000) < xuefu::HOME_INSPECTIONS_PERMILLE;
    let (subject, departments, food) = match at_home {
        true => (
            *homes.choose(rng).context("no individuals")?,
            xuefu::HOME_DEPARTMENTS,
            false,
        ),
        false => {
            let subject = firms[rng.sample(firm_pick)];
            let industry = &INDUSTRIES[inputs.subjects[subject].industry.unwrap_or_default()];
            (subject, industry.departments, industry.food)
        }
    };
    // A department whose inspection power is not yet in force (文化旅游 from July)
    // does not inspect; another of the subject's does.
    let open: Vec<usize> = departments
        .iter()
        .copied()
        .filter(|d| inputs.inspection_power(*d, food, day).is_some())
        .collect();
    let weights: Vec<u32> = open.iter().map(|d| DEPARTMENTS[*d].weight).collect();
    let department = match rand::distributions::WeightedIndex::new(&weights) {
        Ok(pick) => open[rng.sample(&pick)],
        Err(_) => 5,
    };
    let minute = visit_minute(rng);
    inspection(inputs, rng, (day, minute), subject, (department, food))
}

/// An inspection of `subject` by `department` on `day`, compliant until findings are
/// assigned.
pub fn inspection(
    inputs: &Inputs<'_>,
    rng: &mut ChaCha8Rng,
    (day, minute): (NaiveDate, u32),
    subject: usize,
    (department, food): (usize, bool),
) -> anyhow::Result<InspectionPlan> {
    let check = inputs.inspection_power(department, food, day).with_context(|| {
        format!(
            "{} has no inspection power in force on {day}",
            DEPARTMENTS[department].source
        )
    })?;
    let matters = inputs.matter_powers(department, day);
    let matter = matters.choose(rng).context("a department without powers")?;
    let source = match rng.gen_range(0..100) {
        0..=6 => CaseSource::Complaint,
        7..=14 => CaseSource::Hotline12345,
        _ => CaseSource::Routine,
    };
    let opened = Moment::at(day, minute);
    let recorded = opened.later(rng.gen_range(20..50));
    let text = DEPARTMENTS[department]
        .compliant
        .choose(rng)
        .copied()
        .unwrap_or("未发现问题");
    // A compliant visit closes on the spot, or the next morning once the file is written
    // up (not past the year's last working day).
    let next_day = inputs.after(day, 1);
    let closed = if rng.gen_bool(0.2) && next_day.year() == xuefu::YEAR {
        Moment::at(next_day, rng.gen_range(9 * 60..10 * 60 + 30))
    } else {
        recorded.later(rng.gen_range(5..20))
    };
    Ok(InspectionPlan {
        opened,
        subject,
        officers: pair(rng, department),
        department,
        powers: vec![check.code.clone(), matter.code.clone()],
        cites_item: inputs.subjects[subject].industry.is_some(),
        source,
        summary: format!(
            "{}{}",
            inputs.subjects[subject].profile.name, DEPARTMENTS[department].check
        ),
        result: InspectionResult::Compliant,
        findings: vec![(text.to_string(), HazardLevel::None)],
        rectification: None,
        av_record: false,
        escalation: None,
        recorded,
        closed,
        published: None,
    })
}

/// Makes every power of the list cited by at least one inspection of its department,
/// in force on the inspection's day (执法职权履职率 100%). `reserved` inspections keep
/// their powers.
pub fn cover_powers(
    inputs: &Inputs<'_>,
    rng: &mut ChaCha8Rng,
    inspections: &mut [InspectionPlan],
    already_cited: &BTreeSet<String>,
) -> anyhow::Result<()> {
    let mut citations: BTreeMap<String, usize> = already_cited.iter().map(|c| (c.clone(), 1)).collect();
    for code in inspections.iter().flat_map(|i| i.powers.iter()) {
        *citations.entry(code.clone()).or_default() += 1;
    }
    let mut used = BTreeSet::new();
    for power in inputs.powers {
        if citations.get(&power.code).is_some_and(|n| *n > 0) {
            continue;
        }
        let slot = match power.category {
            PowerCategory::Inspection => 0,
            _ => 1,
        };
        // An inspection of the power's department on a day it is in force, whose power
        // in that slot another case cites as well.
        let candidates: Vec<usize> = (0..inspections.len())
            .filter(|i| {
                let plan = &inspections[*i];
                DEPARTMENTS[plan.department].source == power.department
                    && power.in_force_on(plan.opened.date)
                    && plan.escalation.is_none()
                    && !used.contains(i)
                    && citations.get(&plan.powers[slot]).is_some_and(|n| *n > 1)
            })
            .collect();
        let chosen = *candidates.choose(rng).with_context(|| {
            format!(
                "no inspection can cite {} (in force from {})",
                power.code, power.effective_from
            )
        })?;
        used.insert(chosen);
        let replaced = std::mem::replace(&mut inspections[chosen].powers[slot], power.code.clone());
        *citations.entry(replaced).or_default() -= 1;
        *citations.entry(power.code.clone()).or_default() += 1;
    }
    Ok(())
}

/// Inspections not yet `taken`, of the department if one is named, early enough that a
/// deadline `span` working days out (and its verification) falls within the year.
fn eligible(
    inputs: &Inputs<'_>,
    inspections: &[InspectionPlan],
    taken: &BTreeSet<usize>,
    department: Option<usize>,
    span: u32,
) -> Vec<usize> {
    let last_day = inputs.working_days().last().copied().unwrap_or_default();
    (0..inspections.len())
        .filter(|i| !taken.contains(i))
        .filter(|i| department.is_none_or(|d| inspections[*i].department == d))
        .filter(|i| inputs.after(inspections[*i].opened.date, span + 1) <= last_day)
        .collect()
}

/// Which inspections found what: the major hazards (per department as the profile says),
/// `generals` general hazards (one to three per inspection), `minors` violations that are
/// no hazard, the rest compliant. Inspections with findings to rectify are picked among
/// those early enough for the rectification to be verified within the year; inspections
/// that open penalty cases keep their own findings.
pub fn assign_findings(
    inputs: &Inputs<'_>,
    rng: &mut ChaCha8Rng,
    inspections: &mut [InspectionPlan],
    generals: usize,
    minors: usize,
) -> anyhow::Result<()> {
    let mut taken: BTreeSet<usize> = (0..inspections.len())
        .filter(|i| inspections[*i].escalation.is_some())
        .collect();
    // Major hazards: a longer deadline, and the visit recorded on audio.
    for (department, spec) in DEPARTMENTS.iter().enumerate() {
        for _ in 0..spec.majors {
            let candidates = eligible(inputs, inspections, &taken, Some(department), 16);
            let chosen = *candidates.choose(rng).context("no inspection for a major hazard")?;
            taken.insert(chosen);
            let text = spec
                .major
                .choose(rng)
                .copied()
                .context("a department without major hazards")?;
            let findings = vec![(text.to_string(), HazardLevel::Major)];
            set_findings(inputs, rng, &mut inspections[chosen], findings, 10..=15);
        }
    }
    // General hazards: one each, then a second or third where the department lists more.
    let mut candidates = eligible(inputs, inspections, &taken, None, 11);
    candidates.shuffle(rng);
    let first_round = generals * 4 / 5;
    if candidates.len() < first_round {
        bail!("only {} inspections can take general hazards", candidates.len());
    }
    let with_general: Vec<usize> = candidates.into_iter().take(first_round).collect();
    taken.extend(with_general.iter().copied());
    let caps: Vec<usize> = with_general
        .iter()
        .map(|i| 3.min(DEPARTMENTS[inspections[*i].department].general.len()))
        .collect();
    if caps.iter().sum::<usize>() < generals {
        bail!("too few inspections for {generals} general hazards");
    }
    let mut counts = vec![1usize; with_general.len()];
    let mut remaining = generals - first_round;
    while remaining > 0 {
        let slot = rng.gen_range(0..with_general.len());
        if counts[slot] < caps[slot] {
            counts[slot] += 1;
            remaining -= 1;
        }
    }
    for (chosen, count) in with_general.iter().zip(counts) {
        let department = inspections[*chosen].department;
        let texts: Vec<(String, HazardLevel)> = DEPARTMENTS[department]
            .general
            .choose_multiple(rng, count)
            .map(|t| (t.to_string(), HazardLevel::General))
            .collect();
        set_findings(inputs, rng, &mut inspections[*chosen], texts, 5..=10);
    }
    // Violations that are no hazard: put right within days.
    let mut candidates = eligible(inputs, inspections, &taken, None, 6);
    candidates.shuffle(rng);
    for chosen in candidates.into_iter().take(minors) {
        let department = inspections[chosen].department;
        let text = DEPARTMENTS[department]
            .minor
            .choose(rng)
            .copied()
            .unwrap_or("记录不完整");
        let findings = vec![(text.to_string(), HazardLevel::None)];
        set_findings(inputs, rng, &mut inspections[chosen], findings, 3..=5);
    }
    Ok(())
}

/// Records violations on an inspection with a deadline `deadline_days` working days out,
/// verified on the deadline or up to two working days before it.
pub fn set_findings(
    inputs: &Inputs<'_>,
    rng: &mut ChaCha8Rng,
    plan: &mut InspectionPlan,
    findings: Vec<(String, HazardLevel)>,
    deadline_days: std::ops::RangeInclusive<u32>,
) {
    let days = rng.gen_range(deadline_days);
    let day = plan.opened.date;
    let early = rng.gen_range(0..=2u32).min(days - 1);
    let verified = Moment::at(inputs.after(day, days - early), rng.gen_range(9 * 60..16 * 60));
    plan.av_record |= findings.iter().any(|(_, level)| *level == HazardLevel::Major);
    plan.result = InspectionResult::ViolationsFound;
    plan.findings = findings;
    plan.rectification = Some(Rectification {
        ordered: plan.recorded.later(5),
        deadline: inputs.after(day, days),
        verified,
    });
    plan.closed = verified.later(10);
    // Published within days of the close, well inside the 20 working days allowed.
    let published = inputs.after(verified.date, rng.gen_range(1..=10));
    plan.published = Some(Moment::at(published, 16 * 60 + rng.gen_range(0..50)));
}

/// Whether the subject is of a kind and industry a party description accepts.
pub fn fits(subject: &DemoSubject, party: xuefu::Party) -> bool {
    let industry = subject.industry.map(|i| INDUSTRIES[i].name);
    match party {
        xuefu::Party::Individual => subject.profile.kind == SubjectKind::Individual,
        xuefu::Party::SoleTrader(names) => {
            subject.profile.kind == SubjectKind::IndividualBusiness && industry.is_some_and(|n| names.contains(&n))
        }
        xuefu::Party::Enterprise(names) => {
            subject.profile.kind == SubjectKind::Enterprise && industry.is_some_and(|n| names.contains(&n))
        }
    }
}
