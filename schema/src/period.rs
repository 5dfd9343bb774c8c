//! Reporting periods. The annual period `2025` runs 15 Dec 2024 – 14 Dec 2025 (Decree 26/2020
//! art. 8); a five-year review period `2021-2025` spans five annual periods.

use std::borrow::Cow;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::FieldError;

const MIN_YEAR: i32 = 2000;
const MAX_YEAR: i32 = 2100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ReportingPeriod {
    /// The annual period ending 14 Dec of the year.
    Annual(i32),
    /// The five-year review ending 14 Dec of the year.
    FiveYear(i32),
}

impl ReportingPeriod {
    /// Parses `2025` (annual) or `2021-2025` (five-year).
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let bad =
            |why: &str| FieldError::new("", format!("invalid reporting period `{raw}`: {why}"));
        let year = |s: &str| -> Result<i32, FieldError> {
            let y: i32 = s.parse().ok().filter(|_| s.len() == 4).ok_or_else(|| {
                bad("expected a 4-digit year such as 2025 or a range such as 2021-2025")
            })?;
            if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
                return Err(bad(&format!(
                    "year must be between {MIN_YEAR} and {MAX_YEAR}"
                )));
            }
            Ok(y)
        };
        match raw.split_once('-') {
            None => Ok(Self::Annual(year(raw)?)),
            Some((a, b)) => {
                let (a, b) = (year(a)?, year(b)?);
                if b - a != 4 {
                    return Err(bad(
                        "a five-year period spans exactly five years, e.g. 2021-2025",
                    ));
                }
                Ok(Self::FiveYear(b))
            }
        }
    }

    /// The annual period whose data range contains `date`.
    pub fn annual_containing(date: NaiveDate) -> Self {
        let y = date.year();
        if (date.month(), date.day()) >= (12, 15) {
            Self::Annual(y + 1)
        } else {
            Self::Annual(y)
        }
    }

    pub fn end_year(self) -> i32 {
        match self {
            Self::Annual(y) | Self::FiveYear(y) => y,
        }
    }

    /// First day of data (inclusive).
    pub fn start(self) -> NaiveDate {
        let first = match self {
            Self::Annual(y) => y - 1,
            Self::FiveYear(y) => y - 5,
        };
        NaiveDate::from_ymd_opt(first, 12, 15).expect("15 Dec exists")
    }

    /// Last day of data (inclusive), 14 Dec.
    pub fn end(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.end_year(), 12, 14).expect("14 Dec exists")
    }

    pub fn contains(self, d: NaiveDate) -> bool {
        self.start() <= d && d <= self.end()
    }
}

impl fmt::Display for ReportingPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Annual(y) => write!(f, "{y}"),
            Self::FiveYear(y) => write!(f, "{}-{y}", y - 4),
        }
    }
}

impl TryFrom<String> for ReportingPeriod {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<ReportingPeriod> for String {
    fn from(p: ReportingPeriod) -> String {
        p.to_string()
    }
}

impl JsonSchema for ReportingPeriod {
    fn schema_name() -> Cow<'static, str> {
        "ReportingPeriod".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}(-[0-9]{4})?$",
            "description": "Annual period `2025` (15 Dec 2024 - 14 Dec 2025) or five-year review `2021-2025`."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn annual_period_runs_15_dec_to_14_dec() {
        let p = ReportingPeriod::parse("2025").unwrap();
        assert_eq!(p.start(), d(2024, 12, 15));
        assert_eq!(p.end(), d(2025, 12, 14));
        assert_eq!(ReportingPeriod::annual_containing(d(2025, 12, 14)), p);
        assert_eq!(
            ReportingPeriod::annual_containing(d(2025, 12, 15)),
            ReportingPeriod::Annual(2026)
        );
    }

    #[test]
    fn five_year_period_spans_five_years() {
        let p = ReportingPeriod::parse("2021-2025").unwrap();
        assert_eq!(p.start(), d(2020, 12, 15));
        assert_eq!(p.to_string(), "2021-2025");
        assert!(ReportingPeriod::parse("2021-2024").is_err());
    }

    #[test]
    fn period_rejects_non_years() {
        for bad in ["25", "20x5", "1999", "2025-", ""] {
            assert!(ReportingPeriod::parse(bad).is_err(), "{bad}");
        }
    }
}
