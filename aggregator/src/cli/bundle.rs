//! `bmnn-aggregator import-bundle --in <transfer bundle> --out <receipt bundle>`: the
//! aggregator's side of the air-gapped path (see [`crate::bundle`]); `notices-bundle --unit
//! <id> --out <file>` writes a receipt bundle with no receipts, only the unit's notices (a
//! returned report reaches an air-gapped unit without waiting for its next transfer). Files
//! are written to a temporary name beside `--out` and renamed, so the drive never holds half
//! a file; the envelopes refused are listed with the reason.

use std::path::PathBuf;

use anyhow::{anyhow, Context as _};
use clap::Args;
use config::settings::AggregatorSettings;
use node::tls::TlsMaterial;

use crate::ingest::Ingest;
use crate::store;

#[derive(Debug, Args)]
pub struct ImportBundleArgs {
    #[command(flatten)]
    pub config: super::run::ConfigArg,
    /// The transfer bundle a node exported (`bmnn-node export-bundle`).
    #[arg(long = "in")]
    pub input: PathBuf,
    /// Where to write the receipt bundle for the node (`bmnn-node import-receipts`).
    #[arg(long)]
    pub out: PathBuf,
}

pub fn import_bundle(args: ImportBundleArgs) -> anyhow::Result<()> {
    let settings = AggregatorSettings::load(&args.config.config)?;
    let pool = store::open_settings(&settings)?;
    let tls = TlsMaterial::load(&settings.tls)?;
    let key = tls
        .key_pkcs8()
        .ok_or_else(|| anyhow!("the aggregator's key must be PKCS#8 Ed25519"))?
        .to_vec();
    let rules = std::sync::Arc::new(node::rulebook::LiveRules::fixed(node::app::load_rules(
        &settings.node,
    )?));
    let relay = crate::relay::Relay::open(&settings)?;
    let installed = node::trust::installed_dir(&settings.node.data_dir);
    let live = std::sync::Arc::new(tls.live_trust(&settings.tls, Some(&installed))?);
    let ingest = Ingest::new(&settings, tls.signer()?, live, pool, relay.clone(), rules);
    let size = std::fs::metadata(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?
        .len();
    if size > node::bundle::MAX_BUNDLE_BYTES {
        return Err(anyhow!(
            "{} is {size} bytes; a bundle is at most {} bytes",
            args.input.display(),
            node::bundle::MAX_BUNDLE_BYTES
        ));
    }
    let bytes = std::fs::read(&args.input)?;
    let imported = crate::bundle::import(&ingest, &key, &bytes)
        .with_context(|| format!("cannot import {}", args.input.display()))?;
    write_atomically(&args.out, &schema::encode(&imported.answer))?;
    if let Some(relay) = relay {
        // Incidents forwarded while importing: send them now.
        actix_web::rt::System::new().block_on(relay.push_once())?;
    }
    let a = &imported.answer;
    println!(
        "Đã nhận {} báo cáo từ {} / {} reports stored; biên nhận và {} thông báo ghi vào {} / receipts and notices written",
        a.receipts.len(),
        a.to,
        a.receipts.len(),
        a.notices.len(),
        args.out.display()
    );
    for (id, why) in &imported.refused {
        println!("  Từ chối / refused {id}: {why}");
    }
    Ok(())
}

fn write_atomically(out: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = out.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, out).with_context(|| format!("cannot write {}", out.display()))
}

#[derive(Debug, Args)]
pub struct NoticesBundleArgs {
    #[command(flatten)]
    pub config: super::run::ConfigArg,
    /// The unit the bundle is for (a unit below this aggregator).
    #[arg(long)]
    pub unit: schema::UnitId,
    /// Where to write the bundle (`bmnn-node import-receipts` reads it).
    #[arg(long)]
    pub out: PathBuf,
}

pub fn notices_bundle(args: NoticesBundleArgs) -> anyhow::Result<()> {
    let settings = AggregatorSettings::load(&args.config.config)?;
    let me = settings.unit.id.clone();
    if args.unit == me || !me.contains(&args.unit) {
        return Err(anyhow!("{} is not below this aggregator ({me})", args.unit));
    }
    let pool = store::open_settings(&settings)?;
    let notices = crate::bundle::notices_of(&pool, &args.unit)?;
    let bundle = node::bundle::ReceiptBundle {
        format: node::bundle::RECEIPTS_FORMAT.into(),
        from: me,
        to: args.unit.clone(),
        receipts: schema::BoundedVec::empty(),
        notices,
    };
    write_atomically(&args.out, &schema::encode(&bundle))?;
    println!(
        "Đã ghi {} thông báo cho {} vào {} / notices written",
        bundle.notices.len(),
        args.unit,
        args.out.display()
    );
    Ok(())
}
