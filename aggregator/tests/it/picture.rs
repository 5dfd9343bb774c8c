//! The national picture as the ministry reads it on the demo: the dashboard counts the
//! incidents relayed from the communes, and the dashboard, the national consolidated report and
//! the rates page give the same numbers for the same year (one source of figures). Called from
//! the demo test, which has the demo running.

use std::time::Duration;

use aggregator::consolidation;
use schema::{Payload, ReportKind, ReportingPeriod};

use crate::demo::{wait_incident, Demo, NATION_UI};
use crate::support::browser::{self, text};
use crate::support::{runtime, wait_until};

/// `(incidents, violations)` of `year` in the dashboard's figures table.
fn dashboard_row(html: &str, year: i32) -> (u64, u64) {
    let row = format!("<tr><td>{year}</td><td>");
    let at = html
        .find(&row)
        .unwrap_or_else(|| panic!("no row for {year} in the dashboard"));
    let cells: Vec<u64> = html[at..]
        .split("</tr>")
        .next()
        .unwrap()
        .split("<td>")
        .skip(2)
        .map(|c| {
            c.trim_end_matches("</td>")
                .replace('.', "")
                .parse()
                .unwrap()
        })
        .collect();
    (cells[0], cells[1])
}

/// The incidents the consolidated report's part III counts.
fn report_incidents(html: &str) -> u64 {
    if html.contains("Trong kỳ báo cáo, không phát hiện vụ lộ, mất") {
        return 0;
    }
    let lead = "Trong kỳ báo cáo, phát hiện ";
    let at = html.find(lead).expect("part III's sentence") + lead.len();
    html[at..]
        .split(' ')
        .next()
        .unwrap()
        .replace('.', "")
        .parse()
        .unwrap()
}

/// The total of the report's "violations by kind" table (0 when there is none).
fn report_violations(html: &str) -> u64 {
    let Some(at) = html.find("Vi phạm phát hiện theo loại") else {
        return 0;
    };
    let total = html[at..].find("Tổng cộng").expect("the totals row") + at;
    let cell = html[total..].split("<td").nth(1).expect("the total's cell");
    let digits: String = cell
        .split('>')
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| *c != '<')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap()
}

pub fn the_nation_counts_once_everywhere(demo: &Demo) {
    // Xã Long Phước's incident, relayed by Đồng Nai; Đồng Nai's 2021–2025 reports.
    wait_incident(demo, "VN", "75.26413");
    let nation = demo.store("VN");
    wait_until(
        Duration::from_secs(60),
        "Đồng Nai's consolidated reports at the nation",
        || {
            let mut c = nation.get().unwrap();
            let p = ReportingPeriod::Annual(2025);
            consolidation::latest_of(&mut c, ReportKind::ConsolidatedReport, p)
                .unwrap()
                .iter()
                .any(|l| l.row.unit == "75")
        },
    );
    let ui = demo.ui(NATION_UI);
    let password = demo.password("aggregator-VN", "lanhdao");
    runtime().block_on(async {
        let head = browser::logged_in(&ui, "lanhdao", &password).await;
        let dash = text(&head, &format!("{ui}/tong-quan?tu=2021&den=2026")).await;
        for year in [2025, 2026] {
            let (incidents, violations) = dashboard_row(&dash, year);
            let report = text(&head, &format!("{ui}/bao-cao-tong-hop?ky={year}")).await;
            assert_eq!(incidents, report_incidents(&report), "{year}: incidents");
            assert_eq!(violations, report_violations(&report), "{year}: violations");
            if year == 2026 {
                assert!(incidents >= 1, "the relayed incident is counted");
            }
        }
        // 2025 at the nation: Đồng Nai's row is what its consolidated report says of its units.
        let csv = text(&head, &format!("{ui}/ty-le-nop?ky=2025&dang=csv")).await;
        let row = csv
            .lines()
            .find(|l| l.starts_with("75,"))
            .unwrap_or_else(|| panic!("no Đồng Nai row: {csv}"));
        let cells: Vec<&str> = row.split(',').collect();
        let mut c = nation.get().unwrap();
        let p = ReportingPeriod::Annual(2025);
        let latest = consolidation::latest_of(&mut c, ReportKind::ConsolidatedReport, p).unwrap();
        let l = latest.iter().find(|l| l.row.unit == "75").unwrap();
        let env: schema::Envelope = schema::decode(l.row.envelope.as_bytes()).unwrap();
        let Payload::ConsolidatedReport(r) = env.body.payload else {
            panic!("not a consolidated report")
        };
        assert_eq!(cells[2], r.units_expected.to_string(), "expected: {row}");
        assert_eq!(cells[3], r.units_reported.to_string(), "received: {row}");
        assert_eq!(cells[4], r.units_on_time.to_string(), "on time: {row}");
        assert!(
            r.units_on_time > 0,
            "a realistic history is not 0 % on time"
        );
    });
}
