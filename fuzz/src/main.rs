//! `cargo run --release -p fuzz -- --target all --iterations 1000000 --seed 1`: runs the
//! fuzz targets and prints, per target, the inputs run, the time, the rate and the panics
//! found. Exits with 1 when anything panicked. `--replay FILE` runs one saved input without
//! catching its panic, to see the backtrace.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use fuzz::{Fixture, Options, Target};

#[derive(Debug, Parser)]
#[command(about = "Mutation fuzzing of the BMNN decoders on the stable toolchain")]
struct Args {
    /// A target name (envelope, notice, transfer-bundle, bundle-plaintext, receipt-bundle,
    /// enrol, receipt, lifetime) or `all`.
    #[arg(long, default_value = "all")]
    target: String,
    /// Inputs per target (the seeds included).
    #[arg(long, default_value_t = 10_000)]
    iterations: u64,
    /// Seed of the input generator: the same seed (and `--pki`) gives the same inputs.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Keep the test PKI in this directory (created on first use) instead of a fresh one.
    #[arg(long)]
    pki: Option<PathBuf>,
    /// Where inputs that panicked are written.
    #[arg(long, default_value = "fuzz-findings")]
    findings: PathBuf,
    /// Most inputs kept for mutation per target.
    #[arg(long, default_value_t = 4096)]
    max_corpus: usize,
    /// Run this one input through `--target` without catching a panic, and print its label.
    #[arg(long)]
    replay: Option<PathBuf>,
}

fn main() -> anyhow::Result<ExitCode> {
    let args = Args::parse();
    let targets = Target::select(&args.target)
        .ok_or_else(|| anyhow::anyhow!("no target named {}", args.target))?;
    let fx = Fixture::new(args.pki.as_deref())?;
    if let Some(path) = &args.replay {
        let input = std::fs::read(path)?;
        for t in targets {
            println!("{}: {}", t.name(), t.run(&fx, &input));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let opts = Options {
        iterations: args.iterations,
        seed: args.seed,
        findings_dir: args.findings,
        max_corpus: args.max_corpus,
    };
    println!("| target | inputs | time (s) | inputs/s | panics | anomalies | behaviours | slowest (ms) |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut failed = false;
    for t in targets {
        let r = fuzz::run(&fx, t, &opts)?;
        failed |= r.panics > 0;
        println!(
            "| {} | {} | {:.1} | {:.0} | {} | {} | {} | {:.1} |",
            t.name(),
            r.inputs,
            r.elapsed.as_secs_f64(),
            r.rate(),
            r.panics,
            r.anomalies,
            r.behaviours,
            r.slowest.as_secs_f64() * 1000.0
        );
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
