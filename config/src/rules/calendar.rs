//! The working calendar: the working week (`config/rules/calendar.toml`) and the public
//! holidays and swapped working days of each year (`config/rules/holidays/YYYY.toml`).
//! Swaps are decided every year, so dates come from data, never from a formula; dates that
//! were computed or are not yet officially confirmed carry `unverified = true`.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Deserialize;

/// A day off (or, in [`Calendar::swapped_workday`], a weekend day worked in exchange).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// The date.
    pub date: NaiveDate,
    /// Vietnamese name, e.g. "Tết Nguyên đán".
    pub name: String,
    /// Computed or not officially confirmed; check before relying on it.
    pub unverified: bool,
    /// Why the day is off (or worked), e.g. the decision that swapped it.
    pub note: Option<String>,
}

/// Working week, holidays and swapped working days.
#[derive(Debug, Clone)]
pub struct Calendar {
    working_week: HashSet<Weekday>,
    holidays: BTreeMap<NaiveDate, Holiday>,
    workdays: BTreeMap<NaiveDate, Holiday>,
    /// Year → where its dates come from.
    years: BTreeMap<i32, Option<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CalendarFile {
    /// Working days of the week: "mon" … "sun".
    working_week: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HolidayFile {
    year: i32,
    #[serde(default)]
    source: Option<String>,
    #[serde(default, rename = "holiday")]
    holidays: Vec<Entry>,
    #[serde(default, rename = "workday")]
    workdays: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    #[serde(default)]
    date: Option<NaiveDate>,
    #[serde(default)]
    from: Option<NaiveDate>,
    #[serde(default)]
    to: Option<NaiveDate>,
    name: String,
    #[serde(default)]
    unverified: bool,
    #[serde(default)]
    note: Option<String>,
}

impl Calendar {
    pub(super) fn new(file: CalendarFile) -> Result<Self, String> {
        let mut working_week = HashSet::new();
        for (i, d) in file.working_week.iter().enumerate() {
            let day = d.parse::<Weekday>().map_err(|_| {
                format!("working_week[{i}]: `{d}` is not a weekday; use mon, tue, wed, thu, fri, sat, sun")
            })?;
            working_week.insert(day);
        }
        if working_week.is_empty() {
            return Err("working_week: list at least one working day".into());
        }
        Ok(Self {
            working_week,
            holidays: BTreeMap::new(),
            workdays: BTreeMap::new(),
            years: BTreeMap::new(),
        })
    }

    /// Adds one year's file; errors say which entry is wrong.
    pub(super) fn add_year(&mut self, file: HolidayFile) -> Result<(), String> {
        let year = file.year;
        if self.years.insert(year, file.source.clone()).is_some() {
            return Err(format!(
                "year {year} is given by two holiday files; keep one"
            ));
        }
        for (i, e) in file.holidays.iter().enumerate() {
            for date in e.dates(&format!("holiday[{i}]"), year)? {
                let h = e.holiday(date, &format!("holiday[{i}]"))?;
                if self.holidays.insert(date, h).is_some() {
                    return Err(format!("holiday[{i}]: {date} is listed twice"));
                }
            }
        }
        for (i, e) in file.workdays.iter().enumerate() {
            for date in e.dates(&format!("workday[{i}]"), year)? {
                let what = format!("workday[{i}]");
                if self.working_week.contains(&date.weekday()) {
                    return Err(format!("{what}: {date} is already a working day; a swapped workday falls on a day off"));
                }
                if self.holidays.contains_key(&date) {
                    return Err(format!("{what}: {date} is also listed as a holiday"));
                }
                let h = e.holiday(date, &what)?;
                self.workdays.insert(date, h);
            }
        }
        Ok(())
    }

    /// Whether `date` is a working day: in the working week and not a holiday, or a weekend
    /// day worked in exchange for a bridge day off. Years without a holiday file
    /// ([`Calendar::knows_year`]) only follow the working week.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.workdays.contains_key(&date) {
            return true;
        }
        self.working_week.contains(&date.weekday()) && !self.holidays.contains_key(&date)
    }

    /// The holiday on `date`, if any.
    pub fn holiday(&self, date: NaiveDate) -> Option<&Holiday> {
        self.holidays.get(&date)
    }

    /// The swapped working day on `date` (a weekend day worked), if any.
    pub fn swapped_workday(&self, date: NaiveDate) -> Option<&Holiday> {
        self.workdays.get(&date)
    }

    /// The holidays of `year`, in date order.
    pub fn holidays_in(&self, year: i32) -> impl Iterator<Item = &Holiday> {
        self.holidays
            .values()
            .filter(move |h| h.date.year() == year)
    }

    /// Whether a holiday file for `year` is loaded.
    pub fn knows_year(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// Where the dates of `year` come from, as written in its holiday file.
    pub fn source(&self, year: i32) -> Option<&str> {
        self.years.get(&year)?.as_deref()
    }

    /// `n` working days after `date` (before it when `n < 0`). With `n == 0`, `date` itself if
    /// it is a working day, else the next working day. The result is always a working day.
    pub fn add_working_days(&self, date: NaiveDate, n: i32) -> NaiveDate {
        let step = |d: NaiveDate, back: bool| {
            if back {
                d.checked_sub_days(Days::new(1))
            } else {
                d.checked_add_days(Days::new(1))
            }
        };
        let mut d = date;
        if n == 0 {
            while !self.is_working_day(d) {
                match step(d, false) {
                    Some(next) => d = next,
                    None => break,
                }
            }
            return d;
        }
        let mut left = n.unsigned_abs();
        while left > 0 {
            match step(d, n < 0) {
                Some(next) => d = next,
                None => break,
            }
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }
}

impl Entry {
    fn dates(&self, what: &str, year: i32) -> Result<Vec<NaiveDate>, String> {
        let (from, to) = match (self.date, self.from, self.to) {
            (Some(d), None, None) => (d, d),
            (None, Some(f), Some(t)) if f <= t => (f, t),
            (None, Some(f), Some(t)) => {
                return Err(format!("{what}: `from` {f} is after `to` {t}"))
            }
            _ => return Err(format!("{what}: give either `date`, or `from` and `to`")),
        };
        if from.year() != year && to.year() != year {
            return Err(format!("{what}: {from} is not in the file's year {year}"));
        }
        Ok(from.iter_days().take_while(|d| *d <= to).collect())
    }

    fn holiday(&self, date: NaiveDate, what: &str) -> Result<Holiday, String> {
        super::check_vi(&self.name, &format!("{what}.name"))?;
        Ok(Holiday {
            date,
            name: self.name.clone(),
            unverified: self.unverified,
            note: self.note.clone(),
        })
    }
}
