//! The document form: what a unit sends when asked for a document (internal rules, an
//! assignment decision, …): its type, title, number and symbol, date and a summary. The files
//! are the draft's attachments; a document with no file is refused on approval.

use schema::{DocumentAnswer, DocumentType, FieldError, Payload};

use super::fields::{self, FormErrors, RawForm};

pub(crate) fn parse(raw: &RawForm, errs: &mut FormErrors) -> Option<Payload> {
    let document = fields::choice(
        raw,
        "document",
        true,
        |s| DocumentType::parse(s).ok_or_else(|| FieldError::new("", "unknown")),
        errs,
    );
    let title = fields::line::<300>(raw, "title", true, errs);
    // Optional fields: `Some(None)` when blank, `None` when invalid (an error is recorded).
    let number = match raw.is_blank("number") {
        true => Some(None),
        false => fields::line::<100>(raw, "number", false, errs).map(Some),
    };
    let issued_on = fields::date(raw, "issued_on", false, errs);
    let summary = match raw.is_blank("summary") {
        true => Some(None),
        false => fields::text::<4_000>(raw, "summary", false, errs).map(Some),
    };
    if !raw.is_blank("issued_on") && issued_on.is_none() {
        return None;
    }
    Some(Payload::Document(DocumentAnswer {
        document: document?,
        title: title?,
        number: number?,
        issued_on,
        summary: summary?,
    }))
}
