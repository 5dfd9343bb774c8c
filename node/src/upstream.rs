//! The upstream client: one per configured link, reqwest over rustls with our client
//! certificate, trusting only the national root. It turns an HTTP exchange into one of three
//! delivery statuses: delivered (with the receipt), errored (retry later) or rejected (the
//! receiver refused it for good; never retried).
//!
//! Transport (see docs/protocol.md §Transport): `POST <link>/api/v1/submissions` with the
//! envelope as JSON; `200` with a signed `Receipt`; `4xx` with
//! `{"error": {"code": "...", "message": "..."}}` is permanent, except 408 and 429; anything
//! else (5xx, connection failures, timeouts) is retried.

use std::time::Duration;

use anyhow::Context as _;
use config::settings::UpstreamLink;
use schema::{Classification, Receipt};

use crate::tls::TlsMaterial;

pub const SUBMISSIONS_PATH: &str = "/api/v1/submissions";
const MAX_RESPONSE_BYTES: usize = 256 * 1024;

#[derive(Debug)]
pub enum SendOutcome {
    Delivered(Box<Receipt>),
    Retry(String),
    Rejected(String),
}

#[derive(Debug, Clone)]
pub struct Upstream {
    pub name: String,
    pub max_classification: Classification,
    url: String,
    client: reqwest::Client,
}

impl Upstream {
    pub fn new(link: &UpstreamLink, tls: &TlsMaterial) -> anyhow::Result<Self> {
        let timeout = Duration::from_secs(link.timeout_secs.unwrap_or(30));
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls.client_config()?)
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
        if status.is_client_error() && status.as_u16() != 408 && status.as_u16() != 429 {
            SendOutcome::Rejected(format!("{status}: {reason}"))
        } else {
            SendOutcome::Retry(format!("{} answered {status}: {reason}", self.name))
        }
    }
}

async fn read_limited(mut resp: reqwest::Response) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| error_chain(&e))? {
        if out.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(format!("answer larger than {MAX_RESPONSE_BYTES} bytes"));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

fn error_message(body: &[u8]) -> Option<String> {
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
