//! `bmnn-aggregator registry …`: the unit registry from the command line. `import` loads the
//! administrative units of the aggregator's scope (and agencies from a CSV file), `show`
//! prints a unit on a date with its children (Vietnamese order), its lineage and the reports
//! received from it and its predecessors; `merge`, `split`, `rename` and `move` record a
//! restructuring. Every change is written with its audit entry (actor `cli`) in one
//! transaction.

use crate::store::AnyConn;
use std::path::PathBuf;

use anyhow::{bail, Context as _};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use config::settings::AggregatorSettings;
use schema::{ReportKind, UnitId};

use super::run::ConfigArg;
use crate::registry::{self, Change, RegistryError, EARLIEST};
use crate::store::units::{self, UnitRow};
use crate::store::{self, DbConn};

#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Nạp danh mục đơn vị hành chính / load the administrative units of the scope (and
    /// agencies from a CSV file); running it again changes nothing.
    Import(ImportArgs),
    /// Xem một đơn vị / show a unit on a date: its children, its lineage, its reports.
    Show(ShowArgs),
    /// Sáp nhập / merge units into a new unit (or into an existing one that absorbs them).
    Merge(MergeArgs),
    /// Chia tách / split a unit into parts.
    Split(SplitArgs),
    /// Đổi tên / rename a unit.
    Rename(RenameArgs),
    /// Điều chuyển / move a unit under another parent.
    Move(MoveArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// VN or a 2025 province (e.g. 75); default: this aggregator's [unit] id.
    #[arg(long)]
    pub scope: Option<UnitId>,
    /// Also the legacy provinces, districts and communes (until 30 June 2025) that went into
    /// the scope, with their successions to the 2025 communes.
    #[arg(long)]
    pub legacy: bool,
    /// Agencies, CSV with the header id,name,kind,parent,officer_email,head_email
    /// (optionally valid_from).
    #[arg(long)]
    pub agencies: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// The unit, e.g. 75 or 75.26041.
    pub unit: UnitId,
    /// The day to look at (YYYY-MM-DD); default: today.
    #[arg(long)]
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// The units that merge.
    #[arg(required = true)]
    pub units: Vec<UnitId>,
    /// The successor: a new code, or an existing unit that absorbs them.
    #[arg(long)]
    pub into: UnitId,
    /// The successor's official name, e.g. "Phường Trấn Biên".
    #[arg(long)]
    pub name: String,
    /// First day of the successor (YYYY-MM-DD); the merged units end the day before.
    #[arg(long)]
    pub date: NaiveDate,
}

#[derive(Debug, Args)]
pub struct SplitArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// The unit that is split.
    pub unit: UnitId,
    /// A part, as ID=NAME (repeat: at least two); the unit's own id for the part keeping it.
    #[arg(long = "part", value_parser = parse_part, required = true)]
    pub parts: Vec<(UnitId, String)>,
    /// First day of the parts (YYYY-MM-DD); the unit ends the day before.
    #[arg(long)]
    pub date: NaiveDate,
}

#[derive(Debug, Args)]
pub struct RenameArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    pub unit: UnitId,
    /// The new official name.
    #[arg(long)]
    pub name: String,
    /// First day of the new name (YYYY-MM-DD).
    #[arg(long)]
    pub date: NaiveDate,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    pub unit: UnitId,
    /// The new parent.
    #[arg(long)]
    pub parent: UnitId,
    /// First day under the new parent (YYYY-MM-DD).
    #[arg(long)]
    pub date: NaiveDate,
}

fn parse_part(raw: &str) -> Result<(UnitId, String), String> {
    let (id, name) = raw
        .split_once('=')
        .ok_or_else(|| format!("`{raw}`: write a part as ID=NAME, e.g. 75.99001=Phường An Bình"))?;
    let id = UnitId::parse(id.trim()).map_err(|e| e.to_string())?;
    Ok((id, name.trim().to_string()))
}

fn open(config: &ConfigArg) -> anyhow::Result<(AggregatorSettings, DbConn)> {
    let settings = AggregatorSettings::load(&config.config)?;
    let pool = store::open_settings(&settings)?;
    let conn = pool.get().context("cannot get a database connection")?;
    Ok((settings, conn))
}

pub fn run(cmd: RegistryCommand) -> anyhow::Result<()> {
    match cmd {
        RegistryCommand::Import(a) => import(a),
        RegistryCommand::Show(a) => show(a),
        RegistryCommand::Merge(a) => {
            let subject = a.into.to_string();
            change(&a.config, "registry_merge", &subject, |c| {
                registry::merge(c, &a.units, a.into.clone(), &a.name, a.date)
            })
        }
        RegistryCommand::Split(a) => change(&a.config, "registry_split", a.unit.as_str(), |c| {
            registry::split(c, &a.unit, &a.parts, a.date)
        }),
        RegistryCommand::Rename(a) => change(&a.config, "registry_rename", a.unit.as_str(), |c| {
            registry::rename(c, &a.unit, &a.name, a.date)
        }),
        RegistryCommand::Move(a) => change(&a.config, "registry_move", a.unit.as_str(), |c| {
            registry::move_unit(c, &a.unit, &a.parent, a.date)
        }),
    }
}

fn import(args: ImportArgs) -> anyhow::Result<()> {
    let (settings, mut conn) = open(&args.config)?;
    let scope = args.scope.unwrap_or_else(|| settings.unit.id.clone());
    let (units, agencies) = conn.write_transaction(|c| {
        let units = registry::import_admin_units(c, &scope, args.legacy)?;
        let agencies = match &args.agencies {
            Some(path) => Some(registry::import_agencies_csv(c, path)?),
            None => None,
        };
        let detail = format!(
            "legacy={} units+{} successions+{} agencies+{}",
            args.legacy,
            units.units_added,
            units.successions_added,
            agencies.map_or(0, |a| a.units_added)
        );
        node::db::audit::append(c, "cli", "registry_import", scope.as_str(), &detail)?;
        Ok::<_, RegistryError>((units, agencies))
    })?;
    println!(
        "Danh mục {scope} / registry of {scope}: {} đơn vị mới / new unit rows (đã đọc / read \
         {}), {} quan hệ kế thừa mới / new successions",
        units.units_added, units.units_read, units.successions_added
    );
    if let Some(a) = agencies {
        println!(
            "Cơ quan / agencies: {} mới / new, {} cập nhật liên hệ / contacts updated (đã đọc / \
             read {})",
            a.units_added, a.contacts_updated, a.units_read
        );
    }
    Ok(())
}

fn change(
    config: &ConfigArg,
    action: &str,
    subject: &str,
    f: impl FnOnce(&mut AnyConn) -> Result<Change, RegistryError>,
) -> anyhow::Result<()> {
    let (_, mut conn) = open(config)?;
    let done = conn.write_transaction(|c| {
        let done = f(c)?;
        node::db::audit::append(c, "cli", action, subject, &done.summary())?;
        Ok::<_, RegistryError>(done)
    })?;
    println!(
        "Đã ghi / recorded ({action}), hiệu lực từ / effective {}:",
        done.effective
    );
    for r in &done.ended {
        println!(
            "  - {:<22} {} (đến / until {})",
            r.id,
            r.name,
            done.effective.pred_opt().unwrap_or(done.effective)
        );
    }
    for r in &done.started {
        println!(
            "  + {:<22} {} ({}, thuộc / under {})",
            r.id, r.name, r.kind, r.parent
        );
    }
    Ok(())
}

fn validity(row: &UnitRow) -> String {
    let from = if row.valid_from == EARLIEST {
        "trước đây / earlier".to_string()
    } else {
        row.valid_from.to_string()
    };
    let to = row
        .valid_to
        .map_or_else(|| "nay / open".to_string(), |d| d.to_string());
    format!("{from} → {to}")
}

fn show(args: ShowArgs) -> anyhow::Result<()> {
    let (_, mut conn) = open(&args.config)?;
    let on = args
        .on
        .unwrap_or_else(|| crate::ingest::process::now_vn().date_naive());
    let unit = &args.unit;
    let history = units::history(&mut conn, unit.as_str())?;
    if history.is_empty() {
        bail!(
            "Đơn vị {unit} chưa có trong danh mục / unit {unit} is not in the registry: check \
             the id, or load it with `bmnn-aggregator registry import`"
        );
    }
    match registry::get(&mut conn, unit, on)? {
        Some(r) => println!("Đơn vị / unit: {} {} ({})", r.id, r.name, r.kind),
        None => println!("Đơn vị / unit: {unit} — không có hiệu lực ngày / not in force on {on}"),
    }
    println!("Ngày xem / as of: {on}");
    println!("Các giai đoạn / validity:");
    for r in &history {
        println!(
            "  {}  {} ({}), thuộc / under {}",
            validity(r),
            r.name,
            r.kind,
            r.parent
        );
        if r.officer_email.is_some() || r.head_email.is_some() {
            println!(
                "    cán bộ / officer: {}, lãnh đạo / head: {}",
                r.officer_email.as_deref().unwrap_or("-"),
                r.head_email.as_deref().unwrap_or("-")
            );
        }
    }
    let children = registry::children(&mut conn, unit, on)?;
    println!("Đơn vị trực thuộc / children: {}", children.len());
    for c in &children {
        println!("  {:<22} {}", c.id, c.name);
    }
    let lineage = registry::lineage(&mut conn, unit)?;
    println!("Kế thừa / lineage (đơn vị và các đơn vị tiền thân / the unit and its predecessors):");
    for id in &lineage {
        let rows = units::history(&mut conn, id.as_str())?;
        match rows.last() {
            Some(r) => println!("  {:<22} {} ({})", id.as_str(), r.name, validity(r)),
            None => println!("  {id}"),
        }
    }
    let reports = registry::reports_with_lineage(&mut conn, unit)?;
    let mut by_kind: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        Default::default();
    for r in &reports {
        by_kind.entry(&r.kind).or_default().insert(&r.report_id);
    }
    let total: usize = by_kind.values().map(|s| s.len()).sum();
    println!(
        "Báo cáo đã nhận, kể cả của đơn vị tiền thân / reports received, predecessors included: \
         {total} (phiên bản / versions: {})",
        reports.len()
    );
    for (kind, ids) in by_kind {
        let label = ReportKind::parse(kind).map_or("", |k| k.label_vi());
        println!("  {label} ({kind}): {}", ids.len());
    }
    Ok(())
}
