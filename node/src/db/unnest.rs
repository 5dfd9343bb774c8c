//! Multi-row inserts on PostgreSQL as ONE cached prepared statement:
//! `INSERT INTO t (a, b, …) SELECT * FROM unnest($1, $2, …)`, one array per column.
//!
//! Diesel's multi-row `insert_into(t).values(&vec)` writes one `VALUES` tuple per row, so its
//! SQL changes with the number of rows and diesel marks it unsafe to cache: every batch is
//! parsed anew, a round trip of its own before the one that runs it. The ingest's group commit
//! inserts received versions, their figures and audit entries in every batch, so on
//! PostgreSQL that was three extra round trips per batch, all inside the write lock. These
//! statements have a static query id and fixed text, so the driver prepares each once per
//! connection. SQLite keeps diesel's own inserts (no round trips there).

/// Defines `$name<'a>`, the rows of `$table` as one array per column, and its insert.
///
/// ```ignore
/// node::unnest_insert!(AuditUnnest<'a>, "audit_log", {
///     at: diesel::sql_types::Timestamp => chrono::NaiveDateTime,
///     actor: diesel::sql_types::Text => &'a str,
/// });
/// ```
#[macro_export]
macro_rules! unnest_insert {
    ($name:ident<$lt:lifetime>, $table:literal, { $($col:ident : $st:ty => $rt:ty),+ $(,)? }) => {
        /// Rows to insert with one cached statement (see `node::db::unnest`).
        #[derive(Debug, Default)]
        pub struct $name<$lt> {
            $(pub $col: Vec<$rt>,)+
            _rows: std::marker::PhantomData<&$lt ()>,
        }

        impl<$lt> $name<$lt> {
            /// How many rows it holds.
            pub fn len(&self) -> usize {
                [$(self.$col.len()),+].into_iter().max().unwrap_or(0)
            }

            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }
        }

        impl<$lt> diesel::query_builder::QueryId for $name<$lt> {
            type QueryId = $name<'static>;
            const HAS_STATIC_QUERY_ID: bool = true;
        }

        impl<$lt> diesel::query_builder::QueryFragment<diesel::pg::Pg> for $name<$lt> {
            fn walk_ast<'b>(
                &'b self,
                mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
            ) -> diesel::QueryResult<()> {
                out.push_sql(concat!(
                    "INSERT INTO ", $table, " (",
                    $crate::unnest_insert!(@names $($col),+),
                    ") SELECT * FROM unnest("
                ));
                let mut first = true;
                $(
                    if !std::mem::take(&mut first) {
                        out.push_sql(", ");
                    }
                    out.push_bind_param::<diesel::sql_types::Array<$st>, Vec<$rt>>(&self.$col)?;
                )+
                let _ = first;
                out.push_sql(")");
                Ok(())
            }
        }

        impl<$lt, Conn> diesel::RunQueryDsl<Conn> for $name<$lt> {}
    };
    (@names $first:ident $(, $rest:ident)*) => {
        concat!(stringify!($first) $(, ", ", stringify!($rest))*)
    };
}

/// Two inserts as one statement, one round trip: `WITH first AS (<A>) <B>` (a data-modifying
/// `WITH` runs exactly once even when nothing reads it). Counts the rows `B` inserted.
#[derive(Debug)]
pub struct Both<A, B>(pub A, pub B);

impl<A, B> diesel::query_builder::QueryId for Both<A, B>
where
    A: diesel::query_builder::QueryId,
    B: diesel::query_builder::QueryId,
{
    type QueryId = Both<A::QueryId, B::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = A::HAS_STATIC_QUERY_ID && B::HAS_STATIC_QUERY_ID;
}

impl<A, B> diesel::query_builder::QueryFragment<diesel::pg::Pg> for Both<A, B>
where
    A: diesel::query_builder::QueryFragment<diesel::pg::Pg>,
    B: diesel::query_builder::QueryFragment<diesel::pg::Pg>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> diesel::QueryResult<()> {
        out.push_sql("WITH first AS (");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(") ");
        self.1.walk_ast(out.reborrow())
    }
}

impl<A, B, Conn> diesel::RunQueryDsl<Conn> for Both<A, B> {}

macro_rules! fixed_statement {
    ($name:ident, $sql:literal) => {
        #[doc = concat!("`", $sql, "` as a cached prepared statement (sent in a pipeline in order, unlike an unprepared one, which waits for its own parse).")]
        #[derive(Debug, Clone, Copy)]
        pub struct $name;

        impl diesel::query_builder::QueryId for $name {
            type QueryId = $name;
            const HAS_STATIC_QUERY_ID: bool = true;
        }

        impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for $name {
            fn walk_ast<'b>(
                &'b self,
                mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
            ) -> diesel::QueryResult<()> {
                out.push_sql($sql);
                Ok(())
            }
        }

        impl<Conn> diesel::RunQueryDsl<Conn> for $name {}
    };
}

fixed_statement!(Begin, "BEGIN");
fixed_statement!(Commit, "COMMIT");
