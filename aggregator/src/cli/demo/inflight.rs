//! What the demo has in flight on its first run: Đồng Nai's request to its communes for their
//! internal rules, and the nation's directive to every commune to acknowledge and disseminate
//! (docs/demo.md, steps 8 and 9).

use anyhow::anyhow;
use config::settings::AggregatorSettings;
use node::tls::TlsMaterial;
use schema::ReportingPeriod;

use crate::store;

/// Đồng Nai asks its communes for their internal rules, due in 10 working days: a request in
/// flight for the demo's communes to answer (docs/demo.md).
pub fn request(
    conn: &mut store::AnyConn,
    settings: &AggregatorSettings,
    rules: &config::rules::RuleBook,
) -> anyhow::Result<()> {
    let today = node::web::layout::today();
    let request = schema::Request {
        title: schema::Line::parse("Gửi nội quy bảo vệ bí mật nhà nước của đơn vị về Công an tỉnh")
            .map_err(|e| anyhow!("{e}"))?,
        legal_basis: schema::Line::parse(
            "Công văn số 120/BCĐ-PA03 của Ban Chỉ đạo công tác bảo vệ bí mật nhà nước tỉnh",
        )
        .map_err(|e| anyhow!("{e}"))?,
        asked: schema::Asked::Document {
            document: schema::DocumentType::InternalRules,
        },
        period: ReportingPeriod::annual_containing(today),
        due: crate::requests::due_in_working_days(rules, today, 10),
        classification: schema::Classification::KhongMat,
        instructions: schema::Text::parse(
            "Đơn vị nào chưa ban hành nội quy thì xây dựng, ban hành và gửi bản chụp có chữ ký, \
             đóng dấu (PDF).",
        )
        .ok(),
    };
    let signer = TlsMaterial::load(&settings.tls)?.signer()?;
    let to = crate::requests::parse_scope("tier:75:commune")?;
    crate::requests::issue(conn, &signer, to, request, "demo")?;
    Ok(())
}

/// A one-page PDF saying `line` (Helvetica, WinAnsi: no diacritics needed for the demo's file).
fn demo_pdf(line: &str) -> Vec<u8> {
    let stream = format!("BT /F1 14 Tf 72 760 Td ({line}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer << /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// The nation sends every commune a directive to acknowledge and disseminate within 10
/// working days: a directive in flight (docs/demo.md).
pub fn directive(
    conn: &mut store::AnyConn,
    settings: &AggregatorSettings,
    rules: &config::rules::RuleBook,
) -> anyhow::Result<()> {
    let today = node::web::layout::today();
    let bytes = demo_pdf("Chi thi so 02/CT-TTg ve tang cuong cong tac bao ve bi mat nha nuoc");
    let directive = schema::Directive {
        number: schema::Line::parse("245/BCA-A03").map_err(|e| anyhow!("{e}"))?,
        issued_on: today,
        title: schema::Line::parse(
            "Về việc quán triệt, triển khai Chỉ thị số 02/CT-TTg về tăng cường công tác bảo vệ \
             bí mật nhà nước",
        )
        .map_err(|e| anyhow!("{e}"))?,
        summary: None,
        disseminate: true,
        due: crate::requests::due_in_working_days(rules, today, 10),
        files: schema::BoundedVec::parse(vec![schema::NoticeFile {
            name: schema::FileName::parse("Chỉ thị 02-CT-TTg.pdf").map_err(|e| anyhow!("{e}"))?,
            media_type: schema::MediaType::Pdf,
            data: schema::DerBase64::of(&bytes),
        }])
        .map_err(|e| anyhow!("{e}"))?,
    };
    let signer = TlsMaterial::load(&settings.tls)?.signer()?;
    let to = crate::requests::parse_scope("tier:VN:commune")?;
    crate::requests::issue_directive(conn, &signer, to, directive, "demo")?;
    Ok(())
}
