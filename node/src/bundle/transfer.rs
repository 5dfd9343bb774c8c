//! Moving bundles in and out of the store, shared by the CLI and the web UI: collect the held
//! reports into a transfer bundle for a verified aggregator certificate, and import a receipt
//! bundle (each receipt verified, stored with the `delivered` mark in one transaction).

use crate::db::any::AnyConn;
use anyhow::{anyhow, bail};
use schema::{Envelope, Signer, Trust, UnitId, UnixTime};

use super::{BundledFile, ReceiptBundle, TransferBundle, RECEIPTS_FORMAT};
use crate::db::{self, audit, outbox, receipts, submissions};

/// What an export produced: the bundle and the report ids inside, or nothing to send.
#[derive(Debug)]
pub struct Exported {
    pub bundle: TransferBundle,
    pub report_ids: Vec<String>,
}

/// Seals every held report into a bundle for the aggregator whose chain (DER, leaf first) is
/// given, after checking that chain against the national root. `None` when nothing is held.
pub fn export_held(
    conn: &mut AnyConn,
    signer: &Signer,
    trust: &Trust,
    recipient_chain: &[Vec<u8>],
    actor: &str,
) -> anyhow::Result<Option<Exported>> {
    let to = trust
        .verify_certificate(recipient_chain, UnixTime::now())
        .map_err(|e| anyhow!("not a valid aggregator certificate of the national PKI: {e}"))?;
    let mut envelopes: Vec<Envelope> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in outbox::held(conn)? {
        if !seen.insert((row.report_id.clone(), row.digest.clone())) {
            continue;
        }
        let s = submissions::get(conn, &row.report_id, &row.digest)?.ok_or_else(|| {
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
        return Ok(None);
    }
    let now = chrono::Utc::now()
        .with_timezone(&config::settings::TIMEZONE)
        .fixed_offset();
    let mut files = Vec::new();
    for a in envelopes.iter().flat_map(|e| e.body.attachments.iter()) {
        if files.iter().any(|f: &BundledFile| f.sha256 == a.sha256) {
            continue;
        }
        let data = crate::db::attachments::bytes(conn, &a.sha256)?
            .ok_or_else(|| anyhow!("the attached file {} is missing from the store", a.sha256))?;
        files.push(BundledFile {
            sha256: a.sha256.clone(),
            data: super::Base64Bytes(data),
        });
    }
    let bundle =
        TransferBundle::seal_with_files(&envelopes, &files, &recipient_chain[0], signer, now)?;
    let report_ids: Vec<String> = envelopes
        .iter()
        .map(|e| e.body.report_id.to_string())
        .collect();
    conn.write_transaction(|c| {
        audit::append(
            c,
            actor,
            "export_bundle",
            to.as_str(),
            &report_ids.join(" "),
        )
    })?;
    Ok(Some(Exported { bundle, report_ids }))
}

/// Counts of an import.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub imported: usize,
    /// Receipts for reports this node does not have (ignored).
    pub unknown: usize,
    /// Notices stored for the first time.
    pub notices: usize,
    /// Notices that failed verification (refused, audited, not stored).
    pub refused_notices: usize,
}

/// Decodes, checks and imports a receipt bundle addressed to `me`. Refuses the whole bundle if
/// any receipt fails verification, so a forged receipt never marks anything delivered. The
/// notices in it are verified one by one as if pulled over a link: the good ones are stored
/// (once by id), the others refused and audited.
pub fn import_receipts(
    conn: &mut AnyConn,
    trust: &Trust,
    me: &UnitId,
    bytes: &[u8],
    actor: &str,
) -> anyhow::Result<Imported> {
    let bundle: ReceiptBundle =
        schema::decode(bytes).map_err(|e| anyhow!("not a receipt bundle: {e}"))?;
    if bundle.format != RECEIPTS_FORMAT || &bundle.to != me {
        bail!(
            "this is a {} bundle for {}, not receipts for {me}",
            bundle.format,
            bundle.to
        );
    }
    for (i, r) in bundle.receipts.iter().enumerate() {
        r.verify(trust, UnixTime::now())
            .map_err(|e| anyhow!("receipt {i} ({}) does not verify: {e}", r.body.report_id))?;
        if &r.body.unit != me {
            bail!("receipt {i} is for {}, not for {me}", r.body.unit);
        }
    }
    let (good, bad) = crate::puller::verify_all(trust, me, bundle.notices.iter().cloned());
    let mut counts = Imported {
        refused_notices: bad.len(),
        ..Default::default()
    };
    conn.write_transaction(|c| -> anyhow::Result<()> {
        counts.notices = crate::puller::store(c, &good, &bad, "bundle")?;
        for r in bundle.receipts.iter() {
            let (rid, dig) = (r.body.report_id.to_string(), r.body.digest.to_string());
            if submissions::get(c, &rid, &dig)?.is_none() {
                counts.unknown += 1;
                continue;
            }
            let now = db::now();
            receipts::insert(c, &receipts::ReceiptRow::of(r, now))?;
            outbox::mark_version_delivered(c, &rid, &dig, now)?;
            audit::append(c, actor, "import_receipt", &rid, r.body.receiver.as_str())?;
            counts.imported += 1;
        }
        Ok(())
    })?;
    Ok(counts)
}
