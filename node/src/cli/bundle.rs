//! `bmnn-node export-bundle` and `import-receipts`: the air-gapped path. Reports held because
//! they are above every link's classification are encrypted to the aggregator's certificate
//! and signed into a transfer bundle for a secure USB drive; the receipt bundle the aggregator
//! gives back marks them delivered. Rows stay `held` until their receipt is imported, so an
//! exported bundle that never arrives loses nothing.

use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context as _};
use clap::Args;
use config::settings::NodeSettings;
use schema::{Envelope, UnixTime};

use crate::app::Node;
use crate::bundle::{ReceiptBundle, TransferBundle, MAX_BUNDLE_BYTES, RECEIPTS_FORMAT};
use crate::db::{self, audit, outbox, receipts, submissions};
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

pub fn export(args: ExportArgs) -> anyhow::Result<()> {
    let settings = NodeSettings::load(&args.config)?;
    let tls = TlsMaterial::load(&settings.tls)?;
    let node = Node::open(settings)?;
    let chain: Vec<Vec<u8>> = config::pki::load_certs(&args.recipient)?
        .iter()
        .map(|c| c.to_vec())
        .collect();
    let to = tls
        .trust()?
        .verify_certificate(&chain, UnixTime::now())
        .map_err(|e| {
            anyhow!(
                "{} is not a valid aggregator certificate of the national PKI: {e}",
                args.recipient.display()
            )
        })?;
    let mut conn = node.pool.get()?;
    let mut envelopes: Vec<Envelope> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in outbox::held(&mut conn)? {
        if !seen.insert((row.report_id.clone(), row.digest.clone())) {
            continue;
        }
        let s = submissions::get(&mut conn, &row.report_id, &row.digest)?.ok_or_else(|| {
            anyhow!(
                "report {} is held but missing from the store",
                row.report_id
            )
        })?;
        envelopes.push(
            schema::decode(s.envelope.as_bytes())
                .map_err(|e| anyhow!("stored envelope {}: {e}", row.report_id))?,
        );
    }
    if envelopes.is_empty() {
        println!(
            "Không có báo cáo nào cần chuyển bằng USB / nothing is held for a transfer bundle"
        );
        return Ok(());
    }
    let now = chrono::Utc::now()
        .with_timezone(&config::settings::TIMEZONE)
        .fixed_offset();
    let bundle = TransferBundle::seal(&envelopes, &chain[0], &node.signer, now)?;
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
    f.write_all(&schema::encode(&bundle))?;
    f.sync_all()?;
    let ids: Vec<&str> = envelopes
        .iter()
        .map(|e| e.body.report_id.as_str())
        .collect();
    conn.immediate_transaction(|c| {
        audit::append(c, "cli", "export_bundle", &to.to_string(), &ids.join(" "))
    })?;
    println!(
        "Đã xuất {} báo cáo cho {to} / exported {} reports to {}",
        envelopes.len(),
        envelopes.len(),
        args.out.display()
    );
    Ok(())
}

pub fn import(args: ImportArgs) -> anyhow::Result<()> {
    let settings = NodeSettings::load(&args.config)?;
    let tls = TlsMaterial::load(&settings.tls)?;
    let node = Node::open(settings)?;
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
    let bundle: ReceiptBundle = schema::decode(&bytes)
        .map_err(|e| anyhow!("{} is not a receipt bundle: {e}", args.input.display()))?;
    if bundle.format != RECEIPTS_FORMAT || bundle.to != node.settings.unit.id {
        bail!(
            "{} is a {} bundle for {}, not receipts for {}",
            args.input.display(),
            bundle.format,
            bundle.to,
            node.settings.unit.id
        );
    }
    let trust = tls.trust()?;
    let mut conn = node.pool.get()?;
    let (mut imported, mut unknown) = (0, 0);
    for (i, r) in bundle.receipts.iter().enumerate() {
        r.verify(&trust, UnixTime::now())
            .map_err(|e| anyhow!("receipt {i} ({}) does not verify: {e}", r.body.report_id))?;
        let (rid, dig) = (r.body.report_id.to_string(), r.body.digest.to_string());
        if submissions::get(&mut conn, &rid, &dig)?.is_none() {
            unknown += 1;
            continue;
        }
        conn.immediate_transaction(|c| -> anyhow::Result<()> {
            let now = db::now();
            receipts::insert(
                c,
                &receipts::ReceiptRow {
                    report_id: rid.clone(),
                    digest: dig.clone(),
                    receiver: r.body.receiver.to_string(),
                    received_at: r.body.received_at.to_rfc3339(),
                    outcome: serde_json::to_value(r.body.outcome)?
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    receipt: String::from_utf8(schema::encode(r))?,
                    stored_at: now,
                },
            )?;
            outbox::mark_version_delivered(c, &rid, &dig, now)?;
            audit::append(
                c,
                "cli",
                "import_receipt",
                &rid,
                &r.body.receiver.to_string(),
            )?;
            Ok(())
        })?;
        imported += 1;
    }
    println!("Đã nhập {imported} biên nhận / imported {imported} receipts; {unknown} for reports this node does not have");
    Ok(())
}
