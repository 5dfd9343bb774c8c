//! iCalendar (RFC 5545) output: one VCALENDAR per team with a VEVENT per visit, timed in
//! Asia/Ho_Chi_Minh (with its VTIMEZONE), deterministic UIDs and DTSTAMP (from the plan date,
//! never the clock), CRLF line ends, lines folded at 75 octets without splitting a UTF-8
//! character, and TEXT values escaped (`\\`, `\;`, `\,`, `\n`). [`unfold`] and
//! [`unescape_text`] invert the folding and escaping.

use chrono::{Duration, NaiveDateTime, NaiveTime};
use unicode_normalization::UnicodeNormalization;

use super::campaign::Team;
use super::plan::Plan;

/// The longest content line, in octets, excluding the CRLF.
pub const MAX_LINE_OCTETS: usize = 75;

/// Escapes a TEXT value. CR LF and lone CR become `\n`; other control characters except TAB
/// are dropped (RFC 5545 does not allow them in TEXT).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Inverse of [`escape_text`]: `\\`, `\;`, `\,`, `\n` and `\N`; a stray backslash is kept.
pub fn unescape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(e @ ('\\' | ';' | ',')) => out.push(e),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Folds one content line: CRLF + space before the octet that would make a line longer than
/// 75 octets, never inside a UTF-8 sequence. The result ends with CRLF.
pub fn fold_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

/// Undoes folding: removes every CRLF followed by a space or a tab.
pub fn unfold(s: &str) -> String {
    s.replace("\r\n ", "").replace("\r\n\t", "")
}

struct Writer(String);

impl Writer {
    fn raw(&mut self, line: &str) {
        self.0.push_str(&fold_line(line));
    }

    fn text(&mut self, name: &str, value: &str) {
        let v: String = value.nfc().collect();
        self.raw(&format!("{name}:{}", escape_text(&v)));
    }
}

fn stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// The calendar of `team`'s visits in `plan`. `day_start` is when the working day begins
/// (visits are timed from it).
pub fn team_calendar(plan: &Plan, team: &Team, day_start: NaiveTime) -> String {
    let mut w = Writer(String::new());
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//BMNN//Inspection planning//VI",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        w.raw(l);
    }
    w.text(
        "X-WR-CALNAME",
        &format!("{} — {}", plan.campaign, team.name),
    );
    w.raw("X-WR-TIMEZONE:Asia/Ho_Chi_Minh");
    for l in [
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Ho_Chi_Minh",
        "BEGIN:STANDARD",
        "DTSTART:19750613T000000",
        "TZOFFSETFROM:+0700",
        "TZOFFSETTO:+0700",
        "TZNAME:ICT",
        "END:STANDARD",
        "END:VTIMEZONE",
    ] {
        w.raw(l);
    }
    let dtstamp = format!(
        "DTSTAMP:{}Z",
        stamp(plan.plan_date.and_time(NaiveTime::MIN))
    );
    let members = team.members.join(", ");
    for trip in plan.trips.iter().filter(|t| t.team == team.id) {
        for v in &trip.visits {
            let start = v.date.and_time(day_start) + Duration::minutes(v.start_minute.into());
            let end = start + Duration::minutes(v.minutes.into());
            let uid_unit: String = v
                .unit
                .as_str()
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            w.raw("BEGIN:VEVENT");
            w.raw(&format!(
                "UID:bmnn-{:016x}-{}-{}-{}@bmnn.invalid",
                plan.seed,
                team.id,
                uid_unit,
                v.date.format("%Y%m%d")
            ));
            w.raw(&dtstamp);
            w.raw(&format!("DTSTART;TZID=Asia/Ho_Chi_Minh:{}", stamp(start)));
            w.raw(&format!("DTEND;TZID=Asia/Ho_Chi_Minh:{}", stamp(end)));
            w.text(
                "SUMMARY",
                &format!("Kiểm tra bảo vệ bí mật nhà nước: {}", v.name),
            );
            w.text("LOCATION", &v.name);
            w.raw(&format!("GEO:{:.6};{:.6}", v.location.lat, v.location.lon));
            w.text(
                "DESCRIPTION",
                &format!(
                    "Đơn vị: {} ({})\nĐoàn: {}\nThành viên: {}\nLý do chọn: {}\nĐiểm rủi ro: {:.1}\nChuyến đi: từ {} trong {} ngày",
                    v.name,
                    v.unit,
                    team.name,
                    members,
                    v.selection.label_vi(),
                    v.risk,
                    trip.start.format("%d/%m/%Y"),
                    trip.days
                ),
            );
            w.text("CATEGORIES", "Kiểm tra BMNN");
            w.raw("TRANSP:OPAQUE");
            w.raw("END:VEVENT");
        }
    }
    w.raw("END:VCALENDAR");
    w.0
}
