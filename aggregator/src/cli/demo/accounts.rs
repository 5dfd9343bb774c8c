//! The demo's users: `admin` (Quản trị), `canbo` (Cán bộ, drafts) and `lanhdao` (Lãnh đạo,
//! approves and signs; on an aggregator, opens incident details) on each node and on each
//! aggregator's web UI (users in its own node store `<data_dir>/relay.db`). Missing users get a random password
//! (or `--password`); with `--password`, existing demo users are reset to it. The passwords
//! are kept in `<dir>/logins.txt` (mode 0600) so a re-run can print them again: fine for a demo
//! on one's own machine, never for a real installation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _};
use config::settings::{AggregatorSettings, DatabaseUrl, NodeSettings};
use node::db::users::{self, Role};
use node::{auth, db};
use rand::Rng as _;

/// The demo users: login, display name, role.
pub const USERS: [(&str, &str, Role); 3] = [
    ("admin", "Quản trị hệ thống", Role::Admin),
    ("canbo", "Nguyễn Văn An", Role::Officer),
    ("lanhdao", "Trần Thị Bình", Role::Head),
];

/// File of the demo's passwords, in the demo directory.
pub const LOGINS_FILE: &str = "logins.txt";

/// One login as the banner shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    pub username: &'static str,
    pub role: Role,
    /// `None` when the user existed and its password is not in `logins.txt`.
    pub password: Option<String>,
}

/// The passwords known from earlier runs: (unit, username) → password.
#[derive(Debug, Default)]
pub struct Saved {
    path: PathBuf,
    entries: BTreeMap<(String, String), String>,
}

impl Saved {
    /// Reads `<dir>/logins.txt` if it exists.
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let path = dir.join(LOGINS_FILE);
        let mut entries = BTreeMap::new();
        if path.exists() {
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            for line in text.lines().filter(|l| !l.starts_with('#')) {
                let mut parts = line.splitn(3, '\t');
                if let (Some(u), Some(n), Some(p)) = (parts.next(), parts.next(), parts.next()) {
                    entries.insert((u.to_string(), n.to_string()), p.to_string());
                }
            }
        }
        Ok(Self { path, entries })
    }

    /// Writes the file back, readable by the owner only.
    pub fn save(&self) -> anyhow::Result<()> {
        let mut text = String::from(
            "# Mật khẩu của bản trình diễn / demo passwords (unit, login, password)\n",
        );
        for ((unit, name), pw) in &self.entries {
            text.push_str(&format!("{unit}\t{name}\t{pw}\n"));
        }
        write_private(&self.path, &text)
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    f.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// A random password: 14 characters without look-alikes (no 0/O, 1/l/I).
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..14)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Checks `--password` against the node's policy.
pub fn check_password(pw: &str) -> anyhow::Result<()> {
    auth::check_password_policy(pw)
        .map_err(|e| anyhow!("--password: {e} / the password is too weak"))
}

/// Opens (creating and migrating) the node's database and makes sure the demo users exist.
pub fn ensure_users(
    settings: &NodeSettings,
    password: Option<&str>,
    saved: &mut Saved,
) -> anyhow::Result<Vec<Login>> {
    let DatabaseUrl::Sqlite(path) = settings.node.database_url() else {
        bail!("the demo node stores its data in SQLite");
    };
    ensure_users_in(
        &DatabaseUrl::sqlite(path),
        settings.unit.id.as_str(),
        password,
        saved,
    )
}

/// The same for the users of an aggregator's web UI, in its own node store
/// ([`crate::relay::own_store_url`]).
pub fn ensure_ui_users(
    settings: &AggregatorSettings,
    password: Option<&str>,
    saved: &mut Saved,
) -> anyhow::Result<Vec<Login>> {
    let dir = &settings.node.data_dir;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    ensure_users_in(
        &crate::relay::own_store_url(settings),
        &format!("aggregator-{}", settings.unit.id),
        password,
        saved,
    )
}

/// Makes sure the demo users exist in the node store at `url`; `unit` keys `logins.txt`.
fn ensure_users_in(
    url: &DatabaseUrl,
    unit: &str,
    password: Option<&str>,
    saved: &mut Saved,
) -> anyhow::Result<Vec<Login>> {
    let pool = db::open_url(url)?;
    let mut conn = pool.get().context("cannot get a database connection")?;
    let unit = unit.to_string();
    let mut out = Vec::new();
    for (username, display_name, role) in USERS {
        let key = (unit.clone(), username.to_string());
        let existing = users::by_username(&mut conn, username)?;
        let password = match (existing, password) {
            (None, given) => {
                let pw = given.map_or_else(random_password, str::to_string);
                let hash = auth::hash_password(&pw)?;
                conn.write_transaction(|c| {
                    users::insert(
                        c,
                        &users::NewUser {
                            username,
                            display_name,
                            role: role.code(),
                            password_hash: &hash,
                            created_at: db::now(),
                        },
                    )?;
                    db::audit::append(c, "demo", "create_user", username, role.code())
                })?;
                Some(pw)
            }
            (Some(user), Some(given)) => {
                let hash = auth::hash_password(given)?;
                conn.write_transaction(|c| {
                    users::set_password(c, user.id, &hash)?;
                    db::audit::append(c, "demo", "reset_password", username, role.code())
                })?;
                Some(given.to_string())
            }
            (Some(_), None) => saved.entries.get(&key).cloned(),
        };
        match &password {
            Some(pw) => {
                saved.entries.insert(key, pw.clone());
            }
            None => {
                saved.entries.remove(&key);
            }
        }
        out.push(Login {
            username,
            role,
            password,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_passwords_pass_the_policy_and_differ() {
        let (a, b) = (random_password(), random_password());
        assert!(check_password(&a).is_ok());
        assert_ne!(a, b);
    }
}
