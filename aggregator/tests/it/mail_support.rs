//! Support for the mail tests: a real SMTP server (aiosmtpd, which `scripts/test` installs
//! and names in `BMNN_PYTHON`) on a free loopback port, plain, with STARTTLS or implicit TLS, optionally requiring a login;
//! received messages parsed by Python's `email` package (an independent MIME parser); an
//! aggregator for Đồng Nai with two agencies in its registry; and the `remind` command.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::support::federation::{Aggregator, Federation};
use crate::support::wait_until;

/// A free loopback port (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// How the test server protects the connection.
#[derive(Debug, Clone)]
pub enum Security {
    Plain,
    /// STARTTLS required, with this certificate chain and key.
    Starttls {
        chain: PathBuf,
        key: PathBuf,
    },
    /// TLS from the first byte, with a login required (user, password).
    ImplicitWithLogin {
        chain: PathBuf,
        key: PathBuf,
        user: String,
        password: String,
    },
}

/// SMTPS with a login: aiosmtpd's command line has no authenticator option.
const LOGIN_SERVER: &str = r#"
import asyncio, ssl, sys
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
port, maildir, chain, key, user, password = sys.argv[1:]
ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
ctx.load_cert_chain(chain, key)
def check(server, session, envelope, mechanism, data):
    ok = isinstance(data, LoginPassword) and data.login.decode() == user \
        and data.password.decode() == password
    return AuthResult(success=ok, handled=False)  # handled=False: answer 535 on failure
async def main():
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(
        lambda: SMTP(Mailbox(maildir), authenticator=check, auth_required=True,
                     auth_require_tls=False),  # the whole connection is TLS
        '127.0.0.1', int(port), ssl=ctx)
    await srv.serve_forever()
asyncio.run(main())
"#;

/// The Python that has aiosmtpd: `BMNN_PYTHON` (set by `scripts/test`), else `python3`.
pub fn python() -> Command {
    Command::new(std::env::var_os("BMNN_PYTHON").unwrap_or_else(|| "python3".into()))
}

/// Fails at once, saying what to install, when the Python has no aiosmtpd (it would otherwise
/// show as a timeout waiting for the server to listen).
fn require_aiosmtpd() {
    let ok = python()
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "aiosmtpd (a real SMTP server for the mail tests) is missing: run the tests with \
         `scripts/test`, which installs it, or `python3 -m pip install aiosmtpd`"
    );
}

/// A running aiosmtpd storing what it receives in a maildir.
pub struct Smtp {
    child: Child,
    pub maildir: PathBuf,
}

impl Smtp {
    pub fn start(dir: &Path, port: u16, security: Security) -> Smtp {
        require_aiosmtpd();
        let maildir = dir.join(format!("maildir-{port}"));
        let mut cmd = python();
        match &security {
            Security::ImplicitWithLogin {
                chain,
                key,
                user,
                password,
            } => {
                cmd.args(["-c", LOGIN_SERVER, &port.to_string()])
                    .arg(&maildir)
                    .args([chain, key])
                    .args([user, password]);
            }
            _ => {
                cmd.args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")]);
                if let Security::Starttls { chain, key } = &security {
                    cmd.arg("--tlscert").arg(chain).arg("--tlskey").arg(key);
                }
                cmd.args(["-c", "aiosmtpd.handlers.Mailbox"]).arg(&maildir);
            }
        }
        let child = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 (set BMNN_PYTHON or run `scripts/test`)");
        wait_until(Duration::from_secs(20), "the SMTP server to listen", || {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        Smtp { child, maildir }
    }

    /// The files of the messages received so far.
    pub fn files(&self) -> Vec<PathBuf> {
        list(&self.maildir.join("new"), "")
    }

    /// The messages received so far, parsed.
    pub fn messages(&self) -> Vec<Parsed> {
        self.files().iter().map(|f| parse(f)).collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The files in `dir` whose name ends with `suffix`, sorted.
pub fn list(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().path())
                .filter(|p| p.to_string_lossy().ends_with(suffix))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// A message as a mail client sees it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Parsed {
    /// The decoded subject.
    pub subject: String,
    /// `display name <address>` of each recipient (decoded).
    pub to: Vec<String>,
    pub content_type: String,
    pub plain: Option<String>,
    pub html: Option<String>,
    pub message_id: String,
    pub auto_submitted: Option<String>,
}

const PARSE: &str = r#"
import email, json, sys
from email import policy
from email.header import decode_header, make_header
from email.utils import getaddresses
raw = open(sys.argv[1], 'rb').read()
m = email.message_from_bytes(raw, policy=policy.default)
def part(kind):
    p = m.get_body(preferencelist=(kind,))
    if p is None or p.get_content_type() != 'text/' + kind:
        return None
    return p.get_content().replace('\r\n', '\n')
# Display names through decode_header, which joins adjacent encoded-words as RFC 2047 says
# (the default policy's address parser leaves a space between them).
old = email.message_from_bytes(raw)
to = ['%s <%s>' % (str(make_header(decode_header(n))), a)
      for n, a in getaddresses(old.get_all('to', []))]
print(json.dumps({
    'subject': str(m['subject']),
    'to': to,
    'content_type': m.get_content_type(),
    'plain': part('plain'),
    'html': part('html'),
    'message_id': str(m['message-id']),
    'auto_submitted': m['auto-submitted'] and str(m['auto-submitted']),
}))
"#;

/// Parses a message file with Python's `email` package.
pub fn parse(file: &Path) -> Parsed {
    let out = python().args(["-c", PARSE]).arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Đồng Nai's aggregator with `extra` settings sections, and Sở Nội vụ and Sở Tài chính
/// (officer and head addresses) registered under the province.
pub fn aggregator(fed: &Federation, extra: &str) -> Aggregator {
    let agg = fed.aggregator_with("75", "https://a03.bca.example.vn/", 1 << 20, extra);
    let mut conn = agg.pool.get().unwrap();
    aggregator::registry::import_admin_units(
        &mut conn,
        &schema::UnitId::parse("75").unwrap(),
        false,
    )
    .unwrap();
    let csv = fed.dir.path().join("agencies.csv");
    std::fs::write(
        &csv,
        "id,name,kind,parent,officer_email,head_email\n\
         75/so-noi-vu,Sở Nội vụ tỉnh Đồng Nai,Sở,75,vanthu@snv.dongnai.example.vn,giamdoc@snv.dongnai.example.vn\n\
         75/so-tai-chinh,Sở Tài chính tỉnh Đồng Nai,Sở,75,vanthu@stc.dongnai.example.vn,giamdoc@stc.dongnai.example.vn\n",
    )
    .unwrap();
    aggregator::registry::import_agencies_csv(&mut conn, &csv).unwrap();
    agg
}

/// `[mail]` for a plain relay on `port` that retries after 1 s.
pub fn plain_mail(port: u16) -> String {
    format!(
        "\n[mail]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\n\
         from = \"PA03 Công an tỉnh Đồng Nai <pa03@congan.dongnai.example.vn>\"\n\
         retry_initial_secs = 1\nretry_max_secs = 1\ntimeout_secs = 5\n"
    )
}

/// The output of one `remind` run.
pub struct Run {
    pub ok: bool,
    pub text: String,
}

/// Runs `bmnn-aggregator remind --today <today>` (plus `args`) on `agg`'s settings.
pub fn remind(agg: &Aggregator, today: &str, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
        .args(["remind", "--today", today])
        .args(args)
        .arg("--config")
        .arg(&agg.config)
        .output()
        .unwrap();
    Run {
        ok: out.status.success(),
        text: format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// The same, which must succeed.
pub fn remind_ok(agg: &Aggregator, today: &str) -> String {
    let r = remind(agg, today, &[]);
    assert!(r.ok, "{}", r.text);
    r.text
}

/// The mail queue's rows.
pub fn queue(agg: &Aggregator) -> Vec<aggregator::mail::MailRow> {
    aggregator::mail::queue::all(&mut agg.pool.get().unwrap()).unwrap()
}
