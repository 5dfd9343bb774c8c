//! A planned campaign's files: the plan document (`ke-hoach-kiem-tra.docx`, `.html`), one
//! iCalendar per team (`team-<id>.ics`), the notices as `.eml` files (`thong-bao/`), the plan's
//! summary as JSON (`ke-hoach.json`) and the scores as CSV (`diem-rui-ro.csv`). Everything is
//! written into a staging folder next to the output folder and moved into place at the end
//! ([`Staged::commit`]), so a failure leaves no half-written plan.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use chrono::NaiveTime;
use reports::document::Document;
use reports::planning::{ics, summary};
use reports::table::{Cell, Table};

use super::notice;
use super::run::Prepared;

/// The scores as a table (CSV).
fn scores_table(p: &Prepared) -> Table {
    let mut t = Table::new(
        "Điểm rủi ro",
        &[
            "Hạng",
            "Mã đơn vị",
            "Tên đơn vị",
            "Điểm rủi ro",
            "Lần kiểm tra gần nhất",
            "Các yếu tố",
        ],
    );
    for (i, s) in p.scores.iter().chain(&p.no_location).enumerate() {
        let factors: Vec<String> = s
            .score
            .factors
            .iter()
            .map(|f| format!("{}={:.2}", f.name, f.points))
            .collect();
        t.rows.push(vec![
            Cell::Int(i as i64 + 1),
            Cell::text(s.unit.as_str()),
            Cell::text(&s.name),
            Cell::Decimal(s.score.total, 2),
            s.last_inspection
                .as_ref()
                .map_or(Cell::Empty, |(day, _)| Cell::text(day.to_string())),
            Cell::text(factors.join("; ")),
        ]);
    }
    t
}

fn file_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The plan's files, written in a staging folder next to the output folder; moved into place
/// by [`Staged::commit`], removed if dropped before.
#[derive(Debug)]
pub struct Staged {
    stage: PathBuf,
    out: PathBuf,
    files: Vec<String>,
    done: bool,
}

impl Staged {
    /// Moves the files into the output folder; returns their names (relative to it).
    pub fn commit(mut self) -> anyhow::Result<Vec<String>> {
        if self.out.exists() {
            std::fs::remove_dir(&self.out)
                .with_context(|| format!("cannot replace {}", self.out.display()))?;
        }
        std::fs::rename(&self.stage, &self.out)
            .with_context(|| format!("cannot move the plan into {}", self.out.display()))?;
        self.done = true;
        Ok(std::mem::take(&mut self.files))
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.stage);
        }
    }
}

/// Writes every file of the plan for `out`, which must not exist or be empty.
pub fn stage(
    out: &Path,
    p: &Prepared,
    doc: &Document,
    day_start: NaiveTime,
    from: &str,
) -> anyhow::Result<Staged> {
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        bail!(
            "thư mục {} không trống / the output folder is not empty: choose a new one",
            out.display()
        );
    }
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .ok_or_else(|| anyhow::anyhow!("--out {}: name a folder", out.display()))?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let stage = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&stage);
    let mut staged = Staged {
        stage,
        out: out.to_path_buf(),
        files: Vec::new(),
        done: false,
    };
    staged.files = stage_files(&staged.stage, p, doc, day_start, from)?;
    Ok(staged)
}

fn stage_files(
    dir: &Path,
    p: &Prepared,
    doc: &Document,
    day_start: NaiveTime,
    from: &str,
) -> anyhow::Result<Vec<String>> {
    std::fs::create_dir_all(dir.join("thong-bao"))
        .with_context(|| format!("cannot create {}", dir.display()))?;
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("ke-hoach-kiem-tra.docx".into(), doc.to_docx()?),
        ("ke-hoach-kiem-tra.html".into(), doc.to_html()?.into_bytes()),
        ("diem-rui-ro.csv".into(), scores_table(p).to_csv()?),
    ];
    for t in &p.teams {
        let cal = ics::team_calendar(&p.plan, t, day_start);
        files.push((format!("team-{}.ics", t.id), cal.into_bytes()));
    }
    for n in &p.notices {
        let eml = notice::to_eml(n, from, &p.plan_id)?;
        let file = format!("thong-bao/{}-{}.eml", n.due_on, file_part(n.unit.as_str()));
        files.push((file, eml));
    }
    let summary = serde_json::json!({
        "plan_id": p.plan_id,
        "scope": p.scope.as_str(),
        "summary": summary::summarize(&p.plan, &p.teams),
        "without_location": p.no_location.iter().map(|u| u.unit.as_str()).collect::<Vec<_>>(),
        "notices": p.notices.iter().map(|n| serde_json::json!({
            "unit": n.unit.as_str(), "visit_date": n.visit_date, "due_on": n.due_on,
            "recipient": n.recipient,
        })).collect::<Vec<_>>(),
    });
    files.push(("ke-hoach.json".into(), serde_json::to_vec_pretty(&summary)?));
    for (name, bytes) in &files {
        let path: PathBuf = dir.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(files.into_iter().map(|(n, _)| n).collect())
}
