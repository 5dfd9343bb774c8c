//! The page shell (head, inline stylesheet, header with the unit and the navigation, the
//! logout button), the fixed notices shown after a redirect, and the formatting of dates and
//! times for people: `dd/mm/yyyy`, times in Asia/Ho_Chi_Minh.

use actix_web::http::{header, StatusCode};
use actix_web::HttpResponse;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use config::settings::TIMEZONE;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::Deserialize;

use super::routes;
use super::session::Viewer;

const STYLE: &str = r#"
*{box-sizing:border-box}
body{margin:0;font-family:"Segoe UI",Arial,"Helvetica Neue",sans-serif;font-size:17px;line-height:1.5;color:#1b1b1b;background:#f4f4f1}
header.top{background:#7a1010;color:#fff;padding:.6rem 1.2rem;display:flex;flex-wrap:wrap;align-items:center;gap:1rem}
header.top .unit{font-weight:bold;font-size:1.1rem;flex:1 1 auto}
header.top a{color:#fff;margin-right:1rem}
header.top form{display:inline;margin:0}
header.top button{background:#fff;color:#7a1010;border:0;padding:.3rem .8rem;font-size:1rem;cursor:pointer}
main{max-width:1100px;margin:1rem auto;padding:0 1rem 3rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;background:#fff;margin:.5rem 0}
th,td{border:1px solid #bbb;padding:.4rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}
label{font-weight:600}
input[type=text],input[type=password],input[type=date],input[type=time],select,textarea{font:inherit;padding:.35rem;border:1px solid #888;border-radius:3px;max-width:100%}
textarea{width:100%;min-height:8rem}
input.num{width:9rem;text-align:right}
.field{margin:.7rem 0}
.hint{color:#555;font-size:.9rem}
.error{color:#a00000;font-weight:600}
.invalid input,.invalid select,.invalid textarea,td.invalid input,td.invalid select{border:2px solid #a00000;background:#fff4f4}
.box{background:#fff;border:1px solid #ccc;padding:1rem;margin:1rem 0}
.notice{background:#e7f4e4;border:1px solid #6a9f5b;padding:.7rem 1rem;margin:1rem 0}
.alert{background:#fff1f0;border:1px solid #a00000;padding:.7rem 1rem;margin:1rem 0}
.actions{margin:1.2rem 0;display:flex;gap:1rem;flex-wrap:wrap}
button,.button{font:inherit;padding:.5rem 1.1rem;border:1px solid #555;background:#fff;cursor:pointer;color:#1b1b1b;text-decoration:none;display:inline-block}
button.primary{background:#7a1010;color:#fff;border-color:#7a1010;font-weight:bold}
.state{display:inline-block;padding:.1rem .5rem;border-radius:3px;font-size:.9rem;font-weight:600}
.s-none{background:#eee}.s-draft{background:#fff3cd}.s-pending{background:#dbe9ff}
.s-delivered{background:#d8f0d2}.s-rejected{background:#f8d0d0}.s-held{background:#ffe0b3}
.muted{color:#666}
code{font-size:.9rem}
section.returned{border-left:4px solid #b00020;padding:.2rem 1rem;margin:1rem 0;background:#fff7f7}
.card{border:1px solid #ddd;background:#fff;padding:.6rem .8rem;margin:.6rem 0}
form.inline{display:inline;margin:0}
"#;

/// The links of a UI's header: (path, label, admins only). An aggregator serves its own by
/// putting a `web::Data<Nav>` in its app; the node's is [`Nav::node`].
#[derive(Debug, Clone)]
pub struct Nav(pub Vec<(&'static str, &'static str, bool)>);

impl Nav {
    pub fn node() -> Self {
        Nav(vec![
            (routes::HOME, "Trang chủ", false),
            (routes::HISTORY, "Lịch sử gửi", false),
            (routes::TRANSFER, "Chuyển giao USB", false),
            (routes::USERS, "Người dùng", true),
        ])
    }
}

/// A page for a logged-in user.
pub fn page(
    viewer: &Viewer,
    unit_name: &str,
    title: &str,
    notice: Option<&str>,
    content: Markup,
) -> Markup {
    let own;
    let nav = match &viewer.nav {
        Some(n) => n.as_ref(),
        None => {
            own = Nav::node();
            &own
        }
    };
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – " (unit_name) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header.top {
                    span.unit { (unit_name) }
                    nav {
                        @for (href, label, admin) in &nav.0 {
                            @if !admin || viewer.is_admin() { a href=(href) { (label) } }
                        }
                    }
                    span { (viewer.user.display_name) " (" (viewer.role.label_vi()) ")" }
                    form method="post" action=(routes::LOGOUT) {
                        (csrf_field(&viewer.csrf))
                        button type="submit" { "Đăng xuất" }
                    }
                }
                main {
                    @if let Some(n) = notice { p.notice role="status" { (n) } }
                    (content)
                }
            }
        }
    }
}

/// A page without the navigation (login, errors).
pub fn bare(title: &str, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="vi" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body { main { (content) } }
        }
    }
}

pub fn html_response(status: StatusCode, body: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .body(body.into_string())
}

pub fn ok(body: Markup) -> HttpResponse {
    html_response(StatusCode::OK, body)
}

/// 303 to `location`.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// The hidden CSRF field every POST form carries.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name="_csrf" value=(token); }
}

/// The `?tb=` query of a page shown after a redirect.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    pub tb: Option<String>,
}

impl NoticeQuery {
    pub fn message(&self) -> Option<&'static str> {
        self.tb.as_deref().and_then(notice)
    }
}

/// The fixed notices (only codes travel in the address, never text).
pub fn notice(code: &str) -> Option<&'static str> {
    Some(match code {
        "da-luu" => "Đã lưu bản nháp.",
        "da-duyet" => "Đã duyệt, ký số và đưa báo cáo vào hàng đợi gửi lên cấp trên.",
        "da-duyet-giu" => {
            "Đã duyệt và ký số. Báo cáo có độ mật cao hơn mức cho phép của đường truyền nên được \
             giữ lại: chuyển bằng gói chuyển giao trên USB an toàn."
        }
        "da-xoa" => "Đã xóa bản nháp.",
        "da-dinh-kem" => "Đã đính kèm tệp vào bản nháp.",
        "da-bo-tep" => "Đã bỏ tệp khỏi bản nháp.",
        "tra-loi" => {
            "Đã mở bản nháp trả lời yêu cầu của cấp trên. Điền nội dung, đính kèm tệp nếu cần, \
             lưu rồi trình lãnh đạo duyệt và ký gửi."
        }
        "dang-sua" => {
            "Bản nháp sửa đổi đã mở từ bản đã gửi. Sửa theo ý kiến của cấp trên, lưu, rồi trình \
             lãnh đạo duyệt và ký gửi lại."
        }
        "da-nhap-bn" => {
            "Đã nhập biên nhận và thông báo của cấp trên; các báo cáo tương ứng đã được ghi nhận \
             là đã gửi."
        }
        "da-tao" => "Đã tạo tài khoản.",
        "tb-moi" => "Đã nhận thông báo mới từ cấp trên.",
        "tb-khong" => "Cấp trên không có thông báo mới.",
        "tb-loi" => {
            "Chưa kết nối được với cấp trên để nhận thông báo; hệ thống sẽ tự thử lại (xem \
             «bmnn-node status»)."
        }
        "da-xem-xet" => {
            "Đã ghi ý kiến xem xét, ký số và gửi thông báo cho đơn vị (đơn vị nhận ở lần kết nối \
             tới, kèm thư điện tử nếu danh mục có địa chỉ)."
        }
        "da-doi-mk" => "Đã đặt lại mật khẩu; tài khoản đã được mở khóa.",
        _ => return None,
    })
}

/// Now, in +07:00, to the second.
pub fn now_local() -> DateTime<FixedOffset> {
    let now = Utc::now().with_timezone(&TIMEZONE).fixed_offset();
    DateTime::from_timestamp(now.timestamp(), 0)
        .map(|t| t.with_timezone(now.offset()))
        .unwrap_or(now)
}

/// Today's date in Asia/Ho_Chi_Minh.
pub fn today() -> NaiveDate {
    now_local().date_naive()
}

/// A stored UTC timestamp as local `dd/mm/yyyy HH:MM`.
pub fn fmt_utc(t: NaiveDateTime) -> String {
    t.and_utc()
        .with_timezone(&TIMEZONE)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// An RFC 3339 time (a receipt's `received_at`) as local `dd/mm/yyyy HH:MM:SS`.
pub fn fmt_rfc3339(s: &str) -> String {
    DateTime::parse_from_rfc3339(s).map_or_else(
        |_| s.to_string(),
        |t| {
            t.with_timezone(&TIMEZONE)
                .format("%d/%m/%Y %H:%M:%S")
                .to_string()
        },
    )
}

/// `sha256:0123456789ab…` → `0123456789ab`.
pub fn short_digest(d: &str) -> &str {
    let hex = d.strip_prefix("sha256:").unwrap_or(d);
    &hex[..hex.len().min(12)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_vietnam() {
        let t = NaiveDate::from_ymd_opt(2026, 12, 5)
            .unwrap()
            .and_hms_opt(2, 30, 0)
            .unwrap();
        assert_eq!(fmt_utc(t), "05/12/2026 09:30");
        assert_eq!(fmt_rfc3339("2026-12-05T02:31:02Z"), "05/12/2026 09:31:02");
        assert_eq!(short_digest("sha256:0123456789abcdef"), "0123456789ab");
        assert_eq!(now_local().offset().local_minus_utc(), 7 * 3600);
    }
}
