//! Opening a case and applying a step: the rules, the rows and the record event in one
//! transaction.

use super::*;

impl From<crate::cases::model::Refusal> for AppError {
    fn from(refusal: crate::cases::model::Refusal) -> Self {
        use crate::cases::model::Refusal;
        match refusal {
            Refusal::NotAllowed { detail, allowed } => AppError::Conflict {
                detail,
                allowed_actions: Some(allowed.into_iter().map(|a| a.as_str().to_string()).collect()),
            },
            Refusal::Rule { rule, detail } => AppError::Rule { rule, detail },
            Refusal::Invalid(errors) => AppError::Validation(errors),
        }
    }
}

/// The caller as the store needs it.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    pub agency_id: String,
    pub is_officer: bool,
    pub is_supervisor: bool,
    /// Holds the legal_counsel role and a legal qualification (法律职业资格).
    pub is_counsel: bool,
}

/// A new case that passed the rules of filing and awaits its number.
#[derive(Debug, Clone)]
pub struct PreparedCase {
    case: Case,
    subject_name: String,
    case_prefix: String,
}

/// 立案 / 登记 in one transaction: checks, numbers and records the case.
pub fn create_case(
    conn: &mut DbConn,
    caller: &Caller,
    input: NewCase,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<(Case, CaseMeta)> {
    let prepared = prepare_case(conn, caller, input, today)?;
    insert_prepared_case(conn, caller, prepared, now)
}

/// The checks of filing (立案): the subject, officers and cited powers as the registers
/// hold them, and the rules of `model::check_new_case`. Reads only, so it can run before
/// the write transaction and keep SQLite's single writer free meanwhile.
pub fn prepare_case(conn: &mut DbConn, caller: &Caller, input: NewCase, today: NaiveDate) -> AppResult<PreparedCase> {
    use crate::cases::model::{Opening, check_new_case};
    use crate::error::FieldError;

    let opened_on = input.opened_on(today);
    let agency_id = caller.agency_id.as_str();
    let (subject_kind, subject_name, id_card_no) = subject_in_agency(conn, agency_id, &input.subject_id)?
        .ok_or_else(|| AppError::field("subject_id", "no such subject in this agency's register"))?;
    if let Some(parent_id) = &input.parent_case_id {
        let parent_exists: bool = diesel::select(diesel::dsl::exists(
            cases::table
                .filter(cases::agency_id.eq(agency_id))
                .filter(cases::id.eq(parent_id)),
        ))
        .get_result(conn)?;
        if !parent_exists {
            return Err(AppError::field("parent_case_id", "no such case in this agency"));
        }
    }
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, id) in input.power_ids.iter().enumerate() {
        if !seen.insert(id) {
            errors.push(FieldError::new(format!("power_ids[{i}]"), "is cited twice"));
        }
    }
    let candidates = officer_candidates(conn, agency_id, &input.officer_ids)?;
    for (i, candidate) in candidates.iter().enumerate() {
        if candidate.is_none() {
            errors.push(FieldError::new(
                format!("officer_ids[{i}]"),
                "no such user in this agency",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let (candidates, names): (Vec<OfficerCandidate>, Vec<String>) = candidates.into_iter().flatten().unzip();
    check_new_case(&input, &candidates, today)?;
    // A penalty case cites the law in force when the act was done (APL art. 37); an
    // inspection the power list of its date.
    // A continuing violation is judged by the law in force when it ended (行为终了之日).
    let cited_on = match input.kind {
        CaseKind::Penalty => input.violation_ended_on.or(input.violation_on).unwrap_or(opened_on),
        CaseKind::Inspection => opened_on,
    };
    let mut cited = Vec::new();
    for (i, power_id) in input.power_ids.iter().enumerate() {
        match power_in_force(conn, agency_id, power_id, cited_on)? {
            PowerLookup::InForce(power) => cited.push(power),
            PowerLookup::NotInForce => {
                return Err(AppError::rule(
                    "power_not_in_force",
                    format!(
                        "power_ids[{i}] was not in force on {cited_on}; cite a power of the power list in force on the date of the violation (APL art. 37) or of the inspection"
                    ),
                ));
            }
            PowerLookup::Unknown => {
                return Err(AppError::field(
                    format!("power_ids[{i}]"),
                    "no such power in this agency",
                ));
            }
        }
    }
    crate::cases::model::check_items_cited(input.kind, subject_kind, input.inspection_item_ids.len())?;
    let cited_items = if input.inspection_item_ids.is_empty() {
        Vec::new()
    } else {
        let rows = crate::inspection_items::store::find_many(conn, agency_id, &input.inspection_item_ids)?;
        let found: Vec<_> = input
            .inspection_item_ids
            .iter()
            .map(|id| {
                (
                    id.clone(),
                    rows.iter().find(|row| &row.id == id).map(|row| row.to_item()),
                )
            })
            .collect();
        crate::cases::model::check_cited_items(&found, opened_on)?
    };
    let agency = crate::agencies::store::find(conn, agency_id)?;
    let source = input.source();
    let mut case = Case::open(Opening {
        id: uuid::Uuid::now_v7().to_string(),
        agency_id: agency_id.to_string(),
        kind: input.kind,
        procedure: input.procedure,
        case_number: String::new(),
        subject_id: input.subject_id,
        subject_kind,
        subject_birth_date: id_card_no
            .as_deref()
            .and_then(crate::subjects::model::birth_date_from_id_card),
        summary: input.summary,
        source,
        parent_case_id: input.parent_case_id,
        opened_on,
        violation_on: input.violation_on,
        violation_ended_on: input.violation_ended_on,
        discovered_on: input.discovered_on,
        serious_harm: input.serious_harm,
        filing_approval: procedure_settings(conn, agency_id)?.filing_approval,
        officers: candidates
            .iter()
            .zip(names)
            .map(|(c, display_name)| CaseOfficer {
                user_id: c.user_id.clone(),
                display_name,
                certificate_no: c.certificate_no.clone(),
                certificate_expires_on: c.certificate_expires_on,
                recused: false,
                active: true,
            })
            .collect(),
        powers: cited,
    });
    if !cited_items.is_empty() {
        case.plan = Some(crate::cases::model::InspectionPlan::new(
            crate::cases::model::method_of(&cited_items),
        ));
        case.inspection_items = cited_items;
    }
    Ok(PreparedCase {
        case,
        subject_name,
        case_prefix: agency.case_prefix,
    })
}

/// Numbers a prepared case, inserts it and records its creation. Run inside the write
/// transaction: the number is taken and used together.
pub fn insert_prepared_case(
    conn: &mut DbConn,
    caller: &Caller,
    prepared: PreparedCase,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<(Case, CaseMeta)> {
    use crate::cases::model::number_year;
    use crate::cases::numbering::{Sequence, format_number, next_seq};

    let PreparedCase {
        mut case,
        subject_name,
        case_prefix,
    } = prepared;
    let year = number_year(case.opened_on);
    let sequence = Sequence::for_case(case.kind);
    let seq = next_seq(conn, &case.agency_id, sequence, year)?;
    case.case_number = format_number(&case_prefix, sequence, year, seq);
    let meta = CaseMeta {
        created_at: crate::clock::to_db(now),
        created_by: caller.user_id.clone(),
        updated_at: crate::clock::to_db(now),
        subject_name: subject_name.clone(),
        number_year: year,
        number_seq: seq,
        legal_review_reasons: Vec::new(),
    };
    insert(conn, &case, &meta)?;
    let payload = creation_payload(&case, &subject_name);
    crate::record::store::append_first(conn, &case.id, &caller.user_id, "create", &payload, now)?;
    Ok((case, meta))
}

/// The payload of a case's first record event (`create`).
pub fn creation_payload(case: &Case, subject_name: &str) -> serde_json::Value {
    let mut payload = serde_json::json!({
        "kind": case.kind,
        "procedure": case.procedure,
        "case_number": case.case_number,
        "subject": {"id": case.subject_id, "name": subject_name, "kind": case.subject_kind},
        "summary": case.summary,
        "source": case.source,
        "parent_case_id": case.parent_case_id,
        "opened_on": case.opened_on,
        "violation_on": case.violation_on,
        "serious_harm": case.serious_harm,
        "officer_ids": case.officers.iter().map(|o| o.user_id.clone()).collect::<Vec<_>>(),
        "powers": case.powers.iter().map(|p| serde_json::json!({
            "power_id": p.power_id, "power_version_id": p.power_version_id, "version": p.version, "code": p.code
        })).collect::<Vec<_>>(),
        "decision_due_on": case.decision_due_on,
    });
    if let Some(plan) = &case.plan {
        payload["inspection_items"] = serde_json::json!(case.inspection_items);
        payload["method"] = serde_json::json!(plan.method);
    }
    payload
}

/// The caller's relation to a case.
pub fn relation(case: &Case, caller: &Caller) -> crate::cases::model::Relation {
    crate::cases::model::Relation {
        // A recused officer (回避) takes no further step of the case.
        is_case_officer: caller.is_officer && case.officers.iter().any(|o| o.user_id == caller.user_id && !o.recused),
        is_supervisor: caller.is_supervisor,
        // Counsel reviews only cases it did not handle (DESIGN §5.2).
        is_counsel: caller.is_counsel && !case.officers.iter().any(|o| o.user_id == caller.user_id),
    }
}

/// One step of a case: loads it, checks `If-Match`, applies the domain rules, does the
/// database work the step needs (numbers, linked cases), saves the case if nobody changed
/// it meanwhile, and appends the record event — all in the caller's transaction.
pub fn transition(
    conn: &mut DbConn,
    caller: &Caller,
    case_id: &str,
    command: crate::cases::model::Command,
    if_match: Option<i32>,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<(Case, CaseMeta)> {
    use crate::cases::model::{Action, Command, Context, CurrentPower, Effect, apply};
    use crate::cases::numbering::{Sequence, format_number, next_seq};

    let (case, mut meta) = load(conn, &caller.agency_id, case_id)?.ok_or(AppError::NotFound("case"))?;
    if let Some(expected) = if_match
        && expected != case.version
    {
        return Err(AppError::PreconditionFailed(format!(
            "If-Match names version {expected}, but the case is at version {}; reload it and retry",
            case.version
        )));
    }
    let action = command.action();
    // The hearing's host is a user of the agency (the model checks they are off the case).
    if let Command::ScheduleHearing(input) = &command {
        let host_active: Option<bool> = users::table
            .filter(users::agency_id.eq(&caller.agency_id))
            .filter(users::id.eq(input.host_id.trim()))
            .select(users::active)
            .first(conn)
            .optional()?;
        if host_active != Some(true) {
            return Err(AppError::field("host_id", "no active user of this agency"));
        }
    }
    let horizon_start = case.opened_on.min(today) - chrono::Duration::days(60);
    let calendar = crate::calendar::store::load_range(conn, horizon_start, today + chrono::Duration::days(400))?;
    let settings = procedure_settings(conn, &caller.agency_id)?;
    // 从旧兼从轻 (APL art. 37): a notice, proposal or decision compares the cited versions
    // with those in force on its own date ("作出行政处罚决定时"), which may be earlier (补录).
    let mut current_powers = Vec::new();
    let step_date = match &command {
        Command::Notify(input) => input.notified_on,
        Command::ProposeDecision(input) => input.proposed_on,
        Command::Decide(input) => input.decided_on,
        _ => None,
    };
    if matches!(action, Action::Notify | Action::ProposeDecision | Action::Decide) {
        let as_of = step_date.unwrap_or(today).min(today);
        for cited in &case.powers {
            let in_force = match power_in_force(conn, &caller.agency_id, &cited.power_id, as_of)? {
                PowerLookup::InForce(power) => Some(power),
                PowerLookup::NotInForce | PowerLookup::Unknown => None,
            };
            current_powers.push(CurrentPower {
                power_id: cited.power_id.clone(),
                in_force,
            });
        }
    }
    if let Command::ApproveInspection(_) = &command {
        // Two approvals for one enterprise at once must not both pass its yearly cap: the
        // subject's row lock (PostgreSQL; SQLite has one writer) orders them, and the
        // second counts the first.
        use crate::db::schema::subjects;
        diesel::update(subjects::table.find(&case.subject_id))
            .set(subjects::updated_at.eq(subjects::updated_at))
            .execute(conn)?;
    }
    let approval = match &command {
        Command::ApproveInspection(input) => crate::cases::model::ApprovalFacts {
            approver_id: caller.user_id.clone(),
            prior_this_year: super::plans::approved_inspections_this_year(
                conn,
                &caller.agency_id,
                &case.subject_id,
                &case
                    .inspection_items
                    .iter()
                    .map(|i| i.item_id.clone())
                    .collect::<Vec<_>>(),
                chrono::Datelike::year(&input.planned_from),
                &case.id,
            )?,
            fresh_code: crate::cases::model::inspection_code(rand::random::<u64>()),
        },
        _ => Default::default(),
    };
    let benchmarks = match &command {
        Command::ProposeDecision(input) => benchmark_facts(
            conn,
            &caller.agency_id,
            &case,
            input.proposed_on.unwrap_or(today).min(today),
            input.benchmark_id.as_deref(),
        )?,
        // On the spot the decision names its own benchmark, as a proposal does.
        Command::Decide(input) if case.procedure == Some(Procedure::Simple) => benchmark_facts(
            conn,
            &caller.agency_id,
            &case,
            input.decided_on.unwrap_or(today).min(today),
            input.benchmark_id.as_deref(),
        )?,
        // 从旧兼从轻 at the decision (APL art. 37): the proposal's benchmark against the
        // versions in force on the decision day.
        Command::Decide(input) => match case.proposal.as_ref().and_then(|p| p.benchmark.as_ref()) {
            Some(applied) => benchmark_facts(
                conn,
                &caller.agency_id,
                &case,
                input.decided_on.unwrap_or(today).min(today),
                Some(&applied.id),
            )?,
            None => Default::default(),
        },
        _ => Default::default(),
    };
    let lists = match &command {
        Command::ProposeDecision(input) => list_facts(conn, &caller.agency_id, &case, input.list_entry_id.as_deref())?,
        _ => Default::default(),
    };
    let ctx = Context {
        approval,
        benchmarks,
        lists,
        today,
        calendar: &calendar,
        relation: relation(&case, caller),
        settings,
        // Only closing asks (av_record_required); other steps skip the query. Evidence rows
        // are never deleted, so a count read here cannot drop before commit.
        av_evidence_count: if action == Action::Close {
            crate::evidence::store::audio_video_count(conn, &case)?
        } else {
            0
        },
        current_powers,
    };
    let applied = apply(&case, command, &ctx)?;
    let mut next = applied.case;
    let mut payload = applied.payload;
    let mut decision_document_id = None;
    match applied.effect {
        Effect::None => {}
        Effect::AllocateDecisionNumber(document) => {
            let agency = crate::agencies::store::find(conn, &caller.agency_id)?;
            let year = crate::cases::model::number_year(next.decided_on.unwrap_or(today));
            let sequence = Sequence::for_decision(document);
            let seq = next_seq(conn, &caller.agency_id, sequence, year)?;
            let number = format_number(&agency.case_prefix, sequence, year, seq);
            payload["decision_number"] = serde_json::Value::String(number.clone());
            next.decision_number = Some(number);
            // 决定书 (APL art. 59): its content is fixed now and its hash recorded.
            let issued = crate::documents::store::issue_decision(conn, &next, document, now)?;
            payload["document"] = issued.reference();
            decision_document_id = Some(issued.id);
        }
        Effect::OpenPenaltyCase(request) => {
            let input = NewCase::try_from(CreateCaseRequest {
                kind: CaseKind::Penalty,
                procedure: Some(Procedure::Ordinary),
                subject_id: case.subject_id.clone(),
                power_ids: request
                    .power_ids
                    .unwrap_or_else(|| case.powers.iter().map(|p| p.power_id.clone()).collect()),
                officer_ids: request
                    .officer_ids
                    .unwrap_or_else(|| case.officers.iter().map(|o| o.user_id.clone()).collect()),
                summary: request.summary,
                violation_on: Some(request.violation_on),
                violation_ended_on: None,
                discovered_on: None,
                opened_on: Some(today),
                source: Some(CaseSource::Inspection),
                parent_case_id: Some(case.id.clone()),
                serious_harm: request.serious_harm,
                inspection_item_ids: Vec::new(),
            })?;
            let (child, _) = create_case(conn, caller, input, today, now)?;
            payload["penalty_case_id"] = serde_json::Value::String(child.id);
            payload["penalty_case_number"] = serde_json::Value::String(child.case_number);
        }
        Effect::CreateLegalReview { documents, note } => {
            let review_id = crate::legal_reviews::store::create(
                conn,
                &case,
                &meta,
                &caller.user_id,
                (&documents, note.as_deref()),
                crate::clock::to_db(now),
                today,
            )?;
            payload["review_id"] = serde_json::Value::String(review_id.clone());
            next.legal_review_id = Some(review_id);
        }
        Effect::SignLegalReview {
            review_id,
            outcome,
            checklist,
            opinion,
        } => {
            let opinion_hash = payload["opinion_hash"].as_str().unwrap_or_default().to_string();
            crate::legal_reviews::store::sign(
                conn,
                &review_id,
                &case.id,
                crate::legal_reviews::store::Signature {
                    outcome,
                    checklist: &checklist,
                    opinion: &opinion,
                    opinion_hash: &opinion_hash,
                    reviewer_id: &caller.user_id,
                },
                crate::clock::to_db(now),
                today,
            )?;
        }
        Effect::ReplaceOfficer { replacement, .. } => {
            let found = officer_candidates(conn, &caller.agency_id, std::slice::from_ref(&replacement))?;
            let Some(Some((candidate, display_name))) = found.into_iter().next() else {
                return Err(AppError::field("replacement_officer_id", "no such user in this agency"));
            };
            if !candidate.is_officer || !candidate.active {
                return Err(AppError::field(
                    "replacement_officer_id",
                    "is not an active officer of this agency",
                ));
            }
            let officer = crate::cases::model::CaseOfficer {
                user_id: candidate.user_id,
                display_name,
                certificate_no: candidate.certificate_no,
                certificate_expires_on: candidate.certificate_expires_on,
                recused: false,
                active: true,
            };
            if !officer.certified_on(today) {
                return Err(AppError::rule(
                    "officer_certificate_invalid",
                    format!(
                        "the replacement officer has no enforcement certificate (执法证) valid on {today} (APL art. 42)"
                    ),
                ));
            }
            next.officers.push(officer);
        }
        Effect::RecordTransfer(letter) => {
            // 移送函: numbered gap-free in this transaction, like case numbers.
            let transfer = crate::transfers::store::create(conn, &next, letter, &caller.user_id, today, now)?;
            payload["transfer_id"] = serde_json::Value::String(transfer.id);
            payload["letter_number"] = serde_json::Value::String(transfer.letter_number);
        }
    }
    // 事先告知书 (APL art. 44, 62–64), fixed and recorded like a decision.
    if action == Action::Notify {
        let issued = crate::documents::store::issue_notice(conn, &next, &meta, &payload, now)?;
        payload["document"] = issued.reference();
    }
    next.version = case.version + 1;
    meta.updated_at = crate::clock::to_db(now);
    meta.legal_review_reasons = crate::cases::model::legal_review_reasons(&next, &ctx.settings);
    let findings_changed = next.findings != case.findings;
    let officers_changed = next.officers != case.officers;
    let plan_changed = next.plan != case.plan;
    if !save(
        conn,
        &next,
        &meta,
        case.version,
        findings_changed,
        officers_changed,
        plan_changed,
    )? {
        return Err(match if_match {
            Some(_) => AppError::PreconditionFailed("the case changed meanwhile; reload it and retry".into()),
            None => AppError::conflict("the case changed meanwhile; reload it and retry"),
        });
    }
    if let (None, Some(revocation)) = (&case.revocation, &next.revocation) {
        insert_revocation(conn, &case.id, revocation)?;
        // 公示 of a revoked decision is withdrawn or updated within 3 working days (APL art. 48).
        crate::disclosures::store::require_correction(conn, &case.id, revocation.on, &revocation.reason, &calendar)?;
    }
    // 事后公示: a decision, or an inspection closed with findings, is to be disclosed.
    let disclosure = match action {
        Action::Decide => crate::disclosures::model::for_decision(&next, &ctx.settings, &calendar),
        Action::Close => crate::disclosures::model::for_inspection(&next, today, &ctx.settings, &calendar),
        _ => None,
    };
    let mut auto_publish = None;
    if let Some(created) = disclosure {
        let row = crate::disclosures::store::create(conn, &next, created, decision_document_id.as_deref(), now)?;
        payload["disclosure"] =
            serde_json::json!({"id": row.id, "kind": row.kind, "due_on": row.due_on, "status": row.status});
        if ctx.settings.disclosure_auto_publish && row.status == crate::disclosures::model::DisclosureStatus::Pending {
            auto_publish = Some(row.id);
        }
    }
    crate::record::store::append(conn, &case.id, &caller.user_id, action.as_str(), &payload, now)?;
    if let Some(id) = auto_publish {
        crate::disclosures::store::publish(conn, &caller.agency_id, &id, &caller.user_id, today, now)?;
    }
    Ok((next, meta))
}

/// The list entry a proposal names and the party's earlier decided violations under the
/// cited powers (for 首违不罚).
fn list_facts(
    conn: &mut DbConn,
    agency_id: &str,
    case: &Case,
    named: Option<&str>,
) -> AppResult<crate::cases::model::ListFacts> {
    let power_ids: Vec<String> = case.powers.iter().map(|p| p.power_id.clone()).collect();
    let earlier_violations =
        crate::discretion_lists::store::earlier_violations(conn, agency_id, (&case.subject_id, &case.id), &power_ids)?;
    let named = match named {
        Some(id) => crate::discretion_lists::store::find(conn, agency_id, id)?.map(|(row, _)| row.to_entry()),
        None => None,
    };
    Ok(crate::cases::model::ListFacts {
        named,
        earlier_violations,
    })
}

/// The discretion benchmarks of the cited powers in force on the violation date (the day
/// the act ended, for a continuing one) and on the day of the proposal or decision (APL
/// art. 37), and the version a proposal names or applied.
fn benchmark_facts(
    conn: &mut DbConn,
    agency_id: &str,
    case: &Case,
    step_on: NaiveDate,
    named: Option<&str>,
) -> AppResult<crate::cases::model::BenchmarkFacts> {
    let mut in_force = Vec::new();
    let mut in_force_now = Vec::new();
    for cited in &case.powers {
        in_force_now.extend(crate::benchmarks::store::in_force_on(
            conn,
            agency_id,
            &cited.power_id,
            step_on,
        )?);
    }
    if let Some(day) = case.violation_ended_on.or(case.violation_on) {
        for cited in &case.powers {
            in_force.extend(crate::benchmarks::store::in_force_on(
                conn,
                agency_id,
                &cited.power_id,
                day,
            )?);
        }
    }
    let named = match named {
        Some(id) => crate::benchmarks::store::find(conn, agency_id, id)?
            .map(|(row, _)| row.to_benchmark())
            .transpose()?,
        None => None,
    };
    Ok(crate::cases::model::BenchmarkFacts {
        in_force,
        in_force_now,
        named,
    })
}
