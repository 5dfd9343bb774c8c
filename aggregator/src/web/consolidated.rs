//! `GET /bao-cao-tong-hop?ky=2026&dang=html|docx|xlsx|csv[&bang=N]`: the consolidated report of the
//! aggregator's subtree as the official document it sends up (Decree 30/2020 layout, sections
//! a–d pre-filled, the children's narratives compiled, tables and charts), as a printable
//! HTML page, a DOCX to edit and sign, every table as one XLSX, or table N as CSV.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use node::web::error::{WebError, WebResult};
use node::web::layout;
use node::web::session::Viewer;
use reports::document::{IssuingBody, Recipients, Signature};
use reports::report::{
    ChildSummary, History, IndicatorLabel, Narratives, ReportInput, ReportLevel,
};
use reports::timeliness::Status;
use schema::{Classification, Payload, ReportKind, ReportingPeriod, Tier};
use serde::Deserialize;

use super::{db, Ui};
use crate::consolidation;
use crate::store::units;

#[derive(Debug, Deserialize)]
pub struct Query {
    #[serde(default)]
    ky: Option<i32>,
    #[serde(default)]
    dang: Option<String>,
    /// With `dang=csv`: which table (0-based, in the document's order).
    #[serde(default)]
    bang: usize,
}

pub async fn consolidated(_viewer: Viewer, ui: web::Data<Ui>, q: web::Query<Query>) -> WebResult {
    let year =
        q.ky.unwrap_or_else(|| ReportingPeriod::annual_containing(layout::today()).end_year());
    if !(2020..=2100).contains(&year) {
        return Err(WebError::BadRequest(format!(
            "Kỳ báo cáo {year} không hợp lệ."
        )));
    }
    let period = ReportingPeriod::Annual(year);
    let format = q.dang.clone().unwrap_or_else(|| "html".into());
    let (scope, name) = (ui.unit.clone(), ui.unit_name.clone());
    let input = db(&ui, move |c| input(c, &scope, &name, period)).await?;
    let doc = reports::report::build_report(&input)
        .map_err(|e| WebError::Internal(anyhow::anyhow!("cannot build the report: {e}")))?;
    let file = format!(
        "bao-cao-tong-hop-{}-{year}",
        ui.unit.as_str().replace(['/', '.'], "_")
    );
    let fail = |e: String| WebError::Internal(anyhow::anyhow!(e));
    match format.as_str() {
        "html" => Ok(HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            // The charts are data: images inside the page.
            .insert_header((
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
            ))
            .body(doc.to_html().map_err(|e| fail(e.to_string()))?)),
        "docx" => Ok(super::download(
            doc.to_docx().map_err(|e| fail(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &format!("{file}.docx"),
        )),
        "csv" => {
            let tables = reports::report::report_tables(&input);
            let t = tables.get(q.bang).ok_or_else(|| {
                WebError::BadRequest(format!(
                    "Bảng số {} không có: báo cáo có {} bảng (0–{}).",
                    q.bang,
                    tables.len(),
                    tables.len().saturating_sub(1)
                ))
            })?;
            Ok(super::download(
                t.to_csv().map_err(|e| fail(e.to_string()))?,
                "text/csv; charset=utf-8",
                &format!("{file}-bang-{}.csv", q.bang),
            ))
        }
        "xlsx" => Ok(super::download(
            reports::table::to_xlsx(&reports::report::report_tables(&input))
                .map_err(|e| fail(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("{file}.xlsx"),
        )),
        other => Err(WebError::BadRequest(format!(
            "Định dạng `{other}` không có: chọn html, docx, xlsx hoặc csv."
        ))),
    }
}

/// The report's input from the store: the consolidation, and one summary per child.
fn input(
    c: &mut crate::store::AnyConn,
    scope: &schema::UnitId,
    committee: &str,
    period: ReportingPeriod,
) -> anyhow::Result<ReportInput> {
    let rules = config::rules::RuleBook::embedded()?;
    let mut built = consolidation::build(c, rules, scope, period)?;
    // The committee's text, once written, replaces the compiled one; the children's own text
    // then goes in an annex only if the committee chose it.
    let draft = crate::decision::get(c, period)?;
    let narratives = match &draft {
        Some(d) if d.annex => Narratives::Annex,
        Some(_) => Narratives::Omitted,
        None => Narratives::InBody,
    };
    if let Some(d) = &draft {
        built.report.sections = crate::decision::sections(&d.texts())?;
    }
    let mut children = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for consolidation::Latest { row, .. } in consolidation::latest_annual(c, period)? {
        let env: schema::Envelope = schema::decode(row.envelope.as_bytes())
            .map_err(|e| anyhow::anyhow!("stored report {}: {e}", row.report_id))?;
        let Payload::AnnualReport(report) = &env.body.payload else {
            continue;
        };
        let unit = env.body.unit.clone();
        let status = built
            .timeliness
            .by_unit
            .get(&unit)
            .copied()
            .unwrap_or(Status::OnTime);
        seen.insert(unit.clone());
        children.push(ChildSummary::from_annual(
            unit.clone(),
            unit_name(c, &unit, period)?,
            status,
            report,
        ));
    }
    for (unit, status) in &built.timeliness.by_unit {
        if *status == Status::Missing && !seen.contains(unit) {
            children.push(ChildSummary::missing(
                unit.clone(),
                unit_name(c, unit, period)?,
            ));
        }
    }
    children.sort_by(|a, b| config::units::compare_vi(&a.name, &b.name));
    let national = scope.tier() == Tier::National;
    let place = if national {
        "Hà Nội".to_string()
    } else {
        let n = unit_name(c, scope, period)?;
        n.trim_start_matches("Tỉnh ")
            .trim_start_matches("Thành phố ")
            .to_string()
    };
    let pack = rules.pack_for(period.end())?;
    Ok(ReportInput {
        level: if national {
            ReportLevel::National
        } else {
            ReportLevel::Provincial
        },
        issuer: IssuingBody {
            parent: None,
            name: committee.to_uppercase(),
        },
        issuer_in_text: committee.to_string(),
        number: None,
        symbol: "BC-BCĐ".into(),
        place,
        date: layout::today(),
        period: (period.start(), period.end()),
        classification: Classification::Mat,
        signature: Signature {
            authority: Some("TM. BAN CHỈ ĐẠO".into()),
            title: "TRƯỞNG BAN".into(),
            signer: "(ký, ghi rõ họ tên)".into(),
        },
        recipients: Recipients {
            to: vec![if national {
                "Thủ tướng Chính phủ (để báo cáo)".into()
            } else {
                "Bộ Công an (A03) (để báo cáo)".into()
            }],
            archive: "VT, PA03".into(),
            copies: Some(3),
            drafter: Some("Cán bộ tổng hợp".into()),
            copy_scope: Some("Không được sao, chụp".into()),
        },
        legal_basis: vec!["Luật Bảo vệ bí mật nhà nước số 117/2025/QH15".into()],
        consolidated: built.report,
        indicators: pack
            .form(ReportKind::AnnualReport)
            .map(IndicatorLabel::from_form)
            .unwrap_or_default(),
        children,
        history: History::default(),
        top_risk: 10,
        narratives,
    })
}

fn unit_name(
    c: &mut crate::store::AnyConn,
    unit: &schema::UnitId,
    period: ReportingPeriod,
) -> anyhow::Result<String> {
    let last = units::history(c, unit.as_str())?
        .into_iter()
        .rfind(|r| r.valid_from <= period.end());
    Ok(last.map_or_else(|| unit.to_string(), |r| r.name))
}
