//! One request's tracking: every unit it addresses in this aggregator's registry on the day
//! (the issuer itself excluded), with its state (answered on time or late, by the first
//! answer's receipt date in Asia/Ho_Chi_Minh against the due date; missing once the due date
//! has passed; not yet due before). The same states feed the request page, its CSV and the
//! reminders, so a unit the page shows as missing is the unit the reminder chases.

use std::collections::BTreeMap;

use anyhow::anyhow;
use chrono::{DateTime, NaiveDate};
use schema::UnitId;

use crate::store::requests::{self, RequestRow};
use crate::store::units::{self, UnitRow};
use crate::store::AnyConn;

/// Where one addressed unit stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    OnTime {
        report_id: String,
        at: NaiveDate,
    },
    Late {
        report_id: String,
        at: NaiveDate,
    },
    /// Due date passed, nothing received.
    Missing,
    /// Nothing received yet, and still time.
    NotYetDue,
}

impl State {
    pub fn label_vi(&self) -> &'static str {
        match self {
            Self::OnTime { .. } => "Đã gửi đúng hạn",
            Self::Late { .. } => "Đã gửi trễ hạn",
            Self::Missing => "Chưa gửi (quá hạn)",
            Self::NotYetDue => "Chưa gửi (chưa đến hạn)",
        }
    }

    pub fn answered(&self) -> bool {
        matches!(self, Self::OnTime { .. } | Self::Late { .. })
    }
}

#[derive(Debug, Clone)]
pub struct UnitStatus {
    pub unit: UnitRow,
    pub state: State,
}

/// The whole request's picture.
#[derive(Debug, Clone)]
pub struct Tracking {
    pub request: RequestRow,
    pub units: Vec<UnitStatus>,
}

impl Tracking {
    /// (on time, late, missing, not yet due).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut c = (0, 0, 0, 0);
        for u in &self.units {
            match u.state {
                State::OnTime { .. } => c.0 += 1,
                State::Late { .. } => c.1 += 1,
                State::Missing => c.2 += 1,
                State::NotYetDue => c.3 += 1,
            }
        }
        c
    }

    /// Answered share in per cent, or `None` while nothing is due and nothing answered.
    pub fn rate(&self) -> Option<f64> {
        let (on, late, missing, _) = self.counts();
        let judged = on + late + missing;
        let total = self.units.len();
        if judged == 0 || total == 0 {
            return None;
        }
        Some(100.0 * (on + late) as f64 / total as f64)
    }
}

/// The units of the registry that `row` addresses on `today`, below `scope`, sorted by name.
pub fn addressed(
    conn: &mut AnyConn,
    row: &RequestRow,
    scope: &UnitId,
    today: NaiveDate,
) -> anyhow::Result<Vec<UnitRow>> {
    let addressee = row
        .addressee()
        .ok_or_else(|| anyhow!("request {} has no readable addressee", row.notice_id))?;
    let mut out: Vec<UnitRow> = units::all(conn)?
        .into_iter()
        .filter(|u| u.holds_on(today) && u.id != row.issuer)
        .filter(|u| {
            UnitId::parse(&u.id)
                .is_ok_and(|id| scope.contains(&id) && id != *scope && addressee.reaches(&id))
        })
        .collect();
    out.sort_by_cached_key(|u| (config::units::vi_sort_key(&u.name), u.id.clone()));
    Ok(out)
}

/// Tracks request `id` at `scope` on `today`.
pub fn track(
    conn: &mut AnyConn,
    id: &str,
    scope: &UnitId,
    today: NaiveDate,
) -> anyhow::Result<Option<Tracking>> {
    let Some(request) = requests::get(conn, id)? else {
        return Ok(None);
    };
    let due: NaiveDate = request
        .due
        .parse()
        .map_err(|e| anyhow!("request {id}: due date: {e}"))?;
    let mut first: BTreeMap<String, (String, NaiveDate)> = BTreeMap::new();
    for a in requests::answers(conn, id)? {
        let Ok(at) = DateTime::parse_from_rfc3339(&a.received_at) else {
            continue;
        };
        let day = at.with_timezone(&chrono_tz::Asia::Ho_Chi_Minh).date_naive();
        first.entry(a.unit).or_insert((a.report_id, day));
    }
    let units = addressed(conn, &request, scope, today)?
        .into_iter()
        .map(|unit| {
            let state = match first.get(&unit.id) {
                Some((r, at)) if *at <= due => State::OnTime {
                    report_id: r.clone(),
                    at: *at,
                },
                Some((r, at)) => State::Late {
                    report_id: r.clone(),
                    at: *at,
                },
                None if today > due => State::Missing,
                None => State::NotYetDue,
            };
            UnitStatus { unit, state }
        })
        .collect();
    Ok(Some(Tracking { request, units }))
}

/// The tracking as CSV (UTF-8 with BOM, for Excel): unit id, name, state, report id, date.
pub fn csv(t: &Tracking) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(vec![0xef, 0xbb, 0xbf]);
    let _ = w.write_record([
        "Mã đơn vị",
        "Tên đơn vị",
        "Tình trạng",
        "Mã báo cáo",
        "Ngày nhận",
    ]);
    for u in &t.units {
        let (report, at) = match &u.state {
            State::OnTime { report_id, at } | State::Late { report_id, at } => {
                (report_id.clone(), at.format("%d/%m/%Y").to_string())
            }
            _ => (String::new(), String::new()),
        };
        let _ = w.write_record([
            u.unit.id.as_str(),
            u.unit.name.as_str(),
            u.state.label_vi(),
            &report,
            &at,
        ]);
    }
    w.into_inner().unwrap_or_default()
}
