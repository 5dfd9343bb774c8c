//! Relaying notices down: an aggregator with a parent pulls its notices with the node's
//! puller (its own node store, `relay.db`), and every verified notice that concerns a unit
//! below it is countersigned and stored in the aggregator's store, where its children pull
//! it — the same machinery as a node's, the other direction. Storing is idempotent by notice
//! id and happens before the puller moves its cursor, so a crash relays nothing twice and
//! loses nothing.

use anyhow::{anyhow, Context as _};
use schema::{Notice, Signer, UnitId, VerifiedNotice};

use crate::store::{notices, DbPool};

/// The sink the aggregator's own puller hands verified notices to.
pub struct RelayDown {
    pub unit: UnitId,
    pub signer: std::sync::Arc<Signer>,
    pub pool: DbPool,
}

impl std::fmt::Debug for RelayDown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RelayDown")
            .field("unit", &self.unit)
            .finish_non_exhaustive()
    }
}

impl node::puller::NoticeSink for RelayDown {
    fn relay(&self, notice: &Notice, _verified: &VerifiedNotice) -> anyhow::Result<()> {
        // Addressed to this aggregator alone: it applies it, nobody below needs it.
        if notice.body.addressee.single() == Some(&self.unit) {
            return Ok(());
        }
        let mut down = notice.clone();
        down.countersign(&self.signer)
            .map_err(|e| anyhow!("cannot countersign notice {}: {e}", notice.body.notice_id))?;
        let mut conn = self.pool.get().context("the aggregator's store")?;
        let id = notice.body.notice_id.to_string();
        conn.write_transaction(|c| -> anyhow::Result<()> {
            notices::lock(c)?;
            if notices::insert_new(c, &down)? {
                let detail = format!("{} from {}", notice.body.kind, notice.body.issuer);
                node::db::audit::append(c, "system", "notice_relayed", &id, &detail)?;
            }
            Ok(())
        })
    }
}
