//! JSON-aware mutations: the input is parsed, one node is picked and edited (replaced by an
//! edge-case scalar or another node's value, a string or number changed, a member or element
//! removed or added, an array grown past its bound, the node nested hundreds deep), then the
//! document is written back. Tokens a `Value` cannot hold (huge or negative-zero numbers,
//! lone surrogate escapes, invalid UTF-8, duplicate keys) go in as raw text through a
//! placeholder. Input that is not JSON gets a raw token inserted instead.

use serde_json::{Map, Value};

use crate::rng::Rng;

/// Stands for a raw token in the written document (serde_json escapes it as `\u0001`).
const PLACEHOLDER: &str = "\u{1}fuzz-raw\u{1}";
const PLACEHOLDER_JSON: &[u8] = b"\"\\u0001fuzz-raw\\u0001\"";

/// Raw tokens: numbers out of range or at the edges, escapes, invalid UTF-8 inside strings.
const RAW: &[&[u8]] = &[
    b"1e999",
    b"-1e999",
    b"-0",
    b"0.0000000000000000000000000000000000000001e-400",
    b"18446744073709551616",
    b"-9223372036854775809",
    b"9007199254740993",
    b"123456789012345678901234567890123456789012345678901234567890",
    b"00",
    b"1.",
    b"NaN",
    b"\"\\ud800\"",
    b"\"\\udc00\\ud800\"",
    b"\"\\u0000\"",
    b"\"\xff\xfe\"",
    b"\"\xc3\x28\"",
    b"\"\xc0\xaf\"",
    b"\"\xed\xa0\x80\"",
    b"\"a\tb\"",
    b"[",
    b"{}",
    b"[]",
];

/// Strings that mean something to the decoders (units, dates, digests, kinds, base64).
const STRINGS: &[&str] = &[
    "",
    " ",
    "VN",
    "75",
    "75.26041",
    "75.26041.1",
    "TW",
    "2026",
    "2026-Q4",
    "2026-12",
    "2026-02-30",
    "2026-12-05T09:30:00+07:00",
    "9999-12-31T23:59:60+14:00",
    "bmnn/1",
    "bmnn/2",
    "sha256:",
    "AAAA",
    "====",
    "review",
    "trust",
    "request",
    "directive",
    "rule_pack",
    "Tối mật",
    "Tuyệt mật",
    "e\u{301}",
    "\u{202e}",
    "\u{feff}",
    "\u{0}",
];

/// One JSON-aware mutation of `input` (a raw token insertion when it is not JSON).
pub fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let Ok(mut doc) = serde_json::from_slice::<Value>(input) else {
        return insert_raw(rng, input);
    };
    let pool = strings_of(&doc);
    let donor = nth_mut(&mut doc.clone(), &mut rng.below(count(&doc)))
        .cloned()
        .unwrap_or(Value::Null);
    let mut raw: Option<Vec<u8>> = None;
    let at = rng.below(count(&doc));
    if let Some(node) = nth_mut(&mut doc, &mut at.clone()) {
        edit(rng, node, donor, &pool, &mut raw);
    }
    let out = serde_json::to_vec(&doc).unwrap_or_default();
    match raw {
        Some(token) => replace_first(&out, PLACEHOLDER_JSON, &token),
        None => out,
    }
}

/// Edits one node in place; may ask for a raw token in `raw`.
fn edit(rng: &mut Rng, node: &mut Value, donor: Value, pool: &[String], raw: &mut Option<Vec<u8>>) {
    match rng.below(10) {
        0 => *node = scalar(rng, pool),
        1 => {
            *raw = Some(rng.pick(RAW).to_vec());
            *node = Value::String(PLACEHOLDER.into());
        }
        2 => *node = donor,
        3 => *node = nest(rng, std::mem::take(node)),
        4 => {
            let n = 1 + rng.below(100_000);
            let unit = rng.pick(&["a", "Mật ", "ệ", "\\", "0"]).to_string();
            *node = Value::String(unit.repeat(n));
        }
        _ => match node {
            Value::String(s) => edit_string(rng, s),
            Value::Number(_) => *node = number(rng),
            Value::Array(a) => edit_array(rng, a),
            Value::Object(o) => edit_object(rng, o, pool, raw),
            _ => *node = scalar(rng, pool),
        },
    }
}

fn scalar(rng: &mut Rng, pool: &[String]) -> Value {
    match rng.below(6) {
        0 => Value::Null,
        1 => Value::Bool(rng.one_in(2)),
        2 => number(rng),
        3 if !pool.is_empty() => Value::String(rng.pick(pool).clone()),
        _ => Value::String(rng.pick(STRINGS).to_string()),
    }
}

fn number(rng: &mut Rng) -> Value {
    let n: i64 = match rng.below(6) {
        0 => 0,
        1 => -1,
        2 => i64::MAX,
        3 => i64::MIN,
        4 => rng.below(1000) as i64,
        _ => rng.next_u64() as i64,
    };
    match rng.below(4) {
        0 => Value::from(u64::MAX),
        1 => Value::from(n as f64 * 0.5),
        _ => Value::from(n),
    }
}

fn nest(rng: &mut Rng, inner: Value) -> Value {
    let depth = 1 + rng.small_len(300);
    let as_object = rng.one_in(2);
    (0..depth).fold(inner, |v, _| {
        if as_object {
            let mut m = Map::new();
            m.insert("a".into(), v);
            Value::Object(m)
        } else {
            Value::Array(vec![v])
        }
    })
}

fn edit_string(rng: &mut Rng, s: &mut String) {
    let mut chars: Vec<char> = s.chars().collect();
    let at = rng.below(chars.len() + 1);
    match rng.below(5) {
        0 => chars.truncate(at),
        1 => {
            let c = *rng.pick(&[
                '0', '9', '.', '-', ':', '/', '+', 'Z', 'ệ', '\u{301}', '\0', '=',
            ]);
            chars.insert(at, c);
        }
        2 if !chars.is_empty() => {
            let i = rng.below(chars.len());
            chars.remove(i);
        }
        3 => chars.iter_mut().for_each(|c| *c = c.to_ascii_uppercase()),
        _ => {
            let tail: Vec<char> = chars[at..].to_vec();
            chars.extend(tail);
        }
    }
    *s = chars.into_iter().collect();
}

fn edit_array(rng: &mut Rng, a: &mut Vec<Value>) {
    match rng.below(4) {
        0 if !a.is_empty() => {
            let i = rng.below(a.len());
            a.remove(i);
        }
        1 if !a.is_empty() => {
            let item = rng.pick(a).clone();
            let times = 1 + rng.small_len(200);
            a.extend(std::iter::repeat_n(item, times));
        }
        2 => a.clear(),
        _ => a.push(Value::Null),
    }
}

fn edit_object(
    rng: &mut Rng,
    o: &mut Map<String, Value>,
    pool: &[String],
    raw: &mut Option<Vec<u8>>,
) {
    let keys: Vec<String> = o.keys().cloned().collect();
    match rng.below(4) {
        0 if !keys.is_empty() => {
            o.shift_remove(rng.pick(&keys));
        }
        1 if !keys.is_empty() && raw.is_none() => {
            // A duplicate key: the placeholder member is renamed to an existing one.
            let key = rng.pick(&keys).clone();
            let value = o.get(&key).cloned().unwrap_or(Value::Null);
            o.insert(PLACEHOLDER.into(), value);
            *raw = Some(serde_json::to_vec(&Value::String(key)).unwrap_or_default());
        }
        2 => o.clear(),
        _ => {
            let key = if pool.is_empty() || rng.one_in(2) {
                rng.pick(STRINGS).to_string()
            } else {
                rng.pick(pool).clone()
            };
            o.insert(key, scalar(rng, pool));
        }
    }
}

/// Replaces the first `from` in `text` with `to` (the placeholder of a value or of a key).
fn replace_first(text: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    match text.windows(from.len()).position(|w| w == from) {
        Some(i) => [&text[..i], to, &text[i + from.len()..]].concat(),
        None => text.to_vec(),
    }
}

/// A raw token inserted at a random place of a non-JSON input.
fn insert_raw(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let at = rng.below(input.len() + 1);
    [&input[..at], *rng.pick(RAW), &input[at..]].concat()
}

fn count(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count).sum(),
        Value::Object(o) => o.values().map(count).sum(),
        _ => 0,
    }
}

/// The `n`th node in pre-order.
fn nth_mut<'a>(v: &'a mut Value, n: &mut usize) -> Option<&'a mut Value> {
    if *n == 0 {
        return Some(v);
    }
    *n -= 1;
    match v {
        Value::Array(a) => a.iter_mut().find_map(|x| nth_mut(x, n)),
        Value::Object(o) => o.values_mut().find_map(|x| nth_mut(x, n)),
        _ => None,
    }
}

/// Every string value and key of the document, to move between fields (at most 256).
fn strings_of(v: &Value) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) if s.len() < 4096 => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(o) => o.iter().for_each(|(k, x)| {
                out.push(k.clone());
                walk(x, out)
            }),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, &mut out);
    out.truncate(256);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_keep_most_documents_json_and_reach_raw_tokens() {
        let doc = br#"{"body":{"unit":"75.26041","n":[1,2,3]},"signatures":["a.b.c"]}"#;
        let mut rng = Rng::new(1);
        let out: Vec<Vec<u8>> = (0..2000).map(|_| mutate(&mut rng, doc)).collect();
        let json = out
            .iter()
            .filter(|o| serde_json::from_slice::<Value>(o).is_ok())
            .count();
        assert!(json > 1000, "{json} of 2000 still JSON");
        assert!(out.iter().any(|o| o.windows(5).any(|w| w == b"1e999")));
        assert!(out.iter().all(|o| !o.windows(8).any(|w| w == b"fuzz-raw")));
    }
}
