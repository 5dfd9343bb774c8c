//! `bmnn-aggregator plan --config aggregator.toml --campaign campaign.toml --out DIR
//! [--today DATE] [--dry-run]`: scores the units of the campaign's scope from the store, plans
//! the campaign (deterministic for its seed), writes the plan (DOCX, HTML), one iCalendar per
//! team, the notices (`.eml`), its summary (JSON) and the scores (CSV) into `DIR`, and stores
//! the plan with its visits and notices so the schedule can send each notice on its day.
//! Prints the covered risk against its upper bound and the units left out by reason.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{anyhow, Context as _};
use chrono::NaiveDate;
use clap::Args;
use config::settings::AggregatorSettings;
use config::units::AdminUnits;
use schema::{Tier, UnitId};

use crate::inspection::campaign::CampaignFile;
use crate::inspection::document::{self, Header};
use crate::inspection::output;
use crate::inspection::{self, run};
use crate::store;

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The aggregator's settings file (its [inspection] weights score the units).
    #[arg(long, env = "BMNN_CONFIG")]
    pub config: PathBuf,
    /// The campaign file: campaign, scope, teams, document, notices (see
    /// config/campaign.example.toml).
    #[arg(long)]
    pub campaign: PathBuf,
    /// The folder to write the plan into (created; must not exist or be empty).
    #[arg(long)]
    pub out: PathBuf,
    /// The day to plan on, YYYY-MM-DD (the plan's date unless the campaign sets one); default
    /// today in Asia/Ho_Chi_Minh.
    #[arg(long)]
    pub today: Option<NaiveDate>,
    /// Write the files only: do not store the plan and its notices.
    #[arg(long)]
    pub dry_run: bool,
}

/// Today in Asia/Ho_Chi_Minh.
pub fn today() -> NaiveDate {
    crate::ingest::process::now_vn().date_naive()
}

/// The place in the document's date line: the province's name without "Tỉnh"/"Thành phố",
/// "Hà Nội" for the nation and central bodies.
fn place(own: &UnitId) -> String {
    if matches!(own.tier(), Tier::National | Tier::Central) {
        return "Hà Nội".into();
    }
    let area = own.as_str().split(['.', '/']).next().unwrap_or("");
    UnitId::parse(area)
        .ok()
        .and_then(|p| AdminUnits::embedded().get(&p).map(|u| u.name.clone()))
        .map(|n| {
            n.trim_start_matches("Tỉnh ")
                .trim_start_matches("Thành phố ")
                .to_string()
        })
        .unwrap_or_else(|| own.to_string())
}

pub fn run(args: PlanArgs) -> anyhow::Result<()> {
    let settings = AggregatorSettings::load(&args.config)?;
    let file = CampaignFile::load(&args.campaign)?;
    let model = inspection::risk_model(&settings.inspection)?;
    let rules = node::app::load_rules(&settings.node)?;
    let from = file
        .notices
        .from
        .clone()
        .or_else(|| settings.mail.as_ref().map(|m| m.from.as_str().to_string()))
        .ok_or_else(|| {
            anyhow!(
                "the notices need a sender: set [notices] from in {} or [mail] from in {}",
                args.campaign.display(),
                args.config.display()
            )
        })?;
    let pool = store::open_settings(&settings)?;
    let mut conn = pool.get().context("database")?;
    let today = args.today.unwrap_or_else(today);
    let issuer = settings.unit.name.to_string();
    let own = &settings.unit.id;
    let p = run::prepare(&mut conn, rules, &model, own, &issuer, &file, today)?;
    let header = Header {
        issuer: issuer.clone(),
        place: place(own),
    };
    let doc = document::document(&p, &file, &header)?;
    if !args.dry_run {
        run::check_replaceable(&mut conn, &p.plan_id)?;
    }
    let staged = output::stage(&args.out, &p, &doc, file.notices.day_start()?, &from)?;
    if !args.dry_run {
        run::store(&mut conn, &p, "cli")?;
    }
    let files = staged.commit()?;

    let plan = &p.plan;
    let visits = plan.visits().len();
    println!(
        "Kế hoạch / plan {} ({}), seed {}: {visits} lượt kiểm tra / visits, {} đoàn / teams, \
         phương pháp / method {}",
        p.plan_id,
        p.campaign.name,
        plan.seed,
        p.teams.len(),
        match plan.method {
            reports::planning::Method::Exact => "exact (tối ưu)",
            reports::planning::Method::Heuristic => "heuristic (gần đúng)",
        }
    );
    println!(
        "Rủi ro bao phủ / covered risk {:.2} of bound {:.2} ({:.1}%)",
        plan.covered_risk,
        plan.upper_bound,
        plan.bound_ratio() * 100.0
    );
    let summary = reports::planning::summary::summarize(plan, &p.teams);
    for c in &summary.classes {
        println!("  {}", c.sentence_vi);
    }
    let mut reasons: BTreeMap<&str, (usize, String)> = BTreeMap::new();
    for u in &plan.unscheduled {
        let e = reasons
            .entry(u.reason.code())
            .or_insert((0, u.reason.label_vi()));
        e.0 += 1;
    }
    println!(
        "Chưa bố trí / unscheduled: {}",
        plan.unscheduled.len() + p.no_location.len()
    );
    for (code, (n, label)) in &reasons {
        println!("  {code}: {n} ({label})");
    }
    if !p.no_location.is_empty() {
        println!(
            "  no_location: {} (Chưa có tọa độ để lập lịch)",
            p.no_location.len()
        );
    }
    let unaddressed = p.notices.iter().filter(|n| n.recipient.is_none()).count();
    println!(
        "Thông báo / notices: {} ({unaddressed} chưa có địa chỉ thư / without an address){}",
        p.notices.len(),
        p.notices
            .iter()
            .map(|n| n.due_on)
            .min()
            .map(|d| format!(", first due {d}"))
            .unwrap_or_default()
    );
    println!(
        "{} / files in {}: {}",
        if args.dry_run {
            "Chưa lưu kế hoạch (--dry-run) / not stored"
        } else {
            "Đã lưu kế hoạch / plan stored"
        },
        args.out.display(),
        files.len()
    );
    for f in files.iter().filter(|f| !f.starts_with("thong-bao/")) {
        println!("  {f}");
    }
    Ok(())
}
