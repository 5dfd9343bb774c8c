//! Unit identity: `UnitId`, a stable id carrying the official administrative code, and the
//! `Tier` it sits at. The grammar (see `docs/protocol.md` §Unit ids):
//!
//! ```text
//! unit-id  = area *( "/" agency )          ; at most 4 agency segments, 128 chars in all
//! area     = "VN"                          ; the nation (BCA, the national aggregator)
//!          | "TW"                          ; the central-agency bucket (reports straight to BCA)
//!          | PP                            ; 2025 province, 2 digits        e.g. 75
//!          | PP "." CCCCC                  ; 2025 commune, 5 digits         e.g. 75.26041
//!          | PP "." DDD                    ; legacy district (before 1 July 2025), 3 digits
//!          | PP "." DDD "." CCCCC          ; legacy commune under its legacy district
//! agency   = 1*32( lowercase letter / digit / "-" ), not starting or ending with "-"
//! ```
//! Examples: `75/so-noi-vu` (a provincial department of Đồng Nai), `75.26041/cong-an-xa`,
//! `TW/bo-ngoai-giao`. The parent of an id drops its last agency segment, then its last area
//! part; the parent of a province or of `TW` is `VN`.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::FieldError;

const MAX_LEN: usize = 128;
const MAX_AGENCY_DEPTH: usize = 4;
const MAX_SEGMENT: usize = 32;

/// Where a unit sits. Tiers are data: the tree is given by the ids, not by this enum's order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// The nation: the Ministry of Public Security's national aggregator.
    National,
    /// The bucket of central agencies (ministries, central bodies) reporting straight to BCA.
    Central,
    /// A province or centrally-run city (2025 list).
    Province,
    /// A legacy district (exists only in data before 1 July 2025).
    District,
    /// A commune, ward or special zone.
    Commune,
    /// An agency, department or body below any of the above.
    Agency,
}

impl Tier {
    /// Vietnamese label for UI and documents.
    pub fn label_vi(self) -> &'static str {
        match self {
            Tier::National => "Trung ương (Bộ Công an)",
            Tier::Central => "Cơ quan Trung ương",
            Tier::Province => "Tỉnh, thành phố",
            Tier::District => "Huyện (trước 01/7/2025)",
            Tier::Commune => "Xã, phường, đặc khu",
            Tier::Agency => "Cơ quan, đơn vị",
        }
    }
}

/// A reporting unit's stable id. Private field: only `parse` makes one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitId(String);

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

fn check_area(area: &str) -> Result<(), String> {
    if area == "VN" || area == "TW" {
        return Ok(());
    }
    let parts: Vec<&str> = area.split('.').collect();
    let ok = match parts.as_slice() {
        [p] => digits(p, 2),
        [p, c] => digits(p, 2) && (digits(c, 5) || digits(c, 3)),
        [p, d, c] => digits(p, 2) && digits(d, 3) && digits(c, 5),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{area}` is not an area code: expected VN, TW, a 2-digit province (75), \
             province.commune (75.26041), province.district (75.731) or \
             province.district.commune (75.731.26041)"
        ))
    }
}

fn check_agency(seg: &str) -> Result<(), String> {
    let ok = !seg.is_empty()
        && seg.len() <= MAX_SEGMENT
        && !seg.starts_with('-')
        && !seg.ends_with('-')
        && seg
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{seg}` is not an agency segment: use 1-{MAX_SEGMENT} lowercase ASCII letters, digits \
             and inner hyphens (e.g. so-noi-vu)"
        ))
    }
}

impl UnitId {
    /// Parses a unit id (see the module doc for the grammar).
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let err = |r: String| FieldError::new("", format!("invalid unit id `{raw}`: {r}"));
        if raw.is_empty() {
            return Err(err("it is empty".into()));
        }
        if raw.len() > MAX_LEN {
            return Err(err(format!("it is longer than {MAX_LEN} characters")));
        }
        let mut segs = raw.split('/');
        let area = segs.next().unwrap_or_default();
        check_area(area).map_err(err)?;
        let agencies: Vec<&str> = segs.collect();
        if agencies.len() > MAX_AGENCY_DEPTH {
            return Err(err(format!("more than {MAX_AGENCY_DEPTH} agency levels")));
        }
        if area == "VN" && !agencies.is_empty() {
            return Err(err("agencies of the ministry sit under TW, not VN".into()));
        }
        for a in agencies {
            check_agency(a).map_err(err)?;
        }
        Ok(Self(raw.to_string()))
    }

    /// The nation's id, `VN`.
    pub fn national() -> Self {
        Self("VN".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn area(&self) -> &str {
        self.0.split('/').next().unwrap_or_default()
    }

    /// The tier this id sits at, read off its shape.
    pub fn tier(&self) -> Tier {
        if self.0.contains('/') {
            return Tier::Agency;
        }
        let area = self.area();
        match area {
            "VN" => Tier::National,
            "TW" => Tier::Central,
            _ => match area.split('.').collect::<Vec<_>>().as_slice() {
                [_] => Tier::Province,
                [_, x] if x.len() == 3 => Tier::District,
                _ => Tier::Commune,
            },
        }
    }

    /// The 2-digit province code, for ids under a province.
    pub fn province_code(&self) -> Option<&str> {
        let a = self.area();
        (a != "VN" && a != "TW").then(|| &a[..2])
    }

    /// The unit directly above this one; `None` only for `VN`.
    pub fn parent(&self) -> Option<UnitId> {
        if let Some((head, _)) = self.0.rsplit_once('/') {
            return Some(Self(head.to_string()));
        }
        match self.0.as_str() {
            "VN" => None,
            "TW" => Some(Self::national()),
            a => match a.rsplit_once('.') {
                Some((head, _)) => Some(Self(head.to_string())),
                None => Some(Self::national()),
            },
        }
    }

    /// True when `self` is `other` or one of its ancestors.
    pub fn contains(&self, other: &UnitId) -> bool {
        let mut cur = Some(other.clone());
        while let Some(u) = cur {
            if &u == self {
                return true;
            }
            cur = u.parent();
        }
        false
    }
}

impl fmt::Display for UnitId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for UnitId {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for UnitId {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<UnitId> for String {
    fn from(u: UnitId) -> String {
        u.0
    }
}

impl JsonSchema for UnitId {
    fn schema_name() -> Cow<'static, str> {
        "UnitId".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "maxLength": MAX_LEN,
            "pattern": r"^(VN|TW|[0-9]{2}(\.[0-9]{3})?(\.[0-9]{5})?|[0-9]{2}\.[0-9]{5})(/[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?){0,4}$",
            "description": "Unit id: area code (VN, TW, province 75, commune 75.26041, legacy district 75.731, legacy commune 75.731.26041) then up to 4 /agency segments."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> UnitId {
        UnitId::parse(s).unwrap()
    }

    #[test]
    fn tiers_follow_the_shape() {
        assert_eq!(id("VN").tier(), Tier::National);
        assert_eq!(id("TW").tier(), Tier::Central);
        assert_eq!(id("75").tier(), Tier::Province);
        assert_eq!(id("75.26041").tier(), Tier::Commune);
        assert_eq!(id("75.731").tier(), Tier::District);
        assert_eq!(id("75.731.26041").tier(), Tier::Commune);
        assert_eq!(id("75/so-noi-vu").tier(), Tier::Agency);
        assert_eq!(id("TW/bo-ngoai-giao").tier(), Tier::Agency);
    }

    #[test]
    fn parents_walk_up_to_the_nation() {
        assert_eq!(id("75.26041/cong-an-xa").parent(), Some(id("75.26041")));
        assert_eq!(id("75.26041").parent(), Some(id("75")));
        assert_eq!(id("75.731.26041").parent(), Some(id("75.731")));
        assert_eq!(id("75").parent(), Some(id("VN")));
        assert_eq!(id("TW/bo-ngoai-giao").parent(), Some(id("TW")));
        assert_eq!(id("TW").parent(), Some(id("VN")));
        assert_eq!(id("VN").parent(), None);
        assert!(id("75").contains(&id("75.26041/cong-an-xa")));
        assert!(!id("75").contains(&id("79.26734")));
        assert!(id("VN").contains(&id("TW/bo-ngoai-giao")));
    }

    #[test]
    fn unit_id_rejects_wrong_digit_counts() {
        for bad in [
            "7",
            "751",
            "75.2604",
            "75.260411",
            "75.12.26041",
            "75.123.2604",
        ] {
            let e = UnitId::parse(bad).unwrap_err();
            assert!(e.reason().contains("not an area code"), "{bad}: {e}");
        }
    }

    #[test]
    fn unit_id_rejects_bad_agency_segments() {
        for bad in [
            "75/",
            "75/Sở",
            "75/So-Noi-Vu",
            "75/-x",
            "75/x-",
            "75/a/b/c/d/e",
            "VN/a03",
        ] {
            assert!(UnitId::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unit_id_rejects_empty_and_overlong() {
        assert!(UnitId::parse("").is_err());
        let long = format!("75/{}", vec!["a".repeat(32); 4].join("/"));
        assert!(long.len() > MAX_LEN);
        assert!(UnitId::parse(&long)
            .unwrap_err()
            .reason()
            .contains("longer"));
    }

    #[test]
    fn unit_id_decoding_names_the_reason() {
        let e = serde_json::from_str::<UnitId>("\"75.x\"").unwrap_err();
        assert!(e.to_string().contains("invalid unit id `75.x`"), "{e}");
    }
}
