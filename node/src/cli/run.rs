//! `bmnn-node serve`, `push` and `status`: run the node, flush the outbox and pull the
//! parents' notices once (for scripts and cron), and show what is queued, delivered, rejected
//! or held.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use config::settings::NodeSettings;

use crate::app::{Application, Node};
use crate::db;

#[derive(Debug, Args)]
pub struct ConfigArg {
    /// The node's settings file (see config/node.example.toml).
    #[arg(long, env = "BMNN_CONFIG")]
    pub config: PathBuf,
}

#[derive(Debug, Args)]
pub struct PushArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    /// Also retry reports now that are waiting for their backoff delay.
    #[arg(long)]
    pub retry_now: bool,
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

pub fn serve(args: ConfigArg) -> anyhow::Result<()> {
    let settings = NodeSettings::load(&args.config)?;
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(settings)?;
        println!(
            "bmnn-node: giao diện / web UI at http://127.0.0.1:{}/",
            app.port()
        );
        app.run_until_stopped().await
    })
}

pub fn push(args: PushArgs) -> anyhow::Result<()> {
    let node = Node::open(NodeSettings::load(&args.config.config)?)?;
    if args.retry_now {
        let mut conn = node.pool.get()?;
        db::outbox::make_all_due(&mut conn, db::now())?;
    }
    let rt = runtime()?;
    let report = rt.block_on(node.pusher.push_once())?;
    println!(
        "đã gửi / delivered: {}, chờ gửi lại / to retry: {}, bị từ chối / rejected: {}",
        report.delivered, report.retried, report.rejected
    );
    let pulled = rt.block_on(node.pusher.pull_once());
    println!(
        "thông báo mới / new notices: {}, đã có / known: {}, bị từ chối / refused: {}, \
         đường truyền lỗi / links failed: {}",
        pulled.stored, pulled.known, pulled.refused, pulled.failed
    );
    Ok(())
}

pub fn status(args: ConfigArg) -> anyhow::Result<()> {
    let settings = NodeSettings::load(&args.config)?;
    let node = Node::open(settings)?;
    let mut conn = node.pool.get()?;
    println!(
        "Đơn vị / unit: {} {}",
        node.settings.unit.id, node.settings.unit.name
    );
    println!(
        "Báo cáo đã ký / signed reports: {}",
        db::submissions::count(&mut conn)?
    );
    println!("Biên nhận / receipts: {}", db::receipts::count(&mut conn)?);
    for (state, n) in db::outbox::counts(&mut conn)? {
        println!("Hàng đợi / outbox {state}: {n}");
    }
    for row in db::outbox::problems(&mut conn, 20)? {
        println!(
            "  {} {} on {}: {} (attempts {})",
            row.state,
            row.report_id,
            row.link,
            row.last_error.as_deref().unwrap_or(""),
            row.attempts
        );
    }
    match db::audit::verify_chain(&mut conn)? {
        None => println!("Nhật ký kiểm toán / audit log: intact"),
        Some(seq) => println!("Nhật ký kiểm toán / audit log: BROKEN at entry {seq}"),
    }
    node.trust
        .status()
        .lines()
        .iter()
        .for_each(|l| println!("{l}"));
    Ok(())
}
