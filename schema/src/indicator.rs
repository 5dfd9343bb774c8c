//! Indicator codes and values. Which indicators a form has, with labels, units and bounds, is
//! rule-pack data (crate `config`); the contract only fixes their shape.

use std::borrow::Cow;
use std::fmt;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::FieldError;

const MAX_CODE: usize = 48;
/// Indicator values are counts: non-negative integers below 10^12.
pub const MAX_INDICATOR_VALUE: i64 = 999_999_999_999;

/// `^[a-z][a-z0-9_]{0,47}$`, e.g. `so_vu_lo_mat`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IndicatorCode(String);

impl IndicatorCode {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let b = raw.as_bytes();
        let ok = !b.is_empty()
            && b.len() <= MAX_CODE
            && b[0].is_ascii_lowercase()
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_');
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(FieldError::new(
                "",
                format!("invalid indicator code `{raw}`: use 1-{MAX_CODE} lowercase ASCII letters, digits and _, starting with a letter"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IndicatorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for IndicatorCode {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<IndicatorCode> for String {
    fn from(c: IndicatorCode) -> String {
        c.0
    }
}

impl JsonSchema for IndicatorCode {
    fn schema_name() -> Cow<'static, str> {
        "IndicatorCode".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "pattern": "^[a-z][a-z0-9_]{0,47}$" })
    }
}

/// A count reported for one indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct IndicatorValue(i64);

impl IndicatorValue {
    pub fn parse(v: i64) -> Result<Self, FieldError> {
        if (0..=MAX_INDICATOR_VALUE).contains(&v) {
            Ok(Self(v))
        } else {
            Err(FieldError::new(
                "",
                format!("indicator value {v} is outside 0..={MAX_INDICATOR_VALUE}"),
            ))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for IndicatorValue {
    type Error = FieldError;
    fn try_from(v: i64) -> Result<Self, FieldError> {
        Self::parse(v)
    }
}

impl From<IndicatorValue> for i64 {
    fn from(v: IndicatorValue) -> i64 {
        v.0
    }
}

impl JsonSchema for IndicatorValue {
    fn schema_name() -> Cow<'static, str> {
        "IndicatorValue".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "integer", "minimum": 0, "maximum": MAX_INDICATOR_VALUE })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicator_code_rejects_uppercase_and_leading_digit() {
        assert!(IndicatorCode::parse("so_vu_lo_mat").is_ok());
        for bad in ["", "So", "1x", "a-b", &"a".repeat(49)] {
            assert!(IndicatorCode::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn indicator_value_rejects_negative_counts() {
        assert!(IndicatorValue::parse(-1).is_err());
        assert!(serde_json::from_str::<IndicatorValue>("-3").is_err());
        assert_eq!(IndicatorValue::parse(7).unwrap().get(), 7);
    }
}
