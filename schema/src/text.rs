//! Bounded, NFC-normalised text and bounded lists: every string and list on the wire has a
//! size limit, and every string is Unicode NFC (decomposed Vietnamese renders accents on the
//! wrong letters and compares unequal).

use std::borrow::Cow;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::FieldError;

/// Normalises to NFC, trims, and checks length and characters.
fn parse_text(raw: &str, max: usize, multiline: bool) -> Result<String, FieldError> {
    let s: String = raw.nfc().collect();
    let s = s.trim().to_string();
    let n = s.chars().count();
    if n > max {
        return Err(FieldError::new(
            "",
            format!("text is {n} characters long; the limit is {max}"),
        ));
    }
    if let Some(c) = s
        .chars()
        .find(|&c| c.is_control() && !(multiline && (c == '\n' || c == '\t' || c == '\r')))
    {
        return Err(FieldError::new(
            "",
            format!("text contains the control character U+{:04X}", c as u32),
        ));
    }
    Ok(s)
}

macro_rules! bounded_text {
    ($(#[$m:meta])* $name:ident, $multiline:expr, $label:literal) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
        #[serde(transparent)]
        pub struct $name<const MAX: usize>(String);

        impl<const MAX: usize> $name<MAX> {
            /// NFC-normalises and trims `raw`, then checks its length and characters.
            pub fn parse(raw: &str) -> Result<Self, FieldError> {
                parse_text(raw, MAX, $multiline).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl<const MAX: usize> std::fmt::Display for $name<MAX> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de, const MAX: usize> Deserialize<'de> for $name<MAX> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }

        impl<const MAX: usize> JsonSchema for $name<MAX> {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                format!("{}{}", $label, MAX).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", "maxLength": MAX })
            }
        }
    };
}

bounded_text!(
    /// Free text of at most `MAX` characters; newlines and tabs allowed.
    Text, true, "Text"
);
bounded_text!(
    /// A single line of at most `MAX` characters (names, titles, references).
    Line, false, "Line"
);

/// A list of at most `MAX` items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct BoundedVec<T, const MAX: usize>(Vec<T>);

impl<T, const MAX: usize> BoundedVec<T, MAX> {
    pub fn parse(items: Vec<T>) -> Result<Self, FieldError> {
        if items.len() > MAX {
            return Err(FieldError::new(
                "",
                format!("list has {} items; the limit is {MAX}", items.len()),
            ));
        }
        Ok(Self(items))
    }

    pub fn empty() -> Self {
        Self(Vec::new())
    }

    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }
}

impl<T, const MAX: usize> Default for BoundedVec<T, MAX> {
    fn default() -> Self {
        Self::empty()
    }
}

impl<'a, T, const MAX: usize> IntoIterator for &'a BoundedVec<T, MAX> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<'de, T: Deserialize<'de>, const MAX: usize> Deserialize<'de> for BoundedVec<T, MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T, const MAX: usize>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>, const MAX: usize> serde::de::Visitor<'de> for V<T, MAX> {
            type Value = BoundedVec<T, MAX>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "a list of at most {MAX} items")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(item) = seq.next_element()? {
                    if out.len() == MAX {
                        return Err(serde::de::Error::custom(format!(
                            "list has more than {MAX} items"
                        )));
                    }
                    out.push(item);
                }
                Ok(BoundedVec(out))
            }
        }
        d.deserialize_seq(V::<T, MAX>(std::marker::PhantomData))
    }
}

impl<T: JsonSchema, const MAX: usize> JsonSchema for BoundedVec<T, MAX> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        format!("BoundedVec_{}_{}", T::schema_name(), MAX).into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "array", "items": g.subschema_for::<T>(), "maxItems": MAX })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_normalised_to_nfc() {
        // "Mật" written with a combining dot below and circumflex (NFD).
        let nfd = "M\u{0061}\u{0323}\u{0302}t";
        let t = Text::<10>::parse(nfd).unwrap();
        assert_eq!(t.as_str(), "Mật");
    }

    #[test]
    fn text_over_limit_is_rejected() {
        let e = Text::<3>::parse("abcd").unwrap_err();
        assert!(e.reason().contains("limit is 3"), "{e}");
    }

    #[test]
    fn line_rejects_newline_and_text_accepts_it() {
        assert!(Line::<10>::parse("a\nb").is_err());
        assert_eq!(Text::<10>::parse("a\nb").unwrap().as_str(), "a\nb");
    }

    #[test]
    fn list_over_limit_is_rejected_while_decoding() {
        let e = serde_json::from_str::<BoundedVec<u8, 2>>("[1,2,3]").unwrap_err();
        assert!(e.to_string().contains("more than 2"), "{e}");
    }
}
