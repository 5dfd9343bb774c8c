//! `bmnn-aggregator consolidate --period 2026 [--approve-as NAME] [--send]`: shows the
//! consolidated report of this aggregator's subtree for a period (who reported, on time or
//! late, totals). `--approve-as` records the head's approval of the current text (the
//! committee's draft, or the synthesis of the figures when there is none), audited under that
//! name; `--send` signs the approved text with fresh figures and sends it to the parent through
//! the relay's outbox (at once; the receipt is kept in the relay's store). An unapproved
//! report is never sent.

use std::path::PathBuf;

use anyhow::{bail, Context as _};
use clap::Args;
use config::settings::AggregatorSettings;
use schema::ReportingPeriod;

use crate::{consolidation, decision, relay::Relay, store};

#[derive(Debug, Args)]
pub struct ConsolidateArgs {
    /// The aggregator's settings file.
    #[arg(long, env = "BMNN_CONFIG")]
    pub config: PathBuf,
    /// The reporting period, e.g. 2026 (15 Dec 2025 – 14 Dec 2026).
    #[arg(long, value_parser = |s: &str| ReportingPeriod::parse(s).map_err(|e| e.to_string()))]
    pub period: ReportingPeriod,
    /// Approve the current text as this head (name recorded in the audit log).
    #[arg(long)]
    pub approve_as: Option<String>,
    /// Sign the approved consolidated report and send it to the parent.
    #[arg(long)]
    pub send: bool,
}

pub fn run(args: ConsolidateArgs) -> anyhow::Result<()> {
    node::tls::install_crypto_provider();
    let settings = AggregatorSettings::load(&args.config)?;
    let pool = store::open_settings(&settings)?;
    let rules = node::app::load_rules(&settings.node)?;
    let scope = &settings.unit.id;
    let mut conn = pool.get()?;
    let built = consolidation::build(&mut conn, rules, scope, args.period)?;
    let r = &built.report;
    println!(
        "Báo cáo tổng hợp / consolidated report of {scope}, period {}:",
        args.period
    );
    println!(
        "  đơn vị / units: {} expected, {} reported, {} on time (deadline {})",
        r.units_expected,
        r.units_reported,
        r.units_on_time,
        built.deadline.format("%d/%m/%Y")
    );
    for (unit, status) in &built.timeliness.by_unit {
        println!("    {unit}: {}", status.label_vi());
    }
    for i in r.indicators.iter() {
        println!("  {} = {}", i.code, i.value.get());
    }
    if let Some(head) = &args.approve_as {
        if decision::get(&mut conn, args.period)?.is_none() {
            let texts = decision::synthesis(&built);
            decision::save(&mut conn, args.period, &texts, false, head)?;
        }
        decision::approve(&mut conn, args.period, head)?;
        println!("Đã phê duyệt / approved by {head}");
    }
    if !args.send {
        return Ok(());
    }
    let Some(relay) = Relay::open(&settings)? else {
        bail!("this aggregator has no [[upstream]]: the national report goes to the Prime Minister outside this system");
    };
    let env = decision::send_approved(&mut conn, rules, scope, &relay, args.period)
        .context("approve it first in the UI («Báo cáo tổng hợp» → «Soạn và phê duyệt») or with --approve-as")?;
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
