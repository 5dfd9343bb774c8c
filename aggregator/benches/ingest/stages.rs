//! Where one submission's CPU goes outside the database: each stage of the ingest's pipeline
//! timed alone on one thread over the same signed reports the clients send (the aggregator
//! runs them in this order; the database work is the remainder).

use std::time::Instant;

use schema::{Envelope, Protocol, Receipt, ReceiptBody, ReceiptOutcome, Signer, Trust, UnixTime};

/// Runs `f` over every body and returns the mean µs per report.
fn time<T>(bodies: &[&[u8]], mut f: impl FnMut(&[u8]) -> T) -> f64 {
    let start = Instant::now();
    for b in bodies {
        std::hint::black_box(f(b));
    }
    start.elapsed().as_secs_f64() * 1e6 / bodies.len() as f64
}

/// Prints a Markdown table of µs per report for each stage.
pub fn print(bodies: &[&[u8]], trust: &Trust, receiver: &Signer) {
    let rules = config::rules::RuleBook::embedded().unwrap();
    let now = UnixTime::now();
    let envs: Vec<Envelope> = bodies.iter().map(|b| schema::decode(b).unwrap()).collect();
    let mut next = 0;
    let mut each_env = |_: &[u8]| {
        next = (next + 1) % envs.len();
        &envs[next]
    };
    let first = envs[0].verify(trust, now).unwrap();
    let chain = x5c(&envs[0]);
    let rows: Vec<(&str, f64)> = vec![
        (
            "decode JSON into the contract types (NFC, bounds)",
            time(bodies, |b| schema::decode::<Envelope>(b).unwrap()),
        ),
        (
            "certificate path check alone (what the path cache saves)",
            time(bodies, |_| trust.verify_certificate(&chain, now).is_ok()),
        ),
        (
            "verify the envelope (canonical encodings, digest, Ed25519; path cached)",
            time(bodies, |b| {
                let e = each_env(b);
                e.verify(trust, now).unwrap()
            }),
        ),
        (
            "validate: contract rules and the rule pack of the period",
            time(bodies, |b| {
                let e = each_env(b);
                e.body.validate().unwrap();
                let pack = rules.pack_for(e.body.period.end()).unwrap();
                pack.validate_payload(&e.body.payload).unwrap()
            }),
        ),
        (
            "sign and encode the receipt",
            time(bodies, |b| {
                let e = each_env(b);
                let body = ReceiptBody {
                    protocol: Protocol::V1,
                    report_id: e.body.report_id.clone(),
                    digest: first.digest.clone(),
                    unit: e.body.unit.clone(),
                    receiver: receiver.unit().clone(),
                    received_at: aggregator::ingest::process::now_vn(),
                    outcome: ReceiptOutcome::Accepted,
                };
                schema::encode(&Receipt::sign(body, receiver).unwrap())
            }),
        ),
    ];
    println!();
    println!(
        "| one submission's stages, one thread, {} reports | µs per report |",
        bodies.len()
    );
    println!("|---|---|");
    let mut total = 0.0;
    for (label, us) in &rows {
        println!("| {label} | {us:.1} |");
        total += us;
    }
    let path = rows[1].1;
    println!(
        "| sum without the path check (as the ingest runs with the cache) | {:.1} |",
        total - path
    );
}

/// The signer's certificate chain (DER) out of an envelope's first signature header.
fn x5c(env: &Envelope) -> Vec<Vec<u8>> {
    use base64::Engine as _;
    let jws = env.signatures.as_slice()[0].as_str();
    let header = jws.split('.').next().unwrap();
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    v["x5c"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            base64::engine::general_purpose::STANDARD
                .decode(c.as_str().unwrap())
                .unwrap()
        })
        .collect()
}
