//! The DOCX as a person sees it: LibreOffice converts it to PDF and `pdftotext` reads the
//! text back. Every header part of Decree 30 must come through with its diacritics intact.
//! Needs `soffice` and `pdftotext` (`scripts/test` installs them and names them in
//! `BMNN_SOFFICE` and `BMNN_PDFTOTEXT`); the test fails, never skips, without them.
//! `BMNN_DOC_OUT=/tmp/dir cargo test -p reports --test documents_pdf` keeps the files.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use reports::document::{Block, Document, IssuingBody, Recipients, Signature};
use reports::report::{build_report, sample};
use reports::table::{Cell, Table};
use schema::Classification;

/// What to run for `name`: the path in the environment variable `var` (set by `scripts/test`),
/// else `name` on the PATH.
fn tool(var: &str, name: &str) -> Command {
    Command::new(std::env::var_os(var).unwrap_or_else(|| name.into()))
}

/// Runs `cmd`, killing it after `limit`; returns stdout or a clear error.
fn run(mut cmd: Command, limit: Duration) -> Result<String, String> {
    let what = format!("{cmd:?}");
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "{program} is missing ({e}): run the tests with `scripts/test`, which installs it, or \
                 `apt-get install --no-install-recommends libreoffice-writer-nogui poppler-utils \
                 fonts-liberation2`"
            )
        })?;
    // Drain both pipes while waiting, or a chatty child blocks on a full pipe.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = String::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_string(&mut buf);
            }
            buf
        })
    };
    let out = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let err = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{what} did not finish within {limit:?}: killed"));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = out.join().unwrap_or_default();
    let err = err.join().unwrap_or_default();
    if status.success() {
        Ok(out)
    } else {
        Err(format!("{what} failed with {status}: {err}{out}"))
    }
}

/// DOCX → PDF with a private LibreOffice profile (parallel runs don't share one), then the
/// PDF's text in layout order.
fn pdf_text(docx: &[u8], dir: &Path, name: &str) -> String {
    let file = dir.join(format!("{name}.docx"));
    std::fs::write(&file, docx).unwrap();
    let profile = dir.join(format!("lo-profile-{name}"));
    let mut soffice = tool("BMNN_SOFFICE", "soffice");
    soffice
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir)
        .arg(&file);
    run(soffice, Duration::from_secs(120)).unwrap_or_else(|e| panic!("{e}"));
    let pdf = dir.join(format!("{name}.pdf"));
    assert!(pdf.exists(), "soffice wrote no PDF at {}", pdf.display());
    let mut totext = tool("BMNN_PDFTOTEXT", "pdftotext");
    // Reading order, not `-layout`: poppler's layout mode drops some lines of two-column
    // tables.
    totext.arg(&pdf).arg("-");
    run(totext, Duration::from_secs(60)).unwrap_or_else(|e| panic!("{e}"))
}

fn out_dir(tmp: &tempfile::TempDir) -> PathBuf {
    match std::env::var_os("BMNN_DOC_OUT") {
        Some(d) => {
            std::fs::create_dir_all(&d).unwrap();
            PathBuf::from(d)
        }
        None => tmp.path().to_path_buf(),
    }
}

fn provincial() -> Document {
    let mut t = Table::new("Bảng 1. Số liệu", &["STT", "Chỉ tiêu", "Số lượng"]);
    t.rows.push(vec![
        Cell::Int(1),
        Cell::text("Số buổi tập huấn"),
        Cell::Int(1234),
    ]);
    Document {
        issuer: IssuingBody {
            parent: Some("UBND TỈNH ĐỒNG NAI".into()),
            name: "BAN CHỈ ĐẠO CÔNG TÁC BẢO VỆ BÍ MẬT NHÀ NƯỚC".into(),
        },
        number: Some(12),
        symbol: "BC-BCĐ".into(),
        place: "Đồng Nai".into(),
        date: NaiveDate::from_ymd_opt(2026, 12, 20).unwrap(),
        kind: "Báo cáo".into(),
        summary: Some("Kết quả công tác bảo vệ bí mật nhà nước năm 2026".into()),
        classification: Classification::Mat,
        body: vec![
            Block::Heading {
                level: 1,
                text: "I. PHÂN TÍCH, ĐÁNH GIÁ TÌNH HÌNH".into(),
            },
            Block::Paragraph("Tình hình cơ bản ổn định; R&D <không> \"ảnh hưởng\".".into()),
            Block::Table(t),
        ],
        signature: Signature {
            authority: Some("TM. Ủy ban nhân dân".into()),
            title: "Chủ tịch".into(),
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

/// Whitespace-insensitive: the PDF's layout spreads the two header columns over one line.
/// The page count pdfinfo reads in `pdf`.
fn pages(pdf: &Path) -> u32 {
    let mut info = Command::new("pdfinfo");
    info.arg(pdf);
    let info = run(info, Duration::from_secs(30)).unwrap_or_else(|e| panic!("{e}"));
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo prints the page count")
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn libreoffice_reads_every_header_part_with_its_diacritics() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = out_dir(&tmp);
    let text = pdf_text(&provincial().to_docx().unwrap(), &dir, "provincial");
    let flat = squash(&text);
    for want in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "UBND TỈNH ĐỒNG NAI",
        "BAN CHỈ ĐẠO CÔNG TÁC BẢO VỆ",
        "Số: 12/BC-BCĐ",
        "Đồng Nai, ngày 20 tháng 12 năm 2026",
        "BÁO CÁO",
        "Kết quả công tác bảo vệ bí mật nhà nước năm 2026",
        "MẬT",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Võ Tấn Đức",
        "Nơi nhận:",
        "- Bộ Công an (A03);",
        "- Lưu: VT, PA03 (Nguyễn Văn An, 05 bản).",
        "R&D <không> \"ảnh hưởng\".",
        "1.234",
    ] {
        assert!(
            flat.contains(want),
            "`{want}` missing from the PDF text:\n{text}"
        );
    }
    // The header lines are each on one line, not wrapped.
    for line in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Đồng Nai, ngày 20 tháng 12 năm 2026",
        "Kết quả công tác bảo vệ bí mật nhà nước năm 2026",
    ] {
        assert!(
            text.lines().any(|l| l.trim() == line),
            "`{line}` is not a line of its own:\n{text}"
        );
    }
    // The national name comes before the document type, which comes before the signer.
    let at = |s: &str| flat.find(s).unwrap();
    assert!(at("CỘNG HÒA") < at("BÁO CÁO") && at("BÁO CÁO") < at("Võ Tấn Đức"));
}

#[test]
fn libreoffice_renders_the_national_report_with_its_tables_and_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = out_dir(&tmp);
    let doc = build_report(&sample::national(2026)).unwrap();
    let text = pdf_text(&doc.to_docx().unwrap(), &dir, "national");
    let flat = squash(&text);
    for want in [
        "BỘ CÔNG AN",
        "Số: 125/BC-BCA-A03",
        "Hà Nội, ngày 28 tháng 12 năm 2026",
        "I. PHÂN TÍCH, ĐÁNH GIÁ TÌNH HÌNH",
        "IV. DỰ BÁO TÌNH HÌNH",
        "Thành phố Hồ Chí Minh",
        "Biểu đồ 1.",
        "Tổng cộng",
        "KT. BỘ TRƯỞNG",
        "Nơi nhận:",
    ] {
        assert!(
            flat.contains(want),
            "`{want}` missing from the national report's PDF text"
        );
    }
    let pages = pages(&dir.join("national.pdf"));
    assert!(
        pages > 5,
        "a national report over 34 provinces on {pages} pages?"
    );
}

/// The report of a province of 5,000 units with ten years of history: groups in the body, the
/// units in the XLSX annex; at most 40 pages, under 5 MB, the HTML under 1 MB.
#[test]
fn a_province_of_5000_units_reports_in_at_most_40_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = out_dir(&tmp);
    let input = sample::province(5_000, 2026);
    let doc = build_report(&input).unwrap();
    let docx = doc.to_docx().unwrap();
    assert!(docx.len() < 5 << 20, "DOCX of {} bytes", docx.len());
    let html = doc.to_html().unwrap();
    assert!(html.len() < 1 << 20, "HTML of {} bytes", html.len());
    let flat = squash(&pdf_text(&docx, &dir, "province"));
    for want in [
        "Tình hình nộp báo cáo theo nhóm đơn vị",
        "Số liệu theo chỉ tiêu và nhóm đơn vị",
        "và 1", // "… and N other units" after the first 40 missing ones named
        "Phụ lục số liệu chi tiết",
        "Biểu đồ",
    ] {
        assert!(flat.contains(want), "`{want}` missing from the report");
    }
    assert!(
        !flat.contains("Mẫu Số 4999"),
        "a unit-level table in the body"
    );
    let pages = pages(&dir.join("province.pdf"));
    assert!(pages <= 40, "{pages} pages");
    // Every unit is in the annex.
    let tables = reports::report::report_tables(&input);
    let annex = reports::report::annex_tables(&input);
    assert_eq!(annex[0].rows.len(), 5_000);
    assert!(tables.len() > annex.len());
}
