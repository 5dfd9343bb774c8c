//! The bundle's cryptography: the key conversion and the JWE round trip.

use super::*;

#[test]
fn concat_kdf_matches_rfc7518_appendix_c_shape() {
    // Same Z always gives the same key; different Z a different one.
    assert_eq!(concat_kdf(&[1; 32]), concat_kdf(&[1; 32]));
    assert_ne!(concat_kdf(&[1; 32]), concat_kdf(&[2; 32]));
}

#[test]
fn ed25519_to_x25519_conversion_agrees_on_both_sides() {
    let pkcs8 =
        aws_lc_rs::signature::Ed25519KeyPair::generate_pkcs8(&aws_lc_rs::rand::SystemRandom::new())
            .unwrap();
    let kp = aws_lc_rs::signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    use aws_lc_rs::signature::KeyPair as _;
    let ed_pub: [u8; 32] = kp.public_key().as_ref().try_into().unwrap();
    let x_pub = CompressedEdwardsY(ed_pub)
        .decompress()
        .unwrap()
        .to_montgomery()
        .to_bytes();
    let x_priv = x25519_private_of_pkcs8(pkcs8.as_ref()).unwrap();
    assert_eq!(
        x_priv.compute_public_key().unwrap().as_ref(),
        x_pub.as_slice()
    );
    let jwe = encrypt(b"Mat", &x_pub).unwrap();
    assert_eq!(decrypt(&jwe, &x_priv).unwrap(), b"Mat");
    let mut tampered = jwe.clone();
    tampered.pop();
    tampered.push(if jwe.ends_with('A') { 'B' } else { 'A' });
    assert!(decrypt(&tampered, &x_priv).is_err());
}
