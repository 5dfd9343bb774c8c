//! What the demo prints once everything listens: the aggregators' web UIs (the nation's and
//! the provinces'), the nodes' web UIs, the logins, and what to try, in Vietnamese with English
//! alongside.

use super::accounts::Login;
use super::setup::{AggSite, NodeSite, Site};

const RULE: &str = "════════════════════════════════════════════════════════════════════════";

/// Prints the banner to stdout.
pub fn print(site: &Site, aggregators: &[(AggSite, Vec<Login>)], nodes: &[(NodeSite, Vec<Login>)]) {
    println!("{}", render(site, aggregators, nodes));
}

fn logins(out: &mut Vec<String>, logins: &[Login]) {
    for l in logins {
        let pw = l
            .password
            .as_deref()
            .unwrap_or("(đã đặt trước đó / set earlier; đặt lại / reset with --password)");
        out.push(format!(
            "    {:<8} {:<30} mật khẩu / password: {pw}",
            l.username,
            format!("({})", l.role.label_vi())
        ));
    }
}

/// The banner's text.
pub fn render(
    site: &Site,
    aggregators: &[(AggSite, Vec<Login>)],
    nodes: &[(NodeSite, Vec<Login>)],
) -> String {
    let mut out = Vec::new();
    out.push(RULE.to_string());
    out.push(" BMNN — Hệ thống báo cáo bảo vệ bí mật nhà nước: bản trình diễn".to_string());
    out.push(" BMNN — state-secret protection reporting: demo".to_string());
    out.push(RULE.to_string());
    out.push(format!(
        "Dữ liệu / data: {} (chạy lại sẽ dùng lại / re-running reuses it)",
        site.dir.display()
    ));
    out.push(String::new());
    out.push(
        "Ban Chỉ đạo — máy chủ tổng hợp / steering committees' aggregators (web UI):".to_string(),
    );
    for (a, l) in aggregators {
        out.push(format!("  {} ({})", a.area, a.unit));
        out.push(format!(
            "    http://127.0.0.1:{}/   (nhận báo cáo / ingest, mTLS: https://127.0.0.1:{}/)",
            a.ui_port, a.port
        ));
        logins(&mut out, l);
    }
    out.push(String::new());
    out.push("Đơn vị báo cáo — mở trong trình duyệt / reporting units' nodes:".to_string());
    for (n, l) in nodes {
        out.push(format!("  {} ({}) — {}", n.place, n.unit, n.unit_name));
        out.push(format!("    http://127.0.0.1:{}/", n.port));
        logins(&mut out, l);
    }
    out.push(String::new());
    out.push("Hãy thử / try this (docs/demo.md):".to_string());
    out.push(
        "  1. Ở một xã, đăng nhập bằng canbo, lập báo cáo sơ kết hằng năm và lưu / at a commune, \
         log in as canbo and fill in the annual report"
            .to_string(),
    );
    out.push(
        "  2. Đăng nhập bằng lanhdao, phê duyệt — báo cáo được ký, gửi lên tỉnh, có biên nhận / \
         log in as lanhdao and approve: signed, sent, receipted"
            .to_string(),
    );
    out.push(
        "  3. Ở tỉnh: hộp thư /, tỷ lệ nộp /ty-le-nop, tổng quan /tong-quan, báo cáo tổng hợp \
         /bao-cao-tong-hop, kiểm tra /kiem-tra / at the province: inbox, rates, dashboard, \
         consolidated report, inspections"
            .to_string(),
    );
    if let Some((p, _)) = aggregators.get(1) {
        out.push(format!(
            "  4. Duyệt và gửi báo cáo tổng hợp lên Bộ (Báo cáo tổng hợp → Phê duyệt, hoặc) / \
             approve and send the consolidated report to the nation:\n       \
             bmnn-aggregator consolidate --period 2026 --approve-as \"Trần Thị Bình\" --send \
             --config {}",
            p.config.display()
        ));
        out.push(format!(
            "  5. Đơn vị mới: tạo mã đăng ký ở Chứng thư số (/chung-thu), rồi tại đơn vị / a new \
             unit: create a code on /chung-thu, then on its machine:\n       \
             bmnn-node init --config node.toml --enrol https://127.0.0.1:{} --code … --root-sha256 …",
            site.port_base + super::setup::ENROL_OFFSET
        ));
    }
    out.push(String::new());
    out.push("Dừng / stop: Ctrl-C".to_string());
    out.push(RULE.to_string());
    out.join("\n")
}
