//! The penalty cases of the scale data set (DESIGN §4.2–4.3): simple-procedure decisions
//! on the spot, and ordinary ones through notice, defence, hearing, proposal, counsel's
//! review, the head's decision, service and payment or court enforcement.

use chrono::{Duration, NaiveDate};
use rand::Rng;
use serde_json::json;

use super::lifecycle::{DEPARTMENTS, Escalation, Generated, Life};
use super::registers::{Power, World};
use crate::cases::model::{
    CaseKind, CaseSource, CaseStatus, ChecklistItem, DefenseState, HearingState, NoPenaltyGround, Outcome, Penalty,
    PenaltyType, Procedure, Proposal, ReviewItem, ReviewOutcome, Revocation, RevocationAuthority, RevocationKind,
    ServiceMethod, carries_hearing_rights, check_penalties, needs_collective_discussion, number_year, opinion_hash,
};
use crate::cases::numbering::{Sequence, format_number};
use crate::legal_reviews::store::ReviewRow;

impl Life<'_> {
    /// A fine within `[lo, hi]` fen, mostly near the bottom of the range, in round yuan.
    fn fine_between(&mut self, lo: i64, hi: i64) -> i64 {
        let lo = lo.max(2_000).min(hi);
        let u: f64 = self.rng.r#gen();
        let raw = lo + ((hi - lo) as f64 * u * u * u) as i64;
        let step = if hi >= 100_000 { 10_000 } else { 1_000 };
        (raw.div_euclid(step) * step).clamp(lo, hi)
    }

    fn penalties(&mut self, power: &Power) -> Vec<Penalty> {
        let fine = |amount| Penalty {
            kind: PenaltyType::Fine,
            amount_fen: Some(amount),
        };
        let bare = |kind| Penalty { kind, amount_fen: None };
        let (lo, hi) = (power.fine_min_fen.unwrap_or(0), power.fine_max_fen.unwrap_or(0));
        let amount = self.fine_between(lo, hi.max(2_000));
        let list = match self.rng.gen_range(0..100) {
            0..62 => vec![fine(amount)],
            62..72 => vec![bare(PenaltyType::Warning)],
            72..82 => vec![
                fine(amount),
                Penalty {
                    kind: PenaltyType::ConfiscateIllegalGains,
                    amount_fen: Some(self.rng.gen_range(10..500) * 1_000),
                },
            ],
            82..87 => vec![bare(PenaltyType::Warning), fine(amount)],
            87..92 => vec![fine(amount), bare(PenaltyType::SuspendBusiness)],
            92..95 => vec![
                fine(amount),
                Penalty {
                    kind: PenaltyType::ConfiscateProperty,
                    amount_fen: Some(self.rng.gen_range(5..300) * 1_000),
                },
            ],
            95..97 => vec![fine(amount), bare(PenaltyType::RevokeLicense)],
            _ => vec![bare(PenaltyType::PublicCriticism)],
        };
        check_penalties("penalties", &list).unwrap_or(list)
    }

    /// A penalty case (DESIGN §4.2–4.3), on its own or from an inspection.
    pub(super) fn penalty(
        &mut self,
        world: &World,
        agency: usize,
        opened_on: NaiveDate,
        escalation: Option<Escalation>,
    ) -> Generated {
        let power = &world.powers[world.penalty_powers[self.skewed(world.penalty_powers.len())]];
        let subject_index = match &escalation {
            Some(e) => e.subject,
            None => self.rng.gen_range(0..world.subjects.len()),
        };
        let subject = &world.subjects[subject_index];
        let matter = power.name.trim_start_matches('对').trim_end_matches("的处罚");
        let (procedure, source, summary, parent, violation_on, officers) = match escalation {
            Some(e) => (
                Procedure::Ordinary,
                CaseSource::Inspection,
                format!("检查发现{}，转立案查处", e.finding),
                Some(e.parent_id),
                e.violation_on,
                e.officers,
            ),
            None => {
                let simple = self.rng.gen_bool(0.4);
                let source = match self.rng.gen_range(0..100) {
                    0..50 => CaseSource::Routine,
                    50..75 => CaseSource::Complaint,
                    75..95 => CaseSource::Hotline12345,
                    _ => CaseSource::Referral,
                };
                let violation_on = match simple {
                    true => opened_on,
                    false => opened_on - self.days(0..=20),
                };
                (
                    if simple { Procedure::Simple } else { Procedure::Ordinary },
                    if simple { CaseSource::Routine } else { source },
                    format!("{}：{matter}", subject.name),
                    None,
                    violation_on,
                    self.two_officers(world, opened_on, opened_on + Duration::days(150)),
                )
            }
        };
        let (case, meta, event, _) = self.open(
            world,
            agency,
            CaseKind::Penalty,
            Some(procedure),
            (opened_on, Some(violation_on)),
            subject,
            (officers, power),
            (source, summary, parent),
        );
        let mut generated = Generated {
            case,
            meta,
            event,
            reviews: Vec::new(),
        };
        match procedure {
            Procedure::Simple => self.on_the_spot(&mut generated, agency, world, power),
            Procedure::Ordinary => self.ordinary(&mut generated, agency, world, power),
        }
        generated
    }

    /// 简易程序: decided, served and mostly paid on the spot, filed with the agency.
    fn on_the_spot(&mut self, g: &mut Generated, agency: usize, world: &World, power: &Power) {
        let case = &mut g.case;
        let day = case.opened_on;
        let limit = match case.subject_kind.counts_as_individual() {
            true => crate::cases::model::SIMPLE_MAX_FINE_INDIVIDUAL_FEN,
            false => crate::cases::model::SIMPLE_MAX_FINE_ORGANISATION_FEN,
        };
        let (lo, hi) = (
            power.fine_min_fen.unwrap_or(0),
            power.fine_max_fen.unwrap_or(0).min(limit),
        );
        let penalties = if lo > hi || hi < 2_000 || self.rng.gen_bool(0.3) {
            vec![Penalty {
                kind: PenaltyType::Warning,
                amount_fen: None,
            }]
        } else {
            vec![Penalty {
                kind: PenaltyType::Fine,
                amount_fen: Some(self.fine_between(lo, hi)),
            }]
        };
        let fine = crate::cases::model::fine_of(&penalties);
        case.penalties = penalties;
        case.outcome = Some(Outcome::Penalty);
        case.decided_on = Some(day);
        let seq = self.numbers.take(agency, Sequence::Decision, number_year(day));
        case.decision_number = Some(format_number(
            &world.agency.case_prefix,
            Sequence::Decision,
            number_year(day),
            seq,
        ));
        case.served_on = Some(day);
        case.service_method = Some(ServiceMethod::InPerson);
        case.status = CaseStatus::Decided;
        let due = self.working(day, self.settings.acknowledgement_working_days);
        case.filing_acknowledgement_due_on = Some(due);
        let backlog = day >= self.backlog_from && self.rng.gen_bool(0.01);
        if !backlog {
            case.filing_acknowledged_on = Some(match self.rng.gen_bool(0.95) {
                true => self.working_within(day, 1..=5),
                false => self.working_within(due, 1..=5),
            });
        }
        let mut last = case.filing_acknowledged_on.unwrap_or(day);
        if fine > 0 {
            case.payment_due_on = Some(self.payment_due(day));
            let on_the_spot = fine <= crate::cases::model::ON_THE_SPOT_COLLECTION_MAX_FEN && self.rng.gen_bool(0.6);
            let paid_on = match on_the_spot {
                true => day,
                false => day + self.days(1..=14),
            };
            if on_the_spot {
                case.handover_due_on = Some(self.working(paid_on, 2));
                case.handed_over_on = Some(self.working_within(paid_on, 0..=2));
            }
            case.paid_fen = fine;
            case.executed_on = Some(paid_on);
            case.status = CaseStatus::Executed;
            last = last.max(case.handed_over_on.unwrap_or(paid_on)).max(paid_on);
        }
        let closed_on = (!backlog).then(|| self.working_within(last, 1..=5));
        self.finish(&mut g.case, &mut g.meta, closed_on, last);
    }
}

/// The ten checklist items, all passing, or with `failing` failed.
fn checklist(failing: Option<ReviewItem>) -> Vec<ChecklistItem> {
    ReviewItem::ALL
        .iter()
        .map(|item| ChecklistItem {
            item: *item,
            pass: Some(*item) != failing,
            comment: (Some(*item) == failing).then(|| "证据不足以证明违法所得数额，请补充调查".to_string()),
        })
        .collect()
}

impl Life<'_> {
    /// 普通程序: filing approval, investigation, notice, defence (and hearing), proposal,
    /// counsel's review, the head's decision, service, payment, closing.
    fn ordinary(&mut self, g: &mut Generated, agency: usize, world: &World, power: &Power) {
        let opened_on = g.case.opened_on;
        let roll = self.rng.gen_range(0..1000);
        if roll < 5 {
            g.case.status = CaseStatus::Voided;
            self.finish(&mut g.case, &mut g.meta, None, opened_on);
            return;
        }
        let approved_on = self.working_within(opened_on, 0..=2);
        if roll < 25 {
            g.case.status = CaseStatus::FilingRefused;
            g.case.terminated_reason = Some("违法事实不清，不符合立案条件".into());
            self.finish(&mut g.case, &mut g.meta, None, approved_on);
            return;
        }
        g.case.status = CaseStatus::Investigating;
        if roll < 35 {
            g.case.transferred_to = Some(DEPARTMENTS[self.rng.gen_range(0..DEPARTMENTS.len())].to_string());
            g.case.transfer_reason = Some("案件不属于本机关管辖，依法移送".into());
            g.case.status = CaseStatus::Transferred;
            let on = approved_on + self.days(3..=20);
            self.finish(&mut g.case, &mut g.meta, None, on);
            return;
        }
        if roll < 55 {
            g.case.terminated_reason = Some("当事人下落不明，案件无法继续调查".into());
            g.case.status = CaseStatus::Terminated;
            let on = approved_on + self.days(10..=60);
            self.finish(&mut g.case, &mut g.meta, None, on);
            return;
        }
        if opened_on >= self.backlog_from && roll < 75 {
            // Still under investigation, past its 90 days: overdue today.
            self.finish(&mut g.case, &mut g.meta, None, approved_on);
            return;
        }
        let outcome = match self.rng.gen_range(0..100) {
            0..86 => Outcome::Penalty,
            86..92 => Outcome::NoPenaltyMinor,
            92..97 => Outcome::NoPenaltyUnfounded,
            _ => Outcome::TransferJudicial,
        };
        let decided_on = match outcome {
            Outcome::Penalty => self.notice_to_decision(g, world, power, approved_on),
            _ => self.no_penalty_to_decision(g, world, power, outcome, approved_on),
        };
        self.execute(g, agency, world, decided_on);
    }

    /// Notice, defence, hearing, proposal, reviews and the decision of a penalty, within
    /// the 90 days; returns the decision's date.
    fn notice_to_decision(
        &mut self,
        g: &mut Generated,
        world: &World,
        power: &Power,
        approved_on: NaiveDate,
    ) -> NaiveDate {
        let penalties = self.penalties(power);
        let due = g.case.decision_due_on.unwrap_or(approved_on + Duration::days(90));
        let hearing_rights = carries_hearing_rights(&g.case, &penalties, &self.settings);
        let hearing_held = hearing_rights && self.rng.gen_bool(0.3);
        let defense = match self.rng.gen_range(0..100) {
            _ if hearing_held => DefenseState::Reviewed,
            0..45 => DefenseState::Waived,
            45..85 => DefenseState::Reviewed,
            _ => DefenseState::Pending,
        };
        let mut second_review = self.rng.gen_bool(0.1);
        let mut notify_after = self.rng.gen_range(8..=35);
        let mut attempt = 0;
        loop {
            let case = &mut g.case;
            let notified_on = self.on_working_day(approved_on + Duration::days(notify_after));
            case.notice_penalties = penalties.clone();
            case.notified_on = Some(notified_on);
            case.defense_due_on = Some(self.working(notified_on, self.settings.defense_period_working_days));
            case.defense_state = Some(defense);
            case.hearing_rights = hearing_rights;
            case.hearing_request_due_on = hearing_rights.then(|| self.working(notified_on, 5));
            case.hearing_state = None;
            case.hearing_on = None;
            if hearing_rights {
                case.hearing_state = Some(HearingState::Waived);
            }
            if hearing_held {
                case.hearing_state = Some(HearingState::Held);
                case.hearing_on = Some(self.working_within(notified_on, 7..=11));
            }
            let heard = match defense {
                DefenseState::Waived => notified_on + self.days(1..=3),
                _ => case.defense_due_on.unwrap_or(notified_on),
            };
            let ready = heard.max(case.hearing_on.unwrap_or(heard));
            let proposed_on = ready + self.days(1..=5);
            let discussed = needs_collective_discussion(case, &penalties, &self.settings);
            let discussed_on = discussed.then(|| proposed_on + self.days(1..=3));
            let (reviewed_on, _) = self.reviews(
                g,
                world,
                (Outcome::Penalty, &penalties, power),
                proposed_on,
                second_review,
            );
            let decided_on = self.working_day_after(reviewed_on.max(discussed_on.unwrap_or(reviewed_on)), 0..=3);
            if decided_on <= due || attempt >= 3 {
                let case = &mut g.case;
                case.collective_discussion_on = discussed_on;
                case.outcome = Some(Outcome::Penalty);
                case.penalties = penalties;
                case.decided_on = Some(decided_on.min(due));
                return decided_on.min(due);
            }
            attempt += 1;
            notify_after = (notify_after - (decided_on - due).num_days() - 3).max(1);
            second_review = second_review && attempt < 2;
        }
    }

    /// A no-penalty or transfer outcome: proposal (with education for a minor violation),
    /// review and decision, which may come after the 90 days.
    fn no_penalty_to_decision(
        &mut self,
        g: &mut Generated,
        world: &World,
        power: &Power,
        outcome: Outcome,
        approved_on: NaiveDate,
    ) -> NaiveDate {
        let proposed_on = approved_on + self.days(15..=60);
        if outcome == Outcome::NoPenaltyMinor {
            g.case.education_recorded_on = Some(proposed_on - self.days(1..=3));
        }
        let (reviewed_on, _) = self.reviews(g, world, (outcome, &[], power), proposed_on, false);
        let late = self.rng.gen_bool(0.05);
        let decided_on = match late {
            true => g.case.decision_due_on.unwrap_or(reviewed_on) + self.days(1..=20),
            false => self.working_day_after(reviewed_on, 0..=3),
        };
        g.case.outcome = Some(outcome);
        g.case.decided_on = Some(decided_on.max(reviewed_on));
        if outcome == Outcome::TransferJudicial {
            g.case.transferred_to = g.case.proposal.as_ref().and_then(|p| p.receiving_organ.clone());
        }
        decided_on.max(reviewed_on)
    }

    /// The proposal and counsel's reviews of it (one needing changes first, sometimes):
    /// returns the approving review's date and the date of the proposal it approved.
    fn reviews(
        &mut self,
        g: &mut Generated,
        world: &World,
        (outcome, penalties, power): (Outcome, &[Penalty], &Power),
        proposed_on: NaiveDate,
        second: bool,
    ) -> (NaiveDate, NaiveDate) {
        g.reviews.clear();
        let mut proposal = Proposal {
            outcome,
            penalties: penalties.to_vec(),
            facts: format!("经查，{}", g.case.summary),
            legal_basis: power.legal_basis.clone(),
            discretion_reasoning: "违法情节一般，依据裁量基准在法定幅度内处罚".into(),
            no_penalty_ground: (outcome == Outcome::NoPenaltyMinor).then_some(NoPenaltyGround::MinorAndCorrected),
            mitigation_ground: None,
            receiving_organ: (outcome == Outcome::TransferJudicial).then(|| "天津市公安局南开分局".to_string()),
            complex: false,
            major_public_interest: false,
            benchmark: None,
            list_entry: None,
            proposed_on,
        };
        let mut submitted_on = proposed_on;
        let mut rounds = vec![ReviewOutcome::Approved];
        if second {
            rounds.insert(0, ReviewOutcome::NeedsChanges);
        }
        let mut reviewed_on = submitted_on;
        for (i, round) in rounds.iter().enumerate() {
            if i > 0 {
                submitted_on = reviewed_on + self.days(3..=8);
                proposal.proposed_on = submitted_on;
            }
            reviewed_on = submitted_on + self.days(1..=5);
            g.case.proposal = Some(proposal.clone());
            let review = self.review_row(g, world, i as i32 + 1, *round, (submitted_on, reviewed_on));
            g.case.legal_review_id = Some(review.id.clone());
            g.case.legal_review_outcome = Some(*round);
            g.reviews.push(review);
        }
        (reviewed_on, proposal.proposed_on)
    }

    fn review_row(
        &mut self,
        g: &Generated,
        world: &World,
        seq: i32,
        outcome: ReviewOutcome,
        (submitted_on, reviewed_on): (NaiveDate, NaiveDate),
    ) -> ReviewRow {
        let submitted_at = self.office_instant(submitted_on);
        let reviewed_at = self.office_instant(reviewed_on);
        let id = self.id_at(submitted_at);
        let failing = (outcome != ReviewOutcome::Approved).then_some(ReviewItem::EvidenceSufficient);
        let checklist = checklist(failing);
        let opinion = match outcome {
            ReviewOutcome::Approved => "主体合法、事实清楚、证据确凿、程序合法、适用法律正确、裁量适当，同意。",
            _ => "证据不足，建议补充调查后重新提出处理意见。",
        };
        let signed = json!({
            "review_id": id,
            "outcome": outcome,
            "checklist": checklist,
            "opinion": opinion,
            "reviewed_on": reviewed_on,
        });
        ReviewRow {
            id,
            agency_id: world.agency.id.clone(),
            case_id: g.case.id.clone(),
            seq,
            status: "done".into(),
            proposal: serde_json::to_string(&g.case.proposal).unwrap_or_default(),
            package: crate::legal_reviews::store::package(&g.case, &g.meta, &[], None).to_string(),
            submitted_at: crate::clock::to_db(submitted_at),
            submitted_on,
            submitted_by: g.meta.created_by.clone(),
            record_length: 1,
            record_head_hash: g.event.hash().to_string(),
            outcome: Some(outcome),
            checklist: Some(serde_json::to_string(&checklist).unwrap_or_default()),
            opinion: Some(opinion.to_string()),
            opinion_hash: Some(opinion_hash(&signed)),
            reviewer_id: Some(world.counsel.clone()),
            reviewed_at: Some(crate::clock::to_db(reviewed_at)),
            reviewed_on: Some(reviewed_on),
        }
    }

    /// After the decision: its number, service, payment or court enforcement, a few
    /// revocations, closing.
    fn execute(&mut self, g: &mut Generated, agency: usize, world: &World, decided_on: NaiveDate) {
        let case = &mut g.case;
        let outcome = case.outcome.unwrap_or(Outcome::Penalty);
        case.status = CaseStatus::Decided;
        let sequence = match outcome {
            Outcome::Penalty => Some(Sequence::Decision),
            Outcome::TransferJudicial => None,
            _ => Some(Sequence::NoPenaltyDecision),
        };
        if let Some(sequence) = sequence {
            let year = number_year(decided_on);
            let seq = self.numbers.take(agency, sequence, year);
            g.case.decision_number = Some(format_number(&world.agency.case_prefix, sequence, year, seq));
        }
        if outcome == Outcome::TransferJudicial {
            let closed_on = decided_on + self.days(1..=10);
            self.finish(&mut g.case, &mut g.meta, Some(closed_on), closed_on);
            return;
        }
        let service_due = self.working(decided_on, crate::cases::model::SERVICE_PERIOD_WORKING_DAYS);
        g.case.service_due_on = Some(service_due);
        let served_on = match self.rng.gen_bool(0.97) {
            true => self.working_within(decided_on, 1..=6),
            false => self.working_within(service_due, 1..=5),
        };
        let method = match self.rng.gen_range(0..100) {
            0..60 => ServiceMethod::InPerson,
            60..90 => ServiceMethod::Mail,
            _ => ServiceMethod::Electronic,
        };
        if method == ServiceMethod::Electronic {
            g.case.electronic_service_consent_on = Some(decided_on);
        }
        g.case.service_method = Some(method);
        g.case.served_on = Some(served_on);
        g.case.status = CaseStatus::Served;
        let fine = g.case.fine_amount_fen().unwrap_or(0);
        let mut last = served_on;
        if outcome == Outcome::Penalty && self.rng.gen_bool(0.015) {
            let on = (decided_on + self.days(30..=200)).min(self.today);
            let authority = match self.rng.gen_range(0..100) {
                0..60 => RevocationAuthority::Reconsideration,
                60..85 => RevocationAuthority::Lawsuit,
                _ => RevocationAuthority::SelfCorrection,
            };
            let document_no = match authority {
                RevocationAuthority::Reconsideration => Some(format!(
                    "南开区人民政府行复决字〔{}〕第{}号",
                    number_year(on),
                    self.rng.gen_range(1..300)
                )),
                RevocationAuthority::Lawsuit => Some(format!(
                    "（{}）津0104行初{}号",
                    number_year(on),
                    self.rng.gen_range(1..900)
                )),
                RevocationAuthority::SelfCorrection => None,
            };
            g.case.revocation = Some(Revocation {
                kind: if self.rng.gen_bool(0.8) {
                    RevocationKind::Revoked
                } else {
                    RevocationKind::Void
                },
                authority,
                on,
                document_no,
                reason: "认定事实不清，证据不足".into(),
            });
            let closed_on = on + self.days(1..=10);
            self.finish(&mut g.case, &mut g.meta, Some(closed_on.min(self.today)), on);
            return;
        }
        if fine > 0 {
            let payment_due = self.payment_due(served_on);
            g.case.payment_due_on = Some(payment_due);
            let fate = self.rng.gen_range(0..100);
            if g.case.opened_on >= self.backlog_from && fate < 2 {
                // Unpaid and not yet enforced: overdue today.
                self.finish(&mut g.case, &mut g.meta, None, served_on);
                return;
            }
            if fate < 7 {
                g.case.court_enforcement_applied_on = Some(payment_due + self.days(90..=120));
                last = payment_due + Duration::days(120);
            } else {
                let paid_on = match fate < 12 {
                    true => payment_due + self.days(3..=20),
                    false => served_on + self.days(1..=14),
                };
                g.case.paid_fen = fine;
                g.case.executed_on = Some(paid_on);
                g.case.status = CaseStatus::Executed;
                last = paid_on;
            }
        }
        let closed_on = self.working_within(last.min(self.today), 1..=10);
        self.finish(&mut g.case, &mut g.meta, Some(closed_on.min(self.today)), closed_on);
    }
}
