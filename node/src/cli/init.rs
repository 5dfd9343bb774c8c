//! `bmnn-node init`: prepares an installation from its settings file. Creates the data
//! directory and the database (running migrations); when the configured key does not exist,
//! makes an Ed25519 key and a certificate request for the provincial CA; with `--import-cert`,
//! installs the chain the CA sent back after checking it fits the key and the unit; with
//! `--enrol <URL> --code <CODE> --root-sha256 <FP>`, enrols over the network instead (EST, see
//! `crate::enrol`): key, root and chain written with no file carried by hand. Creates the
//! first admin user when there is none.

use std::io::BufRead as _;
use std::path::PathBuf;

use anyhow::{anyhow, bail, Context as _};
use clap::Args;
use config::pki::{self, Overwrite};
use config::settings::NodeSettings;

use crate::{auth, db};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The node's settings file (see config/node.example.toml).
    #[arg(long, env = "BMNN_CONFIG")]
    pub config: PathBuf,
    /// Install this certificate chain (leaf + intermediate, PEM) issued for our CSR.
    #[arg(long, value_name = "CHAIN_PEM", conflicts_with = "enrol")]
    pub import_cert: Option<PathBuf>,
    /// Enrol with the province: its enrolment address, e.g. https://pa03.dongnai.gov.vn:8444
    /// (printed on the code slip), with --code and --root-sha256.
    #[arg(long, value_name = "URL", requires_all = ["code", "root_sha256"])]
    pub enrol: Option<String>,
    /// The one-time enrolment code from the slip (e.g. 7KQ2M-…).
    #[arg(long, requires = "enrol")]
    pub code: Option<String>,
    /// The national root's SHA-256 fingerprint from the slip (hex, colons allowed).
    #[arg(long, requires = "enrol")]
    pub root_sha256: Option<String>,
    /// Login name of the first administrator (only when no user exists yet).
    #[arg(long, default_value = "admin")]
    pub admin_user: String,
    /// Display name of the first administrator.
    #[arg(long, default_value = "Quản trị hệ thống")]
    pub admin_name: String,
    /// Read the administrator's password from the first line of standard input; otherwise it
    /// is taken from the environment variable BMNN_ADMIN_PASSWORD.
    #[arg(long)]
    pub password_stdin: bool,
}

pub fn run(args: InitArgs) -> anyhow::Result<()> {
    let settings = NodeSettings::load(&args.config)?;
    std::fs::create_dir_all(&settings.node.data_dir).with_context(|| {
        format!(
            "cannot create the data directory {}",
            settings.node.data_dir.display()
        )
    })?;
    let url = settings.node.database_url();
    let pool = db::open_url(&url)?;
    println!("Cơ sở dữ liệu / database: {}", url.redacted());

    let tls = &settings.tls;
    if let (Some(url), Some(code), Some(fp)) = (&args.enrol, &args.code, &args.root_sha256) {
        super::enrol::run(&settings, url, code, fp)?;
    } else if let Some(chain) = &args.import_cert {
        import_cert(&settings.unit.id, tls, chain)?;
    } else {
        let stem = format!(
            "node-{}",
            settings.unit.id.as_str().replace(['/', '.'], "_")
        );
        prepare_key(&settings.unit.id, tls, &[], &[], &stem)?;
        if !tls.cert_chain.exists() {
            println!("Send the CSR to the provincial CA (PA03), then run:");
            println!(
                "  bmnn-node init --config {} --import-cert <chain.pem>",
                args.config.display()
            );
        }
    }

    ensure_admin(
        &pool,
        &args.admin_user,
        &args.admin_name,
        args.password_stdin,
    )
}

/// Creates the first administrator when the store has no user yet (the password from stdin or
/// `BMNN_ADMIN_PASSWORD`). Shared with `bmnn-aggregator init`, whose UI logs in the same way.
pub fn ensure_admin(
    pool: &db::DbPool,
    username: &str,
    display_name: &str,
    password_stdin: bool,
) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    if db::users::count(&mut conn)? == 0 {
        let password = read_password(password_stdin)?;
        auth::check_password_policy(&password)
            .map_err(|e| anyhow!("{e} / the password is too weak"))?;
        let hash = auth::hash_password(&password)?;
        conn.write_transaction(|c| {
            db::users::insert(
                c,
                &db::users::NewUser {
                    username,
                    display_name,
                    role: db::users::Role::Admin.code(),
                    password_hash: &hash,
                    created_at: db::now(),
                },
            )?;
            db::audit::append(c, "init", "create_user", username, "admin")
        })?;
        println!("Đã tạo tài khoản quản trị / admin user created: {username}");
    }
    Ok(())
}

fn read_password(stdin: bool) -> anyhow::Result<String> {
    if stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    std::env::var("BMNN_ADMIN_PASSWORD")
        .map_err(|_| anyhow!("no user exists yet: give the first admin's password with --password-stdin or BMNN_ADMIN_PASSWORD"))
}

/// Makes the key and a certificate request when the configured key does not exist yet; says
/// where things stand otherwise. Shared with `bmnn-aggregator init`.
pub fn prepare_key(
    unit: &schema::UnitId,
    tls: &config::settings::TlsSection,
    dns: &[String],
    ips: &[std::net::IpAddr],
    stem: &str,
) -> anyhow::Result<()> {
    if !tls.key.exists() {
        let dir = tls.key.parent().map(PathBuf::from).unwrap_or_default();
        let files = pki::generate_csr(unit, dns, ips, &dir, stem, Overwrite::Refuse)?;
        std::fs::rename(&files.key, &tls.key)
            .with_context(|| format!("cannot move the new key to {}", tls.key.display()))?;
        println!("Đã tạo khóa và yêu cầu cấp chứng thư / key and certificate request created:");
        println!("  key (0600): {}", tls.key.display());
        println!("  CSR: {}", files.csr.display());
    } else if !tls.cert_chain.exists() {
        println!(
            "Key {} exists; waiting for the certificate: run init with --import-cert <chain.pem>",
            tls.key.display()
        );
    } else {
        println!("Chứng thư / certificate: {}", tls.cert_chain.display());
    }
    Ok(())
}

/// Installs the chain the CA sent back, after checking it names `unit` and fits the key.
pub fn import_cert(
    unit: &schema::UnitId,
    tls: &config::settings::TlsSection,
    chain: &std::path::Path,
) -> anyhow::Result<()> {
    let certs = pki::load_certs(chain)?;
    let leaf = certs
        .first()
        .ok_or_else(|| anyhow!("{} holds no certificate", chain.display()))?;
    let named = schema::cert_unit_id(leaf).map_err(|e| anyhow!("{}: {e}", chain.display()))?;
    if &named != unit {
        bail!(
            "{} is for unit {named}, but this node is {unit}",
            chain.display()
        );
    }
    let key = pki::load_private_key(&tls.key)?;
    let rustls_pki_types::PrivateKeyDer::Pkcs8(k) = key else {
        bail!("{} is not a PKCS#8 key", tls.key.display());
    };
    schema::Signer::new(
        k.secret_pkcs8_der(),
        certs.iter().map(|c| c.to_vec()).collect(),
    )
    .map_err(|e| {
        anyhow!(
            "{} does not fit the key {}: {e}",
            chain.display(),
            tls.key.display()
        )
    })?;
    std::fs::copy(chain, &tls.cert_chain)
        .with_context(|| format!("cannot copy the chain to {}", tls.cert_chain.display()))?;
    println!(
        "Đã cài chứng thư / certificate installed: {}",
        tls.cert_chain.display()
    );
    Ok(())
}
