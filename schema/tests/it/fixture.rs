//! A small test PKI built with rcgen (the same library the product's `config::pki` uses):
//! root → intermediate per area → Ed25519 leaves naming their unit in a SAN URI. Validity is
//! fixed (2026-01-01 .. 2046-01-01) so committed test vectors stay verifiable.

use rcgen::{
    date_time_ymd, BasicConstraints, CertificateParams, CertificateRevocationListParams, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair, KeyUsagePurpose,
    RevokedCertParams, SanType, SerialNumber, PKCS_ED25519,
};
use schema::{Signer, Trust, UnitId};

pub struct Ca {
    pub issuer: Issuer<'static, KeyPair>,
    pub der: Vec<u8>,
    next_serial: u64,
}

pub struct Leaf {
    pub unit: UnitId,
    pub key_pkcs8: Vec<u8>,
    pub chain: Vec<Vec<u8>>,
    pub serial: u64,
}

impl Leaf {
    pub fn signer(&self) -> Signer {
        Signer::new(&self.key_pkcs8, self.chain.clone()).unwrap()
    }
}

fn base_params(cn: &str, serial: u64) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.distinguished_name
        .push(DnType::OrganizationName, "Bộ Công an");
    p.not_before = date_time_ymd(2026, 1, 1);
    p.not_after = date_time_ymd(2046, 1, 1);
    p.serial_number = Some(SerialNumber::from(serial));
    p
}

fn san(unit: &str) -> SanType {
    SanType::URI(
        schema::unit_san_uri(&UnitId::parse(unit).unwrap())
            .try_into()
            .unwrap(),
    )
}

impl Ca {
    pub fn root(cn: &str) -> Ca {
        let key = KeyPair::generate_for(&PKCS_ED25519).unwrap();
        let mut p = base_params(cn, 1);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let cert = p.self_signed(&key).unwrap();
        Ca {
            der: cert.der().to_vec(),
            issuer: Issuer::new(p, key),
            next_serial: 100,
        }
    }

    pub fn intermediate(&mut self, unit: &str) -> Ca {
        let key = KeyPair::generate_for(&PKCS_ED25519).unwrap();
        self.next_serial += 1;
        let mut p = base_params(&format!("BMNN CA {unit}"), self.next_serial);
        p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        p.subject_alt_names = vec![san(unit)];
        let cert = p.signed_by(&key, &self.issuer).unwrap();
        Ca {
            der: cert.der().to_vec(),
            issuer: Issuer::new(p, key),
            next_serial: 1000,
        }
    }

    pub fn leaf(&mut self, unit: &str) -> Leaf {
        let key = KeyPair::generate_for(&PKCS_ED25519).unwrap();
        self.next_serial += 1;
        let mut p = base_params(&format!("BMNN {unit}"), self.next_serial);
        p.subject_alt_names = vec![san(unit)];
        p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        p.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ClientAuth,
            ExtendedKeyUsagePurpose::ServerAuth,
        ];
        let cert = p.signed_by(&key, &self.issuer).unwrap();
        Leaf {
            unit: UnitId::parse(unit).unwrap(),
            key_pkcs8: key.serialize_der(),
            chain: vec![cert.der().to_vec(), self.der.clone()],
            serial: self.next_serial,
        }
    }

    /// A CRL revoking the given serials, DER.
    pub fn crl(&self, serials: &[u64]) -> Vec<u8> {
        let params = CertificateRevocationListParams {
            this_update: date_time_ymd(2026, 6, 1),
            next_update: date_time_ymd(2045, 6, 1),
            crl_number: SerialNumber::from(1u64),
            issuing_distribution_point: None,
            revoked_certs: serials
                .iter()
                .map(|s| RevokedCertParams {
                    serial_number: SerialNumber::from(*s),
                    revocation_time: date_time_ymd(2026, 6, 1),
                    reason_code: Some(rcgen::RevocationReason::KeyCompromise),
                    invalidity_date: None,
                })
                .collect(),
            key_identifier_method: KeyIdMethod::Sha256,
        };
        params.signed_by(&self.issuer).unwrap().der().to_vec()
    }
}

/// A whole test federation: national root, Đồng Nai (75) and another province (79).
pub struct Federation {
    pub root: Ca,
    pub ca75: Ca,
    pub ca79: Ca,
}

impl Federation {
    pub fn new() -> Self {
        let mut root = Ca::root("BMNN Root CA");
        let ca75 = root.intermediate("75");
        let ca79 = root.intermediate("79");
        Self { root, ca75, ca79 }
    }

    pub fn trust(&self) -> Trust {
        Trust::new(std::slice::from_ref(&self.root.der)).unwrap()
    }
}
