//! Checking a report's indicators, sections and checklist answers against the form of the
//! rule pack in force. Errors carry field paths (`indicators.so_vu_lo_mat`, `sections.a`,
//! `items.noi_quy_ban_hanh`) and say the bound, or that the field is unknown in this pack
//! (naming it), or required and missing.

use schema::{ComplianceValue, FieldError, FieldErrors, IndicatorCode, ReportKind};

use super::pack::{Form, ItemKind, RulePack};

impl RulePack {
    fn form_or_error(&self, kind: ReportKind, errs: &mut FieldErrors) -> Option<&Form> {
        let form = self.form(kind);
        if form.is_none() {
            errs.push(FieldError::new(
                "",
                format!(
                    "rule pack {} ({}) has no form for {} reports; check the report kind and date",
                    self.id,
                    self.validity(),
                    kind.code()
                ),
            ));
        }
        form
    }

    fn unknown(&self, what: &str, code: &str, kind: ReportKind) -> String {
        format!(
            "{what} `{code}` is not part of the {} form in rule pack {} ({}); remove it or \
             check that the report is dated under the right rules",
            kind.code(),
            self.id,
            self.validity()
        )
    }

    /// Checks indicator values: each code known to the form, within its bounds, not repeated,
    /// and every required indicator present.
    pub fn validate_indicators(
        &self,
        kind: ReportKind,
        values: &[(IndicatorCode, i64)],
    ) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        let Some(form) = self.form_or_error(kind, &mut errs) else {
            return errs.into_result();
        };
        for (i, (code, value)) in values.iter().enumerate() {
            let path = format!("indicators.{code}");
            if values[..i].iter().any(|(c, _)| c == code) {
                errs.push(FieldError::new(
                    path,
                    "is given more than once; keep one value",
                ));
                continue;
            }
            let Some(spec) = form.indicators.iter().find(|s| &s.code == code) else {
                errs.push(FieldError::new(
                    path,
                    self.unknown("indicator", code.as_str(), kind),
                ));
                continue;
            };
            if *value < spec.min || *value > spec.max_value() {
                errs.push(FieldError::new(
                    path,
                    format!(
                        "{value} is outside {}..={} {} (\"{}\")",
                        spec.min,
                        spec.max_value(),
                        spec.unit,
                        spec.label
                    ),
                ));
            }
        }
        for spec in form.indicators.iter().filter(|s| s.required) {
            if !values.iter().any(|(c, _)| c == &spec.code) {
                errs.push(FieldError::new(
                    format!("indicators.{}", spec.code),
                    format!(
                        "is required by rule pack {} (\"{}\"); enter 0 if there were none",
                        self.id, spec.label
                    ),
                ));
            }
        }
        errs.into_result()
    }

    /// Checks text sections: each code known to the form, within its length (in characters),
    /// not repeated, and every required section present and not blank.
    pub fn validate_sections<S: AsRef<str>>(
        &self,
        kind: ReportKind,
        sections: &[(S, &str)],
    ) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        let Some(form) = self.form_or_error(kind, &mut errs) else {
            return errs.into_result();
        };
        for (i, (code, text)) in sections.iter().enumerate() {
            let code = code.as_ref();
            let path = format!("sections.{code}");
            if sections[..i].iter().any(|(c, _)| c.as_ref() == code) {
                errs.push(FieldError::new(
                    path,
                    "is given more than once; merge the texts",
                ));
                continue;
            }
            let Some(spec) = form.sections.iter().find(|s| s.code.as_str() == code) else {
                errs.push(FieldError::new(path, self.unknown("section", code, kind)));
                continue;
            };
            let len = text.chars().count();
            if len > spec.max_len as usize {
                errs.push(FieldError::new(
                    path,
                    format!(
                        "is {len} characters long; section \"{}\" allows at most {}",
                        spec.title, spec.max_len
                    ),
                ));
            } else if spec.required && text.trim().is_empty() {
                errs.push(FieldError::new(
                    path,
                    format!(
                        "section \"{}\" is required and must not be blank",
                        spec.title
                    ),
                ));
            }
        }
        for spec in form.sections.iter().filter(|s| s.required) {
            if !sections
                .iter()
                .any(|(c, _)| c.as_ref() == spec.code.as_str())
            {
                errs.push(FieldError::new(
                    format!("sections.{}", spec.code),
                    format!(
                        "section \"{}\" is required by rule pack {}; write it",
                        spec.title, self.id
                    ),
                ));
            }
        }
        errs.into_result()
    }

    /// Checks checklist answers: each code known to the form, answered in the item's shape
    /// (yes/no, date, count), not repeated, and every required item answered.
    pub fn validate_items(
        &self,
        kind: ReportKind,
        answers: &[(IndicatorCode, ComplianceValue)],
    ) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        let Some(form) = self.form_or_error(kind, &mut errs) else {
            return errs.into_result();
        };
        for (i, (code, value)) in answers.iter().enumerate() {
            let path = format!("items.{code}");
            if answers[..i].iter().any(|(c, _)| c == code) {
                errs.push(FieldError::new(
                    path,
                    "is answered more than once; keep one answer",
                ));
                continue;
            }
            let Some(spec) = form.items.iter().find(|s| &s.code == code) else {
                errs.push(FieldError::new(
                    path,
                    self.unknown("checklist item", code.as_str(), kind),
                ));
                continue;
            };
            let given = match value {
                ComplianceValue::YesNo(_) => ItemKind::YesNo,
                ComplianceValue::Date(_) => ItemKind::Date,
                ComplianceValue::Count(_) => ItemKind::Count,
            };
            if given != spec.kind {
                errs.push(FieldError::new(
                    path,
                    format!(
                        "\"{}\" takes a {} answer, not a {}",
                        spec.label,
                        spec.kind.code(),
                        given.code()
                    ),
                ));
            }
        }
        for spec in form.items.iter().filter(|s| s.required) {
            if !answers.iter().any(|(c, _)| c == &spec.code) {
                errs.push(FieldError::new(
                    format!("items.{}", spec.code),
                    format!(
                        "\"{}\" is required by rule pack {}; answer it",
                        spec.label, self.id
                    ),
                ));
            }
        }
        errs.into_result()
    }
}
