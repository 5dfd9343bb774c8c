//! `bmnn-aggregator publish-crl --crl FILE [--crl FILE …]`: publishes CRLs down the tree as a
//! signed `trust` notice to this aggregator's whole subtree (children pull it, child
//! aggregators relay it, every tier installs the CRLs and uses them within its reload
//! interval), and installs them here too. Run it after `pki crl`; the nation runs it with
//! every province's CRL, so a revocation reaches every tier, not only the revoking province's.

use std::path::PathBuf;

use anyhow::{anyhow, Context as _};
use clap::Args;
use config::settings::AggregatorSettings;
use node::tls::TlsMaterial;
use schema::{
    Addressee, BoundedVec, DerBase64, Notice, NoticeBody, NoticeId, NoticeKind, TrustUpdate,
};

use crate::store::{self, notices};

#[derive(Debug, Args)]
pub struct PublishCrlArgs {
    #[command(flatten)]
    pub config: super::run::ConfigArg,
    /// A CRL file (PEM; several CRLs may follow each other), repeatable.
    #[arg(long = "crl", required = true)]
    pub crls: Vec<PathBuf>,
}

/// Signs a notice of `kind` to this aggregator's whole subtree and stores it for the
/// children's next pull, audited as `audit` (action, detail), in one transaction.
pub fn publish_to_subtree(
    settings: &AggregatorSettings,
    signer: &schema::Signer,
    kind: &str,
    payload: serde_json::Value,
    audit: (&str, &str),
) -> anyhow::Result<Notice> {
    let body = NoticeBody {
        protocol: schema::Protocol::V1,
        notice_id: NoticeId::random(),
        issuer: settings.unit.id.clone(),
        addressee: Addressee::Subtree {
            root: settings.unit.id.clone(),
        },
        issued_at: node::web::layout::now_local(),
        kind: NoticeKind::parse(kind).map_err(|e| anyhow!("{e}"))?,
        payload,
    };
    let notice = Notice::sign(body, signer).map_err(|e| anyhow!("cannot sign: {e}"))?;
    let pool = store::open_settings(settings)?;
    let mut c = pool.get()?;
    c.write_transaction(|c| -> anyhow::Result<()> {
        notices::lock(c)?;
        notices::insert_new(c, &notice)?;
        let id = notice.body.notice_id.to_string();
        node::db::audit::append(c, "cli", audit.0, &id, audit.1)?;
        Ok(())
    })?;
    Ok(notice)
}

pub fn publish_crl(args: PublishCrlArgs) -> anyhow::Result<()> {
    let settings = AggregatorSettings::load(&args.config.config)?;
    let mut ders = Vec::new();
    for f in &args.crls {
        ders.extend(config::pki::load_crls(f)?.into_iter().map(|c| c.to_vec()));
    }
    for d in &ders {
        config::pki::crl_summary(d).map_err(|e| anyhow!("{e}"))?;
    }
    let signer = TlsMaterial::load(&settings.tls)?.signer()?;
    let update = TrustUpdate {
        crls: BoundedVec::parse(ders.iter().map(|d| DerBase64::of(d)).collect())
            .map_err(|e| anyhow!("at most 64 CRLs in one notice: {e}"))?,
    };
    let notice = publish_to_subtree(
        &settings,
        &signer,
        NoticeKind::TRUST,
        serde_json::to_value(&update)?,
        ("trust_published", &format!("{} CRLs", ders.len())),
    )?;
    let installed = node::trust::installed_dir(&settings.node.data_dir);
    let n = node::trust::install_crls(&installed, &ders).context("cannot install the CRLs here")?;
    println!(
        "Đã phát hành {} CRL xuống các đơn vị trực thuộc (thông báo {}) / published; {n} installed here",
        ders.len(),
        notice.body.notice_id
    );
    Ok(())
}
