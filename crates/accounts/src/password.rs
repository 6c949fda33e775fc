//! Password hashing (argon2id, PHC strings) and the password rule.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::AccountError;

/// The shortest password accepted, in characters (a Chinese character counts one).
///
/// Why 15: NIST SP 800-63B-4 (2025) §3.1.1.2 requires at least 15 characters
/// for a password that is the only factor, as here (8 only beside a second
/// factor); length, not composition rules, is what makes a password hard to
/// guess. Passwords set before this rule keep working until changed.
pub const MIN_PASSWORD_CHARS: usize = 15;
/// The longest, so one request cannot make the server hash megabytes.
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// The lowest zxcvbn score accepted: 3, "safely unguessable: moderate
/// protection from offline slow-hash scenario" (about 10^8 guesses or more).
const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

/// Words of this product that a guesser tries first, besides the user's own.
const PRODUCT_WORDS: &[&str] = &["edugov", "jiaoyu", "jiaoyuju", "education", "bureau", "password"];

/// Checks the password rule (NIST SP 800-63B §3.1.1.2: length and a
/// blocklist, no composition rules): [`MIN_PASSWORD_CHARS`] to
/// [`MAX_PASSWORD_CHARS`] characters, and not common or guessable. The
/// blocklist is zxcvbn's (the most common passwords of public breaches,
/// English words and names, keyboard patterns, repeats, sequences and
/// dates), with `context` — the username and display name — and this
/// product's words added, as NIST asks for context-specific words.
pub fn check_password_rule(password: &str, context: &[&str]) -> Result<(), AccountError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AccountError::PasswordTooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(AccountError::PasswordTooLong);
    }
    let words: Vec<&str> = context
        .iter()
        .flat_map(|c| std::iter::once(*c).chain(c.split(['-', '_', '.', ' '])))
        .filter(|w| w.chars().count() >= 3)
        .chain(PRODUCT_WORDS.iter().copied())
        .collect();
    // zxcvbn reads the first 100 characters only, so this is bounded.
    if zxcvbn::zxcvbn(password, &words).score() < MIN_SCORE {
        return Err(AccountError::PasswordTooWeak);
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
    fn passwords_need_fifteen_characters() {
        assert_eq!(
            check_password_rule("mauve-otter-91", &[])
                .unwrap_err()
                .to_string(),
            "密码至少需要 15 个字符"
        );
        assert!(check_password_rule("mauve-otter-plank-91", &[]).is_ok());
        assert!(check_password_rule("教育局督导科的密码十分难以猜测吧", &[]).is_ok());
        assert!(check_password_rule(&"x".repeat(1025), &[]).is_err());
    }

    #[test]
    fn common_and_guessable_passwords_are_refused_whatever_their_length() {
        for weak in [
            "password12345678",
            "123456789012345",
            "qwertyuiopasdfgh",
            "aaaaaaaaaaaaaaaa",
            "iloveyou12345678",
            "abcdefghijklmnop",
            "1qaz2wsx3edc4rfv",
        ] {
            let err = check_password_rule(weak, &[]).unwrap_err();
            assert!(matches!(err, AccountError::PasswordTooWeak), "{weak}: {err}");
        }
        // The user's own name and this product's are among the first guesses.
        assert!(check_password_rule("zhangwei-zhangwei-2024", &["zhangwei", "张伟"]).is_err());
        assert!(check_password_rule("edugov123456789", &[]).is_err());
    }

    #[test]
    fn there_are_no_composition_rules() {
        // Only lower-case letters and spaces, or only digits that are not a pattern.
        assert!(check_password_rule("correct horse battery staple", &[]).is_ok());
        assert!(check_password_rule("8306 1947 2295 0617", &[]).is_ok());
    }
}
