//! `bmnn-aggregator`: the provincial or national aggregator's binary. Parses the command line
//! and hands each subcommand over; `pki` is the node's (`node::cli::pki`), reused as is.

use std::process::ExitCode;

use aggregator::cli::{
    bundle, consolidate, demo, enrol, gen, init, inspection, plan, publish, publish_rules,
    registry, remind, request, run,
};
use clap::{Parser, Subcommand};
use node::cli::pki::{self, PkiCommand};

/// BMNN aggregator: receives and consolidates the reports of a province or of the nation.
#[derive(Debug, Parser)]
#[command(name = "bmnn-aggregator", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Prepare an installation: data directory, database, key and certificate request (or
    /// import of the issued chain), and the unit registry of its scope.
    Init(init::InitArgs),
    /// Run the ingest service: children submit signed reports over mutual TLS.
    Serve(run::ConfigArg),
    /// Show the reports received, by kind and unit.
    Status(run::ConfigArg),
    /// Nhận gói chuyển giao USB / import a node's transfer bundle and write its receipt
    /// bundle (receipts and the unit's notices) for the drive.
    ImportBundle(bundle::ImportBundleArgs),
    /// Ghi thông báo cho đơn vị không kết nối mạng / write a unit's notices (returned reports
    /// and others) into a receipt bundle for its secure USB drive.
    NoticesBundle(bundle::NoticesBundleArgs),
    /// Phát hành CRL xuống cấp dưới / publish CRLs to the whole subtree as a signed trust
    /// notice (every tier installs them), and install them here.
    PublishCrl(publish::PublishCrlArgs),
    /// Ban hành bộ quy định / publish rule packs and holidays (the nation only) down the whole
    /// tree as a signed notice, after checking them as every receiver will.
    PublishRules(publish_rules::PublishRulesArgs),
    /// Yêu cầu báo cáo / issue a request (a report or a document by a date) to a scope,
    /// follow its answers, save an attached file.
    #[command(subcommand)]
    Request(request::RequestCommand),
    /// Mã đăng ký và chứng thư / one-time enrolment codes for units (create, list, revoke)
    /// and the inventory of the certificates this aggregator's CA issued.
    #[command(subcommand)]
    Enrol(enrol::EnrolCommand),
    /// Mail the reminders and escalations due today to units that have not reported.
    Remind(remind::RemindArgs),
    /// Consolidate the subtree's annual reports for a period; `--send` signs it and sends it up.
    Consolidate(consolidate::ConsolidateArgs),
    /// Try the whole system on one machine: a PKI, the national aggregator, Đồng Nai's (75)
    /// and Hà Tĩnh's (42) relaying to it, nodes of a few communes and departments, several
    /// years of seeded history, every web UI with demo logins, all in one process (Ctrl-C
    /// stops it; a re-run reuses the data).
    Demo(demo::DemoArgs),
    /// Fill the store with synthetic history (units and annual reports) for benchmarks and
    /// larger demos, with a progress bar.
    Gen(gen::GenArgs),
    /// Danh mục đơn vị / the unit registry: import, show, and restructure (merge, split,
    /// rename, move) with effect from a date.
    #[command(subcommand)]
    Registry(registry::RegistryCommand),
    /// Lập kế hoạch kiểm tra / plan an inspection campaign: scores, schedule, the plan (DOCX,
    /// HTML), one iCalendar per team, the notices (.eml); stores the plan and its notices.
    Plan(plan::PlanArgs),
    /// Kết quả kiểm tra / the inspection record: record or import findings, scores, overdue
    /// remediations, key units, send a result up, notices due.
    #[command(subcommand)]
    Inspection(inspection::InspectionCommand),
    /// Manage the private PKI: root, provincial CAs, leaf certificates, revocation.
    #[command(subcommand)]
    Pki(PkiCommand),
}

fn main() -> ExitCode {
    node::tls::install_crypto_provider();
    let cli = Cli::parse();
    node::cli::init_logging("warn,aggregator=info");
    let result = match cli.command {
        Command::Init(a) => init::run(a),
        Command::Serve(a) => run::serve(a),
        Command::Status(a) => run::status(a),
        Command::ImportBundle(a) => bundle::import_bundle(a),
        Command::NoticesBundle(a) => bundle::notices_bundle(a),
        Command::PublishCrl(a) => publish::publish_crl(a),
        Command::PublishRules(a) => publish_rules::publish_rules(a),
        Command::Request(cmd) => request::run(cmd),
        Command::Enrol(cmd) => enrol::run(cmd),
        Command::Consolidate(a) => consolidate::run(a),
        Command::Remind(a) => remind::run(a),
        Command::Demo(a) => demo::run(a),
        Command::Gen(a) => gen::run(a),
        Command::Registry(cmd) => registry::run(cmd),
        Command::Plan(a) => plan::run(a),
        Command::Inspection(cmd) => inspection::run(cmd),
        Command::Pki(cmd) => pki::run(cmd),
    };
    node::cli::exit(result)
}
