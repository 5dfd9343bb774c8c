//! Settings (TOML + `BMNN__SECTION__KEY` environment overrides), effective-dated rule packs,
//! Vietnam's administrative units, and PKI material (issuing and loading certificates).

pub mod pki;
pub mod rules;
pub mod settings;
pub mod units;
