//! The mail that tells a unit its report was accepted or returned: to its officer and head
//! (as the registry has them), queued in the review's transaction. A unit without a usable
//! address gets no mail; the notice still reaches its node.

use lettre::message::Mailbox;
use maud::html;
use schema::{Review, Verdict};

use crate::mail::{self, Outgoing};
use crate::store::received::ReceivedRow;
use crate::store::{units, AnyConn};
use chrono::{DateTime, FixedOffset};

fn address(name: String, raw: Option<&str>) -> Option<Mailbox> {
    Some(Mailbox::new(Some(name), raw?.trim().parse().ok()?))
}

/// Queues the mail about `review` for the unit of `row`, if it has an address.
pub fn queue(
    c: &mut AnyConn,
    from: &Mailbox,
    now: DateTime<FixedOffset>,
    row: &ReceivedRow,
    review: &Review,
) -> anyhow::Result<()> {
    let Some(unit) = units::history(c, &row.unit)?.pop() else {
        return Ok(());
    };
    let mut to: Vec<Mailbox> = [
        address(unit.name.clone(), unit.officer_email.as_deref()),
        address(
            format!("Thủ trưởng {}", unit.name),
            unit.head_email.as_deref(),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    to.dedup_by(|a, b| a.email == b.email);
    if to.is_empty() {
        return Ok(());
    }
    let out = outgoing(&unit.name, now, row, review, to);
    let day = now.date_naive();
    let id = mail::new_id(day);
    let composed = mail::compose(&id, from, &out)?;
    mail::enqueue(
        c,
        &id,
        "review",
        Some(&row.unit),
        day,
        &out.subject,
        &composed,
    )?;
    Ok(())
}

fn outgoing(
    unit_name: &str,
    now: DateTime<FixedOffset>,
    row: &ReceivedRow,
    review: &Review,
    to: Vec<Mailbox>,
) -> Outgoing {
    let kind =
        schema::ReportKind::parse(&row.kind).map_or(row.kind.clone(), |k| k.label_vi().to_string());
    let returned = review.verdict == Verdict::Returned;
    let subject = if returned {
        format!("[BMNN] Báo cáo bị trả lại: {kind} kỳ {}", row.period)
    } else {
        format!("[BMNN] Đã tiếp nhận: {kind} kỳ {}", row.period)
    };
    let when = now.format("%H:%M ngày %d/%m/%Y");
    let reason = review
        .reason
        .as_ref()
        .map(|r| r.to_string())
        .unwrap_or_default();
    let pointers: Vec<&str> = review.pointers.iter().map(|p| p.as_str()).collect();
    let mut text = format!(
        "Kính gửi: {unit_name}\n\n{kind} kỳ {} của đơn vị đã được {} lúc {when}.\n",
        row.period,
        if returned {
            "trả lại để sửa, bổ sung"
        } else {
            "tiếp nhận"
        }
    );
    if !reason.is_empty() {
        text.push_str(&format!("\nLý do: {reason}\n"));
    }
    if !pointers.is_empty() {
        text.push_str(&format!("Mục cần xem lại: {}\n", pointers.join("; ")));
    }
    if returned {
        text.push_str("\nĐề nghị đơn vị mở hệ thống BMNN của đơn vị, chọn «Sửa và nộp lại», để lãnh đạo duyệt và ký gửi lại.\n");
    }
    let html = html! {
        html { head { meta charset="utf-8"; title { (subject) } } body {
            p { "Kính gửi: " b { (unit_name) } }
            p { (kind) " kỳ " (row.period) " của đơn vị đã được "
                b { @if returned { "trả lại để sửa, bổ sung" } @else { "tiếp nhận" } }
                " lúc " (when) "." }
            @if !reason.is_empty() { p { "Lý do: " (reason) } }
            @if !pointers.is_empty() { p { "Mục cần xem lại: " (pointers.join("; ")) } }
            @if returned { p { "Đề nghị đơn vị mở hệ thống BMNN của đơn vị, chọn «Sửa và nộp lại», để lãnh đạo duyệt và ký gửi lại." } }
        } }
    };
    Outgoing {
        to,
        subject,
        text,
        html: html.into_string(),
    }
}
