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
    reminders_sent (unit, kind, period, stage) {
        unit -> Text,
        kind -> Text,
        period -> Text,
        stage -> Text,
        recipient -> Text,
        sent_at -> Timestamp,
    }
}
