//! Users, roles and sessions. Passwords are argon2id hashes; session tokens are stored only as
//! SHA-256 hashes; five failed logins lock an account for 15 minutes.

use crate::db::any::AnyConn;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{sessions, users};

pub const MAX_FAILED_LOGINS: i32 = 5;
pub const LOCKOUT_MINUTES: i64 = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Cán bộ: drafts reports.
    Officer,
    /// Lãnh đạo: approves and signs.
    Head,
    /// Quản trị: manages users.
    Admin,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Officer => "officer",
            Role::Head => "head",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> anyhow::Result<Self> {
        match s {
            "officer" => Ok(Role::Officer),
            "head" => Ok(Role::Head),
            "admin" => Ok(Role::Admin),
            _ => anyhow::bail!("unknown role `{s}`: expected officer, head or admin"),
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Officer => "Cán bộ",
            Role::Head => "Lãnh đạo đơn vị",
            Role::Admin => "Quản trị",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: String,
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl UserRow {
    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Officer)
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub password_hash: &'a str,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConn, u: &NewUser<'_>) -> QueryResult<i32> {
    crate::dispatch!(conn, |conn| {
        diesel::insert_into(users::table)
            .values(u)
            .returning(users::id)
            .get_result(conn)
    })
}

pub fn by_username(conn: &mut AnyConn, name: &str) -> QueryResult<Option<UserRow>> {
    crate::dispatch!(conn, |conn| {
        users::table
            .filter(users::username.eq(name))
            .select(UserRow::as_select())
            .first(conn)
            .optional()
    })
}

pub fn by_id(conn: &mut AnyConn, id: i32) -> QueryResult<Option<UserRow>> {
    crate::dispatch!(conn, |conn| {
        users::table
            .find(id)
            .select(UserRow::as_select())
            .first(conn)
            .optional()
    })
}

pub fn count(conn: &mut AnyConn) -> QueryResult<i64> {
    crate::dispatch!(conn, |conn| { users::table.count().get_result(conn) })
}

pub fn all(conn: &mut AnyConn) -> QueryResult<Vec<UserRow>> {
    crate::dispatch!(conn, |conn| {
        users::table
            .order(users::username)
            .select(UserRow::as_select())
            .load(conn)
    })
}

/// Records a failed login; locks the account at the limit.
pub fn record_failure(conn: &mut AnyConn, id: i32, now: NaiveDateTime) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        let failed: i32 = users::table
            .find(id)
            .select(users::failed_logins)
            .first(conn)?;
        let failed = failed + 1;
        let locked =
            (failed >= MAX_FAILED_LOGINS).then(|| now + Duration::minutes(LOCKOUT_MINUTES));
        diesel::update(users::table.find(id))
            .set((
                users::failed_logins.eq(if locked.is_some() { 0 } else { failed }),
                users::locked_until.eq(locked),
            ))
            .execute(conn)?;
        Ok(())
    })
}

pub fn record_success(conn: &mut AnyConn, id: i32) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::update(users::table.find(id))
            .set((
                users::failed_logins.eq(0),
                users::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        Ok(())
    })
}

pub fn set_password(conn: &mut AnyConn, id: i32, hash: &str) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::update(users::table.find(id))
            .set(users::password_hash.eq(hash))
            .execute(conn)?;
        Ok(())
    })
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub token_hash: String,
    pub user_id: i32,
    pub csrf_token: String,
    pub expires_at: NaiveDateTime,
}

pub fn insert_session(conn: &mut AnyConn, s: &SessionRow) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::insert_into(sessions::table)
            .values(s)
            .execute(conn)?;
        Ok(())
    })
}

/// The live session for a token hash, with its user.
pub fn session(
    conn: &mut AnyConn,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(SessionRow, UserRow)>> {
    crate::dispatch!(conn, |conn| {
        sessions::table
            .inner_join(users::table)
            .filter(sessions::token_hash.eq(token_hash))
            .filter(sessions::expires_at.gt(now))
            .select((SessionRow::as_select(), UserRow::as_select()))
            .first(conn)
            .optional()
    })
}

pub fn delete_session(conn: &mut AnyConn, token_hash: &str) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash)))
            .execute(conn)?;
        Ok(())
    })
}
