//! Pure computation and rendering over BMNN reports: consolidation along the unit tree and the
//! first chart (today), trend series and documents (later). It must never depend on actix, reqwest or the database
//! (checked in `.ci/run`).

pub mod charts;
pub mod consolidate;
pub mod rates;
pub mod timeliness;
