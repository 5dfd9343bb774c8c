//! The compliance-status checklist: the status date `as_of` and, per checklist item of the
//! rule pack's form, the answer `items.<code>` (yes/no, date or count), the deciding document
//! `items.<code>.document_ref` and a note `items.<code>.note`.

use config::rules::ItemKind;
use schema::{BoundedVec, ComplianceItem, ComplianceStatus, ComplianceValue, Payload, ReportKind};

use super::fields::{self, FormErrors, RawForm};
use super::{add_at, messages, Ctx};

/// Select values of a yes/no item.
pub const YES: &str = "co";
pub const NO: &str = "khong";

pub(crate) fn parse(raw: &RawForm, ctx: &Ctx<'_>, errs: &mut FormErrors) -> Option<Payload> {
    let kind = ReportKind::ComplianceStatus;
    let as_of = fields::date(raw, "as_of", true, errs);
    let mut ok = as_of.is_some();
    let mut items = Vec::new();
    for spec in &ctx.form.items {
        let name = format!("items.{}", spec.code);
        let doc_name = format!("{name}.document_ref");
        let note_name = format!("{name}.note");
        let document_ref = optional_line::<200>(raw, &doc_name, errs);
        let note = optional_line::<1_000>(raw, &note_name, errs);
        if raw.is_blank(&name) {
            if !raw.is_blank(&doc_name) || !raw.is_blank(&note_name) {
                errs.add(&name, "Hãy trả lời mục này (đã ghi văn bản hoặc ghi chú).");
                ok = false;
            }
            continue;
        }
        let value = match spec.kind {
            ItemKind::YesNo => match raw.get(&name).trim() {
                YES => Some(ComplianceValue::YesNo(true)),
                NO => Some(ComplianceValue::YesNo(false)),
                _ => {
                    errs.add(&name, "Lựa chọn không hợp lệ: chọn Có hoặc Không.");
                    None
                }
            },
            ItemKind::Date => fields::date(raw, &name, false, errs).map(ComplianceValue::Date),
            ItemKind::Count => fields::count(raw, &name, false, errs)
                .and_then(fields::value)
                .map(ComplianceValue::Count),
        };
        match (value, document_ref, note) {
            (Some(value), Some(document_ref), Some(note)) => items.push(ComplianceItem {
                code: spec.code.clone(),
                value,
                document_ref,
                note,
            }),
            _ => ok = false,
        }
    }
    let answers: Vec<_> = items
        .iter()
        .map(|i| (i.code.clone(), i.value.clone()))
        .collect();
    if let Err(e) = ctx.pack.validate_items(kind, &answers) {
        for e in e.iter() {
            let msg = if e.reason().contains("required") {
                "Bắt buộc: hãy trả lời mục này.".to_string()
            } else {
                messages::vi(e.reason())
            };
            add_at(errs, e.path(), msg);
        }
    }
    let codes: Vec<String> = items.iter().map(|i| i.code.to_string()).collect();
    let payload = Payload::ComplianceStatus(ComplianceStatus {
        as_of: as_of?,
        items: BoundedVec::parse(items).ok()?,
    });
    if let Err(e) = payload.validate() {
        for e in e.iter() {
            add_at(errs, &item_path(e.path(), &codes), messages::vi(e.reason()));
        }
    }
    ok.then_some(payload)
}

/// An optional one-line field: `Some(None)` when blank, `None` when invalid.
fn optional_line<const N: usize>(
    raw: &RawForm,
    name: &str,
    errs: &mut FormErrors,
) -> Option<Option<schema::Line<N>>> {
    if raw.is_blank(name) {
        return Some(None);
    }
    fields::line::<N>(raw, name, false, errs).map(Some)
}

/// `items[2].value` → `items.<code of the third answered item>`.
fn item_path(path: &str, codes: &[String]) -> String {
    let index = path
        .strip_prefix("items[")
        .and_then(|r| r.split_once(']'))
        .and_then(|(i, _)| i.parse::<usize>().ok());
    match index.and_then(|i| codes.get(i)) {
        Some(code) => format!("items.{code}"),
        None => path.to_string(),
    }
}
