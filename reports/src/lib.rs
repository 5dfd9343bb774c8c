//! Pure computation and rendering over BMNN reports: consolidation along the unit tree,
//! timeliness, charts, tables (CSV, XLSX), official documents (DOCX, HTML) and the provincial
//! or national report built from a consolidated report. It must never depend on actix, reqwest
//! or the database (checked in `.ci/run`). Inspection planning (`planning`: risk scores,
//! campaign selection, scheduling onto teams, iCalendar) is pure too.

pub mod charts;
pub mod consolidate;
pub mod document;
pub mod figures;
pub mod planning;
pub mod rates;
pub mod report;
pub mod table;
pub mod timeliness;
