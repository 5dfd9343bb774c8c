//! `pki show`: prints what a certificate says (subject, unit, issuer, serial, validity, names,
//! usages) and, given a CRL, whether it is revoked.

use std::path::PathBuf;

use anyhow::Context;
use chrono::Utc;
use clap::Args;
use config::pki::{inspect_file, load_crls, RevocationState};

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The certificate (PEM; the first certificate of a chain file).
    #[arg(value_name = "CERT")]
    cert: PathBuf,
    /// A CRL file (the issuing CA's crl.pem) to check revocation against.
    #[arg(long, value_name = "FILE")]
    crl: Option<PathBuf>,
}

pub(super) fn run(a: &ShowArgs) -> anyhow::Result<()> {
    let info = inspect_file(&a.cert)?;
    let now = Utc::now();
    let unit = match &info.unit {
        Some(u) => format!("{u} ({})", u.tier().label_vi()),
        None => "none (no urn:bmnn:unit SAN: a root certificate?)".into(),
    };
    let state = if now < info.not_before {
        " (not yet valid)"
    } else if now > info.not_after {
        " (EXPIRED)"
    } else {
        ""
    };
    let mut names: Vec<String> = info.dns.iter().map(|d| format!("DNS:{d}")).collect();
    names.extend(info.ips.iter().map(|ip| format!("IP:{ip}")));

    println!("subject:    {}", info.subject);
    println!("unit:       {unit}");
    println!("issuer:     {}", info.issuer);
    println!("serial:     {}", info.serial);
    println!(
        "validity:   {} to {}{state}",
        info.not_before.format("%Y-%m-%d %H:%M UTC"),
        info.not_after.format("%Y-%m-%d %H:%M UTC")
    );
    println!("ca:         {}", if info.is_ca { "yes" } else { "no" });
    if !names.is_empty() {
        println!("names:      {}", names.join(", "));
    }
    if !info.usages.is_empty() {
        println!("usages:     {}", info.usages.join(", "));
    }

    let Some(crl_path) = &a.crl else {
        println!("revocation: not checked (pass --crl <FILE>)");
        return Ok(());
    };
    let crls = load_crls(crl_path)?;
    let revocation = info
        .revocation(&crls)
        .with_context(|| format!("cannot read {}", crl_path.display()))?;
    match revocation {
        RevocationState::Revoked { at, reason } => println!(
            "revocation: REVOKED on {} ({})",
            at.format("%Y-%m-%d %H:%M UTC"),
            reason.unwrap_or_else(|| "no reason given".into())
        ),
        RevocationState::NotRevoked {
            crl_number,
            this_update,
            next_update,
        } => {
            let stale = next_update.is_some_and(|n| n < now);
            println!(
                "revocation: not revoked (CRL #{} of {}{})",
                crl_number.unwrap_or_else(|| "?".into()),
                this_update.format("%Y-%m-%d %H:%M UTC"),
                if stale {
                    "; this CRL is out of date, get a fresh one"
                } else {
                    ""
                }
            );
        }
        RevocationState::NoCrlFromIssuer => println!(
            "revocation: unknown ({} is not from this certificate's issuer)",
            crl_path.display()
        ),
    }
    Ok(())
}
