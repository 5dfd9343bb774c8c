//! Geometry and time: great-circle distance, travel minutes, the timeline of a trip (visits
//! never straddle two days; travel may go on the next morning), and a grid index that finds
//! each point's nearest other point exactly (for the upper bound).

use config::units::LatLon;

const EARTH_KM: f64 = 6371.0;

/// Great-circle distance in km (haversine).
pub fn haversine_km(a: LatLon, b: LatLon) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dp = p2 - p1;
    let dl = (b.lon - a.lon).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_KM * h.sqrt().min(1.0).asin()
}

/// Travel minutes from km: `ceil(km * road_factor / speed * 60)`, monotone in km.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Travel {
    pub speed_kmh: f64,
    pub road_factor: f64,
}

impl Travel {
    pub fn minutes_km(&self, km: f64) -> u32 {
        (km * self.road_factor / self.speed_kmh * 60.0).ceil() as u32
    }

    pub fn minutes(&self, a: LatLon, b: LatLon) -> u32 {
        self.minutes_km(haversine_km(a, b))
    }
}

/// One step of a trip's timeline: arrive after `travel` minutes from `clock` and visit for
/// `visit` minutes; a visit that would run past the end of its day starts the next morning.
/// Returns (start, end) of the visit in minutes since the trip's first morning.
pub fn visit_step(clock: u32, travel: u32, visit: u32, day: u32) -> (u32, u32) {
    let t = clock + travel;
    let d = t / day;
    let start = if t + visit > (d + 1) * day {
        (d + 1) * day
    } else {
        t
    };
    (start, start + visit)
}

/// Days a trip ending (back at base) at minute `end` takes: at least one.
pub fn days_for(end: u32, day: u32) -> u32 {
    end.div_ceil(day).max(1)
}

/// A uniform grid over latitude/longitude for nearest-point queries.
#[derive(Debug)]
pub struct Grid {
    cell_deg: f64,
    lat0: f64,
    lon0: f64,
    rows: usize,
    cols: usize,
    cells: Vec<Vec<usize>>,
    points: Vec<LatLon>,
    cos_max: f64,
}

impl Grid {
    pub fn new(points: Vec<LatLon>, cell_deg: f64) -> Self {
        let lat0 = points.iter().map(|p| p.lat).fold(f64::INFINITY, f64::min);
        let lon0 = points.iter().map(|p| p.lon).fold(f64::INFINITY, f64::min);
        let lat1 = points
            .iter()
            .map(|p| p.lat)
            .fold(f64::NEG_INFINITY, f64::max);
        let lon1 = points
            .iter()
            .map(|p| p.lon)
            .fold(f64::NEG_INFINITY, f64::max);
        let (lat0, lon0) = if points.is_empty() {
            (0.0, 0.0)
        } else {
            (lat0, lon0)
        };
        let rows = (((lat1 - lat0) / cell_deg).floor().max(0.0) as usize) + 1;
        let cols = (((lon1 - lon0) / cell_deg).floor().max(0.0) as usize) + 1;
        let max_abs_lat = points.iter().map(|p| p.lat.abs()).fold(0.0, f64::max);
        let mut g = Grid {
            cell_deg,
            lat0,
            lon0,
            rows,
            cols,
            cells: vec![Vec::new(); rows * cols],
            points: Vec::new(),
            cos_max: max_abs_lat.min(89.0).to_radians().cos(),
        };
        for (i, p) in points.iter().enumerate() {
            let (r, c) = g.cell(*p);
            g.cells[r * g.cols + c].push(i);
        }
        g.points = points;
        g
    }

    fn cell(&self, p: LatLon) -> (usize, usize) {
        let r = ((p.lat - self.lat0) / self.cell_deg).floor().max(0.0) as usize;
        let c = ((p.lon - self.lon0) / self.cell_deg).floor().max(0.0) as usize;
        (r.min(self.rows - 1), c.min(self.cols - 1))
    }

    /// A lower bound (km) on the distance from a point to any point `ring` cells away.
    fn ring_lower_bound_km(&self, ring: usize) -> f64 {
        if ring <= 1 {
            return 0.0;
        }
        let d = ((ring - 1) as f64 * self.cell_deg).to_radians();
        // hav(θ) >= cos φ1 cos φ2 hav(Δλ) >= cos²φmax hav(Δλ), and Δφ alone gives more.
        2.0 * EARTH_KM * (self.cos_max * (d / 2.0).sin()).min(1.0).asin()
    }

    /// The distance (km) from point `i` to the nearest other point (0 if it has a twin), or
    /// `None` when it is the only point.
    pub fn nearest_other_km(&self, i: usize) -> Option<f64> {
        let p = self.points[i];
        let (r0, c0) = self.cell(p);
        let mut best: Option<f64> = None;
        let max_ring = self.rows.max(self.cols);
        for ring in 0..=max_ring {
            if let Some(b) = best {
                if self.ring_lower_bound_km(ring) > b {
                    break;
                }
            }
            let (rlo, rhi) = (r0 as i64 - ring as i64, r0 as i64 + ring as i64);
            let (clo, chi) = (c0 as i64 - ring as i64, c0 as i64 + ring as i64);
            for r in rlo..=rhi {
                for c in clo..=chi {
                    let on_ring = r == rlo || r == rhi || c == clo || c == chi;
                    if !on_ring || r < 0 || c < 0 || r >= self.rows as i64 || c >= self.cols as i64
                    {
                        continue;
                    }
                    for &j in &self.cells[r as usize * self.cols + c as usize] {
                        if j != i {
                            let d = haversine_km(p, self.points[j]);
                            if best.is_none_or(|b| d < b) {
                                best = Some(d);
                            }
                        }
                    }
                }
            }
        }
        best
    }
}
