//! Documents without LibreOffice: the Decree 30 header lines, the checks a clerk makes, the
//! DOCX's page set-up, fonts, tables and images as Word reads them from the package, the HTML's
//! escaping and self-containment.

use std::io::Read as _;

use chrono::NaiveDate;
use proptest::prelude::*;
use reports::document::{
    date_line, Block, Document, DocumentError, Figure, IssuingBody, Recipients, Signature,
};
use reports::table::{Cell, Table};
use schema::Classification;

fn doc(classification: Classification) -> Document {
    Document {
        issuer: IssuingBody {
            parent: Some("UBND tỉnh Đồng Nai".into()),
            name: "Ban Chỉ đạo công tác bảo vệ bí mật nhà nước".into(),
        },
        number: Some(12),
        symbol: "BC-BCĐ".into(),
        place: "Đồng Nai".into(),
        date: NaiveDate::from_ymd_opt(2026, 12, 20).unwrap(),
        kind: "BÁO CÁO".into(),
        summary: Some("Kết quả công tác bảo vệ bí mật nhà nước năm 2026".into()),
        classification,
        body: vec![Block::Paragraph("Nội dung báo cáo.".into())],
        signature: Signature {
            authority: Some("TM. ỦY BAN NHÂN DÂN".into()),
            title: "CHỦ TỊCH".into(),
            signer: "Võ Tấn Đức".into(),
        },
        recipients: Recipients {
            to: vec!["Bộ Công an (A03)".into()],
            archive: "VT, PA03".into(),
            copies: Some(5),
            drafter: Some("Nguyễn Văn An".into()),
            copy_scope: None,
        },
    }
}

/// A part of the DOCX/XLSX package, as text.
fn part(package: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(package)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn names(package: &[u8]) -> Vec<String> {
    let zip = zip::ZipArchive::new(std::io::Cursor::new(package)).unwrap();
    zip.file_names().map(String::from).collect()
}

/// The attribute `attr` of the first `<tag ...>` in `xml`.
fn attr(xml: &str, tag: &str, attr: &str) -> i64 {
    let at = xml
        .find(&format!("<{tag} "))
        .unwrap_or_else(|| panic!("no <{tag}>"));
    let rest = &xml[at..];
    let rest = &rest[rest.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2..];
    rest[..rest.find('"').unwrap()].parse().unwrap()
}

#[test]
fn date_line_pads_days_below_10_and_january_february() {
    let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(
        date_line("Đồng Nai", d(2026, 12, 20)),
        "Đồng Nai, ngày 20 tháng 12 năm 2026"
    );
    assert_eq!(
        date_line("Hà Nội", d(2026, 2, 5)),
        "Hà Nội, ngày 05 tháng 02 năm 2026"
    );
    assert_eq!(
        date_line("Hà Nội", d(2026, 3, 1)),
        "Hà Nội, ngày 01 tháng 3 năm 2026"
    );
    assert_eq!(
        date_line("Huế", d(2026, 10, 9)),
        "Huế, ngày 09 tháng 10 năm 2026"
    );
}

#[test]
fn number_line_leaves_a_blank_before_registration() {
    let mut d = doc(Classification::KhongMat);
    assert_eq!(d.number_line(), "Số: 12/BC-BCĐ");
    d.number = None;
    assert!(d.number_line().starts_with("Số: ") && d.number_line().ends_with("/BC-BCĐ"));
}

#[test]
fn clerk_checks_refuse_what_may_not_be_issued() {
    assert!(doc(Classification::Mat).validate().is_ok());
    let e = doc(Classification::TuyetMat)
        .validate()
        .unwrap_err()
        .to_string();
    assert!(e.contains("Tuyệt mật"), "{e}");
    let mut d = doc(Classification::ToiMat);
    d.recipients.copies = None;
    d.recipients.drafter = Some("  ".into());
    let e = d.to_docx().unwrap_err().to_string();
    assert!(e.contains("copies") && e.contains("drafter"), "{e}");
    // Unclassified documents need neither.
    let mut d = doc(Classification::KhongMat);
    d.recipients.copies = None;
    d.recipients.drafter = None;
    assert!(d.to_html().is_ok());
    d.signature.signer = String::new();
    assert!(matches!(d.validate(), Err(DocumentError::Invalid(_))));
}

#[test]
fn docx_is_a4_with_decree_30_margins_and_times_new_roman() {
    let docx = doc(Classification::Mat).to_docx().unwrap();
    let xml = part(&docx, "word/document.xml");
    assert_eq!(attr(&xml, "w:pgSz", "w:w"), 11906);
    assert_eq!(attr(&xml, "w:pgSz", "w:h"), 16838);
    let mm = |tw: i64| tw as f64 / 56.693;
    let (top, bottom) = (
        mm(attr(&xml, "w:pgMar", "w:top")),
        mm(attr(&xml, "w:pgMar", "w:bottom")),
    );
    let (left, right) = (
        mm(attr(&xml, "w:pgMar", "w:left")),
        mm(attr(&xml, "w:pgMar", "w:right")),
    );
    assert!((20.0..=25.0).contains(&top.round()), "top {top} mm");
    assert!(
        (20.0..=25.0).contains(&bottom.round()),
        "bottom {bottom} mm"
    );
    assert!((30.0..=35.0).contains(&left.round()), "left {left} mm");
    assert!((15.0..=20.0).contains(&right.round()), "right {right} mm");
    let styles = part(&docx, "word/styles.xml");
    assert!(
        styles.contains("w:ascii=\"Times New Roman\"")
            && styles.contains("w:hAnsi=\"Times New Roman\"")
    );
    // Body text 14 pt (28 half-points), the national name 12–13 pt bold.
    assert!(styles.contains("<w:sz w:val=\"28\""));
    assert!(xml.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    // Issuing body in capitals, the stamp only when classified.
    assert!(xml.contains("BAN CHỈ ĐẠO CÔNG TÁC BẢO VỆ BÍ MẬT NHÀ NƯỚC"));
    assert!(xml.contains(">MẬT<"));
    let plain = part(
        &doc(Classification::KhongMat).to_docx().unwrap(),
        "word/document.xml",
    );
    assert!(!plain.contains(">MẬT<"));
}

#[test]
fn docx_tables_have_borders_and_the_header_has_none() {
    let mut d = doc(Classification::KhongMat);
    let mut t = Table::new("Bảng 1. Số liệu", &["STT", "Chỉ tiêu", "Số lượng"]);
    t.rows.push(vec![
        Cell::Int(1),
        Cell::text("Số buổi tập huấn"),
        Cell::Int(1234567),
    ]);
    d.body.push(Block::Table(t));
    let xml = part(&d.to_docx().unwrap(), "word/document.xml");
    let tables: Vec<&str> = xml.split("<w:tbl>").skip(1).collect();
    assert_eq!(tables.len(), 3, "header, data table, signature");
    let bordered = |t: &str| t.contains("<w:tblBorders><w:top w:val=\"single\"");
    assert!(!bordered(tables[0]) && bordered(tables[1]) && !bordered(tables[2]));
    assert!(
        tables[1].contains("1.234.567"),
        "numbers grouped the Vietnamese way"
    );
}

#[test]
fn docx_embeds_figures_as_png_media() {
    let mut d = doc(Classification::KhongMat);
    let png = reports::charts::incidents_over_time_png(
        "Vụ lộ, mất",
        &reports::charts::TimeSeries {
            labels: vec!["2025".into(), "2026".into()],
            lines: vec![("Số vụ".into(), vec![3, 5])],
        },
        800,
        450,
    )
    .unwrap();
    d.body.push(Block::Figure(Figure {
        png: png.clone(),
        caption: "Biểu đồ 1. Vụ lộ, mất".into(),
    }));
    let docx = d.to_docx().unwrap();
    let media: Vec<String> = names(&docx)
        .into_iter()
        .filter(|n| n.starts_with("word/media/") && !n.ends_with('/'))
        .collect();
    assert_eq!(media.len(), 1, "{media:?}");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&docx)).unwrap();
    let mut bytes = Vec::new();
    zip.by_name(&media[0])
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    assert_eq!(bytes, png, "the PNG goes in unchanged");
    // Not a PNG: a clear error naming the figure.
    d.body.push(Block::Figure(Figure {
        png: b"GIF89a".to_vec(),
        caption: "Hình lỗi".into(),
    }));
    let e = d.to_docx().unwrap_err().to_string();
    assert!(e.contains("Hình lỗi"), "{e}");
}

#[test]
fn html_is_self_contained_and_escaped() {
    let mut d = doc(Classification::Mat);
    d.body.push(Block::Paragraph(
        "<script>alert('x')</script> & \"trích\"".into(),
    ));
    d.body.push(Block::Figure(Figure {
        png: reports::charts::on_time_rate_png("Tỷ lệ", &[("Tỉnh A".into(), 0.5)], 400, 200)
            .unwrap(),
        caption: "Biểu đồ <1>".into(),
    }));
    let html = d.to_html().unwrap();
    assert!(!html.contains("<script>"));
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;trích&quot;")
    );
    assert!(html.contains("src=\"data:image/png;base64,"));
    assert!(html.contains("Biểu đồ &lt;1&gt;"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing fetched"
    );
    for want in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 12/BC-BCĐ",
        "Đồng Nai, ngày 20 tháng 12 năm 2026",
        "class=\"stamp\">MẬT<",
        "Nơi nhận:",
        "@page { size: A4",
    ] {
        assert!(html.contains(want), "{want} missing");
    }
}

#[test]
fn decomposed_input_comes_out_nfc() {
    let mut d = doc(Classification::KhongMat);
    let nfd: String =
        unicode_normalization::UnicodeNormalization::nfd("Tình hình ổn định").collect();
    d.body.push(Block::Paragraph(nfd.clone()));
    let xml = part(&d.to_docx().unwrap(), "word/document.xml");
    assert!(xml.contains("Tình hình ổn định") && !xml.contains(&nfd));
    assert!(d.to_html().unwrap().contains("Tình hình ổn định"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Any text, control characters and XML specials included, gives a package whose
    /// document part is well-formed enough to hold the text back, in NFC.
    #[test]
    fn any_paragraph_text_renders(text in "[a-zA-ZàáạảãăắặđêếệôơớưứỹÀĐƯ &<>\"'\\x00-\\x1f]{0,80}") {
        let mut d = doc(Classification::KhongMat);
        d.body.push(Block::Paragraph(text.clone()));
        let docx = d.to_docx().unwrap();
        let xml = part(&docx, "word/document.xml");
        let bad = |c: char| c.is_control() && c != '\n' && c != '\r' && c != '\t';
        prop_assert!(!xml.chars().any(bad), "control character in document.xml");
        let html = d.to_html().unwrap();
        prop_assert!(!html.chars().any(bad), "control character in the HTML");
        // Each line of the text is in the page, escaped.
        for line in text.lines() {
            let clean: String = line
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect::<String>()
                .trim()
                .to_string();
            if !clean.is_empty() {
                let escaped = clean
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('"', "&quot;")
                    .replace('\'', "&#39;");
                let escaped: String =
                    unicode_normalization::UnicodeNormalization::nfc(escaped.as_str()).collect();
                prop_assert!(html.contains(&escaped), "`{}` missing", escaped);
            }
        }
    }
}
