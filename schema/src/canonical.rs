//! The canonical encoding: RFC 8785 (JSON Canonicalization Scheme). Object members sorted by
//! their UTF-16 code units, no insignificant whitespace, strings escaped minimally, numbers in
//! ECMAScript form. Every signature and digest in the protocol is over these bytes.

use serde::Serialize;
use serde_json::Value;

use crate::FieldError;

/// Canonical bytes of any serialisable value.
pub fn to_canonical<T: Serialize + ?Sized>(v: &T) -> Result<Vec<u8>, FieldError> {
    let value =
        serde_json::to_value(v).map_err(|e| FieldError::new("", format!("cannot encode: {e}")))?;
    Ok(canonical_value(&value))
}

/// Canonical bytes of a JSON value.
pub fn canonical_value(v: &Value) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    write_value(&mut out, v);
    out
}

fn write_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(n) => write_number(out, n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push(b'{');
            for (i, (k, val)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(out, k);
                out.push(b':');
                write_value(out, val);
            }
            out.push(b'}');
        }
    }
}

fn write_number(out: &mut Vec<u8>, n: &serde_json::Number) {
    if let Some(i) = n.as_i64() {
        out.extend_from_slice(i.to_string().as_bytes());
    } else if let Some(u) = n.as_u64() {
        out.extend_from_slice(u.to_string().as_bytes());
    } else {
        let f = n.as_f64().unwrap_or(0.0);
        // serde_json never holds NaN or infinities; ECMAScript prints -0 as 0.
        let f = if f == 0.0 { 0.0 } else { f };
        let mut buf = ryu_js::Buffer::new();
        out.extend_from_slice(buf.format_finite(f).as_bytes());
    }
}

fn write_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes())
            }
            c => {
                let mut b = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn rfc8785_sorts_keys_by_utf16_and_strips_whitespace() {
        // From RFC 8785 §3.2.3: keys sorted by UTF-16 code units ("\u{10000}" sorts before "\u{FB33}").
        let v = json!({"\u{FB33}": 1, "\u{10000}": 2, "b": [1, {"z": null, "a": true}], "a": "x"});
        let s = String::from_utf8(canonical_value(&v)).unwrap();
        assert_eq!(
            s,
            "{\"a\":\"x\",\"b\":[1,{\"a\":true,\"z\":null}],\"\u{10000}\":2,\"\u{FB33}\":1}"
        );
    }

    #[test]
    fn rfc8785_numbers_use_ecmascript_form() {
        let v: Value =
            serde_json::from_str("[1E30, 4.50, 2e-3, 0.000001, -0.0, 1e21, 123456789012]").unwrap();
        let s = String::from_utf8(canonical_value(&v)).unwrap();
        assert_eq!(s, "[1e+30,4.5,0.002,0.000001,0,1e+21,123456789012]");
    }

    #[test]
    fn rfc8785_escapes_only_what_it_must() {
        let v = json!("\u{1}\n\"\\/\u{7f}Mật");
        assert_eq!(
            String::from_utf8(canonical_value(&v)).unwrap(),
            "\"\\u0001\\n\\\"\\\\/\u{7f}Mật\""
        );
    }

    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|i| json!(i)),
            // Integral floats print as integers (RFC 8785) and come back as integers.
            (-1e15f64..1e15)
                .prop_filter("non-integral", |f| f.fract() != 0.0)
                .prop_map(|f| json!(f)),
            "\\PC{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("\\PC{0,6}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn decode_of_encode_is_identity(v in arb_json()) {
            let bytes = canonical_value(&v);
            let back: Value = serde_json::from_slice(&bytes).unwrap();
            prop_assert_eq!(&back, &v);
            // and encoding is idempotent: the canonical form of the canonical form is itself
            prop_assert_eq!(canonical_value(&back), bytes);
        }
    }
}
