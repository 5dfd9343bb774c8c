//! The BMNN domain and wire contract: unit ids, tiers, periods, classification levels, the
//! violation taxonomy, report payloads, signed envelopes and receipts, their canonical
//! encoding and their validation. No I/O lives here: no files, no sockets, no database.

mod error;
mod text;
mod unit;

pub use error::{FieldError, FieldErrors};
pub use text::{BoundedVec, Line, Text};
pub use unit::{Tier, UnitId};
