//! Attachments at the boundary: file names and sniffed types, property-tested (any input, no
//! panic; what is accepted is safe to show and store; the checks agree with each other).

use proptest::prelude::*;
use schema::{AttachmentLimits, AttachmentRef, FileName, MediaType};
use unicode_normalization::UnicodeNormalization;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn an_accepted_file_name_is_safe_nfc_and_stable(raw in "\\PC{0,220}|[./\\\\a-zđ ]{0,12}") {
        if let Ok(n) = FileName::parse(&raw) {
            let s = n.as_str();
            prop_assert!(!s.is_empty() && s.chars().count() <= schema::MAX_FILE_NAME);
            prop_assert!(!s.contains('/') && !s.contains('\\') && !s.starts_with('.'));
            prop_assert!(!s.chars().any(char::is_control));
            prop_assert_eq!(s.nfc().collect::<String>(), s);
            prop_assert_eq!(FileName::parse(s).unwrap(), n.clone());
            let json = serde_json::to_string(&n).unwrap();
            prop_assert_eq!(serde_json::from_str::<FileName>(&json).unwrap(), n);
        }
    }

    #[test]
    fn sniffing_never_panics_and_a_described_file_matches_its_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
        prefix in prop_oneof![Just(&b"%PDF-"[..]), Just(&b"\x89PNG\r\n\x1a\n"[..]),
                              Just(&b"\xff\xd8\xff"[..]), Just(&b"PK\x03\x04"[..]), Just(&b""[..])],
    ) {
        let mut all = prefix.to_vec();
        all.extend_from_slice(&bytes);
        let sniffed = MediaType::sniff(&all);
        if prefix == b"%PDF-" { prop_assert_eq!(sniffed, Some(MediaType::Pdf)); }
        match AttachmentRef::describe("tệp.bin", &all, &AttachmentLimits::default()) {
            Ok(r) => {
                prop_assert_eq!(Some(r.media_type), sniffed);
                prop_assert!(r.matches(&all));
                let mut other = all.clone();
                other.push(0);
                prop_assert!(!r.matches(&other));
            }
            Err(e) => prop_assert!(all.is_empty() || sniffed.is_none(), "{e}"),
        }
    }
}

#[test]
fn office_files_are_told_apart_by_their_entries() {
    let docx = [&b"PK\x03\x04"[..], b"....word/document.xml...."].concat();
    let xlsx = [&b"PK\x03\x04"[..], b"....xl/workbook.xml...."].concat();
    let zip = [&b"PK\x03\x04"[..], b"....other.txt...."].concat();
    assert_eq!(MediaType::sniff(&docx), Some(MediaType::Docx));
    assert_eq!(MediaType::sniff(&xlsx), Some(MediaType::Xlsx));
    assert_eq!(MediaType::sniff(&zip), None, "a plain ZIP is not accepted");
}
