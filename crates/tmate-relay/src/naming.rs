//! Named sessions: what a host asks for before READY (`tmate -n NAME` / `tmate-session-name`,
//! `-r NAME` / `tmate-session-name-ro`, `-k KEY` / `tmate-api-key` or `tmate-account-key`),
//! checked as tmate's web tier checked it, and the tokens it gives: the names themselves on a
//! relay without accounts, `USER/NAME` with `--accounts`. Every refusal is one line for the
//! host's status line; the session then starts with random tokens.

use crate::accounts::Accounts;
use crate::bindings::option_set_by;

/// Longest session name (tmate's web tier allowed 50).
pub const MAX_NAME_LEN: usize = 50;
/// User names the relay itself answers to: no session may be reached by them.
const RESERVED: &[&str] = &[crate::cluster::link::LINK_USER];

/// The naming options a host set before READY (the last value of each wins).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct NameRequest {
    pub name: Option<String>,
    pub name_ro: Option<String>,
    pub key: Option<String>,
}

/// The options that name sessions: accepted only before READY.
pub fn is_naming_option(option: &str) -> bool {
    matches!(
        option,
        "tmate-session-name" | "tmate-session-name-ro" | "tmate-api-key" | "tmate-account-key"
    )
}

impl NameRequest {
    /// Take note of a replicated command; `true` when it set a naming option.
    pub fn note(&mut self, argv: &[String]) -> bool {
        let Some((option, value)) = option_set_by(argv) else {
            return false;
        };
        let slot = match option.as_str() {
            "tmate-session-name" => &mut self.name,
            "tmate-session-name-ro" => &mut self.name_ro,
            "tmate-api-key" | "tmate-account-key" => &mut self.key,
            _ => return false,
        };
        *slot = Some(value);
        true
    }

    /// Whether the host asked for a name at all.
    pub fn wants_names(&self) -> bool {
        self.name.is_some() || self.name_ro.is_some()
    }
}

/// Why a name is not a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadName {
    Empty,
    TooLong(usize),
    Characters,
    Reserved,
}

/// 1-50 characters of `[A-Za-z0-9_-]`, not one of the relay's own user names.
pub fn check_name(name: &str) -> Result<(), BadName> {
    if name.is_empty() {
        return Err(BadName::Empty);
    }
    let length = name.chars().count();
    if length > MAX_NAME_LEN {
        return Err(BadName::TooLong(length));
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(BadName::Characters);
    }
    if RESERVED.contains(&name) {
        return Err(BadName::Reserved);
    }
    Ok(())
}

/// Why a session could not be named; `Display` is the line the host sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameError {
    Bad {
        read_only: bool,
        name: String,
        why: BadName,
    },
    Same(String),
    KeyNeeded,
    KeyInvalid,
    /// Held by a session that did not ask for it as a name (its random token).
    InUse(String),
}

impl std::fmt::Display for NameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cannot name this session: ")?;
        match self {
            NameError::Bad {
                read_only,
                name,
                why,
            } => {
                let which = if *read_only {
                    "the read-only session name (-r)"
                } else {
                    "the session name (-n)"
                };
                match why {
                    BadName::Empty => write!(f, "{which} is empty")?,
                    BadName::TooLong(length) => write!(
                        f,
                        "{which} is {length} characters long; the maximum is {MAX_NAME_LEN}"
                    )?,
                    BadName::Characters => write!(
                        f,
                        "{which} {:?} may only contain letters, digits, '-' and '_'",
                        shorten(name)
                    )?,
                    BadName::Reserved => write!(f, "{which} {name:?} is reserved by the relay")?,
                }
            }
            NameError::Same(name) => write!(
                f,
                "the read-write and read-only names are both {name:?}; they must differ"
            )?,
            NameError::KeyNeeded => f.write_str(
                "this relay needs an account key to name sessions (tmate -k KEY, or set -g \
                 tmate-api-key KEY; the relay's operator gives keys)",
            )?,
            NameError::KeyInvalid => {
                f.write_str("the account key (-k) is not valid on this relay")?
            }
            NameError::InUse(name) => write!(f, "{name:?} is in use")?,
        }
        f.write_str("; it has random tokens")
    }
}

/// A name as shown back to the host: at most 60 characters of it.
fn shorten(name: &str) -> String {
    if name.chars().count() <= 60 {
        return name.to_string();
    }
    format!("{}...", name.chars().take(57).collect::<String>())
}

/// The tokens a host's names give: `None` for a token that stays random.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub rw: Option<String>,
    pub ro: Option<String>,
}

/// Decide what `request` gives on this relay: `Ok(None)` when no name was asked for.
pub fn decide(
    request: &NameRequest,
    accounts: Option<&Accounts>,
) -> Result<Option<Named>, NameError> {
    if !request.wants_names() {
        return Ok(None);
    }
    for (read_only, name) in [(false, &request.name), (true, &request.name_ro)] {
        if let Some(name) = name {
            check_name(name).map_err(|why| NameError::Bad {
                read_only,
                name: name.clone(),
                why,
            })?;
        }
    }
    if let (Some(rw), Some(ro)) = (&request.name, &request.name_ro)
        && rw == ro
    {
        return Err(NameError::Same(rw.clone()));
    }
    let prefix = match accounts {
        None => String::new(),
        Some(accounts) => {
            let key = request
                .key
                .as_deref()
                .filter(|k| !k.is_empty())
                .ok_or(NameError::KeyNeeded)?;
            let user = accounts.user_of(key).ok_or(NameError::KeyInvalid)?;
            format!("{user}/")
        }
    };
    Ok(Some(Named {
        rw: request.name.as_ref().map(|n| format!("{prefix}{n}")),
        ro: request.name_ro.as_ref().map(|n| format!("{prefix}{n}")),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(option: &str, value: &str) -> Vec<String> {
        vec!["set-option".into(), option.into(), value.into()]
    }

    fn request(name: Option<&str>, name_ro: Option<&str>, key: Option<&str>) -> NameRequest {
        NameRequest {
            name: name.map(str::to_string),
            name_ro: name_ro.map(str::to_string),
            key: key.map(str::to_string),
        }
    }

    #[test]
    fn the_options_are_noted_in_both_spellings() {
        let mut asked = NameRequest::default();
        assert!(!asked.note(&set("status", "off")));
        assert!(asked.note(&set("tmate-session-name", "first")));
        assert!(asked.note(&[
            "set".into(),
            "-g".into(),
            "tmate-session-name".into(),
            "demo".into()
        ]));
        assert!(asked.note(&set("tmate-session-name-ro", "demo-ro")));
        assert!(asked.note(&set("tmate-account-key", "k")));
        assert_eq!(asked, request(Some("demo"), Some("demo-ro"), Some("k")));
        assert!(asked.note(&set("tmate-api-key", "k2")));
        assert_eq!(asked.key.as_deref(), Some("k2"));
    }

    #[test]
    fn names_become_tokens_and_bad_ones_say_why() {
        let named = |rw: Option<&str>, ro: Option<&str>| {
            Ok(Some(Named {
                rw: rw.map(str::to_string),
                ro: ro.map(str::to_string),
            }))
        };
        assert_eq!(decide(&request(None, None, Some("k")), None), Ok(None));
        assert_eq!(
            decide(&request(Some("demo"), None, None), None),
            named(Some("demo"), None)
        );
        assert_eq!(
            decide(&request(Some("a"), Some("b_-9"), None), None),
            named(Some("a"), Some("b_-9"))
        );
        let long = "x".repeat(51);
        for (asked, says) in [
            (
                request(Some(""), None, None),
                "the session name (-n) is empty",
            ),
            (
                request(Some(&long), None, None),
                "is 51 characters long; the maximum is 50",
            ),
            (
                request(Some("a b"), None, None),
                "\"a b\" may only contain letters, digits, '-' and '_'",
            ),
            (
                request(Some("ok"), Some("no/slash"), None),
                "the read-only session name (-r) \"no/slash\" may only contain",
            ),
            (
                request(Some("same"), Some("same"), None),
                "both \"same\"; they must differ",
            ),
            (
                request(Some("tmate-cluster-link"), None, None),
                "is reserved by the relay",
            ),
        ] {
            let error = decide(&asked, None).expect_err(says).to_string();
            assert!(error.starts_with("Cannot name this session: "), "{error}");
            assert!(error.contains(says), "{error}");
            assert!(error.ends_with("; it has random tokens"), "{error}");
        }
        assert_eq!(
            decide(&request(Some(&"x".repeat(50)), None, None), None).map(|n| n.is_some()),
            Ok(true)
        );
    }

    #[test]
    fn accounts_need_a_valid_key_and_prefix_the_user() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("accounts");
        let key = crate::accounts::add(&path, "alice").expect("added");
        let accounts = Accounts::load(&path).expect("loads");
        assert_eq!(
            decide(
                &request(Some("demo"), Some("view"), Some(&key)),
                Some(&accounts)
            ),
            Ok(Some(Named {
                rw: Some("alice/demo".into()),
                ro: Some("alice/view".into()),
            }))
        );
        assert_eq!(
            decide(&request(Some("demo"), None, None), Some(&accounts)),
            Err(NameError::KeyNeeded)
        );
        assert_eq!(
            decide(&request(Some("demo"), None, Some("")), Some(&accounts)),
            Err(NameError::KeyNeeded)
        );
        assert_eq!(
            decide(
                &request(Some("demo"), None, Some("tmk-not-a-key-of-anyone")),
                Some(&accounts)
            ),
            Err(NameError::KeyInvalid)
        );
        assert!(NameError::KeyNeeded.to_string().contains("tmate -k KEY"));
    }
}
