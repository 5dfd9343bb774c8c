//! The delivery state of a signed submission, per upstream link, from its outbox rows and the
//! receipts stored for it: đã duyệt/đang gửi, đã gửi — có biên nhận, bị từ chối (with the
//! receiver's reason), giữ lại — vượt độ mật. Shared by the home and history pages.

use maud::{html, Markup};

use super::layout::fmt_rfc3339;
use crate::db::outbox::{OutboxRow, State};
use crate::db::receipts::ReceiptRow;
use crate::db::submissions::SubmissionRow;

/// One link's state for one submission.
#[derive(Debug, Clone)]
pub struct LinkStatus {
    pub link: String,
    pub state: State,
    pub attempts: i32,
    /// The last error, the rejection reason or the held note.
    pub note: Option<String>,
    /// Receipts for this digest (shown on delivered links).
    pub receipts: Vec<ReceiptRow>,
}

/// The link states of `sub`, from the outbox rows and receipts of its report.
pub fn of(sub: &SubmissionRow, outbox: &[OutboxRow], receipts: &[ReceiptRow]) -> Vec<LinkStatus> {
    let mine: Vec<ReceiptRow> = receipts
        .iter()
        .filter(|r| r.report_id == sub.report_id && r.digest == sub.digest)
        .cloned()
        .collect();
    outbox
        .iter()
        .filter(|o| o.report_id == sub.report_id && o.digest == sub.digest)
        .map(|o| LinkStatus {
            link: o.link.clone(),
            state: o.state(),
            attempts: o.attempts,
            note: o.last_error.clone(),
            receipts: if o.state() == State::Delivered {
                mine.clone()
            } else {
                Vec::new()
            },
        })
        .collect()
}

/// The label and CSS class of a state.
pub fn label(state: State) -> (&'static str, &'static str) {
    match state {
        State::Pending => ("Đã duyệt, đang gửi", "s-pending"),
        State::Delivered => ("Đã gửi — có biên nhận", "s-delivered"),
        State::Rejected => ("Bị từ chối", "s-rejected"),
        State::Held => ("Giữ lại — vượt độ mật", "s-held"),
    }
}

/// The state that matters most across links: rejected, then held, then pending, then
/// delivered.
pub fn overall(links: &[LinkStatus]) -> Option<State> {
    [
        State::Rejected,
        State::Held,
        State::Pending,
        State::Delivered,
    ]
    .into_iter()
    .find(|s| links.iter().any(|l| l.state == *s))
}

pub fn outcome_label(outcome: &str) -> &'static str {
    match outcome {
        "accepted" => "đã tiếp nhận",
        "duplicate" => "đã có từ trước (gửi trùng)",
        "amended" => "tiếp nhận bản sửa đổi",
        _ => "không rõ",
    }
}

pub fn badge(state: State) -> Markup {
    let (text, class) = label(state);
    html! { span class={ "state " (class) } { (text) } }
}

/// One line per link: state, and the receipt, the reason or the note.
pub fn render(links: &[LinkStatus]) -> Markup {
    html! {
        @if links.is_empty() {
            span.muted { "Chưa có đường truyền nào được cấu hình." }
        }
        @for l in links {
            div {
                (badge(l.state)) " " span.muted { (l.link) }
                @match l.state {
                    State::Delivered => {
                        @for r in &l.receipts {
                            div {
                                "Biên nhận của " b { (r.receiver) } ", nhận lúc "
                                (fmt_rfc3339(&r.received_at)) " (" (outcome_label(&r.outcome)) ")"
                            }
                        }
                    }
                    State::Rejected => {
                        div.error { "Lý do từ chối: " (l.note.as_deref().unwrap_or("không ghi lý do")) }
                    }
                    State::Held => {
                        div { (l.note.as_deref().unwrap_or("Vượt độ mật cho phép của đường truyền: chuyển bằng USB an toàn.")) }
                    }
                    State::Pending => {
                        @if let (true, Some(e)) = (l.attempts > 0, l.note.as_deref()) {
                            div.muted {
                                "Chưa gửi được sau " (l.attempts) " lần thử; hệ thống sẽ tự gửi lại."
                                details { summary { "Chi tiết lỗi (cho quản trị viên)" } code { (e) } }
                            }
                        }
                    }
                }
            }
        }
    }
}
