//! Walks the plan through the same store code the API uses: `create_case`, `transition`
//! with the steps' commands (numbering, documents, legal reviews and record events come
//! with them) and `record_upload` for audio records — never rows written by hand. Each
//! case's steps run in one write transaction, dated as the plan dates them; a penalty
//! case decided weeks after it was opened runs in two (opening, decision), so that case
//! and decision numbers follow the calendar across cases.

use std::collections::HashMap;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use diesel::prelude::*;

use crate::cases::model::{
    ApproveInspectionInput, CaseKind, Command, CreateCaseRequest, DecideInput, EscalateInput, FindingInput,
    InvestigationRecordType, NewCase, NoInput, NotifyInput, NotifyResultsInput, OrderRectificationInput, Outcome,
    Procedure, ProposeDecisionInput, RecordDefenseInput, RecordEducationInput, RecordFindingsInput,
    RecordHandoverInput, RecordInvestigationInput, RecordPaymentInput, ResultsNoticeMethod, ReviewDefenseInput,
    ServeInput, StartInput, SubmitLegalReviewInput, VerifyRectificationInput, WaiveDefenseInput,
};
use crate::cases::store::{Caller, create_case, transition};
use crate::db::DbConn;
use crate::error::AppError;
use crate::evidence::model::{EvidenceKind, UploadMetadata, check_metadata};
use crate::evidence::store::{StoredUpload, record_upload};

use super::penalty_plan::{PenaltyPlan, PenaltyStep, Plan};
use super::plan::{InspectionPlan, Moment, PowerInfo};
use super::texts;
use super::xuefu::{Opening, PENALTY_SCENARIOS};

/// Who acts in the demo agency, and the registers' ids the plan's indices stand for.
pub struct Cast {
    pub agency_id: String,
    pub officers: Vec<String>,
    pub head: String,
    pub counsel: String,
    pub subjects: Vec<SubjectRef>,
    pub powers: HashMap<String, String>,
    /// The published inspection items' ids by the code of the power each rests on.
    pub items: HashMap<String, String>,
    /// The audio record's stored file: its SHA-256 and size.
    pub audio: (String, u64),
}

impl Cast {
    fn officer(&self, index: usize) -> Caller {
        Caller {
            user_id: self.officers[index].clone(),
            agency_id: self.agency_id.clone(),
            is_officer: true,
            is_supervisor: false,
            is_counsel: false,
        }
    }

    fn head(&self) -> Caller {
        Caller {
            user_id: self.head.clone(),
            agency_id: self.agency_id.clone(),
            is_officer: false,
            is_supervisor: true,
            is_counsel: false,
        }
    }

    fn counsel(&self) -> Caller {
        Caller {
            user_id: self.counsel.clone(),
            agency_id: self.agency_id.clone(),
            is_officer: false,
            is_supervisor: false,
            is_counsel: true,
        }
    }

    fn power_ids(&self, codes: &[&str]) -> anyhow::Result<Vec<String>> {
        codes
            .iter()
            .map(|code| {
                self.powers
                    .get(*code)
                    .cloned()
                    .with_context(|| format!("{code} was not imported"))
            })
            .collect()
    }
}

/// A subject of the register as the steps name it.
pub struct SubjectRef {
    pub id: String,
    pub name: String,
    pub address: String,
}

/// A unit of work: one write transaction.
#[derive(Debug, Clone, Copy)]
enum Event {
    /// An inspection from its opening to its close, or (when it opens a penalty case) to
    /// its rectification order.
    Inspection(usize),
    /// An inspection's verification, the penalty case it opens and that case's steps up to
    /// its decision.
    Escalation(usize),
    /// A penalty case opened directly, with its steps up to its decision (all of them on
    /// the spot).
    PenaltyOpened(usize),
    /// A penalty case's decision and what follows it.
    PenaltyDecided(usize),
}

/// The plan's transactions in the order of their first step.
fn events(plan: &Plan) -> Vec<(Moment, Event)> {
    let mut events = Vec::new();
    for (index, inspection) in plan.inspections.iter().enumerate() {
        events.push((inspection.opened, Event::Inspection(index)));
        if let (Some(_), Some(rectification)) = (inspection.escalation, &inspection.rectification) {
            events.push((rectification.verified, Event::Escalation(index)));
        }
    }
    for (index, penalty) in plan.penalties.iter().enumerate() {
        if penalty.parent.is_none() {
            events.push((penalty.opened, Event::PenaltyOpened(index)));
        }
        if let Some(at) = penalty.decision()
            && (at.date != penalty.opened.date || penalty.parent.is_some())
        {
            events.push((at, Event::PenaltyDecided(index)));
        }
    }
    events.sort_by_key(|(at, _)| *at);
    events
}

/// What the walk produced, for the summary.
#[derive(Debug, Default)]
pub struct Walked {
    pub inspection_cases: usize,
    /// Disclosures (事后公示) the head published.
    pub disclosures: usize,
    pub penalty_cases: usize,
    pub legal_reviews: usize,
    pub audio_records: usize,
}

/// Runs every case of the plan, each transaction as it comes in the year. `progress` hears
/// how many cases are open of how many.
pub fn walk(
    conn: &mut DbConn,
    cast: &Cast,
    plan: &Plan,
    powers: &[PowerInfo],
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<Walked> {
    let total = (plan.inspections.len() + plan.penalties.len()) as u64;
    let mut inspection_ids: Vec<Option<String>> = vec![None; plan.inspections.len()];
    let mut penalty_ids: Vec<Option<String>> = vec![None; plan.penalties.len()];
    let mut walked = Walked::default();
    let mut opened = 0u64;
    for (_, event) in events(plan) {
        crate::db::write_transaction(conn, |conn| -> anyhow::Result<()> {
            match event {
                Event::Inspection(index) => {
                    let id = open_inspection(conn, cast, &plan.inspections[index], &mut walked)?;
                    inspection_ids[index] = Some(id);
                }
                Event::Escalation(index) => {
                    let parent = &plan.inspections[index];
                    let parent_id = inspection_ids[index].as_deref().context("the inspection is not open")?;
                    let penalty = parent.escalation.context("no escalation")?;
                    let id = escalate(conn, cast, parent, parent_id, &plan.penalties[penalty], &mut walked)?;
                    walked.penalty_cases += 1;
                    let mut case = Walking::new(conn, cast, &plan.penalties[penalty], id.clone());
                    case.steps(powers, |step| *step != PenaltyStep::Decide, &mut walked)?;
                    penalty_ids[penalty] = Some(id);
                }
                Event::PenaltyOpened(index) => {
                    let id = open_penalty(conn, cast, &plan.penalties[index])?;
                    walked.penalty_cases += 1;
                    let simple = plan.penalties[index].simple();
                    let mut case = Walking::new(conn, cast, &plan.penalties[index], id.clone());
                    case.steps(powers, |step| simple || *step != PenaltyStep::Decide, &mut walked)?;
                    penalty_ids[index] = Some(id);
                }
                Event::PenaltyDecided(index) => {
                    let id = penalty_ids[index].clone().context("the penalty case is not open")?;
                    let mut case = Walking::new(conn, cast, &plan.penalties[index], id);
                    case.decision_onward(powers, &mut walked)?;
                }
            }
            Ok(())
        })?;
        // Every event but a decision opens a case (an escalation, its penalty case).
        if !matches!(event, Event::PenaltyDecided(_)) {
            opened += 1;
            progress(opened, total);
            if REFRESH_STATISTICS_AT.contains(&opened) {
                refresh_statistics(conn)?;
            }
        }
    }
    walked.inspection_cases = inspection_ids.iter().flatten().count();
    Ok(walked)
}

/// When (cases opened) PostgreSQL's planner statistics are refreshed during the walk.
const REFRESH_STATISTICS_AT: [u64; 3] = [50, 500, 1500];

/// `ANALYZE` on PostgreSQL. The tables fill from empty within a minute, faster than
/// autovacuum analyses them, and a connection's cached generic plan for loading a case
/// (`cases.agency_id = $1 AND cases.id = $2`), made while the statistics still say
/// "empty", walks the agency's whole `(agency_id, opened_on)` index on every step: an
/// ANALYZE invalidates it and the plan uses the primary key again.
fn refresh_statistics(conn: &mut DbConn) -> anyhow::Result<()> {
    if conn.backend() == crate::db::Backend::Postgres {
        diesel::sql_query("ANALYZE").execute(conn)?;
    }
    Ok(())
}

/// A refused step as the API would have answered it, with the case and step named.
pub(super) fn refused(error: AppError, what: &str) -> anyhow::Error {
    let reason = match &error {
        AppError::Rule { rule, detail } => format!("{rule}: {detail}"),
        AppError::Validation(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect::<Vec<_>>()
            .join("; "),
        AppError::Conflict { detail, .. } => detail.clone(),
        other => other.to_string(),
    };
    anyhow::anyhow!("the demo's {what} was refused: {reason}")
}

fn step(
    conn: &mut DbConn,
    caller: &Caller,
    case_id: &str,
    command: Command,
    (at, second): (Moment, u32),
) -> anyhow::Result<crate::cases::model::Case> {
    let action = command.action();
    transition(conn, caller, case_id, command, None, at.date, at.instant(second))
        .map(|(case, _)| case)
        .map_err(|e| refused(e, &format!("step {} of case {case_id} on {}", action.as_str(), at.date)))
}

fn open_inspection(
    conn: &mut DbConn,
    cast: &Cast,
    plan: &InspectionPlan,
    walked: &mut Walked,
) -> anyhow::Result<String> {
    let codes: Vec<&str> = plan.powers.iter().map(String::as_str).collect();
    let request = CreateCaseRequest {
        kind: CaseKind::Inspection,
        procedure: None,
        subject_id: cast.subjects[plan.subject].id.clone(),
        power_ids: cast.power_ids(&codes)?,
        officer_ids: plan.officers.iter().map(|i| cast.officers[*i].clone()).collect(),
        summary: plan.summary.clone(),
        violation_on: None,
        violation_ended_on: None,
        discovered_on: None,
        opened_on: Some(plan.opened.date),
        source: Some(plan.source),
        parent_case_id: None,
        serious_harm: false,
        inspection_item_ids: match plan.cites_item {
            true => vec![
                cast.items
                    .get(&plan.powers[0])
                    .cloned()
                    .with_context(|| format!("no inspection item rests on {}", plan.powers[0]))?,
            ],
            false => Vec::new(),
        },
    };
    let lead = cast.officer(plan.officers[0]);
    let input = NewCase::try_from(request).map_err(|e| refused(e.into(), "inspection"))?;
    let (case, _) = create_case(conn, &lead, input, plan.opened.date, plan.opened.instant(0))
        .map_err(|e| refused(e, &format!("inspection of {}", plan.opened.date)))?;
    let id = case.id;
    if plan.cites_item {
        // 国办发〔2024〕54号 五: the head approves the visit for the week ahead; the approval
        // issues the inspection code the officers show on arrival.
        let approval = ApproveInspectionInput {
            planned_from: plan.opened.date,
            planned_to: plan.opened.date + chrono::Duration::days(6),
            cap_exemption: None,
        };
        step(
            conn,
            &cast.head(),
            &id,
            Command::ApproveInspection(approval),
            (plan.opened.later(1), 0),
        )?;
    }
    let start = StartInput {
        credentials_shown: true,
        location: Some(cast.subjects[plan.subject].address.clone()),
        code_presented: plan.cites_item,
        emergency_reason: None,
    };
    step(conn, &lead, &id, Command::Start(start), (plan.opened.later(3), 0))?;
    if plan.av_record {
        attach_audio(conn, cast, &lead, &id, plan.opened.later(4))?;
        walked.audio_records += 1;
    }
    let findings = RecordFindingsInput {
        result: plan.result,
        findings: plan
            .findings
            .iter()
            .map(|(description, hazard_level)| FindingInput {
                description: description.clone(),
                hazard_level: *hazard_level,
            })
            .collect(),
    };
    step(conn, &lead, &id, Command::RecordFindings(findings), (plan.recorded, 0))?;
    if plan.cites_item {
        // 检查结果告知: told on the spot, as the findings are signed.
        let notice = NotifyResultsInput {
            method: ResultsNoticeMethod::OnSite,
            notified_on: Some(plan.recorded.date),
        };
        step(
            conn,
            &lead,
            &id,
            Command::NotifyResults(notice),
            (plan.recorded.later(2), 0),
        )?;
    }
    if let Some(rectification) = &plan.rectification {
        let order = OrderRectificationInput {
            deadline: rectification.deadline,
        };
        step(
            conn,
            &lead,
            &id,
            Command::OrderRectification(order),
            (rectification.ordered, 0),
        )?;
        if plan.escalation.is_some() {
            return Ok(id);
        }
        verify(conn, &lead, &id, rectification.verified)?;
    }
    step(conn, &lead, &id, Command::Close(NoInput {}), (plan.closed, 0))?;
    if let Some(at) = plan.published {
        walked.disclosures += publish(conn, cast, &id, (at, 0))?;
    }
    Ok(id)
}

/// The head publishes the case's pending disclosure (事后公示) as `POST
/// /disclosures/{id}/publish` does; 0 when none is pending (the agency publishes on
/// deciding, or the case is exempt).
fn publish(conn: &mut DbConn, cast: &Cast, case_id: &str, (at, second): (Moment, u32)) -> anyhow::Result<usize> {
    use crate::db::schema::disclosures;
    use crate::disclosures::model::DisclosureStatus;
    let pending: Option<String> = disclosures::table
        .filter(disclosures::case_id.eq(case_id))
        .filter(disclosures::status.eq(DisclosureStatus::Pending))
        .select(disclosures::id)
        .first(conn)
        .optional()?;
    let Some(id) = pending else { return Ok(0) };
    crate::disclosures::store::publish(conn, &cast.agency_id, &id, &cast.head, at.date, at.instant(second))
        .map_err(|e| refused(e, &format!("publication of case {case_id}'s disclosure on {}", at.date)))?;
    Ok(1)
}

fn verify(conn: &mut DbConn, lead: &Caller, id: &str, at: Moment) -> anyhow::Result<()> {
    let input = VerifyRectificationInput {
        rectified: true,
        note: Some(texts::VERIFIED.to_string()),
        deadline: None,
        verified_on: Some(at.date),
    };
    step(conn, lead, id, Command::VerifyRectification(input), (at, 0))?;
    Ok(())
}

/// The stored audio file attached to a case as its officers would upload it.
fn attach_audio(conn: &mut DbConn, cast: &Cast, caller: &Caller, case_id: &str, at: Moment) -> anyhow::Result<()> {
    let now = at.instant(30);
    let metadata = check_metadata(
        UploadMetadata {
            filename: format!("现场检查录音_{}.wav", at.date.format("%Y%m%d")),
            captured_at: Some(at.instant(0)),
            device: Some("DSJ-V8 执法记录仪".into()),
            description: Some(texts::AUDIO_DESCRIPTION.into()),
        },
        now,
    )
    .map_err(|e| refused(e, "audio record"))?;
    let upload = StoredUpload {
        kind: EvidenceKind::Audio,
        metadata,
        captured_by: None,
        correction_reason: None,
        sha256: cast.audio.0.clone(),
        size_bytes: cast.audio.1,
    };
    // The demo's file is stored already; the quota is the served uploads' concern.
    record_upload(conn, caller, case_id, upload, None, now, || Ok(())).map_err(|e| refused(e, "audio record"))?;
    Ok(())
}

/// The inspection's verification, the penalty case it opens (转立案) and its close.
fn escalate(
    conn: &mut DbConn,
    cast: &Cast,
    parent: &InspectionPlan,
    parent_id: &str,
    penalty: &PenaltyPlan,
    walked: &mut Walked,
) -> anyhow::Result<String> {
    use crate::db::schema::cases;
    let lead = cast.officer(parent.officers[0]);
    let verified = parent.rectification.as_ref().context("no rectification")?.verified;
    verify(conn, &lead, parent_id, verified)?;
    let scenario = &PENALTY_SCENARIOS[penalty.scenario];
    let input = EscalateInput {
        summary: scenario.summary.to_string(),
        power_ids: Some(cast.power_ids(&[scenario.power])?),
        officer_ids: None,
        violation_on: penalty.violation_on,
        serious_harm: false,
    };
    step(conn, &lead, parent_id, Command::Escalate(input), (penalty.opened, 0))?;
    let child: String = cases::table
        .filter(cases::parent_case_id.eq(parent_id))
        .select(cases::id)
        .first(conn)?;
    step(conn, &lead, parent_id, Command::Close(NoInput {}), (parent.closed, 0))?;
    if let Some(at) = parent.published {
        walked.disclosures += publish(conn, cast, parent_id, (at, 0))?;
    }
    Ok(child)
}

fn open_penalty(conn: &mut DbConn, cast: &Cast, plan: &PenaltyPlan) -> anyhow::Result<String> {
    let scenario = &PENALTY_SCENARIOS[plan.scenario];
    let (procedure, source) = match scenario.opening {
        Opening::OnTheSpot => (Procedure::Simple, crate::cases::model::CaseSource::Routine),
        Opening::Ordinary(source) => (Procedure::Ordinary, source),
        Opening::FromInspection(..) => bail!("an escalated case is opened by its inspection"),
    };
    let request = CreateCaseRequest {
        kind: CaseKind::Penalty,
        procedure: Some(procedure),
        subject_id: cast.subjects[plan.subject].id.clone(),
        power_ids: cast.power_ids(&[scenario.power])?,
        officer_ids: plan.officers.iter().map(|i| cast.officers[*i].clone()).collect(),
        summary: scenario.summary.to_string(),
        violation_on: Some(plan.violation_on),
        violation_ended_on: None,
        discovered_on: None,
        opened_on: Some(plan.opened.date),
        source: Some(source),
        parent_case_id: None,
        serious_harm: false,
        inspection_item_ids: Vec::new(),
    };
    let input = NewCase::try_from(request).map_err(|e| refused(e.into(), "penalty case"))?;
    let lead = cast.officer(plan.officers[0]);
    let (case, _) = create_case(conn, &lead, input, plan.opened.date, plan.opened.instant(0))
        .map_err(|e| refused(e, &format!("penalty case of {}", plan.opened.date)))?;
    Ok(case.id)
}

/// A penalty case being walked through its steps.
struct Walking<'a> {
    conn: &'a mut DbConn,
    cast: &'a Cast,
    plan: &'a PenaltyPlan,
    id: String,
    review_id: Option<String>,
}

impl<'a> Walking<'a> {
    fn new(conn: &'a mut DbConn, cast: &'a Cast, plan: &'a PenaltyPlan, id: String) -> Self {
        Walking {
            conn,
            cast,
            plan,
            id,
            review_id: None,
        }
    }

    /// The steps from the first up to (not including) the first one `wanted` refuses.
    fn steps(
        &mut self,
        powers: &[PowerInfo],
        wanted: impl Fn(&PenaltyStep) -> bool,
        walked: &mut Walked,
    ) -> anyhow::Result<()> {
        for (index, (at, planned)) in self.plan.steps.iter().enumerate() {
            if !wanted(planned) {
                break;
            }
            self.take(powers, (*at, index as u32), planned, walked)?;
        }
        Ok(())
    }

    /// The decision and every step after it.
    fn decision_onward(&mut self, powers: &[PowerInfo], walked: &mut Walked) -> anyhow::Result<()> {
        let first = self
            .plan
            .steps
            .iter()
            .position(|(_, step)| *step == PenaltyStep::Decide)
            .context("a case without a decision")?;
        for (index, (at, planned)) in self.plan.steps.iter().enumerate().skip(first) {
            self.take(powers, (*at, index as u32), planned, walked)?;
        }
        Ok(())
    }

    fn take(
        &mut self,
        powers: &[PowerInfo],
        at: (Moment, u32),
        planned: &PenaltyStep,
        walked: &mut Walked,
    ) -> anyhow::Result<()> {
        let plan = self.plan;
        let day = at.0.date;
        let lead = self.cast.officer(plan.officers[0]);
        let scenario = &PENALTY_SCENARIOS[plan.scenario];
        let power = powers
            .iter()
            .find(|p| p.code == scenario.power)
            .context("the scenario's power")?;
        let subject = &self.cast.subjects[plan.subject];
        let texts = texts::CaseTexts::new(plan, power, (&subject.name, &subject.address));
        let (caller, command) = match planned {
            PenaltyStep::ApproveFiling => (self.cast.head(), Command::ApproveFiling(NoInput {})),
            PenaltyStep::Investigate(record_type) => (
                lead,
                Command::RecordInvestigation(RecordInvestigationInput {
                    record_type: *record_type,
                    content: texts.investigation(*record_type),
                    credentials_shown: matches!(
                        record_type,
                        InvestigationRecordType::Site | InvestigationRecordType::Inquiry
                    ),
                }),
            ),
            PenaltyStep::Notify => (
                lead,
                Command::Notify(NotifyInput {
                    penalties: plan.notice.clone(),
                    facts: texts.facts(),
                    legal_basis: power.legal_basis.clone(),
                    notified_on: Some(day),
                }),
            ),
            PenaltyStep::WaiveDefense => (
                lead,
                Command::WaiveDefense(WaiveDefenseInput {
                    note: Some(texts::DEFENSE_WAIVED.into()),
                    hearing_waived: false,
                }),
            ),
            PenaltyStep::StateDefense => (
                lead,
                Command::RecordDefense(RecordDefenseInput {
                    content: texts::DEFENSE_STATED.into(),
                }),
            ),
            PenaltyStep::ReviewDefense { accepted } => (
                lead,
                Command::ReviewDefense(ReviewDefenseInput {
                    opinion: texts::defense_review(*accepted).into(),
                    accepted: *accepted,
                }),
            ),
            PenaltyStep::Educate => (
                lead,
                Command::RecordEducation(RecordEducationInput {
                    content: texts::EDUCATION.into(),
                    educated_on: Some(day),
                }),
            ),
            PenaltyStep::Propose => (lead, Command::ProposeDecision(self.proposal(&texts, day))),
            PenaltyStep::SubmitReview => (
                lead,
                Command::SubmitLegalReview(SubmitLegalReviewInput {
                    documents: texts::REVIEW_DOCUMENTS.iter().map(|d| d.to_string()).collect(),
                    note: None,
                }),
            ),
            PenaltyStep::Opinion { approved } => {
                let review_id = self.review_id.clone().context("no review submitted")?;
                walked.legal_reviews += 1;
                (
                    self.cast.counsel(),
                    Command::RecordLegalOpinion(texts::opinion(review_id, *approved)),
                )
            }
            PenaltyStep::Decide if plan.simple() => (
                lead,
                Command::Decide(DecideInput {
                    outcome: Some(Outcome::Penalty),
                    penalties: Some(plan.penalties.clone()),
                    decided_on: Some(day),
                    credentials_shown: Some(true),
                    party_heard: Some(texts::PARTY_HEARD.into()),
                    mitigation_ground: None,
                    benchmark_id: None,
                    base_amount_fen: None,
                }),
            ),
            PenaltyStep::Decide => (
                self.cast.head(),
                Command::Decide(DecideInput {
                    outcome: None,
                    penalties: None,
                    decided_on: Some(day),
                    credentials_shown: None,
                    party_heard: None,
                    mitigation_ground: None,
                    benchmark_id: None,
                    base_amount_fen: None,
                }),
            ),
            PenaltyStep::Serve(method) => (
                lead,
                Command::Serve(ServeInput {
                    method: *method,
                    served_on: day,
                    receipt: Some(texts::receipt(*method)),
                }),
            ),
            PenaltyStep::Pay { on_the_spot } => (
                lead,
                Command::RecordPayment(RecordPaymentInput {
                    amount_fen: plan.fine_fen(),
                    paid_on: day,
                    on_the_spot: *on_the_spot,
                    receipt_no: on_the_spot.then(|| texts::spot_receipt(day, plan.subject)),
                    collection_ground: None,
                }),
            ),
            PenaltyStep::Handover => (
                lead,
                Command::RecordHandover(RecordHandoverInput {
                    handed_over_on: day,
                    note: Some(texts::HANDED_OVER.into()),
                }),
            ),
            PenaltyStep::Acknowledge => (self.cast.head(), Command::AcknowledgeFiling(NoInput {})),
            PenaltyStep::Publish => {
                walked.disclosures += publish(self.conn, self.cast, &self.id, at)?;
                return Ok(());
            }
            PenaltyStep::Close => (lead, Command::Close(NoInput {})),
        };
        let case = step(self.conn, &caller, &self.id, command, at)?;
        if *planned == PenaltyStep::SubmitReview {
            self.review_id = case.legal_review_id;
        }
        Ok(())
    }

    fn proposal(&self, texts: &texts::CaseTexts<'_>, day: NaiveDate) -> ProposeDecisionInput {
        let no_penalty = self.plan.outcome == Outcome::NoPenaltyMinor;
        ProposeDecisionInput {
            outcome: self.plan.outcome,
            penalties: self.plan.penalties.clone(),
            facts: texts.facts(),
            legal_basis: texts.proposal_basis(),
            discretion_reasoning: texts.discretion(),
            no_penalty_ground: no_penalty
                .then_some(crate::cases::model::NoPenaltyGround::FirstViolationMinorHarmCorrected),
            mitigation_ground: None,
            receiving_organ: None,
            proposed_on: Some(day),
            complex: false,
            major_public_interest: false,
            benchmark_id: None,
            deviation_reason: None,
            base_amount_fen: None,
            list_entry_id: None,
        }
    }
}
