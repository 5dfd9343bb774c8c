//! What the demo prints once everything listens: where the web UIs are, the logins, and what
//! to try, in Vietnamese with English alongside.

use super::accounts::Login;
use super::setup::{lower_first, NodeSite, Site, PROVINCE};

const RULE: &str = "════════════════════════════════════════════════════════════════════════";

/// Prints the banner to stdout.
pub fn print(site: &Site, aggregator_port: u16, nodes: &[(NodeSite, Vec<Login>)]) {
    println!("{}", render(site, aggregator_port, nodes));
}

/// The banner's text.
pub fn render(site: &Site, aggregator_port: u16, nodes: &[(NodeSite, Vec<Login>)]) -> String {
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
    out.push(format!(
        "Máy chủ tổng hợp {} / aggregator of {} ({PROVINCE}):",
        lower_first(&site.province_name),
        site.province_name
    ));
    out.push(format!(
        "  https://127.0.0.1:{aggregator_port}/  — chỉ nhận kết nối có chứng thư số / \
         mutual TLS, client certificates only"
    ));
    out.push(String::new());
    out.push(
        "Nút báo cáo cấp xã — mở trong trình duyệt / commune nodes — open in a browser:"
            .to_string(),
    );
    for (n, logins) in nodes {
        out.push(format!("  {} ({}) — {}", n.place, n.unit, n.unit_name));
        out.push(format!("    http://127.0.0.1:{}/", n.port));
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
    let status = site.dir.join("aggregator.toml");
    out.push(String::new());
    out.push("Hãy thử / try this:".to_string());
    out.push(
        "  1. Đăng nhập bằng canbo, lập báo cáo sơ kết hằng năm và lưu / log in as canbo and \
         fill in the annual report"
            .to_string(),
    );
    out.push(
        "  2. Đăng nhập bằng lanhdao, phê duyệt — báo cáo được ký và gửi lên tỉnh / log in as \
         lanhdao and approve: it is signed and sent to the province"
            .to_string(),
    );
    out.push("  3. Xem báo cáo đã đến tỉnh / watch it arrive:".to_string());
    out.push(format!(
        "       bmnn-aggregator status --config {}",
        status.display()
    ));
    out.push(format!(
        "       (từ mã nguồn / from source: cargo run -p aggregator -- status --config {})",
        status.display()
    ));
    out.push(String::new());
    out.push("Dừng / stop: Ctrl-C".to_string());
    out.push(RULE.to_string());
    out.join("\n")
}
