//! Load-time checks of rule packs: within a pack (unique codes, sane bounds, violation kinds
//! in force on the pack's first day, NFC labels), and across packs (sorted, no overlap, no
//! gap from 2020-07-01, and `carried_over` entries really equal to the previous pack's).

use chrono::{Days, NaiveDate};
use schema::{IndicatorCode, ReportKind, Tier};

use super::check_vi;
use super::pack::{Form, RulePack};

/// The Law on Protection of State Secrets (29/2018/QH14) took effect on 1 July 2020; rule
/// packs must cover every day from then on.
pub const COVERAGE_START: NaiveDate = match NaiveDate::from_ymd_opt(2020, 7, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// The contract's limit on a section's text (`schema::payload::Section::text`).
const MAX_SECTION_LEN: u32 = 50_000;

fn unique<'a>(what: &str, codes: impl Iterator<Item = &'a IndicatorCode>) -> Result<(), String> {
    let mut seen: Vec<&IndicatorCode> = Vec::new();
    for c in codes {
        if seen.contains(&c) {
            return Err(format!(
                "{what} `{c}` is defined twice; codes must be unique in a form"
            ));
        }
        seen.push(c);
    }
    Ok(())
}

fn check_form(f: &Form) -> Result<(), String> {
    let at = format!("form `{}`", f.kind.code());
    check_vi(&f.title, &format!("{at}.title"))?;
    unique(
        &format!("{at}: section"),
        f.sections.iter().map(|s| &s.code),
    )?;
    unique(
        &format!("{at}: indicator"),
        f.indicators.iter().map(|s| &s.code),
    )?;
    unique(&format!("{at}: item"), f.items.iter().map(|s| &s.code))?;
    for s in &f.sections {
        check_vi(&s.title, &format!("{at}.section `{}`.title", s.code))?;
        if s.max_len == 0 || s.max_len > MAX_SECTION_LEN {
            return Err(format!(
                "{at}.section `{}`: max_len {} is outside 1..={MAX_SECTION_LEN}",
                s.code, s.max_len
            ));
        }
    }
    for i in &f.indicators {
        let here = format!("{at}.indicator `{}`", i.code);
        check_vi(&i.label, &format!("{here}.label"))?;
        check_vi(&i.unit, &format!("{here}.unit"))?;
        if i.min < 0 || i.min > i.max_value() || i.max_value() > schema::MAX_INDICATOR_VALUE {
            return Err(format!(
                "{here}: bounds {}..={} must satisfy 0 <= min <= max <= {}",
                i.min,
                i.max_value(),
                schema::MAX_INDICATOR_VALUE
            ));
        }
    }
    for i in &f.items {
        check_vi(&i.label, &format!("{at}.item `{}`.label", i.code))?;
    }
    for (n, d) in f.deadlines.iter().enumerate() {
        if f.deadlines[..n].iter().any(|e| e.to == d.to) {
            return Err(format!(
                "{at}: two deadlines to the {:?} tier; keep one",
                d.to
            ));
        }
    }
    if f.kind == ReportKind::IncidentReport && f.deadline_hours.is_none() {
        return Err(format!(
            "{at}: incident reports are due immediately; set deadline_hours"
        ));
    }
    Ok(())
}

/// Checks one pack and resolves `indicators_of`.
pub(super) fn check_pack(pack: &mut RulePack) -> Result<(), String> {
    if pack.id.is_empty()
        || !pack
            .id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(format!(
            "id `{}` must be ASCII letters, digits and -",
            pack.id
        ));
    }
    check_vi(&pack.title, "title")?;
    for (i, b) in pack.legal_basis.iter().enumerate() {
        check_vi(b, &format!("legal_basis[{i}]"))?;
    }
    if let Some(u) = pack.valid_until.filter(|u| *u < pack.valid_from) {
        return Err(format!(
            "valid_until {u} is before valid_from {}",
            pack.valid_from
        ));
    }
    let r = &pack.reminders;
    if r.days_before.windows(2).any(|w| w[0] <= w[1]) || r.days_before.contains(&0) {
        return Err(
            "reminders.days_before must be positive and strictly decreasing, e.g. [14, 7, 3, 1]"
                .into(),
        );
    }
    for (i, v) in pack.violations.iter().enumerate() {
        if pack.violations[..i].iter().any(|w| w.code == v.code) {
            return Err(format!("violation `{}` is listed twice", v.code.code()));
        }
        if v.code.applies_from() > pack.valid_from {
            return Err(format!(
                "violation `{}` only applies from {}, after this pack starts ({}); move it to a later pack",
                v.code.code(),
                v.code.applies_from(),
                pack.valid_from
            ));
        }
    }
    for (i, f) in pack.forms.iter().enumerate() {
        if pack.forms[..i].iter().any(|g| g.kind == f.kind) {
            return Err(format!("form `{}` is defined twice", f.kind.code()));
        }
    }
    for i in 0..pack.forms.len() {
        let Some(src) = pack.forms[i].indicators_of else {
            continue;
        };
        if !pack.forms[i].indicators.is_empty() {
            return Err(format!(
                "form `{}`: give either indicators or indicators_of, not both",
                pack.forms[i].kind.code()
            ));
        }
        let source = pack
            .form(src)
            .filter(|s| s.indicators_of.is_none())
            .ok_or_else(|| {
                format!(
                    "form `{}`: indicators_of = `{}` names no form with its own indicators",
                    pack.forms[i].kind.code(),
                    src.code()
                )
            })?;
        let mut copied = source.indicators.clone();
        for c in &mut copied {
            c.max = None;
        }
        pack.forms[i].indicators = copied;
    }
    pack.forms.iter().try_for_each(check_form)
}

/// Sorts the packs by start date and checks they tile the time line from [`COVERAGE_START`].
pub(super) fn check_book(packs: &mut [RulePack]) -> Result<(), String> {
    packs.sort_by_key(|p| p.valid_from);
    let Some(first) = packs.first() else {
        return Err("no rule pack found; the directory needs at least one <id>.toml".into());
    };
    if first.valid_from > COVERAGE_START {
        return Err(format!(
            "the first pack, {}, starts on {}; packs must cover every day from {COVERAGE_START}",
            first.id, first.valid_from
        ));
    }
    for w in packs.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if a.id == b.id {
            return Err(format!("two packs have the id {}", a.id));
        }
        let Some(until) = a.valid_until else {
            return Err(format!(
                "pack {} has no valid_until but {} starts on {}; set {}'s valid_until to the day before",
                a.id, b.id, b.valid_from, a.id
            ));
        };
        let next = until.checked_add_days(Days::new(1)).unwrap_or(until);
        if b.valid_from != next {
            let what = if b.valid_from <= until {
                "overlaps"
            } else {
                "leaves a gap after"
            };
            return Err(format!(
                "pack {} ({}) {what} pack {} ({}); {} must start on {next}",
                b.id,
                b.validity(),
                a.id,
                a.validity(),
                b.id
            ));
        }
        check_carried_over(a, b)?;
    }
    Ok(())
}

/// Every entry marked `carried_over` in `new` equals the same entry in `old` (flag aside).
fn check_carried_over(old: &RulePack, new: &RulePack) -> Result<(), String> {
    let fail = |what: String| {
        Err(format!(
            "pack {}: {what} is marked carried_over but differs from (or is missing in) pack {}; \
             fix it or drop carried_over",
            new.id, old.id
        ))
    };
    let mut r = new.reminders.clone();
    r.carried_over = old.reminders.carried_over;
    if new.reminders.carried_over && r != old.reminders {
        return fail("reminders".into());
    }
    for v in new.violations.iter().filter(|v| v.carried_over) {
        if !old.violations.iter().any(|o| o.code == v.code) {
            return fail(format!("violation `{}`", v.code.code()));
        }
    }
    for f in &new.forms {
        let k = f.kind.code();
        let Some(o) = old.form(f.kind) else {
            if f.carried_over {
                return fail(format!("form `{k}`"));
            }
            continue;
        };
        let head = |x: &Form| {
            (
                x.title.clone(),
                x.period.clone(),
                x.deadline_hours,
                x.indicators_of,
            )
        };
        if f.carried_over && head(f) != head(o) {
            return fail(format!("form `{k}`"));
        }
        macro_rules! same {
            ($list:ident, $key:ident, $what:literal, $show:expr) => {
                for e in f.$list.iter().filter(|e| e.carried_over) {
                    let prev = o.$list.iter().find(|p| p.$key == e.$key);
                    let equal = prev.is_some_and(|p| {
                        let mut p = p.clone();
                        p.carried_over = true;
                        p == *e
                    });
                    if !equal {
                        return fail(format!("form `{k}` {} `{}`", $what, $show(&e.$key)));
                    }
                }
            };
        }
        let code = |c: &IndicatorCode| c.to_string();
        same!(sections, code, "section", code);
        same!(indicators, code, "indicator", code);
        same!(items, code, "item", code);
        same!(deadlines, to, "deadline to", |t: &Tier| format!("{t:?}")
            .to_lowercase());
    }
    Ok(())
}
