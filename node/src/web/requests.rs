//! Requests and directives from above on the node: every `request` and `directive` notice
//! received (verified by the puller before it was stored) becomes an obligation on the home
//! page ("Yêu cầu, văn bản chỉ đạo của cấp trên"): title, legal basis or number, what to send,
//! due date and days left, the directive's files to download, and its state (chưa trả lời,
//! đang soạn, đã gửi). "Trả lời" opens a draft of the asked kind for the request's period,
//! marked as answering it (`in_reply_to`); a document request opens the document form, where
//! the files are attached; a directive opens the acknowledgment form (đã nhận, đã quán triệt).
//! A second press opens the same draft, never a second one.

use crate::db::any::AnyConn;
use actix_web::web;
use chrono::NaiveDate;
use diesel::prelude::*;
use maud::{html, Markup};
use schema::{Asked, Directive, NoticeContent, ReportId, ReportKind, ReportingPeriod, Request};

use super::error::{WebError, WebResult};
use super::layout;
use super::routes;
use super::session::{db, Viewer};
use crate::app::Node;
use crate::db::schema::{drafts, notices, submissions};
use crate::db::{self, audit};
use crate::forms::{self, fmt_date};

/// What the parent asks.
#[derive(Debug, Clone)]
pub enum Ask {
    Request(Request),
    Directive(Directive),
}

impl Ask {
    pub fn due(&self) -> NaiveDate {
        match self {
            Self::Request(r) => r.due,
            Self::Directive(d) => d.due,
        }
    }

    fn answer_kind(&self) -> ReportKind {
        match self {
            Self::Request(r) => r.asked.answer_kind(),
            Self::Directive(_) => ReportKind::Acknowledgment,
        }
    }

    fn period(&self) -> ReportingPeriod {
        match self {
            Self::Request(r) => r.period,
            Self::Directive(d) => ReportingPeriod::annual_containing(d.issued_on),
        }
    }
}

/// One request or directive as the home page shows it.
#[derive(Debug, Clone)]
pub struct OpenRequest {
    pub id: String,
    pub issuer: String,
    pub ask: Ask,
    /// The draft answering it, if one is open.
    pub draft: Option<String>,
    /// The first signed answer's report id, if any.
    pub answered: Option<String>,
}

/// The requests received, newest first, with their answers.
pub fn all(c: &mut AnyConn) -> anyhow::Result<Vec<OpenRequest>> {
    crate::dispatch!(c, |c| {
        let rows: Vec<(String, String, String)> = notices::table
            .filter(
                notices::kind.eq_any([schema::NoticeKind::REQUEST, schema::NoticeKind::DIRECTIVE]),
            )
            .order(notices::seq.desc())
            .select((notices::notice_id, notices::issuer, notices::envelope))
            .load(c)?;
        let drafts: Vec<(String, Option<String>)> = drafts::table
            .filter(drafts::in_reply_to.is_not_null())
            .select((drafts::report_id, drafts::in_reply_to))
            .load(c)?;
        let signed: Vec<(String, String)> = submissions::table
            .select((submissions::report_id, submissions::envelope))
            .load(c)?;
        let answers: Vec<(String, String)> = signed
            .into_iter()
            .filter_map(|(id, env)| {
                let e: schema::Envelope = schema::decode(env.as_bytes()).ok()?;
                Some((e.body.in_reply_to?.to_string(), id))
            })
            .collect();
        let mut out = Vec::new();
        for (id, issuer, env) in rows {
            let Some(n) = schema::decode::<schema::Notice>(env.as_bytes()).ok() else {
                continue;
            };
            let ask = match n.body.content() {
                Ok(NoticeContent::Request(r)) => Ask::Request(r),
                Ok(NoticeContent::Directive(d)) => Ask::Directive(d),
                _ => continue,
            };
            out.push(OpenRequest {
                draft: drafts
                    .iter()
                    .find(|(_, r)| r.as_deref() == Some(id.as_str()))
                    .map(|(d, _)| d.clone()),
                answered: answers
                    .iter()
                    .find(|(r, _)| *r == id)
                    .map(|(_, a)| a.clone()),
                id,
                issuer,
                ask,
            });
        }
        Ok(out)
    })
}

/// The home page's section (nothing when no request was ever received).
pub fn section(list: &[OpenRequest], csrf: &str, today: NaiveDate) -> Markup {
    if list.is_empty() {
        return html! {};
    }
    html! {
        h2 { "Yêu cầu, văn bản chỉ đạo của cấp trên" }
        table {
            thead { tr { th { "Yêu cầu" } th { "Nội dung cần gửi" } th { "Hạn" } th { "Tình trạng" } } }
            tbody {
                @for r in list {
                    tr {
                        @match &r.ask {
                            Ask::Request(q) => {
                                td { b { (q.title) } br; span.muted { (q.legal_basis) } }
                                td { (q.asked.label_vi()) }
                            }
                            Ask::Directive(d) => {
                                td { b { "Văn bản số " (d.number) } br; (d.title)
                                     @for (i, f) in d.files.iter().enumerate() {
                                         br; a href=(routes::notice_file(&r.id, i)) { (f.name.as_str()) }
                                     } }
                                td { "Xác nhận đã nhận" @if d.disseminate { " và đã quán triệt" } }
                            }
                        }
                        td { (due_cell(r.ask.due(), r.answered.is_some(), today)) }
                        td { (state(r, csrf)) }
                    }
                }
            }
        }
    }
}

fn due_cell(due: NaiveDate, answered: bool, today: NaiveDate) -> Markup {
    let left = (due - today).num_days();
    html! {
        (fmt_date(due))
        @if !answered {
            br;
            @if left < 0 { span.error { "Quá hạn " (-left) " ngày" } }
            @else if left == 0 { span.error { "Hết hạn hôm nay" } }
            @else { span.muted { "Còn " (left) " ngày" } }
        }
    }
}

fn state(r: &OpenRequest, csrf: &str) -> Markup {
    html! {
        @if let Some(a) = &r.answered {
            "Đã ký gửi " a href=(routes::print(a)) { "(xem)" }
        } @else {
            @if r.draft.is_some() { "Đang soạn" br; }
            @else { "Chưa trả lời" br; }
            form method="post" action=(routes::answer(&r.id)) {
                (layout::csrf_field(csrf))
                button.primary type="submit" {
                    @if r.draft.is_some() { "Mở bản nháp trả lời" } @else { "Trả lời" }
                }
            }
        }
    }
}

/// The form a new answer starts with.
fn answer_form(ask: &Ask, unit_name: &str) -> forms::RawForm {
    let today = layout::today();
    let mut raw = forms::defaults(ask.answer_kind(), today);
    raw.set("period", ask.period().to_string());
    raw.set("classification", schema::Classification::KhongMat.code());
    match ask {
        Ask::Request(r) => {
            if let Asked::Document { document } = r.asked {
                raw.set("document", document.code());
                raw.set("title", format!("{} của {unit_name}", document.label_vi()));
            }
        }
        Ask::Directive(_) => raw.set("received_on", today.format("%Y-%m-%d").to_string()),
    }
    raw
}

/// GET /thong-bao/{id}/tep/{n}: a file a directive carries.
pub async fn file(
    _viewer: Viewer,
    node: web::Data<Node>,
    path: web::Path<(String, usize)>,
) -> WebResult {
    let (id, n) = path.into_inner();
    let id = ReportId::parse(&id)
        .map_err(|_| WebError::NotFound)?
        .to_string();
    let row = db(&node, move |c| Ok(crate::db::notices::get(c, &id)?)).await?;
    let directive = row
        .and_then(|r| r.notice())
        .and_then(|n| match n.body.content() {
            Ok(NoticeContent::Directive(d)) => Some(d),
            _ => None,
        })
        .ok_or(WebError::NotFound)?;
    let f = directive.files.iter().nth(n).ok_or(WebError::NotFound)?;
    Ok(actix_web::HttpResponse::Ok()
        .insert_header((actix_web::http::header::CONTENT_TYPE, f.media_type.mime()))
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            content_disposition(f.name.as_str()),
        ))
        .body(f.bytes()))
}

/// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266 / 5987).
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// POST /yeu-cau/{id}/tra-loi: opens (or reopens) the draft answering the request.
pub async fn answer(
    viewer: Viewer,
    node: web::Data<Node>,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> WebResult {
    viewer.check_csrf(&form)?;
    let id = ReportId::parse(&id)
        .map_err(|_| WebError::NotFound)?
        .to_string();
    let (actor, user, unit) = (
        viewer.actor().to_string(),
        viewer.user.id,
        node.settings.unit.name.to_string(),
    );
    let draft = db(&node, move |c| {
        c.write_transaction(|c| -> anyhow::Result<Option<String>> {
            let Some(open) = all(c)?.into_iter().find(|r| r.id == id) else {
                return Ok(None);
            };
            if let Some(d) = open.draft {
                return Ok(Some(d));
            }
            let report_id = ReportId::random().to_string();
            let kind: ReportKind = open.ask.answer_kind();
            let raw = answer_form(&open.ask, &unit);
            db::drafts::upsert(
                c,
                &db::drafts::DraftRow {
                    report_id: report_id.clone(),
                    kind: kind.code().into(),
                    period: open.ask.period().to_string(),
                    classification: raw.get("classification").to_string(),
                    form_json: raw.to_json(),
                    supersedes: None,
                    created_by: user,
                    updated_at: db::now(),
                    in_reply_to: Some(id.clone()),
                },
            )?;
            audit::append(c, &actor, "request_answer_start", &report_id, &id)?;
            Ok(Some(report_id))
        })
    })
    .await?
    .ok_or(WebError::NotFound)?;
    Ok(layout::see_other(&routes::with_notice(
        &routes::draft(&draft),
        "tra-loi",
    )))
}
