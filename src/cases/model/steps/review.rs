//! 法制审核 (APL art. 58, DESIGN §5.2): the officers submit their proposal to counsel, who
//! signs one opinion on it; a decision in scope is made only on an approved proposal.

use crate::cases::model::*;

/// Why a decision on this case's proposal needs counsel's passing review, given the
/// agency's scope (`[]` when it does not).
pub fn legal_review_reasons(case: &Case, settings: &ProcedureSettings) -> Vec<&'static str> {
    let Some(proposal) = case.proposal.as_ref() else {
        return Vec::new();
    };
    if case.kind != CaseKind::Penalty || case.procedure == Some(Procedure::Simple) {
        return Vec::new();
    }
    match settings.legal_review_scope {
        LegalReviewScope::AllOrdinary => vec!["ordinary_procedure"],
        LegalReviewScope::MajorOnly => {
            let mut reasons = Vec::new();
            // 国办发〔2022〕27号: leaving the discretion benchmark is reviewed whatever the scope.
            if super::proposal::deviates_from_benchmark(case) {
                reasons.push("benchmark_deviation");
            }
            let threshold = large_amount_threshold(case, settings);
            if proposal
                .penalties
                .iter()
                .any(|p| p.kind.carries_amount() && p.amount_fen.unwrap_or(0) >= threshold)
            {
                reasons.push("large_amount");
            }
            if carries_hearing_rights(case, &proposal.penalties, settings) {
                reasons.push("hearing_rights");
            }
            if case.hearing_state == Some(HearingState::Held) {
                reasons.push("hearing_held");
            }
            if proposal.complex {
                reasons.push("complex");
            }
            if proposal.major_public_interest {
                reasons.push("major_public_interest");
            }
            reasons
        }
    }
}

/// 法制审核 gate of a decision (APL art. 58: "未经法制审核或者审核未通过的，不得作出决定"):
/// in scope, the current proposal carries an approved review. The head decides that
/// proposal or lighter, and a new proposal clears the approval, so an approval never
/// covers a heavier or different decision.
pub fn check_legal_review(case: &Case, settings: &ProcedureSettings) -> Result<(), Refusal> {
    let reasons = legal_review_reasons(case, settings);
    if reasons.is_empty() || case.legal_review_outcome == Some(ReviewOutcome::Approved) {
        return Ok(());
    }
    Err(rule(
        "legal_review_required",
        format!(
            "this decision needs counsel's approved legal review of the current proposal first (法制审核, APL art. 58; in scope: {}); submit it with POST /cases/{{id}}/legal-reviews",
            reasons.join(", ")
        ),
    ))
}

/// `submit_legal_review` (`POST /cases/{id}/legal-reviews`): the current proposal goes to
/// counsel → `legal_review`. A case out of scope may be submitted too.
pub fn submit_legal_review(case: &Case, input: SubmitLegalReviewInput, _ctx: &Context<'_>) -> Result<Applied, Refusal> {
    if case.legal_review_outcome == Some(ReviewOutcome::Approved) {
        return Err(rule(
            "legal_review_already_approved",
            "counsel already approved the current proposal; a changed proposal is reviewed anew",
        ));
    }
    let mut documents = Vec::new();
    for (i, document) in input.documents.iter().enumerate() {
        documents.push(required_text(&format!("documents[{i}]"), document, 500)?);
    }
    let note = input
        .note
        .as_deref()
        .map(|n| required_text("note", n, 2000))
        .transpose()?;
    let mut next = case.clone();
    next.status = CaseStatus::LegalReview;
    next.legal_review_outcome = None;
    let payload = json!({"proposal": case.proposal, "documents": documents, "note": note});
    Ok(Applied {
        case: next,
        payload,
        effect: Effect::CreateLegalReview { documents, note },
    })
}

/// `record_legal_opinion`: counsel signs the pending review once. `approved` needs every
/// checklist item to pass (so no criminal transfer needed) → back to `proposed` for the
/// head; `needs_changes` and `rejected` → back to `investigating`.
pub fn record_legal_opinion(case: &Case, input: LegalOpinionInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    if case.legal_review_id.as_deref() != Some(input.review_id.as_str()) {
        return Err(rule(
            "legal_review_superseded",
            "this review is not the case's pending one",
        ));
    }
    let opinion = required_text("opinion", &input.opinion, 20_000)?;
    let mut errors = Vec::new();
    for item in ReviewItem::ALL {
        let count = input.checklist.iter().filter(|c| c.item == *item).count();
        if count != 1 {
            errors.push(FieldError::new(
                "checklist",
                format!(
                    "{} must be checked exactly once (all ten items of DESIGN §5.2)",
                    item.as_str()
                ),
            ));
        }
    }
    for (i, item) in input.checklist.iter().enumerate() {
        if let Some(comment) = &item.comment
            && comment.chars().count() > 2000
        {
            errors.push(FieldError::new(
                format!("checklist[{i}].comment"),
                "must be at most 2000 characters",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(Refusal::Invalid(errors));
    }
    let failing: Vec<&str> = input
        .checklist
        .iter()
        .filter(|c| !c.pass)
        .map(|c| c.item.as_str())
        .collect();
    if input.outcome == ReviewOutcome::Approved && !failing.is_empty() {
        return Err(rule(
            "checklist_item_failed",
            format!(
                "an approval needs every checklist item to pass; failing: {}",
                failing.join(", ")
            ),
        ));
    }
    let transfer_needed = input
        .checklist
        .iter()
        .any(|c| c.item == ReviewItem::CriminalTransferNeeded && !c.pass);
    let mut next = case.clone();
    next.legal_review_outcome = Some(input.outcome);
    next.criminal_transfer_flagged = transfer_needed;
    next.status = match input.outcome {
        ReviewOutcome::Approved => CaseStatus::Proposed,
        ReviewOutcome::NeedsChanges | ReviewOutcome::Rejected => CaseStatus::Investigating,
    };
    let signed = json!({
        "review_id": input.review_id,
        "outcome": input.outcome,
        "checklist": input.checklist,
        "opinion": opinion,
        "reviewed_on": ctx.today,
    });
    let payload = json!({
        "review_id": input.review_id,
        "outcome": input.outcome,
        "failing_items": failing,
        "criminal_transfer_needed": transfer_needed,
        "opinion_hash": opinion_hash(&signed),
    });
    Ok(Applied {
        case: next,
        payload,
        effect: Effect::SignLegalReview {
            review_id: input.review_id,
            outcome: input.outcome,
            checklist: input.checklist,
            opinion,
        },
    })
}

/// SHA-256 (hex) of an opinion's canonical JSON, as the record's chain hashes events:
/// anyone holding the review can recompute it.
pub fn opinion_hash(signed: &Value) -> String {
    crate::record::chain::canonical_sha256(signed)
}

#[cfg(test)]
mod tests {
    use crate::cases::model::testing::*;
    use crate::cases::model::*;

    fn checklist(failing: &[ReviewItem]) -> Vec<ChecklistItem> {
        ReviewItem::ALL
            .iter()
            .map(|item| ChecklistItem {
                item: *item,
                pass: !failing.contains(item),
                comment: None,
            })
            .collect()
    }

    fn opinion(review_id: &str, outcome: ReviewOutcome, checklist: Vec<ChecklistItem>) -> Command {
        Command::RecordLegalOpinion(LegalOpinionInput {
            review_id: review_id.into(),
            outcome,
            checklist,
            opinion: "经审核，事实清楚，证据充分".into(),
        })
    }

    const COUNSEL: Relation = Relation {
        is_case_officer: false,
        is_supervisor: false,
        is_counsel: true,
    };

    fn in_review() -> Case {
        let mut notified = notified_case(PenaltyType::Fine, 200_000, "2024-09-02");
        notified.defense_state = Some(DefenseState::Waived);
        let proposed = run(&notified, propose(PenaltyType::Fine, 200_000), "2024-09-10")
            .unwrap()
            .case;
        assert_eq!(
            legal_review_reasons(&proposed, &ProcedureSettings::default()),
            vec!["ordinary_procedure"]
        );
        let submitted = run(
            &proposed,
            Command::SubmitLegalReview(SubmitLegalReviewInput::default()),
            "2024-09-10",
        )
        .unwrap();
        assert_eq!(
            submitted.effect,
            Effect::CreateLegalReview {
                documents: vec![],
                note: None
            }
        );
        let mut case = submitted.case;
        assert_eq!(case.status, CaseStatus::LegalReview);
        case.legal_review_id = Some("r1".into());
        case
    }

    #[test]
    fn counsel_approves_only_when_every_item_passes() {
        let case = in_review();
        let refused = run_as(
            &case,
            opinion("r1", ReviewOutcome::Approved, checklist(&[ReviewItem::FactsClear])),
            "2024-09-11",
            COUNSEL,
        );
        assert_eq!(rule_of(refused), "checklist_item_failed");
        let mut nine = checklist(&[]);
        nine.pop();
        assert!(matches!(
            run_as(
                &case,
                opinion("r1", ReviewOutcome::Approved, nine),
                "2024-09-11",
                COUNSEL
            ),
            Err(Refusal::Invalid(_))
        ));
        assert_eq!(
            rule_of(run_as(
                &case,
                opinion("r0", ReviewOutcome::Approved, checklist(&[])),
                "2024-09-11",
                COUNSEL
            )),
            "legal_review_superseded"
        );
        // Only counsel signs.
        assert!(matches!(
            run_as(
                &case,
                opinion("r1", ReviewOutcome::Approved, checklist(&[])),
                "2024-09-11",
                HEAD
            ),
            Err(Refusal::NotAllowed { .. })
        ));
        let approved = run_as(
            &case,
            opinion("r1", ReviewOutcome::Approved, checklist(&[])),
            "2024-09-11",
            COUNSEL,
        )
        .unwrap();
        assert_eq!(approved.case.status, CaseStatus::Proposed);
        assert_eq!(approved.case.legal_review_outcome, Some(ReviewOutcome::Approved));
        assert_eq!(approved.payload["opinion_hash"].as_str().map(str::len), Some(64));
        // A new proposal is reviewed anew.
        let mut reproposed = approved.case.clone();
        reproposed.status = CaseStatus::Notified;
        let again = run(&reproposed, propose(PenaltyType::Fine, 100_000), "2024-09-12")
            .unwrap()
            .case;
        assert_eq!(again.legal_review_outcome, None);
    }

    #[test]
    fn changes_or_a_rejection_send_the_case_back_and_a_transfer_is_flagged() {
        let case = in_review();
        let sent_back = run_as(
            &case,
            opinion(
                "r1",
                ReviewOutcome::NeedsChanges,
                checklist(&[ReviewItem::EvidenceSufficient]),
            ),
            "2024-09-11",
            COUNSEL,
        )
        .unwrap()
        .case;
        assert_eq!(sent_back.status, CaseStatus::Investigating);
        let rejected = run_as(
            &case,
            opinion(
                "r1",
                ReviewOutcome::Rejected,
                checklist(&[ReviewItem::CriminalTransferNeeded]),
            ),
            "2024-09-11",
            COUNSEL,
        )
        .unwrap()
        .case;
        assert!(rejected.criminal_transfer_flagged);
    }

    #[test]
    fn major_only_scope_names_its_reasons() {
        let settings = ProcedureSettings {
            legal_review_scope: LegalReviewScope::MajorOnly,
            ..ProcedureSettings::default()
        };
        let mut case = case(CaseKind::Penalty, Some(Procedure::Ordinary), CaseStatus::Proposed);
        let proposal = |penalties: Vec<Penalty>, complex: bool| Proposal {
            outcome: Outcome::Penalty,
            penalties,
            facts: "事实".into(),
            legal_basis: "依据".into(),
            discretion_reasoning: "一般".into(),
            no_penalty_ground: None,
            mitigation_ground: None,
            receiving_organ: None,
            complex,
            major_public_interest: false,
            benchmark: None,
            list_entry: None,
            proposed_on: date("2024-09-10"),
        };
        case.proposal = Some(proposal(penalty(PenaltyType::Fine, 9_999_999), false));
        assert!(legal_review_reasons(&case, &settings).is_empty());
        assert!(check_legal_review(&case, &settings).is_ok());
        case.proposal = Some(proposal(penalty(PenaltyType::Fine, 10_000_000), true));
        assert_eq!(
            legal_review_reasons(&case, &settings),
            vec!["large_amount", "hearing_rights", "complex"]
        );
        assert!(check_legal_review(&case, &settings).is_err());
    }
}
