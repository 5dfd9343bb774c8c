//! Cheap extra decoders: receipts on their own (decode, verify, and signed again by the
//! province so the checks after the signature are reached) and the certificate lifetime an
//! operator writes in the enrolment settings (`config::settings::Lifetime::parse`).

use schema::Receipt;

use crate::pki::Fixture;

pub fn receipt(fx: &Fixture, input: &[u8]) -> String {
    let receipt: Receipt = match schema::decode(input) {
        Ok(r) => r,
        Err(e) => return format!("decode: {e}"),
    };
    let received = verify(fx, &receipt);
    let mut body = receipt.body;
    body.receiver = fx.aggregator_unit.clone();
    let resigned = match Receipt::sign(body, &fx.aggregator) {
        Ok(r) => verify(fx, &r),
        Err(e) => format!("sign: {e}"),
    };
    format!("{received} | resigned {resigned}")
}

fn verify(fx: &Fixture, receipt: &Receipt) -> String {
    let results: Vec<&str> = fx
        .trusts
        .iter()
        .map(|(trust, at)| match receipt.verify(trust, *at) {
            Ok(()) => "ok",
            Err(e) => e.code(),
        })
        .collect();
    let _ = schema::encode(receipt);
    results.join(",")
}

pub fn lifetime(input: &[u8]) -> String {
    match config::settings::Lifetime::parse(&String::from_utf8_lossy(input)) {
        Ok(l) => format!("ok {l:?}"),
        Err(e) => e,
    }
}
