//! Steps of an inspection case (行政检查, DESIGN §4.1).

use crate::cases::model::*;

/// `start` (§4.1): officers on site with credentials shown (APL art. 55) → `in_progress`.
pub fn start(case: &Case, input: StartInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    if !input.credentials_shown {
        return Err(credentials_refusal("starting an inspection"));
    }
    check_officers_certified(case, ctx.today, "an inspection on site")?;
    let location = required_text("location", input.location.as_deref().unwrap_or(""), 500)?;
    next.location = Some(location.clone());
    next.status = CaseStatus::InProgress;
    let payload = json!({"credentials_shown": true, "location": location});
    Ok(Applied::new(next, payload))
}

/// `record_findings`: the inspection result and its findings, recorded once.
pub fn record_findings(case: &Case, input: RecordFindingsInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    check_officers_certified(case, ctx.today, "recording an inspection's findings")?;
    if case.inspection_result.is_some() {
        return Err(rule(
            "findings_already_recorded",
            "the findings are recorded; they are part of the record and change only by a supervisor's correction",
        ));
    }
    let mut recorded = Vec::new();
    for (i, finding) in input.findings.iter().enumerate() {
        let description = required_text(&format!("findings[{i}].description"), &finding.description, 1000)?;
        recorded.push(Finding {
            description,
            hazard_level: finding.hazard_level,
            rectified: false,
            rectified_on: None,
            escalated: false,
        });
    }
    match input.result {
        InspectionResult::ViolationsFound if recorded.is_empty() => {
            return Err(invalid(
                "findings",
                "at least one finding is needed when violations are found",
            ));
        }
        InspectionResult::Compliant if recorded.iter().any(Finding::is_hazard) => {
            return Err(invalid("result", "a compliant inspection cannot record hazards"));
        }
        _ => {}
    }
    next.inspection_result = Some(input.result);
    next.findings = recorded.clone();
    let payload = json!({"result": input.result, "findings": recorded});
    Ok(Applied::new(next, payload))
}

/// `order_rectification` (责令限期改正) → `rectifying`.
pub fn order_rectification(case: &Case, input: OrderRectificationInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    if case.inspection_result != Some(InspectionResult::ViolationsFound) {
        return Err(rule(
            "nothing_to_rectify",
            "rectification (责令限期改正) needs recorded findings with violations",
        ));
    }
    if input.deadline < today {
        return Err(invalid("deadline", "may not be in the past"));
    }
    next.rectification_deadline = Some(input.deadline);
    next.status = CaseStatus::Rectifying;
    let payload = json!({"deadline": input.deadline});
    Ok(Applied::new(next, payload))
}

/// `verify_rectification`: reinspection; rectified hazards are marked, or a new deadline set.
pub fn verify_rectification(
    case: &Case,
    input: VerifyRectificationInput,
    ctx: &Context<'_>,
) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    let verified_on = past_date("verified_on", input.verified_on.unwrap_or(today), today, None)?;
    check_officers_certified(case, verified_on, "a reinspection")?;
    if input.rectified {
        for finding in next.findings.iter_mut().filter(|f| f.is_hazard()) {
            finding.rectified = true;
            finding.rectified_on = Some(verified_on);
        }
        next.status = CaseStatus::InProgress;
    } else if let Some(deadline) = input.deadline {
        if deadline < today {
            return Err(invalid("deadline", "may not be in the past"));
        }
        next.rectification_deadline = Some(deadline);
    }
    let payload = json!({"rectified": input.rectified, "verified_on": verified_on, "note": input.note, "deadline": next.rectification_deadline});
    Ok(Applied::new(next, payload))
}

/// `escalate`: hands the findings on to a new penalty case (转立案查处).
pub fn escalate(case: &Case, input: EscalateInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let today = ctx.today;
    if case.inspection_result != Some(InspectionResult::ViolationsFound) {
        return Err(rule(
            "nothing_to_escalate",
            "record findings with violations before opening a penalty case",
        ));
    }
    if case.findings.iter().any(|f| f.escalated) {
        return Err(rule(
            "already_escalated",
            "a penalty case was already opened from this inspection; see its record",
        ));
    }
    let summary = required_text("summary", &input.summary, 2000)?;
    if input.violation_on > today {
        return Err(invalid("violation_on", "may not be in the future"));
    }
    for finding in next.findings.iter_mut() {
        finding.escalated = true;
    }
    let effect = Effect::OpenPenaltyCase(EscalationRequest {
        summary: summary.clone(),
        power_ids: input.power_ids,
        officer_ids: input.officer_ids,
        violation_on: input.violation_on,
        serious_harm: input.serious_harm,
    });
    let payload = json!({"summary": summary, "violation_on": input.violation_on, "serious_harm": input.serious_harm});
    Ok(Applied {
        case: next,
        payload,
        effect,
    })
}

#[cfg(test)]
mod tests {
    use crate::cases::model::testing::*;
    use crate::cases::model::*;

    #[test]
    fn findings_are_recorded_once_and_escalation_hands_hazards_on() {
        let mut inspecting = case(CaseKind::Inspection, None, CaseStatus::InProgress);
        let findings = Command::RecordFindings(RecordFindingsInput {
            result: InspectionResult::ViolationsFound,
            findings: vec![FindingInput {
                description: "燃气管道私改".into(),
                hazard_level: HazardLevel::Major,
            }],
        });
        inspecting = run(&inspecting, findings, "2024-09-10").unwrap().case;
        let again = Command::RecordFindings(RecordFindingsInput {
            result: InspectionResult::Compliant,
            findings: vec![],
        });
        assert_eq!(
            rule_of(run(&inspecting, again, "2024-09-10")),
            "findings_already_recorded"
        );
        assert_eq!(
            rule_of(run(&inspecting, Command::Close(NoInput {}), "2024-09-10")),
            "unrectified_hazards"
        );
        let escalate = || {
            Command::Escalate(EscalateInput {
                summary: "立案查处".into(),
                power_ids: None,
                officer_ids: None,
                violation_on: date("2024-09-09"),
                serious_harm: false,
            })
        };
        let escalated = run(&inspecting, escalate(), "2024-09-10").unwrap();
        assert!(matches!(escalated.effect, Effect::OpenPenaltyCase(_)));
        assert_eq!(
            rule_of(run(&escalated.case, escalate(), "2024-09-10")),
            "already_escalated"
        );
        assert!(run(&escalated.case, Command::Close(NoInput {}), "2024-09-10").is_ok());
    }
}
