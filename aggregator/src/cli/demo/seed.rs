//! Plausible history for the demo, made once on the first run: each aggregator's unit registry
//! (the nation's and Đồng Nai's with the legacy units, so the 2025 merger of Bình Phước into
//! Đồng Nai shows as successions), the demo departments, annual reports 2021–2025 of every
//! commune of both provinces with late and missing units ([`crate::gen`]), each accepted by
//! the committee three days after it arrived, a few recorded
//! inspections with findings per province, each province's consolidated reports 2021–2025
//! queued for the nation, and a few incident reports queued at the nodes (they travel node →
//! province → nation for real once the demo runs), and mail addresses for the demo units'
//! officers and heads (reminders go to them). Each store gets a `demo-seeded` marker when
//! done; a re-run skips what is marked, so nothing is seeded twice. The nation gets the other
//! 32 provinces' consolidated reports and a dozen ministries' annual reports under `TW`, received
//! around their deadlines ([`crate::gen::nation`]).
//!
//! 2026 is left to the demo's users: its deadline is in December, and generated receipts after
//! today would not be plausible.

use anyhow::{anyhow, Context as _};
use chrono::DateTime;
use config::settings::{AggregatorSettings, NodeSettings};
use node::tls::TlsMaterial;
use schema::{
    BoundedVec, CarrierForm, Classification, Envelope, IncidentReport, IncidentStatus, Line,
    Payload, Protocol, ReportId, ReportKind, ReportingPeriod, Submission, Text, UnitId,
    ViolationKind,
};

use super::setup::{AggSite, NODES};
use crate::inspection::input::{self, RawFinding, RawInspection, RecordError};
use crate::store::{self, units::UnitRow};

/// The marker file written in a data directory once it is seeded.
pub const MARKER: &str = "demo-seeded";
/// The history's years.
pub const FIRST_YEAR: i32 = 2021;
pub const LAST_YEAR: i32 = 2025;

/// Seeds the aggregator of `site` unless its store is marked seeded. Returns whether it did.
pub fn aggregator(site: &AggSite) -> anyhow::Result<bool> {
    let settings = AggregatorSettings::load(&site.config)?;
    let marker = settings.node.data_dir.join(MARKER);
    if marker.exists() {
        return Ok(false);
    }
    std::fs::create_dir_all(&settings.node.data_dir)?;
    let pool = store::open_settings(&settings)?;
    let mut conn = pool.get()?;
    let scope = &settings.unit.id;
    let label = format!("Danh mục đơn vị / registry {scope}");
    eprintln!("{label}…");
    let legacy = scope.as_str() != "42";
    conn.write_transaction(|c| crate::registry::import_admin_units(c, scope, legacy))?;
    let agencies: Vec<UnitRow> = NODES
        .iter()
        .filter_map(|(code, name)| name.map(|n| (*code, n)))
        .filter(|(code, _)| scope == &UnitId::national() || code.starts_with(scope.as_str()))
        .map(|(code, name)| agency(code, name))
        .collect();
    conn.write_transaction(|c| store::units::insert_missing(c, &agencies))?;
    conn.write_transaction(|c| contacts(c, scope))?;
    if scope != &UnitId::national() {
        let rules = node::app::load_rules(&settings.node)?;
        if store::received::count(&mut conn)? == 0 {
            let signer = TlsMaterial::load(&settings.tls)?.signer()?;
            let pack = rules.pack_for(ReportingPeriod::Annual(LAST_YEAR).end())?;
            let indicators = pack
                .form(ReportKind::AnnualReport)
                .map_or(0, |f| f.indicators.len());
            let spec = crate::gen::Spec {
                units: 0,
                years: (LAST_YEAR - FIRST_YEAR + 1) as u32,
                last_year: LAST_YEAR,
                indicators,
                seed: scope.as_str().parse().unwrap_or(1),
            };
            let label = format!("Báo cáo {FIRST_YEAR}–{LAST_YEAR} / reports {scope}");
            crate::gen::generate(
                &mut conn,
                rules,
                scope,
                &signer,
                &spec,
                crate::gen::progress_bar(&label),
            )?;
            accept_history(&mut conn, &signer)?;
        }
        let today = node::web::layout::today();
        for raw in inspections(scope) {
            match input::parse(&mut conn, rules, scope, &raw, today) {
                Ok(new) => match crate::inspection::record::record(&mut conn, "demo", &new) {
                    Ok(_) | Err(RecordError::Duplicate { .. }) => {}
                    Err(e) => return Err(anyhow!("inspection of {}: {e}", raw.unit)),
                },
                Err(e) => return Err(anyhow!("inspection of {}: {e}", raw.unit)),
            }
        }
        if scope.as_str() == "75" && store::requests::all(&mut conn)?.is_empty() {
            super::inflight::request(&mut conn, &settings, rules)?;
        }
        if let Some(relay) = crate::relay::Relay::open(&settings)? {
            for y in FIRST_YEAR..=LAST_YEAR {
                let period = ReportingPeriod::Annual(y);
                if !relay.consolidated_sent(&period.to_string())? {
                    let built = crate::consolidation::build(&mut conn, rules, scope, period)?;
                    crate::upward::sign_and_queue(&relay, scope, period, built)?;
                }
            }
        }
    }
    if scope == &UnitId::national() && store::requests::all(&mut conn)?.is_empty() {
        let rules = node::app::load_rules(&settings.node)?;
        super::inflight::directive(&mut conn, &settings, rules)?;
    }
    if scope == &UnitId::national() && store::received::count(&mut conn)? == 0 {
        // The other 32 provinces' consolidated reports and a dozen ministries' annual reports,
        // received around their deadlines: the national picture as it would have been.
        let rules = node::app::load_rules(&settings.node)?;
        let signer = TlsMaterial::load(&settings.tls)?.signer()?;
        let spec = crate::gen::NationSpec {
            central: 12,
            years: (LAST_YEAR - FIRST_YEAR + 1) as u32,
            last_year: LAST_YEAR,
            seed: 704,
            skip: super::setup::PROVINCES
                .iter()
                .map(|p| UnitId::parse(p))
                .collect::<Result<_, _>>()?,
        };
        let label = format!("Báo cáo {FIRST_YEAR}–{LAST_YEAR} / reports {scope}");
        crate::gen::nation(
            &mut conn,
            rules,
            &signer,
            &spec,
            crate::gen::progress_bar(&label),
        )?;
    }
    std::fs::write(&marker, "seeded\n").context("cannot write the seed marker")?;
    Ok(true)
}

/// The committee accepted every seeded annual report a few days after it arrived, as it
/// would have (no mail: that was years ago). 2026 is left for the demo's users to review.
fn accept_history(conn: &mut store::AnyConn, signer: &schema::Signer) -> anyhow::Result<()> {
    use crate::review::{self, Decision, Reviewer};
    let kind = Some(ReportKind::AnnualReport.code());
    for row in store::received::recent(conn, kind, None, 1_000_000)? {
        let received = DateTime::parse_from_rfc3339(&row.received_at)?;
        let by = Reviewer {
            signer,
            mail_from: None,
            now: received + chrono::Duration::days(3),
        };
        let d = Decision {
            report_id: row.report_id.clone(),
            digest: row.digest.clone(),
            verdict: schema::Verdict::Accepted,
            reason: String::new(),
            pointers: String::new(),
            reviewer: "demo".into(),
            reviewer_name: "Nguyễn Thị Hà".into(),
        };
        match review::decide(conn, &by, &d, false) {
            Ok(_) | Err(review::ReviewError::Refused(_)) => {}
            Err(e) => return Err(anyhow!("accepting {}: {e:?}", row.report_id)),
        }
    }
    Ok(())
}

/// Mail addresses of the demo units' officers and heads (for reminders; `.example` never
/// delivers), on their current registry row.
fn contacts(c: &mut store::AnyConn, scope: &UnitId) -> diesel::QueryResult<()> {
    for (code, _) in NODES
        .iter()
        .filter(|(code, _)| code.starts_with(scope.as_str()))
    {
        let slug = code.replace(['.', '/'], "-");
        if let Some(row) = store::units::history(c, code)?.last() {
            store::units::set_contacts(
                c,
                code,
                row.valid_from,
                Some(&format!("canbo@{slug}.bmnn.example")),
                Some(&format!("lanhdao@{slug}.bmnn.example")),
            )?;
        }
    }
    Ok(())
}

fn agency(code: &str, name: &str) -> UnitRow {
    let parent = code.split('/').next().unwrap_or("VN");
    UnitRow::since_2010(code, name, ("Sở", "agency"), parent)
}

/// Four inspections of the province's demo units, ended after the 2025 reform.
fn inspections(scope: &UnitId) -> Vec<RawInspection> {
    let p = scope.as_str();
    let units: [&str; 4] = if p == "75" {
        ["75.26041", "75.25210", "75/so-noi-vu", "75.26413"]
    } else {
        ["42.18073", "42.18100", "42/so-noi-vu", "42.18115"]
    };
    let plan = [
        (
            "2025-09-08",
            "2025-09-10",
            "improper_copying",
            "major",
            "2025-12-31",
        ),
        (
            "2025-10-13",
            "2025-10-15",
            "networked_machine",
            "serious",
            "2025-11-30",
        ),
        ("2026-04-06", "2026-04-08", "no_internal_rules", "minor", ""),
        (
            "2026-09-14",
            "2026-09-16",
            "ai_misuse",
            "major",
            "2026-12-15",
        ),
    ];
    units
        .iter()
        .zip(plan)
        .enumerate()
        .map(
            |(i, (unit, (from, to, kind, severity, deadline)))| RawInspection {
                unit: unit.to_string(),
                decision_ref: format!(
                    "{}/QĐ-BCĐ ngày {}",
                    10 + i,
                    input::parse_date(from)
                        .and_then(|d| d.pred_opt())
                        .map_or_else(String::new, |d| d.format("%d/%m/%Y").to_string())
                ),
                started_on: from.into(),
                ended_on: to.into(),
                team: format!("doan-{}", i % 2 + 1),
                classification: "mat".into(),
                conclusion: "Đơn vị cơ bản thực hiện đúng quy định về bảo vệ bí mật nhà nước; \
                         còn tồn tại cần khắc phục."
                    .into(),
                findings: vec![RawFinding {
                    kind: kind.into(),
                    severity: severity.into(),
                    occurrences: format!("{}", i + 1),
                    deadline: deadline.into(),
                    description: "Đoàn kiểm tra phát hiện và lập biên bản.".into(),
                }],
            },
        )
        .collect()
}

/// Queues this node's demo incident report (if it has one) unless its store is marked seeded.
pub fn node(settings: &NodeSettings) -> anyhow::Result<()> {
    let marker = settings.node.data_dir.join(MARKER);
    if marker.exists() {
        return Ok(());
    }
    if let Some(sub) = incident(&settings.unit.id)? {
        let node = node::app::Node::open(settings.clone())?;
        let env = Envelope::sign(sub, &node.signer).map_err(|e| anyhow!("cannot sign: {e}"))?;
        let mut conn = node.pool.get()?;
        node::queue::queue_envelope(
            &mut conn,
            &env,
            "lanhdao",
            &node.settings.upstream,
            node.settings.outbox.max_queue,
        )?;
    }
    std::fs::write(&marker, "seeded\n").context("cannot write the seed marker")?;
    Ok(())
}

/// The demo incident of `unit`: a Zalo leak at Xã Long Phước, a lost document at Phường Trần
/// Phú; none elsewhere.
fn incident(unit: &UnitId) -> anyhow::Result<Option<Submission>> {
    let at = |s: &str| DateTime::parse_from_rfc3339(s).context("date");
    let (created, discovered, carrier, channel, description, violation) = match unit.as_str() {
        "75.26413" => (
            "2026-05-02T08:00:00+07:00",
            "2026-05-01T16:20:00+07:00",
            CarrierForm::Electronic,
            "Mạng xã hội Zalo",
            "Cán bộ chụp ảnh tài liệu Mật gửi qua nhóm Zalo của cơ quan.",
            ViolationKind::UnlawfulTransmission,
        ),
        "42.18100" => (
            "2026-08-15T10:30:00+07:00",
            "2026-08-14T09:00:00+07:00",
            CarrierForm::Document,
            "Trên đường đi công tác",
            "Cán bộ làm mất cặp tài liệu có một văn bản Mật khi đi công tác.",
            ViolationKind::LeakOrLoss,
        ),
        _ => return Ok(None),
    };
    Ok(Some(Submission {
        protocol: Protocol::V1,
        report_id: ReportId::random(),
        unit: unit.clone(),
        period: ReportingPeriod::Annual(2026),
        classification: Classification::Mat,
        created_at: at(created)?,
        supersedes: None,
        in_reply_to: None,
        attachments: Default::default(),
        payload: Payload::IncidentReport(IncidentReport {
            discovered_at: at(discovered)?,
            exposed_classification: Classification::Mat,
            carrier,
            channel: Line::parse(channel).map_err(|e| anyhow!("{e}"))?,
            description: Text::parse(description).map_err(|e| anyhow!("{e}"))?,
            cause: Text::parse("Ý thức chấp hành quy định chưa cao.")
                .map_err(|e| anyhow!("{e}"))?,
            consequences: Text::parse("Đang đánh giá mức độ ảnh hưởng.")
                .map_err(|e| anyhow!("{e}"))?,
            measures_taken: Text::parse("Đã báo cáo, yêu cầu thu hồi, gỡ bỏ và kiểm điểm cá nhân.")
                .map_err(|e| anyhow!("{e}"))?,
            status: IncidentStatus::UnderInvestigation,
            violations: BoundedVec::parse(vec![violation]).map_err(|e| anyhow!("{e}"))?,
        }),
    }))
}
