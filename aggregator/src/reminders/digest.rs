//! From due items to mails: one digest per unit and day listing everything it owes (to the
//! officer; the head too once something is overdue), and one digest for the steering
//! committee listing the escalations ([`group`]); and their Vietnamese wording, as plain text
//! and as HTML ([`render`]).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use lettre::message::Mailbox;
use maud::{html, Markup, DOCTYPE};
use schema::UnitId;

use super::plan::{DueItem, Stage};

/// Whom a digest is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    Unit(UnitId),
    Committee,
}

impl Audience {
    /// `unit` or `committee`, as stored in `mail_queue.audience`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unit(_) => "unit",
            Self::Committee => "committee",
        }
    }

    pub fn unit(&self) -> Option<&UnitId> {
        match self {
            Self::Unit(u) => Some(u),
            Self::Committee => None,
        }
    }
}

/// One mail to be: its audience, recipients and the items it may list.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub audience: Audience,
    pub to: Vec<Mailbox>,
    pub items: Vec<DueItem>,
}

/// Items that no mail can carry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unreachable {
    /// Units with neither a usable officer nor head address in the registry.
    pub units: Vec<UnitId>,
    /// Escalations, when `[reminders] committee` is not set.
    pub escalations: usize,
}

fn address(name: String, raw: Option<&str>) -> Option<Mailbox> {
    let email = raw?.trim().parse().ok()?;
    Some(Mailbox::new(Some(name), email))
}

/// Groups `items` into digests: per unit (officer, or head without one; plus the head when
/// an item is overdue) and one for `committee` with the escalations.
pub fn group(items: Vec<DueItem>, committee: Option<&Mailbox>) -> (Vec<Digest>, Unreachable) {
    let mut skipped = Unreachable::default();
    let mut per_unit: BTreeMap<UnitId, Vec<DueItem>> = BTreeMap::new();
    let mut escalations = Vec::new();
    for item in items {
        if item.stage == Stage::Escalation {
            escalations.push(item);
        } else {
            per_unit.entry(item.unit.clone()).or_default().push(item);
        }
    }
    let mut out = Vec::new();
    for (unit, items) in per_unit {
        let first = &items[0];
        let officer = address(first.unit_name.clone(), first.officer.as_deref());
        let head = address(
            format!("Thủ trưởng {}", first.unit_name),
            first.head.as_deref(),
        );
        let overdue = items.iter().any(|i| i.stage == Stage::Overdue);
        let mut to: Vec<Mailbox> = Vec::new();
        match (officer, head) {
            (Some(o), Some(h)) if overdue && o.email != h.email => to.extend([o, h]),
            (Some(o), _) => to.push(o),
            (None, Some(h)) => to.push(h),
            (None, None) => {
                skipped.units.push(unit);
                continue;
            }
        }
        out.push(Digest {
            audience: Audience::Unit(unit),
            to,
            items,
        });
    }
    match committee {
        _ if escalations.is_empty() => {}
        Some(c) => out.push(Digest {
            audience: Audience::Committee,
            to: vec![c.clone()],
            items: escalations,
        }),
        None => skipped.escalations = escalations.len(),
    }
    (out, skipped)
}

/// A mail's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// `năm 2027`, or `năm 2026 (từ 15/12/2025 đến 14/12/2026)` when not a calendar year.
fn period_label(item: &DueItem) -> String {
    let y = item.period.end_year();
    let (first, last) = item.span;
    if first.format("%m-%d").to_string() == "01-01" && last.format("%m-%d").to_string() == "12-31" {
        format!("năm {y}")
    } else {
        format!("năm {y} (từ {} đến {})", date(first), date(last))
    }
}

/// `còn 7 ngày`, `hôm nay là hạn cuối`, `đã quá hạn 1 ngày`.
fn standing(deadline: NaiveDate, today: NaiveDate) -> String {
    let n = (deadline - today).num_days();
    match n {
        1.. => format!("còn {n} ngày"),
        0 => "hôm nay là hạn cuối".into(),
        _ => format!("đã quá hạn {} ngày", -n),
    }
}

const FOOTER: &str = "Thư này được gửi tự động từ hệ thống báo cáo công tác bảo vệ bí mật nhà \
                      nước; vui lòng không trả lời thư này.";

/// The subject and the two bodies of a digest listing `items` (the ones not mailed before),
/// sent by `org` (the aggregator's unit name) on `today`.
pub fn render(digest: &Digest, items: &[&DueItem], org: &str, today: NaiveDate) -> Rendered {
    match &digest.audience {
        Audience::Unit(_) => unit_mail(items, org, today),
        Audience::Committee => committee_mail(items, org, today),
    }
}

fn unit_mail(items: &[&DueItem], org: &str, today: NaiveDate) -> Rendered {
    let unit_name = items.first().map_or("", |i| i.unit_name.as_str());
    let overdue = items.iter().any(|i| i.stage == Stage::Overdue);
    let what = if overdue {
        "Quá hạn"
    } else {
        "Nhắc hạn"
    };
    let earliest = items.iter().map(|i| i.deadline).min().unwrap_or(today);
    let subject = match items {
        [one] => format!(
            "[BMNN] {what}: {}, kỳ năm {} — hạn {}",
            one.title,
            one.period.end_year(),
            date(one.deadline)
        ),
        _ => format!(
            "[BMNN] {what}: {} báo cáo chưa gửi — hạn gần nhất {}",
            items.len(),
            date(earliest)
        ),
    };
    let lead = format!(
        "Đến ngày {}, {org} chưa nhận được các báo cáo sau của đơn vị:",
        date(today)
    );
    let ask = if overdue {
        "Báo cáo đã quá hạn: đề nghị Thủ trưởng đơn vị chỉ đạo hoàn thành, ký duyệt và gửi ngay \
         qua hệ thống báo cáo."
    } else {
        "Đề nghị đơn vị lập báo cáo, trình lãnh đạo ký duyệt và gửi qua hệ thống báo cáo trước \
         hạn."
    };
    let mut text = format!("Kính gửi: {unit_name}\n\n{lead}\n\n");
    for (n, i) in items.iter().enumerate() {
        text.push_str(&format!(
            "{}. {}\n   Kỳ báo cáo: {}\n   Hạn nộp: {} ({})\n\n",
            n + 1,
            i.title,
            period_label(i),
            date(i.deadline),
            standing(i.deadline, today)
        ));
    }
    text.push_str(&format!(
        "{ask}\nNếu đơn vị vừa gửi, xin bỏ qua thư này.\n\n--\n{FOOTER}\n"
    ));
    let body = html! {
        p { "Kính gửi: " b { (unit_name) } }
        p { (lead) }
        table border="1" cellpadding="4" cellspacing="0" {
            thead { tr { th { "TT" } th { "Báo cáo" } th { "Kỳ báo cáo" } th { "Hạn nộp" } } }
            tbody {
                @for (n, i) in items.iter().enumerate() {
                    tr {
                        td { (n + 1) }
                        td { (i.title) }
                        td { (period_label(i)) }
                        td { b { (date(i.deadline)) } " (" (standing(i.deadline, today)) ")" }
                    }
                }
            }
        }
        p { (ask) br; "Nếu đơn vị vừa gửi, xin bỏ qua thư này." }
    };
    Rendered {
        html: page(&subject, body),
        subject,
        text,
    }
}

fn committee_mail(items: &[&DueItem], org: &str, today: NaiveDate) -> Rendered {
    let units: BTreeSet<&UnitId> = items.iter().map(|i| &i.unit).collect();
    let subject = format!(
        "[BMNN] Báo cáo Ban Chỉ đạo: {} đơn vị quá hạn chưa gửi báo cáo ({})",
        units.len(),
        date(today)
    );
    let lead = format!(
        "Đến ngày {}, {org} chưa nhận được các báo cáo sau dù đã quá hạn và đơn vị đã được \
         nhắc:",
        date(today)
    );
    let ask = "Kính đề nghị Ban Chỉ đạo xem xét, chỉ đạo các đơn vị khẩn trương thực hiện.";
    let mut text = format!("Kính gửi: Ban Chỉ đạo công tác bảo vệ bí mật nhà nước\n\n{lead}\n\n");
    for (n, i) in items.iter().enumerate() {
        text.push_str(&format!(
            "{}. {} ({}): {}, kỳ {}; hạn {}, {}.\n",
            n + 1,
            i.unit_name,
            i.unit,
            i.title,
            period_label(i),
            date(i.deadline),
            standing(i.deadline, today)
        ));
    }
    text.push_str(&format!("\n{ask}\n\n--\n{FOOTER}\n"));
    let body = html! {
        p { "Kính gửi: " b { "Ban Chỉ đạo công tác bảo vệ bí mật nhà nước" } }
        p { (lead) }
        table border="1" cellpadding="4" cellspacing="0" {
            thead { tr { th { "TT" } th { "Đơn vị" } th { "Báo cáo" } th { "Kỳ" } th { "Hạn nộp" } } }
            tbody {
                @for (n, i) in items.iter().enumerate() {
                    tr {
                        td { (n + 1) }
                        td { (i.unit_name) br; small { (i.unit.as_str()) } }
                        td { (i.title) }
                        td { (period_label(i)) }
                        td { b { (date(i.deadline)) } " (" (standing(i.deadline, today)) ")" }
                    }
                }
            }
        }
        p { (ask) }
    };
    Rendered {
        html: page(&subject, body),
        subject,
        text,
    }
}

fn page(title: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="vi" {
            head { meta charset="utf-8"; title { (title) } }
            body style="font-family: 'Times New Roman', serif; font-size: 14px" {
                (body)
                hr;
                p { small { (FOOTER) } }
            }
        }
    }
    .into_string()
}
