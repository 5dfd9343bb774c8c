//! Passwords and tokens: argon2id hashes (default parameters of the argon2 crate), random
//! session and CSRF tokens, and token hashing (only SHA-256 hashes of session tokens are
//! stored, so a copied database does not yield live sessions).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Checks the password policy; the message is Vietnamese, for the form.
pub fn check_password_policy(pw: &str) -> Result<(), String> {
    let n = pw.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(format!(
            "Mật khẩu phải có ít nhất {MIN_PASSWORD_CHARS} ký tự."
        ));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(format!(
            "Mật khẩu không được dài quá {MAX_PASSWORD_CHARS} ký tự."
        ));
    }
    Ok(())
}

pub fn hash_password(pw: &str) -> anyhow::Result<String> {
    let mut raw = [0u8; 16];
    aws_lc_rs::rand::fill(&mut raw).map_err(|_| anyhow::anyhow!("no system randomness"))?;
    let salt =
        SaltString::encode_b64(&raw).map_err(|e| anyhow::anyhow!("cannot encode the salt: {e}"))?;
    Argon2::default()
        .hash_password(pw.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))
}

pub fn verify_password(pw: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .is_ok_and(|h| Argon2::default().verify_password(pw.as_bytes(), &h).is_ok())
}

/// 256 random bits, base64url.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    aws_lc_rs::rand::fill(&mut b).expect("system randomness");
    URL_SAFE_NO_PAD.encode(b)
}

pub fn token_hash(token: &str) -> String {
    schema::Digest::of(token.as_bytes()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_hash_verifies_only_the_same_password() {
        let h = hash_password("mật khẩu dài đủ").unwrap();
        assert!(verify_password("mật khẩu dài đủ", &h));
        assert!(!verify_password("mật khẩu sai", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn short_password_is_refused() {
        assert!(check_password_policy("ngắn").is_err());
        assert!(check_password_policy("đủ dài rồi đấy").is_ok());
    }
}
