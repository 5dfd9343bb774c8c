//! `bmnn-aggregator init`: prepares an aggregator's installation from its settings file: the
//! data directory and the database (migrations), an Ed25519 key and a certificate request
//! carrying the names it serves TLS on (or, with `--import-cert`, the chain its CA sent back),
//! and the unit registry of its scope (the 2025 administrative units; `--legacy` adds the
//! units before 1 July 2025 and their successions). Running it again changes nothing.

use std::net::IpAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use config::settings::AggregatorSettings;

use crate::{registry, store};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The aggregator's settings file (see config/aggregator.example.toml).
    #[arg(long, env = "BMNN_CONFIG")]
    pub config: PathBuf,
    /// A DNS name children reach this aggregator at (repeatable), for the certificate request.
    #[arg(long = "dns", value_name = "NAME")]
    pub dns: Vec<String>,
    /// An IP address children reach this aggregator at (repeatable).
    #[arg(long = "ip", value_name = "ADDR")]
    pub ips: Vec<IpAddr>,
    /// Install this certificate chain (leaf + intermediate, PEM) issued for our request.
    #[arg(long, value_name = "CHAIN_PEM")]
    pub import_cert: Option<PathBuf>,
    /// Also load the legacy units (before 1 July 2025) of the scope, with their successions.
    #[arg(long)]
    pub legacy: bool,
    /// Create the web UI's first administrator (when no user exists) with this login; the
    /// password comes from BMNN_ADMIN_PASSWORD or, with --password-stdin, standard input.
    #[arg(long, value_name = "LOGIN")]
    pub admin_user: Option<String>,
    /// Read the administrator's password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

pub fn run(args: InitArgs) -> anyhow::Result<()> {
    let settings = AggregatorSettings::load(&args.config)?;
    let url = store::database_url(&settings);
    let pool = store::open_url(&url)?;
    println!("Cơ sở dữ liệu / database: {}", url.redacted());

    let unit = &settings.unit.id;
    match &args.import_cert {
        Some(chain) => node::cli::init::import_cert(unit, &settings.tls, chain)?,
        None => {
            let stem = format!("aggregator-{}", unit.as_str().replace(['/', '.'], "_"));
            node::cli::init::prepare_key(unit, &settings.tls, &args.dns, &args.ips, &stem)?;
            if !settings.tls.cert_chain.exists() {
                println!("Send the CSR to the CA above you, to be signed with `pki sign --role aggregator`, then run:");
                println!(
                    "  bmnn-aggregator init --config {} --import-cert <chain.pem>",
                    args.config.display()
                );
            }
        }
    }

    let mut conn = pool.get().context("cannot get a database connection")?;
    let summary = conn.write_transaction(|c| -> anyhow::Result<_> {
        let s = registry::import_admin_units(c, unit, args.legacy)?;
        node::db::audit::append(
            c,
            "init",
            "registry_import",
            unit.as_str(),
            &format!("{} added", s.units_added),
        )?;
        Ok(s)
    })?;
    println!(
        "Danh mục đơn vị / registry of {unit}: {} units read, {} added, {} successions added",
        summary.units_read, summary.units_added, summary.successions_added
    );
    match &args.admin_user {
        Some(user) if settings.tls.cert_chain.exists() => {
            let own = crate::relay::own_node(&settings)?;
            node::cli::init::ensure_admin(
                &own.pool,
                user,
                "Quản trị hệ thống",
                args.password_stdin,
            )?;
        }
        Some(_) => println!(
            "The web UI's administrator is created once the certificate is installed (run init \
             again with --import-cert and --admin-user)."
        ),
        None => println!(
            "Web UI users: run init with --admin-user <login> (password from BMNN_ADMIN_PASSWORD \
             or --password-stdin) to create the first administrator."
        ),
    }
    Ok(())
}
