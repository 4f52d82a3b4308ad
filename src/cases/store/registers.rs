//! What filing and steps read from the registers: subjects, powers in force, officers,
//! and the agency's procedure settings.

use super::*;

/// The subject's kind, name and ID number, when it belongs to the agency.
pub fn subject_in_agency(
    conn: &mut DbConn,
    agency_id: &str,
    subject_id: &str,
) -> AppResult<Option<(SubjectKind, String, Option<String>)>> {
    Ok(subjects::table
        .filter(subjects::agency_id.eq(agency_id))
        .filter(subjects::id.eq(subject_id))
        .select((subjects::kind, subjects::name, subjects::id_card_no))
        .first(conn)
        .optional()?)
}

/// What citing a power on a date finds.
pub enum PowerLookup {
    InForce(CitedPower),
    /// The power exists but no version was in force on the date.
    NotInForce,
    Unknown,
}

/// The version of a power in force on `on` (the latest version whose period covers it).
pub fn power_in_force(conn: &mut DbConn, agency_id: &str, power_id: &str, on: NaiveDate) -> QueryResult<PowerLookup> {
    type Version = (String, i32, String, String, Option<i64>, Option<i64>, bool);
    let version: Option<Version> = power_versions::table
        .filter(power_versions::agency_id.eq(agency_id))
        .filter(power_versions::power_id.eq(power_id))
        .filter(power_versions::effective_from.le(on))
        .filter(
            power_versions::effective_to
                .is_null()
                .or(power_versions::effective_to.ge(on)),
        )
        .order(power_versions::version.desc())
        .select((
            power_versions::id,
            power_versions::version,
            power_versions::code,
            power_versions::name,
            power_versions::fine_min_fen,
            power_versions::fine_max_fen,
            power_versions::requires_av_record,
        ))
        .first(conn)
        .optional()?;
    if let Some((power_version_id, version, code, name, fine_min_fen, fine_max_fen, requires_av_record)) = version {
        return Ok(PowerLookup::InForce(CitedPower {
            power_id: power_id.to_string(),
            power_version_id,
            version,
            code,
            name,
            fine_min_fen,
            fine_max_fen,
            requires_av_record,
        }));
    }
    let exists: bool = diesel::select(diesel::dsl::exists(
        powers::table
            .filter(powers::agency_id.eq(agency_id))
            .filter(powers::id.eq(power_id)),
    ))
    .get_result(conn)?;
    Ok(if exists {
        PowerLookup::NotInForce
    } else {
        PowerLookup::Unknown
    })
}

/// id, roles, active, certificate number and expiry, display name.
type OfficerRow = (String, String, bool, Option<String>, Option<NaiveDate>, String);

/// Officers proposed for a case, as the register knows them; `None` where the id is not a
/// user of the agency.
pub fn officer_candidates(
    conn: &mut DbConn,
    agency_id: &str,
    ids: &[String],
) -> QueryResult<Vec<Option<(OfficerCandidate, String)>>> {
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<OfficerRow> = users::table
            .filter(users::agency_id.eq(agency_id))
            .filter(users::id.eq(id))
            .select((
                users::id,
                users::roles,
                users::active,
                users::certificate_no,
                users::certificate_expires_on,
                users::display_name,
            ))
            .first(conn)
            .optional()?;
        found.push(row.map(
            |(user_id, roles, active, certificate_no, certificate_expires_on, display_name)| {
                (
                    OfficerCandidate {
                        user_id,
                        is_officer: crate::auth::Roles::from_db(&roles).has(crate::auth::Role::Officer),
                        active,
                        certificate_no,
                        certificate_expires_on,
                    },
                    display_name,
                )
            },
        ));
    }
    Ok(found)
}

pub fn procedure_settings(conn: &mut DbConn, agency_id: &str) -> QueryResult<ProcedureSettings> {
    type SettingsRow = (
        (i32, i64, i64, bool, Option<String>, i32, i32, LegalReviewScope),
        (i32, i32, bool),
        (i32, i32, i32, i32, i32, i32, i32),
    );
    let row: Option<SettingsRow> = agency_settings::table
        .find(agency_id)
        .select((
            (
                agency_settings::defense_period_working_days,
                agency_settings::hearing_threshold_individual_fen,
                agency_settings::hearing_threshold_organisation_fen,
                agency_settings::filing_approval,
                agency_settings::extension_rule,
                agency_settings::extension_max_days,
                agency_settings::acknowledgement_working_days,
                agency_settings::legal_review_scope,
            ),
            (
                agency_settings::disclosure_penalty_working_days,
                agency_settings::disclosure_other_working_days,
                agency_settings::disclosure_auto_publish,
            ),
            (
                agency_settings::inspection_yearly_cap,
                agency_settings::emergency_approval_working_days,
                agency_settings::results_notice_working_days,
                agency_settings::joint_inspection_window_days,
                agency_settings::alert_per_day,
                agency_settings::alert_per_week,
                agency_settings::alert_per_month,
            ),
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((
            (
                days,
                individual,
                organisation,
                filing_approval,
                extension_rule,
                extension_max_days,
                acknowledgement,
                legal_review_scope,
            ),
            (disclosure_penalty, disclosure_other, disclosure_auto_publish),
            (yearly_cap, emergency_days, results_days, joint_days, per_day, per_week, per_month),
        )) => ProcedureSettings {
            defense_period_working_days: days.max(0) as u32,
            hearing_threshold_individual_fen: individual,
            hearing_threshold_organisation_fen: organisation,
            filing_approval,
            extension_rule,
            extension_max_days: extension_max_days.max(0) as u32,
            acknowledgement_working_days: acknowledgement.max(0) as u32,
            legal_review_scope,
            disclosure_penalty_working_days: disclosure_penalty.max(0) as u32,
            disclosure_other_working_days: disclosure_other.max(0) as u32,
            disclosure_auto_publish,
            inspection_yearly_cap: yearly_cap.max(1) as u32,
            emergency_approval_working_days: emergency_days.max(1) as u32,
            results_notice_working_days: results_days.max(1) as u32,
            joint_inspection_window_days: joint_days.max(1) as u32,
            alert_per_day: per_day.max(1) as u32,
            alert_per_week: per_week.max(1) as u32,
            alert_per_month: per_month.max(1) as u32,
        },
        None => ProcedureSettings::default(),
    })
}

pub fn save_procedure_settings(
    conn: &mut DbConn,
    agency_id: &str,
    settings: &ProcedureSettings,
    by: &str,
) -> QueryResult<()> {
    diesel::delete(agency_settings::table.find(agency_id)).execute(conn)?;
    diesel::insert_into(agency_settings::table)
        .values((
            agency_settings::agency_id.eq(agency_id),
            agency_settings::defense_period_working_days.eq(settings.defense_period_working_days as i32),
            agency_settings::hearing_threshold_individual_fen.eq(settings.hearing_threshold_individual_fen),
            agency_settings::hearing_threshold_organisation_fen.eq(settings.hearing_threshold_organisation_fen),
            agency_settings::filing_approval.eq(settings.filing_approval),
            agency_settings::extension_rule.eq(settings.extension_rule.as_deref()),
            agency_settings::extension_max_days.eq(settings.extension_max_days as i32),
            agency_settings::acknowledgement_working_days.eq(settings.acknowledgement_working_days as i32),
            agency_settings::legal_review_scope.eq(settings.legal_review_scope),
            agency_settings::disclosure_penalty_working_days.eq(settings.disclosure_penalty_working_days as i32),
            agency_settings::disclosure_other_working_days.eq(settings.disclosure_other_working_days as i32),
            agency_settings::disclosure_auto_publish.eq(settings.disclosure_auto_publish),
            agency_settings::inspection_yearly_cap.eq(settings.inspection_yearly_cap as i32),
            agency_settings::emergency_approval_working_days.eq(settings.emergency_approval_working_days as i32),
            agency_settings::results_notice_working_days.eq(settings.results_notice_working_days as i32),
            agency_settings::joint_inspection_window_days.eq(settings.joint_inspection_window_days as i32),
            agency_settings::alert_per_day.eq(settings.alert_per_day as i32),
            agency_settings::alert_per_week.eq(settings.alert_per_week as i32),
            agency_settings::alert_per_month.eq(settings.alert_per_month as i32),
            agency_settings::updated_at.eq(crate::clock::to_db(crate::clock::now())),
            agency_settings::updated_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

diesel::define_sql_function! {
    #[sql_name = "coalesce"]
    fn coalesce_bool(x: diesel::sql_types::Nullable<diesel::sql_types::Bool>, y: diesel::sql_types::Bool) -> diesel::sql_types::Bool;
}
