//! Accounts for named sessions (`--accounts FILE`): lines `USER KEY`, `#` comments. A host
//! that names its session with a valid key (`tmate -k KEY -n NAME`) gets `USER/NAME` tokens.
//! The file is re-read on SIGHUP; a file that fails to parse leaves the accounts as they were.
//! Keys are held by their SHA-256, so a lookup's timing says nothing about a key's characters.

use std::collections::HashMap;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::{PoisonError, RwLock};

use ring::digest;

/// Keys made by `account add`: this prefix and 26 characters of the token alphabet (150 bits),
/// 30 characters in all, as tmate.io's API keys were.
const KEY_PREFIX: &str = "tmk-";
/// Shorter keys are refused: a key is the only thing between a stranger and a user's names.
pub const MIN_KEY_LEN: usize = 16;
const MAX_KEY_LEN: usize = 256;
/// An account file larger than this is refused (a million accounts fit).
const MAX_FILE_BYTES: u64 = 64 << 20;

type KeyHash = [u8; 32];

fn hash(key: &str) -> KeyHash {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest::digest(&digest::SHA256, key.as_bytes()).as_ref());
    out
}

/// The accounts in force and the file they come from.
pub struct Accounts {
    path: PathBuf,
    users: RwLock<HashMap<KeyHash, String>>,
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accounts")
            .field("path", &self.path)
            .field("count", &self.len())
            .finish()
    }
}

/// A user name: what a session name may hold (it becomes the `USER/` of tokens).
pub fn valid_user(user: &str) -> bool {
    crate::naming::check_name(user).is_ok()
}

/// Parse an accounts file's text: `USER KEY` per line; blank lines and `#` comments skipped.
/// Errors name the line.
pub fn parse(text: &str) -> Result<HashMap<KeyHash, String>, String> {
    let mut users = HashMap::new();
    let mut names = std::collections::HashSet::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let (Some(user), Some(key), None) = (words.next(), words.next(), words.next()) else {
            return Err(format!("line {number}: expected `USER KEY`"));
        };
        if !valid_user(user) {
            return Err(format!(
                "line {number}: user {user:?} is not 1-50 letters, digits, '-' or '_'"
            ));
        }
        if !(MIN_KEY_LEN..=MAX_KEY_LEN).contains(&key.len()) {
            return Err(format!(
                "line {number}: {user}'s key has {} characters; keys have {MIN_KEY_LEN} to \
                 {MAX_KEY_LEN}",
                key.len()
            ));
        }
        if !names.insert(user.to_string()) {
            return Err(format!("line {number}: user {user} is listed twice"));
        }
        if users.insert(hash(key), user.to_string()).is_some() {
            return Err(format!(
                "line {number}: {user}'s key is also another user's key"
            ));
        }
    }
    Ok(users)
}

fn read(path: &Path) -> Result<HashMap<KeyHash, String>, String> {
    let shown = path.display();
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read {shown}: {e}"))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(format!(
            "{shown} is {size} bytes; the limit is {MAX_FILE_BYTES}"
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    parse(&text).map_err(|e| format!("{shown}: {e}"))
}

impl Accounts {
    /// Load `path` (it must exist and parse).
    pub fn load(path: &Path) -> Result<Accounts, String> {
        Ok(Accounts {
            users: RwLock::new(read(path)?),
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Re-read the file; on an error the accounts stay as they were. The new count.
    pub fn reload(&self) -> Result<usize, String> {
        let users = read(&self.path)?;
        let count = users.len();
        *self.users.write().unwrap_or_else(PoisonError::into_inner) = users;
        Ok(count)
    }

    pub fn len(&self) -> usize {
        self.users
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The user whose key this is.
    pub fn user_of(&self, key: &str) -> Option<String> {
        if key.len() > MAX_KEY_LEN {
            return None;
        }
        self.users
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&hash(key))
            .cloned()
    }
}

/// A fresh random key (`tmk-` and 26 characters, 150 bits from the OS CSPRNG).
pub fn new_key() -> String {
    format!("{KEY_PREFIX}{}", crate::token::generate())
}

/// `account add USER`: append `USER KEY` with a fresh key to `path` (created 0600 when
/// missing); the key. Refused when the user exists or the file does not parse.
pub fn add(path: &Path, user: &str) -> Result<String, String> {
    if !valid_user(user) {
        return Err(format!(
            "user {user:?} is not 1-50 letters, digits, '-' or '_'"
        ));
    }
    let existing = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    parse(&existing).map_err(|e| format!("{}: {e}", path.display()))?;
    if existing
        .lines()
        .any(|line| line.split_whitespace().next() == Some(user))
    {
        return Err(format!(
            "user {user} already has a key in {}",
            path.display()
        ));
    }
    let key = new_key();
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let separator = if existing.is_empty() || existing.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    file.write_all(format!("{separator}{user} {key}\n").as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reads_users_and_refuses_bad_lines() {
        let users = parse(
            "# team\nalice tmk-aaaaaaaaaaaaaaaaaaaaaaaaaa\n\n  bob   0123456789abcdef0123 \n",
        )
        .expect("parses");
        assert_eq!(users.len(), 2);
        assert_eq!(
            users
                .get(&hash("tmk-aaaaaaaaaaaaaaaaaaaaaaaaaa"))
                .map(String::as_str),
            Some("alice")
        );
        for (text, says) in [
            ("alice", "line 1: expected `USER KEY`"),
            ("alice k e y", "expected `USER KEY`"),
            ("al/ice 0123456789abcdef", "not 1-50 letters"),
            ("alice short", "keys have 16 to 256"),
            (
                "alice 0123456789abcdef\nalice 0123456789abcdeg",
                "line 2: user alice is listed twice",
            ),
            (
                "alice 0123456789abcdef\nbob 0123456789abcdef",
                "also another user's key",
            ),
        ] {
            let error = parse(text).expect_err(text);
            assert!(error.contains(says), "{text:?}: {error}");
        }
    }

    #[test]
    fn add_appends_a_fresh_key_and_reload_sees_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("accounts");
        let alice = add(&path, "alice").expect("added");
        assert!(alice.starts_with("tmk-") && alice.len() == 30, "{alice}");
        let accounts = Accounts::load(&path).expect("loads");
        assert_eq!(accounts.user_of(&alice).as_deref(), Some("alice"));
        assert_eq!(accounts.user_of("tmk-wrong"), None);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path)
            .expect("exists")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);

        let bob = add(&path, "bob").expect("added");
        assert_ne!(alice, bob);
        assert!(
            add(&path, "alice")
                .expect_err("twice")
                .contains("already has a key")
        );
        assert_eq!(accounts.user_of(&bob), None, "not before the reload");
        assert_eq!(accounts.reload(), Ok(2));
        assert_eq!(accounts.user_of(&bob).as_deref(), Some("bob"));

        // A broken file keeps the accounts in force.
        std::fs::write(&path, "garbage\n").expect("written");
        assert!(accounts.reload().expect_err("broken").contains("line 1"));
        assert_eq!(accounts.user_of(&bob).as_deref(), Some("bob"));
    }
}
