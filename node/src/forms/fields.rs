//! The raw form (field name → text, exactly as typed but NFC) that drafts store, the
//! per-field error collection shown next to the inputs, and the helpers that parse one field
//! into a contract type while recording a Vietnamese message when it does not parse.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schema::{FieldError, IndicatorValue, Line, Text, MAX_INDICATOR_VALUE};
use unicode_normalization::UnicodeNormalization;

/// Field names never stored in a draft (the CSRF token, the submit button, the report kind,
/// which the draft row keeps).
const NOT_STORED: [&str; 3] = ["_csrf", "action", "kind"];

/// The raw fields of a form. Names follow the contract's field paths (`sections.a`,
/// `indicators.so_vu_lo_mat`, `incidents[0].summary`), so an error path maps to its input.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawForm(BTreeMap<String, String>);

impl RawForm {
    /// Most fields kept from one submitted form.
    pub const MAX_FIELDS: usize = 4_000;

    /// Builds the form from the submitted pairs: values NFC-normalised (nothing else touched),
    /// unknown-looking names and the CSRF token dropped.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut map = BTreeMap::new();
        for (name, value) in pairs {
            if map.len() >= Self::MAX_FIELDS {
                break;
            }
            if valid_name(&name) && !NOT_STORED.contains(&name.as_str()) {
                map.insert(name, value.nfc().collect());
            }
        }
        Self(map)
    }

    /// Reads a draft's stored fields; anything unreadable gives an empty form.
    pub fn from_json(json: &str) -> Self {
        let map: BTreeMap<String, String> = serde_json::from_str(json).unwrap_or_default();
        Self::from_pairs(map)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_else(|_| "{}".into())
    }

    /// The value of `name`, empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0.get(name).map_or("", String::as_str)
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.insert(name.to_string(), value.into());
    }

    pub fn is_blank(&self, name: &str) -> bool {
        self.get(name).trim().is_empty()
    }

    /// Whether row `i` of the repeated group `prefix` (`incidents`) has any non-blank cell.
    pub fn row_used(&self, prefix: &str, i: usize) -> bool {
        let start = format!("{prefix}[{i}]");
        self.0
            .range(start.clone()..)
            .take_while(|(k, _)| k.starts_with(&start))
            .any(|(_, v)| !v.trim().is_empty())
    }

    /// How many rows of `prefix` to show: at least `min`, and one blank row after the last
    /// used one (so a form without JavaScript can grow one row per save), at most `max`.
    pub fn rows(&self, prefix: &str, min: usize, max: usize) -> usize {
        let last_used = (0..max).rev().find(|&i| self.row_used(prefix, i));
        last_used.map_or(min, |i| (i + 2).max(min)).min(max)
    }
}

fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && b.len() <= 96
        && (b[0].is_ascii_lowercase() || b[0] == b'_')
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"_.[]".contains(c))
}

/// Vietnamese messages per field, plus messages about the form as a whole.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors {
    fields: BTreeMap<String, Vec<String>>,
    general: Vec<String>,
}

impl FormErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.fields
            .entry(field.into())
            .or_default()
            .push(message.into());
    }

    /// Adds the message unless the field already has one (a parse error explains more than
    /// the rule-pack check that follows from it).
    pub fn add_once(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let field = field.into();
        if !self.has(&field) {
            self.add(field, message);
        }
    }

    pub fn general(&mut self, message: impl Into<String>) {
        self.general.push(message.into());
    }

    pub fn has(&self, field: &str) -> bool {
        self.fields.contains_key(field)
    }

    pub fn field(&self, field: &str) -> &[String] {
        self.fields.get(field).map_or(&[], Vec::as_slice)
    }

    pub fn general_messages(&self) -> &[String] {
        &self.general
    }

    /// Every field with its messages, in name order.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.fields.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_empty()
    }

    /// Number of messages.
    pub fn len(&self) -> usize {
        self.general.len() + self.fields.values().map(Vec::len).sum::<usize>()
    }
}

pub(crate) const REQUIRED: &str = "Bắt buộc: chưa nhập.";

/// The Vietnamese message for a `Text`/`Line` parse error.
fn text_error(e: &FieldError, raw: &str, max: usize) -> String {
    if e.reason().contains("control character") {
        "Có ký tự không hợp lệ (ký tự điều khiển, xuống dòng ở ô một dòng): hãy gõ lại ô này."
            .into()
    } else {
        let n = raw.nfc().collect::<String>().trim().chars().count();
        format!("Quá dài: {n} ký tự, tối đa {max} ký tự.")
    }
}

/// A free-text field; blank is an error only when `required`.
pub(crate) fn text<const N: usize>(
    raw: &RawForm,
    name: &str,
    required: bool,
    errs: &mut FormErrors,
) -> Option<Text<N>> {
    let v = raw.get(name);
    if required && v.trim().is_empty() {
        errs.add(name, REQUIRED);
        return None;
    }
    Text::<N>::parse(v)
        .map_err(|e| errs.add(name, text_error(&e, v, N)))
        .ok()
}

/// A one-line field; blank is an error only when `required`.
pub(crate) fn line<const N: usize>(
    raw: &RawForm,
    name: &str,
    required: bool,
    errs: &mut FormErrors,
) -> Option<Line<N>> {
    let v = raw.get(name);
    if required && v.trim().is_empty() {
        errs.add(name, REQUIRED);
        return None;
    }
    Line::<N>::parse(v)
        .map_err(|e| errs.add(name, text_error(&e, v, N)))
        .ok()
}

/// Parses `yyyy-mm-dd` (what a date input sends) or `dd/mm/yyyy` (what people type).
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%d-%m-%Y"))
        .ok()
}

/// A date field: `None` when blank (an error if `required`) or invalid (an error).
pub(crate) fn date(
    raw: &RawForm,
    name: &str,
    required: bool,
    errs: &mut FormErrors,
) -> Option<NaiveDate> {
    let v = raw.get(name);
    if v.trim().is_empty() {
        if required {
            errs.add(name, REQUIRED);
        }
        return None;
    }
    let d = parse_date(v);
    if d.is_none() {
        errs.add(
            name,
            "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 05/12/2026.",
        );
    }
    d
}

/// Parses a count: digits, optionally grouped by thousands with `.`, `,` or spaces
/// ("1.500", "1 500").
pub fn parse_count(raw: &str) -> Result<i64, &'static str> {
    let s: String = raw.trim().chars().filter(|c| !c.is_whitespace()).collect();
    if s.starts_with('-') {
        return Err("Không được là số âm.");
    }
    let groups: Vec<&str> = s.split(['.', ',']).collect();
    let grouped_ok = groups.len() == 1
        || (matches!(groups[0].len(), 1..=3) && groups[1..].iter().all(|g| g.len() == 3));
    if s.is_empty() || !grouped_ok || !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("Phải là số nguyên không âm, ví dụ 0, 12 hoặc 1.500.");
    }
    let digits: String = groups.concat();
    match digits.parse::<i64>() {
        Ok(v) if v <= MAX_INDICATOR_VALUE => Ok(v),
        _ => Err("Số quá lớn."),
    }
}

/// A count field: `None` when blank (an error if `required`) or invalid (an error).
pub(crate) fn count(
    raw: &RawForm,
    name: &str,
    required: bool,
    errs: &mut FormErrors,
) -> Option<i64> {
    let v = raw.get(name);
    if v.trim().is_empty() {
        if required {
            errs.add(name, REQUIRED);
        }
        return None;
    }
    parse_count(v).map_err(|m| errs.add(name, m)).ok()
}

/// A count as an indicator value (already bounded by `parse_count`).
pub(crate) fn value(v: i64) -> Option<IndicatorValue> {
    IndicatorValue::parse(v).ok()
}

/// A select field parsed with `parse`; `None` when blank (an error if `required`) or unknown.
pub(crate) fn choice<T>(
    raw: &RawForm,
    name: &str,
    required: bool,
    parse: impl Fn(&str) -> Result<T, FieldError>,
    errs: &mut FormErrors,
) -> Option<T> {
    let v = raw.get(name).trim();
    if v.is_empty() {
        if required {
            errs.add(name, "Bắt buộc: hãy chọn một mục.");
        }
        return None;
    }
    parse(v)
        .map_err(|_| errs.add(name, "Lựa chọn không hợp lệ: hãy chọn lại."))
        .ok()
}

/// `1500` → `1.500`, as numbers are written in Vietnamese.
pub fn fmt_count(n: i64) -> String {
    let s = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

/// `dd/mm/yyyy`, as dates are written in Vietnamese documents.
pub fn fmt_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_form_normalises_and_drops_token_and_odd_names() {
        let f = RawForm::from_pairs([
            ("_csrf".to_string(), "t".to_string()),
            ("drafter".to_string(), "Nguye\u{302}\u{303}n".to_string()),
            ("Bad Name".to_string(), "x".to_string()),
        ]);
        assert_eq!(f.get("drafter"), "Nguyễn");
        assert_eq!(f.get("_csrf"), "");
        assert_eq!(f.get("Bad Name"), "");
        assert_eq!(RawForm::from_json(&f.to_json()), f);
    }

    #[test]
    fn rows_grow_one_past_the_last_used() {
        let mut f = RawForm::default();
        assert_eq!(f.rows("incidents", 3, 50), 3);
        f.set("incidents[3].summary", "x");
        assert_eq!(f.rows("incidents", 3, 50), 5);
        assert!(!f.row_used("incidents", 0));
    }

    #[test]
    fn counts_accept_thousands_groups_only() {
        assert_eq!(parse_count("1.500"), Ok(1500));
        assert_eq!(parse_count(" 12 "), Ok(12));
        assert_eq!(parse_count("1 000 000"), Ok(1_000_000));
        assert!(parse_count("1,5").is_err());
        assert!(parse_count("-3").is_err());
        assert!(parse_count("abc").is_err());
    }

    #[test]
    fn dates_in_both_shapes() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        assert_eq!(parse_date("2026-12-05"), Some(d));
        assert_eq!(parse_date("05/12/2026"), Some(d));
        assert_eq!(parse_date("5/12/2026"), Some(d));
        assert_eq!(parse_date("32/12/2026"), None);
        assert_eq!(fmt_date(d), "05/12/2026");
        assert_eq!(fmt_count(1_234_567), "1.234.567");
        assert_eq!(fmt_count(12), "12");
    }
}
