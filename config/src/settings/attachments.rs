//! `[attachments]` (node and aggregator): how much a report may carry in attached files. The
//! node refuses an upload beyond these limits with a Vietnamese message naming the file; the
//! aggregator refuses an upload beyond `max_file_bytes` (`too_large`). The contract's own
//! ceiling (`schema::MAX_ATTACHMENTS` files) bounds `max_files`.

use serde::Deserialize;

const MIB: u64 = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AttachmentsSection {
    /// Largest single file, bytes. Default 20 MiB (a scanned signed report of ~30 pages).
    pub max_file_bytes: u64,
    /// Largest total of one report's files, bytes. Default 50 MiB.
    pub max_total_bytes: u64,
    /// Most files on one report. Default 10.
    pub max_files: usize,
}

impl Default for AttachmentsSection {
    fn default() -> Self {
        Self {
            max_file_bytes: 20 * MIB,
            max_total_bytes: 50 * MIB,
            max_files: 10,
        }
    }
}

impl AttachmentsSection {
    pub(crate) fn check(&self, out: &mut Vec<(String, String)>) {
        let mut bad = |key: &str, why: String| out.push((format!("attachments.{key}"), why));
        if self.max_file_bytes == 0 || self.max_file_bytes > 200 * MIB {
            bad(
                "max_file_bytes",
                "must be between 1 byte and 200 MiB".into(),
            );
        }
        if self.max_total_bytes < self.max_file_bytes || self.max_total_bytes > 500 * MIB {
            bad(
                "max_total_bytes",
                "must be at least max_file_bytes and at most 500 MiB".into(),
            );
        }
        if self.max_files == 0 || self.max_files > schema::MAX_ATTACHMENTS {
            bad(
                "max_files",
                format!("must be between 1 and {}", schema::MAX_ATTACHMENTS),
            );
        }
    }
}
