//! Diesel table definitions, kept by hand in step with `migrations/sqlite` (a test checks the
//! migrated database against them).

diesel::table! {
    users (id) {
        id -> Integer,
        username -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Text,
        failed_logins -> Integer,
        locked_until -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Integer,
        csrf_token -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    drafts (report_id) {
        report_id -> Text,
        kind -> Text,
        period -> Text,
        classification -> Text,
        form_json -> Text,
        supersedes -> Nullable<Text>,
        created_by -> Integer,
        updated_at -> Timestamp,
        in_reply_to -> Nullable<Text>,
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
    draft_attachments (report_id, position) {
        report_id -> Text,
        position -> Integer,
        name -> Text,
        sha256 -> Text,
    }
}

diesel::table! {
    submissions (report_id, digest) {
        report_id -> Text,
        digest -> Text,
        kind -> Text,
        period -> Text,
        classification -> Text,
        envelope -> Text,
        approved_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    outbox (id) {
        id -> Integer,
        report_id -> Text,
        digest -> Text,
        link -> Text,
        priority -> Integer,
        state -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    receipts (report_id, digest, receiver) {
        report_id -> Text,
        digest -> Text,
        receiver -> Text,
        received_at -> Text,
        outcome -> Text,
        receipt -> Text,
        stored_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> Integer,
        at -> Timestamp,
        actor -> Text,
        action -> Text,
        subject -> Text,
        detail -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::joinable!(sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    attachments,
    draft_attachments,
    users,
    sessions,
    drafts,
    submissions,
    outbox,
    receipts,
    audit_log,
    notices,
    notice_cursors,
    submission_forms
);

diesel::table! {
    notices (seq) {
        seq -> Integer,
        notice_id -> Text,
        digest -> Text,
        issuer -> Text,
        kind -> Text,
        issued_at -> Text,
        report_id -> Nullable<Text>,
        report_digest -> Nullable<Text>,
        verdict -> Nullable<Text>,
        envelope -> Text,
        source -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    notice_cursors (link) {
        link -> Text,
        after -> BigInt,
        pulled_at -> Timestamp,
    }
}

diesel::table! {
    submission_forms (report_id, digest) {
        report_id -> Text,
        digest -> Text,
        form_json -> Text,
    }
}
