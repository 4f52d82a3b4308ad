//! One schema for both backends; migrations under `migrations/<backend>/` must match it.
//! The tables are grouped by area in the modules below; the joins and the list of tables
//! that may meet in one query stay here, where every table is in scope.

mod access_tables;
mod case_tables;
mod register_tables;
mod supervision_tables;

pub use access_tables::*;
pub use case_tables::*;
pub use register_tables::*;
pub use supervision_tables::*;

diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(auth_sessions -> users (user_id));
diesel::joinable!(console_sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> auth_sessions (session_id));
diesel::joinable!(power_versions -> powers (power_id));
diesel::joinable!(case_officers -> cases (case_id));
diesel::joinable!(case_officers -> users (user_id));
diesel::joinable!(case_powers -> cases (case_id));
diesel::joinable!(case_powers -> power_versions (power_version_id));
diesel::joinable!(case_findings -> cases (case_id));
diesel::joinable!(case_on_the_spot_benchmarks -> cases (case_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(cases -> subjects (subject_id));
diesel::joinable!(legal_reviews -> cases (case_id));
diesel::joinable!(documents -> cases (case_id));
diesel::joinable!(evidence -> cases (case_id));
diesel::joinable!(disclosures -> cases (case_id));
diesel::joinable!(disclosures -> agencies (agency_id));
diesel::joinable!(case_revocations -> cases (case_id));
diesel::joinable!(review_campaigns -> review_templates (template_id));
diesel::joinable!(case_file_reviews -> review_campaigns (campaign_id));
diesel::joinable!(case_file_reviews -> cases (case_id));
diesel::joinable!(rectifications -> case_file_reviews (review_id));
diesel::joinable!(rectifications -> cases (case_id));

diesel::joinable!(checkpoint_heads -> record_checkpoints (checkpoint_id));
diesel::joinable!(inspection_items -> powers (power_id));
diesel::joinable!(case_inspection_items -> inspection_items (item_id));
diesel::joinable!(case_inspection_items -> cases (case_id));
diesel::joinable!(inspection_plans -> cases (case_id));
diesel::joinable!(inspection_feedback -> cases (case_id));
diesel::joinable!(record_checkpoints -> agencies (agency_id));
diesel::joinable!(discretion_benchmarks -> powers (power_id));
diesel::joinable!(discretion_list_entries -> powers (power_id));
diesel::joinable!(interference_reads -> interference_reports (report_id));
diesel::joinable!(interference_referrals -> interference_reports (report_id));
diesel::joinable!(interference_referral_outcomes -> interference_referrals (referral_id));
diesel::joinable!(transfers -> cases (case_id));
diesel::joinable!(incoming_transfers -> cases (case_id));

diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    interference_reports,
    interference_reads,
    interference_referrals,
    interference_referral_outcomes,
    transfers,
    incoming_transfers,
    console_sessions,
    discretion_benchmarks,
    discretion_list_entries,
    record_checkpoints,
    checkpoint_heads,
    inspection_items,
    case_inspection_items,
    inspection_plans,
    inspection_feedback,
    inspection_cap_refusals,
    recusals,
    random_plans,
    random_draws,
    random_plan_cases,
    review_templates,
    review_campaigns,
    case_file_reviews,
    rectifications,
    documents,
    disclosures,
    evidence,
    case_revocations,
    legal_reviews,
    users,
    auth_sessions,
    refresh_tokens,
    login_failures,
    calendar_days,
    calendar_years,
    powers,
    power_versions,
    subjects,
    agency_settings,
    number_counters,
    cases,
    case_officers,
    case_powers,
    case_findings,
    case_on_the_spot_benchmarks,
    case_events,
    idempotency_keys,
);
