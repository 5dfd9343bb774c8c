//! Synthetic history for benchmarks and larger demos (`bmnn-aggregator gen`): agencies added to
//! the registry under the scope's provinces until it holds `units` reporting units, and for each
//! of the last `years` annual periods one annual report per unit (a share late, a share missing),
//! stored as this aggregator would have stored it: the envelope, its digest and a receipt signed
//! by this aggregator. Deterministic for a seed.
//!
//! The units have no keys: each envelope is signed for its unit by a throwaway in-memory CA
//! ("synthetic data", not under the national root), and each receipt by this aggregator.
//! Generated history is for measuring and demonstrating; another tier would refuse it.

use anyhow::{anyhow, bail, Context as _};
use chrono::{Duration, NaiveDate, TimeZone as _};
use config::rules::{RuleBook, RulePack};
use rand::{Rng as _, SeedableRng as _};
use schema::{
    AnnualReport, BoundedVec, Classification, Envelope, IndicatorCode, IndicatorEntry,
    IndicatorValue, Line, Payload, Protocol, Receipt, ReceiptBody, ReceiptOutcome, ReportId,
    ReportKind, ReportingPeriod, Section, Signer, Submission, Text, Tier, UnitId,
};

use crate::store::received::{self, ReceivedRow};
use crate::store::units::{self, UnitRow};
use crate::store::AnyConn;

mod nation;

pub use nation::{nation, NationSpec};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Reporting units wanted in the registry (existing communes count; agencies are added).
    pub units: usize,
    /// Annual periods, the last one ending in `last_year`.
    pub years: u32,
    pub last_year: i32,
    /// Indicators per report: the rule pack's, then synthetic `gen_NN` ones up to this many.
    pub indicators: usize,
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Generated {
    pub agencies_added: usize,
    pub reports: usize,
    pub missing: usize,
}

/// Rows per transaction.
const BATCH: usize = 500;

/// Generates into `conn`; `progress(done, total)` is called after each batch.
pub fn generate(
    conn: &mut AnyConn,
    rules: &RuleBook,
    scope: &UnitId,
    signer: &Signer,
    spec: &Spec,
    mut progress: impl FnMut(usize, usize),
) -> anyhow::Result<Generated> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(spec.seed);
    let synthetic = Synthetic::new()?;
    let mut signers: std::collections::HashMap<UnitId, Signer> = Default::default();
    let (reporters, agencies_added) = registry(conn, scope, spec.units)?;
    let total = reporters.len() * spec.years as usize;
    let mut out = Generated {
        agencies_added,
        ..Generated::default()
    };
    let mut batch = Vec::with_capacity(BATCH);
    let mut done = 0;
    for y in (spec.last_year - spec.years as i32 + 1)..=spec.last_year {
        let period = ReportingPeriod::Annual(y);
        let (pack, deadline) = pack_and_deadline(rules, y)?;
        let form = pack
            .form(ReportKind::AnnualReport)
            .ok_or_else(|| anyhow!("the rule pack for {y} has no annual report"))?;
        let mut codes: Vec<IndicatorCode> =
            form.indicators.iter().map(|i| i.code.clone()).collect();
        for n in codes.len()..spec.indicators {
            codes.push(IndicatorCode::parse(&format!("gen_{n:02}"))?);
        }
        let sections: Vec<IndicatorCode> = form
            .sections
            .iter()
            .map(|s| IndicatorCode::parse(s.code.as_str()))
            .collect::<Result<_, _>>()?;
        for unit in &reporters {
            done += 1;
            // About 4 % never report, 10 % report late.
            let roll: f64 = rng.random();
            if roll < 0.04 {
                out.missing += 1;
                continue;
            }
            let offset = if roll < 0.14 {
                rng.random_range(1..15)
            } else {
                -rng.random_range(0..20)
            };
            let at = office_hours(deadline + Duration::days(offset), &mut rng)?;
            let values: Vec<i64> = codes.iter().map(|c| plausible(c, &mut rng)).collect();
            let id = ReportId::parse(&uuid(&mut rng))?;
            if !signers.contains_key(unit) {
                signers.insert(unit.clone(), synthetic.signer(unit)?);
            }
            let signers = (&signers[unit], scope, signer);
            batch.push(row(
                unit, period, at, id, &codes, &values, &sections, signers,
            )?);
            if batch.len() == BATCH {
                out.reports += flush(conn, &mut batch)?;
                progress(done, total);
            }
        }
    }
    out.reports += flush(conn, &mut batch)?;
    progress(total, total);
    Ok(out)
}

/// The rule pack of year `y` (years before the first pack, 1 July 2020, borrow its form and
/// deadlines) and the annual report's deadline towards a province.
fn pack_and_deadline(rules: &RuleBook, y: i32) -> anyhow::Result<(&RulePack, NaiveDate)> {
    let pack = match rules.pack_for(ReportingPeriod::Annual(y).end()) {
        Ok(p) => p,
        Err(e) => rules.packs().first().ok_or(e)?,
    };
    let deadline = pack
        .deadline(ReportKind::AnnualReport, Tier::Province, y)
        .or_else(|_| pack.deadline(ReportKind::AnnualReport, Tier::National, y))?;
    Ok((pack, deadline))
}

/// A moment of office hours on `day`, Asia/Ho_Chi_Minh.
fn office_hours(
    day: NaiveDate,
    rng: &mut rand::rngs::StdRng,
) -> anyhow::Result<chrono::DateTime<chrono::FixedOffset>> {
    Ok(config::settings::TIMEZONE
        .from_local_datetime(
            &day.and_hms_opt(rng.random_range(7..18), rng.random_range(0..60), 0)
                .unwrap_or_default(),
        )
        .single()
        .ok_or_else(|| anyhow!("no such local time"))?
        .fixed_offset())
}

/// A plausible value of an indicator for one unit and year: incidents are rare (about one
/// unit in seventy a year), violations found and staff counts small, activity counts larger.
fn plausible(code: &IndicatorCode, rng: &mut impl rand::Rng) -> i64 {
    match code.as_str() {
        "so_vu_lo_mat" | "so_vu_ai_cong_nghe_moi" => i64::from(rng.random_bool(0.015)),
        "so_vi_pham_phat_hien" | "so_vu_xac_dinh_ngoai_danh_muc" => {
            if rng.random_bool(0.8) {
                0
            } else {
                rng.random_range(1..4)
            }
        }
        "so_can_bo_chuyen_trach" => rng.random_range(0..3),
        "so_can_bo_kiem_nhiem" => rng.random_range(1..6),
        _ => rng.random_range(0..40),
    }
}

/// The reporting units under `scope` (communes and agencies, sorted), after adding agencies
/// under its provinces until there are `wanted`; returns them and how many were added.
fn registry(
    conn: &mut AnyConn,
    scope: &UnitId,
    wanted: usize,
) -> anyhow::Result<(Vec<UnitId>, usize)> {
    let on = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
    let mut provinces = Vec::new();
    let mut reporters = Vec::new();
    let mut queue = vec![scope.clone()];
    while let Some(p) = queue.pop() {
        for row in units::children_on(conn, p.as_str(), on)? {
            let id =
                UnitId::parse(&row.id).map_err(|e| anyhow!("registry unit {}: {e}", row.id))?;
            match id.tier() {
                Tier::Province => {
                    provinces.push(id.clone());
                    queue.push(id);
                }
                Tier::District => queue.push(id),
                _ => reporters.push(id),
            }
        }
    }
    if scope.tier() == Tier::Province {
        provinces.push(scope.clone());
    }
    if provinces.is_empty() {
        bail!("the registry has no province under {scope}: import it first (bmnn-aggregator registry import --scope {scope})");
    }
    let mut added = Vec::new();
    let mut n = 0;
    while reporters.len() + added.len() < wanted {
        let p = &provinces[n % provinces.len()];
        n += 1;
        let id = format!("{p}/co-quan-{n:05}");
        let name = format!("Cơ quan số {n}");
        added.push(UnitRow::since_2010(
            &id,
            &name,
            ("Cơ quan", "agency"),
            p.as_str(),
        ));
    }
    let mut inserted = 0;
    for chunk in added.chunks(BATCH) {
        inserted += conn.write_transaction(|c| units::insert_missing(c, chunk))?;
    }
    for r in &added {
        reporters.push(UnitId::parse(&r.id)?);
    }
    reporters.sort();
    Ok((reporters, inserted))
}

#[allow(clippy::too_many_arguments)]
fn row(
    unit: &UnitId,
    period: ReportingPeriod,
    at: chrono::DateTime<chrono::FixedOffset>,
    report_id: ReportId,
    codes: &[IndicatorCode],
    values: &[i64],
    sections: &[IndicatorCode],
    signers: (&Signer, &UnitId, &Signer),
) -> anyhow::Result<ReceivedRow> {
    let report = AnnualReport {
        sections: BoundedVec::parse(
            sections
                .iter()
                .map(|code| {
                    Ok(Section {
                        code: code.clone(),
                        text: Text::parse(
                            "Đơn vị thực hiện nghiêm các quy định về bảo vệ bí mật nhà nước.",
                        )?,
                    })
                })
                .collect::<Result<Vec<_>, schema::FieldError>>()?,
        )?,
        indicators: entries(codes, values)?,
        incidents: BoundedVec::empty(),
        drafter: Line::parse("Cán bộ phụ trách")?,
    };
    let payload = Payload::AnnualReport(report);
    signed_row(unit, period, at, report_id, payload, signers)
}

/// Indicator entries from codes and values.
fn entries(
    codes: &[IndicatorCode],
    values: &[i64],
) -> anyhow::Result<BoundedVec<IndicatorEntry, 256>> {
    Ok(BoundedVec::parse(
        codes
            .iter()
            .zip(values)
            .map(|(code, v)| {
                Ok(IndicatorEntry {
                    code: code.clone(),
                    value: IndicatorValue::parse(*v)?,
                })
            })
            .collect::<Result<Vec<_>, schema::FieldError>>()?,
    )?)
}

/// A payload signed for its unit and stored as received at `at`, with this tier's receipt.
fn signed_row(
    unit: &UnitId,
    period: ReportingPeriod,
    at: chrono::DateTime<chrono::FixedOffset>,
    report_id: ReportId,
    payload: Payload,
    (unit_signer, receiver, signer): (&Signer, &UnitId, &Signer),
) -> anyhow::Result<ReceivedRow> {
    let kind = payload.kind();
    let sub = Submission {
        protocol: Protocol::V1,
        report_id,
        unit: unit.clone(),
        period,
        classification: Classification::Mat,
        created_at: at,
        supersedes: None,
        in_reply_to: None,
        attachments: Default::default(),
        payload,
    };
    let env = Envelope::sign(sub, unit_signer).map_err(|e| anyhow!("cannot sign: {e}"))?;
    let digest = env.digest();
    let receipt = Receipt::sign(
        ReceiptBody {
            protocol: Protocol::V1,
            report_id: env.body.report_id.clone(),
            digest: digest.clone(),
            unit: unit.clone(),
            receiver: receiver.clone(),
            received_at: at,
            outcome: ReceiptOutcome::Accepted,
        },
        signer,
    )
    .map_err(|e| anyhow!("cannot sign the receipt: {e}"))?;
    let text = |b: Vec<u8>| String::from_utf8(b).context("canonical JSON is UTF-8");
    Ok(ReceivedRow {
        report_id: env.body.report_id.to_string(),
        digest: digest.to_string(),
        unit: unit.to_string(),
        kind: kind.code().into(),
        period: period.to_string(),
        classification: Classification::Mat.code().into(),
        supersedes: None,
        peer: unit.to_string(),
        envelope: text(schema::encode(&env))?,
        received_at: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
        receipt: text(schema::encode(&receipt))?,
    })
}

/// A throwaway CA issuing each synthetic unit a certificate for one shared key.
struct Synthetic {
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
    ca_der: Vec<u8>,
    key: rcgen::KeyPair,
}

impl Synthetic {
    fn new() -> anyhow::Result<Self> {
        let ca_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519)?;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new())?;
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.distinguished_name.push(
            rcgen::DnType::CommonName,
            "BMNN synthetic data (not trusted)",
        );
        let ca = params.self_signed(&ca_key)?;
        Ok(Self {
            ca_der: ca.der().to_vec(),
            issuer: rcgen::Issuer::new(params, ca_key),
            key: rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519)?,
        })
    }

    fn signer(&self, unit: &UnitId) -> anyhow::Result<Signer> {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new())?;
        params.subject_alt_names = vec![rcgen::SanType::URI(rcgen::string::Ia5String::try_from(
            format!("urn:bmnn:unit:{unit}"),
        )?)];
        let cert = params.signed_by(&self.key, &self.issuer)?;
        Signer::new(
            &self.key.serialize_der(),
            vec![cert.der().to_vec(), self.ca_der.clone()],
        )
        .map_err(|e| anyhow!("synthetic signer for {unit}: {e}"))
    }
}

fn flush(conn: &mut AnyConn, batch: &mut Vec<ReceivedRow>) -> anyhow::Result<usize> {
    let n = batch.len();
    conn.write_transaction(|c| received::insert_many(c, batch))?;
    batch.clear();
    Ok(n)
}

fn uuid(rng: &mut rand::rngs::StdRng) -> String {
    let mut b: [u8; 16] = rng.random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A text progress bar on one line of standard error.
pub fn progress_bar(label: &str) -> impl FnMut(usize, usize) + '_ {
    use std::io::Write as _;
    move |done, total| {
        let pct = (done * 100).checked_div(total).unwrap_or(100).min(100);
        let filled = pct / 4;
        eprint!(
            "\r{label} [{}{}] {pct:3}% {done}/{total}",
            "#".repeat(filled),
            ".".repeat(25 - filled)
        );
        if done >= total {
            eprintln!();
        }
        let _ = std::io::stderr().flush();
    }
}
