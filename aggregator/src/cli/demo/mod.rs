//! `bmnn-aggregator demo`: the whole federation on one machine, in one process. Makes (or
//! reuses) a PKI and settings under `--dir` ([`setup`], [`toml`]), seeds several years of
//! history on the first run ([`seed`]), makes the demo users of every node and of every
//! aggregator's web UI ([`accounts`]), then runs the national aggregator, Đồng Nai's and Hà
//! Tĩnh's (which relay to it) and the nodes of a few communes and departments (each with its
//! outbox pusher) on one actix System, prints where to click ([`banner`]) and serves until
//! Ctrl-C. See `docs/demo.md`.

pub mod accounts;
pub mod banner;
pub mod inflight;
pub mod seed;
pub mod setup;
pub mod toml;

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use anyhow::Context as _;
use clap::Args;
use config::settings::{AggregatorSettings, NodeSettings};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Directory for everything the demo makes (keys, settings, databases); reused when it
    /// exists, keys are never overwritten.
    #[arg(long, default_value = "demo-data")]
    pub dir: PathBuf,
    /// First of 13 consecutive ports: the nation's ingest (mTLS) and web UI (+0, +1), Đồng
    /// Nai's (+2, +3), Hà Tĩnh's (+4, +5), then the seven nodes' web UIs (+6 … +12).
    #[arg(long, default_value_t = 8440)]
    pub port_base: u16,
    /// Password for every demo user (at least 10 characters); resets existing demo users to
    /// it. Without it, new users get random passwords.
    #[arg(long, env = "BMNN_DEMO_PASSWORD")]
    pub password: Option<String>,
}

pub fn run(args: DemoArgs) -> anyhow::Result<()> {
    if let Some(pw) = &args.password {
        accounts::check_password(pw)?;
    }
    let site = setup::prepare(&args.dir, args.port_base)?;
    let mut saved = accounts::Saved::load(&site.dir)?;
    let mut aggregators = Vec::new();
    for a in &site.aggregators {
        if seed::aggregator(a).with_context(|| format!("cannot seed the aggregator {}", a.unit))? {
            eprintln!("Đã tạo dữ liệu mẫu / seeded: {} ({})", a.area, a.unit);
        }
        let settings = AggregatorSettings::load(&a.config)?;
        let logins = accounts::ensure_ui_users(&settings, args.password.as_deref(), &mut saved)
            .with_context(|| format!("cannot prepare the users of aggregator {}", a.unit))?;
        aggregators.push((a.clone(), settings, logins));
    }
    let mut nodes = Vec::new();
    for n in &site.nodes {
        let settings = NodeSettings::load(&n.config)?;
        let logins = accounts::ensure_users(&settings, args.password.as_deref(), &mut saved)
            .with_context(|| format!("cannot prepare the users of node {}", n.unit))?;
        seed::node(&settings).with_context(|| format!("cannot seed node {}", n.unit))?;
        nodes.push((n.clone(), settings, logins));
    }
    saved.save()?;

    actix_web::rt::System::new().block_on(async move {
        let hint = "chọn cổng khác bằng / choose other ports with --port-base";
        let mut runs: Vec<Pin<Box<dyn Future<Output = anyhow::Result<()>>>>> = Vec::new();
        let mut shown_aggs = Vec::new();
        for (a, settings, logins) in aggregators {
            let app = crate::Application::build(settings)
                .with_context(|| format!("cannot start the aggregator {} ({hint})", a.unit))?;
            shown_aggs.push((a, logins));
            runs.push(Box::pin(app.run_until_stopped()));
        }
        let mut shown_nodes = Vec::new();
        for (n, settings, logins) in nodes {
            let app = node::app::Application::build(settings)
                .with_context(|| format!("cannot start node {} ({hint})", n.unit))?;
            shown_nodes.push((n, logins));
            runs.push(Box::pin(app.run_until_stopped()));
        }
        banner::print(&site, &shown_aggs, &shown_nodes);
        futures_util::future::try_join_all(runs).await?;
        println!("Đã dừng / stopped.");
        Ok(())
    })
}
