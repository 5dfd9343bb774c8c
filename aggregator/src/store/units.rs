//! The unit registry's tables: `units` (one row per period of validity of a unit) and
//! `successions` (which unit's history continues in which). Rows are never deleted and never
//! rewritten (SQLite triggers refuse it): an open row may only be closed once (`valid_to`) and
//! have its contacts corrected. The rules of restructuring live in `crate::registry`; this is
//! the plain model code it uses.

use crate::store::AnyConn;
use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::{registry_version, successions, units};

/// SQLite allows 32,766 bound variables per statement; 11 columns × 1,000 rows stays under.
const CHUNK: usize = 1_000;

/// One period of validity of one unit.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = units)]
pub struct UnitRow {
    /// The `UnitId`, as text.
    pub id: String,
    /// Official name, NFC.
    pub name: String,
    /// Vietnamese kind: "Tỉnh", "Thành phố", "Phường", "Xã", "Đặc khu", "Huyện", "Sở"…
    pub kind: String,
    /// `schema::Tier` in snake_case (`province`, `district`, `commune`, `agency`…).
    pub tier: String,
    /// The unit above during this row's validity (`VN` for provinces).
    pub parent: String,
    pub officer_email: Option<String>,
    pub head_email: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// First day this row holds.
    pub valid_from: NaiveDate,
    /// Last day this row holds (inclusive); `None` while it still holds.
    pub valid_to: Option<NaiveDate>,
}

impl UnitRow {
    /// A unit valid since 1 January 2010 with no end, no contacts and no position (what the
    /// demo and the generators register).
    pub fn since_2010(id: &str, name: &str, (kind, tier): (&str, &str), parent: &str) -> UnitRow {
        UnitRow {
            id: id.to_string(),
            name: name.to_string(),
            kind: kind.into(),
            tier: tier.into(),
            parent: parent.into(),
            officer_email: None,
            head_email: None,
            lat: None,
            lon: None,
            valid_from: NaiveDate::from_ymd_opt(2010, 1, 1).unwrap_or_default(),
            valid_to: None,
        }
    }
}

impl UnitRow {
    /// True when this row holds on `day`.
    pub fn holds_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|end| day <= end)
    }
}

/// One succession: `predecessor`'s history continues in `successor` from `effective`.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = successions)]
pub struct SuccessionRow {
    pub predecessor: String,
    pub successor: String,
    /// The successor's first day.
    pub effective: NaiveDate,
    /// `merge`, `split`, `rename`, `move` or `reform-2025`.
    pub relation: String,
    pub note: String,
}

/// Inserts a new row; fails on an existing (id, valid_from).
pub fn insert(conn: &mut AnyConn, row: &UnitRow) -> QueryResult<()> {
    node::dispatch!(conn, |conn| {
        diesel::insert_into(units::table)
            .values(row)
            .execute(conn)?;
        Ok(())
    })
}

/// Inserts the rows whose (id, valid_from) is not stored yet; returns how many were new.
pub fn insert_missing(conn: &mut AnyConn, rows: &[UnitRow]) -> QueryResult<usize> {
    let mut added = 0;
    for chunk in rows.chunks(CHUNK) {
        // SQLite's batch insert has no ON CONFLICT clause in diesel; INSERT OR IGNORE is its
        // equivalent here (the only constraint that can fail is the primary key).
        added += match &mut *conn {
            AnyConn::Sqlite(c) => diesel::insert_or_ignore_into(units::table)
                .values(chunk)
                .execute(c)?,
            AnyConn::Pg(c) => diesel::insert_into(units::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    Ok(added)
}

/// Records a succession; fails on an existing (predecessor, successor, effective).
pub fn insert_succession(conn: &mut AnyConn, row: &SuccessionRow) -> QueryResult<()> {
    node::dispatch!(conn, |conn| {
        diesel::insert_into(successions::table)
            .values(row)
            .execute(conn)?;
        Ok(())
    })
}

/// Records the successions not stored yet; returns how many were new.
pub fn insert_missing_successions(
    conn: &mut AnyConn,
    rows: &[SuccessionRow],
) -> QueryResult<usize> {
    let mut added = 0;
    for chunk in rows.chunks(CHUNK) {
        // SQLite's batch insert has no ON CONFLICT clause in diesel; INSERT OR IGNORE is its
        // equivalent here (the only constraint that can fail is the primary key).
        added += match &mut *conn {
            AnyConn::Sqlite(c) => diesel::insert_or_ignore_into(successions::table)
                .values(chunk)
                .execute(c)?,
            AnyConn::Pg(c) => diesel::insert_into(successions::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    Ok(added)
}

/// Every row of one unit, oldest first; empty when the id was never registered.
pub fn history(conn: &mut AnyConn, id: &str) -> QueryResult<Vec<UnitRow>> {
    node::dispatch!(conn, |conn| {
        units::table
            .filter(units::id.eq(id))
            .order(units::valid_from)
            .select(UnitRow::as_select())
            .load(conn)
    })
}

/// The row of `id` that holds on `day`.
pub fn on(conn: &mut AnyConn, id: &str, day: NaiveDate) -> QueryResult<Option<UnitRow>> {
    node::dispatch!(conn, |conn| {
        units::table
            .filter(units::id.eq(id))
            .filter(units::valid_from.le(day))
            .filter(units::valid_to.is_null().or(units::valid_to.ge(day)))
            .select(UnitRow::as_select())
            .first(conn)
            .optional()
    })
}

/// The rows whose parent is `parent` on `day`, in id order.
pub fn children_on(conn: &mut AnyConn, parent: &str, day: NaiveDate) -> QueryResult<Vec<UnitRow>> {
    node::dispatch!(conn, |conn| {
        units::table
            .filter(units::parent.eq(parent))
            .filter(units::valid_from.le(day))
            .filter(units::valid_to.is_null().or(units::valid_to.ge(day)))
            .order(units::id)
            .select(UnitRow::as_select())
            .load(conn)
    })
}

/// Ends the open row (id, valid_from) on `last_day`; returns 0 when it was not open.
pub fn close(
    conn: &mut AnyConn,
    id: &str,
    valid_from: NaiveDate,
    last_day: NaiveDate,
) -> QueryResult<usize> {
    node::dispatch!(conn, |conn| {
        diesel::update(
            units::table
                .find((id, valid_from))
                .filter(units::valid_to.is_null()),
        )
        .set(units::valid_to.eq(last_day))
        .execute(conn)
    })
}

/// Corrects the contacts of the row (id, valid_from).
pub fn set_contacts(
    conn: &mut AnyConn,
    id: &str,
    valid_from: NaiveDate,
    officer_email: Option<&str>,
    head_email: Option<&str>,
) -> QueryResult<usize> {
    node::dispatch!(conn, |conn| {
        diesel::update(units::table.find((id, valid_from)))
            .set((
                units::officer_email.eq(officer_email),
                units::head_email.eq(head_email),
            ))
            .execute(conn)
    })
}

/// The successions into `successor` (its direct predecessors), in predecessor order.
pub fn successions_into(conn: &mut AnyConn, successor: &str) -> QueryResult<Vec<SuccessionRow>> {
    node::dispatch!(conn, |conn| {
        successions::table
            .filter(successions::successor.eq(successor))
            .order((successions::predecessor, successions::effective))
            .select(SuccessionRow::as_select())
            .load(conn)
    })
}

/// The registry's change counter (migration 000007): moves with every insert or update of
/// `units`, by any process; 0 when no unit was ever registered.
pub fn version(conn: &mut AnyConn) -> QueryResult<i64> {
    node::dispatch!(conn, |conn| registry_version::table
        .select(registry_version::version)
        .first(conn))
}

/// True when no unit is registered (the registry checks at ingest are off).
pub fn is_empty(conn: &mut AnyConn) -> QueryResult<bool> {
    node::dispatch!(conn, |conn| {
        let any: Option<String> = units::table.select(units::id).first(conn).optional()?;
        Ok(any.is_none())
    })
}

/// Every row of every unit (for the status matrix), by id then start.
pub fn all(conn: &mut AnyConn) -> QueryResult<Vec<UnitRow>> {
    node::dispatch!(conn, |c| units::table
        .order((units::id, units::valid_from))
        .select(UnitRow::as_select())
        .load(c))
}

/// Every succession.
pub fn all_successions(conn: &mut AnyConn) -> QueryResult<Vec<SuccessionRow>> {
    node::dispatch!(conn, |c| successions::table
        .order((successions::predecessor, successions::successor))
        .select(SuccessionRow::as_select())
        .load(c))
}

/// Rows stored (all periods of all units).
pub fn count(conn: &mut AnyConn) -> QueryResult<i64> {
    node::dispatch!(conn, |conn| { units::table.count().get_result(conn) })
}

/// Successions stored.
pub fn count_successions(conn: &mut AnyConn) -> QueryResult<i64> {
    node::dispatch!(conn, |conn| { successions::table.count().get_result(conn) })
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection as _;

    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn row(id: &str, from: &str) -> UnitRow {
        UnitRow {
            id: id.into(),
            name: "Phường Trấn Biên".into(),
            kind: "Phường".into(),
            tier: "commune".into(),
            parent: "75".into(),
            officer_email: Some("bmnn@tranbien.dongnai.gov.vn".into()),
            head_email: None,
            lat: Some(10.95),
            lon: Some(106.82),
            valid_from: day(from),
            valid_to: None,
        }
    }

    #[test]
    fn migrated_tables_match_the_model_and_keep_history() {
        let tmp = tempfile::tempdir().unwrap();
        let (_db, pool) = crate::store::testdb::open(tmp.path(), "a").unwrap();
        let mut c = pool.get().unwrap();
        assert!(is_empty(&mut c).unwrap());
        let first = row("75.26041", "2025-07-01");
        insert(&mut c, &first).unwrap();
        assert!(insert(&mut c, &first).is_err(), "same id and start twice");
        assert_eq!(
            insert_missing(&mut c, std::slice::from_ref(&first)).unwrap(),
            0
        );
        assert_eq!(
            close(&mut c, "75.26041", first.valid_from, day("2026-06-30")).unwrap(),
            1
        );
        assert_eq!(
            close(&mut c, "75.26041", first.valid_from, day("2026-07-31")).unwrap(),
            0
        );
        let second = UnitRow {
            name: "Phường Trấn Biên Mới".into(),
            ..row("75.26041", "2026-07-01")
        };
        insert(&mut c, &second).unwrap();
        let all = history(&mut c, "75.26041").unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].valid_to, Some(day("2026-06-30")));
        assert_eq!(
            on(&mut c, "75.26041", day("2026-06-30"))
                .unwrap()
                .unwrap()
                .name,
            first.name
        );
        assert_eq!(
            on(&mut c, "75.26041", day("2026-07-01")).unwrap(),
            Some(second.clone())
        );
        assert_eq!(on(&mut c, "75.26041", day("2025-06-30")).unwrap(), None);
        assert_eq!(
            children_on(&mut c, "75", day("2027-01-01")).unwrap(),
            vec![second]
        );
        set_contacts(&mut c, "75.26041", day("2026-07-01"), None, Some("a@b.vn")).unwrap();

        let s = SuccessionRow {
            predecessor: "75.26044".into(),
            successor: "75.26041".into(),
            effective: day("2026-07-01"),
            relation: "merge".into(),
            note: String::new(),
        };
        insert_succession(&mut c, &s).unwrap();
        assert_eq!(
            insert_missing_successions(&mut c, std::slice::from_ref(&s)).unwrap(),
            0
        );
        assert_eq!(successions_into(&mut c, "75.26041").unwrap(), vec![s]);
        assert!(c
            .batch_execute("INSERT INTO successions VALUES ('a', 'b', '2026-01-01', 'x', '')")
            .is_err());

        for refused in [
            "UPDATE units SET name = 'x'",
            "UPDATE units SET parent = '79'",
            "UPDATE units SET valid_to = '2030-01-01' WHERE valid_to IS NOT NULL",
            "DELETE FROM units",
            "UPDATE successions SET note = 'x'",
            "DELETE FROM successions",
        ] {
            assert!(c.batch_execute(refused).is_err(), "{refused}");
        }
        assert_eq!(
            (count(&mut c).unwrap(), count_successions(&mut c).unwrap()),
            (2, 1)
        );
        assert!(!is_empty(&mut c).unwrap());
    }
}
