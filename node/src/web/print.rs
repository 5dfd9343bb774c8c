//! The printable view of a signed report (`/bao-cao/{id}/in`), laid out as an official
//! document per Decree 30/2020 appendix I: A4 with 20/15/20/30 mm margins, Times New Roman;
//! header table (issuing body in capitals and "Số: …/BC-…" on the left, national name, motto
//! with a rule and the italic place and date on the right), the classification stamp under the
//! number, the bold document type and summary (none for Tuyệt mật), the body, the signature
//! block, and "Nơi nhận:" with the number of copies and the drafter for secret documents.
//! Opening an incident report here is recorded in the audit log.

use actix_web::web;
use chrono::{DateTime, Datelike, FixedOffset};
use config::settings::TIMEZONE;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use schema::{Classification, Envelope, Payload, ReportKind};
use unicode_normalization::UnicodeNormalization;

use super::error::{WebError, WebResult};
use super::layout::{self, short_digest};
use super::print_body::{self as body, form_of};
use super::queries;
use super::routes;
use super::session::{db, Viewer};
use crate::app::Node;
use crate::db::{audit, submissions};

const STYLE: &str = r#"
@page { size: A4; margin: 20mm 15mm 20mm 30mm }
body{margin:0;background:#ddd;font-family:"Times New Roman",Times,serif;font-size:14pt;color:#000}
.toolbar{font-family:Arial,sans-serif;font-size:12pt;background:#7a1010;color:#fff;padding:.5rem 1rem}
.toolbar a{color:#fff;margin-right:1.5rem}
.doc{width:210mm;min-height:297mm;margin:1rem auto;background:#fff;padding:20mm 15mm 20mm 30mm}
table.head{width:100%;border-collapse:collapse}
table.head td{vertical-align:top;text-align:center;padding:0}
td.issuer{width:42%}
.org{font-size:13pt;font-weight:bold}
.rule{border-top:1px solid #000;margin:1mm auto 2mm}
.number{font-size:13pt;margin-top:1mm}
.stamp{display:inline-block;border:2px solid #c00000;color:#c00000;font-weight:bold;font-size:13pt;padding:.5mm 4mm;margin-top:3mm;letter-spacing:1px}
.nation{font-size:12pt;font-weight:bold;white-space:nowrap}
.motto{font-size:13pt;font-weight:bold}
.place{font-style:italic;font-size:14pt;margin-top:2mm}
h1.type{text-align:center;font-size:14pt;font-weight:bold;margin:10mm 0 0}
p.summary{text-align:center;font-weight:bold;margin:0}
h2{font-size:14pt;font-weight:bold;margin:5mm 0 2mm}
p.para{text-align:justify;text-indent:10mm;margin:0 0 2mm;line-height:1.35}
table.data{width:100%;border-collapse:collapse;margin:2mm 0 4mm;font-size:13pt}
table.data th,table.data td{border:1px solid #000;padding:1mm 2mm;vertical-align:top}
td.c{text-align:center}td.r{text-align:right}
table.sign{width:100%;margin-top:8mm;border-collapse:collapse}
table.sign td{vertical-align:top;padding:0}
.recipients{font-size:11pt}
.recipients b{font-size:12pt;font-style:italic}
.signer{text-align:center;width:50%}
.signer .title{font-weight:bold}
.signer .name{font-weight:bold;margin-top:18mm}
.small{font-size:10pt;color:#333}
@media print{body{background:none}.toolbar{display:none}.doc{width:auto;min-height:0;margin:0;padding:0}}
"#;

/// Administrative nouns that start the place part of a unit's name.
const PLACE_NOUNS: [&str; 6] = [
    "xã ",
    "phường ",
    "đặc khu ",
    "thị trấn ",
    "tỉnh ",
    "thành phố ",
];

/// Splits a unit name into the body part and the place part ("Ủy ban nhân dân" / "phường
/// Trấn Biên"); the place part is empty when there is none.
fn split_name(name: &str) -> (&str, &str) {
    let lower = name.to_lowercase();
    PLACE_NOUNS
        .iter()
        .filter_map(|n| lower.find(n))
        .filter(|&i| i > 0 && lower.is_char_boundary(i) && name.is_char_boundary(i))
        .min()
        .map_or((name.trim(), ""), |i| (name[..i].trim(), name[i..].trim()))
}

/// Initials of the body part, base letters only: "Ủy ban nhân dân" → "UBND".
fn symbol(body: &str) -> String {
    body.split_whitespace()
        .filter_map(|w| w.nfd().next())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The place name for the date line: "phường Trấn Biên" → "Trấn Biên".
fn place(place_part: &str) -> &str {
    let lower = place_part.to_lowercase();
    PLACE_NOUNS
        .iter()
        .find(|n| lower.starts_with(*n))
        .map_or(place_part, |n| place_part[n.len()..].trim())
}

/// "ngày 05 tháng 02 năm 2026": days below 10 and months below 3 take a leading zero.
fn date_line(t: DateTime<FixedOffset>) -> String {
    let d = t.with_timezone(&TIMEZONE);
    let month = if d.month() < 3 {
        format!("{:02}", d.month())
    } else {
        d.month().to_string()
    };
    format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
}

fn title(kind: ReportKind, payload: &Payload, year: i32) -> (&'static str, String) {
    match payload {
        Payload::IncidentReport(r) => (
            "BÁO CÁO",
            format!(
                "Vụ lộ, mất bí mật nhà nước phát hiện ngày {}",
                crate::forms::fmt_date(r.discovered_at.date_naive())
            ),
        ),
        Payload::ImplementationPlan(_) => (
            "KẾ HOẠCH",
            format!("Triển khai công tác bảo vệ bí mật nhà nước năm {year}"),
        ),
        Payload::ComplianceStatus(_) => (
            "BÁO CÁO",
            format!("Tình hình thực hiện các quy định về bảo vệ bí mật nhà nước năm {year}"),
        ),
        Payload::AnnualReport(_) => (
            "BÁO CÁO",
            format!("Sơ kết công tác bảo vệ bí mật nhà nước năm {year}"),
        ),
        _ => ("BÁO CÁO", kind.label_vi().to_string()),
    }
}

/// GET /bao-cao/{id}/in
pub async fn print(viewer: Viewer, node: web::Data<Node>, id: web::Path<String>) -> WebResult {
    let id = schema::ReportId::parse(&id)
        .map_err(|_| WebError::NotFound)?
        .to_string();
    let actor = viewer.actor().to_string();
    let (sub, drafter, approver) = db(&node, move |c| {
        let Some(sub) = submissions::versions(c, &id)?.into_iter().next() else {
            return Ok(None);
        };
        if sub.kind == ReportKind::IncidentReport.code() {
            c.write_transaction(|c| audit::append(c, &actor, "view_incident", &id, "print"))?;
        }
        let drafter = match queries::first_actor(c, &id, "draft_save")? {
            Some(u) => queries::display_name(c, &u)?.or(Some(u)),
            None => None,
        };
        let approver = queries::display_name(c, &sub.approved_by)?;
        Ok(Some((sub, drafter, approver)))
    })
    .await?
    .ok_or(WebError::NotFound)?;
    let env: Envelope = schema::decode(sub.envelope.as_bytes()).map_err(|e| {
        WebError::Internal(anyhow::anyhow!(
            "stored envelope {} unreadable: {e}",
            sub.report_id
        ))
    })?;
    let b = &env.body;
    let pack = node.rules.get().pack_for(b.period.end()).ok();
    let form = form_of(pack, b.kind());
    let unit_name = node.settings.unit.name.as_str();
    let (org, place_part) = split_name(unit_name);
    let doc_symbol = match b.kind() {
        ReportKind::ImplementationPlan => "KH",
        _ => "BC",
    };
    let (doc_type, summary) = title(b.kind(), &b.payload, b.period.end_year());
    let secret = b.classification != Classification::KhongMat;
    let drafter = match &b.payload {
        Payload::AnnualReport(r) if !r.drafter.is_empty() => Some(r.drafter.to_string()),
        _ => drafter,
    };
    let links: Vec<&str> = node
        .settings
        .upstream
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    let content = match &b.payload {
        Payload::AnnualReport(r) => body::annual(r, unit_name, b.period, form),
        Payload::IncidentReport(r) => body::incident(r, form),
        Payload::ComplianceStatus(r) => body::compliance(r, form),
        Payload::ImplementationPlan(r) => body::plan(r, form),
        _ => html! {},
    };
    let page = html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                title { (doc_type) " – " (unit_name) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                div.toolbar {
                    a href=(routes::HISTORY) { "← Lịch sử gửi" }
                    a href=(routes::HOME) { "Trang chủ" }
                    span { "In văn bản: dùng lệnh In của trình duyệt (Ctrl + P), khổ A4." }
                }
                article.doc {
                    (header(org, place_part, doc_symbol, b.classification, b.created_at))
                    h1.type { (doc_type) }
                    @if b.classification.allows_summary() { p.summary { (summary) } }
                    div.rule style="width:35%" {}
                    (content)
                    (signature(&links, secret, drafter.as_deref(), approver.as_deref().unwrap_or(&sub.approved_by), &sub.digest))
                }
            }
        }
    };
    Ok(layout::ok(page))
}

fn header(
    org: &str,
    place_part: &str,
    doc_symbol: &str,
    c: Classification,
    at: DateTime<FixedOffset>,
) -> Markup {
    let place_name = match place(place_part) {
        "" => "……",
        p => p,
    };
    html! {
        table.head { tr {
            td.issuer {
                div.org { (org.to_uppercase()) @if !place_part.is_empty() { br; (place_part.to_uppercase()) } }
                div.rule style="width:40%" {}
                div.number { "Số:" span style="display:inline-block;width:14mm" {} "/" (doc_symbol) "-" (symbol(org)) }
                @if c != Classification::KhongMat { div { span.stamp { (c.label_vi()) } } }
            }
            td {
                div.nation { "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" }
                div.motto { "Độc lập - Tự do - Hạnh phúc" }
                div.rule style="width:55%" {}
                div.place { (place_name) ", " (date_line(at)) }
            }
        } }
    }
}

fn signature(
    links: &[&str],
    secret: bool,
    drafter: Option<&str>,
    approver: &str,
    digest: &str,
) -> Markup {
    let copies = links.len() + 1;
    html! {
        table.sign { tr {
            td.recipients {
                b { "Nơi nhận:" } br;
                @for l in links { "- " (l) ";" br; }
                "- Lưu: VT."
                @if secret {
                    br; "Số lượng: " (format!("{copies:02}")) " bản."
                    br; "Người soạn thảo: " (drafter.unwrap_or("……")) "."
                }
            }
            td.signer {
                div.title { "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ" }
                div { i { "(Đã ký số)" } }
                div.name { (approver) }
                div.small { "Mã nội dung: " (short_digest(digest)) }
            }
        } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_names_split_into_body_symbol_and_place() {
        let (org, rest) = split_name("Ủy ban nhân dân phường Trấn Biên");
        assert_eq!((org, rest), ("Ủy ban nhân dân", "phường Trấn Biên"));
        assert_eq!(symbol(org), "UBND");
        assert_eq!(place(rest), "Trấn Biên");
        assert_eq!(org.to_uppercase(), "ỦY BAN NHÂN DÂN");
        let (org, rest) = split_name("Sở Nội vụ tỉnh Đồng Nai");
        assert_eq!((symbol(org).as_str(), place(rest)), ("SNV", "Đồng Nai"));
        assert_eq!(split_name("Bộ Ngoại giao"), ("Bộ Ngoại giao", ""));
    }

    #[test]
    fn dates_follow_decree_30() {
        let t = DateTime::parse_from_rfc3339("2026-02-05T09:30:00+07:00").unwrap();
        assert_eq!(date_line(t), "ngày 05 tháng 02 năm 2026");
        let t = DateTime::parse_from_rfc3339("2026-12-15T09:30:00+07:00").unwrap();
        assert_eq!(date_line(t), "ngày 15 tháng 12 năm 2026");
    }
}
