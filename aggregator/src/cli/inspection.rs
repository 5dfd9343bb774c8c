//! `bmnn-aggregator inspection …`: the inspection record from the command line. `record` and
//! `import` store findings (checked like the web form, audited as `cli`), `scores` ranks the
//! units with each score's factors, `overdue` lists remediations past their deadline,
//! `remediate` records one done, `designate` keeps the key-unit list, `send` signs an
//! inspection result and sends it to the parent, `notices` lists the notices due.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context as _};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use config::settings::AggregatorSettings;
use schema::UnitId;

use super::plan::today;
use super::run::ConfigArg;
use crate::inspection::{self, send, store as istore, RawFinding, RawInspection};
use crate::relay::Relay;
use crate::store::{self, DbConn};

#[derive(Debug, Subcommand)]
pub enum InspectionCommand {
    /// Ghi nhận kết quả kiểm tra / record an inspection and its findings.
    Record(RecordArgs),
    /// Nhập kết quả kiểm tra từ CSV / import inspections from a CSV file (one row per
    /// finding; header unit,decision_ref,started_on,ended_on,team,classification,conclusion,
    /// kind,severity,occurrences,remediation_deadline,description).
    Import(ImportArgs),
    /// Điểm rủi ro / the units ranked by risk score, with each score's factors.
    Scores(ScoresArgs),
    /// Quá hạn khắc phục / findings whose remediation deadline has passed.
    Overdue(DayArgs),
    /// Đã khắc phục / record a finding remediated.
    Remediate(RemediateArgs),
    /// Đơn vị trọng yếu, cơ mật / put a unit on (or take it off) the key-unit list.
    Designate(DesignateArgs),
    /// Gửi kết quả kiểm tra lên cấp trên / sign an inspection result and send it to the parent.
    Send(SendArgs),
    /// Thông báo kiểm tra đến hạn / the notices due to be sent.
    Notices(DayArgs),
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// The inspected unit, e.g. 75.26041.
    #[arg(long)]
    pub unit: String,
    /// The inspection decision (số, ký hiệu), e.g. "Quyết định số 12/QĐ-BCĐ".
    #[arg(long)]
    pub decision: String,
    /// First and last day of the inspection (YYYY-MM-DD).
    #[arg(long)]
    pub started: String,
    #[arg(long)]
    pub ended: String,
    /// The team's id, if it was one of the planned teams (e.g. doan-1).
    #[arg(long, default_value = "")]
    pub team: String,
    /// Classification of the result: khong_mat, mat (default), toi_mat.
    #[arg(long, default_value = "mat")]
    pub classification: String,
    /// The conclusion (kết luận).
    #[arg(long)]
    pub conclusion: String,
    /// A finding, "kind;severity;occurrences;deadline;description", e.g.
    /// "networked_machine;serious;2;2027-01-31;Soạn thảo tài liệu mật trên máy nối mạng".
    /// Severity: minor, major, serious; deadline may be empty for minor findings. Repeat for
    /// several findings.
    #[arg(long = "finding")]
    pub findings: Vec<String>,
    /// The day to check dates against (default today).
    #[arg(long)]
    pub today: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// The CSV file (UTF-8).
    #[arg(long)]
    pub csv: PathBuf,
    #[arg(long)]
    pub today: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct ScoresArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Score as of this day (default today).
    #[arg(long)]
    pub today: Option<NaiveDate>,
    /// Show only the first N units.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
}

#[derive(Debug, Args)]
pub struct DayArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// The day (default today).
    #[arg(long)]
    pub today: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct RemediateArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// The inspection's id.
    #[arg(long)]
    pub id: String,
    /// The finding's number in the inspection (1, 2, …).
    #[arg(long)]
    pub finding: i32,
    /// The day it was remediated (YYYY-MM-DD).
    #[arg(long)]
    pub on: NaiveDate,
}

#[derive(Debug, Args)]
pub struct DesignateArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// The unit.
    #[arg(long)]
    pub unit: UnitId,
    /// Why (e.g. the deciding document).
    #[arg(long, default_value = "")]
    pub note: String,
    /// Take the unit off the list instead.
    #[arg(long)]
    pub clear: bool,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// The inspection's id (shown by `record`).
    #[arg(long)]
    pub id: String,
}

fn open(config: &ConfigArg) -> anyhow::Result<(AggregatorSettings, DbConn)> {
    let settings = AggregatorSettings::load(&config.config)?;
    let pool = store::open_settings(&settings)?;
    let conn = pool.get().context("database")?;
    Ok((settings, conn))
}

/// "kind;severity;occurrences;deadline;description".
fn finding(raw: &str) -> anyhow::Result<RawFinding> {
    let p: Vec<&str> = raw.splitn(5, ';').collect();
    let [kind, severity, occurrences, deadline, description] = p.as_slice() else {
        bail!("--finding `{raw}`: write kind;severity;occurrences;deadline;description");
    };
    Ok(RawFinding {
        kind: kind.to_string(),
        severity: severity.to_string(),
        occurrences: occurrences.to_string(),
        deadline: deadline.to_string(),
        description: description.to_string(),
    })
}

pub fn run(cmd: InspectionCommand) -> anyhow::Result<()> {
    match cmd {
        InspectionCommand::Record(a) => record(a),
        InspectionCommand::Import(a) => {
            let (settings, mut conn) = open(&a.config)?;
            let rules = node::app::load_rules(&settings.node)?;
            let day = a.today.unwrap_or_else(today);
            let s =
                inspection::import_csv(&mut conn, rules, &settings.unit.id, &a.csv, "cli", day)?;
            println!(
                "Đã nhập / imported {} cuộc kiểm tra / inspections, {} vi phạm / findings; {} đã có / already recorded",
                s.inspections, s.findings, s.skipped
            );
            Ok(())
        }
        InspectionCommand::Scores(a) => scores(a),
        InspectionCommand::Overdue(a) => {
            let (_, mut conn) = open(&a.config)?;
            let day = a.today.unwrap_or_else(today);
            let list = inspection::overdue_remediations(&mut conn, day)?;
            println!(
                "Quá hạn khắc phục / overdue remediations on {day}: {}",
                list.len()
            );
            for o in &list {
                println!(
                    "  {} {} #{} {} — hạn / due {} ({} ngày / days), {}",
                    o.unit,
                    o.inspection_id,
                    o.finding.seq,
                    o.finding.kind,
                    o.finding
                        .remediation_deadline
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    o.days_overdue,
                    o.decision_ref
                );
            }
            Ok(())
        }
        InspectionCommand::Remediate(a) => {
            let (_, mut conn) = open(&a.config)?;
            conn.write_transaction(|c| -> anyhow::Result<()> {
                if istore::mark_remediated(c, &a.id, a.finding, a.on)? == 0 {
                    bail!("không có vi phạm #{} chưa khắc phục trong cuộc kiểm tra {} / no such open finding", a.finding, a.id);
                }
                let detail = format!("finding={} on={}", a.finding, a.on);
                node::db::audit::append(c, "cli", "inspection_remediated", &a.id, &detail)?;
                Ok(())
            })?;
            println!(
                "Đã ghi nhận khắc phục / remediation recorded: {} #{} on {}",
                a.id, a.finding, a.on
            );
            Ok(())
        }
        InspectionCommand::Designate(a) => {
            let (_, mut conn) = open(&a.config)?;
            let note = crate::inspection::campaign::nfc(&a.note);
            let changed = conn.write_transaction(|c| -> anyhow::Result<bool> {
                let changed = if a.clear {
                    istore::clear_key_unit(c, a.unit.as_str())?
                } else {
                    istore::set_key_unit(c, a.unit.as_str(), &note, "cli")?
                };
                let action = if a.clear {
                    "key_unit_clear"
                } else {
                    "key_unit_set"
                };
                node::db::audit::append(c, "cli", action, a.unit.as_str(), "")?;
                Ok(changed)
            })?;
            println!(
                "{} {}{}",
                a.unit,
                if a.clear {
                    "không còn trong danh mục trọng yếu, cơ mật / off the key-unit list"
                } else {
                    "thuộc danh mục trọng yếu, cơ mật / on the key-unit list"
                },
                if changed {
                    ""
                } else {
                    " (không đổi / unchanged)"
                }
            );
            Ok(())
        }
        InspectionCommand::Send(a) => send_cmd(a),
        InspectionCommand::Notices(a) => {
            let (_, mut conn) = open(&a.config)?;
            let day = a.today.unwrap_or_else(today);
            let due = inspection::notices_due(&mut conn, day)?;
            println!("Thông báo đến hạn / notices due on {day}: {}", due.len());
            for n in &due {
                println!(
                    "  {} {} kiểm tra / visit {} → {}",
                    n.plan_id,
                    n.unit,
                    n.visit_date,
                    n.recipient
                        .as_deref()
                        .unwrap_or("(chưa có địa chỉ / no address)")
                );
            }
            Ok(())
        }
    }
}

fn record(a: RecordArgs) -> anyhow::Result<()> {
    let (settings, mut conn) = open(&a.config)?;
    let rules = node::app::load_rules(&settings.node)?;
    let raw = RawInspection {
        unit: a.unit,
        decision_ref: a.decision,
        started_on: a.started,
        ended_on: a.ended,
        team: a.team,
        classification: a.classification,
        conclusion: a.conclusion,
        findings: a
            .findings
            .iter()
            .map(|f| finding(f))
            .collect::<anyhow::Result<_>>()?,
    };
    let day = a.today.unwrap_or_else(today);
    let new = inspection::input::parse(&mut conn, rules, &settings.unit.id, &raw, day)?;
    let id = inspection::record(&mut conn, "cli", &new)?;
    println!(
        "Đã ghi nhận / recorded inspection {id}: {} {} ({} vi phạm / findings)",
        new.result.inspected_unit,
        new.result.decision_ref,
        new.result.findings.len()
    );
    Ok(())
}

fn scores(a: ScoresArgs) -> anyhow::Result<()> {
    let (settings, mut conn) = open(&a.config)?;
    let rules = node::app::load_rules(&settings.node)?;
    let model = inspection::risk_model(&settings.inspection)?;
    let day = a.today.unwrap_or_else(today);
    let list = inspection::scores(&mut conn, rules, &model, &settings.unit.id, day)?;
    println!(
        "Điểm rủi ro / risk scores on {day}: {} đơn vị / units",
        list.len()
    );
    for (i, s) in list.iter().take(a.top).enumerate() {
        println!(
            "{:>4}. {:<22} {:<34} {:>8.2}",
            i + 1,
            s.unit.as_str(),
            s.name,
            s.score.total
        );
        for f in &s.score.factors {
            println!(
                "        {:<40} {} = {} × {} = {:.2}",
                f.name, f.label_vi, f.raw, f.weight, f.points
            );
        }
    }
    Ok(())
}

fn send_cmd(a: SendArgs) -> anyhow::Result<()> {
    let (settings, mut conn) = open(&a.config)?;
    let relay = Relay::open(&settings)?.ok_or_else(|| {
        anyhow!("this aggregator has no [[upstream]]: nowhere to send the inspection result")
    })?;
    let up = send::Upward::relay(&relay);
    let env = send::send_up(&mut conn, &up, &settings.unit.id, &a.id, "cli")?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("runtime")?;
    let report = rt.block_on(relay.push_once())?;
    println!(
        "Đã gửi / sent {} ({}): delivered {}, to retry {}, rejected {}",
        env.body.report_id,
        env.digest(),
        report.delivered,
        report.retried,
        report.rejected
    );
    Ok(())
}
