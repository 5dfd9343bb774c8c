//! `GET /bao-cao-tong-hop?ky=2026&dang=html|docx|xlsx|csv[&bang=N][&phu_luc=true]`: the
//! consolidated report of the aggregator's subtree as the official document it sends up
//! (Decree 30/2020 layout; sections a–d the committee's text or the synthesis of the figures;
//! tables by group of units when there are many, with the unit-level tables in the XLSX annex;
//! trend charts; the children's own text only in an annex on request), as a printable HTML
//! page, a DOCX to edit and sign, every table (annex included) as one XLSX, or table N as CSV.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use node::web::error::{WebError, WebResult};
use node::web::layout;
use node::web::session::Viewer;
use reports::document::{IssuingBody, Recipients, Signature};
use reports::report::{IndicatorLabel, Narratives, ReportInput, ReportLevel};
use schema::{Classification, ReportKind, ReportingPeriod, Tier};
use serde::Deserialize;

use super::consolidated_children as children;
use super::{db, Ui};
use crate::consolidation;

#[derive(Debug, Deserialize)]
pub struct Query {
    #[serde(default)]
    ky: Option<i32>,
    #[serde(default)]
    dang: Option<String>,
    /// With `dang=csv`: which table (0-based, in the document's order).
    #[serde(default)]
    bang: usize,
    /// Adds the children's own text in an annex.
    #[serde(default)]
    phu_luc: bool,
}

pub async fn consolidated(
    _viewer: Viewer,
    ui: web::Data<Ui>,
    own: web::Data<node::app::Node>,
    q: web::Query<Query>,
) -> WebResult {
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
    let rules = own.rules.get();
    let (annex, builds) = (q.phu_luc, ui.builds.clone());
    let input = db(&ui, move |c| {
        let built = (*builds.get(c, rules, &scope, period)?).clone();
        input(c, (rules, built), &scope, &name, period, annex)
    })
    .await?;
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

/// The report's input from the store: the consolidation, one summary per child, the history.
fn input(
    c: &mut crate::store::AnyConn,
    (rules, mut built): (&config::rules::RuleBook, consolidation::Built),
    scope: &schema::UnitId,
    committee: &str,
    period: ReportingPeriod,
    annex: bool,
) -> anyhow::Result<ReportInput> {
    // The committee's text once written, else the synthesis of the figures; the children's
    // own text only in the annex, if the committee (or the reader) asks for it.
    let draft = crate::decision::get(c, period)?;
    let narratives = match &draft {
        Some(d) if d.annex => Narratives::Annex,
        _ if annex => Narratives::Annex,
        _ => Narratives::Omitted,
    };
    built.report.sections = crate::decision::sections(&match &draft {
        Some(d) => d.texts(),
        None => crate::decision::synthesis(&built),
    })?;
    let names = super::names::registry_names(c)?;
    let children = children::summaries(c, &built, period, &names, narratives)?;
    let history = children::history(c, scope, period.end_year())?;
    let national = scope.tier() == Tier::National;
    let place = if national {
        "Hà Nội".to_string()
    } else {
        let n = names
            .get(scope.as_str())
            .cloned()
            .unwrap_or_else(|| committee.to_string());
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
        history,
        top_risk: 10,
        narratives,
    })
}
