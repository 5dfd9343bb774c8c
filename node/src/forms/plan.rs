//! The implementation plan form (kế hoạch triển khai): purpose and requirements
//! (`sections.purpose`), task rows `tasks[i].{title,detail,lead,due}` and planned
//! self-inspection dates `self_inspections[i]`; blank rows are skipped.

use schema::{BoundedVec, ImplementationPlan, Payload, PlanTask, ReportKind};

use super::fields::{self, FormErrors, RawForm};
use super::{add_at, messages, section_errors, Ctx, MAX_ROWS};

/// The columns of one task row.
pub const TASK_COLUMNS: [&str; 4] = ["title", "detail", "lead", "due"];

pub(crate) fn parse(raw: &RawForm, ctx: &Ctx<'_>, errs: &mut FormErrors) -> Option<Payload> {
    let kind = ReportKind::ImplementationPlan;
    let mut ok = true;
    let purpose = fields::text::<10_000>(raw, "sections.purpose", false, errs);
    let pairs: Vec<(&str, &str)> = purpose
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| ("purpose", p.as_str()))
        .collect();
    section_errors(
        ctx.form,
        raw,
        ctx.pack.validate_sections(kind, &pairs),
        errs,
    );

    let mut tasks = Vec::new();
    for i in 0..raw.rows("tasks", 0, MAX_ROWS) {
        if !raw.row_used("tasks", i) {
            continue;
        }
        let f = |c: &str| format!("tasks[{i}].{c}");
        let title = fields::line::<500>(raw, &f("title"), true, errs);
        let detail = fields::text::<5_000>(raw, &f("detail"), false, errs);
        let lead = fields::line::<300>(raw, &f("lead"), true, errs);
        let due = fields::date(raw, &f("due"), true, errs);
        match (title, detail, lead, due) {
            (Some(title), Some(detail), Some(lead), Some(due)) => tasks.push(PlanTask {
                title,
                detail,
                lead,
                due,
            }),
            _ => ok = false,
        }
    }

    let mut inspections = Vec::new();
    for i in 0..raw.rows("self_inspections", 0, MAX_ROWS) {
        let name = format!("self_inspections[{i}]");
        if raw.is_blank(&name) {
            continue;
        }
        match fields::date(raw, &name, false, errs) {
            Some(d) => inspections.push(d),
            None => ok = false,
        }
    }

    let payload = Payload::ImplementationPlan(ImplementationPlan {
        purpose: purpose?,
        tasks: BoundedVec::parse(tasks).ok()?,
        self_inspections: match BoundedVec::parse(inspections) {
            Ok(v) => v,
            Err(_) => {
                errs.add(
                    "self_inspections[0]",
                    "Quá nhiều đợt tự kiểm tra (tối đa 52).",
                );
                return None;
            }
        },
    });
    // A row with errors would make "no task at all" a misleading message.
    if let (true, Err(e)) = (ok, payload.validate()) {
        for e in e.iter() {
            add_at(errs, e.path(), messages::vi(e.reason()));
        }
    }
    ok.then_some(payload)
}
