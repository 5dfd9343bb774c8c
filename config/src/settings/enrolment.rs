//! `[enrolment]` (aggregator only): where units without a certificate enrol with a one-time
//! code (a TLS listener that asks for no client certificate), which CA directory signs, how
//! long what it signs lives, and how long a code stays usable. Renewal of units that have a
//! certificate runs on the mutual-TLS `[server]` listener with the same CA.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;

/// `[enrolment]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentSection {
    /// Address of the enrolment listener (server TLS only: the unit has no certificate yet).
    pub listen: SocketAddr,
    /// The CA directory that signs (`pki issue-ca --out DIR`: `ca.crt.pem`, `ca.key.pem`).
    pub ca: PathBuf,
    /// Lifetime of the certificates it signs: a number and a unit, `730d` (the default),
    /// `12h`, `30m`, `90s`.
    #[serde(default = "EnrolmentSection::default_lifetime")]
    pub certificate_lifetime: Lifetime,
    /// The address units enrol at, printed on every code slip (default `https://<listen>`).
    #[serde(default)]
    pub public_url: Option<super::values::HttpsUrl>,
    /// Days a new one-time code stays usable (default 30).
    #[serde(default = "EnrolmentSection::default_code_days")]
    pub code_validity_days: u32,
}

impl EnrolmentSection {
    fn default_lifetime() -> Lifetime {
        Lifetime(730 * 86_400)
    }

    fn default_code_days() -> u32 {
        30
    }

    /// Where units enrol: `public_url`, or `https://<listen>`.
    pub fn url(&self) -> String {
        match &self.public_url {
            Some(u) => u.as_str().trim_end_matches('/').to_string(),
            None => format!("https://{}", self.listen),
        }
    }

    pub(crate) fn check(&self, out: &mut Vec<(String, String)>) {
        if !(1..=365).contains(&self.code_validity_days) {
            out.push((
                "enrolment.code_validity_days".into(),
                "must be between 1 and 365".into(),
            ));
        }
    }
}

/// A certificate lifetime, whole seconds, from 10 s to 20 years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct Lifetime(u64);

impl Lifetime {
    /// Shortest accepted lifetime (tests use tens of seconds).
    pub const MIN_SECS: u64 = 10;
    /// Longest accepted lifetime: the root's.
    pub const MAX_SECS: u64 = 7305 * 86_400;

    /// Reads `<number><d|h|m|s>`.
    pub fn parse(input: &str) -> Result<Self, String> {
        let s = input.trim();
        let bad = || {
            format!("`{input}` is not a lifetime; write a number and a unit, e.g. 730d, 12h, 30m or 90s")
        };
        let unit = s.chars().last().ok_or_else(bad)?;
        let per = match unit {
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        let n: u64 = s[..s.len() - 1].parse().map_err(|_| bad())?;
        let secs = n.checked_mul(per).ok_or_else(bad)?;
        if !(Self::MIN_SECS..=Self::MAX_SECS).contains(&secs) {
            return Err(format!(
                "`{input}` is outside {}s to 7305d (20 years)",
                Self::MIN_SECS
            ));
        }
        Ok(Self(secs))
    }

    /// Whole seconds.
    pub fn secs(self) -> u64 {
        self.0
    }
}

impl TryFrom<String> for Lifetime {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn lifetimes_in_range_read_back(n in 1u64..5000, unit in prop::sample::select(vec!['d', 'h', 'm', 's'])) {
            let per = match unit { 'd' => 86_400, 'h' => 3_600, 'm' => 60, _ => 1 };
            let parsed = Lifetime::parse(&format!("{n}{unit}"));
            let secs = n * per;
            if (Lifetime::MIN_SECS..=Lifetime::MAX_SECS).contains(&secs) {
                prop_assert_eq!(parsed.unwrap().secs(), secs);
            } else {
                prop_assert!(parsed.is_err());
            }
        }

        #[test]
        fn garbage_is_refused_with_an_example(s in "[^0-9]{0,3}|[0-9]{1,3}[a-cefgi-ln-rt-z]") {
            let e = Lifetime::parse(&s).unwrap_err();
            prop_assert!(e.contains("730d") || e.contains("outside"), "{}", e);
        }
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        assert!(Lifetime::parse("99999999999999999999d").is_err());
        assert!(Lifetime::parse("999999999999999999d").is_err());
    }
}
