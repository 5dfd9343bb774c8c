//! The campaign file (TOML, see `config/campaign.example.toml`): the campaign (id, name,
//! period, size, coverage rules, seed, blackouts, notice lead time, exclusions, travel model),
//! the scope (which units are candidates), the teams (id, name, members, home base, weekly
//! capacity), the plan document's header and signature, and the notices' sender. Loaded with
//! unknown keys refused, text normalised to NFC, and turned into the planner's `Campaign` and
//! `Team`s with every bad value named.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{anyhow, bail, Context as _};
use chrono::{NaiveDate, NaiveTime};
use config::units::LatLon;
use reports::planning::{
    Blackout, Campaign, CampaignSize, Coverage, Team, TeamId, TravelModel, WeeklyCapacity,
};
use schema::{Classification, UnitId};
use serde::{Deserialize, Deserializer};
use unicode_normalization::UnicodeNormalization as _;

/// A date written as a TOML date (`2027-03-01`) or a string (`"2027-03-01"`, `"01/03/2027"`).
fn day<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let v = toml::Value::deserialize(d)?;
    let s = match &v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(dt) => dt.to_string(),
        other => {
            return Err(serde::de::Error::custom(format!(
                "expected a date, got {other}"
            )))
        }
    };
    super::input::parse_date(&s)
        .ok_or_else(|| serde::de::Error::custom(format!("`{s}` is not a date (YYYY-MM-DD)")))
}

fn opt_day<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    day(d).map(Some)
}

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignFile {
    pub campaign: CampaignSection,
    #[serde(default)]
    pub scope: ScopeSection,
    #[serde(default)]
    pub document: DocumentSection,
    #[serde(default)]
    pub notices: NoticeSection,
    #[serde(default)]
    pub teams: Vec<TeamSection>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignSection {
    /// The plan's id: lowercase letters, digits and '-' (e.g. `kt-2027-dot-1`).
    pub id: String,
    pub name: String,
    /// Default: the command's `--today`.
    #[serde(default, deserialize_with = "opt_day")]
    pub plan_date: Option<NaiveDate>,
    #[serde(deserialize_with = "day")]
    pub start: NaiveDate,
    #[serde(deserialize_with = "day")]
    pub end: NaiveDate,
    pub seed: u64,
    #[serde(default)]
    pub size: SizeSection,
    #[serde(default)]
    pub coverage: CoverageSection,
    #[serde(default)]
    pub exclusions: Vec<String>,
    #[serde(default)]
    pub blackouts: Vec<BlackoutSection>,
    #[serde(default = "CampaignSection::default_lead")]
    pub lead_working_days: u32,
    #[serde(default)]
    pub travel: TravelSection,
}

impl CampaignSection {
    fn default_lead() -> u32 {
        5
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SizeSection {
    pub units: Option<u32>,
    pub team_days: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageSection {
    /// 0: no periodic rule.
    #[serde(default = "CoverageSection::default_every")]
    pub every_years: u32,
    #[serde(default = "CoverageSection::default_gap")]
    pub min_gap_months: u32,
    #[serde(default = "CoverageSection::default_share")]
    pub random_share: f64,
}

impl CoverageSection {
    fn default_every() -> u32 {
        5
    }
    fn default_gap() -> u32 {
        12
    }
    fn default_share() -> f64 {
        0.1
    }
}

impl Default for CoverageSection {
    fn default() -> Self {
        Self {
            every_years: Self::default_every(),
            min_gap_months: Self::default_gap(),
            random_share: Self::default_share(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlackoutSection {
    pub name: String,
    #[serde(deserialize_with = "day")]
    pub from: NaiveDate,
    #[serde(deserialize_with = "day")]
    pub to: NaiveDate,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TravelSection {
    pub speed_kmh: Option<f64>,
    pub road_factor: Option<f64>,
    pub hours_per_day: Option<f64>,
    pub max_trip_days: Option<u32>,
    pub visit_hours: Option<f64>,
}

/// Which units are candidates.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopeSection {
    /// The subtree; default the aggregator's unit.
    pub under: Option<String>,
    /// Tiers (`commune`, `agency`, `province`…); default every tier but legacy districts.
    #[serde(default)]
    pub tiers: Vec<String>,
    /// Vietnamese kinds (`Xã`, `Phường`, `Sở`…); default every kind.
    #[serde(default)]
    pub kinds: Vec<String>,
}

/// The plan document's header, signature and recipients (Decree 30/2020).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentSection {
    pub issuer_parent: Option<String>,
    /// Default: the aggregator's `[unit] name`, in capitals.
    pub issuer: Option<String>,
    pub number: Option<u32>,
    /// Default `KH-BCĐ`.
    pub symbol: Option<String>,
    /// Default: the province's name from the registry (Hà Nội for the nation).
    pub place: Option<String>,
    /// `khong_mat` (default), `mat`, `toi_mat`.
    pub classification: Option<String>,
    pub signer_authority: Option<String>,
    pub signer_title: Option<String>,
    pub signer: Option<String>,
    pub recipients: Option<Vec<String>>,
    pub archive: Option<String>,
    pub copies: Option<u32>,
    pub drafter: Option<String>,
}

/// The notices to inspected units.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeSection {
    /// Sender mailbox; default `[mail] from` of the aggregator's settings.
    pub from: Option<String>,
    /// When the working day starts, `HH:MM`; default 07:30.
    pub day_start: Option<String>,
    /// Who to call with questions (a line at the end of each notice).
    pub contact: Option<String>,
}

impl NoticeSection {
    pub fn day_start(&self) -> anyhow::Result<NaiveTime> {
        let raw = self.day_start.as_deref().unwrap_or("07:30");
        NaiveTime::parse_from_str(raw.trim(), "%H:%M")
            .map_err(|_| anyhow!("notices.day_start: `{raw}` is not a time (HH:MM)"))
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamSection {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub members: Vec<String>,
    /// Home base, WGS 84 degrees.
    pub lat: f64,
    pub lon: f64,
    /// Weekly capacity: at most this many visits (exclusive with `days_per_week`).
    pub visits_per_week: Option<u32>,
    /// Weekly capacity: at most this many days away on trips.
    pub days_per_week: Option<u32>,
}

pub(crate) fn nfc(s: &str) -> String {
    s.trim().nfc().collect()
}

impl CampaignFile {
    /// Reads and checks `path` (unknown keys refused).
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("không đọc được / cannot read {}", path.display()))?;
        let f: Self = toml::from_str(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        f.check().with_context(|| format!("{}", path.display()))?;
        Ok(f)
    }

    fn check(&self) -> anyhow::Result<()> {
        let id = &self.campaign.id;
        let ok = (1..=64).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            bail!("campaign.id `{id}`: use 1 to 64 lowercase letters, digits or '-'");
        }
        if self.campaign.name.trim().is_empty() {
            bail!("campaign.name is empty");
        }
        if self.teams.is_empty() {
            bail!("no [[teams]]: the plan needs at least one inspection team");
        }
        if self.campaign.size.units.is_some() && self.campaign.size.team_days.is_some() {
            bail!("campaign.size: give `units` or `team_days`, not both");
        }
        self.notices.day_start()?;
        self.classification()?;
        Ok(())
    }

    pub fn plan_id(&self) -> &str {
        &self.campaign.id
    }

    pub fn classification(&self) -> anyhow::Result<Classification> {
        match &self.document.classification {
            None => Ok(Classification::KhongMat),
            Some(c) => Classification::parse(c.trim()).map_err(|_| {
                anyhow!("document.classification `{c}`: khong_mat, mat, toi_mat or tuyet_mat")
            }),
        }
    }

    /// The planner's campaign, issued on `plan_date` or else `today`.
    pub fn campaign(&self, today: NaiveDate) -> anyhow::Result<Campaign> {
        let c = &self.campaign;
        let exclusions = c
            .exclusions
            .iter()
            .map(|u| UnitId::parse(u.trim()).map_err(|e| anyhow!("campaign.exclusions: {e}")))
            .collect::<anyhow::Result<BTreeSet<_>>>()?;
        let d = TravelModel::default();
        let t = &c.travel;
        let campaign = Campaign {
            name: nfc(&c.name),
            plan_date: c.plan_date.unwrap_or(today),
            start: c.start,
            end: c.end,
            size: match (c.size.units, c.size.team_days) {
                (Some(n), _) => CampaignSize::Units(n),
                (_, Some(n)) => CampaignSize::TeamDays(n),
                _ => CampaignSize::Unlimited,
            },
            coverage: Coverage {
                every_years: (c.coverage.every_years > 0).then_some(c.coverage.every_years),
                min_gap_months: c.coverage.min_gap_months,
                random_share: c.coverage.random_share,
            },
            seed: c.seed,
            exclusions,
            blackouts: c
                .blackouts
                .iter()
                .map(|b| Blackout {
                    name: nfc(&b.name),
                    from: b.from,
                    to: b.to,
                })
                .collect(),
            lead_working_days: c.lead_working_days,
            travel: TravelModel {
                speed_kmh: t.speed_kmh.unwrap_or(d.speed_kmh),
                road_factor: t.road_factor.unwrap_or(d.road_factor),
                hours_per_day: t.hours_per_day.unwrap_or(d.hours_per_day),
                max_trip_days: t.max_trip_days.unwrap_or(d.max_trip_days),
                visit_hours: t.visit_hours.unwrap_or(d.visit_hours),
            },
        };
        if campaign.plan_date > campaign.start {
            bail!(
                "campaign.plan_date {} is after the campaign starts ({}): issue the plan before",
                campaign.plan_date,
                campaign.start
            );
        }
        campaign.validate().map_err(|e| anyhow!("campaign: {e}"))?;
        Ok(campaign)
    }

    /// The teams, in the file's order.
    pub fn teams(&self) -> anyhow::Result<Vec<Team>> {
        self.teams
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let at = || format!("teams[{i}] ({})", t.id);
                let id = TeamId::parse(t.id.trim()).map_err(|e| anyhow!("{}: {e}", at()))?;
                if !(-90.0..=90.0).contains(&t.lat) || !(-180.0..=180.0).contains(&t.lon) {
                    bail!("{}: lat/lon out of range", at());
                }
                let capacity = match (t.visits_per_week, t.days_per_week) {
                    (Some(n), None) if n > 0 => WeeklyCapacity::Visits(n),
                    (None, Some(n)) if (1..=7).contains(&n) => WeeklyCapacity::Days(n),
                    _ => bail!(
                        "{}: give either visits_per_week (at least 1) or days_per_week (1 to 7)",
                        at()
                    ),
                };
                if t.name.trim().is_empty() {
                    bail!("{}: name is empty", at());
                }
                Ok(Team {
                    id,
                    name: nfc(&t.name),
                    members: t
                        .members
                        .iter()
                        .map(|m| nfc(m))
                        .filter(|m| !m.is_empty())
                        .collect(),
                    base: LatLon {
                        lat: t.lat,
                        lon: t.lon,
                    },
                    capacity,
                })
            })
            .collect()
    }
}
