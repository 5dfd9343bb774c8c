//! `bmnn-aggregator serve` (the ingest listener at `[server] listen`) and `status` (what has
//! arrived, by kind and unit).

use std::path::PathBuf;

use clap::Args;
use config::settings::AggregatorSettings;
use config::units::AdminUnits;
use schema::{ReportKind, UnitId};

use crate::store::{self, received};
use crate::Application;

#[derive(Debug, Args)]
pub struct ConfigArg {
    /// The aggregator's settings file (see config/aggregator.example.toml).
    #[arg(long, env = "BMNN_CONFIG")]
    pub config: PathBuf,
}

pub fn serve(args: ConfigArg) -> anyhow::Result<()> {
    let settings = AggregatorSettings::load(&args.config)?;
    let listen = settings.server.listen;
    let settings_ui = settings.node.listen;
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings)?;
        println!(
            "bmnn-aggregator: nhận báo cáo / ingest (mTLS) at https://{}:{}{}",
            listen.ip(),
            app.port(),
            crate::ingest::SUBMISSIONS_PATH
        );
        println!(
            "bmnn-aggregator: giao diện web / web UI at http://{}:{}/",
            settings_ui.ip(),
            app.ui_port()
        );
        app.run_until_stopped().await
    })
}

pub fn status(args: ConfigArg) -> anyhow::Result<()> {
    let settings = AggregatorSettings::load(&args.config)?;
    let url = store::database_url(&settings);
    let pool = store::open_url(&url)?;
    let mut conn = pool.get()?;
    let counts = received::counts_by_kind_and_unit(&mut conn)?;
    println!("Đơn vị / unit: {} {}", settings.unit.id, settings.unit.name);
    println!("Cơ sở dữ liệu / database: {}", url.redacted());
    let tls = node::tls::TlsMaterial::load(&settings.tls)?;
    let installed = node::trust::installed_dir(&settings.node.data_dir);
    let crls = tls.live_trust(&settings.tls, Some(&installed))?.status();
    crls.lines().iter().for_each(|l| println!("{l}"));
    let reports: i64 = counts.iter().map(|c| c.reports).sum();
    let versions: i64 = counts.iter().map(|c| c.versions).sum();
    println!("Báo cáo đã nhận / reports received: {reports} (phiên bản / versions: {versions})");
    let mut kind = None;
    for c in &counts {
        if kind.as_ref() != Some(&c.kind) {
            let label = ReportKind::parse(&c.kind).map_or("", |k| k.label_vi());
            println!("  {label} ({})", c.kind);
            kind = Some(c.kind.clone());
        }
        println!(
            "    {:<24} {:<36} {:>5} báo cáo / reports, {:>5} phiên bản / versions",
            c.unit,
            unit_name(&c.unit),
            c.reports,
            c.versions
        );
    }
    Ok(())
}

/// The official name of a 2025 unit (for agencies, of the area they sit in), if known.
fn unit_name(raw: &str) -> String {
    let Ok(id) = UnitId::parse(raw) else {
        return String::new();
    };
    let area = raw.split('/').next().unwrap_or(raw);
    let units = AdminUnits::embedded();
    units
        .get(&id)
        .or_else(|| UnitId::parse(area).ok().and_then(|a| units.get(&a)))
        .map(|u| u.name.clone())
        .unwrap_or_default()
}
