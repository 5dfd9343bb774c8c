//! `bmnn-node export-bundle` and `import-receipts`: the air-gapped path from the command line
//! (the web UI offers the same on its transfer page). Reports held because they are above
//! every link's classification are encrypted to the aggregator's certificate and signed into a
//! transfer bundle for a secure USB drive; the receipt bundle the aggregator gives back marks
//! them delivered. Rows stay `held` until their receipt is imported, so an exported bundle
//! that never arrives loses nothing.

use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::PathBuf;

use anyhow::{bail, Context as _};
use clap::Args;
use config::settings::NodeSettings;

use crate::app::Node;
use crate::bundle::{self, MAX_BUNDLE_BYTES};
use crate::tls::TlsMaterial;

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The node's settings file.
    #[arg(long, env = "BMNN_CONFIG")]
    pub config: PathBuf,
    /// The receiving aggregator's certificate chain (PEM, leaf first), as its PA03 office
    /// hands it out.
    #[arg(long)]
    pub recipient: PathBuf,
    /// Where to write the bundle (e.g. on the secure USB drive).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The node's settings file.
    #[arg(long, env = "BMNN_CONFIG")]
    pub config: PathBuf,
    /// The receipt bundle from the aggregator.
    #[arg(long = "in")]
    pub input: PathBuf,
}

fn open(config: &std::path::Path) -> anyhow::Result<(Node, schema::Trust)> {
    let settings = NodeSettings::load(config)?;
    let trust = TlsMaterial::load(&settings.tls)?.trust()?;
    Ok((Node::open(settings)?, trust))
}

pub fn export(args: ExportArgs) -> anyhow::Result<()> {
    let (node, trust) = open(&args.config)?;
    let chain: Vec<Vec<u8>> = config::pki::load_certs(&args.recipient)?
        .iter()
        .map(|c| c.to_vec())
        .collect();
    let mut conn = node.pool.get()?;
    let exported = bundle::export_held(&mut conn, &node.signer, &trust, &chain, "cli")
        .with_context(|| format!("cannot export to {}", args.recipient.display()))?;
    let Some(exported) = exported else {
        println!(
            "Không có báo cáo nào cần chuyển bằng USB / nothing is held for a transfer bundle"
        );
        return Ok(());
    };
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&args.out)
        .with_context(|| {
            format!(
                "cannot create {} (it must not exist yet)",
                args.out.display()
            )
        })?;
    f.write_all(&schema::encode(&exported.bundle))?;
    f.sync_all()?;
    let n = exported.report_ids.len();
    println!(
        "Đã xuất {n} báo cáo / exported {n} reports to {}",
        args.out.display()
    );
    Ok(())
}

pub fn import(args: ImportArgs) -> anyhow::Result<()> {
    let (node, trust) = open(&args.config)?;
    let len = std::fs::metadata(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?
        .len();
    if len > MAX_BUNDLE_BYTES {
        bail!(
            "{} is {len} bytes; a receipt bundle is at most {MAX_BUNDLE_BYTES}",
            args.input.display()
        );
    }
    let bytes = std::fs::read(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let mut conn = node.pool.get()?;
    let n = bundle::import_receipts(&mut conn, &trust, &node.settings.unit.id, &bytes, "cli")
        .with_context(|| format!("cannot import {}", args.input.display()))?;
    println!(
        "Đã nhập {0} biên nhận / imported {0} receipts; {1} for reports this node does not have",
        n.imported, n.unknown
    );
    println!(
        "Thông báo mới / new notices: {}; bị từ chối / refused: {}",
        n.notices, n.refused_notices
    );
    Ok(())
}
