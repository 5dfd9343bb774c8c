//! The UI's addresses, in one place: constants for the fixed pages and builders for the ones
//! that name a report. Handlers, links and form actions all use these.

use schema::ReportKind;

pub const HOME: &str = "/";
pub const LOGIN: &str = "/dang-nhap";
pub const LOGOUT: &str = "/dang-xuat";
pub const HISTORY: &str = "/lich-su";
pub const USERS: &str = "/nguoi-dung";
pub const HEALTH: &str = "/health";
pub const TRANSFER: &str = "/chuyen-giao";
pub const TRANSFER_EXPORT: &str = "/chuyen-giao/xuat";
pub const TRANSFER_IMPORT: &str = "/chuyen-giao/nhap";
pub const PULL_NOTICES: &str = "/thong-bao/nhan";

/// "Sửa và nộp lại": opens a draft amending the report's latest version (POST).
pub fn amend(report_id: &str) -> String {
    format!("/bao-cao/{report_id}/sua")
}

/// A new, empty form of `kind`.
pub fn new_draft(kind: ReportKind) -> String {
    format!("/ban-nhap/moi/{}", kind.code())
}

/// A draft: GET shows the form, POST saves it.
pub fn draft(report_id: &str) -> String {
    format!("/ban-nhap/{report_id}")
}

/// POST: the head approves, signs and queues the draft.
pub fn approve(report_id: &str) -> String {
    format!("/ban-nhap/{report_id}/duyet")
}

/// POST (multipart): attaches files to a draft.
pub fn attach(report_id: &str) -> String {
    format!("/ban-nhap/{report_id}/tep")
}

/// POST: takes the file at `position` off a draft.
pub fn detach(report_id: &str, position: i32) -> String {
    format!("/ban-nhap/{report_id}/tep/{position}/bo")
}

/// GET: file `n` of a directive received.
pub fn notice_file(notice_id: &str, n: usize) -> String {
    format!("/thong-bao/{notice_id}/tep/{n}")
}

/// POST: opens the draft that answers a request.
pub fn answer(request_id: &str) -> String {
    format!("/yeu-cau/{request_id}/tra-loi")
}

/// POST: deletes a draft.
pub fn delete_draft(report_id: &str) -> String {
    format!("/ban-nhap/{report_id}/xoa")
}

/// The signed report laid out as an official document.
pub fn print(report_id: &str) -> String {
    format!("/bao-cao/{report_id}/in")
}

/// POST: sets a user's password (admin).
pub fn user_password(user_id: i32) -> String {
    format!("/nguoi-dung/{user_id}/mat-khau")
}

/// `path?tb=code`: a page showing one of the fixed notices of `layout::notice`.
pub fn with_notice(path: &str, code: &str) -> String {
    format!("{path}?tb={code}")
}
