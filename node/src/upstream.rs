//! The upstream client: one per configured link, reqwest over rustls with our client
//! certificate, trusting only the national root. It turns an HTTP exchange into one of three
//! delivery statuses: delivered (with the receipt), errored (retry later) or rejected (the
//! receiver refused it for good; never retried).
//!
//! Transport (see docs/protocol.md §Transport): `POST <link>/api/v1/submissions` with the
//! envelope as JSON; `200` with a signed `Receipt`; `4xx` with
//! `{"error": {"code": "...", "message": "..."}}` is permanent, except 408 and 429; anything
//! else (5xx, connection failures, timeouts) is retried. The other direction on the same
//! client: `GET <link>/api/v1/notices?after=<cursor>` answers a `NoticePage`.

use std::time::Duration;

use anyhow::Context as _;
use config::settings::UpstreamLink;
use schema::{Classification, Receipt};

use crate::tls::TlsMaterial;

pub const SUBMISSIONS_PATH: &str = "/api/v1/submissions";
pub const NOTICES_PATH: &str = "/api/v1/notices";
/// `PUT|HEAD <link>/api/v1/attachments/<sha256 hex>`: a file a submission names, sent first.
pub const ATTACHMENTS_PATH: &str = "/api/v1/attachments";
const MAX_RESPONSE_BYTES: usize = 256 * 1024;
/// A page of notices: at most `MAX_NOTICE_PAGE` notices of bounded size.
const MAX_PAGE_BYTES: usize = 32 * 1024 * 1024;

/// What a pull of notices gave.
#[derive(Debug)]
pub enum PullOutcome {
    Page(Box<schema::NoticePage>),
    /// Try again later (network, 5xx, a garbled answer).
    Retry(String),
    /// The parent refused the request: its error code and message.
    Refused {
        code: String,
        message: String,
    },
}

#[derive(Debug)]
pub enum SendOutcome {
    Delivered(Box<Receipt>),
    Retry(String),
    Rejected(String),
}

/// What sending an attachment gave.
#[derive(Debug)]
pub enum PutOutcome {
    Stored,
    Retry(String),
    Rejected(String),
}

#[derive(Debug, Clone)]
pub struct Upstream {
    pub name: String,
    pub max_classification: Classification,
    url: String,
    notices_url: String,
    attachments_url: String,
    reenroll_url: String,
    client: reqwest::Client,
}

impl Upstream {
    /// `live` checks the parent's certificate against the current CRLs (see `crate::trust`).
    pub fn new(
        link: &UpstreamLink,
        tls: &TlsMaterial,
        live: std::sync::Arc<crate::trust::LiveTrust>,
    ) -> anyhow::Result<Self> {
        let timeout = Duration::from_secs(link.timeout_secs.unwrap_or(30));
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls.client_config_live(live)?)
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .pool_max_idle_per_host(4)
            .build()
            .with_context(|| format!("cannot build the HTTP client for link {}", link.name))?;
        let base = link.url.as_str().trim_end_matches('/');
        Ok(Self {
            name: link.name.to_string(),
            max_classification: link.max_classification,
            url: format!("{base}{SUBMISSIONS_PATH}"),
            notices_url: format!("{base}{NOTICES_PATH}"),
            attachments_url: format!("{base}{ATTACHMENTS_PATH}"),
            reenroll_url: format!("{base}{}", crate::enrol::SIMPLEREENROLL_PATH),
            client,
        })
    }

    /// Sends one canonical envelope and classifies the answer.
    pub async fn send(&self, envelope_json: Vec<u8>) -> SendOutcome {
        let resp = match self
            .client
            .post(&self.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(envelope_json)
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => {
                return SendOutcome::Retry(format!(
                    "cannot reach {}: {}",
                    self.name,
                    error_chain(&e)
                ))
            }
        };
        let status = resp.status();
        let body = match read_limited(resp).await {
            Ok(b) => b,
            Err(e) => {
                return SendOutcome::Retry(format!(
                    "the answer from {} was cut off: {e}",
                    self.name
                ))
            }
        };
        if status.is_success() {
            return match schema::decode::<Receipt>(&body) {
                Ok(r) => SendOutcome::Delivered(Box::new(r)),
                Err(e) => SendOutcome::Retry(format!(
                    "{} answered {status} without a valid receipt: {e}",
                    self.name
                )),
            };
        }
        let reason = error_message(&body)
            .unwrap_or_else(|| String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned());
        // 424 `missing_attachment`: the files go first; they are sent again with the retry.
        if status.is_client_error() && ![408, 424, 429].contains(&status.as_u16()) {
            SendOutcome::Rejected(format!("{status}: {reason}"))
        } else {
            SendOutcome::Retry(format!("{} answered {status}: {reason}", self.name))
        }
    }
}

impl Upstream {
    /// Whether the parent already holds the attachment `sha256` (`HEAD`).
    pub async fn has_attachment(&self, sha256: &schema::Digest) -> Result<bool, PutOutcome> {
        let resp = self
            .client
            .head(self.attachment_url(sha256))
            .send()
            .await
            .map_err(|e| {
                PutOutcome::Retry(format!("cannot reach {}: {}", self.name, error_chain(&e)))
            })?;
        Ok(resp.status().is_success())
    }

    /// Sends the bytes of the attachment `sha256` (`PUT`); the parent stores them only when
    /// they hash to it, so a cut upload stores nothing and is simply sent again.
    pub async fn put_attachment(&self, sha256: &schema::Digest, bytes: Vec<u8>) -> PutOutcome {
        let resp = match self
            .client
            .put(self.attachment_url(sha256))
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(bytes)
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => {
                return PutOutcome::Retry(format!(
                    "cannot reach {}: {}",
                    self.name,
                    error_chain(&e)
                ))
            }
        };
        let status = resp.status();
        if status.is_success() {
            return PutOutcome::Stored;
        }
        let body = read_limited(resp).await.unwrap_or_default();
        let reason = error_message(&body).unwrap_or_else(|| status.to_string());
        let what = format!(
            "{} refused the attachment {sha256}: {status}: {reason}",
            self.name
        );
        // 400 `attachment_mismatch`: the bytes were cut on the way; send again.
        if status.is_client_error() && ![400, 408, 429].contains(&status.as_u16()) {
            PutOutcome::Rejected(what)
        } else {
            PutOutcome::Retry(what)
        }
    }

    fn attachment_url(&self, sha256: &schema::Digest) -> String {
        let hex = sha256.as_str().trim_start_matches("sha256:");
        format!("{}/{hex}", self.attachments_url)
    }

    /// Asks the parent for the notices after `after`.
    pub async fn pull(&self, after: u64) -> PullOutcome {
        let resp = match self
            .client
            .get(format!("{}?after={after}", self.notices_url))
            .send()
            .await
        {
            Ok(r) => r,
            Err(e) => {
                return PullOutcome::Retry(format!(
                    "cannot reach {}: {}",
                    self.name,
                    error_chain(&e)
                ))
            }
        };
        let status = resp.status();
        let body = match read_up_to(resp, MAX_PAGE_BYTES).await {
            Ok(b) => b,
            Err(e) => return PullOutcome::Retry(format!("the notices were cut off: {e}")),
        };
        if status.is_success() {
            return match schema::decode::<schema::NoticePage>(&body) {
                Ok(p) => PullOutcome::Page(Box::new(p)),
                Err(e) => {
                    PullOutcome::Retry(format!("{} answered an unreadable page: {e}", self.name))
                }
            };
        }
        let code = error_field(&body, "code").unwrap_or_default();
        let message = error_field(&body, "message").unwrap_or_default();
        if status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429 {
            PullOutcome::Refused { code, message }
        } else {
            PullOutcome::Retry(format!("{} answered {status}: {code} {message}", self.name))
        }
    }
}

impl Upstream {
    /// Renewal (EST `simplereenroll`): sends `csr_pem` over this link's mutual TLS, which
    /// authenticates us with the current certificate; the new chain (PEM) or why not.
    pub async fn reenroll(&self, csr_pem: &str) -> anyhow::Result<String> {
        let resp = self
            .client
            .post(&self.reenroll_url)
            .header(reqwest::header::CONTENT_TYPE, "application/pkcs10")
            .body(csr_pem.to_string())
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("cannot reach {}: {}", self.name, error_chain(&e)))?;
        let status = resp.status();
        let body = read_up_to(resp, crate::enrol::MAX_CHAIN_BYTES)
            .await
            .map_err(|e| anyhow::anyhow!("the answer from {} was cut off: {e}", self.name))?;
        if !status.is_success() {
            let why = error_message(&body).unwrap_or_else(|| status.to_string());
            anyhow::bail!("{} refused the renewal: {why}", self.name);
        }
        String::from_utf8(body)
            .map_err(|_| anyhow::anyhow!("{} answered a chain that is not text", self.name))
    }
}

fn error_field(body: &[u8], field: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let s = v.get("error")?.get(field)?.as_str()?;
    Some(s.chars().take(500).collect())
}

async fn read_limited(resp: reqwest::Response) -> Result<Vec<u8>, String> {
    read_up_to(resp, MAX_RESPONSE_BYTES).await
}

pub(crate) async fn read_up_to(
    mut resp: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| error_chain(&e))? {
        if out.len() + chunk.len() > limit {
            return Err(format!("answer larger than {limit} bytes"));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

pub(crate) fn error_message(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let e = v.get("error")?;
    let code = e.get("code")?.as_str()?;
    let msg = e.get("message").and_then(|m| m.as_str()).unwrap_or("");
    Some(format!(
        "{code}: {}",
        msg.chars().take(500).collect::<String>()
    ))
}

/// `{:#}`-style chain of an error's sources, which is where reqwest keeps the real cause.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}
