//! Making the next input: a seed (or an input kept for new behaviour) changed by one to four
//! mutations, byte-level or JSON-aware, or a fully random input.
//!
//! Byte-level mutations: bit flip, random byte, insert random bytes, delete a range, duplicate
//! a range, truncate, splice with another corpus entry, insert a token that matters to JSON or
//! PEM (quotes, brackets, escapes, invalid UTF-8). JSON-aware ones are in [`crate::json`].

use crate::json;
use crate::rng::Rng;

/// Largest input the mutators produce (bundles grow by splicing and duplication).
pub const MAX_INPUT: usize = 1 << 20;

/// Tokens worth inserting anywhere: JSON structure, escapes, invalid UTF-8, PEM armour.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"null",
    b"\\u0000",
    b"\\ud800",
    b"\\udfff\\ud800",
    b"1e999",
    b"-0",
    b"18446744073709551616",
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\x00",
    b"\r\n",
    b"=",
    b"-----BEGIN CERTIFICATE REQUEST-----\n",
    b"-----END CERTIFICATE REQUEST-----\n",
    b".",
    b"sha256:",
];

/// The next input to try, from the corpus (whose first `seeds` entries are the seeds, drawn
/// half of the time so the valid objects stay the main starting point) and the generator.
pub fn next_input(rng: &mut Rng, corpus: &[Vec<u8>], seeds: usize) -> Vec<u8> {
    if corpus.is_empty() || rng.one_in(16) {
        return random_input(rng);
    }
    let mut input = if seeds > 0 && rng.one_in(2) {
        corpus[rng.below(seeds.min(corpus.len()))].clone()
    } else {
        rng.pick(corpus).clone()
    };
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        input = if rng.one_in(2) {
            json::mutate(rng, &input)
        } else {
            mutate_bytes(rng, input, corpus)
        };
        input.truncate(MAX_INPUT);
    }
    input
}

/// Fully random bytes, or random JSON-looking token soup.
pub fn random_input(rng: &mut Rng) -> Vec<u8> {
    let n = rng.small_len(4096);
    if rng.one_in(2) {
        return rng.bytes(n);
    }
    let mut out = Vec::new();
    for _ in 0..n.min(256) {
        if rng.one_in(3) {
            out.push(b'a' + rng.below(26) as u8);
        } else {
            let token: &[u8] = TOKENS[rng.below(TOKENS.len())];
            out.extend_from_slice(token);
        }
    }
    out
}

/// One byte-level mutation of `input`.
pub fn mutate_bytes(rng: &mut Rng, mut input: Vec<u8>, corpus: &[Vec<u8>]) -> Vec<u8> {
    let len = input.len();
    let at = rng.below(len + 1);
    match rng.below(9) {
        0 if len > 0 => {
            let i = rng.below(len);
            input[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            input[i] = rng.byte();
        }
        2 => {
            let n = rng.small_len(64);
            let bytes = rng.bytes(n);
            input.splice(at..at, bytes);
        }
        3 if len > 0 => {
            let n = rng.small_len(len - at.min(len));
            input.drain(at.min(len)..(at + n).min(len));
        }
        4 if len > 0 => {
            let start = rng.below(len);
            let n = rng.small_len(len - start).max(1).min(len - start);
            let piece = input[start..start + n].to_vec();
            let times = if rng.one_in(8) { 1 + rng.below(64) } else { 1 };
            let to = rng.below(len + 1);
            for _ in 0..times {
                input.splice(to..to, piece.iter().copied());
            }
        }
        5 => input.truncate(at),
        6 => {
            let other = rng.pick(corpus).clone();
            return splice(rng, &input, &other);
        }
        _ => {
            let token = rng.pick(TOKENS);
            input.splice(at..at, token.iter().copied());
        }
    }
    input
}

/// The head of `a` up to a random point, then the tail of `b` from a random point.
fn splice(rng: &mut Rng, a: &[u8], b: &[u8]) -> Vec<u8> {
    let cut_a = rng.below(a.len() + 1);
    let cut_b = rng.below(b.len() + 1);
    let mut out = a[..cut_a].to_vec();
    out.extend_from_slice(&b[cut_b..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_deterministic_and_bounded() {
        let corpus = vec![br#"{"a":[1,2,{"b":"c"}]}"#.to_vec(), b"xyz".to_vec()];
        let run = |seed| {
            let mut rng = Rng::new(seed);
            (0..500)
                .map(|_| next_input(&mut rng, &corpus, 1))
                .collect::<Vec<_>>()
        };
        let a = run(3);
        assert_eq!(a, run(3));
        assert!(a.iter().all(|i| i.len() <= MAX_INPUT));
        assert!(a.iter().any(|i| i != &corpus[0] && i != &corpus[1]));
    }
}
