//! Where a queued mail goes: an SMTP relay (lettre; STARTTLS, implicit TLS or none; the
//! `[mail] ca` as the only trusted root when set; a login whose password comes from an
//! environment variable or a 0600 file), or, without a relay, an `.eml` file per mail in a
//! folder. Failures say what to check; a relay's 5xx answer to the sender, recipients or
//! content is final, every other failure (connection, TLS, login, 4xx) is worth retrying.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _};
use config::settings::{AggregatorSettings, MailSection, MailTls};
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, CertificateStore, Tls, TlsParameters};
use lettre::{SmtpTransport, Transport as _};

use super::queue::MailRow;

/// A send that did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// The relay refused the mail for good; retrying cannot help.
    pub permanent: bool,
    /// What went wrong and what to check.
    pub message: String,
}

/// The way out for queued mail.
#[allow(missing_debug_implementations)] // SmtpTransport is not Debug.
pub enum Transport {
    /// An SMTP relay.
    Smtp {
        inner: SmtpTransport,
        /// `host:port (mode)`, for messages.
        relay: String,
    },
    /// `.eml` files in a folder.
    Files { dir: PathBuf },
}

impl Transport {
    /// The relay of `[mail]`, or the `.eml` folder (`[mail] dir`, default `<data_dir>/mail`)
    /// when no host is set. Reads the CA and the password now: a bad one is reported before
    /// any mail is touched.
    pub fn from_settings(settings: &AggregatorSettings) -> anyhow::Result<Self> {
        let mail = settings.mail.as_ref();
        match mail.and_then(|m| m.host.as_deref().map(|h| (m, h))) {
            Some((m, host)) => smtp(m, host),
            None => Ok(Self::Files {
                dir: mail
                    .and_then(|m| m.dir.clone())
                    .unwrap_or_else(|| settings.node.data_dir.join("mail")),
            }),
        }
    }

    /// One line saying where mail goes.
    pub fn describe(&self) -> String {
        match self {
            Self::Smtp { relay, .. } => format!("SMTP {relay}"),
            Self::Files { dir } => format!("tệp .eml / .eml files in {}", dir.display()),
        }
    }

    /// Sends (or writes) one queued mail as stored.
    pub fn deliver(&self, row: &MailRow) -> Result<(), SendError> {
        match self {
            Self::Smtp { inner, relay } => {
                let envelope = envelope(row).map_err(|e| SendError {
                    permanent: true,
                    message: format!("{e:#}"),
                })?;
                inner
                    .send_raw(&envelope, row.message.as_bytes())
                    .map(|_| ())
                    .map_err(|e| classify(&e, relay))
            }
            Self::Files { dir } => write_eml(dir, row).map_err(|e| SendError {
                permanent: false,
                message: format!("{e:#}"),
            }),
        }
    }
}

fn smtp(mail: &MailSection, host: &str) -> anyhow::Result<Transport> {
    let mode = mail.tls_mode();
    let port = mail.port();
    let tls = match mode {
        MailTls::None => Tls::None,
        MailTls::Starttls | MailTls::Implicit => {
            let mut b = TlsParameters::builder(host.to_string());
            if let Some(ca) = &mail.ca {
                let pem = std::fs::read(ca).with_context(|| {
                    format!(
                        "cannot read [mail] ca {}: point it at the PEM file of the CA that signed \
                         the relay's certificate",
                        ca.display()
                    )
                })?;
                let cert = Certificate::from_pem(&pem).map_err(|e| {
                    anyhow!("[mail] ca {} is not a PEM certificate: {e}", ca.display())
                })?;
                // Only the private CA is trusted for this relay.
                b = b
                    .certificate_store(CertificateStore::None)
                    .add_root_certificate(cert);
            }
            let params = b
                .build_rustls()
                .map_err(|e| anyhow!("cannot set up TLS for the SMTP relay {host}: {e}"))?;
            if mode == MailTls::Implicit {
                Tls::Wrapper(params)
            } else {
                Tls::Required(params)
            }
        }
    };
    let mut builder = SmtpTransport::builder_dangerous(host)
        .port(port)
        .timeout(Some(mail.timeout()))
        .tls(tls);
    if let Some(creds) = credentials(mail)? {
        builder = builder.credentials(creds);
    }
    let mode_name = match mode {
        MailTls::Starttls => "STARTTLS",
        MailTls::Implicit => "TLS",
        MailTls::None => "no TLS",
    };
    Ok(Transport::Smtp {
        inner: builder.build(),
        relay: format!("{host}:{port} ({mode_name})"),
    })
}

/// The login of `[mail]`, the password read from the environment or the 0600 file.
fn credentials(mail: &MailSection) -> anyhow::Result<Option<Credentials>> {
    let Some(user) = &mail.username else {
        return Ok(None);
    };
    let password = match (&mail.password_env, &mail.password_file) {
        (Some(var), _) => std::env::var(var).map_err(|_| {
            anyhow!(
                "[mail] password_env names the environment variable {var}, which is not set: \
                 set it in the service's environment (the password never goes in the settings \
                 file)"
            )
        })?,
        (None, Some(path)) => secret_file(path)?,
        (None, None) => bail!("[mail] username needs password_env or password_file"),
    };
    if password.is_empty() {
        bail!("the SMTP password for [mail] username {user} is empty");
    }
    Ok(Some(Credentials::new(user.clone(), password)))
}

/// The first line of a file only its owner may read.
fn secret_file(path: &Path) -> anyhow::Result<String> {
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot read [mail] password_file {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            bail!(
                "[mail] password_file {} has mode {mode:03o}: others may read it. Run \
                 `chmod 600 {}` and try again",
                path.display(),
                path.display()
            );
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read [mail] password_file {}", path.display()))?;
    Ok(text.lines().next().unwrap_or_default().to_string())
}

fn envelope(row: &MailRow) -> anyhow::Result<Envelope> {
    let from = row
        .sender
        .parse()
        .map_err(|e| anyhow!("queued sender `{}`: {e}", row.sender))?;
    let to = row
        .recipients
        .split(',')
        .map(|a| {
            a.trim()
                .parse()
                .map_err(|e| anyhow!("queued recipient `{a}`: {e}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Envelope::new(Some(from), to).map_err(|e| anyhow!("queued envelope: {e}"))
}

/// What a failed SMTP exchange means, with what to check.
fn classify(e: &lettre::transport::smtp::Error, relay: &str) -> SendError {
    let mut message = format!("SMTP {relay}: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !message.contains(&text) {
            message.push_str(&format!(": {text}"));
        }
        source = s.source();
    }
    let code = e.status().map(u16::from);
    let login = matches!(code, Some(530 | 534 | 535 | 538));
    let hint = if e.is_tls() || tls_failure(e) {
        " — the TLS handshake failed: if the relay's certificate comes from a private CA, set \
         [mail] ca to that CA's PEM file; check that [mail] host is a name in the certificate \
         and that [mail] tls matches the port (starttls on 587, implicit on 465)"
    } else if login {
        " — the relay wants a login or refused it: check [mail] username and the password \
         given by password_env or password_file"
    } else if timed_out(e) {
        " — the relay did not answer in time ([mail] timeout_secs)"
    } else if e.is_client() {
        " — check [mail] tls and username against what the relay offers"
    } else if code.is_none() {
        " — cannot talk to the relay: is it running, and are [mail] host and port right?"
    } else {
        ""
    };
    message.push_str(hint);
    SendError {
        permanent: e.is_permanent() && !login,
        message,
    }
}

/// Whether the exchange timed out (a socket read timeout shows as `WouldBlock` on Linux).
fn timed_out(e: &lettre::transport::smtp::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::{TimedOut, WouldBlock};
            if matches!(io.kind(), TimedOut | WouldBlock) {
                return true;
            }
        }
        source = s.source();
    }
    e.is_timeout()
}

/// Whether a rustls error lies in the chain (rustls fails inside I/O, not as lettre's TLS
/// kind, once the handshake runs).
fn tls_failure(e: &lettre::transport::smtp::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let inner = s
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .map(|i| i as &(dyn std::error::Error + 'static));
        if s.is::<rustls::Error>() || inner.is_some_and(|i| i.is::<rustls::Error>()) {
            return true;
        }
        source = s.source();
    }
    false
}

/// Writes `<dir>/<id>.eml` (through a temporary file, so a crash leaves no half mail; writing
/// it again replaces it, so a retry never makes two).
fn write_eml(dir: &Path, row: &MailRow) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the mail folder {}", dir.display()))?;
    let path = dir.join(format!("{}.eml", row.id));
    let tmp = dir.join(format!(".{}.eml.tmp", row.id));
    std::fs::write(&tmp, row.message.as_bytes())
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_file_others_can_read_is_refused_and_never_echoed() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pw");
        std::fs::write(&path, "s3cr3t-Mật-khẩu\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = secret_file(&path).unwrap_err().to_string();
        assert!(e.contains("mode 644") && e.contains("chmod 600"), "{e}");
        assert!(!e.contains("s3cr3t"), "{e}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(secret_file(&path).unwrap(), "s3cr3t-Mật-khẩu");
    }

    #[test]
    fn a_missing_password_variable_is_named() {
        let mail = MailSection {
            host: Some("mail.b.vn".into()),
            port: None,
            tls: None,
            starttls: None,
            from: config::settings::Mailbox::parse("a@b.vn").unwrap(),
            ca: None,
            username: Some("u".into()),
            password_env: Some("BMNN_TEST_SURELY_UNSET_PASSWORD".into()),
            password_file: None,
            dir: None,
            timeout_secs: 30,
            retry_initial_secs: 60,
            retry_max_secs: 3600,
        };
        let e = credentials(&mail).map(|_| ()).unwrap_err().to_string();
        assert!(e.contains("BMNN_TEST_SURELY_UNSET_PASSWORD"), "{e}");
    }
}
