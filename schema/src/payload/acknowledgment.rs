//! The `acknowledgment` payload: a unit confirms it received a directive (đã nhận) and, where
//! the directive asks, that it made it known to its staff (đã quán triệt: the date and how
//! many took part). The submission's `in_reply_to` names the directive.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{FieldError, FieldErrors, Text};

/// Most participants one dissemination may report.
pub const MAX_PARTICIPANTS: u32 = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Acknowledgment {
    pub received_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disseminated_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participants: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text<2_000>>,
}

impl Acknowledgment {
    pub(crate) fn validate(&self, errs: &mut FieldErrors) {
        if self.disseminated_on.is_some_and(|d| d < self.received_on) {
            errs.push(FieldError::new(
                "disseminated_on",
                "is before the directive was received",
            ));
        }
        if self.disseminated_on.is_some() != self.participants.is_some() {
            errs.push(FieldError::new(
                "participants",
                "a dissemination gives both its date and its participants",
            ));
        }
        if self
            .participants
            .is_some_and(|n| n == 0 || n > MAX_PARTICIPANTS)
        {
            errs.push(FieldError::new(
                "participants",
                format!("must be between 1 and {MAX_PARTICIPANTS}"),
            ));
        }
    }
}
