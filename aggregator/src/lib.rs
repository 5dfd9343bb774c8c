//! The BMNN aggregator: what a province (or the nation) runs for its subtree. Up the tree:
//! the ingest service (mutual TLS, envelope verification, the subtree and peer rules,
//! idempotent storage in SQLite or PostgreSQL, signed receipts), the relay of incidents and
//! the consolidated report to the next tier through the node's outbox. Down the tree: the
//! notices it issues (reviews of received reports) or relays from its parent, pulled by its
//! children. Around them: the unit registry and its restructurings, deadlines and mail,
//! rates, the dashboard and documents, inspection planning, enrolment and renewal of the
//! units' certificates, the committee's web UI and the `bmnn-aggregator` command line.

pub mod app;
pub mod bundle;
pub mod cli;
pub mod consolidation;
pub mod decision;
pub mod downlink;
pub mod enrol;
pub mod figures;
pub mod gen;
pub mod ingest;
pub mod inspection;
pub mod mail;
pub mod openapi;
pub mod registry;
pub mod relay;
pub mod reminders;
pub mod requests;
pub mod review;
pub mod store;
pub mod tracking;
pub mod upward;
pub mod web;

pub use app::Application;
