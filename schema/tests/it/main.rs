//! Black-box tests of the contract: signing, verification, decoding errors, test vectors and
//! the committed JSON Schema.

mod fixture;
mod sample;

mod attachment;
mod decode;
mod envelope;
mod notice;
mod path_cache;
mod vectors;
mod wire_schema;
