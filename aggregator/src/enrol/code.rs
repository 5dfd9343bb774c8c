//! One-time enrolment codes as people handle them: 20 characters of Crockford's base32 (100
//! random bits) printed in groups of five (`7KQ2M-…`), read back forgivingly (any case,
//! dashes or spaces anywhere, `O` for `0`, `I`/`L` for `1`). Only a SHA-256 of the code is
//! stored; the first ten hex digits of it are the code's public handle for listing and revoking.

/// Crockford's base32: no I, L, O or U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code.
pub const CODE_LEN: usize = 20;

/// A code in its canonical form (20 alphabet characters, no separators).
#[derive(Clone, PartialEq, Eq)]
pub struct Code(String);

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Code(…)")
    }
}

impl Code {
    /// A fresh random code.
    pub fn random() -> Self {
        // ThreadRng: a CSPRNG seeded from the operating system.
        let bytes: [u8; CODE_LEN] = rand::random();
        Self(
            bytes
                .iter()
                .map(|b| ALPHABET[usize::from(b & 31)] as char)
                .collect(),
        )
    }

    /// Reads a code as typed; `None` unless it is 20 alphabet characters once separators are
    /// dropped and look-alikes mapped.
    pub fn parse(input: &str) -> Option<Self> {
        let mut out = String::with_capacity(CODE_LEN);
        for c in input.chars() {
            let c = match c.to_ascii_uppercase() {
                '-' | ' ' => continue,
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
                return None;
            }
            out.push(c);
        }
        (out.len() == CODE_LEN).then_some(Self(out))
    }

    /// As printed for people: four groups of five.
    pub fn display(&self) -> String {
        self.0
            .as_bytes()
            .chunks(5)
            .map(|c| std::str::from_utf8(c).unwrap_or_default())
            .collect::<Vec<_>>()
            .join("-")
    }

    /// What the database keeps: SHA-256 of the canonical code, hex.
    pub fn hash(&self) -> String {
        config::pki::sha256_hex(format!("bmnn-enrol:{}", self.0).as_bytes())
    }

    /// The public handle: the first ten hex digits of the hash.
    pub fn id(&self) -> String {
        self.hash()[..10].to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn random_codes_read_back_and_differ() {
        let a = Code::random();
        assert_eq!(Code::parse(&a.display()), Some(a.clone()));
        assert_ne!(a, Code::random());
        assert_eq!(a.display().len(), 23);
    }

    proptest! {
        #[test]
        fn codes_survive_the_ways_people_copy_them(bytes in proptest::array::uniform20(0u8..32), lower in any::<bool>(), spaces in any::<bool>()) {
            let code = Code(bytes.iter().map(|b| ALPHABET[usize::from(*b)] as char).collect());
            let mut typed = code.display();
            if spaces { typed = typed.replace('-', " "); }
            if lower { typed = typed.to_lowercase(); }
            prop_assert_eq!(Code::parse(&typed), Some(code.clone()));
            prop_assert_eq!(Code::parse(&typed.replace('0', "O")), Some(code));
        }

        #[test]
        fn wrong_lengths_and_symbols_are_refused(s in "[0-9A-Z]{0,19}|[0-9A-Z]{21,30}|[0-9A-Z]{5}[U!é][0-9A-Z]{14}") {
            prop_assert!(Code::parse(&s).is_none());
        }
    }
}
