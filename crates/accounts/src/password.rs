//! Password hashing (argon2id, PHC strings) and the password rule.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::AccountError;

/// The shortest password accepted, in characters (a Chinese character counts one).
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest, so one request cannot make the server hash megabytes.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// Checks the password rule: at least [`MIN_PASSWORD_CHARS`] characters.
pub fn check_password_rule(password: &str) -> Result<(), AccountError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AccountError::PasswordTooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(AccountError::PasswordTooLong);
    }
    Ok(())
}

/// argon2id with the crate's defaults (m = 19 MiB, t = 2, p = 1: OWASP's
/// recommendation), version 0x13.
fn argon2() -> Argon2<'static> {
    Argon2::default()
}

/// Hashes a password with a fresh random salt; returns the PHC string
/// (`$argon2id$v=19$m=19456,t=2,p=1$…`). Does not check the password rule.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    let salt_bytes: [u8; 16] = crate::random_bytes()?;
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|e| AccountError::Hash(e.to_string()))?;
    let hash = argon2()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| AccountError::Hash(e.to_string()))?;
    Ok(hash.to_string())
}

/// Whether `password` matches a PHC string. The comparison is constant-time;
/// an unreadable hash is a mismatch.
pub fn verify_password(phc: &str, password: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(hash) => argon2().verify_password(password.as_bytes(), &hash).is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, with the same parameters as real ones:
/// unknown usernames are checked against it so they take as long as known ones.
pub(crate) fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let secret = crate::random_bytes::<16>()
            .map(|b| b.iter().map(|x| format!("{x:02x}")).collect::<String>())
            .unwrap_or_else(|_| "edugov-dummy-password".to_owned());
        // Hashing with a fixed salt cannot fail for these inputs; an empty
        // string (never verifies) would still be safe, only faster.
        SaltString::encode_b64(b"edugov-dummy-salt")
            .ok()
            .and_then(|salt| {
                argon2()
                    .hash_password(secret.as_bytes(), &salt)
                    .ok()
                    .map(|h| h.to_string())
            })
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = hash_password("正确的密码-correct").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(verify_password(&hash, "正确的密码-correct"));
        assert!(!verify_password(&hash, "正确的密码-correcT"));
        assert!(!verify_password("not a phc string", "x"));
        // Fresh salt every time.
        assert_ne!(hash, hash_password("正确的密码-correct").unwrap());
    }

    #[test]
    fn the_dummy_hash_has_the_real_parameters() {
        assert!(dummy_hash().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(!verify_password(dummy_hash(), ""));
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert_eq!(
            check_password_rule("short-pw1").unwrap_err().to_string(),
            "密码至少需要 10 个字符"
        );
        assert!(check_password_rule("0123456789").is_ok());
        assert!(check_password_rule("教育局督导科的密码十").is_ok());
        assert!(check_password_rule(&"x".repeat(1025)).is_err());
    }
}
