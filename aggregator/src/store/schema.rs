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
