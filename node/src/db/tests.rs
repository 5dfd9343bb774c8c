//! Schema checks: the migrated database matches the diesel table definitions column for
//! column, and the audit log refuses edits and shows tampering. On SQLite, or on PostgreSQL
//! (the schema `bmnn_node`) with `BMNN_TEST_POSTGRES`.

use diesel::prelude::*;
use diesel::sql_types::Text;

use super::any::AnyConn;
use super::{audit, now, outbox, testdb, DbPool};

#[derive(QueryableByName)]
struct Col {
    #[diesel(sql_type = Text)]
    name: String,
}

fn columns(conn: &mut AnyConn, table: &str) -> Vec<String> {
    let sql = if conn.is_postgres() {
        format!(
            "SELECT column_name AS name FROM information_schema.columns \
             WHERE table_schema = '{}' AND table_name = '{table}' ORDER BY ordinal_position",
            super::PG_SCHEMA
        )
    } else {
        format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")
    };
    crate::dispatch!(conn, |c| diesel::sql_query(&sql).load::<Col>(c))
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect()
}

/// Runs one statement of the test's own.
fn sql(conn: &mut AnyConn, q: &str) -> QueryResult<usize> {
    crate::dispatch!(conn, |c| diesel::sql_query(q).execute(c))
}

macro_rules! diesel_columns {
    ($t:ident) => {{
        let mut v = Vec::new();
        super::schema::$t::all_columns.names(&mut v);
        v
    }};
}

trait Names {
    fn names(&self, out: &mut Vec<String>);
}

macro_rules! impl_names {
    ($($c:ident),+) => {
        impl<$($c: diesel::Column),+> Names for ($($c,)+) {
            fn names(&self, out: &mut Vec<String>) {
                $(out.push($c::NAME.to_string());)+
            }
        }
    };
}
impl_names!(A, B, C);
impl_names!(A, B, C, D);
impl_names!(A, B, C, D, E);
impl_names!(A, B, C, D, E, F, G);
impl_names!(A, B, C, D, E, F, G, H);
impl_names!(A, B, C, D, E, F, G, H, I);
impl_names!(A, B, C, D, E, F, G, H, I, J);
impl_names!(A, B, C, D, E, F, G, H, I, J, K);
impl_names!(A, B, C, D, E, F, G, H, I, J, K, L);

fn temp_pool() -> ((tempfile::TempDir, testdb::TestDb), DbPool) {
    let dir = tempfile::tempdir().unwrap();
    let (db, pool) = testdb::open(dir.path(), "node").unwrap();
    ((dir, db), pool)
}

#[test]
fn migrated_schema_matches_the_diesel_tables() {
    let (_d, pool) = temp_pool();
    let mut c = pool.get().unwrap();
    assert_eq!(columns(&mut c, "users"), diesel_columns!(users));
    assert_eq!(columns(&mut c, "sessions"), diesel_columns!(sessions));
    assert_eq!(columns(&mut c, "drafts"), diesel_columns!(drafts));
    assert_eq!(columns(&mut c, "submissions"), diesel_columns!(submissions));
    assert_eq!(columns(&mut c, "outbox"), diesel_columns!(outbox));
    assert_eq!(columns(&mut c, "receipts"), diesel_columns!(receipts));
    assert_eq!(columns(&mut c, "audit_log"), diesel_columns!(audit_log));
    assert_eq!(columns(&mut c, "notices"), diesel_columns!(notices));
    assert_eq!(
        columns(&mut c, "notice_cursors"),
        diesel_columns!(notice_cursors)
    );
    assert_eq!(
        columns(&mut c, "submission_forms"),
        diesel_columns!(submission_forms)
    );
    assert_eq!(columns(&mut c, "attachments"), diesel_columns!(attachments));
    assert_eq!(
        columns(&mut c, "draft_attachments"),
        diesel_columns!(draft_attachments)
    );
}

#[test]
fn opening_twice_runs_migrations_once_and_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = testdb::TestDb::new(dir.path(), "twice").unwrap();
    {
        let pool = super::open_url(db.url()).unwrap();
        audit::append(&mut pool.get().unwrap(), "t", "a", "s", "d").unwrap();
    }
    let pool = super::open_url(db.url()).unwrap();
    assert_eq!(
        audit::recent(&mut pool.get().unwrap(), 10).unwrap().len(),
        1
    );
}

#[test]
fn audit_log_refuses_updates_and_deletes() {
    let (_d, pool) = temp_pool();
    let mut c = pool.get().unwrap();
    audit::append(&mut c, "canbo", "save_draft", "r1", "").unwrap();
    let e = sql(&mut c, "UPDATE audit_log SET actor = 'x'").unwrap_err();
    assert!(e.to_string().contains("append-only"), "{e}");
    assert!(sql(&mut c, "DELETE FROM audit_log").is_err());
}

#[test]
fn audit_chain_shows_a_tampered_entry() {
    let (_d, pool) = temp_pool();
    let mut c = pool.get().unwrap();
    for i in 0..3 {
        audit::append(&mut c, "lanhdao", "approve_and_queue", &format!("r{i}"), "").unwrap();
    }
    // Several at once continue the same chain, in order.
    let subjects = ["r3", "r4", "r5"];
    let entries: Vec<audit::Entry<'_>> = subjects
        .iter()
        .map(|s| audit::Entry {
            actor: "t",
            action: "submission_accepted",
            subject: s,
            detail: "",
        })
        .collect();
    audit::append_many(&mut c, &entries).unwrap();
    audit::append(&mut c, "lanhdao", "approve_and_queue", "r6", "").unwrap();
    let recent = audit::recent(&mut c, 10).unwrap();
    let order: Vec<&str> = recent.iter().rev().map(|r| r.subject.as_str()).collect();
    assert_eq!(order, ["r0", "r1", "r2", "r3", "r4", "r5", "r6"]);
    assert_eq!(audit::verify_chain(&mut c).unwrap(), None);
    // Someone with file access drops the trigger and edits history.
    let drop = if c.is_postgres() {
        "DROP TRIGGER audit_log_no_update ON audit_log"
    } else {
        "DROP TRIGGER audit_log_no_update"
    };
    sql(&mut c, drop).unwrap();
    sql(&mut c, "UPDATE audit_log SET actor = 'canbo' WHERE seq = 2").unwrap();
    assert_eq!(audit::verify_chain(&mut c).unwrap(), Some(2));
}

#[test]
fn claimed_rows_are_invisible_until_their_lease_ends() {
    let (_d, pool) = temp_pool();
    let mut c = pool.get().unwrap();
    let t0 = now();
    outbox::enqueue(
        &mut c,
        &outbox::NewOutbox {
            report_id: "r",
            digest: "d",
            link: "l",
            priority: outbox::PRIORITY_NORMAL,
            state: "pending",
            next_attempt_at: t0,
            last_error: None,
            updated_at: t0,
        },
    )
    .unwrap();
    let lease = chrono::Duration::seconds(60);
    assert_eq!(outbox::claim_due(&mut c, t0, lease, 10).unwrap().len(), 1);
    assert_eq!(
        outbox::claim_due(&mut c, t0, lease, 10).unwrap().len(),
        0,
        "claimed twice"
    );
    assert_eq!(
        outbox::claim_due(&mut c, t0 + chrono::Duration::seconds(61), lease, 10)
            .unwrap()
            .len(),
        1
    );
}

/// Several senders (threads here, processes in a deployment) claiming from one outbox at once
/// never get the same row: on SQLite the claim is one `BEGIN IMMEDIATE` transaction, on
/// PostgreSQL rows another sender is claiming are skipped (`FOR UPDATE SKIP LOCKED`).
#[test]
fn concurrent_senders_never_claim_one_row_twice() {
    let (_d, pool) = temp_pool();
    let t0 = now();
    let ids: Vec<String> = (0..300).map(|i| format!("r{i}")).collect();
    {
        let mut c = pool.get().unwrap();
        for id in &ids {
            let row = outbox::NewOutbox {
                report_id: id,
                digest: "d",
                link: "l",
                priority: outbox::PRIORITY_NORMAL,
                state: "pending",
                next_attempt_at: t0,
                last_error: None,
                updated_at: t0,
            };
            outbox::enqueue(&mut c, &row).unwrap();
        }
    }
    let lease = chrono::Duration::seconds(120);
    let senders: Vec<_> = (0..6)
        .map(|_| {
            let pool = pool.clone();
            std::thread::spawn(move || {
                let mut got = Vec::new();
                loop {
                    let mut c = pool.get().unwrap();
                    let rows = outbox::claim_due(&mut c, t0, lease, 7).unwrap();
                    if rows.is_empty() {
                        return got;
                    }
                    got.extend(rows.into_iter().map(|r| r.report_id));
                }
            })
        })
        .collect();
    let mut claimed: Vec<String> = senders
        .into_iter()
        .flat_map(|s| s.join().unwrap())
        .collect();
    claimed.sort();
    let mut want = ids.clone();
    want.sort();
    assert_eq!(claimed, want, "every row claimed exactly once");
}

/// Processes starting together on a new database migrate one after the other (an advisory
/// lock on PostgreSQL, the write lock on SQLite): every one of them opens it.
#[test]
fn processes_opening_a_new_database_at_once_all_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = testdb::TestDb::new(dir.path(), "together").unwrap();
    let opens: Vec<_> = (0..4)
        .map(|_| {
            let url = db.url().clone();
            std::thread::spawn(move || super::open_url(&url).map(drop))
        })
        .collect();
    for o in opens {
        o.join().unwrap().unwrap();
    }
}

/// A server stopping drops its pools on a thread inside its runtime: each PostgreSQL
/// connection's own runtime must then shut down without blocking (tokio panics on a blocking
/// drop there: "Cannot drop a runtime in a context where blocking is not allowed").
#[test]
fn a_pool_dropped_inside_a_runtime_does_not_panic() {
    let (_d, pool) = temp_pool();
    audit::append(&mut pool.get().unwrap(), "t", "a", "s", "d").unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async move { drop(pool) });
}
