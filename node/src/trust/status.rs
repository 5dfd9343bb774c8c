//! How the CRLs in use are told to a person: lines for the `status` commands, the warning a
//! web page shows when one is stale.

use config::settings::CrlStalePolicy;

use super::CrlStatus;

impl CrlStatus {
    /// Lines for `status` commands (bilingual).
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![format!(
            "CRL / revocation lists: {} (nạp lúc / loaded {})",
            self.crls.len(),
            self.loaded_at.format("%Y-%m-%d %H:%M:%S UTC")
        )];
        for c in &self.crls {
            let next = c
                .next_update
                .map_or_else(|| "-".to_string(), |t| t.format("%Y-%m-%d").to_string());
            out.push(format!(
                "  {}: {} thu hồi / revoked, cập nhật tiếp / next update {next}",
                c.issuer, c.revoked
            ));
        }
        for issuer in &self.stale {
            out.push(format!(
                "  CẢNH BÁO / WARNING: CRL của {issuer} đã quá hạn cập nhật / is past its next update ({})",
                match self.policy {
                    CrlStalePolicy::Warn => "vẫn dùng bản cuối / still in use: crl_stale = \"warn\"",
                    CrlStalePolicy::Refuse => "mọi chữ ký bị từ chối / every signature refused: crl_stale = \"refuse\"",
                }
            ));
        }
        if let Some(e) = &self.error {
            out.push(format!(
                "  LỖI / ERROR: lần nạp lại cuối thất bại / the last reload failed: {e}"
            ));
        }
        out
    }

    /// The warning a web page shows, if any (Vietnamese).
    pub fn warning_vi(&self) -> Option<String> {
        (!self.stale.is_empty()).then(|| {
            format!(
                "Danh sách chứng thư bị thu hồi (CRL) của {} đã quá hạn cập nhật: đề nghị quản trị \
                 viên cài bản mới ({}).",
                self.stale.join(", "),
                match self.policy {
                    CrlStalePolicy::Warn => "hệ thống vẫn dùng bản cuối cùng",
                    CrlStalePolicy::Refuse => "hệ thống đang từ chối mọi chữ ký cho đến khi có bản mới",
                }
            )
        })
    }
}
