//! Pure computation and rendering over BMNN reports: consolidation along the unit tree (today),
//! trend series and documents (later). It must never depend on actix, reqwest or the database
//! (checked in `.ci/run`).

pub mod consolidate;
