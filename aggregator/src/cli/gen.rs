//! `bmnn-aggregator gen`: fills the aggregator's store with synthetic history (see
//! [`crate::gen`]) for benchmarks and larger demos, with a progress bar.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use config::settings::AggregatorSettings;
use node::tls::TlsMaterial;

use crate::gen::{self, Spec};
use crate::store;

#[derive(Debug, Args)]
pub struct GenArgs {
    /// The aggregator's settings file.
    #[arg(long, env = "BMNN_CONFIG")]
    pub config: PathBuf,
    /// Reporting units wanted under the scope (agencies are added to the registry).
    #[arg(long, default_value_t = 50_000)]
    pub units: usize,
    /// Annual periods of history, the last one being `--last-year`.
    #[arg(long, default_value_t = 10)]
    pub years: u32,
    #[arg(long, default_value_t = 2026)]
    pub last_year: i32,
    /// Indicators per report (the rule pack's, then synthetic ones).
    #[arg(long, default_value_t = 40)]
    pub indicators: usize,
    /// Seed of the generator: the same seed gives the same history.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// At the nation: every province's consolidated report per year and `--units` central
    /// agencies under TW with their annual reports (instead of unit-level annual reports).
    #[arg(long)]
    pub nation: bool,
}

pub fn run(args: GenArgs) -> anyhow::Result<()> {
    if args.years == 0 || args.years > 30 {
        bail!("--years must be between 1 and 30");
    }
    if args.indicators > 256 {
        bail!("--indicators must be at most 256 (the contract's bound)");
    }
    let settings = AggregatorSettings::load(&args.config)?;
    let pool = store::open_settings(&settings)?;
    let signer = TlsMaterial::load(&settings.tls)?.signer()?;
    let rules = node::app::load_rules(&settings.node)?;
    let mut conn = pool.get()?;
    if args.nation {
        if settings.unit.id != schema::UnitId::national() {
            bail!(
                "--nation is for the national aggregator (unit VN), not {}",
                settings.unit.id
            );
        }
        let spec = gen::NationSpec {
            central: args.units.min(1_000),
            years: args.years,
            last_year: args.last_year,
            seed: args.seed,
            skip: Vec::new(),
        };
        let progress = gen::progress_bar("Sinh dữ liệu toàn quốc / generating");
        let done = gen::nation(&mut conn, rules, &signer, &spec, progress)?;
        println!(
            "Đã sinh / generated: {} central agencies, {} reports stored",
            done.agencies_added, done.reports
        );
        return Ok(());
    }
    let spec = Spec {
        units: args.units,
        years: args.years,
        last_year: args.last_year,
        indicators: args.indicators,
        seed: args.seed,
    };
    let done = gen::generate(
        &mut conn,
        rules,
        &settings.unit.id,
        &signer,
        &spec,
        gen::progress_bar("Sinh dữ liệu / generating"),
    )?;
    println!(
        "Đã sinh / generated: {} agencies added, {} annual reports stored, {} left missing",
        done.agencies_added, done.reports, done.missing
    );
    Ok(())
}
