//! `bmnn-node pki …` (also `bmnn-aggregator pki …`): the clap subcommands that run the
//! federation's private PKI on top of `config::pki`, and `run` that carries them out.

mod show;

use std::net::IpAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand, ValueEnum};
use config::pki::{
    assemble_identity, generate_csr, CaDir, LeafRequest, Overwrite, RevokeReason, Role, Serial,
};
use schema::UnitId;

/// Manage the private PKI: the national root, provincial CAs, leaf certificates, revocation.
#[derive(Debug, Subcommand)]
pub enum PkiCommand {
    /// Create the national root CA (BMNN Root CA, 20 years) in a directory. Keep it offline.
    InitRoot(InitRootArgs),
    /// Issue the intermediate CA of a province (e.g. 75), of central agencies (TW) or of the
    /// nation (VN), signed by the root.
    IssueCa(IssueCaArgs),
    /// Issue a leaf certificate with a new key for a node or aggregator (key, cert, chain and
    /// identity files).
    Issue(IssueArgs),
    /// Make a key and a certificate signing request for a unit (the key never leaves).
    Csr(CsrArgs),
    /// Sign a certificate signing request made by `pki csr`, taking the unit from it.
    Sign(SignArgs),
    /// Put a key and the chain its CA returned together into <NAME>.identity.pem.
    Identity(IdentityArgs),
    /// Revoke a certificate this CA issued (by file or serial) and rewrite the CRL.
    Revoke(RevokeArgs),
    /// Rewrite the CA's CRL (valid 7 days: run it regularly, e.g. daily from cron).
    Crl(CrlArgs),
    /// Print a certificate's subject, unit, issuer, serial, validity and, given a CRL,
    /// whether it is revoked.
    Show(show::ShowArgs),
}

fn parse_unit(raw: &str) -> Result<UnitId, String> {
    UnitId::parse(raw).map_err(|e| e.reason().to_string())
}

fn parse_serial(raw: &str) -> Result<Serial, String> {
    raw.parse::<Serial>().map_err(|e| e.to_string())
}

/// `--force`, shared by the commands that write keys or certificates.
#[derive(Debug, Clone, Copy, Args)]
pub struct ForceArg {
    /// Replace existing key and certificate files (the old ones become useless).
    #[arg(long)]
    force: bool,
}

impl ForceArg {
    fn overwrite(self) -> Overwrite {
        Overwrite::from_force(self.force)
    }
}

#[derive(Debug, Args)]
pub struct InitRootArgs {
    /// Directory for root.crt.pem, root.key.pem (0600), issued.jsonl, revoked.json, crl.pem.
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
    #[command(flatten)]
    force: ForceArg,
}

#[derive(Debug, Args)]
pub struct IssueCaArgs {
    /// The root CA's directory.
    #[arg(long, value_name = "DIR")]
    root: PathBuf,
    /// The unit of the CA: a province code (75), TW or VN.
    #[arg(long, value_name = "UNIT", value_parser = parse_unit)]
    unit: UnitId,
    /// Directory for the new CA: ca.crt.pem, ca.key.pem (0600), a copy of root.crt.pem, ...
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    force: ForceArg,
}

/// What a leaf is for.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    /// A reporting unit's node (TLS client).
    Node,
    /// An aggregator (TLS server and client).
    Aggregator,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Node => Role::Node,
            RoleArg::Aggregator => Role::Aggregator,
        }
    }
}

#[derive(Debug, Args)]
pub struct IssueArgs {
    /// The issuing intermediate CA's directory (its unit must contain --unit).
    #[arg(long, value_name = "DIR")]
    ca: PathBuf,
    /// The unit the certificate is for, e.g. 75.26041 or 75/so-noi-vu.
    #[arg(long, value_name = "UNIT", value_parser = parse_unit)]
    unit: UnitId,
    /// node: clientAuth; aggregator: clientAuth + serverAuth.
    #[arg(long, value_enum, default_value_t = RoleArg::Node)]
    role: RoleArg,
    /// A DNS name the holder serves TLS on (repeatable; adds serverAuth).
    #[arg(long = "dns", value_name = "NAME")]
    dns: Vec<String>,
    /// An IP address the holder serves TLS on (repeatable; adds serverAuth).
    #[arg(long = "ip", value_name = "ADDR")]
    ips: Vec<IpAddr>,
    /// Directory for the output files.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Stem of the output files [default: <ROLE>-<UNIT>, '/' as '_'].
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    #[command(flatten)]
    force: ForceArg,
}

#[derive(Debug, Args)]
pub struct CsrArgs {
    /// The unit requesting a certificate.
    #[arg(long, value_name = "UNIT", value_parser = parse_unit)]
    unit: UnitId,
    /// A DNS name to request (repeatable).
    #[arg(long = "dns", value_name = "NAME")]
    dns: Vec<String>,
    /// An IP address to request (repeatable).
    #[arg(long = "ip", value_name = "ADDR")]
    ips: Vec<IpAddr>,
    /// Directory for <NAME>.key.pem (0600) and <NAME>.csr.pem.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Stem of the output files [default: node-<UNIT>, '/' as '_'].
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    #[command(flatten)]
    force: ForceArg,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The issuing intermediate CA's directory.
    #[arg(long, value_name = "DIR")]
    ca: PathBuf,
    /// The request file (<NAME>.csr.pem).
    #[arg(long, value_name = "FILE")]
    csr: PathBuf,
    /// node: clientAuth; aggregator: clientAuth + serverAuth.
    #[arg(long, value_enum, default_value_t = RoleArg::Node)]
    role: RoleArg,
    /// Directory for <NAME>.crt.pem and <NAME>.chain.pem.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Stem of the output files [default: <ROLE>-<UNIT>].
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    #[command(flatten)]
    force: ForceArg,
}

#[derive(Debug, Args)]
pub struct IdentityArgs {
    /// Directory holding <NAME>.key.pem and <NAME>.chain.pem.
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
    /// Stem of the files.
    #[arg(long, value_name = "NAME")]
    name: String,
    #[command(flatten)]
    force: ForceArg,
}

/// Why a certificate is revoked.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReasonArg {
    Unspecified,
    KeyCompromise,
    CaCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    PrivilegeWithdrawn,
}

impl ReasonArg {
    fn reason(self) -> anyhow::Result<RevokeReason> {
        let name = self
            .to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default();
        Ok(name.parse()?)
    }
}

#[derive(Debug, Args)]
pub struct RevokeArgs {
    /// The CA that issued the certificate.
    #[arg(long, value_name = "DIR")]
    ca: PathBuf,
    /// The certificate to revoke (PEM).
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "serial",
        conflicts_with = "serial"
    )]
    cert: Option<PathBuf>,
    /// The serial to revoke, in hex as `pki show` prints it.
    #[arg(long, value_name = "HEX", value_parser = parse_serial)]
    serial: Option<Serial>,
    /// Why.
    #[arg(long, value_enum, default_value_t = ReasonArg::Unspecified)]
    reason: ReasonArg,
}

#[derive(Debug, Args)]
pub struct CrlArgs {
    /// The CA whose CRL to rewrite.
    #[arg(long, value_name = "DIR")]
    ca: PathBuf,
}

fn open(dir: &std::path::Path) -> anyhow::Result<CaDir> {
    Ok(CaDir::open(dir)?)
}

/// Carries out one `pki` subcommand, printing what it wrote.
pub fn run(cmd: PkiCommand) -> anyhow::Result<()> {
    match cmd {
        PkiCommand::InitRoot(a) => {
            let ca = CaDir::init_root(&a.dir, a.force.overwrite())
                .context("cannot create the root CA")?;
            println!("root CA created in {}", ca.dir().display());
            println!(
                "  certificate: {} (the trust anchor; give it to every node)",
                ca.cert_path().display()
            );
            println!(
                "  key:         {} (0600; keep this machine offline)",
                ca.dir().join("root.key.pem").display()
            );
            println!("  valid until: {}", ca.not_after().format("%Y-%m-%d"));
        }
        PkiCommand::IssueCa(a) => {
            let root = open(&a.root)?;
            let ca = root
                .issue_intermediate(&a.unit, &a.out, a.force.overwrite())
                .with_context(|| format!("cannot issue the CA of unit {}", a.unit))?;
            println!("CA of unit {} created in {}", a.unit, ca.dir().display());
            println!("  certificate: {}", ca.cert_path().display());
            println!(
                "  key:         {} (0600)",
                ca.dir().join("ca.key.pem").display()
            );
            println!("  valid until: {}", ca.not_after().format("%Y-%m-%d"));
        }
        PkiCommand::Issue(a) => {
            let ca = open(&a.ca)?;
            let req = LeafRequest {
                unit: a.unit.clone(),
                role: a.role.into(),
                dns: a.dns,
                ips: a.ips,
            };
            let name = a.name.unwrap_or_else(|| req.default_name());
            let leaf = ca
                .issue_leaf(&req, &a.out, &name, a.force.overwrite())
                .with_context(|| format!("cannot issue a certificate for unit {}", a.unit))?;
            println!("{} certificate issued for unit {}", req.role, leaf.unit);
            println!("  serial:      {}", leaf.serial);
            println!("  valid until: {}", leaf.not_after.format("%Y-%m-%d"));
            println!("  key:         {} (0600)", leaf.key.display());
            println!("  certificate: {}", leaf.cert.display());
            println!(
                "  chain:       {} (leaf + CA, what TLS sends)",
                leaf.chain.display()
            );
            println!(
                "  identity:    {} (0600, key + chain)",
                leaf.identity.display()
            );
        }
        PkiCommand::Csr(a) => {
            let name = a
                .name
                .unwrap_or_else(|| LeafRequest::node(a.unit.clone()).default_name());
            let files = generate_csr(&a.unit, &a.dns, &a.ips, &a.out, &name, a.force.overwrite())
                .with_context(|| {
                format!("cannot make a signing request for unit {}", a.unit)
            })?;
            println!("signing request made for unit {}", files.unit);
            println!("  key:     {} (0600; stays here)", files.key.display());
            println!(
                "  request: {} (send it to the CA: `pki sign`)",
                files.csr.display()
            );
        }
        PkiCommand::Sign(a) => {
            let ca = open(&a.ca)?;
            let pem = std::fs::read_to_string(&a.csr)
                .with_context(|| format!("cannot read {}", a.csr.display()))?;
            let signed = ca
                .sign_csr(
                    &pem,
                    a.role.into(),
                    &a.out,
                    a.name.as_deref(),
                    a.force.overwrite(),
                )
                .with_context(|| format!("cannot sign {}", a.csr.display()))?;
            println!("certificate issued for unit {}", signed.unit);
            println!("  serial:      {}", signed.serial);
            println!("  valid until: {}", signed.not_after.format("%Y-%m-%d"));
            println!("  certificate: {}", signed.cert.display());
            println!(
                "  chain:       {} (send it back to the unit)",
                signed.chain.display()
            );
        }
        PkiCommand::Identity(a) => {
            let path = assemble_identity(&a.dir, &a.name, a.force.overwrite())
                .context("cannot assemble the identity file")?;
            println!("identity written to {} (0600)", path.display());
        }
        PkiCommand::Revoke(a) => {
            let ca = open(&a.ca)?;
            let serial = match (a.serial, &a.cert) {
                (Some(s), _) => s,
                (None, Some(cert)) => Serial::of_cert_file(cert)?,
                (None, None) => {
                    anyhow::bail!("give the certificate to revoke with --cert or --serial")
                }
            };
            let r = ca.revoke(&serial, a.reason.reason()?)?;
            if r.newly_revoked {
                println!(
                    "revoked {} (unit {}, {})",
                    serial, r.entry.unit, r.entry.reason
                );
            } else {
                println!(
                    "{} was already revoked on {} ({}); nothing changed",
                    serial,
                    r.entry.revoked_at.format("%Y-%m-%d %H:%M UTC"),
                    r.entry.reason
                );
            }
            print_crl(&ca)?;
        }
        PkiCommand::Crl(a) => print_crl(&open(&a.ca)?)?,
        PkiCommand::Show(a) => show::run(&a)?,
    }
    Ok(())
}

fn print_crl(ca: &CaDir) -> anyhow::Result<()> {
    let crl = ca.write_crl().context("cannot write the CRL")?;
    println!(
        "CRL #{} written to {}: {} revoked, next update due {}",
        crl.number,
        crl.path.display(),
        crl.revoked,
        crl.next_update.format("%Y-%m-%d %H:%M UTC")
    );
    Ok(())
}
