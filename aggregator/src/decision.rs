//! The consolidated report as a decision: the committee edits the text of sections a–d
//! (pre-filled with a concise synthesis of the figures, [`synthesis`]), the head approves that
//! text, and only an approved text is signed and sent ([`send_approved`]); the figures are
//! computed again at sending, from the store. Editing an approved text makes it a draft
//! again. A version the parent returned is open again: [`reopened`] finds its verdict, and the
//! next sending amends it (same report id, `supersedes` its digest).
//!
//! States (`consolidated_drafts.state`): `draft` → `approved` → `sent`; `sent` → `draft`
//! when the committee edits after a return. The schedule (`upward::send_if_due`) sends only
//! an approved text and otherwise mails the committee while the window is open.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail};
use diesel::prelude::*;
use schema::{
    Classification, Envelope, IndicatorCode, Payload, Protocol, ReportId, ReportingPeriod, Section,
    Submission, Text, UnitId,
};

use crate::consolidation::{self, Built};
use crate::relay::Relay;
use crate::store::schema::consolidated_drafts as cd;
use crate::store::AnyConn;

/// Sections a–d as the rule packs title them (config/rules, consolidated report).
pub const SECTIONS: [(&str, &str); 4] = [
    ("a", "a) Phân tích, đánh giá tình hình"),
    (
        "b",
        "b) Kết quả thực hiện; ưu điểm, hạn chế, khó khăn, vướng mắc, nguyên nhân và bài học kinh nghiệm",
    ),
    (
        "c",
        "c) Tình hình, số liệu các vụ lộ, mất bí mật nhà nước; nguyên nhân, việc xử lý, khắc phục hậu quả",
    ),
    ("d", "d) Dự báo tình hình; phương hướng, nhiệm vụ trọng tâm; đề xuất, kiến nghị"),
];

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = cd)]
#[diesel(treat_none_as_null = true)]
pub struct DraftRow {
    pub period: String,
    pub sections: String,
    pub annex: bool,
    pub state: String,
    pub edited_by: String,
    pub edited_at: chrono::NaiveDateTime,
    pub approved_by: Option<String>,
    pub approved_at: Option<chrono::NaiveDateTime>,
    pub report_id: Option<String>,
    pub digest: Option<String>,
}

impl DraftRow {
    pub fn texts(&self) -> BTreeMap<String, String> {
        serde_json::from_str(&self.sections).unwrap_or_default()
    }
}

pub fn get(conn: &mut AnyConn, period: ReportingPeriod) -> QueryResult<Option<DraftRow>> {
    let p = period.to_string();
    node::dispatch!(conn, |c| cd::table
        .find(&p)
        .select(DraftRow::as_select())
        .first(c)
        .optional())
}

fn put(conn: &mut AnyConn, row: &DraftRow) -> QueryResult<()> {
    node::dispatch!(conn, |c| diesel::insert_into(cd::table)
        .values(row)
        .on_conflict(cd::period)
        .do_update()
        .set(row)
        .execute(c))?;
    Ok(())
}

/// The committee's texts as the report's sections a–d.
pub fn sections(
    texts: &BTreeMap<String, String>,
) -> Result<schema::BoundedVec<Section, 16>, schema::FieldError> {
    schema::BoundedVec::parse(
        SECTIONS
            .iter()
            .map(|(code, _)| {
                Ok(Section {
                    code: IndicatorCode::parse(code)?,
                    text: Text::parse(texts.get(*code).map_or("", String::as_str))?,
                })
            })
            .collect::<Result<Vec<_>, schema::FieldError>>()?,
    )
}

/// The pre-filled text of each section, from the figures (not the children's narratives).
pub fn synthesis(built: &Built) -> BTreeMap<String, String> {
    let r = &built.report;
    let mut v: Vec<_> = r.violations.iter().collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.count));
    let total: u64 = v.iter().map(|x| x.count).sum();
    let top: Vec<String> = v
        .iter()
        .take(3)
        .map(|x| format!("{} ({})", x.kind.label_vi(), x.count))
        .collect();
    let a = "[Thường trực Ban Chỉ đạo bổ sung phân tích, đánh giá tình hình trong kỳ.]".to_string();
    let b = format!(
        "{}/{} đơn vị trực thuộc đã gửi báo cáo, trong đó {} đúng hạn (hạn {}); {} đơn vị chưa \
         gửi. [Bổ sung kết quả quán triệt, tập huấn, tự kiểm tra; ưu điểm, hạn chế, nguyên nhân.]",
        r.units_reported,
        r.units_expected,
        r.units_on_time,
        built.deadline.format("%d/%m/%Y"),
        r.missing.len()
    );
    let incidents = built.tally.incidents;
    let c = match (incidents, total) {
        (0, 0) => {
            "Trong kỳ không phát hiện vi phạm, không xảy ra lộ, mất bí mật nhà nước.".to_string()
        }
        (n, 0) => format!(
            "Trong kỳ xảy ra {n} vụ lộ, mất bí mật nhà nước. [Bổ sung nguyên nhân, việc xử lý, \
             khắc phục hậu quả.]"
        ),
        (n, _) => format!(
            "Trong kỳ xảy ra {n} vụ lộ, mất bí mật nhà nước; phát hiện {total} vi phạm, nhiều \
             nhất: {}. [Bổ sung nguyên nhân, việc xử lý, khắc phục hậu quả.]",
            top.join("; ")
        ),
    };
    let d = "[Bổ sung dự báo tình hình, phương hướng, nhiệm vụ trọng tâm, đề xuất, kiến nghị.]"
        .to_string();
    [("a", a), ("b", b), ("c", c), ("d", d)]
        .into_iter()
        .map(|(k, t)| (k.to_string(), t))
        .collect()
}

/// Saves the committee's text as a draft (an approved text edited becomes a draft again).
pub fn save(
    conn: &mut AnyConn,
    period: ReportingPeriod,
    texts: &BTreeMap<String, String>,
    annex: bool,
    actor: &str,
) -> anyhow::Result<()> {
    for (code, _) in SECTIONS {
        let t = texts.get(code).map_or("", String::as_str);
        Text::<20_000>::parse(t).map_err(|e| anyhow!("mục {code}: {e}"))?;
    }
    conn.write_transaction(|c| -> anyhow::Result<()> {
        let old = get(c, period)?;
        let row = DraftRow {
            period: period.to_string(),
            sections: serde_json::to_string(texts)?,
            annex,
            state: "draft".into(),
            edited_by: actor.into(),
            edited_at: node::db::now(),
            approved_by: None,
            approved_at: None,
            report_id: old.as_ref().and_then(|o| o.report_id.clone()),
            digest: old.as_ref().and_then(|o| o.digest.clone()),
        };
        put(c, &row)?;
        node::db::audit::append(c, actor, "consolidated_edit", &row.period, "")?;
        Ok(())
    })
}

/// The head approves the text as it stands.
pub fn approve(conn: &mut AnyConn, period: ReportingPeriod, actor: &str) -> anyhow::Result<()> {
    conn.write_transaction(|c| -> anyhow::Result<()> {
        let mut row = get(c, period)?
            .ok_or_else(|| anyhow!("chưa có dự thảo báo cáo tổng hợp kỳ {period}"))?;
        if row.state == "sent" {
            bail!("báo cáo tổng hợp kỳ {period} đã được gửi");
        }
        row.state = "approved".into();
        row.approved_by = Some(actor.into());
        row.approved_at = Some(node::db::now());
        put(c, &row)?;
        node::db::audit::append(c, actor, "consolidated_approve", &row.period, "")?;
        Ok(())
    })
}

/// Signs the approved text with fresh figures and queues it for the parent; marks it sent.
pub fn send_approved(
    conn: &mut AnyConn,
    rules: &config::rules::RuleBook,
    scope: &UnitId,
    relay: &Relay,
    period: ReportingPeriod,
) -> anyhow::Result<Envelope> {
    let row = get(conn, period)?
        .filter(|r| r.state == "approved")
        .ok_or_else(|| anyhow!("báo cáo tổng hợp kỳ {period} chưa được lãnh đạo phê duyệt"))?;
    let mut built = consolidation::build(conn, rules, scope, period)?;
    built.report.sections = sections(&row.texts())?;
    let (report_id, supersedes) = match (&row.report_id, &row.digest) {
        (Some(id), Some(d)) => (ReportId::parse(id)?, Some(schema::Digest::parse(d)?)),
        _ => (ReportId::random(), None),
    };
    let sub = Submission {
        protocol: Protocol::V1,
        report_id,
        unit: scope.clone(),
        period,
        classification: Classification::Mat,
        created_at: node::web::layout::now_local(),
        supersedes,
        in_reply_to: None,
        attachments: Default::default(),
        payload: Payload::ConsolidatedReport(built.report),
    };
    sub.validate()
        .map_err(|e| anyhow!("the consolidated report is not valid: {e}"))?;
    let env = Envelope::sign(sub, relay.signer()).map_err(|e| anyhow!("cannot sign: {e}"))?;
    relay.send_own(&env)?;
    conn.write_transaction(|c| -> anyhow::Result<()> {
        let mut row = row.clone();
        row.state = "sent".into();
        row.report_id = Some(env.body.report_id.to_string());
        row.digest = Some(env.digest().to_string());
        put(c, &row)?;
        node::db::audit::append(c, "system", "consolidated_sent", &row.period, "")?;
        Ok(())
    })?;
    Ok(env)
}

/// The parent's reason, when it returned the version sent for `period` (the text is open again).
pub fn reopened(relay: &Relay, row: &DraftRow) -> anyhow::Result<Option<String>> {
    let (Some(id), Some(digest)) = (&row.report_id, &row.digest) else {
        return Ok(None);
    };
    let sent = crate::review::own::sent(&relay.pool(), &row.period)?;
    let Some(own) = sent
        .into_iter()
        .find(|o| &o.submission.report_id == id && &o.submission.digest == digest)
    else {
        return Ok(None);
    };
    if own.verdict() != Some(schema::Verdict::Returned) {
        return Ok(None);
    }
    Ok(Some(
        own.review
            .and_then(|r| r.review())
            .and_then(|r| r.reason.map(|t| t.to_string()))
            .unwrap_or_default(),
    ))
}
