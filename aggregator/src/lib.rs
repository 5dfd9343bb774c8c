//! The BMNN aggregator: what a province (or the nation) runs to receive its subtree's reports.
//! Today it is the ingest service — mutual TLS, envelope verification, the subtree and peer
//! rules, idempotent storage in SQLite and signed receipts — plus the `bmnn-aggregator` command
//! line (`serve`, `status`, `demo`, `pki`), and the relay of incident reports to the next tier
//! (countersigned, through the node's outbox), the unit registry with its restructurings
//! (merge, split, rename, move; the 2025 reform's successions), and the OpenAPI document.
//! Deadlines, mail, inspection planning, consolidation and PostgreSQL come later.

pub mod app;
pub mod cli;
pub mod consolidation;
pub mod gen;
pub mod ingest;
pub mod inspection;
pub mod mail;
pub mod openapi;
pub mod registry;
pub mod relay;
pub mod reminders;
pub mod store;
pub mod tracking;
pub mod upward;
pub mod web;

pub use app::Application;
