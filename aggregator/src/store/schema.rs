//! Diesel table definitions, kept by hand in step with `migrations/sqlite` (a test checks the
//! migrated database against them).

diesel::table! {
    received (report_id, digest) {
        report_id -> Text,
        digest -> Text,
        unit -> Text,
        kind -> Text,
        period -> Text,
        classification -> Text,
        supersedes -> Nullable<Text>,
        peer -> Text,
        envelope -> Text,
        received_at -> Text,
        receipt -> Text,
    }
}

diesel::table! {
    units (id, valid_from) {
        id -> Text,
        name -> Text,
        kind -> Text,
        tier -> Text,
        parent -> Text,
        officer_email -> Nullable<Text>,
        head_email -> Nullable<Text>,
        lat -> Nullable<Double>,
        lon -> Nullable<Double>,
        valid_from -> Date,
        valid_to -> Nullable<Date>,
    }
}

diesel::table! {
    successions (predecessor, successor, effective) {
        predecessor -> Text,
        successor -> Text,
        effective -> Date,
        relation -> Text,
        note -> Text,
    }
}

diesel::table! {
    registry_version (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::table! {
    reminders_sent (unit, kind, period, stage) {
        unit -> Text,
        kind -> Text,
        period -> Text,
        stage -> Text,
        recipient -> Text,
        sent_at -> Timestamp,
        mail_id -> Nullable<Text>,
    }
}

diesel::table! {
    mail_queue (id) {
        id -> Text,
        audience -> Text,
        unit -> Nullable<Text>,
        day -> Date,
        sender -> Text,
        recipients -> Text,
        subject -> Text,
        message -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt -> Timestamp,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    inspections (id) {
        id -> Text,
        unit -> Text,
        decision_ref -> Text,
        started_on -> Date,
        ended_on -> Date,
        team -> Nullable<Text>,
        conclusion -> Text,
        classification -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
        sent_digest -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    inspection_findings (inspection_id, seq) {
        inspection_id -> Text,
        seq -> Integer,
        kind -> Text,
        severity -> Text,
        description -> Text,
        occurrences -> Integer,
        remediation_deadline -> Nullable<Date>,
        remediated_on -> Nullable<Date>,
    }
}

diesel::table! {
    key_units (unit) {
        unit -> Text,
        note -> Text,
        recorded_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    inspection_plans (id) {
        id -> Text,
        scope -> Text,
        campaign -> Text,
        plan_date -> Date,
        period_start -> Date,
        period_end -> Date,
        seed -> Text,
        method -> Text,
        covered_risk -> Double,
        upper_bound -> Double,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    inspection_visits (plan_id, unit) {
        plan_id -> Text,
        unit -> Text,
        unit_name -> Text,
        team -> Text,
        team_name -> Text,
        visit_date -> Date,
        start_minute -> Integer,
        minutes -> Integer,
        risk -> Double,
        selection -> Text,
    }
}

diesel::table! {
    inspection_notices (plan_id, unit) {
        plan_id -> Text,
        unit -> Text,
        due_on -> Date,
        visit_date -> Date,
        recipient -> Nullable<Text>,
        subject -> Text,
        body -> Text,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    notices (seq) {
        seq -> BigInt,
        notice_id -> Text,
        issuer -> Text,
        kind -> Text,
        target -> Nullable<Text>,
        addressee -> Text,
        issued_at -> Text,
        envelope -> Text,
        stored_at -> Timestamp,
    }
}

diesel::table! {
    notice_targets (ancestor, seq) {
        ancestor -> Text,
        seq -> BigInt,
    }
}

diesel::table! {
    reviews (id) {
        id -> BigInt,
        report_id -> Text,
        digest -> Text,
        unit -> Text,
        verdict -> Text,
        reason -> Nullable<Text>,
        pointers -> Text,
        reviewer -> Text,
        decided_at -> Timestamp,
        notice_id -> Text,
    }
}

diesel::table! {
    requests (notice_id) {
        notice_id -> Text,
        issuer -> Text,
        title -> Text,
        answer_kind -> Text,
        period -> Text,
        due -> Text,
        addressee -> Text,
        payload -> Text,
        issued_at -> Text,
        stored_at -> Timestamp,
    }
}

diesel::table! {
    request_answers (request_id, report_id, digest) {
        request_id -> Text,
        report_id -> Text,
        digest -> Text,
        unit -> Text,
        received_at -> Text,
    }
}

diesel::table! {
    attachments (sha256) {
        sha256 -> Text,
        media_type -> Text,
        size -> BigInt,
        data -> Binary,
        stored_at -> Timestamp,
    }
}

diesel::table! {
    consolidated_drafts (period) {
        period -> Text,
        sections -> Text,
        annex -> Bool,
        state -> Text,
        edited_by -> Text,
        edited_at -> Timestamp,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Timestamp>,
        report_id -> Nullable<Text>,
        digest -> Nullable<Text>,
    }
}

diesel::table! {
    enrolment_codes (id) {
        id -> Text,
        code_hash -> Text,
        unit_id -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        serial -> Nullable<Text>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    certificates (serial) {
        serial -> Text,
        unit_id -> Text,
        via -> Text,
        not_before -> Timestamp,
        not_after -> Timestamp,
        issued_at -> Timestamp,
        replaces -> Nullable<Text>,
    }
}

diesel::table! {
    report_figures (report_id, digest, item, code) {
        report_id -> Text,
        digest -> Text,
        unit -> Text,
        kind -> Text,
        period -> Text,
        year -> Integer,
        item -> Text,
        code -> Text,
        value -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(received, report_figures);

diesel::table! {
    job_runs (job, slot) {
        job -> Text,
        slot -> Text,
        owner -> Text,
        lease_until -> Timestamp,
        done_at -> Nullable<Timestamp>,
    }
}
