//! Reminders by mail through a real SMTP server (aiosmtpd, `pip install aiosmtpd`): on a
//! reminder day, only the unit that has not reported is written to, in Vietnamese, and running
//! the schedule again sends nothing twice.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use base64::Engine as _;

use crate::support::federation::Federation;
use crate::support::report::annual;
use crate::support::{runtime, wait_until};

struct Smtp {
    child: Child,
    port: u16,
    maildir: std::path::PathBuf,
}

impl Smtp {
    fn start(dir: &std::path::Path) -> Smtp {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let maildir = dir.join("maildir");
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
            ])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (pip install aiosmtpd)");
        wait_until(Duration::from_secs(20), "the SMTP server to listen", || {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        Smtp {
            child,
            port,
            maildir,
        }
    }

    fn messages(&self) -> Vec<String> {
        let new = self.maildir.join("new");
        std::fs::read_dir(new)
            .map(|d| {
                d.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Decodes RFC 2047 base64 encoded-words (`=?utf-8?b?…?=`) in a header line.
fn decode_words(line: &str) -> String {
    let mut out = String::new();
    for part in line.split_whitespace() {
        let lower = part.to_ascii_lowercase();
        if lower.starts_with("=?utf-8?b?") && part.ends_with("?=") {
            let b = base64::engine::general_purpose::STANDARD
                .decode(&part[10..part.len() - 2])
                .unwrap();
            out.push_str(&String::from_utf8(b).unwrap());
        } else {
            out.push_str(part);
            out.push(' ');
        }
    }
    out
}

#[test]
fn reminder_day_mails_only_the_units_that_have_not_reported_and_never_twice() {
    let fed = Federation::new();
    let smtp = Smtp::start(fed.dir.path());
    let mail = format!(
        "\n[mail]\nhost = \"127.0.0.1\"\nport = {}\nstarttls = false\nfrom = \"PA03 Dong Nai <pa03@congan.dongnai.example.vn>\"\n",
        smtp.port
    );
    let agg = fed.aggregator_with("75", "https://a03.bca.example.vn/", 1 << 20, &mail);
    {
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
    }
    // Sở Nội vụ reports; Sở Tài chính does not.
    let inst = fed.node("75/so-noi-vu", agg.port);
    let node = inst.open();
    inst.queue(&node, annual("75/so-noi-vu"));
    assert_eq!(
        runtime()
            .block_on(node.pusher.push_once())
            .unwrap()
            .delivered,
        1
    );

    let remind = |today: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
            .args(["remind", "--today", today, "--period", "2026", "--config"])
            .arg(&agg.config)
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "{text}");
        text
    };
    // 3 Dec 2026 is a Thursday, 7 days before the 10 Dec deadline.
    let out = remind("2026-12-03");
    assert!(out.contains("1 due, 1 sent"), "{out}");
    let out = remind("2026-12-03");
    assert!(
        out.contains("1 due, 0 sent"),
        "the second run sends nothing: {out}"
    );
    // 5 Dec is a Saturday: no reminders.
    assert!(remind("2026-12-05").contains("0 due"));

    wait_until(Duration::from_secs(10), "the mail in the maildir", || {
        smtp.messages().len() == 1
    });
    let msg = &smtp.messages()[0];
    assert!(msg.contains("vanthu@stc.dongnai.example.vn"), "{msg}");
    assert!(
        !msg.contains("snv.dongnai"),
        "the unit that reported is not written to"
    );
    // The header may be folded over several lines (continuations start with whitespace).
    let mut lines = msg.lines().skip_while(|l| !l.starts_with("Subject:"));
    let mut subject = lines.next().unwrap().to_string();
    for l in lines.take_while(|l| l.starts_with(' ') || l.starts_with('\t')) {
        subject.push(' ');
        subject.push_str(l.trim());
    }
    let subject = decode_words(&subject);
    assert!(
        subject.contains("Nhắc hạn") && subject.contains("10/12/2026"),
        "{subject}"
    );
}
