//! Pure computation and rendering over BMNN reports: consolidation along the unit tree, trend
//! series and documents. Later issues fill this crate; it must never depend on actix, reqwest
//! or the database (checked in `.ci/run`).
