//! Supervision: disclosures, case-file reviews, random plans, anchored checkpoints and the interference register.

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
