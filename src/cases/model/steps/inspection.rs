//! Steps of an inspection case (行政检查, DESIGN §4.1).

use crate::cases::model::*;

/// `start` (§4.1): officers on site with credentials shown (APL art. 55) → `in_progress`.
/// An inspection citing items (国办发〔2024〕54号) starts only within its approved window,
/// or, not yet approved, in a stated emergency (approved afterwards within the agency's
/// working days); off site it needs no credentials or location.
pub fn start(case: &Case, input: StartInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let mut next = case.clone();
    let off_site = case
        .plan
        .as_ref()
        .is_some_and(|plan| plan.method == InspectionMethod::OffSite);
    let mut payload = json!({});
    if let Some(plan) = &case.plan {
        let mut plan = plan.clone();
        match (&plan.approval, input.emergency_reason.as_deref()) {
            (Some(approval), _) => {
                if ctx.today < approval.planned_from || ctx.today > approval.planned_to {
                    return Err(rule(
                        "outside_approved_window",
                        format!(
                            "the inspection was approved for {} to {}; it does not start on {} (国办发〔2024〕54号 五)",
                            approval.planned_from, approval.planned_to, ctx.today
                        ),
                    ));
                }
            }
            (None, Some(reason)) => {
                let reason = required_text("emergency_reason", reason, 500)?;
                let due = ctx
                    .calendar
                    .add_working_days(ctx.today, ctx.settings.emergency_approval_working_days);
                payload["emergency"] = json!({"reason": reason, "approval_due_on": due});
                plan.emergency = Some(EmergencyStart {
                    reason,
                    started_on: ctx.today,
                    approval_due_on: due,
                });
            }
            (None, None) => {
                return Err(Refusal::NotAllowed {
                    detail: "an inspection of an enterprise starts after the head's approval (approve_inspection), or in a stated emergency (emergency_reason) to be approved afterwards (国办发〔2024〕54号 五)".into(),
                    allowed: allowed_actions(case, ctx.relation)
                        .into_iter()
                        .filter(|action| *action != Action::Start)
                        .collect(),
                });
            }
        }
        plan.code_presented = input.code_presented;
        payload["code_presented"] = json!(input.code_presented);
        payload["method"] = json!(plan.method);
        next.plan = Some(plan);
    }
    if !off_site {
        if !input.credentials_shown {
            return Err(credentials_refusal("starting an inspection"));
        }
        let location = required_text("location", input.location.as_deref().unwrap_or(""), 500)?;
        next.location = Some(location.clone());
        payload["credentials_shown"] = json!(true);
        payload["location"] = json!(location);
    }
    let step = if off_site {
        "an inspection off site"
    } else {
        "an inspection on site"
    };
    check_officers_certified(case, ctx.today, step)?;
    next.status = CaseStatus::InProgress;
    Ok(Applied::new(next, payload))
}

/// `approve_inspection` (行政检查审批, 国办发〔2024〕54号 五): the head approves an inspection
/// citing items, for a planned window, before it starts or after an emergency start; the
/// yearly cap per enterprise and item (四) is checked, and the inspection code issued.
pub fn approve_inspection(case: &Case, input: ApproveInspectionInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let Some(plan) = &case.plan else {
        return Err(rule(
            "no_inspection_items",
            "only an inspection citing published inspection items is approved this way; cite items when filing (国办发〔2024〕54号 三)",
        ));
    };
    if plan.approval.is_some() {
        return Err(rule(
            "inspection_already_approved",
            "the inspection is approved; its approval is part of the record",
        ));
    }
    if input.planned_to < input.planned_from {
        return Err(invalid("planned_to", "may not be before planned_from"));
    }
    if (input.planned_to - input.planned_from).num_days() > 90 {
        return Err(invalid("planned_to", "at most 90 days after planned_from"));
    }
    match &plan.emergency {
        Some(emergency) => {
            if input.planned_from > emergency.started_on || input.planned_to < emergency.started_on {
                return Err(invalid(
                    "planned_from",
                    format!(
                        "the window approved afterwards must include the emergency start on {}",
                        emergency.started_on
                    ),
                ));
            }
        }
        None if case.status != CaseStatus::Registered => {
            return Err(rule(
                "inspection_started_unapproved",
                "the inspection started without approval or a stated emergency; correct the record instead",
            ));
        }
        None => {
            if input.planned_to < ctx.today {
                return Err(invalid("planned_to", "may not be in the past"));
            }
            if input.planned_from < case.opened_on {
                return Err(invalid("planned_from", "may not be before the filing date"));
            }
        }
    }
    let exemption = match &input.cap_exemption {
        Some(given) => Some(CapExemption {
            kind: given.kind,
            reason: required_text("cap_exemption.reason", &given.reason, 500)?,
        }),
        None => None,
    };
    check_officers_certified(case, ctx.today, "approving an inspection")?;
    let exemption = check_yearly_cap(
        &case.inspection_items,
        &ctx.approval.prior_this_year,
        ctx.settings.inspection_yearly_cap,
        case.source,
        exemption.as_ref(),
    )?;
    let mut next = case.clone();
    let mut plan = plan.clone();
    plan.approval = Some(InspectionApproval {
        approved_by: ctx.approval.approver_id.clone(),
        approved_on: ctx.today,
        planned_from: input.planned_from,
        planned_to: input.planned_to,
    });
    plan.code = Some(ctx.approval.fresh_code.clone());
    plan.cap_exemption = exemption.clone();
    let payload = json!({
        "planned_from": input.planned_from,
        "planned_to": input.planned_to,
        "officer_ids": case.officers.iter().filter(|o| !o.recused).map(|o| o.user_id.clone()).collect::<Vec<_>>(),
        "items": case.inspection_items.iter().map(|i| i.code.clone()).collect::<Vec<_>>(),
        "code": plan.code,
        "cap_exemption": exemption,
        "after_emergency": plan.emergency.is_some(),
    });
    next.plan = Some(plan);
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
    let mut payload = json!({"result": input.result, "findings": recorded});
    if let Some(plan) = next.plan.as_mut() {
        // 检查结果告知: the enterprise hears the result within the agency's working days.
        let due = ctx
            .calendar
            .add_working_days(ctx.today, ctx.settings.results_notice_working_days);
        plan.results_due_on = Some(due);
        payload["results_due_on"] = json!(due);
    }
    Ok(Applied::new(next, payload))
}

/// `notify_results` (检查结果告知): the enterprise was told the inspection's result, on a day
/// not before the findings nor in the future, once.
pub fn notify_results(case: &Case, input: NotifyResultsInput, ctx: &Context<'_>) -> Result<Applied, Refusal> {
    let Some(plan) = &case.plan else {
        return Err(rule(
            "no_inspection_items",
            "the results notice belongs to an inspection citing published inspection items",
        ));
    };
    let Some(due) = plan.results_due_on else {
        return Err(rule(
            "findings_required",
            "record the findings before telling the enterprise the result",
        ));
    };
    if plan.results_notified_on.is_some() {
        return Err(rule(
            "results_already_notified",
            "the enterprise was told the result; see the record",
        ));
    }
    let notified_on = past_date("notified_on", input.notified_on.unwrap_or(ctx.today), ctx.today, None)?;
    if notified_on < case.opened_on {
        return Err(invalid("notified_on", "may not be before the inspection was opened"));
    }
    let mut next = case.clone();
    let mut plan = plan.clone();
    plan.results_notified_on = Some(notified_on);
    plan.results_notice_method = Some(input.method.as_str().to_string());
    next.plan = Some(plan);
    let payload = json!({"notified_on": notified_on, "method": input.method, "late": notified_on > due});
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

    fn start_on_site(emergency: Option<&str>) -> Command {
        Command::Start(StartInput {
            credentials_shown: true,
            location: Some("学府街1号".into()),
            code_presented: true,
            emergency_reason: emergency.map(str::to_string),
        })
    }

    fn approve(from: &str, to: &str) -> Command {
        Command::ApproveInspection(ApproveInspectionInput {
            planned_from: date(from),
            planned_to: date(to),
            cap_exemption: None,
        })
    }

    fn facts(prior: u32) -> ApprovalFacts {
        ApprovalFacts {
            approver_id: "head".into(),
            prior_this_year: [("item-1".to_string(), prior)].into(),
            fresh_code: "7K2M9QHX4RTD".into(),
        }
    }

    #[test]
    fn an_inspection_citing_items_starts_only_once_approved_and_within_its_window() {
        let planned = planned_inspection(InspectionMethod::OnSite);
        match run(&planned, start_on_site(None), "2024-09-10") {
            Err(Refusal::NotAllowed { allowed, .. }) => assert!(!allowed.contains(&Action::Start), "{allowed:?}"),
            other => panic!("{other:?}"),
        }
        let approved = run_approval(&planned, approve("2024-09-10", "2024-09-20"), "2024-09-09", facts(0))
            .unwrap()
            .case;
        let plan = approved.plan.clone().unwrap();
        assert_eq!(plan.code.as_deref(), Some("7K2M9QHX4RTD"));
        assert_eq!(plan.approval.as_ref().map(|a| a.approved_by.as_str()), Some("head"));
        assert_eq!(
            rule_of(run_approval(
                &approved,
                approve("2024-09-10", "2024-09-20"),
                "2024-09-09",
                facts(0)
            )),
            "inspection_already_approved"
        );
        assert_eq!(
            rule_of(run(&approved, start_on_site(None), "2024-09-09")),
            "outside_approved_window"
        );
        assert_eq!(
            rule_of(run(&approved, start_on_site(None), "2024-09-21")),
            "outside_approved_window"
        );
        let started = run(&approved, start_on_site(None), "2024-09-20").unwrap();
        assert_eq!(
            started.case.status,
            CaseStatus::InProgress,
            "the window's last day counts"
        );
        assert_eq!(started.payload["code_presented"], true);
    }

    #[test]
    fn an_emergency_start_is_approved_afterwards_within_two_working_days() {
        let planned = planned_inspection(InspectionMethod::OnSite);
        // Monday 30 September 2024: 1–7 October are the National Day holiday.
        let started = run(&planned, start_on_site(Some("燃气泄漏，情况紧急")), "2024-09-30")
            .unwrap()
            .case;
        let emergency = started.plan.clone().unwrap().emergency.unwrap();
        assert_eq!(
            emergency.approval_due_on,
            date("2024-10-09"),
            "two working days after, across the holiday"
        );
        // The window approved afterwards includes the start.
        assert!(matches!(
            run_approval(&started, approve("2024-10-01", "2024-10-10"), "2024-10-08", facts(0)),
            Err(Refusal::Invalid(_))
        ));
        let approved = run_approval(&started, approve("2024-09-30", "2024-10-10"), "2024-10-08", facts(0)).unwrap();
        assert_eq!(approved.payload["after_emergency"], true);
        // A blank emergency is no emergency.
        assert!(matches!(
            run(&planned, start_on_site(Some("  ")), "2024-09-30"),
            Err(Refusal::Invalid(_))
        ));
    }

    #[test]
    fn approval_refuses_the_third_inspection_of_the_year_unless_exempt() {
        let planned = planned_inspection(InspectionMethod::OnSite);
        assert!(run_approval(&planned, approve("2024-09-10", "2024-09-20"), "2024-09-09", facts(1)).is_ok());
        assert_eq!(
            rule_of(run_approval(
                &planned,
                approve("2024-09-10", "2024-09-20"),
                "2024-09-09",
                facts(2)
            )),
            "inspection_frequency_cap"
        );
        let ordered = Command::ApproveInspection(ApproveInspectionInput {
            planned_from: date("2024-09-10"),
            planned_to: date("2024-09-20"),
            cap_exemption: Some(CapExemption {
                kind: CapExemptionKind::HigherAuthority,
                reason: "区政府交办的专项检查".into(),
            }),
        });
        let approved = run_approval(&planned, ordered, "2024-09-09", facts(2)).unwrap();
        assert_eq!(
            approved.case.plan.unwrap().cap_exemption.map(|e| e.kind),
            Some(CapExemptionKind::HigherAuthority)
        );
        let mut complaint = planned.clone();
        complaint.source = CaseSource::Complaint;
        assert!(run_approval(&complaint, approve("2024-09-10", "2024-09-20"), "2024-09-09", facts(2)).is_ok());
        // An inspection without items is not approved this way.
        let plain = case(CaseKind::Inspection, None, CaseStatus::Registered);
        assert_eq!(
            rule_of(run_approval(
                &plain,
                approve("2024-09-10", "2024-09-20"),
                "2024-09-09",
                facts(0)
            )),
            "no_inspection_items"
        );
    }

    #[test]
    fn an_off_site_inspection_needs_no_credentials_or_location() {
        let planned = planned_inspection(InspectionMethod::OffSite);
        let approved = run_approval(&planned, approve("2024-09-10", "2024-09-20"), "2024-09-09", facts(0))
            .unwrap()
            .case;
        let start = Command::Start(StartInput {
            credentials_shown: false,
            location: None,
            code_presented: false,
            emergency_reason: None,
        });
        let started = run(&approved, start, "2024-09-10").unwrap();
        assert_eq!(started.case.status, CaseStatus::InProgress);
        assert_eq!(started.case.location, None);
    }

    #[test]
    fn the_result_is_due_five_working_days_after_the_findings_across_the_holiday() {
        let planned = planned_inspection(InspectionMethod::OnSite);
        let approved = run_approval(&planned, approve("2024-09-20", "2024-09-30"), "2024-09-20", facts(0))
            .unwrap()
            .case;
        let started = run(&approved, start_on_site(None), "2024-09-27").unwrap().case;
        let findings = Command::RecordFindings(RecordFindingsInput {
            result: InspectionResult::Compliant,
            findings: Vec::new(),
        });
        // Friday 27 September 2024: Sunday 29 September is a working day (调休), 1–7 October
        // the holiday; the fifth working day after is Thursday 10 October.
        let found = run(&started, findings, "2024-09-27").unwrap().case;
        assert_eq!(found.plan.as_ref().unwrap().results_due_on, Some(date("2024-10-10")));
        assert!(
            overdue_deadlines(&found, date("2024-10-10")).is_empty(),
            "the last day is in time"
        );
        assert_eq!(overdue_deadlines(&found, date("2024-10-11")), vec!["results_due_on"]);
        let notify = |on: &str| {
            Command::NotifyResults(NotifyResultsInput {
                method: ResultsNoticeMethod::Written,
                notified_on: Some(date(on)),
            })
        };
        let told = run(&found, notify("2024-10-11"), "2024-10-12").unwrap();
        assert_eq!(told.payload["late"], true);
        assert!(overdue_deadlines(&told.case, date("2024-10-12")).is_empty());
        assert_eq!(
            rule_of(run(&told.case, notify("2024-10-12"), "2024-10-12")),
            "results_already_notified"
        );
        assert_eq!(
            rule_of(run(&started, notify("2024-09-27"), "2024-09-27")),
            "findings_required"
        );
    }

    #[test]
    fn an_emergency_start_left_unapproved_is_overdue() {
        let planned = planned_inspection(InspectionMethod::OnSite);
        let started = run(&planned, start_on_site(Some("燃气泄漏")), "2024-09-30")
            .unwrap()
            .case;
        assert!(overdue_deadlines(&started, date("2024-10-09")).is_empty());
        assert_eq!(
            overdue_deadlines(&started, date("2024-10-10")),
            vec!["inspection_approval_due_on"]
        );
        let approved = run_approval(&started, approve("2024-09-30", "2024-10-10"), "2024-10-10", facts(0))
            .unwrap()
            .case;
        assert!(
            overdue_deadlines(&approved, date("2024-10-10")).is_empty(),
            "approved late, no longer open"
        );
    }
}
