//! Vietnamese collation: a sort key that orders names the way a Vietnamese reader expects,
//! which byte or code-point order does not (it puts `Đ` after `Z` and `Ă` after `A`-words).
//!
//! The key has three levels, compared in order over the whole string:
//! 1. **Base letters** in the Vietnamese alphabet: `a ă â b c d đ e ê g h i k l m n o ô ơ p q
//!    r s t u ư v x y`. The Latin letters outside that alphabet (`f j w z`, found in foreign
//!    names) sit where Latin puts them (`f` after `ê`, `j` after `i`, `w` after `v`, `z` after
//!    `y`). Letter case is ignored at this level. Spaces and punctuation sort before digits,
//!    digits before letters; any other character sorts after `z` by code point.
//! 2. **Tones**, per letter, in the dictionary order used by the Vietnamese dictionaries and
//!    by CLDR's `vi` tailoring: none (ngang) < huyền (`à`) < hỏi (`ả`) < ngã (`ã`) < sắc (`á`)
//!    < nặng (`ạ`).
//! 3. **Case**: lower case before upper case; then the NFC string itself, so the order is total
//!    and consistent with `Eq`.
//!
//! Input is normalised to NFD internally, so NFC and decomposed input give the same key.

use std::cmp::Ordering;

use unicode_normalization::UnicodeNormalization;

/// Primary weight of the separator class (space, punctuation).
const W_SEPARATOR: u32 = 1;
/// Digits start here (`0` = 10).
const W_DIGIT: u32 = 10;
/// Letters start here.
const W_LETTER: u32 = 100;
/// Characters outside the alphabet start here, offset by their code point.
const W_OTHER: u32 = 1_000;

/// The Vietnamese alphabet with the foreign Latin letters slotted in, as (letter, modifier).
/// Modifier: 0 none, 1 breve, 2 circumflex, 3 horn, 4 stroke (đ).
const ALPHABET: &[(char, u8)] = &[
    ('a', 0),
    ('a', 1),
    ('a', 2),
    ('b', 0),
    ('c', 0),
    ('d', 0),
    ('d', 4),
    ('e', 0),
    ('e', 2),
    ('f', 0),
    ('g', 0),
    ('h', 0),
    ('i', 0),
    ('j', 0),
    ('k', 0),
    ('l', 0),
    ('m', 0),
    ('n', 0),
    ('o', 0),
    ('o', 2),
    ('o', 3),
    ('p', 0),
    ('q', 0),
    ('r', 0),
    ('s', 0),
    ('t', 0),
    ('u', 0),
    ('u', 3),
    ('v', 0),
    ('w', 0),
    ('x', 0),
    ('y', 0),
    ('z', 0),
];

/// The sort key of one string; compare keys with `Ord`. Build it with [`vi_sort_key`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ViSortKey {
    primary: Vec<u32>,
    tones: Vec<u8>,
    case: Vec<u8>,
    nfc: String,
}

/// Tone rank of a combining mark, if it is one of the five tone marks.
fn tone_of(mark: char) -> Option<u8> {
    match mark {
        '\u{0300}' => Some(1), // huyền
        '\u{0309}' => Some(2), // hỏi
        '\u{0303}' => Some(3), // ngã
        '\u{0301}' => Some(4), // sắc
        '\u{0323}' => Some(5), // nặng
        _ => None,
    }
}

/// Letter modifier of a combining mark (breve, circumflex, horn).
fn modifier_of(mark: char) -> Option<u8> {
    match mark {
        '\u{0306}' => Some(1),
        '\u{0302}' => Some(2),
        '\u{031B}' => Some(3),
        _ => None,
    }
}

fn letter_weight(base: char, modifier: u8) -> u32 {
    match ALPHABET
        .iter()
        .position(|&(c, m)| c == base && m == modifier)
    {
        Some(i) => W_LETTER + i as u32,
        // A modifier the alphabet does not know on this letter: weigh the bare letter, just
        // after it, so the string still sorts near its neighbours.
        None => match ALPHABET.iter().position(|&(c, m)| c == base && m == 0) {
            Some(i) => W_LETTER + i as u32,
            None => W_OTHER + base as u32,
        },
    }
}

/// Builds the collation key of `name` (see the module doc for the order).
pub fn vi_sort_key(name: &str) -> ViSortKey {
    let mut primary = Vec::new();
    let mut tones = Vec::new();
    let mut case = Vec::new();
    // One pending letter: its base, modifier and tone are completed by the marks after it.
    let mut pending: Option<(char, u8, u8, u8)> = None;
    let flush = |p: &mut Option<(char, u8, u8, u8)>,
                 primary: &mut Vec<u32>,
                 tones: &mut Vec<u8>,
                 case: &mut Vec<u8>| {
        if let Some((base, modifier, tone, upper)) = p.take() {
            primary.push(letter_weight(base, modifier));
            tones.push(tone);
            case.push(upper);
        }
    };
    for ch in name.nfd() {
        if let Some(t) = tone_of(ch) {
            if let Some(p) = pending.as_mut() {
                p.2 = t;
            }
            continue;
        }
        if let Some(m) = modifier_of(ch) {
            if let Some(p) = pending.as_mut() {
                p.1 = m;
            }
            continue;
        }
        flush(&mut pending, &mut primary, &mut tones, &mut case);
        let upper = u8::from(ch.is_uppercase());
        let lower = ch.to_lowercase().next().unwrap_or(ch);
        match lower {
            'đ' => pending = Some(('d', 4, 0, upper)),
            c if c.is_ascii_lowercase() => pending = Some((c, 0, 0, upper)),
            c if c.is_ascii_digit() => {
                primary.push(W_DIGIT + c as u32 - '0' as u32);
                tones.push(0);
                case.push(0);
            }
            c if c.is_whitespace() || c.is_ascii_punctuation() => {
                primary.push(W_SEPARATOR);
                tones.push(0);
                case.push(0);
            }
            c => {
                primary.push(W_OTHER + c as u32);
                tones.push(0);
                case.push(upper);
            }
        }
    }
    flush(&mut pending, &mut primary, &mut tones, &mut case);
    ViSortKey {
        primary,
        tones,
        case,
        nfc: name.nfc().collect(),
    }
}

/// Compares two names in Vietnamese order; for sorting many names prefer
/// `sort_by_cached_key(|n| vi_sort_key(n))`.
pub fn compare_vi(a: &str, b: &str) -> Ordering {
    vi_sort_key(a).cmp(&vi_sort_key(b))
}

/// `name` folded for searching as people type: lower case, tone marks and vowel marks
/// dropped, `đ` as `d` ("Phường Trấn Biên" and "phuong tran bien" fold alike).
pub fn vi_fold(name: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization as _;
    name.nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tones_follow_dictionary_order() {
        let mut v = vec!["má", "mạ", "mà", "mả", "ma", "mã"];
        v.sort_by(|a, b| compare_vi(a, b));
        assert_eq!(v, ["ma", "mà", "mả", "mã", "má", "mạ"]);
    }

    #[test]
    fn base_letters_outrank_tones() {
        // `ă` is a letter after `a`, so every a-word precedes every ă-word whatever the tones.
        assert_eq!(compare_vi("ạn", "ăn"), Ordering::Less);
        assert_eq!(compare_vi("Ơn", "ôn"), Ordering::Greater);
    }

    #[test]
    fn decomposed_and_composed_input_collate_equal() {
        let nfd: String = "Đồng Nai".nfd().collect();
        assert_eq!(compare_vi(&nfd, "Đồng Nai"), Ordering::Equal);
    }

    #[test]
    fn folding_matches_what_people_type() {
        assert_eq!(vi_fold("Phường Trấn Biên"), "phuong tran bien");
        assert_eq!(vi_fold("Xã ĐẮK Lắk"), "xa dak lak");
        assert!(vi_fold("Ủy ban nhân dân xã Long Phước").contains(&vi_fold("long phuoc")));
    }
}
