//! The acknowledgment form: the unit confirms it received a directive (the date, today by
//! default) and, where asked, when it made it known to its staff and how many took part.

use schema::{Acknowledgment, Payload};

use super::fields::{self, FormErrors, RawForm};

pub(crate) fn parse(raw: &RawForm, errs: &mut FormErrors) -> Option<Payload> {
    let received_on = fields::date(raw, "received_on", true, errs);
    let disseminated_on = fields::date(raw, "disseminated_on", false, errs);
    let participants = match raw.get("participants").trim() {
        "" => Some(None),
        v => match fields::parse_count(v) {
            Ok(n) if (1..=i64::from(schema::MAX_PARTICIPANTS)).contains(&n) => Some(Some(n as u32)),
            _ => {
                errs.add(
                    "participants",
                    "Số người tham dự không hợp lệ: ghi một số, ví dụ 25.",
                );
                None
            }
        },
    };
    let note = match raw.is_blank("note") {
        true => Some(None),
        false => fields::text::<2_000>(raw, "note", false, errs).map(Some),
    };
    if !raw.is_blank("disseminated_on") && disseminated_on.is_none() {
        return None;
    }
    let participants = participants?;
    if disseminated_on.is_some() != participants.is_some() {
        errs.add(
            "participants",
            "Đã quán triệt thì ghi cả ngày quán triệt và số người tham dự.",
        );
        return None;
    }
    Some(Payload::Acknowledgment(Acknowledgment {
        received_on: received_on?,
        disseminated_on,
        participants,
        note: note?,
    }))
}
