//! The agency's registers: calendar, powers, subjects, settings, inspection items, discretion benchmarks and lists.

diesel::table! {
    calendar_days (day) {
        day -> Date,
        kind -> Text,
        name -> Text,
    }
}

diesel::table! {
    calendar_years (year) {
        year -> Integer,
        source -> Text,
        updated_at -> Timestamp,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    powers (id) {
        id -> Text,
        agency_id -> Text,
        code -> Text,
        current_version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    power_versions (id) {
        id -> Text,
        power_id -> Text,
        agency_id -> Text,
        version -> Integer,
        code -> Text,
        name -> Text,
        category -> Text,
        legal_basis -> Text,
        source_department -> Text,
        fine_min_fen -> Nullable<BigInt>,
        fine_max_fen -> Nullable<BigInt>,
        requires_av_record -> Bool,
        effective_from -> Date,
        effective_to -> Nullable<Date>,
        change_note -> Nullable<Text>,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
    }
}

diesel::table! {
    subjects (id) {
        id -> Text,
        agency_id -> Text,
        kind -> Text,
        name -> Text,
        uscc -> Nullable<Text>,
        id_card_no -> Nullable<Text>,
        legal_representative -> Nullable<Text>,
        address -> Nullable<Text>,
        industry -> Nullable<Text>,
        risk_level -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    agency_settings (agency_id) {
        agency_id -> Text,
        defense_period_working_days -> Integer,
        hearing_threshold_individual_fen -> BigInt,
        hearing_threshold_organisation_fen -> BigInt,
        updated_at -> Timestamp,
        updated_by -> Nullable<Text>,
        filing_approval -> Bool,
        extension_rule -> Nullable<Text>,
        extension_max_days -> Integer,
        acknowledgement_working_days -> Integer,
        legal_review_scope -> Text,
        disclosure_penalty_working_days -> Integer,
        disclosure_other_working_days -> Integer,
        disclosure_auto_publish -> Bool,
        inspection_yearly_cap -> Integer,
        emergency_approval_working_days -> Integer,
        results_notice_working_days -> Integer,
        joint_inspection_window_days -> Integer,
        alert_per_day -> Integer,
        alert_per_week -> Integer,
        alert_per_month -> Integer,
    }
}

diesel::table! {
    inspection_items (id) {
        id -> Text,
        agency_id -> Text,
        code -> Text,
        name -> Text,
        power_id -> Text,
        standard -> Text,
        method -> Text,
        yearly_cap -> Nullable<Integer>,
        complaint_exempt -> Bool,
        published_on -> Date,
        withdrawn_on -> Nullable<Date>,
        withdraw_reason -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        random -> Bool,
    }
}

diesel::table! {
    discretion_benchmarks (id) {
        id -> Text,
        agency_id -> Text,
        power_id -> Text,
        circumstance -> Text,
        grade -> Text,
        version -> Integer,
        conditions -> Text,
        penalty_types -> Text,
        fine_min_fen -> Nullable<BigInt>,
        fine_max_fen -> Nullable<BigInt>,
        fine_basis -> Nullable<Text>,
        multiple_min_milli -> Nullable<Integer>,
        multiple_max_milli -> Nullable<Integer>,
        effective_from -> Date,
        effective_to -> Nullable<Date>,
        change_note -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    discretion_list_entries (id) {
        id -> Text,
        agency_id -> Text,
        power_id -> Text,
        list -> Text,
        circumstance -> Text,
        version -> Integer,
        conditions -> Text,
        legal_basis -> Text,
        first_violation -> Bool,
        effective_from -> Date,
        effective_to -> Nullable<Date>,
        change_note -> Nullable<Text>,
        created_by -> Text,
        created_at -> Timestamp,
    }
}
