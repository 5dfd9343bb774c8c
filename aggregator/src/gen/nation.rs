//! Synthetic history at the nation (`bmnn-aggregator gen --nation`): for each of the last
//! `years` annual periods, every province's consolidated report (its units expected, reported
//! and on time, a few missing, indicator totals and violations) and the annual reports of
//! `central` central agencies added under `TW`, stored as the nation would have stored them,
//! receipts at plausible times around the deadline. Signed by the same throwaway CA as
//! [`super::generate`]; for measuring and demonstrating only.

use anyhow::{anyhow, bail};
use chrono::{Duration, NaiveDate};
use config::rules::RuleBook;
use rand::{Rng as _, SeedableRng as _};
use schema::{
    BoundedVec, ConsolidatedReport, IndicatorCode, Payload, ReportId, ReportKind, ReportingPeriod,
    Section, Signer, Text, Tier, UnitId, ViolationCount, ViolationKind,
};

use super::{
    entries, flush, office_hours, pack_and_deadline, plausible, row, signed_row, uuid, Generated,
    Synthetic, BATCH,
};
use crate::store::units::{self, UnitRow};
use crate::store::AnyConn;

/// What to generate at the nation.
#[derive(Debug, Clone)]
pub struct NationSpec {
    /// Central agencies under `TW`, each with an annual report per year.
    pub central: usize,
    pub years: u32,
    pub last_year: i32,
    pub seed: u64,
    /// Provinces that report for real (the demo's): nothing generated for them.
    pub skip: Vec<UnitId>,
}

/// The first central agencies' names (the rest are numbered).
const MINISTRIES: [&str; 14] = [
    "Bộ Ngoại giao",
    "Bộ Tài chính",
    "Bộ Công Thương",
    "Bộ Xây dựng",
    "Bộ Y tế",
    "Bộ Giáo dục và Đào tạo",
    "Bộ Khoa học và Công nghệ",
    "Bộ Nội vụ",
    "Bộ Tư pháp",
    "Bộ Nông nghiệp và Môi trường",
    "Bộ Văn hóa, Thể thao và Du lịch",
    "Bộ Dân tộc và Tôn giáo",
    "Ngân hàng Nhà nước Việt Nam",
    "Thanh tra Chính phủ",
];

fn unit_row(id: &str, name: &str, tier: &str, parent: &str) -> UnitRow {
    UnitRow::since_2010(id, name, ("Cơ quan", tier), parent)
}

/// The provinces in the registry and the central agencies (added if missing).
fn units_of_the_nation(
    conn: &mut AnyConn,
    central: usize,
) -> anyhow::Result<(Vec<UnitId>, Vec<UnitId>)> {
    let on = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    let mut provinces = Vec::new();
    for row in units::children_on(conn, "VN", on)? {
        let id = UnitId::parse(&row.id).map_err(|e| anyhow!("registry unit {}: {e}", row.id))?;
        if id.tier() == Tier::Province {
            provinces.push(id);
        }
    }
    if provinces.is_empty() {
        bail!("the registry has no province: import it first (bmnn-aggregator registry import --scope VN)");
    }
    let mut rows = vec![unit_row(
        "TW",
        "Các bộ, ngành, cơ quan trung ương",
        "central",
        "VN",
    )];
    let agencies: Vec<String> = (1..=central)
        .map(|n| format!("TW/bo-nganh-{n:03}"))
        .collect();
    for (n, id) in agencies.iter().enumerate() {
        let name = MINISTRIES.get(n).map_or_else(
            || format!("Cơ quan trung ương số {}", n + 1),
            |m| m.to_string(),
        );
        rows.push(unit_row(id, &name, "agency", "TW"));
    }
    conn.write_transaction(|c| units::insert_missing(c, &rows))?;
    let agencies = agencies
        .iter()
        .map(|a| UnitId::parse(a).map_err(|e| anyhow!("{a}: {e}")))
        .collect::<anyhow::Result<_>>()?;
    Ok((provinces, agencies))
}

/// One province's consolidated report of a year.
fn consolidated(
    p: &UnitId,
    codes: &[IndicatorCode],
    rng: &mut rand::rngs::StdRng,
) -> anyhow::Result<Payload> {
    let expected: u32 = rng.random_range(60..150);
    let missing: u32 = rng.random_range(0..expected / 20 + 1);
    let reported = expected - missing;
    let on_time = reported - rng.random_range(0..reported / 5 + 1);
    let values: Vec<i64> = codes
        .iter()
        .map(|c| (0..expected).map(|_| plausible(c, &mut *rng)).sum())
        .collect();
    let kinds = ViolationKind::ALL;
    let mut violations: Vec<ViolationCount> = (0..rng.random_range(1..5))
        .map(|_| ViolationCount {
            kind: kinds[rng.random_range(0..kinds.len())],
            count: rng.random_range(1..30),
        })
        .collect();
    violations.sort_by_key(|v| v.kind);
    violations.dedup_by_key(|v| v.kind);
    let section = |code: &str| -> anyhow::Result<Section> {
        Ok(Section {
            code: IndicatorCode::parse(code)?,
            text: Text::parse("Tổng hợp từ báo cáo của các cơ quan, đơn vị, địa phương.")?,
        })
    };
    Ok(Payload::ConsolidatedReport(ConsolidatedReport {
        scope: p.clone(),
        sections: BoundedVec::parse(
            ["a", "b", "c", "d"]
                .iter()
                .map(|c| section(c))
                .collect::<anyhow::Result<_>>()?,
        )?,
        indicators: entries(codes, &values)?,
        violations: BoundedVec::parse(violations)?,
        units_expected: expected,
        units_reported: reported,
        units_on_time: on_time,
        missing: BoundedVec::parse(
            (0..missing)
                .map(|i| UnitId::parse(&format!("{p}/chua-nop-{i:03}")))
                .collect::<Result<_, _>>()?,
        )?,
        sources: BoundedVec::empty(),
    }))
}

/// Generates the nation's history into `conn`.
pub fn nation(
    conn: &mut AnyConn,
    rules: &RuleBook,
    signer: &Signer,
    spec: &NationSpec,
    mut progress: impl FnMut(usize, usize),
) -> anyhow::Result<Generated> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(spec.seed);
    let synthetic = Synthetic::new()?;
    let scope = UnitId::national();
    let (mut provinces, agencies) = units_of_the_nation(conn, spec.central)?;
    provinces.retain(|p| !spec.skip.contains(p));
    let mut signers: std::collections::HashMap<UnitId, Signer> = Default::default();
    let total = (provinces.len() + agencies.len()) * spec.years as usize;
    let (mut out, mut batch, mut done) = (Generated::default(), Vec::new(), 0);
    for y in (spec.last_year - spec.years as i32 + 1)..=spec.last_year {
        let period = ReportingPeriod::Annual(y);
        let (pack, deadline) = pack_and_deadline(rules, y)?;
        let codes = |k: ReportKind| -> Vec<IndicatorCode> {
            pack.form(k)
                .or_else(|| pack.form(ReportKind::AnnualReport))
                .map(|f| f.indicators.iter().map(|i| i.code.clone()).collect())
                .unwrap_or_default()
        };
        let (consolidated_codes, annual_codes) = (
            codes(ReportKind::ConsolidatedReport),
            codes(ReportKind::AnnualReport),
        );
        let sections: Vec<IndicatorCode> = ["a", "b", "c", "d"]
            .iter()
            .map(|c| IndicatorCode::parse(c))
            .collect::<Result<_, _>>()?;
        for unit in provinces.iter().chain(&agencies) {
            done += 1;
            let at = office_hours(
                deadline + Duration::days(rng.random_range(-10..4)),
                &mut rng,
            )?;
            if !signers.contains_key(unit) {
                signers.insert(unit.clone(), synthetic.signer(unit)?);
            }
            let id = ReportId::parse(&uuid(&mut rng))?;
            let signers = (&signers[unit], &scope, signer);
            batch.push(if unit.tier() == Tier::Province {
                let payload = consolidated(unit, &consolidated_codes, &mut rng)?;
                signed_row(unit, period, at, id, payload, signers)?
            } else {
                let values: Vec<i64> = annual_codes
                    .iter()
                    .map(|c| plausible(c, &mut rng))
                    .collect();
                row(
                    unit,
                    period,
                    at,
                    id,
                    &annual_codes,
                    &values,
                    &sections,
                    signers,
                )?
            });
            if batch.len() == BATCH {
                out.reports += flush(conn, &mut batch)?;
                progress(done, total);
            }
        }
    }
    out.reports += flush(conn, &mut batch)?;
    out.agencies_added = agencies.len();
    progress(total, total);
    Ok(out)
}
