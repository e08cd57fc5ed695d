//! Session tokens: random strings from the OS CSPRNG over tmate's unambiguous alphabet, long
//! enough for 150 bits, with a separate read-only token; and the viewer-side syntax check.

use rand::RngExt;

/// tmate's alphabet: no 0/O, 1/l/I, i, o look-alikes (55 characters).
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// 26 characters of 55 give 26 * log2(55) = 150.3 bits (the original used 25, 144.5 bits).
pub const TOKEN_LEN: usize = 26;
pub const READ_ONLY_PREFIX: &str = "ro-";

/// A fresh random token.
pub fn generate() -> String {
    let mut rng = rand::rng();
    (0..TOKEN_LEN)
        .map(|_| {
            let index = rng.random_range(0..ALPHABET.len());
            char::from(ALPHABET.get(index).copied().unwrap_or(b'a'))
        })
        .collect()
}

/// A read-write token and its read-only twin.
pub fn generate_pair() -> (String, String) {
    (generate(), format!("{READ_ONLY_PREFIX}{}", generate()))
}

/// The user names that can be tokens: `[A-Za-z0-9_/-]`, 1-128 characters (random tokens,
/// `ro-` ones, session names of 1-50 characters, `USER/NAME`).
pub fn is_well_formed(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'/' || b == b'-')
}

/// Only the first characters of a token go into logs.
pub fn redact(token: &str) -> String {
    let shown: String = token
        .chars()
        .take(if token.starts_with(READ_ONLY_PREFIX) {
            7
        } else {
            4
        })
        .collect();
    format!("{shown}...")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_use_the_alphabet_and_length() {
        let (rw, ro) = generate_pair();
        assert_eq!(rw.len(), TOKEN_LEN);
        assert_eq!(ro.len(), TOKEN_LEN + 3);
        assert!(ro.starts_with("ro-"));
        assert!(rw.bytes().all(|b| ALPHABET.contains(&b)));
        assert!(is_well_formed(&rw) && is_well_formed(&ro));
        assert_ne!(generate(), generate());
        assert!((TOKEN_LEN as f64) * (ALPHABET.len() as f64).log2() >= 150.0);
        assert_eq!(ALPHABET.len(), 55);
    }

    #[test]
    fn token_syntax() {
        assert!(!is_well_formed(""));
        assert!(is_well_formed("a"));
        assert!(!is_well_formed(&"a".repeat(129)));
        assert!(!is_well_formed("a b c"));
        assert!(!is_well_formed("../../etc"));
        assert!(is_well_formed("user/name-1_x"));
        assert_eq!(redact("abcdefgh"), "abcd...");
        assert_eq!(redact("ro-abcdefgh"), "ro-abcd...");
    }
}
