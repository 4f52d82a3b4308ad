//! Opening a case (立案 / 登记): the checks of APL art. 36 and 42 and of the input.

use super::*;

/// An officer proposed for a case, as found in the register.
#[derive(Debug, Clone)]
pub struct OfficerCandidate {
    pub user_id: String,
    pub is_officer: bool,
    pub active: bool,
    pub certificate_no: Option<String>,
    pub certificate_expires_on: Option<NaiveDate>,
}

/// The body of `POST /cases` (立案 / 登记).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CreateCaseRequest {
    pub kind: CaseKind,
    /// Penalty cases: `ordinary` (default) or `simple` (当场处罚).
    pub procedure: Option<Procedure>,
    pub subject_id: String,
    /// Powers cited; the versions in force on `opened_on` are recorded.
    #[schema(min_items = 1)]
    pub power_ids: Vec<String>,
    /// At least two officers with valid certificates, in both procedures (APL art. 42); the
    /// first is the lead.
    pub officer_ids: Vec<String>,
    #[schema(
        min_length = 1,
        max_length = 2000,
        pattern = r"[^\x09-\x0d \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
    )]
    pub summary: String,
    /// Required for penalty cases (违法行为发生日期).
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub violation_on: Option<NaiveDate>,
    /// A continuing violation's last day (APL art. 36: the limitation runs from it).
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub violation_ended_on: Option<NaiveDate>,
    /// When the agency discovered the violation; defaults to the filing date.
    #[serde(default)]
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub discovered_on: Option<NaiveDate>,
    /// Defaults to today; may be earlier (补录) but never in the future.
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
    pub opened_on: Option<NaiveDate>,
    /// Defaults to `routine`. `random_draw` is reserved to the inspections a double-random
    /// plan's draw opens (422 `random_draw_source_reserved`).
    pub source: Option<CaseSource>,
    pub parent_case_id: Option<String>,
    /// The violation harmed life, health or financial safety: 5-year limitation (APL art. 36).
    #[serde(default)]
    pub serious_harm: bool,
    /// Inspections: the published inspection items (检查事项) covered, each in force on the
    /// filing date (422 `item_not_published` otherwise, 国办发〔2024〕54号 三). Several make a
    /// joint inspection (综合查一次).
    /// `item_ids` (DESIGN §8) is read as the same field.
    #[serde(default, alias = "item_ids")]
    #[schema(max_items = 20)]
    pub inspection_item_ids: Vec<String>,
}

/// A new case as parsed at the edge: the request's shape is checked, its defaults are
/// applied, and the summary is trimmed. What depends on the registers or on today is
/// checked by `check_new_case`.
///
/// Built only by `TryFrom<CreateCaseRequest>` (what a client sends, never of source
/// `random_draw`) or by `NewCase::drawn` (an inspection a double-random draw opens): the
/// source is private so that no other path can claim a draw.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub kind: CaseKind,
    /// `Some(ordinary)` when a penalty case names none; `None` for inspections.
    pub procedure: Option<Procedure>,
    pub subject_id: String,
    pub power_ids: Vec<String>,
    pub officer_ids: Vec<String>,
    pub summary: String,
    pub violation_on: Option<NaiveDate>,
    pub violation_ended_on: Option<NaiveDate>,
    pub discovered_on: Option<NaiveDate>,
    /// `None` means today.
    pub opened_on: Option<NaiveDate>,
    source: CaseSource,
    pub parent_case_id: Option<String>,
    pub serious_harm: bool,
    pub inspection_item_ids: Vec<String>,
}

/// 双随机、一公开 (国发〔2019〕5号, 国办发〔2015〕58号): an inspection of source `random_draw`
/// is one a plan's draw opened, with the drawn subject and inspectors, recorded with the
/// draw so that anyone can recompute it. A case that only claims that source would pad the
/// year's random-inspection figures and the published results, so no request may name it:
/// the draw opens its cases through `NewCase::drawn`.
pub fn check_source_not_reserved(source: Option<CaseSource>) -> Result<(), Refusal> {
    if source == Some(CaseSource::RandomDraw) {
        return Err(rule(
            "random_draw_source_reserved",
            "a case of source random_draw (双随机抽查) is opened only by a random plan's draw (POST /random-plans/{id}/draw), with the subject and inspectors drawn: 立案来源为双随机抽查的检查只能由抽查计划的抽取生成",
        ));
    }
    Ok(())
}

/// An inspection a double-random draw opens for one drawn subject: there is no `source`
/// to give, it is `random_draw`.
#[derive(Debug, Clone)]
pub struct DrawnInspection {
    pub subject_id: String,
    /// The powers of the plan's items.
    pub power_ids: Vec<String>,
    /// The drawn inspectors, the lead first.
    pub officer_ids: Vec<String>,
    pub summary: String,
    /// The plan's random-inspection items.
    pub inspection_item_ids: Vec<String>,
}

impl TryFrom<CreateCaseRequest> for NewCase {
    type Error = Refusal;

    /// What a client sends: never of source `random_draw` (`check_source_not_reserved`).
    fn try_from(request: CreateCaseRequest) -> Result<NewCase, Refusal> {
        check_source_not_reserved(request.source)?;
        NewCase::parse(request)
    }
}

impl NewCase {
    /// The inspection a double-random draw opens (the draw is its basis, 国发〔2019〕5号):
    /// today, of source `random_draw`, under the same checks of shape as any other case.
    pub fn drawn(drawn: DrawnInspection) -> Result<NewCase, Refusal> {
        let mut new = NewCase::parse(CreateCaseRequest {
            kind: CaseKind::Inspection,
            procedure: None,
            subject_id: drawn.subject_id,
            power_ids: drawn.power_ids,
            officer_ids: drawn.officer_ids,
            summary: drawn.summary,
            violation_on: None,
            violation_ended_on: None,
            discovered_on: None,
            opened_on: None,
            source: None,
            parent_case_id: None,
            serious_harm: false,
            inspection_item_ids: drawn.inspection_item_ids,
        })?;
        new.source = CaseSource::RandomDraw;
        Ok(new)
    }

    /// Where the case came from (案件来源).
    pub fn source(&self) -> CaseSource {
        self.source
    }

    /// The request's shape and defaults, whatever its source.
    fn parse(request: CreateCaseRequest) -> Result<NewCase, Refusal> {
        let mut errors = Vec::new();
        let summary = request.summary.trim().to_string();
        let summary_len = summary.chars().count();
        if summary_len == 0 || summary_len > 2000 {
            errors.push(FieldError::new("summary", "must be 1 to 2000 characters"));
        }
        if request.power_ids.is_empty() {
            errors.push(FieldError::new("power_ids", "cite at least one power (执法职权)"));
        }
        let procedure = match (request.kind, request.procedure) {
            (CaseKind::Inspection, Some(_)) => {
                errors.push(FieldError::new("procedure", "only penalty cases have a procedure"));
                None
            }
            (CaseKind::Inspection, None) => None,
            (CaseKind::Penalty, procedure) => Some(procedure.unwrap_or(Procedure::Ordinary)),
        };
        if request.kind == CaseKind::Penalty && request.violation_on.is_none() {
            errors.push(FieldError::new(
                "violation_on",
                "required for a penalty case (违法行为发生日期)",
            ));
        }
        let source = request.source.unwrap_or(CaseSource::Routine);
        if source == CaseSource::Inspection && request.parent_case_id.is_none() {
            errors.push(FieldError::new(
                "parent_case_id",
                "required when the source is an inspection",
            ));
        }
        if request.kind == CaseKind::Penalty && !request.inspection_item_ids.is_empty() {
            errors.push(FieldError::new(
                "inspection_item_ids",
                "only inspections cite inspection items",
            ));
        }
        if request.inspection_item_ids.len() > 20 {
            errors.push(FieldError::new("inspection_item_ids", "at most 20 items"));
        }
        if !errors.is_empty() {
            return Err(Refusal::Invalid(errors));
        }
        Ok(NewCase {
            kind: request.kind,
            procedure,
            subject_id: request.subject_id,
            power_ids: request.power_ids,
            officer_ids: request.officer_ids,
            summary,
            violation_on: request.violation_on,
            violation_ended_on: request.violation_ended_on,
            discovered_on: request.discovered_on,
            opened_on: request.opened_on,
            source,
            parent_case_id: request.parent_case_id,
            serious_harm: request.serious_harm,
            inspection_item_ids: request.inspection_item_ids,
        })
    }

    /// The filing date: as given, or today.
    pub fn opened_on(&self, today: NaiveDate) -> NaiveDate {
        self.opened_on.unwrap_or(today)
    }
}

/// The checks of filing a case (立案) that depend on today and the registers. `officers`
/// are in the order given (the first is the lead), each found in the caller's agency.
pub fn check_new_case(new: &NewCase, officers: &[OfficerCandidate], today: NaiveDate) -> Result<(), Refusal> {
    let mut errors = Vec::new();
    let opened_on = new.opened_on(today);
    if opened_on > today {
        errors.push(FieldError::new("opened_on", "may not be in the future"));
    }
    if (today - opened_on).num_days() > MAX_BACKDATE_DAYS {
        errors.push(FieldError::new(
            "opened_on",
            format!("a case may be entered after the fact (补录) at most {MAX_BACKDATE_DAYS} days back"),
        ));
    }
    if let Some(violation_on) = new.violation_on
        && violation_on > opened_on
    {
        errors.push(FieldError::new("violation_on", "may not be after the filing date"));
    }
    for (field, date) in [
        ("violation_ended_on", new.violation_ended_on),
        ("discovered_on", new.discovered_on),
    ] {
        let Some(date) = date else { continue };
        if new.violation_on.is_none_or(|violation_on| date < violation_on) {
            errors.push(FieldError::new(field, "needs violation_on and may not be before it"));
        }
        if date > opened_on {
            errors.push(FieldError::new(field, "may not be after the filing date"));
        }
    }
    if !errors.is_empty() {
        return Err(Refusal::Invalid(errors));
    }
    if new.kind == CaseKind::Penalty
        && let Some(violation_on) = new.violation_on
    {
        // A continuing violation runs from its end (APL art. 36 ¶2); the period ends at discovery.
        let runs_from = new.violation_ended_on.unwrap_or(violation_on);
        check_limitation(runs_from, new.serious_harm, new.discovered_on.unwrap_or(opened_on))?;
    }
    check_officers(new, officers, opened_on)
}

/// APL art. 36: no penalty once two years have passed since the violation (five when
/// life, health or financial safety was harmed and there are legal consequences).
/// `violation_on` is the day the period runs from (the violation, or the end of a
/// continuing one); `discovered_on` the day the agency found it.
pub fn check_limitation(violation_on: NaiveDate, serious_harm: bool, discovered_on: NaiveDate) -> Result<(), Refusal> {
    let years = if serious_harm { 5 } else { 2 };
    let expires_on = violation_on
        .checked_add_months(Months::new(12 * years))
        .unwrap_or(NaiveDate::MAX);
    if discovered_on > expires_on {
        return Err(rule(
            "limitation_period_expired",
            format!(
                "the violation of {violation_on} was discovered on {discovered_on}, past the {years}-year limitation period (APL art. 36) that ended on {expires_on}; it can no longer be penalised"
            ),
        ));
    }
    Ok(())
}

/// APL art. 42: at least two officers holding valid enforcement certificates (执法证),
/// except under the simple procedure; an expired certificate cannot be put on a case.
pub(crate) fn check_officers(
    new: &NewCase,
    officers: &[OfficerCandidate],
    opened_on: NaiveDate,
) -> Result<(), Refusal> {
    let mut seen = std::collections::HashSet::new();
    for (i, officer) in officers.iter().enumerate() {
        if !seen.insert(officer.user_id.as_str()) {
            return Err(invalid(&format!("officer_ids[{i}]"), "is listed twice"));
        }
        if !officer.is_officer || !officer.active {
            return Err(invalid(
                &format!("officer_ids[{i}]"),
                "is not an active officer of this agency",
            ));
        }
        let valid_on_date = officer.certificate_no.is_some()
            && officer
                .certificate_expires_on
                .is_some_and(|expires| expires >= opened_on);
        if !valid_on_date {
            return Err(rule(
                "officer_certificate_invalid",
                format!(
                    "officer_ids[{i}] has no enforcement certificate (执法证) valid on {}; an expired certificate cannot be put on a case",
                    opened_on
                ),
            ));
        }
    }
    let minimum = 2;
    if officers.len() < minimum {
        return Err(rule(
            "two_officers_required",
            format!(
                "{} needs at least {minimum} officers with valid certificates (APL art. 42); {} given",
                match (new.kind, new.procedure) {
                    (CaseKind::Inspection, _) => "an inspection",
                    (CaseKind::Penalty, Some(Procedure::Simple)) =>
                        "an on-the-spot case (art. 42 binds both procedures)",
                    _ => "an ordinary penalty case",
                },
                officers.len()
            ),
        ));
    }
    Ok(())
}

/// APL art. 42 on a field step: at least two officers of the case whose certificates are
/// valid on the day of the step.
pub fn check_officers_certified(case: &Case, on: NaiveDate, step: &str) -> Result<(), Refusal> {
    let certified = case.officers.iter().filter(|o| o.certified_on(on)).count();
    if certified < 2 {
        return Err(rule(
            "officer_certificate_invalid",
            format!(
                "{step} on {on} needs two officers of the case whose enforcement certificates (执法证) are valid that day (APL art. 42); {certified} are"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::cases::model::testing::*;
    use crate::cases::model::*;

    #[test]
    fn limitation_runs_two_years_or_five_with_serious_harm() {
        assert!(check_limitation(date("2022-09-02"), false, date("2024-09-02")).is_ok());
        assert!(check_limitation(date("2022-09-01"), false, date("2024-09-02")).is_err());
        assert!(check_limitation(date("2020-09-02"), true, date("2024-09-02")).is_ok());
        assert!(check_limitation(date("2019-09-01"), true, date("2024-09-02")).is_err());
    }

    #[test]
    fn filing_needs_two_certified_officers_in_both_procedures() {
        let officer = |id: &str, expires: &str| OfficerCandidate {
            user_id: id.into(),
            is_officer: true,
            active: true,
            certificate_no: Some("1201".into()),
            certificate_expires_on: Some(date(expires)),
        };
        let mut new = NewCase::try_from(CreateCaseRequest {
            kind: CaseKind::Penalty,
            procedure: None,
            subject_id: "s".into(),
            power_ids: vec!["p".into()],
            officer_ids: vec!["a".into(), "b".into()],
            summary: " 占道 ".into(),
            violation_on: Some(date("2024-09-01")),
            violation_ended_on: None,
            discovered_on: None,
            opened_on: Some(date("2024-09-02")),
            source: None,
            parent_case_id: None,
            serious_harm: false,
            inspection_item_ids: Vec::new(),
        })
        .unwrap();
        assert_eq!(new.procedure, Some(Procedure::Ordinary));
        assert_eq!(new.summary, "占道");
        let today = date("2024-09-10");
        let one = [officer("a", "2030-01-01")];
        let two = [officer("a", "2030-01-01"), officer("b", "2030-01-01")];
        let expired = [officer("a", "2030-01-01"), officer("b", "2024-09-01")];
        let rule = |r: Result<(), Refusal>| match r {
            Err(Refusal::Rule { rule, .. }) => rule,
            other => panic!("{other:?}"),
        };
        assert_eq!(rule(check_new_case(&new, &one, today)), "two_officers_required");
        assert!(check_new_case(&new, &two, today).is_ok());
        assert_eq!(
            rule(check_new_case(&new, &expired, today)),
            "officer_certificate_invalid"
        );
        // Art. 42 is a general provision: the simple procedure needs two officers as well.
        new.procedure = Some(Procedure::Simple);
        assert_eq!(rule(check_new_case(&new, &one, today)), "two_officers_required");
        assert!(check_new_case(&new, &two, today).is_ok());
    }

    fn inspection_request(source: Option<CaseSource>) -> CreateCaseRequest {
        CreateCaseRequest {
            kind: CaseKind::Inspection,
            procedure: None,
            subject_id: "s".into(),
            power_ids: vec!["p".into()],
            officer_ids: vec!["a".into(), "b".into()],
            summary: "双随机抽查".into(),
            violation_on: None,
            violation_ended_on: None,
            discovered_on: None,
            opened_on: None,
            source,
            parent_case_id: None,
            serious_harm: false,
            inspection_item_ids: vec!["i".into()],
        }
    }

    #[test]
    fn only_a_draw_opens_a_case_of_source_random_draw() {
        // A request naming the source is refused, whatever else it holds.
        let claimed = NewCase::try_from(inspection_request(Some(CaseSource::RandomDraw))).map(|_| ());
        assert_eq!(rule_of_refusal(claimed), "random_draw_source_reserved");
        let mut blank = inspection_request(Some(CaseSource::RandomDraw));
        blank.summary = " ".into();
        assert_eq!(
            rule_of_refusal(NewCase::try_from(blank).map(|_| ())),
            "random_draw_source_reserved"
        );
        // Every other source, and none, is the client's to name.
        for source in [
            None,
            Some(CaseSource::Routine),
            Some(CaseSource::Complaint),
            Some(CaseSource::Hotline12345),
            Some(CaseSource::Referral),
        ] {
            let new = NewCase::try_from(inspection_request(source)).unwrap();
            assert_eq!(new.source(), source.unwrap_or(CaseSource::Routine));
        }
        // The draw's own constructor opens it, under the same checks of shape.
        let drawn = DrawnInspection {
            subject_id: "s".into(),
            power_ids: vec!["p".into()],
            officer_ids: vec!["a".into(), "b".into()],
            summary: " 双随机抽查：第四季度 ".into(),
            inspection_item_ids: vec!["i".into()],
        };
        let new = NewCase::drawn(drawn.clone()).unwrap();
        assert_eq!(
            (new.source(), new.kind, new.summary.as_str(), new.opened_on),
            (
                CaseSource::RandomDraw,
                CaseKind::Inspection,
                "双随机抽查：第四季度",
                None
            )
        );
        let no_powers = DrawnInspection {
            power_ids: Vec::new(),
            ..drawn
        };
        assert!(matches!(NewCase::drawn(no_powers), Err(Refusal::Invalid(_))));
    }

    #[test]
    fn a_continuing_violation_runs_from_its_end_to_its_discovery() {
        // Ended 2022-09-02, discovered 2024-09-02: the last day of two years, still in time.
        assert!(check_limitation(date("2022-09-02"), false, date("2024-09-02")).is_ok());
        assert_eq!(
            rule_of_refusal(check_limitation(date("2022-09-02"), false, date("2024-09-03"))),
            "limitation_period_expired"
        );
    }
}
