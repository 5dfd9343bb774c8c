//! The fuzzing loop for one target: the seeds first, then mutated and random inputs from a
//! PRNG seeded by the run's seed and the target's name. Each input runs under
//! `catch_unwind`; a panic (or an anomaly label) is written to a file named after the target,
//! the seed and the input's number, and reported. There is no coverage feedback: an input
//! whose label (digits and quoted text removed) was never seen joins the corpus, so inputs
//! that reach a new error or a deeper check are mutated further.

use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::pki::Fixture;
use crate::rng::Rng;
use crate::targets::{Target, ANOMALY};
use crate::{mutate, seeds};

/// Findings written to files per target and kind (all are counted).
const SAVED_FINDINGS: usize = 5;

/// How a run is made.
#[derive(Debug, Clone)]
pub struct Options {
    pub iterations: u64,
    pub seed: u64,
    /// Where failing inputs are written.
    pub findings_dir: PathBuf,
    /// Most inputs kept for mutation (seeds included).
    pub max_corpus: usize,
}

/// A panic or an anomaly, and the file holding its input.
#[derive(Debug, Clone)]
pub struct Finding {
    pub panic: bool,
    pub message: String,
    pub input: u64,
    pub path: Option<PathBuf>,
}

/// What a run of one target gave.
#[derive(Debug, Clone)]
pub struct Report {
    pub target: Target,
    pub inputs: u64,
    pub elapsed: Duration,
    pub slowest: Duration,
    pub panics: u64,
    pub anomalies: u64,
    /// Distinct labels seen (a rough measure of the behaviours reached).
    pub behaviours: usize,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn rate(&self) -> f64 {
        self.inputs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

static PANIC_MESSAGE: Mutex<Option<String>> = Mutex::new(None);

/// Runs `target` as `opts` says.
pub fn run(fx: &Fixture, target: Target, opts: &Options) -> anyhow::Result<Report> {
    let seeds = seeds::seeds(fx, target)?;
    let mut corpus = seeds.clone();
    let mut seen = HashSet::new();
    let mut rng = Rng::derived(opts.seed, target.name());
    let mut report = Report {
        target,
        inputs: 0,
        elapsed: Duration::ZERO,
        slowest: Duration::ZERO,
        panics: 0,
        anomalies: 0,
        behaviours: 0,
        findings: Vec::new(),
    };
    let previous_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(remember_panic));
    let started = Instant::now();
    for i in 0..opts.iterations {
        let input = match seeds.get(i as usize) {
            Some(seed) => seed.clone(),
            None => mutate::next_input(&mut rng, &corpus, seeds.len()),
        };
        let one = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| target.run(fx, &input)));
        report.slowest = report.slowest.max(one.elapsed());
        report.inputs += 1;
        match outcome {
            Ok(label) if label.contains(ANOMALY) => {
                report.anomalies += 1;
                record(&mut report, opts, false, label, i, &input)?;
            }
            Ok(label) => {
                if seen.insert(normalize(&label)) {
                    keep(&mut corpus, seeds.len(), opts.max_corpus, input, &mut rng);
                }
            }
            Err(_) => {
                report.panics += 1;
                let message = PANIC_MESSAGE
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .take()
                    .unwrap_or_default();
                record(&mut report, opts, true, message, i, &input)?;
            }
        }
    }
    report.elapsed = started.elapsed();
    report.behaviours = seen.len();
    std::panic::set_hook(previous_hook);
    Ok(report)
}

/// The panic hook during a run: keeps the message and place instead of printing them.
fn remember_panic(info: &std::panic::PanicHookInfo<'_>) {
    let at = info.location().map(|l| l.to_string()).unwrap_or_default();
    let message = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_default();
    *PANIC_MESSAGE.lock().unwrap_or_else(|e| e.into_inner()) = Some(format!("{message} at {at}"));
}

/// Adds `input` to the corpus, or replaces a kept (non-seed) input when it is full.
fn keep(corpus: &mut Vec<Vec<u8>>, seeds: usize, max: usize, input: Vec<u8>, rng: &mut Rng) {
    if corpus.len() < max {
        corpus.push(input);
    } else if corpus.len() > seeds {
        let at = seeds + rng.below(corpus.len() - seeds);
        corpus[at] = input;
    }
}

/// Counts and, for the first few, writes the failing input to a file.
fn record(
    report: &mut Report,
    opts: &Options,
    panic: bool,
    message: String,
    input: u64,
    bytes: &[u8],
) -> anyhow::Result<()> {
    let kind = if panic { "panic" } else { "anomaly" };
    let saved = report.findings.iter().filter(|f| f.panic == panic).count();
    let path = if saved < SAVED_FINDINGS {
        std::fs::create_dir_all(&opts.findings_dir)?;
        let name = format!(
            "{}-{kind}-seed{}-input{input}.bin",
            report.target.name(),
            opts.seed
        );
        let path = opts.findings_dir.join(name);
        std::fs::write(&path, bytes)?;
        Some(path)
    } else {
        None
    };
    if let Some(path) = &path {
        eprintln!(
            "{}: {kind} on input {input} (seed {}): {message}\n  input written to {}",
            report.target.name(),
            opts.seed,
            path.display()
        );
    }
    report.findings.push(Finding {
        panic,
        message,
        input,
        path,
    });
    Ok(())
}

/// A label without the parts that merely echo the input (quoted text, digits), each of its
/// ` | ` parts cut to 64 characters.
pub fn normalize(label: &str) -> String {
    label
        .split(" | ")
        .map(|part| normalize_part(part).chars().take(64).collect::<String>())
        .collect::<Vec<_>>()
        .join(" | ")
}

fn normalize_part(label: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for c in label.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '`' || c == '"' => quote = Some(c),
            None if c.is_ascii_digit() => {
                if !out.ends_with('#') {
                    out.push('#');
                }
            }
            None => out.push(c),
        }
        if out.len() > 64 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_lose_what_echoes_the_input() {
        assert_eq!(
            normalize("decode: `75.x` is not a unit at line 1 column 23"),
            "decode:  is not a unit at line # column #"
        );
    }
}
