//! Renders one mail as RFC 5322 text, once, before it is queued: From, To, a Vietnamese
//! subject (RFC 2047 encoded by lettre), `multipart/alternative` with a plain-text and an
//! HTML part (quoted-printable or base64, as lettre picks), a Message-ID made from the queue
//! id, and `Auto-Submitted: auto-generated` (RFC 3834) so auto-responders stay quiet. All text
//! is normalised to NFC first.

use anyhow::{anyhow, Context as _};
use chrono::NaiveDate;
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;
use unicode_normalization::UnicodeNormalization as _;

/// A mail to queue: who it goes to and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub to: Vec<Mailbox>,
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML part (a whole document).
    pub html: String,
}

/// A rendered mail: the envelope and the message as it will be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    /// Envelope sender address.
    pub sender: String,
    /// Envelope recipient addresses.
    pub recipients: Vec<String>,
    /// The message, 7-bit.
    pub message: String,
}

/// A fresh queue id for a mail of `day`: `YYYYMMDD.` and 16 random hex digits.
pub fn new_id(day: NaiveDate) -> String {
    format!("{}.{:016x}", day.format("%Y%m%d"), rand::random::<u64>())
}

/// Reads a mailbox written `Tên hiển thị <a@b.vn>` or `a@b.vn` (names may be Vietnamese).
pub fn mailbox(raw: &str) -> anyhow::Result<Mailbox> {
    let raw: String = raw.trim().nfc().collect();
    let (name, addr) = match (raw.rfind('<'), raw.strip_suffix('>')) {
        (Some(i), Some(_)) => {
            let name = raw[..i].trim().trim_matches('"').trim();
            (
                (!name.is_empty()).then(|| name.to_string()),
                &raw[i + 1..raw.len() - 1],
            )
        }
        _ => (None, raw.as_str()),
    };
    let email = addr
        .trim()
        .parse()
        .map_err(|e| anyhow!("`{raw}` is not a mail address: {e}"))?;
    Ok(Mailbox::new(name, email))
}

/// `Auto-Submitted: auto-generated`.
#[derive(Debug, Clone, Copy)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Self)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_string())
    }
}

/// Renders `out` from `from` with the Message-ID `<id@sender's domain>`.
pub fn compose(id: &str, from: &Mailbox, out: &Outgoing) -> anyhow::Result<Composed> {
    if out.to.is_empty() {
        return Err(anyhow!("a mail needs at least one recipient"));
    }
    let nfc = |s: &str| s.nfc().collect::<String>();
    let mut builder = Message::builder()
        .from(from.clone())
        .message_id(Some(format!("<{id}@{}>", from.email.domain())))
        .date_now()
        .header(AutoSubmitted)
        .subject(nfc(&out.subject));
    for to in &out.to {
        builder = builder.to(to.clone());
    }
    let message = builder
        .multipart(MultiPart::alternative_plain_html(
            nfc(&out.text),
            nfc(&out.html),
        ))
        .context("cannot build the mail")?;
    let envelope = message.envelope();
    let sender = envelope
        .from()
        .map(ToString::to_string)
        .ok_or_else(|| anyhow!("the mail has no sender"))?;
    let recipients = envelope.to().iter().map(ToString::to_string).collect();
    let message = String::from_utf8(message.formatted())
        .context("the rendered mail is not text (lettre encodes every part)")?;
    Ok(Composed {
        sender,
        recipients,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_names_and_text_are_encoded_to_seven_bit() {
        let from = mailbox("Hệ thống BMNN tỉnh Đồng Nai <bmnn@dongnai.example.vn>").unwrap();
        assert_eq!(from.name.as_deref(), Some("Hệ thống BMNN tỉnh Đồng Nai"));
        let out = Outgoing {
            to: vec![mailbox("vanthu@stc.dongnai.example.vn").unwrap()],
            subject: "[BMNN] Nhắc hạn nộp báo cáo".into(),
            text: "Kính gửi: Sở Tài chính\n".into(),
            html: "<p>Kính gửi: Sở Tài chính</p>".into(),
        };
        let c = compose("20261203.00000000000000ff", &from, &out).unwrap();
        assert!(c.message.is_ascii(), "{}", c.message);
        assert!(c
            .message
            .contains("Message-ID: <20261203.00000000000000ff@dongnai.example.vn>"));
        assert!(c.message.contains("multipart/alternative"));
        assert!(c.message.contains("Auto-Submitted: auto-generated"));
        assert!(!c.message.contains("Nhắc"), "the subject is encoded");
        assert_eq!(c.sender, "bmnn@dongnai.example.vn");
        assert_eq!(c.recipients, ["vanthu@stc.dongnai.example.vn"]);
        assert!(mailbox("Ban Chỉ đạo").is_err());
        let id = new_id("2026-12-03".parse().unwrap());
        assert!(id.starts_with("20261203.") && id.len() == 25, "{id}");
    }
}
