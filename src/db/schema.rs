//! One schema for both backends; migrations under `migrations/<backend>/` must match it.

diesel::table! {
    agencies (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        case_prefix -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        agency_id -> Text,
        username -> Text,
        display_name -> Text,
        password_hash -> Text,
        roles -> Text,
        active -> Bool,
        certificate_no -> Nullable<Text>,
        certificate_expires_on -> Nullable<Date>,
        enforcement_field -> Nullable<Text>,
        legal_qualification -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    auth_sessions (id) {
        id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoked_reason -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        issued_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        username -> Text,
        failed_at -> Timestamp,
    }
}

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

diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(auth_sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> auth_sessions (session_id));
diesel::joinable!(power_versions -> powers (power_id));

diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    users,
    auth_sessions,
    refresh_tokens,
    login_failures,
    calendar_days,
    calendar_years,
    powers,
    power_versions,
    subjects,
);
