//! What happens to one submission, in order: decode (`malformed`), verify every signature at
//! the time of receipt (`VerifyError` codes), check the unit is strictly below this aggregator
//! (`outside_subtree`) and, once the unit registry is loaded, that the registry has it under
//! this aggregator during the report's period (`unknown_unit`), that the TLS peer is the unit
//! itself or a relay that countersigned (`wrong_peer`), validate, first the contract's rules
//! and then the rule pack in force on the period's last day (`invalid_report`), then prepare
//! (the envelope's stored text, and the receipt it gets if it is new, signed here in parallel
//! with other submissions) and store idempotently by group commit ([`super::batch`]):
//!
//! - same report id and digest already stored → `duplicate`, with the stored `received_at`
//!   (a retry never resets timeliness);
//! - another version stored → `conflict`, unless `supersedes` names the latest stored version
//!   → `amended`; a report id is never taken over by another unit;
//! - nothing stored → `accepted`.
//!
//! Incident reports are then handed to the relay (countersigned, queued for the parent) before
//! the receipt is returned.
//!
//! Runs on a blocking thread (decoding, signature checks and SQLite are all synchronous).

use chrono::{DateTime, FixedOffset, SecondsFormat, Timelike as _, Utc};
use schema::{Digest, Envelope, Protocol, Receipt, ReceiptBody, ReceiptOutcome, UnitId, UnixTime};

use super::{Ingest, IngestError};

/// Vietnam's offset, +07:00 (no daylight saving).
pub fn vn_offset() -> FixedOffset {
    FixedOffset::east_opt(7 * 3600).expect("+07:00 is a valid offset")
}

/// Now in +07:00, to the second: what a receipt's `received_at` says.
pub fn now_vn() -> DateTime<FixedOffset> {
    let now = Utc::now().with_timezone(&vn_offset());
    now.with_nanosecond(0).unwrap_or(now)
}

/// The stored text of a `received_at` (fixed width, so it sorts by time).
pub(super) fn stamp(at: &DateTime<FixedOffset>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// A verified, valid submission ready to be stored (see [`Ingest::prepare`]).
pub(super) struct Prepared {
    pub env: Envelope,
    pub digest: Digest,
    pub peer: UnitId,
    /// The canonical JSON stored in `received.envelope`.
    pub envelope: String,
    pub at: DateTime<FixedOffset>,
    /// The receipt if the submission turns out to be new, and its stored JSON.
    pub accepted: Receipt,
    pub accepted_json: String,
}

impl Ingest {
    /// Takes one request body from the TLS client `peer` and answers with a signed receipt.
    pub fn process(&self, peer: Option<UnitId>, bytes: &[u8]) -> Result<Receipt, IngestError> {
        if !self.limiter.allow(&peer) {
            return Err(IngestError::RateLimited);
        }
        self.check_and_store(peer, bytes)
    }

    /// Takes one envelope that arrived in a transfer bundle signed by `from` (the USB path):
    /// the same checks as over the network, with the bundle's signer as the peer and no rate
    /// limit.
    pub fn process_bundled(&self, from: &UnitId, bytes: &[u8]) -> Result<Receipt, IngestError> {
        self.check_and_store(Some(from.clone()), bytes)
    }

    /// Appends a refusal (its code) to the audit log; a failure to do so is logged, not raised.
    pub fn record_refusal(&self, peer: &Option<UnitId>, code: &str) {
        let actor = peer
            .as_ref()
            .map_or_else(|| "-".to_string(), UnitId::to_string);
        let done = self
            .pool
            .get()
            .map_err(anyhow::Error::new)
            .and_then(|mut c| {
                c.write_transaction(|c| {
                    node::db::audit::append(c, &actor, "submission_refused", "-", code)
                })
                .map_err(anyhow::Error::new)
            });
        if let Err(err) = done {
            tracing::error!("cannot write the refusal to the audit log: {err:#}");
        }
    }

    /// Every file the body names is stored here with that size and type (uploaded first).
    fn check_attachments(&self, body: &schema::Submission) -> Result<(), IngestError> {
        if body.attachments.is_empty() {
            return Ok(());
        }
        let mut conn = self.pool.get().map_err(anyhow::Error::from)?;
        let shas: Vec<String> = body
            .attachments
            .iter()
            .map(|a| a.sha256.to_string())
            .collect();
        let stored = crate::store::requests::described(&mut conn, &shas)?;
        for a in body.attachments.iter() {
            let ok = stored
                .get(a.sha256.as_str())
                .is_some_and(|(mime, size)| mime == a.media_type.mime() && *size == a.size as i64);
            if !ok {
                return Err(IngestError::MissingAttachment(a.sha256.to_string()));
            }
        }
        Ok(())
    }

    /// Whether `body` answers a request or directive issued above this aggregator: the answer
    /// then goes up to whoever asked, countersigned, like an incident report.
    fn asked_from_above(&self, body: &schema::Submission) -> Result<bool, IngestError> {
        let Some(id) = &body.in_reply_to else {
            return Ok(false);
        };
        let mut conn = self.pool.get().map_err(anyhow::Error::from)?;
        let row = crate::store::requests::get(&mut conn, id.as_str())?;
        Ok(row.is_some_and(|r| r.issuer != self.unit.as_str()))
    }

    /// The bytes of every file `body` names, from this aggregator's store.
    fn files_of(
        &self,
        body: &schema::Submission,
    ) -> Result<Vec<(schema::AttachmentRef, Vec<u8>)>, IngestError> {
        let mut conn = self.pool.get().map_err(anyhow::Error::from)?;
        let mut out = Vec::new();
        for a in body.attachments.iter() {
            let (_, bytes) = crate::store::requests::attachment(&mut conn, a.sha256.as_str())?
                .ok_or_else(|| IngestError::MissingAttachment(a.sha256.to_string()))?;
            out.push((a.clone(), bytes));
        }
        Ok(out)
    }

    fn check_and_store(&self, peer: Option<UnitId>, bytes: &[u8]) -> Result<Receipt, IngestError> {
        let env: Envelope = schema::decode(bytes).map_err(IngestError::Malformed)?;
        self.trust
            .fresh()
            .map_err(|e| IngestError::Verify(schema::VerifyError::UntrustedCertificate(e)))?;
        let verified = env
            .verify(&self.trust.current(), UnixTime::now())
            .map_err(IngestError::Verify)?;
        let unit = &env.body.unit;
        if !self.below(unit) {
            return Err(IngestError::OutsideSubtree {
                unit: unit.clone(),
                receiver: self.unit.clone(),
            });
        }
        self.check_registry(&env.body)?;
        let peer = match peer {
            Some(p) if self.below(&p) && (&p == unit || verified.relays.contains(&p)) => p,
            peer => {
                return Err(IngestError::WrongPeer {
                    peer,
                    unit: unit.clone(),
                })
            }
        };
        env.body.validate().map_err(IngestError::InvalidReport)?;
        self.check_rule_pack(&env)?;
        self.check_attachments(&env.body)?;
        let asked_above = self.asked_from_above(&env.body)?;
        let relay = self
            .relay
            .as_ref()
            .filter(|r| r.forwards(env.body.kind()) || asked_above);
        let forward = relay.map(|_| env.clone());
        let receipt = self.store(self.prepare(env, verified, peer)?)?;
        if let (Some(relay), Some(env)) = (relay, forward) {
            // Before the receipt: if this fails the child retries, and the duplicate path
            // forwards again (idempotently).
            let files = self.files_of(&env.body)?;
            relay.forward(&env, &files).map_err(IngestError::Internal)?;
        }
        Ok(receipt)
    }

    /// Everything that needs no lock, done on this thread in parallel with other submissions:
    /// the stored text of the envelope, and the receipt that answers it if it is new, signed
    /// now (`received_at` is when the verified submission was queued for storing).
    fn prepare(
        &self,
        env: Envelope,
        verified: schema::Verified,
        peer: UnitId,
    ) -> Result<Prepared, IngestError> {
        let digest = verified.digest;
        let envelope =
            String::from_utf8(verified.encoded).map_err(|e| IngestError::Internal(e.into()))?;
        let at = now_vn();
        let accepted = self.receipt(&env, &digest, at, ReceiptOutcome::Accepted)?;
        let accepted_json = String::from_utf8(schema::encode(&accepted))
            .map_err(|e| IngestError::Internal(e.into()))?;
        Ok(Prepared {
            env,
            digest,
            peer,
            envelope,
            at,
            accepted,
            accepted_json,
        })
    }

    /// With a loaded registry (any row), the unit must be registered under this aggregator on
    /// the period's last day or, if it ended earlier in the period, on its last day in it.
    /// An empty registry checks nothing (the id grammar's subtree check has been done).
    fn check_registry(&self, body: &schema::Submission) -> Result<(), IngestError> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| IngestError::Internal(anyhow::Error::new(e).context("database pool")))?;
        let (first, last) = (body.period.start(), body.period.end());
        let answer = self
            .subtree
            .in_subtree_during(&mut conn, &self.unit, &body.unit, first, last)?;
        if answer != Some(false) {
            return Ok(());
        }
        Err(IngestError::UnknownUnit {
            unit: body.unit.clone(),
            receiver: self.unit.clone(),
            period: body.period,
        })
    }

    /// The rules of the pack in force on the period's last day (forms, bounds, violation
    /// kinds): a report is judged by the law of the period it reports on.
    fn check_rule_pack(&self, env: &Envelope) -> Result<(), IngestError> {
        let under = |e: schema::FieldErrors, prefix: &str| {
            let mut out = schema::FieldErrors::default();
            e.iter().for_each(|x| out.push(x.clone().under(prefix)));
            IngestError::InvalidReport(out)
        };
        let pack = self
            .rules
            .get()
            .pack_for(env.body.period.end())
            .map_err(|e| {
                under(
                    schema::FieldError::new("", e.to_string()).into(),
                    "body.period",
                )
            })?;
        pack.validate_payload(&env.body.payload)
            .map_err(|e| under(e, "body.payload.content"))
    }

    /// Strictly below this aggregator: its own unit does not report to itself.
    fn below(&self, unit: &UnitId) -> bool {
        unit != &self.unit && self.unit.contains(unit)
    }

    pub(super) fn receipt(
        &self,
        env: &Envelope,
        digest: &Digest,
        received_at: DateTime<FixedOffset>,
        outcome: ReceiptOutcome,
    ) -> Result<Receipt, IngestError> {
        let body = ReceiptBody {
            protocol: Protocol::V1,
            report_id: env.body.report_id.clone(),
            digest: digest.clone(),
            unit: env.body.unit.clone(),
            receiver: self.unit.clone(),
            received_at,
            outcome,
        };
        Receipt::sign(body, &self.signer)
            .map_err(|e| IngestError::Internal(anyhow::anyhow!("cannot sign the receipt: {e}")))
    }
}
