//! The certificate inventory PA03 looks at: every leaf this aggregator's CA issued (by `pki`
//! or over EST), with the unit's name, how it was issued, when it expires, whether it was
//! revoked or replaced by a newer one, and when the unit last delivered something. Expiring
//! means within [`EXPIRING_DAYS`] and not yet renewed. Also the CSV of the same rows.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::Enrolment;
use crate::store::enrolment as rows;

/// A certificate expiring within this many days is flagged.
pub const EXPIRING_DAYS: i64 = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CertState {
    Revoked,
    Expired,
    Expiring,
    Valid,
    /// A newer certificate of the same unit exists.
    Replaced,
}

impl CertState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Revoked => "Đã thu hồi",
            Self::Expired => "Đã hết hạn",
            Self::Expiring => "Sắp hết hạn",
            Self::Valid => "Còn hiệu lực",
            Self::Replaced => "Đã thay bằng chứng thư mới",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryRow {
    pub unit: String,
    pub name: String,
    pub serial: String,
    /// `pki` (issued by hand), `enrol` (one-time code) or `renew`.
    pub via: String,
    pub issued_at: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub state: CertState,
    pub last_seen: Option<String>,
}

/// Every leaf of the CA, most urgent first (revoked, expired, expiring, valid, replaced; then
/// by expiry).
pub fn inventory(e: &Enrolment, now: DateTime<Utc>) -> anyhow::Result<Vec<InventoryRow>> {
    let issued = e.ca.issued()?;
    let revoked: std::collections::HashSet<String> =
        e.ca.revoked()?
            .into_iter()
            .map(|r| r.serial.to_string())
            .collect();
    let mut conn = e.pool.get()?;
    let via: HashMap<String, String> = rows::certificates(&mut conn)?
        .into_iter()
        .map(|c| (c.serial, c.via))
        .collect();
    let seen: HashMap<String, String> = rows::last_seen(&mut conn)?
        .into_iter()
        .filter_map(|(p, t)| t.map(|t| (p, t)))
        .collect();
    let names: HashMap<String, String> = crate::store::units::all(&mut conn)?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let mut newest: HashMap<String, DateTime<Utc>> = HashMap::new();
    for i in issued.iter().filter(|i| i.kind != "intermediate") {
        let t = newest.entry(i.unit.to_string()).or_insert(i.issued_at);
        *t = (*t).max(i.issued_at);
    }
    let mut out: Vec<InventoryRow> = issued
        .into_iter()
        .filter(|i| i.kind != "intermediate")
        .map(|i| {
            let unit = i.unit.to_string();
            let serial = i.serial.to_string();
            let state = if revoked.contains(&serial) {
                CertState::Revoked
            } else if newest.get(&unit).is_some_and(|t| *t > i.issued_at) {
                CertState::Replaced
            } else if i.not_after <= now {
                CertState::Expired
            } else if i.not_after - now <= chrono::Duration::days(EXPIRING_DAYS) {
                CertState::Expiring
            } else {
                CertState::Valid
            };
            InventoryRow {
                name: names.get(&unit).cloned().unwrap_or_default(),
                via: via.get(&serial).cloned().unwrap_or_else(|| "pki".into()),
                last_seen: seen.get(&unit).map(|t| seen_label(t)),
                unit,
                serial,
                issued_at: i.issued_at,
                not_after: i.not_after,
                state,
            }
        })
        .collect();
    out.sort_by_key(|r| (r.state, r.not_after));
    Ok(out)
}

/// The inventory as CSV (UTF-8 with BOM, for Excel), times in Asia/Ho_Chi_Minh.
pub fn csv(rows: &[InventoryRow]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record([
        "Mã đơn vị",
        "Tên đơn vị",
        "Số sê-ri",
        "Cấp qua",
        "Ngày cấp",
        "Hết hạn",
        "Tình trạng",
        "Lần gửi gần nhất",
    ])?;
    for r in rows {
        w.write_record([
            r.unit.as_str(),
            r.name.as_str(),
            r.serial.as_str(),
            via_label(&r.via),
            &local(r.issued_at),
            &local(r.not_after),
            r.state.label(),
            r.last_seen.as_deref().unwrap_or(""),
        ])?;
    }
    Ok(w.into_inner()?)
}

/// A stored `received_at` (RFC 3339, +07:00) as `dd/mm/yyyy HH:MM`.
fn seen_label(t: &str) -> String {
    DateTime::parse_from_rfc3339(t)
        .map(|d| local(d.with_timezone(&Utc)))
        .unwrap_or_else(|_| t.to_string())
}

pub fn via_label(via: &str) -> &'static str {
    match via {
        "enrol" => "Mã đăng ký",
        "renew" => "Tự gia hạn",
        _ => "Cấp thủ công (pki)",
    }
}

/// `dd/mm/yyyy HH:MM` in Asia/Ho_Chi_Minh.
pub fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&config::settings::TIMEZONE)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}
