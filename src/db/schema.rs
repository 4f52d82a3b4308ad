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
    /// Staff console sessions: the SHA-256 of the cookie's token, never the token.
    console_sessions (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
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
    case_revocations (case_id) {
        case_id -> Text,
        kind -> Text,
        authority -> Text,
        revoked_on -> Date,
        document_no -> Nullable<Text>,
        reason -> Text,
    }
}

diesel::table! {
    disclosures (id) {
        id -> Text,
        agency_id -> Text,
        case_id -> Text,
        kind -> Text,
        status -> Text,
        exempt_reason -> Nullable<Text>,
        document_id -> Nullable<Text>,
        source_on -> Date,
        due_on -> Date,
        created_at -> Timestamp,
        published_on -> Nullable<Date>,
        published_at -> Nullable<Timestamp>,
        published_by -> Nullable<Text>,
        content -> Nullable<Text>,
        content_hash -> Nullable<Text>,
        title -> Nullable<Text>,
        correction_due_on -> Nullable<Date>,
        correction_reason -> Nullable<Text>,
        updated_on -> Nullable<Date>,
        update_reason -> Nullable<Text>,
        withdrawn_on -> Nullable<Date>,
        withdrawn_at -> Nullable<Timestamp>,
        withdrawn_by -> Nullable<Text>,
        withdraw_reason -> Nullable<Text>,
    }
}

diesel::table! {
    evidence (id) {
        id -> Text,
        agency_id -> Text,
        case_id -> Text,
        kind -> Text,
        filename -> Text,
        original_filename -> Text,
        content_type -> Text,
        sha256 -> Text,
        size_bytes -> BigInt,
        captured_at -> Nullable<Timestamp>,
        captured_by -> Text,
        device -> Nullable<Text>,
        description -> Nullable<Text>,
        uploaded_by -> Text,
        uploaded_at -> Timestamp,
        record_seq -> Integer,
        correction_reason -> Nullable<Text>,
    }
}

diesel::table! {
    legal_reviews (id) {
        id -> Text,
        agency_id -> Text,
        case_id -> Text,
        seq -> Integer,
        status -> Text,
        proposal -> Text,
        package -> Text,
        submitted_at -> Timestamp,
        submitted_on -> Date,
        submitted_by -> Text,
        record_length -> Integer,
        record_head_hash -> Text,
        outcome -> Nullable<Text>,
        checklist -> Nullable<Text>,
        opinion -> Nullable<Text>,
        opinion_hash -> Nullable<Text>,
        reviewer_id -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        reviewed_on -> Nullable<Date>,
    }
}

diesel::table! {
    documents (id) {
        id -> Text,
        agency_id -> Text,
        case_id -> Text,
        kind -> Text,
        number -> Text,
        content -> Text,
        content_hash -> Text,
        issued_at -> Timestamp,
        superseded_by -> Nullable<Text>,
    }
}

diesel::table! {
    number_counters (agency_id, counter, year) {
        agency_id -> Text,
        counter -> Text,
        year -> Integer,
        last_seq -> Integer,
    }
}

diesel::table! {
    cases (id) {
        id -> Text,
        agency_id -> Text,
        kind -> Text,
        procedure -> Nullable<Text>,
        case_number -> Text,
        number_year -> Integer,
        number_seq -> Integer,
        status -> Text,
        subject_id -> Text,
        summary -> Text,
        source -> Text,
        parent_case_id -> Nullable<Text>,
        opened_on -> Date,
        violation_on -> Nullable<Date>,
        serious_harm -> Bool,
        location -> Nullable<Text>,
        inspection_result -> Nullable<Text>,
        rectification_deadline -> Nullable<Date>,
        notified_on -> Nullable<Date>,
        defense_due_on -> Nullable<Date>,
        defense_state -> Nullable<Text>,
        hearing_rights -> Bool,
        hearing_request_due_on -> Nullable<Date>,
        hearing_state -> Nullable<Text>,
        hearing_on -> Nullable<Date>,
        collective_discussion_on -> Nullable<Date>,
        decision_due_on -> Nullable<Date>,
        outcome -> Nullable<Text>,
        fine_amount_fen -> Nullable<BigInt>,
        decided_on -> Nullable<Date>,
        decision_number -> Nullable<Text>,
        service_due_on -> Nullable<Date>,
        served_on -> Nullable<Date>,
        service_method -> Nullable<Text>,
        payment_due_on -> Nullable<Date>,
        paid_fen -> BigInt,
        executed_on -> Nullable<Date>,
        closed_on -> Nullable<Date>,
        archived_on -> Nullable<Date>,
        transferred_to -> Nullable<Text>,
        transfer_reason -> Nullable<Text>,
        terminated_reason -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        created_by -> Text,
        updated_at -> Timestamp,
        notice_penalties -> Text,
        penalties -> Text,
        proposal -> Nullable<Text>,
        violation_ended_on -> Nullable<Date>,
        discovered_on -> Nullable<Date>,
        education_recorded_on -> Nullable<Date>,
        filing_acknowledgement_due_on -> Nullable<Date>,
        filing_acknowledged_on -> Nullable<Date>,
        electronic_service_consent_on -> Nullable<Date>,
        handover_due_on -> Nullable<Date>,
        handed_over_on -> Nullable<Date>,
        remedy_pending_since -> Nullable<Date>,
        late_penalty_paused_days -> BigInt,
        court_enforcement_applied_on -> Nullable<Date>,
        recusal_requested_for -> Nullable<Text>,
        legal_review_id -> Nullable<Text>,
        legal_review_outcome -> Nullable<Text>,
        criminal_transfer_flagged -> Bool,
    }
}

diesel::table! {
    case_officers (case_id, user_id) {
        case_id -> Text,
        user_id -> Text,
        position -> Integer,
        recused -> Bool,
    }
}

diesel::table! {
    case_powers (case_id, power_id) {
        case_id -> Text,
        power_id -> Text,
        power_version_id -> Text,
    }
}

diesel::table! {
    case_findings (case_id, position) {
        case_id -> Text,
        position -> Integer,
        description -> Text,
        hazard_level -> Text,
        rectified -> Bool,
        rectified_on -> Nullable<Date>,
        escalated -> Bool,
    }
}

diesel::table! {
    case_events (case_id, seq) {
        case_id -> Text,
        seq -> Integer,
        at -> Timestamp,
        actor_id -> Text,
        action -> Text,
        payload -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    idempotency_keys (user_id, key) {
        user_id -> Text,
        key -> Text,
        request_hash -> Text,
        status -> Integer,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    review_templates (id) {
        id -> Text,
        agency_id -> Text,
        code -> Text,
        version -> Integer,
        name -> Text,
        content -> Text,
        created_at -> Timestamp,
        created_by -> Nullable<Text>,
    }
}

diesel::table! {
    review_campaigns (id) {
        id -> Text,
        agency_id -> Text,
        name -> Text,
        period -> Text,
        period_from -> Date,
        period_to -> Date,
        scope -> Text,
        sample -> Text,
        seed -> Text,
        template_id -> Text,
        eligible -> Text,
        eligible_count -> Integer,
        eligible_digest -> Text,
        sample_count -> Integer,
        created_at -> Timestamp,
        created_by -> Text,
    }
}

diesel::table! {
    case_file_reviews (id) {
        id -> Text,
        agency_id -> Text,
        campaign_id -> Text,
        case_id -> Text,
        position -> Integer,
        reviewer_id -> Text,
        status -> Text,
        findings -> Text,
        sheet -> Nullable<Text>,
        sheet_hash -> Nullable<Text>,
        max_tenths -> Nullable<BigInt>,
        total_tenths -> Nullable<BigInt>,
        grade -> Nullable<Text>,
        vetoed -> Nullable<Bool>,
        mark -> Nullable<Text>,
        scored_at -> Nullable<Timestamp>,
        scored_on -> Nullable<Date>,
        record_seq -> Nullable<Integer>,
    }
}

diesel::table! {
    rectifications (id) {
        id -> Text,
        agency_id -> Text,
        review_id -> Text,
        case_id -> Text,
        item_key -> Text,
        description -> Text,
        officer_id -> Text,
        due_on -> Date,
        status -> Text,
        created_at -> Timestamp,
        created_by -> Text,
        answer -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        answered_on -> Nullable<Date>,
        reviewed_by -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        review_comment -> Nullable<Text>,
        closed_on -> Nullable<Date>,
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
    case_inspection_items (case_id, item_id) {
        case_id -> Text,
        item_id -> Text,
        position -> Integer,
    }
}

diesel::table! {
    inspection_plans (case_id) {
        case_id -> Text,
        method -> Text,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        approved_on -> Nullable<Date>,
        planned_from -> Nullable<Date>,
        planned_to -> Nullable<Date>,
        emergency_reason -> Nullable<Text>,
        emergency_started_on -> Nullable<Date>,
        approval_due_on -> Nullable<Date>,
        cap_exemption -> Nullable<Text>,
        cap_exemption_reason -> Nullable<Text>,
        code -> Nullable<Text>,
        code_presented -> Bool,
        results_due_on -> Nullable<Date>,
        results_notified_on -> Nullable<Date>,
        results_notice_method -> Nullable<Text>,
    }
}

diesel::table! {
    inspection_feedback (case_id) {
        case_id -> Text,
        agency_id -> Text,
        rating -> Integer,
        comment -> Nullable<Text>,
        complaint -> Bool,
        status -> Text,
        created_at -> Timestamp,
        handled_by -> Nullable<Text>,
        handled_at -> Nullable<Timestamp>,
        handling_note -> Nullable<Text>,
    }
}

diesel::table! {
    inspection_cap_refusals (id) {
        id -> Text,
        agency_id -> Text,
        case_id -> Text,
        subject_id -> Text,
        refused_by -> Text,
        refused_on -> Date,
        created_at -> Timestamp,
    }
}

diesel::table! {
    recusals (id) {
        id -> Text,
        agency_id -> Text,
        officer_id -> Text,
        subject_id -> Text,
        reason -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    random_plans (id) {
        id -> Text,
        agency_id -> Text,
        name -> Text,
        item_ids -> Text,
        subject_filter -> Text,
        subject_count -> Nullable<Integer>,
        subject_ratio_permille -> Nullable<Integer>,
        inspectors_per_subject -> Integer,
        period_from -> Date,
        period_to -> Date,
        seed_commitment -> Text,
        seed -> Text,
        subject_pool_size -> Integer,
        subject_pool_sha256 -> Text,
        inspector_pool_size -> Integer,
        inspector_pool_sha256 -> Text,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    random_draws (id) {
        id -> Text,
        plan_id -> Text,
        seq -> Integer,
        seed -> Text,
        reason -> Nullable<Text>,
        drawn_by -> Text,
        witness -> Text,
        drawn_on -> Date,
        drawn_at -> Timestamp,
        subject_pool -> Text,
        excluded_at_cap -> Text,
        inspector_pool -> Text,
        recusals -> Text,
        result -> Text,
    }
}

diesel::table! {
    random_plan_cases (draw_id, case_id) {
        draw_id -> Text,
        plan_id -> Text,
        case_id -> Text,
        subject_id -> Text,
        published_on -> Nullable<Date>,
    }
}

diesel::table! {
    record_checkpoints (id) {
        id -> Text,
        agency_id -> Text,
        seq -> BigInt,
        created_at -> Timestamp,
        tree_size -> BigInt,
        root_hash -> Text,
        previous_hash -> Text,
        statement -> Text,
        signature -> Text,
        public_key -> Text,
        origin -> Text,
        requested_by -> Nullable<Text>,
        changed -> BigInt,
    }
}

diesel::table! {
    checkpoint_heads (checkpoint_id, case_id) {
        checkpoint_id -> Text,
        case_id -> Text,
        length -> BigInt,
        head_hash -> Text,
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

diesel::table! {
    interference_reports (id) {
        id -> Text,
        agency_id -> Text,
        reporter_id -> Text,
        person_name -> Text,
        position -> Text,
        internal -> Bool,
        occurred_at -> Timestamp,
        method -> Text,
        request -> Text,
        case_id -> Nullable<Text>,
        evidence_id -> Nullable<Text>,
        corrects_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    interference_reads (id) {
        id -> Text,
        agency_id -> Text,
        report_id -> Text,
        reader_id -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    interference_referrals (id) {
        id -> Text,
        agency_id -> Text,
        report_id -> Text,
        referred_to -> Text,
        note -> Nullable<Text>,
        referred_by -> Text,
        referred_at -> Timestamp,
    }
}

diesel::table! {
    interference_referral_outcomes (id) {
        id -> Text,
        agency_id -> Text,
        referral_id -> Text,
        outcome -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    transfers (id) {
        id -> Text,
        agency_id -> Text,
        case_id -> Text,
        kind -> Text,
        to_department -> Text,
        reason -> Text,
        letter_number -> Text,
        number_year -> Integer,
        number_seq -> Integer,
        transferred_on -> Date,
        transferred_by -> Text,
        created_at -> Timestamp,
        received_on -> Nullable<Date>,
        receiver_name -> Nullable<Text>,
        receipt_recorded_by -> Nullable<Text>,
        receipt_recorded_at -> Nullable<Timestamp>,
        feedback -> Nullable<Text>,
        feedback_on -> Nullable<Date>,
        feedback_recorded_by -> Nullable<Text>,
        feedback_recorded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    incoming_transfers (id) {
        id -> Text,
        agency_id -> Text,
        case_id -> Text,
        from_department -> Text,
        letter_number -> Text,
        received_on -> Date,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

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
    case_events,
    idempotency_keys,
);
