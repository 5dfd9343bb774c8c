//! Rendering the national report (34 provinces, the rule pack's 14 indicators, sample
//! narratives and incidents) to DOCX with 10 charts at print size: the report builder's five
//! plus five on-time charts for groups of provinces. Baseline in the same run: the same
//! document without figures. Target: under 2 s in all. Then a province of 5,000 units with ten
//! years of history (`sample::province`): groups in the body, the units in the XLSX annex.
//! Run: `cargo bench -p reports --bench docx`.

use std::time::{Duration, Instant};

use reports::charts::{self, PRINT};
use reports::document::{Block, Document, Figure};
use reports::report::{build_report, report_tables, sample};

const RUNS: usize = 5;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// The report with ten figures: the builder's five and five more.
fn with_ten_charts(input: &reports::report::ReportInput) -> Document {
    let mut doc = build_report(input).expect("report builds");
    let rates: Vec<(String, f64)> = input
        .children
        .iter()
        .filter_map(|c| c.on_time_rate().map(|r| (c.name.clone(), r)))
        .collect();
    for (i, group) in rates.chunks(7).enumerate() {
        let png = charts::on_time_rate_png(
            &format!("Tỷ lệ nộp báo cáo đúng hạn — nhóm {}", i + 1),
            group,
            PRINT.0,
            PRINT.1,
        )
        .expect("chart draws");
        doc.body.push(Block::Figure(Figure {
            png,
            caption: format!("Biểu đồ {}. Tỷ lệ đúng hạn, nhóm {}", 6 + i, i + 1),
        }));
    }
    doc
}

fn main() {
    let input = sample::national(2026);
    let figures = |d: &Document| {
        d.body
            .iter()
            .filter(|b| matches!(b, Block::Figure(_)))
            .count()
    };
    assert_eq!(figures(&with_ten_charts(&input)), 10);

    let (mut build, mut docx, mut total, mut bare) = (vec![], vec![], vec![], vec![]);
    let (mut html, mut xlsx) = (vec![], vec![]);
    let mut size = 0;
    for _ in 0..RUNS {
        let t0 = Instant::now();
        let doc = with_ten_charts(&input);
        let t1 = Instant::now();
        let bytes = doc.to_docx().expect("docx renders");
        let t2 = Instant::now();
        size = bytes.len();
        build.push(t1 - t0);
        docx.push(t2 - t1);
        total.push(t2 - t0);

        let t = Instant::now();
        let h = doc.to_html().expect("html renders");
        html.push(t.elapsed());
        std::hint::black_box(h);

        let t = Instant::now();
        let x = reports::table::to_xlsx(&report_tables(&input)).expect("xlsx");
        xlsx.push(t.elapsed());
        std::hint::black_box(x);

        let mut plain = doc.clone();
        plain.body.retain(|b| !matches!(b, Block::Figure(_)));
        let t = Instant::now();
        std::hint::black_box(plain.to_docx().expect("docx renders"));
        bare.push(t.elapsed());
    }
    println!(
        "national report, 34 provinces, 10 charts at {}x{} px, median of {RUNS} runs",
        PRINT.0, PRINT.1
    );
    println!(
        "  build document (10 charts drawn and PNG-encoded): {}",
        ms(median(build))
    );
    println!(
        "  write DOCX ({} KiB):                            {}",
        size / 1024,
        ms(median(docx))
    );
    println!(
        "  total, build + DOCX:                             {}",
        ms(median(total.clone()))
    );
    println!(
        "  baseline: the same DOCX without figures:          {}",
        ms(median(bare))
    );
    println!(
        "  HTML of the same document:                        {}",
        ms(median(html))
    );
    println!(
        "  XLSX of the report's tables:                      {}",
        ms(median(xlsx))
    );
    let worst = total.iter().max().copied().unwrap_or_default();
    println!(
        "  worst total: {} (target < 2 s: {})",
        ms(worst),
        if worst < Duration::from_secs(2) {
            "met"
        } else {
            "MISSED"
        }
    );
    province();
}

/// The provincial report at 5,000 units: build, DOCX, HTML and the XLSX with the annex.
fn province() {
    let input = sample::province(5_000, 2026);
    let (mut total, mut html, mut xlsx) = (vec![], vec![], vec![]);
    let (mut size, mut html_size, mut xlsx_size) = (0, 0, 0);
    for _ in 0..RUNS {
        let t = Instant::now();
        let bytes = build_report(&input)
            .and_then(|d| d.to_docx())
            .expect("docx renders");
        total.push(t.elapsed());
        size = bytes.len();
        let doc = build_report(&input).expect("report builds");
        let t = Instant::now();
        html_size = doc.to_html().expect("html renders").len();
        html.push(t.elapsed());
        let t = Instant::now();
        xlsx_size = reports::table::to_xlsx(&report_tables(&input))
            .expect("xlsx")
            .len();
        xlsx.push(t.elapsed());
    }
    println!("provincial report, 5,000 units, ten years, median of {RUNS} runs");
    println!(
        "  build + DOCX ({} KiB):                            {}",
        size / 1024,
        ms(median(total))
    );
    println!(
        "  HTML ({} KiB):                                    {}",
        html_size / 1024,
        ms(median(html))
    );
    println!(
        "  XLSX with the unit-level annex ({} KiB):          {}",
        xlsx_size / 1024,
        ms(median(xlsx))
    );
}
