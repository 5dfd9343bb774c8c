//! The enrolment request: the PKCS#10 CSR an enrolling node sends (`config::pki::csr_unit`,
//! the check the province makes before signing), taken both as PEM text and as DER wrapped
//! into PEM the way the EST endpoint wraps an `application/pkcs10` body; and the root
//! fingerprint an operator copies from the enrolment slip (`config::pki::parse_fingerprint`).

use config::pki::{csr_unit, keyfile, parse_fingerprint};

pub fn run(input: &[u8]) -> String {
    let text = String::from_utf8_lossy(input);
    let as_pem = label(csr_unit(&text));
    let as_der = label(csr_unit(&keyfile::pem("CERTIFICATE REQUEST", input)));
    let fingerprint = parse_fingerprint(&text).is_some();
    format!("pem: {as_pem} | der: {as_der} | fingerprint {fingerprint}")
}

fn label<T: std::fmt::Debug, E: std::fmt::Display>(r: Result<T, E>) -> String {
    match r {
        Ok(v) => format!("ok {v:?}"),
        Err(e) => e.to_string(),
    }
}
