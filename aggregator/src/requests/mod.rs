//! Requests (yêu cầu báo cáo) and directives (văn bản chỉ đạo) down the tree: the committee
//! orders the units of a scope to send a report or a document by a date, or to acknowledge
//! (and disseminate) a document. [`issue`] / [`issue_directive`] sign the notice and store it in one
//! write transaction (the notice for the children's next pull, the `requests` row for tracking,
//! an audit entry); a child aggregator records a request it relays the same way, so a
//! province sees the nation's requests in its own tracking. [`tracking`] turns the registry and
//! the answers into one status per addressed unit; the reminders chase the missing ones.

pub mod tracking;

use anyhow::{anyhow, bail};
use chrono::NaiveDate;
use schema::{
    Addressee, BoundedVec, Directive, Notice, NoticeBody, NoticeId, NoticeKind, Protocol, Request,
    Signer, Tier, UnitId,
};

use crate::store::{notices, AnyConn};

/// Parses a scope as the CLI and the web form write it: `subtree:75`, `unit:75.26041`,
/// `tier:75:commune` (also `agency`, `district`, `province`), `list:75.26041,75.26044`.
pub fn parse_scope(raw: &str) -> anyhow::Result<Addressee> {
    let bad = || {
        anyhow!(
            "phạm vi «{raw}» không hợp lệ / invalid scope: write subtree:75, unit:75.26041, \
             tier:75:commune or list:75.26041,75.26044"
        )
    };
    let unit = |s: &str| UnitId::parse(s.trim()).map_err(|e| anyhow!("«{s}»: {e}"));
    let (scope, rest) = raw.trim().split_once(':').ok_or_else(bad)?;
    Ok(match scope {
        "subtree" => Addressee::Subtree { root: unit(rest)? },
        "unit" => Addressee::Unit { unit: unit(rest)? },
        "tier" => {
            let (within, tier) = rest.rsplit_once(':').ok_or_else(bad)?;
            let tier = match tier {
                "province" => Tier::Province,
                "district" => Tier::District,
                "commune" => Tier::Commune,
                "agency" => Tier::Agency,
                _ => return Err(bad()),
            };
            Addressee::Tier {
                within: unit(within)?,
                tier,
            }
        }
        "list" => {
            let units = rest
                .split(',')
                .map(unit)
                .collect::<anyhow::Result<Vec<_>>>()?;
            Addressee::List {
                units: BoundedVec::parse(units).map_err(|e| anyhow!("{e}"))?,
            }
        }
        _ => return Err(bad()),
    })
}

/// [`parse_scope`], plus `kind:<within>:<unit kind>` (e.g. `kind:75:Sở`, `kind:75:Xã`): the
/// units of that kind in this aggregator's registry under `within` on `today`, sent as a
/// list (a node does not know its kind; the registry does).
pub fn resolve_scope(conn: &mut AnyConn, raw: &str, today: NaiveDate) -> anyhow::Result<Addressee> {
    let Some(rest) = raw.trim().strip_prefix("kind:") else {
        return parse_scope(raw);
    };
    let (within, kind) = rest
        .split_once(':')
        .ok_or_else(|| anyhow!("phạm vi «{raw}»: write kind:75:Sở"))?;
    let within = UnitId::parse(within.trim()).map_err(|e| anyhow!("«{within}»: {e}"))?;
    let kind = kind.trim();
    let mut units: Vec<UnitId> = crate::store::units::all(conn)?
        .into_iter()
        .filter(|u| u.holds_on(today) && u.kind == kind)
        .filter_map(|u| UnitId::parse(&u.id).ok())
        .filter(|id| *id != within && within.contains(id))
        .collect();
    units.sort();
    units.dedup();
    if units.is_empty() {
        bail!(
            "không có đơn vị loại «{kind}» thuộc {within} / no unit of kind {kind} under {within}"
        );
    }
    Ok(Addressee::List {
        units: BoundedVec::parse(units).map_err(|e| anyhow!("{e}"))?,
    })
}

/// Signs and stores a request from this aggregator; returns the notice.
pub fn issue(
    conn: &mut AnyConn,
    signer: &Signer,
    addressee: Addressee,
    request: Request,
    actor: &str,
) -> anyhow::Result<Notice> {
    let detail = format!("{} due {}", request.asked.answer_kind().code(), request.due);
    let payload = serde_json::to_value(&request)?;
    publish(
        conn,
        signer,
        addressee,
        NoticeKind::REQUEST,
        payload,
        request.due,
        &detail,
        actor,
    )
}

/// Signs and stores a directive from this aggregator (its files inside); returns the notice.
pub fn issue_directive(
    conn: &mut AnyConn,
    signer: &Signer,
    addressee: Addressee,
    directive: Directive,
    actor: &str,
) -> anyhow::Result<Notice> {
    let detail = format!("{} due {}", directive.number, directive.due);
    let payload = serde_json::to_value(&directive)?;
    publish(
        conn,
        signer,
        addressee,
        NoticeKind::DIRECTIVE,
        payload,
        directive.due,
        &detail,
        actor,
    )
}

/// One notice of `kind` due on `due`, signed, stored (with its tracking row) and audited in
/// one write transaction.
#[allow(clippy::too_many_arguments)]
fn publish(
    conn: &mut AnyConn,
    signer: &Signer,
    addressee: Addressee,
    kind: &str,
    payload: serde_json::Value,
    due: NaiveDate,
    detail: &str,
    actor: &str,
) -> anyhow::Result<Notice> {
    let at = node::web::layout::now_local();
    if due < at.date_naive() {
        bail!(
            "hạn {} đã qua / the due date is in the past",
            due.format("%d/%m/%Y")
        );
    }
    let body = NoticeBody {
        protocol: Protocol::V1,
        notice_id: NoticeId::random(),
        issuer: signer.unit().clone(),
        addressee,
        issued_at: at,
        kind: NoticeKind::parse(kind).expect("a kind"),
        payload,
    };
    let notice = Notice::sign(body, signer).map_err(|e| anyhow!("{e}"))?;
    conn.write_transaction(|c| -> anyhow::Result<()> {
        notices::lock(c)?;
        notices::insert_new(c, &notice)?;
        let action = format!("{kind}_issued");
        node::db::audit::append(c, actor, &action, notice.body.notice_id.as_str(), detail)?;
        Ok(())
    })?;
    Ok(notice)
}

/// The due date `n` working days after `from` under the rule book's calendar.
pub fn due_in_working_days(rules: &config::rules::RuleBook, from: NaiveDate, n: i32) -> NaiveDate {
    rules.add_working_days(from, n)
}
