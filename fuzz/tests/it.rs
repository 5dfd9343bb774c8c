//! The short fuzzing run CI makes: every seed is valid where it should be, then a few thousand
//! mutated and random inputs per target, none of which may panic.

use fuzz::{Fixture, Options, Target};

/// Inputs per target in CI (the long run is documented in docs/fuzz.md).
const SHORT_RUN: u64 = 2_000;

#[test]
fn the_seeds_are_accepted_where_they_should_be() {
    let fx = Fixture::new(None).unwrap();
    let expected = [
        (Target::Envelope, "accepted"),
        (Target::Notice, "Review(Revie; verified 1"),
        (Target::TransferBundle, "opened, files 0: accepted"),
        (Target::BundlePlaintext, "opened, files 0: accepted"),
        (Target::ReceiptBundle, "imported"),
        (Target::Receipt, "ok,"),
    ];
    for (target, start) in expected {
        let first = &fuzz::seeds::seeds(&fx, target).unwrap()[0];
        let label = target.run(&fx, first);
        assert!(label.starts_with(start), "{}: {label}", target.name());
    }
    // The published vectors verify under their own root at the manifest's time (their annual
    // report predates the rule pack in force, so the pack may refuse it).
    let vectors = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/vectors");
    let valid = std::fs::read(vectors.join("envelope-valid.json")).unwrap();
    let label = Target::Envelope.run(&fx, &valid);
    assert!(
        !label.starts_with("verify") && !label.starts_with("decode"),
        "{label}"
    );
    let csr = &fuzz::seeds::seeds(&fx, Target::Enrol).unwrap()[0];
    assert!(Target::Enrol.run(&fx, csr).starts_with("pem: ok"));
}

#[test]
fn a_short_run_finds_no_panic() {
    let fx = Fixture::new(None).unwrap();
    let findings = tempfile::tempdir().unwrap();
    let opts = Options {
        iterations: SHORT_RUN,
        seed: 20261206,
        findings_dir: findings.path().to_path_buf(),
        max_corpus: 1024,
    };
    let mut failures = Vec::new();
    for target in Target::ALL {
        let report = fuzz::run(&fx, target, &opts).unwrap();
        eprintln!(
            "{}: {} inputs in {:.1} s, {} behaviours",
            target.name(),
            report.inputs,
            report.elapsed.as_secs_f64(),
            report.behaviours
        );
        assert_eq!(report.inputs, SHORT_RUN);
        failures.extend(
            report
                .findings
                .into_iter()
                .map(|f| format!("{}: {f:?}", target.name())),
        );
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
