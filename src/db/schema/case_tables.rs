//! Cases and what hangs on them: officers, powers, findings, the record, evidence, reviews, documents, inspections, transfers.

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

diesel::table! {
    /// The discretion benchmark an on-the-spot decision applied (`AppliedBenchmark` as JSON).
    case_on_the_spot_benchmarks (case_id) {
        case_id -> Text,
        benchmark -> Text,
    }
}
