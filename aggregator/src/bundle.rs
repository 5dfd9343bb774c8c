//! The air-gapped path at the aggregator: a transfer bundle a node wrote to a secure USB
//! drive is opened (the node's signature checked, then decrypted with this aggregator's key),
//! every envelope in it goes through the same ingest as over the network (the bundle's
//! signer is the peer), and the answer is a receipt bundle for the drive: the receipts, and
//! every notice this aggregator holds for the unit, so a unit without a network link gets
//! its reviews too. The node stores notices once by id, so sending all of them each time is
//! safe; they are bounded by [`MAX_BUNDLED_NOTICES`].

use anyhow::{anyhow, Context as _};
use node::bundle::{ReceiptBundle, TransferBundle, RECEIPTS_FORMAT};
use schema::{BoundedVec, Notice, Receipt, UnitId, UnixTime};

use crate::ingest::Ingest;
use crate::store::{notices, DbPool};

/// Most notices carried in one receipt bundle (the newest are kept).
pub const MAX_BUNDLED_NOTICES: usize = 10_000;

/// What importing a transfer bundle gave.
#[derive(Debug)]
pub struct Imported {
    pub answer: ReceiptBundle,
    /// Envelopes refused, with the reason (report id and the ingest's message).
    pub refused: Vec<(String, String)>,
}

/// Opens `bytes` as a transfer bundle for `ingest.unit`, ingests every envelope and builds
/// the receipt bundle (receipts and notices) for the node that sent it.
pub fn import(ingest: &Ingest, key_pkcs8: &[u8], bytes: &[u8]) -> anyhow::Result<Imported> {
    let bundle: TransferBundle =
        schema::decode(bytes).map_err(|e| anyhow!("not a transfer bundle: {e}"))?;
    let sealed = bundle
        .open_with_files(
            &ingest.unit,
            key_pkcs8,
            &ingest.trust.current(),
            UnixTime::now(),
        )
        .map_err(|e| anyhow!("the transfer bundle is refused: {e}"))?;
    // The files first (each matched its digest on opening), as over the network.
    let mut conn = ingest.pool.get()?;
    for f in &sealed.files {
        let Some(media) = schema::MediaType::sniff(&f.data.0) else {
            continue; // Not an allowed type: the envelope naming it is refused below.
        };
        crate::store::requests::put_attachment(
            &mut conn,
            f.sha256.as_str(),
            media.mime(),
            &f.data.0,
        )?;
    }
    drop(conn);
    let envelopes = sealed.envelopes;
    let from = bundle.body.from.clone();
    let mut receipts: Vec<Receipt> = Vec::new();
    let mut refused = Vec::new();
    for env in &envelopes {
        match ingest.process_bundled(&from, &schema::encode(env)) {
            Ok(r) => receipts.push(r),
            Err(e) => {
                ingest.record_refusal(&Some(from.clone()), e.code());
                refused.push((env.body.report_id.to_string(), e.to_string()));
            }
        }
    }
    let notices = notices_of(&ingest.pool, &from)?;
    Ok(Imported {
        answer: ReceiptBundle {
            format: RECEIPTS_FORMAT.into(),
            from: ingest.unit.clone(),
            to: from,
            receipts: BoundedVec::parse(receipts).map_err(|e| anyhow!("{e}"))?,
            notices,
        },
        refused,
    })
}

/// Every notice held here for `unit` or a unit under it, oldest first (at most the newest
/// [`MAX_BUNDLED_NOTICES`]).
pub fn notices_of(pool: &DbPool, unit: &UnitId) -> anyhow::Result<Vec<Notice>> {
    let mut conn = pool.get().context("the aggregator's store")?;
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let rows = notices::after_for(&mut conn, unit.as_str(), after, 500)?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        out.extend(
            rows.iter()
                .filter(|r| notices::concerns(r, unit))
                .filter_map(notices::NoticeRow::notice),
        );
    }
    let skip = out.len().saturating_sub(MAX_BUNDLED_NOTICES);
    Ok(out.split_off(skip))
}
