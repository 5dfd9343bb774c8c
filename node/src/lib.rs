//! The BMNN node: what a reporting unit runs. It keeps drafts and its own history in SQLite,
//! signs what the head approves, keeps a durable outbox that it pushes up its mTLS link(s), and
//! stores the signed receipts it gets back; down the same links it pulls the notices its
//! parents send (reviews of its reports, and later requests, directives and trust updates).
//! The aggregator reuses this crate for its own upstream link.

pub mod app;
pub mod auth;
pub mod bundle;
pub mod cli;
pub mod db;
pub mod enrol;
pub mod forms;
pub mod identity;
pub mod puller;
pub mod pusher;
pub mod queue;
pub mod renew;
pub mod rulebook;
pub mod tls;
pub mod trust;
pub mod upstream;
pub mod web;
