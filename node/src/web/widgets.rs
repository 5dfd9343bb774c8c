//! Form widgets: inputs, text areas, selects and checkboxes bound to a raw form field, each
//! with its label, hint and inline Vietnamese error messages (`aria-invalid`, red border).
//! Plain HTML: every widget works without JavaScript.

use maud::{html, Markup};
use schema::Classification;

use crate::forms::{FormErrors, RawForm};

/// The values a widget needs: the raw fields and their errors.
#[derive(Clone, Copy)]
pub struct Bind<'a> {
    pub raw: &'a RawForm,
    pub errors: &'a FormErrors,
}

/// An HTML id for a field name (`incidents[0].summary` → `f-incidents-0--summary`).
pub fn id(name: &str) -> String {
    let mut s = String::from("f-");
    s.extend(
        name.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }),
    );
    s
}

/// The error messages of `name`, if any.
pub fn errors(b: Bind<'_>, name: &str) -> Markup {
    html! {
        @for m in b.errors.field(name) {
            p.error id={ (id(name)) "-loi" } { (m) }
        }
    }
}

fn invalid(b: Bind<'_>, name: &str) -> Option<&'static str> {
    b.errors.has(name).then_some("true")
}

/// A labelled block around one input.
pub fn field(b: Bind<'_>, name: &str, label: &str, hint: Option<&str>, input: Markup) -> Markup {
    html! {
        div.field.invalid[b.errors.has(name)] {
            label for=(id(name)) { (label) }
            @if let Some(h) = hint { " " span.hint { "(" (h) ")" } }
            br;
            (input)
            (errors(b, name))
        }
    }
}

pub fn text(b: Bind<'_>, name: &str, size: u32) -> Markup {
    html! {
        input type="text" id=(id(name)) name=(name) value=(b.raw.get(name)) size=(size)
            aria-invalid=[invalid(b, name)];
    }
}

/// A count: text with a numeric keyboard, so an invalid value is kept and explained.
pub fn number(b: Bind<'_>, name: &str) -> Markup {
    html! {
        input.num type="text" inputmode="numeric" id=(id(name)) name=(name)
            value=(b.raw.get(name)) aria-invalid=[invalid(b, name)];
    }
}

pub fn date(b: Bind<'_>, name: &str) -> Markup {
    html! {
        input type="date" id=(id(name)) name=(name) value=(b.raw.get(name))
            placeholder="ngày/tháng/năm" aria-invalid=[invalid(b, name)];
    }
}

pub fn time(b: Bind<'_>, name: &str) -> Markup {
    html! {
        input type="time" id=(id(name)) name=(name) value=(b.raw.get(name))
            placeholder="giờ:phút" aria-invalid=[invalid(b, name)];
    }
}

pub fn textarea(b: Bind<'_>, name: &str, rows: u32) -> Markup {
    html! {
        textarea id=(id(name)) name=(name) rows=(rows) aria-invalid=[invalid(b, name)] {
            (b.raw.get(name))
        }
    }
}

/// A select with a blank first option; the current value stays selectable even when it is
/// not one of `options` (so nothing typed or stored is silently changed).
pub fn select(b: Bind<'_>, name: &str, options: &[(&str, &str)]) -> Markup {
    let current = b.raw.get(name);
    let known = current.is_empty() || options.iter().any(|(v, _)| *v == current);
    html! {
        select id=(id(name)) name=(name) aria-invalid=[invalid(b, name)] {
            option value="" { "— chọn —" }
            @if !known { option value=(current) selected { (current) } }
            @for (value, label) in options {
                option value=(value) selected[*value == current] { (label) }
            }
        }
    }
}

pub fn checkbox(b: Bind<'_>, name: &str, label: &str) -> Markup {
    html! {
        div {
            input type="checkbox" id=(id(name)) name=(name) value="1"
                checked[!b.raw.is_blank(name)];
            " "
            label for=(id(name)) style="font-weight:normal" { (label) }
        }
    }
}

/// The Vietnamese name of a classification level, for selects and lists.
pub fn classification_name(c: Classification) -> &'static str {
    match c {
        Classification::KhongMat => "Không mật (không phải bí mật nhà nước)",
        Classification::Mat => "Mật",
        Classification::ToiMat => "Tối mật",
        Classification::TuyetMat => "Tuyệt mật",
    }
}

/// Options of a classification select; `secret_only` leaves out "không mật".
pub fn classification_options(secret_only: bool) -> Vec<(&'static str, &'static str)> {
    Classification::ALL
        .into_iter()
        .filter(|c| !secret_only || *c != Classification::KhongMat)
        .map(|c| (c.code(), classification_name(c)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_escaped_and_errors_shown() {
        let raw = RawForm::from_pairs([("drafter".to_string(), "<b>\"x\"</b>".to_string())]);
        let mut errs = FormErrors::default();
        errs.add("drafter", "Bắt buộc <ngay>.");
        let b = Bind {
            raw: &raw,
            errors: &errs,
        };
        let html = field(
            b,
            "drafter",
            "Người soạn thảo",
            None,
            text(b, "drafter", 40),
        )
        .into_string();
        assert!(
            html.contains("value=\"&lt;b&gt;&quot;x&quot;&lt;/b&gt;\""),
            "{html}"
        );
        assert!(html.contains("Bắt buộc &lt;ngay&gt;."), "{html}");
        assert!(html.contains("aria-invalid=\"true\""), "{html}");
        assert_eq!(id("incidents[0].summary"), "f-incidents-0--summary");
    }
}
