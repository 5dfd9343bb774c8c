//! Valid inputs to start from, per target: real envelopes, notices, receipts and bundles
//! signed with the fixture's PKI (fixed ids and times, so they repeat with the same PKI), a
//! real enrolment request, and the published test vectors (docs/vectors) of the same kind.

use chrono::{DateTime, FixedOffset, NaiveDate};
use node::bundle::{Base64Bytes, BundledFile, ReceiptBundle, Sealed, RECEIPTS_FORMAT};
use schema::*;

use crate::pki::{vectors_dir, Fixture};
use crate::targets::{bundle, Target};

/// The seeds of `target` (never empty).
pub fn seeds(fx: &Fixture, target: Target) -> anyhow::Result<Vec<Vec<u8>>> {
    let envelopes = envelopes(fx)?;
    let notices = notices(fx, &envelopes[0])?;
    let mut out: Vec<Vec<u8>> = match target {
        Target::Envelope => envelopes.iter().map(encode).collect(),
        Target::Notice => {
            let mut n: Vec<Vec<u8>> = notices.iter().map(encode).collect();
            n.push(encode(&page(&notices)?));
            n
        }
        Target::TransferBundle => plaintexts(&envelopes)
            .iter()
            .map(|p| {
                let jwe = bundle::encrypt(p, &fx.aggregator_cert)?;
                Ok(encode(&bundle::seal(fx, jwe, bundle::created_at())))
            })
            .collect::<anyhow::Result<_>>()?,
        Target::BundlePlaintext => plaintexts(&envelopes),
        Target::ReceiptBundle => vec![encode(&receipt_bundle(fx, &envelopes, &notices)?)],
        Target::Receipt => vec![encode(&receipt(fx, &envelopes[0])?)],
        Target::Enrol => enrolment(fx)?,
        Target::Lifetime => ["730d", "12h", "30m", "90s", " 10s ", "7305d", "1d"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect(),
    };
    out.extend(vectors(target)?);
    Ok(out)
}

fn at() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-12-05T09:30:00+07:00").expect("a valid time")
}

fn id(n: u8) -> ReportId {
    ReportId::parse(&format!("6f1c2d3e-0a1b-4c2d-8e3f-a1b2c3d4e5{n:02x}")).expect("a report id")
}

/// An annual report, an incident report, and the incident countersigned by the province.
fn envelopes(fx: &Fixture) -> anyhow::Result<Vec<Envelope>> {
    let annual = annual_payload()?;
    let incident = Payload::IncidentReport(IncidentReport {
        discovered_at: at(),
        exposed_classification: Classification::Mat,
        carrier: CarrierForm::Document,
        channel: Line::parse("Thất lạc khi vận chuyển")?,
        description: Text::parse("Mất 01 tài liệu Mật khi chuyển phát.")?,
        cause: Text::parse("Không niêm phong theo quy định.")?,
        consequences: Text::parse("Đang xác minh.")?,
        measures_taken: Text::parse("Đã báo cáo Công an tỉnh.")?,
        status: IncidentStatus::UnderInvestigation,
        violations: BoundedVec::parse(vec![ViolationKind::LeakOrLoss])?,
    });
    let mut out = Vec::new();
    for (n, payload) in [(1, annual), (2, incident)] {
        let body = Submission {
            protocol: Protocol::V1,
            report_id: id(n),
            unit: fx.node_unit.clone(),
            period: ReportingPeriod::Annual(2026),
            classification: Classification::Mat,
            created_at: at(),
            supersedes: None,
            in_reply_to: None,
            attachments: Default::default(),
            payload,
        };
        out.push(Envelope::sign(body, &fx.node)?);
    }
    let mut relayed = out[1].clone();
    relayed.countersign(&fx.aggregator)?;
    out.push(relayed);
    Ok(out)
}

/// An annual report with every section and indicator the rule pack in force asks for.
fn annual_payload() -> anyhow::Result<Payload> {
    let rules = config::rules::RuleBook::embedded()?;
    let form = rules
        .pack_for(ReportingPeriod::Annual(2026).end())?
        .form(ReportKind::AnnualReport)
        .ok_or_else(|| anyhow::anyhow!("no annual report form in 2026"))?;
    let sections = form
        .sections
        .iter()
        .map(|s| {
            Ok(Section {
                code: IndicatorCode::parse(s.code.as_str())?,
                text: Text::parse("Tình hình ổn định, không phát sinh vụ việc.")?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let indicators = form
        .indicators
        .iter()
        .map(|i| {
            Ok(IndicatorEntry {
                code: i.code.clone(),
                value: IndicatorValue::parse(0)?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Payload::AnnualReport(AnnualReport {
        sections: BoundedVec::parse(sections)?,
        indicators: BoundedVec::parse(indicators)?,
        incidents: BoundedVec::empty(),
        drafter: Line::parse("Nguyễn Văn An")?,
    }))
}

/// A review, a trust notice, a request and a directive from the province to the node.
fn notices(fx: &Fixture, reviewed: &Envelope) -> anyhow::Result<Vec<Notice>> {
    let review = Review {
        report_id: reviewed.body.report_id.clone(),
        digest: reviewed.digest(),
        unit: fx.node_unit.clone(),
        report_kind: ReportKind::AnnualReport,
        period: ReportingPeriod::Annual(2026),
        verdict: Verdict::Returned,
        reason: Some(Text::parse("Mục c chưa nêu số lớp tập huấn.")?),
        pointers: BoundedVec::parse(vec![Line::parse("c")?])?,
    };
    let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).expect("a date");
    let request = Request {
        title: Line::parse("Báo cáo công tác bảo vệ bí mật nhà nước năm 2026")?,
        legal_basis: Line::parse("Luật Bảo vệ bí mật nhà nước 2018")?,
        asked: Asked::Report {
            report_kind: ReportKind::AnnualReport,
        },
        period: ReportingPeriod::Annual(2026),
        due: day(20),
        classification: Classification::Mat,
        instructions: None,
    };
    let directive = Directive {
        number: Line::parse("12/CT-CAT")?,
        issued_on: day(1),
        title: Line::parse("Chỉ thị tăng cường bảo vệ bí mật nhà nước")?,
        summary: Some(Text::parse("Phổ biến đến toàn bộ cán bộ.")?),
        disseminate: true,
        due: day(31),
        files: BoundedVec::empty(),
    };
    let trust = TrustUpdate {
        crls: BoundedVec::parse(vec![DerBase64::of(&fx.crl75)])?,
    };
    let mut bodies = vec![NoticeBody::review(
        id(0x10),
        fx.aggregator_unit.clone(),
        at(),
        review,
    )];
    let payloads = [
        ("trust", serde_json::to_value(trust)?),
        ("request", serde_json::to_value(request)?),
        ("directive", serde_json::to_value(directive)?),
    ];
    for (n, (kind, payload)) in payloads.into_iter().enumerate() {
        bodies.push(NoticeBody {
            kind: NoticeKind::parse(kind)?,
            payload,
            notice_id: id(0x11 + n as u8),
            ..bodies[0].clone()
        });
    }
    bodies
        .into_iter()
        .map(|b| Notice::sign(b, &fx.aggregator).map_err(|e| anyhow::anyhow!("{e}")))
        .collect()
}

fn page(notices: &[Notice]) -> anyhow::Result<NoticePage> {
    Ok(NoticePage {
        notices: BoundedVec::parse(notices.to_vec())?,
        next: 4,
        more: false,
    })
}

/// A bundle's plaintexts: the JSON array of envelopes, and envelopes with a file.
fn plaintexts(envelopes: &[Envelope]) -> Vec<Vec<u8>> {
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let sealed = Sealed {
        envelopes: envelopes[..1].to_vec(),
        files: vec![BundledFile {
            sha256: Digest::of(&pdf),
            data: Base64Bytes(pdf),
        }],
    };
    vec![encode(&envelopes), encode(&sealed)]
}

fn receipt(fx: &Fixture, env: &Envelope) -> anyhow::Result<Receipt> {
    let body = ReceiptBody {
        protocol: Protocol::V1,
        report_id: env.body.report_id.clone(),
        digest: env.digest(),
        unit: fx.node_unit.clone(),
        receiver: fx.aggregator_unit.clone(),
        received_at: at(),
        outcome: ReceiptOutcome::Accepted,
    };
    Ok(Receipt::sign(body, &fx.aggregator)?)
}

fn receipt_bundle(
    fx: &Fixture,
    envelopes: &[Envelope],
    notices: &[Notice],
) -> anyhow::Result<ReceiptBundle> {
    let receipts: Vec<Receipt> = envelopes[..2]
        .iter()
        .map(|e| receipt(fx, e))
        .collect::<anyhow::Result<_>>()?;
    Ok(ReceiptBundle {
        format: RECEIPTS_FORMAT.into(),
        from: fx.aggregator_unit.clone(),
        to: fx.node_unit.clone(),
        receipts: BoundedVec::parse(receipts)?,
        notices: notices.to_vec(),
    })
}

/// A real enrolment request (PEM, and its DER) and the root's fingerprint as people copy it.
fn enrolment(fx: &Fixture) -> anyhow::Result<Vec<Vec<u8>>> {
    let path = fx.dir.join("enrol.csr.pem");
    if !path.exists() {
        let ip = "127.0.0.1".parse()?;
        let req = config::pki::new_request(&fx.node_unit, &["node.local".into()], &[ip])?;
        std::fs::write(&path, req.csr_pem)?;
    }
    let pem = std::fs::read_to_string(&path)?;
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    use base64::Engine as _;
    let der = base64::engine::general_purpose::STANDARD.decode(body)?;
    let fp = config::pki::fingerprint_sha256(&fx.root_der);
    let colons: Vec<String> = fp
        .as_bytes()
        .chunks(2)
        .map(|c| String::from_utf8_lossy(c).to_uppercase())
        .collect();
    Ok(vec![
        pem.into_bytes(),
        der,
        fp.clone().into_bytes(),
        format!("sha256:{fp}").into_bytes(),
        colons.join(":").into_bytes(),
    ])
}

/// The published vectors of the target's kind (by file name prefix).
fn vectors(target: Target) -> anyhow::Result<Vec<Vec<u8>>> {
    let prefix = match target {
        Target::Envelope => "envelope-",
        Target::Notice => "notice-",
        Target::Receipt => "receipt-",
        _ => return Ok(Vec::new()),
    };
    let Ok(dir) = std::fs::read_dir(vectors_dir()) else {
        return Ok(Vec::new());
    };
    let mut names: Vec<_> = dir
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    names.sort();
    Ok(names.iter().map(std::fs::read).collect::<Result<_, _>>()?)
}
