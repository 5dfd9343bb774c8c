//! `bmnn-aggregator import-bundle --in <transfer bundle> --out <receipt bundle>`: the
//! aggregator's side of the air-gapped path (see [`crate::bundle`]). The receipt bundle is
//! written to a temporary file beside `--out` and renamed, so the drive never holds half a
//! file; the envelopes refused are listed with the reason.

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
    let rules = node::app::load_rules(settings.node.rules_dir.as_deref())?;
    let relay = crate::relay::Relay::open(&settings)?;
    let ingest = Ingest::new(
        &settings,
        tls.signer()?,
        tls.trust()?,
        pool,
        relay.clone(),
        rules,
    );
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
    let tmp = args.out.with_extension("tmp");
    std::fs::write(&tmp, schema::encode(&imported.answer))
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &args.out)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
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
