//! Enrolment and renewal of unit certificates (EST, RFC 7030 semantics; docs/pki.md): PA03
//! creates one-time codes bound to units ([`Enrolment::create_codes`], CLI `enrol` and the
//! page "Chứng thư số"); a unit without a certificate fetches the CA certificates
//! (`/.well-known/est/cacerts`, checking the root against the fingerprint printed with its
//! code) and sends its CSR with the code (`simpleenroll`, on the `[enrolment]` listener, TLS
//! without client certificate); a unit with a valid certificate renews over mutual TLS
//! (`simplereenroll`, on the ingest listener). The province's CA directory (`[enrolment] ca`)
//! signs; every certificate is recorded in `certificates` for the inventory.

pub mod code;
pub mod error;
pub mod est;
pub mod inventory;
pub mod own;
pub mod select;

use std::sync::Arc;

use anyhow::Context as _;
use chrono::{NaiveDateTime, Utc};
use config::pki::{CaDir, Role, SignedChain};
use config::settings::EnrolmentSection;
use schema::UnitId;

pub use code::Code;
pub use error::EstError;

use crate::store::enrolment::{self as rows, CertRow, CodeRow, CodeState};
use crate::store::DbPool;

/// The signing side, shared by the listeners, the web UI and the CLI.
pub struct Enrolment {
    pub pool: DbPool,
    pub ca: CaDir,
    /// Root then this CA, PEM: what `cacerts` answers.
    pub ca_certs_pem: String,
    /// SHA-256 of the root, printed with every code.
    pub root_fingerprint: String,
    pub lifetime: chrono::Duration,
    pub code_days: u32,
    /// Where units enrol (printed on the code slips).
    pub url: String,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrolment")
            .field("ca", &self.ca)
            .finish_non_exhaustive()
    }
}

/// A code just created: the only moment its text exists outside the unit's hands.
#[derive(Debug, Clone)]
pub struct NewCode {
    pub id: String,
    pub unit: UnitId,
    pub code: Code,
    pub expires_at: NaiveDateTime,
}

impl Enrolment {
    /// Opens the CA of `section` (its certificate must chain to `root_pem`'s root).
    pub fn open(section: &EnrolmentSection, pool: DbPool) -> anyhow::Result<Arc<Self>> {
        let ca = CaDir::open(&section.ca)
            .with_context(|| format!("[enrolment] ca = {}", section.ca.display()))?;
        let root_path = ca.root_cert_path();
        let root = config::pki::load_certs(&root_path)?;
        let root_der = root
            .first()
            .with_context(|| format!("{} holds no certificate", root_path.display()))?;
        let root_pem = std::fs::read_to_string(&root_path)
            .with_context(|| format!("cannot read {}", root_path.display()))?;
        Ok(Arc::new(Self {
            pool,
            ca_certs_pem: format!("{root_pem}{}", ca.cert_pem()),
            root_fingerprint: config::pki::fingerprint_sha256(root_der),
            ca,
            lifetime: chrono::Duration::seconds(section.certificate_lifetime.secs() as i64),
            code_days: section.code_validity_days,
            url: section.url(),
        }))
    }

    /// Creates one code per unit (each within this CA's scope), valid `code_days`.
    pub fn create_codes(&self, units: &[UnitId], by: &str) -> anyhow::Result<Vec<NewCode>> {
        for u in units {
            self.ca.check_scope(u)?;
        }
        let now = Utc::now().naive_utc();
        let expires_at = now + chrono::Duration::days(i64::from(self.code_days));
        let made: Vec<NewCode> = units
            .iter()
            .map(|u| {
                let code = Code::random();
                NewCode {
                    id: code.id(),
                    unit: u.clone(),
                    code,
                    expires_at,
                }
            })
            .collect();
        let rows: Vec<CodeRow> = made
            .iter()
            .map(|m| CodeRow {
                id: m.id.clone(),
                code_hash: m.code.hash(),
                unit_id: m.unit.to_string(),
                created_by: by.to_string(),
                created_at: now,
                expires_at,
                used_at: None,
                serial: None,
                revoked_at: None,
            })
            .collect();
        let mut conn = self.pool.get()?;
        conn.write_transaction(|c| {
            rows::insert_codes(c, &rows)?;
            let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
            node::db::audit::append(c, by, "enrolment_codes_create", &ids.join(","), "")
        })?;
        Ok(made)
    }

    /// The command a unit runs with its code (what the slip prints).
    pub fn command(&self, code: &NewCode) -> String {
        format!(
            "bmnn-node init --config node.toml --enrol {} --code {} --root-sha256 {}",
            self.url,
            code.code.display(),
            self.root_fingerprint
        )
    }

    /// The slips of `codes` as CSV (UTF-8 with BOM): unit, name, code, expiry, command.
    pub fn slips_csv(
        &self,
        codes: &[NewCode],
        names: &dyn Fn(&UnitId) -> String,
    ) -> anyhow::Result<Vec<u8>> {
        let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
        w.write_record([
            "Mã đơn vị",
            "Tên đơn vị",
            "Mã đăng ký",
            "Hạn dùng",
            "Địa chỉ đăng ký",
            "Vân tay gốc (SHA-256)",
            "Lệnh chạy tại đơn vị",
        ])?;
        for c in codes {
            w.write_record([
                c.unit.as_str(),
                &names(&c.unit),
                &c.code.display(),
                &inventory::local(c.expires_at.and_utc()),
                &self.url,
                &self.root_fingerprint,
                &self.command(c),
            ])?;
        }
        Ok(w.into_inner()?)
    }

    /// Signs `csr_pem` for the unit `code` is bound to, using the code up.
    pub fn enrol(&self, code: &str, csr_pem: &str) -> Result<SignedChain, EstError> {
        let code = Code::parse(code).ok_or(EstError::CodeUnknown)?;
        let hash = code.hash();
        let mut conn = self.pool.get().map_err(|e| EstError::Internal(e.into()))?;
        let row = rows::by_hash(&mut conn, &hash)?.ok_or(EstError::CodeUnknown)?;
        let now = Utc::now().naive_utc();
        match row.state(now) {
            CodeState::Usable => {}
            CodeState::Used => return Err(EstError::CodeUsed),
            CodeState::Expired => return Err(EstError::CodeExpired),
            CodeState::Revoked => return Err(EstError::CodeRevoked),
        }
        let unit = UnitId::parse(&row.unit_id).map_err(|e| EstError::Internal(e.into()))?;
        check_csr(csr_pem, &unit)?;
        if !rows::claim(&mut conn, &hash, now)? {
            return Err(EstError::CodeUsed);
        }
        let signed = match self.sign(csr_pem, &unit) {
            Ok(s) => s,
            Err(e) => {
                rows::unclaim(&mut conn, &hash)?;
                return Err(e);
            }
        };
        rows::record_enrolment(&mut conn, &hash, &cert_row(&signed, "enrol", None))?;
        tracing::info!(unit = %unit, code = %row.id, serial = %signed.serial, "unit enrolled");
        Ok(signed)
    }

    /// Signs a new certificate for `peer` (authenticated by its current certificate `serial`).
    pub fn renew(
        &self,
        peer: &UnitId,
        serial: &str,
        csr_pem: &str,
    ) -> Result<SignedChain, EstError> {
        check_csr(csr_pem, peer)?;
        let signed = self.sign(csr_pem, peer)?;
        self.record(&signed, "renew", Some(serial))
            .map_err(EstError::Internal)?;
        tracing::info!(unit = %peer, old = serial, serial = %signed.serial, "certificate renewed");
        Ok(signed)
    }

    /// Records a certificate signed here for the inventory.
    pub fn record(&self, s: &SignedChain, via: &str, replaces: Option<&str>) -> anyhow::Result<()> {
        let mut conn = self.pool.get()?;
        rows::record_certificate(&mut conn, &cert_row(s, via, replaces))?;
        Ok(())
    }

    fn sign(&self, csr_pem: &str, unit: &UnitId) -> Result<SignedChain, EstError> {
        // A request with DNS names or IPs also gets serverAuth (a child aggregator).
        self.ca
            .sign_for_unit(csr_pem, Role::Node, unit, self.lifetime)
            .map_err(|e| match e {
                config::pki::PkiError::Csr { reason } => EstError::BadCsr(reason),
                e @ config::pki::PkiError::OutOfScope { .. } => EstError::OutsideCa(e.to_string()),
                e => EstError::Internal(e.into()),
            })
    }
}

/// The request must parse and name `unit`, before a code is spent on it.
fn check_csr(csr_pem: &str, unit: &UnitId) -> Result<(), EstError> {
    let named = config::pki::csr_unit(csr_pem).map_err(|e| EstError::BadCsr(e.to_string()))?;
    if &named != unit {
        return Err(EstError::BadCsr(format!(
            "yêu cầu ghi đơn vị {named}, mã đăng ký cấp cho {unit} / the request names unit \
             {named}, but the code is for unit {unit}"
        )));
    }
    Ok(())
}

fn cert_row(s: &SignedChain, via: &str, replaces: Option<&str>) -> CertRow {
    CertRow {
        serial: s.serial.to_string(),
        unit_id: s.unit.to_string(),
        via: via.into(),
        not_before: s.not_before.naive_utc(),
        not_after: s.not_after.naive_utc(),
        issued_at: Utc::now().naive_utc(),
        replaces: replaces.map(str::to_string),
    }
}
