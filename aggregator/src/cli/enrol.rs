//! `bmnn-aggregator enrol …`: one-time enrolment codes and the certificate inventory, the
//! same operations as the page "Chứng thư số" (the aggregator need not be running).
//!
//! - `enrol create --to tier:75:commune [--all] [--out slips.csv]` (or `--unit 75.26041`…):
//!   one code per unit of the scope that has no valid certificate (`--all`: every unit);
//!   writes the slips (unit, name, code, expiry, address, root fingerprint, command) as CSV,
//!   or prints them. The codes exist nowhere else.
//! - `enrol list [--csv]`: every code's state (unused, used, expired, revoked).
//! - `enrol revoke --id ID`: an unused code can no longer be used.
//! - `enrol inventory [--csv]`: every certificate the CA issued, most urgent first.

use std::path::PathBuf;

use anyhow::{bail, Context as _};
use clap::{Args, Subcommand};
use config::settings::AggregatorSettings;
use schema::UnitId;

use crate::enrol::{inventory, select, Enrolment};
use crate::store;

#[derive(Debug, Subcommand)]
pub enum EnrolCommand {
    /// Tạo mã đăng ký / create one-time codes for units.
    Create(CreateArgs),
    /// Danh sách mã / every code and its state.
    List(ListArgs),
    /// Thu hồi mã / revoke an unused code.
    Revoke(RevokeArgs),
    /// Danh sách chứng thư / the certificate inventory.
    Inventory(ListArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[command(flatten)]
    pub config: super::run::ConfigArg,
    /// tier:75:commune, tier:75:agency, kind:75:Sở, subtree:75 or list:75.26041,75.26044.
    #[arg(long, conflicts_with = "unit")]
    pub to: Option<String>,
    /// One unit (repeat for several).
    #[arg(long)]
    pub unit: Vec<UnitId>,
    /// Also units that already hold a valid certificate.
    #[arg(long)]
    pub all: bool,
    /// Write the slips here (CSV, UTF-8) instead of printing them.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Who creates them (recorded in the audit log).
    #[arg(long, default_value = "cli")]
    pub by: String,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub config: super::run::ConfigArg,
    /// Print CSV instead of a table.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    #[command(flatten)]
    pub config: super::run::ConfigArg,
    /// The code's handle (the "id" column of `enrol list`).
    #[arg(long)]
    pub id: String,
}

pub fn run(cmd: EnrolCommand) -> anyhow::Result<()> {
    match cmd {
        EnrolCommand::Create(a) => create(a),
        EnrolCommand::List(a) => list(a),
        EnrolCommand::Revoke(a) => revoke(a),
        EnrolCommand::Inventory(a) => show_inventory(a),
    }
}

fn open(
    config: &std::path::Path,
) -> anyhow::Result<(AggregatorSettings, std::sync::Arc<Enrolment>)> {
    let settings = AggregatorSettings::load(config)?;
    let Some(section) = settings.enrolment.clone() else {
        bail!(
            "{} has no [enrolment] section: add one (listen, ca) to enrol units with codes; see docs/pki.md",
            config.display()
        );
    };
    let pool = store::open_settings(&settings)?;
    let e = Enrolment::open(&section, pool)?;
    Ok((settings, e))
}

fn create(a: CreateArgs) -> anyhow::Result<()> {
    let (settings, e) = open(&a.config.config)?;
    let scope = match (&a.to, a.unit.is_empty()) {
        (Some(s), _) => s.clone(),
        (None, false) => format!(
            "list:{}",
            a.unit
                .iter()
                .map(UnitId::as_str)
                .collect::<Vec<_>>()
                .join(",")
        ),
        (None, true) => bail!(
            "say for which units: --to tier:75:commune (or subtree:75, list:…) or --unit 75.26041"
        ),
    };
    let today = chrono::Utc::now()
        .with_timezone(&config::settings::TIMEZONE)
        .date_naive();
    let mut conn = e.pool.get()?;
    let units = select::units(&e, &mut conn, &settings.unit.id, &scope, !a.all, today)?;
    drop(conn);
    if units.is_empty() {
        bail!("không có đơn vị nào cần mã / no unit of {scope} needs a code (all hold a valid certificate, or none is registered there; --all ignores certificates)");
    }
    let ids: Vec<UnitId> = units.iter().map(|(id, _)| id.clone()).collect();
    let codes = e.create_codes(&ids, &a.by)?;
    let names: std::collections::HashMap<UnitId, String> = units.into_iter().collect();
    let name_of = |u: &UnitId| names.get(u).cloned().unwrap_or_default();
    match &a.out {
        Some(path) => {
            let bytes = e.slips_csv(&codes, &name_of)?;
            write_secret_new(path, &bytes).with_context(|| {
                format!("cannot write {} (it must not exist yet)", path.display())
            })?;
            println!(
                "{} mã đăng ký / codes written to {} (keep it safe: the codes exist nowhere else)",
                codes.len(),
                path.display()
            );
        }
        None => {
            for c in &codes {
                println!("{}\t{}\t{}", c.unit, name_of(&c.unit), e.command(c));
            }
        }
    }
    Ok(())
}

fn list(a: ListArgs) -> anyhow::Result<()> {
    let (_, e) = open(&a.config.config)?;
    let mut conn = e.pool.get()?;
    let now = chrono::Utc::now().naive_utc();
    let rows = store::enrolment::list(&mut conn)?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(if a.csv { b',' } else { b'\t' })
        .from_writer(std::io::stdout());
    w.write_record(["id", "unit", "created_at", "expires_at", "state", "serial"])?;
    for r in rows {
        let state = format!("{:?}", r.state(now)).to_lowercase();
        w.write_record([
            r.id.as_str(),
            r.unit_id.as_str(),
            &inventory::local(r.created_at.and_utc()),
            &inventory::local(r.expires_at.and_utc()),
            &state,
            r.serial.as_deref().unwrap_or(""),
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn revoke(a: RevokeArgs) -> anyhow::Result<()> {
    let (_, e) = open(&a.config.config)?;
    let mut conn = e.pool.get()?;
    let done = conn.write_transaction(|c| {
        let ok = store::enrolment::revoke(c, &a.id, chrono::Utc::now().naive_utc())?;
        if ok {
            node::db::audit::append(c, "cli", "enrolment_code_revoke", &a.id, "")?;
        }
        diesel::QueryResult::Ok(ok)
    })?;
    if !done {
        bail!("mã {} không tồn tại hoặc đã dùng/hết hiệu lực / code {} is unknown, used, expired or already revoked (see `enrol list`)", a.id, a.id);
    }
    println!("Đã thu hồi mã / code revoked: {}", a.id);
    Ok(())
}

fn show_inventory(a: ListArgs) -> anyhow::Result<()> {
    let (_, e) = open(&a.config.config)?;
    let rows = inventory::inventory(&e, chrono::Utc::now())?;
    if a.csv {
        use std::io::Write as _;
        std::io::stdout().write_all(&inventory::csv(&rows)?)?;
        return Ok(());
    }
    for r in &rows {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            r.unit,
            r.name,
            r.serial,
            inventory::local(r.not_after),
            r.state.label(),
            r.last_seen.as_deref().unwrap_or("-")
        );
    }
    Ok(())
}

/// Writes a new file readable by its owner only (the slips hold usable codes).
fn write_secret_new(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}
