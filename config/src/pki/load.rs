//! Loading PEM material for the rest of the product (TLS configs, signature verification):
//! certificates, a private key and CRLs as rustls-pki-types values, with errors naming the file.

use std::fs;
use std::path::Path;

use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, PrivateKeyDer};

use super::PkiError;

fn read(path: &Path) -> Result<Vec<u8>, PkiError> {
    fs::read(path).map_err(|e| PkiError::io("read", path, e))
}

fn pem_error(path: &Path, what: &str, e: pem::Error) -> PkiError {
    match e {
        pem::Error::NoItemsFound => PkiError::bad_file(
            path,
            format!("no {what} PEM block found; check that this is the right file"),
        ),
        other => PkiError::bad_file(path, format!("malformed PEM ({other})")),
    }
}

fn load_all<T: PemObject>(path: &Path, what: &str) -> Result<Vec<T>, PkiError> {
    let bytes = read(path)?;
    let items = T::pem_slice_iter(&bytes)
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| pem_error(path, what, e))?;
    if items.is_empty() {
        return Err(pem_error(path, what, pem::Error::NoItemsFound));
    }
    Ok(items)
}

/// All `CERTIFICATE` blocks of a PEM file, in file order (leaf first in a chain file).
/// At least one must be present.
pub fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, PkiError> {
    load_all(path, "CERTIFICATE")
}

/// The first private key (`PRIVATE KEY`, PKCS#8; also SEC1 and PKCS#1) in a PEM file.
pub fn load_private_key(path: &Path) -> Result<PrivateKeyDer<'static>, PkiError> {
    let bytes = read(path)?;
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| pem_error(path, "PRIVATE KEY", e))
}

/// All `X509 CRL` blocks of a PEM file. At least one must be present.
pub fn load_crls(path: &Path) -> Result<Vec<CertificateRevocationListDer<'static>>, PkiError> {
    load_all(path, "X509 CRL")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let e = load_certs(&missing).unwrap_err().to_string();
        assert!(e.contains("missing.pem"), "{e}");

        let empty = dir.path().join("empty.pem");
        fs::write(&empty, "hello\n").unwrap();
        for e in [
            load_certs(&empty).unwrap_err().to_string(),
            load_private_key(&empty).unwrap_err().to_string(),
            load_crls(&empty).unwrap_err().to_string(),
        ] {
            assert!(e.contains("empty.pem") && e.contains("no "), "{e}");
        }
    }
}
