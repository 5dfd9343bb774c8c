//! `bmnn-aggregator demo`: the whole federation on one machine, in one process. Makes (or
//! reuses) a PKI and settings under `--dir` ([`setup`]), the nodes' databases and users
//! ([`accounts`]), then runs Đồng Nai's aggregator and two commune nodes' web UIs (each with
//! its outbox pusher) on one actix System, prints where to click ([`banner`]) and serves until
//! Ctrl-C. See `docs/demo.md`.

pub mod accounts;
pub mod banner;
pub mod setup;

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
    /// First of four consecutive ports: the aggregator's ingest (mTLS), the two nodes' web
    /// UIs, and one reserved for the aggregator's web UI.
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
    let agg_settings = AggregatorSettings::load(&site.aggregator_config)?;
    let mut saved = accounts::Saved::load(&site.dir)?;
    let mut nodes = Vec::new();
    for n in &site.nodes {
        let settings = NodeSettings::load(&n.config)?;
        let logins = accounts::ensure_users(&settings, args.password.as_deref(), &mut saved)
            .with_context(|| format!("cannot prepare the users of node {}", n.unit))?;
        nodes.push((n.clone(), settings, logins));
    }
    saved.save()?;

    actix_web::rt::System::new().block_on(async move {
        let hint = "chọn cổng khác bằng / choose other ports with --port-base";
        let aggregator = crate::Application::build(agg_settings)
            .with_context(|| format!("cannot start the aggregator ({hint})"))?;
        let mut apps = Vec::new();
        let mut shown = Vec::new();
        for (site_node, settings, logins) in nodes {
            let app = node::app::Application::build(settings)
                .with_context(|| format!("cannot start node {} ({hint})", site_node.unit))?;
            shown.push((site_node, logins));
            apps.push(app);
        }
        banner::print(&site, aggregator.port(), &shown);
        let mut runs: Vec<Pin<Box<dyn Future<Output = anyhow::Result<()>>>>> =
            vec![Box::pin(aggregator.run_until_stopped())];
        for app in apps {
            runs.push(Box::pin(app.run_until_stopped()));
        }
        futures_util::future::try_join_all(runs).await?;
        println!("Đã dừng / stopped.");
        Ok(())
    })
}
