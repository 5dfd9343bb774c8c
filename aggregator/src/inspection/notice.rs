//! The notice to each inspected unit (thông báo kiểm tra): who comes, when, what to prepare;
//! due `lead_working_days` working days before the visit (never before the plan's date),
//! addressed to the unit's officer (or head) from the registry. Written as an RFC 5322 message
//! (`.eml`, lettre) with a fixed Date (the due day, 08:00 in Asia/Ho_Chi_Minh) and a Message-ID
//! built from the plan and the unit, so the same plan gives the same files. A unit without an
//! address gets a message without `To:` to forward by hand.

use std::time::{Duration, SystemTime};

use anyhow::{anyhow, Context as _};
use chrono::{NaiveDate, NaiveTime};
use config::rules::RuleBook;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::Message;
use reports::planning::{Campaign, Plan, Team};
use schema::UnitId;

use super::records::UnitScore;

/// One notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub unit: UnitId,
    pub unit_name: String,
    pub visit_date: NaiveDate,
    pub due_on: NaiveDate,
    pub recipient: Option<String>,
    pub subject: String,
    pub body: String,
}

/// What the notices say about who sends them.
#[derive(Debug, Clone)]
pub struct Sender<'a> {
    /// The issuing body, e.g. "Ban Chỉ đạo công tác bảo vệ bí mật nhà nước tỉnh Đồng Nai".
    pub issuer: &'a str,
    pub plan_id: &'a str,
    pub day_start: NaiveTime,
    pub contact: Option<&'a str>,
}

fn hours(minutes: u32) -> String {
    let h = f64::from(minutes) / 60.0;
    if h.fract() == 0.0 {
        format!("{h:.0}")
    } else {
        format!("{h:.1}").replace('.', ",")
    }
}

/// The notices of every visit of `plan`, by due date then unit.
pub fn build(
    rules: &RuleBook,
    campaign: &Campaign,
    plan: &Plan,
    teams: &[Team],
    scores: &[UnitScore],
    sender: &Sender<'_>,
) -> Vec<Notice> {
    let mut out: Vec<Notice> = plan
        .visits()
        .into_iter()
        .map(|(team_id, v)| {
            let team = teams.iter().find(|t| &t.id == team_id);
            let score = scores.iter().find(|s| s.unit == v.unit);
            let recipient = score
                .and_then(|s| s.officer_email.clone().or_else(|| s.head_email.clone()))
                .filter(|a| !a.trim().is_empty());
            let lead = i32::try_from(campaign.lead_working_days).unwrap_or(i32::MAX);
            let due_on = rules
                .add_working_days(v.date, -lead)
                .max(campaign.plan_date)
                .min(v.date);
            let arrival = sender.day_start + chrono::Duration::minutes(i64::from(v.start_minute));
            let team_name = team.map_or(team_id.to_string(), |t| t.name.clone());
            let members = team
                .filter(|t| !t.members.is_empty())
                .map(|t| format!(", gồm: {}", t.members.join("; ")))
                .unwrap_or_default();
            let date = v.date.format("%d/%m/%Y");
            let subject = format!(
                "Thông báo kiểm tra công tác bảo vệ bí mật nhà nước ngày {date} – {}",
                v.name
            );
            let mut body = format!(
                "Kính gửi: {name}\n\n\
                 Thực hiện kế hoạch kiểm tra «{campaign}» (mã {plan_id}), {issuer} thông báo \
                 lịch kiểm tra việc chấp hành pháp luật về bảo vệ bí mật nhà nước tại đơn vị như sau:\n\n\
                 - Thời gian: ngày {date}, dự kiến từ {arrival}, làm việc khoảng {hours} giờ.\n\
                 - Đoàn kiểm tra: {team_name}{members}.\n\
                 - Nội dung: nội quy, quy chế bảo vệ bí mật nhà nước; phân công cán bộ; danh mục \
                 bộ phận, vị trí trọng yếu, cơ mật; các sổ đăng ký, quản lý bí mật nhà nước; việc \
                 sao, chụp, lưu giữ, giao nhận, tiêu hủy tài liệu mật; máy tính, thiết bị và mạng; \
                 hội nghị có nội dung bí mật nhà nước; báo cáo, xử lý vụ việc lộ, mất bí mật nhà \
                 nước.\n\n\
                 Đề nghị đơn vị bố trí lãnh đạo và cán bộ phụ trách công tác bảo vệ bí mật nhà nước \
                 làm việc với Đoàn; chuẩn bị hồ sơ, tài liệu liên quan và báo cáo kết quả tự kiểm \
                 tra.\n",
                name = v.name,
                campaign = campaign.name,
                plan_id = sender.plan_id,
                issuer = sender.issuer,
                arrival = arrival.format("%H:%M"),
                hours = hours(v.minutes),
            );
            if let Some(c) = sender.contact {
                body.push_str(&format!("\nLiên hệ: {c}\n"));
            }
            body.push_str(&format!("\n{}\n", sender.issuer));
            Notice {
                unit: v.unit.clone(),
                unit_name: v.name.clone(),
                visit_date: v.date,
                due_on,
                recipient,
                subject: super::campaign::nfc(&subject),
                body: unicode_normalization::UnicodeNormalization::nfc(body.as_str()).collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| (a.due_on, &a.unit).cmp(&(b.due_on, &b.unit)));
    out
}

/// 08:00 of `day` in Asia/Ho_Chi_Minh (UTC+7), as a system time.
fn morning(day: NaiveDate) -> SystemTime {
    let secs = day
        .and_hms_opt(1, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp())
        .max(0);
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs as u64)
}

/// The notice as an RFC 5322 message (`.eml`), from `from`.
pub fn to_eml(n: &Notice, from: &str, plan_id: &str) -> anyhow::Result<Vec<u8>> {
    let from: Mailbox = from
        .parse()
        .map_err(|e| anyhow!("the notices' sender `{from}` is not a mailbox: {e}"))?;
    let domain = from.email.domain().to_string();
    let local: String = format!("{plan_id}.{}", n.unit)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut b = Message::builder()
        .from(from.clone())
        .subject(n.subject.clone())
        .date(morning(n.due_on))
        .message_id(Some(format!("<{local}@{domain}>")))
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("X-BMNN-Unit"),
            n.unit.to_string(),
        ))
        .header(ContentType::TEXT_PLAIN);
    match &n.recipient {
        Some(to) => {
            let to: Mailbox = to
                .parse()
                .map_err(|e| anyhow!("the address of {} `{to}` is not valid: {e}", n.unit))?;
            b = b.to(to);
        }
        // No address in the registry: no `To:`, to be forwarded by hand.
        None => {
            b = b.envelope(
                lettre::address::Envelope::new(Some(from.email.clone()), vec![from.email])
                    .context("envelope")?,
            );
        }
    }
    let message = b.body(n.body.clone()).context("cannot build the notice")?;
    Ok(message.formatted())
}
