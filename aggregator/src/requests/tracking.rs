//! One request's tracking: every unit it addresses in this aggregator's registry on the day
//! (the issuer itself excluded), with its state (answered on time or late, by the first
//! answer's receipt date in Asia/Ho_Chi_Minh against the due date; missing once the due date
//! has passed; not yet due before). The same states feed the request page, its CSV and the
//! reminders, so a unit the page shows as missing is the unit the reminder chases.

use std::collections::BTreeMap;

use anyhow::anyhow;
use chrono::{DateTime, NaiveDate};
use schema::{Payload, UnitId};

use crate::store::received;
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
    /// For a directive: the dissemination reported (date, participants).
    pub disseminated: Option<(NaiveDate, u32)>,
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

/// Each unit's first answer (report id, day of receipt in Asia/Ho_Chi_Minh) and, for a
/// directive, the dissemination any of its answers reports (date, participants).
type Answers = (
    BTreeMap<String, (String, NaiveDate)>,
    BTreeMap<String, (NaiveDate, u32)>,
);

fn answers_of(conn: &mut AnyConn, request: &RequestRow) -> anyhow::Result<Answers> {
    let (mut first, mut spread) = (BTreeMap::new(), BTreeMap::new());
    for a in requests::answers(conn, &request.notice_id)? {
        let Ok(at) = DateTime::parse_from_rfc3339(&a.received_at) else {
            continue;
        };
        let day = at.with_timezone(&chrono_tz::Asia::Ho_Chi_Minh).date_naive();
        if request.is_directive() {
            if let Some(row) = received::get(conn, &a.report_id, &a.digest)? {
                let env: Option<schema::Envelope> = schema::decode(row.envelope.as_bytes()).ok();
                if let Some(Payload::Acknowledgment(ack)) = env.map(|e| e.body.payload) {
                    if let (Some(d), Some(n)) = (ack.disseminated_on, ack.participants) {
                        spread.insert(a.unit.clone(), (d, n));
                    }
                }
            }
        }
        first.entry(a.unit).or_insert((a.report_id, day));
    }
    Ok((first, spread))
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
    let (first, spread) = answers_of(conn, &request)?;
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
            let disseminated = spread.get(&unit.id).copied();
            UnitStatus {
                unit,
                state,
                disseminated,
            }
        })
        .collect();
    Ok(Some(Tracking { request, units }))
}

/// One area's figures: the child of the scope on the way to each unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaRow {
    pub area: String,
    pub total: usize,
    pub answered: usize,
    pub on_time: usize,
    pub disseminated: usize,
}

/// The child of `scope` on the way from `scope` down to `unit` (the unit itself when direct).
pub fn area_of(unit: &UnitId, scope: &UnitId) -> UnitId {
    let mut cur = unit.clone();
    while let Some(p) = cur.parent() {
        if &p == scope || p == UnitId::national() {
            return cur;
        }
        cur = p;
    }
    cur
}

impl Tracking {
    /// The figures per area under `scope`, in the order of the units.
    pub fn areas(&self, scope: &UnitId) -> Vec<AreaRow> {
        let mut out: Vec<AreaRow> = Vec::new();
        for u in &self.units {
            let Ok(id) = UnitId::parse(&u.unit.id) else {
                continue;
            };
            let area = area_of(&id, scope).to_string();
            let i = match out.iter().position(|a| a.area == area) {
                Some(i) => i,
                None => {
                    out.push(AreaRow {
                        area,
                        total: 0,
                        answered: 0,
                        on_time: 0,
                        disseminated: 0,
                    });
                    out.len() - 1
                }
            };
            let a = &mut out[i];
            a.total += 1;
            a.answered += usize::from(u.state.answered());
            a.on_time += usize::from(matches!(u.state, State::OnTime { .. }));
            a.disseminated += usize::from(u.disseminated.is_some());
        }
        out
    }

    /// Units that reported dissemination.
    pub fn disseminated(&self) -> usize {
        self.units
            .iter()
            .filter(|u| u.disseminated.is_some())
            .count()
    }
}

/// The CSV's columns; every row has exactly these (the writer refuses a row of another width).
pub const CSV_HEADER: [&str; 7] = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Tình trạng",
    "Mã báo cáo",
    "Ngày nhận",
    "Ngày quán triệt",
    "Số người tham dự",
];

/// The tracking as CSV (UTF-8 with BOM, for Excel): one line per addressed unit.
pub fn csv(t: &Tracking) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(vec![0xef, 0xbb, 0xbf]);
    w.write_record(CSV_HEADER).expect("CSV into memory");
    for u in &t.units {
        let (report, at) = match &u.state {
            State::OnTime { report_id, at } | State::Late { report_id, at } => {
                (report_id.clone(), at.format("%d/%m/%Y").to_string())
            }
            _ => (String::new(), String::new()),
        };
        let (spread_on, people) = match u.disseminated {
            Some((d, n)) => (d.format("%d/%m/%Y").to_string(), n.to_string()),
            None => (String::new(), String::new()),
        };
        w.write_record([
            u.unit.id.as_str(),
            u.unit.name.as_str(),
            u.state.label_vi(),
            &report,
            &at,
            &spread_on,
            &people,
        ])
        .expect("a row as wide as the header");
    }
    w.into_inner().expect("CSV into memory")
}
