//! `bmnn-aggregator request …`: issue a request (yêu cầu báo cáo) to a scope, and follow it.
//!
//! - `request issue --to subtree:75 --title … --basis … (--document internal_rules | --report
//!   implementation_plan) --period 2026 (--due 2026-12-20 | --working-days 10)
//!   [--classification khong_mat] [--instructions …]` signs the `request` notice and stores it
//!   for the children's next pull; prints its id and how many registered units it reaches.
//! - `request status --id …` prints each addressed unit's state (on time, late, missing, not
//!   yet due) and the counts; `--csv` writes them as CSV.
//! - `request file --sha256 … --out FILE` writes an attached file received here.
//! - `request directive --to … --number 120/BCĐ-PA03 --title … [--disseminate] (--due … |
//!   --working-days N) --file văn-bản.pdf` sends a directive with its files; units acknowledge
//!   (and report dissemination), tracked by `request status` like a request.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context as _};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use config::settings::AggregatorSettings;
use node::tls::TlsMaterial;
use schema::{Asked, Classification, DocumentType, Line, ReportKind, ReportingPeriod, Request};

use crate::requests::{self, tracking};
use crate::store;

#[derive(Debug, Subcommand)]
pub enum RequestCommand {
    /// Ra yêu cầu báo cáo / issue a request to a scope.
    Issue(IssueArgs),
    /// Theo dõi yêu cầu / each addressed unit's state.
    Status(StatusArgs),
    /// Lưu tệp đính kèm / write an attached file received here.
    File(FileArgs),
    /// Gửi văn bản chỉ đạo / send a directive (with its files) to a scope, to acknowledge
    /// (and disseminate) by a date.
    Directive(DirectiveArgs),
}

#[derive(Debug, Args)]
pub struct DirectiveArgs {
    #[command(flatten)]
    pub config: super::run::ConfigArg,
    /// subtree:75, unit:75.26041, tier:75:commune or list:75.26041,75.26044.
    #[arg(long)]
    pub to: String,
    /// Number and symbol, e.g. "120/BCĐ-PA03".
    #[arg(long)]
    pub number: String,
    /// The date it was signed (yyyy-mm-dd; default today).
    #[arg(long)]
    pub issued_on: Option<NaiveDate>,
    /// What it is about (trích yếu).
    #[arg(long)]
    pub title: String,
    #[arg(long)]
    pub summary: Option<String>,
    /// Units must also report that they made it known to their staff.
    #[arg(long)]
    pub disseminate: bool,
    #[arg(long, conflicts_with = "working_days")]
    pub due: Option<NaiveDate>,
    #[arg(long)]
    pub working_days: Option<i32>,
    /// The document (PDF, DOCX, XLSX, PNG, JPEG), repeatable; 4 MiB in all.
    #[arg(long = "file")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    #[command(flatten)]
    pub config: super::run::ConfigArg,
    /// subtree:75, unit:75.26041, tier:75:commune, kind:75:Sở (a unit kind of the registry)
    /// or list:75.26041,75.26044.
    #[arg(long)]
    pub to: String,
    #[arg(long)]
    pub title: String,
    /// The letter that orders it, e.g. "Công văn số 120/BCĐ-PA03 ngày 02/02/2026".
    #[arg(long)]
    pub basis: String,
    /// A document: internal_rules, assignment_decision, key_position_list, other.
    #[arg(long, conflicts_with = "report")]
    pub document: Option<String>,
    /// A report kind of the rule pack, e.g. implementation_plan.
    #[arg(long)]
    pub report: Option<String>,
    /// The period the answer belongs to (default: the current annual period).
    #[arg(long)]
    pub period: Option<String>,
    /// The last day an answer is on time (yyyy-mm-dd).
    #[arg(long, conflicts_with = "working_days")]
    pub due: Option<NaiveDate>,
    /// Or: this many working days from today (the rule book's calendar).
    #[arg(long)]
    pub working_days: Option<i32>,
    #[arg(long, default_value = "khong_mat")]
    pub classification: String,
    #[arg(long)]
    pub instructions: Option<String>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub config: super::run::ConfigArg,
    #[arg(long)]
    pub id: String,
    /// Print CSV (unit id, name, state, report id, date) instead of the summary.
    #[arg(long)]
    pub csv: bool,
}

#[derive(Debug, Args)]
pub struct FileArgs {
    #[command(flatten)]
    pub config: super::run::ConfigArg,
    /// sha256:<hex> or <hex>.
    #[arg(long)]
    pub sha256: String,
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(cmd: RequestCommand) -> anyhow::Result<()> {
    match cmd {
        RequestCommand::Issue(a) => issue(a),
        RequestCommand::Status(a) => status(a),
        RequestCommand::File(a) => file(a),
        RequestCommand::Directive(a) => directive(a),
    }
}

fn asked(a: &IssueArgs) -> anyhow::Result<Asked> {
    match (&a.document, &a.report) {
        (Some(d), None) => Ok(Asked::Document {
            document: DocumentType::parse(d).ok_or_else(|| {
                anyhow!("--document {d}: write internal_rules, assignment_decision, key_position_list or other")
            })?,
        }),
        (None, Some(r)) => Ok(Asked::Report {
            report_kind: ReportKind::parse(r).map_err(|e| anyhow!("--report: {e}"))?,
        }),
        _ => bail!("say what to send: --document … or --report …"),
    }
}

fn issue(a: IssueArgs) -> anyhow::Result<()> {
    let settings = AggregatorSettings::load(&a.config.config)?;
    let rules = node::app::load_rules(&settings.node)?;
    let today = node::web::layout::today();
    let due = due_of(a.due, a.working_days, rules, today)?;
    let period = match &a.period {
        Some(p) => ReportingPeriod::parse(p).map_err(|e| anyhow!("--period: {e}"))?,
        None => ReportingPeriod::annual_containing(today),
    };
    let request = Request {
        title: Line::parse(&a.title).map_err(|e| anyhow!("--title: {e}"))?,
        legal_basis: Line::parse(&a.basis).map_err(|e| anyhow!("--basis: {e}"))?,
        asked: asked(&a)?,
        period,
        due,
        classification: Classification::parse(&a.classification)
            .map_err(|e| anyhow!("--classification: {e}"))?,
        instructions: a
            .instructions
            .as_deref()
            .map(schema::Text::parse)
            .transpose()
            .map_err(|e| anyhow!("--instructions: {e}"))?,
    };
    request
        .validate(today)
        .map_err(|e| anyhow!("the request is not valid: {e}"))?;
    publish(
        &settings,
        &a.to,
        "Đã ra yêu cầu / request issued",
        |c, signer, to| requests::issue(c, signer, to, request, "cli"),
    )
}

/// Signs and stores what `issue` builds for the scope `to`, then says how many registered
/// units it reaches and by when.
fn publish(
    settings: &AggregatorSettings,
    to: &str,
    what: &str,
    issue: impl FnOnce(
        &mut store::AnyConn,
        &schema::Signer,
        schema::Addressee,
    ) -> anyhow::Result<schema::Notice>,
) -> anyhow::Result<()> {
    let signer = TlsMaterial::load(&settings.tls)?.signer()?;
    let pool = store::open_settings(settings)?;
    let mut conn = pool.get()?;
    let addressee = requests::resolve_scope(&mut conn, to, node::web::layout::today())?;
    let notice = issue(&mut conn, &signer, addressee)?;
    let id = notice.body.notice_id.to_string();
    let today = node::web::layout::today();
    let t = tracking::track(&mut conn, &id, &settings.unit.id, today)?
        .context("what was just stored is missing")?;
    println!(
        "{what} {id}: {} đơn vị / registered units, hạn / due {}",
        t.units.len(),
        fmt_due(&t.request.due)
    );
    Ok(())
}

fn fmt_due(raw: &str) -> String {
    raw.parse::<NaiveDate>()
        .map_or_else(|_| raw.to_string(), |d| d.format("%d/%m/%Y").to_string())
}

/// The due date from `--due` or `--working-days` (the rule book's calendar, from today).
fn due_of(
    due: Option<NaiveDate>,
    working_days: Option<i32>,
    rules: &config::rules::RuleBook,
    today: NaiveDate,
) -> anyhow::Result<NaiveDate> {
    match (due, working_days) {
        (Some(d), _) => Ok(d),
        (None, Some(n)) if n > 0 => Ok(requests::due_in_working_days(rules, today, n)),
        _ => bail!("give --due yyyy-mm-dd or --working-days N (N > 0)"),
    }
}

fn status(a: StatusArgs) -> anyhow::Result<()> {
    let settings = AggregatorSettings::load(&a.config.config)?;
    let pool = store::open_settings(&settings)?;
    let mut conn = pool.get()?;
    let today = node::web::layout::today();
    let t = tracking::track(&mut conn, &a.id, &settings.unit.id, today)?
        .ok_or_else(|| anyhow!("no request {} here / không có yêu cầu này", a.id))?;
    if a.csv {
        print!("{}", String::from_utf8_lossy(&tracking::csv(&t)));
        return Ok(());
    }
    let (on, late, missing, pending) = t.counts();
    println!(
        "{}: {} đơn vị; đúng hạn {on}, trễ hạn {late}, chưa gửi (quá hạn) {missing}, chưa đến hạn {pending}",
        t.request.title,
        t.units.len()
    );
    Ok(())
}

fn file(a: FileArgs) -> anyhow::Result<()> {
    let settings = AggregatorSettings::load(&a.config.config)?;
    let pool = store::open_settings(&settings)?;
    let mut conn = pool.get()?;
    let sha = if a.sha256.starts_with("sha256:") {
        a.sha256.clone()
    } else {
        format!("sha256:{}", a.sha256)
    };
    let (_, bytes) = store::requests::attachment(&mut conn, &sha)?
        .ok_or_else(|| anyhow!("no attached file {sha} here / không có tệp này"))?;
    std::fs::write(&a.out, &bytes).with_context(|| format!("cannot write {}", a.out.display()))?;
    println!("{} bytes → {}", bytes.len(), a.out.display());
    Ok(())
}

fn notice_file(path: &std::path::Path) -> anyhow::Result<schema::NoticeFile> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let limits = schema::AttachmentLimits {
        max_file_bytes: schema::MAX_DIRECTIVE_FILES_BYTES as u64,
        ..Default::default()
    };
    let r = schema::AttachmentRef::describe(&name, &bytes, &limits).map_err(|e| anyhow!("{e}"))?;
    Ok(schema::NoticeFile {
        name: r.name,
        media_type: r.media_type,
        data: schema::DerBase64::of(&bytes),
    })
}

fn directive(a: DirectiveArgs) -> anyhow::Result<()> {
    let settings = AggregatorSettings::load(&a.config.config)?;
    let rules = node::app::load_rules(&settings.node)?;
    let today = node::web::layout::today();
    let due = due_of(a.due, a.working_days, rules, today)?;
    let files = a
        .files
        .iter()
        .map(|p| notice_file(p))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let directive = schema::Directive {
        number: Line::parse(&a.number).map_err(|e| anyhow!("--number: {e}"))?,
        issued_on: a.issued_on.unwrap_or(today),
        title: Line::parse(&a.title).map_err(|e| anyhow!("--title: {e}"))?,
        summary: a
            .summary
            .as_deref()
            .map(schema::Text::parse)
            .transpose()
            .map_err(|e| anyhow!("--summary: {e}"))?,
        disseminate: a.disseminate,
        due,
        files: schema::BoundedVec::parse(files).map_err(|e| anyhow!("--file: at most 5: {e}"))?,
    };
    directive
        .validate(today)
        .map_err(|e| anyhow!("the directive is not valid: {e}"))?;
    publish(
        &settings,
        &a.to,
        "Đã gửi văn bản chỉ đạo / directive sent",
        |c, signer, to| requests::issue_directive(c, signer, to, directive, "cli"),
    )
}
