//! Live sessions by token: registration, viewer lookup (timing independent of how much of a
//! token matches), and the signed reconnection data that lets a host keep its tokens.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ring::hmac;
use subtle::ConstantTimeEq;

use crate::session::Session;
use crate::token;

/// Sessions by token. Lookups go through a keyed hash (std's randomly seeded SipHash), so an
/// attacker cannot steer which entries are compared, and the final comparison is constant-time.
pub struct Registry {
    sessions: Mutex<HashMap<String, Arc<Session>>>,
    next_id: AtomicU64,
    reconnect_key: hmac::Key,
}

/// A token's session and whether the token was the read-only one.
pub struct Found {
    pub session: Arc<Session>,
    pub read_only: bool,
}

/// What a session is registered under, and who it is across reconnections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub rw: String,
    pub ro: String,
    /// Which tokens are names the host asked for: only those may be taken over by a newer
    /// session asking for the same name.
    pub rw_named: bool,
    pub ro_named: bool,
    /// The session's identity: the same for every reconnection of its host (it travels in
    /// the reconnection data), new for every new session.
    pub session_key: String,
}

impl Tokens {
    /// Fresh random tokens for a new session.
    pub fn random() -> Tokens {
        let (rw, ro) = token::generate_pair();
        Tokens {
            rw,
            ro,
            rw_named: false,
            ro_named: false,
            session_key: new_session_key(),
        }
    }

    /// The named tokens, for messages.
    pub fn names(&self) -> Vec<&str> {
        [(&self.rw, self.rw_named), (&self.ro, self.ro_named)]
            .into_iter()
            .filter(|(_, named)| *named)
            .map(|(token, _)| token.as_str())
            .collect()
    }
}

/// 128 random bits, hex.
fn new_session_key() -> String {
    let bytes: [u8; 16] = rand::random();
    hex(&bytes)
}

/// What registering a new named session did.
pub enum Claim {
    /// Registered; these older sessions held its names and lost them (the caller ends them).
    Registered {
        session: Arc<Session>,
        taken_from: Vec<Arc<Session>>,
    },
    /// A name is another session's random token (or a read-only name its read-write one).
    InUse(String),
}

/// What a reconnecting host gets back.
pub enum Reclaim {
    /// Its session, live or waiting for it, or registered again under its tokens.
    Session(Arc<Session>),
    /// A newer session holds this name now: the host starts over with random tokens.
    Taken(String),
}

impl Registry {
    /// `reconnect_secret` signs reconnection data; keep it across restarts so hosts keep their
    /// tokens when the relay restarts.
    pub fn new(reconnect_secret: &[u8]) -> Registry {
        Registry {
            sessions: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(1),
            reconnect_key: hmac::Key::new(hmac::HMAC_SHA256, reconnect_secret),
        }
    }

    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Session>>> {
        self.sessions.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new session with fresh tokens.
    pub fn create(&self) -> Arc<Session> {
        loop {
            if let Some(session) = self.insert(Tokens::random()) {
                return session;
            }
        }
    }

    /// Register a session under given tokens; `None` if either is taken.
    pub fn insert(&self, tokens: Tokens) -> Option<Arc<Session>> {
        let mut map = self.map();
        if map.contains_key(&tokens.rw) || map.contains_key(&tokens.ro) {
            return None;
        }
        Some(self.insert_locked(&mut map, tokens))
    }

    fn insert_locked(
        &self,
        map: &mut HashMap<String, Arc<Session>>,
        tokens: Tokens,
    ) -> Arc<Session> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let session = Session::new(id, tokens);
        map.insert(session.token.clone(), session.clone());
        map.insert(session.token_ro.clone(), session.clone());
        session
    }

    /// Register a new session whose tokens include names (`Tokens::rw_named`...): a session
    /// holding one of those names as a name loses it, and all its tokens, to this one.
    pub fn claim(&self, tokens: Tokens) -> Claim {
        let mut map = self.map();
        let mut taken_from: Vec<Arc<Session>> = Vec::new();
        for (token, named) in [(&tokens.rw, tokens.rw_named), (&tokens.ro, tokens.ro_named)] {
            let Some(holder) = map.get(token.as_str()) else {
                continue;
            };
            if !named || !holder.holds_as_name(token) {
                return Claim::InUse(token.clone());
            }
            if !taken_from.iter().any(|s| s.id == holder.id) {
                taken_from.push(holder.clone());
            }
        }
        for old in &taken_from {
            for token in [&old.token, &old.token_ro] {
                if map.get(token).is_some_and(|s| s.id == old.id) {
                    map.remove(token);
                }
            }
        }
        // Every token is free now, unless a random token of the new session collides, which
        // 150 bits make impossible in practice; then it is in use like any other.
        if map.contains_key(&tokens.rw) || map.contains_key(&tokens.ro) {
            return Claim::InUse(tokens.rw);
        }
        let session = self.insert_locked(&mut map, tokens);
        Claim::Registered {
            session,
            taken_from,
        }
    }

    pub fn remove(&self, session: &Session) {
        let mut map = self.map();
        for token in [&session.token, &session.token_ro] {
            if map.get(token).is_some_and(|s| s.id == session.id) {
                map.remove(token);
            }
        }
    }

    /// The session a viewer's token names, if it is live.
    pub fn lookup(&self, candidate: &str) -> Option<Found> {
        let session = self.map().get(candidate).cloned()?;
        let rw = session.token.as_bytes().ct_eq(candidate.as_bytes());
        let ro = session.token_ro.as_bytes().ct_eq(candidate.as_bytes());
        if !bool::from(rw | ro) || session.is_ended() {
            return None;
        }
        Some(Found {
            read_only: bool::from(ro),
            session,
        })
    }

    /// Number of live sessions.
    pub fn len(&self) -> usize {
        self.map().len() / 2
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn all(&self) -> Vec<Arc<Session>> {
        let mut sessions: Vec<Arc<Session>> = self
            .map()
            .iter()
            .filter(|(token, s)| **token == s.token)
            .map(|(_, s)| s.clone())
            .collect();
        sessions.sort_by_key(|s| s.id);
        sessions
    }

    /// The opaque `tmate_reconnection_data` given to a host: its session's identity and
    /// tokens, and a MAC over them.
    pub fn reconnection_data(&self, session: &Session) -> String {
        let flags = format!("{}{}", u8::from(session.named), u8::from(session.named_ro));
        let body = format!(
            "v2:{}:{flags}:{}:{}",
            session.session_key, session.token, session.token_ro
        );
        let tag = hmac::sign(&self.reconnect_key, body.as_bytes());
        format!("{body}:{}", hex(tag.as_ref()))
    }

    /// The tokens in reconnection data, if its MAC is ours. Data from before named sessions
    /// (`v1`, tokens only) gets a fresh identity.
    pub fn verify_reconnection_data(&self, data: &[u8]) -> Option<Tokens> {
        let text = std::str::from_utf8(data).ok()?;
        let (body, tag) = text.rsplit_once(':')?;
        let tag = unhex(tag)?;
        hmac::verify(&self.reconnect_key, body.as_bytes(), &tag).ok()?;
        let parts: Vec<&str> = body.split(':').collect();
        let tokens = match parts.as_slice() {
            ["v1", rw, ro] => Tokens {
                rw: rw.to_string(),
                ro: ro.to_string(),
                rw_named: false,
                ro_named: false,
                session_key: new_session_key(),
            },
            ["v2", key, flags, rw, ro] if key.len() == 32 => {
                let (rw_named, ro_named) = match *flags {
                    "00" => (false, false),
                    "10" => (true, false),
                    "01" => (false, true),
                    "11" => (true, true),
                    _ => return None,
                };
                Tokens {
                    rw: rw.to_string(),
                    ro: ro.to_string(),
                    rw_named,
                    ro_named,
                    session_key: key.to_string(),
                }
            }
            _ => return None,
        };
        (token::is_well_formed(&tokens.rw) && token::is_well_formed(&tokens.ro)).then_some(tokens)
    }

    /// Give a reconnecting host its session back: the one with these tokens and identity, or
    /// a new one registered under them (after a relay restart, or on another node). A token
    /// that another session holds now (a newer session took the name over) is not taken back.
    pub fn reclaim(&self, tokens: Tokens) -> Reclaim {
        let mut map = self.map();
        let mut mine = None;
        for token in [&tokens.rw, &tokens.ro] {
            match map.get(token) {
                Some(holder) if holder.session_key == tokens.session_key && !holder.is_ended() => {
                    mine = Some(holder.clone());
                }
                Some(holder) if holder.session_key != tokens.session_key => {
                    return Reclaim::Taken(token.clone());
                }
                _ => {}
            }
        }
        if let Some(session) = mine
            && session.token == tokens.rw
            && session.token_ro == tokens.ro
        {
            return Reclaim::Session(session);
        }
        // Ended copies of this session (not yet forgotten) give way.
        for token in [&tokens.rw, &tokens.ro] {
            if map.get(token).is_some_and(|s| s.is_ended()) {
                map.remove(token);
            }
        }
        if map.contains_key(&tokens.rw) || map.contains_key(&tokens.ro) {
            return Reclaim::Taken(tokens.rw);
        }
        Reclaim::Session(self.insert_locked(&mut map, tokens))
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_and_reconnection_data() {
        let registry = Registry::new(b"secret");
        let session = registry.create();
        let found = registry.lookup(&session.token).unwrap();
        assert!(!found.read_only);
        assert!(registry.lookup(&session.token_ro).unwrap().read_only);
        assert!(registry.lookup("nope").is_none());
        assert!(registry.lookup(&session.token[..20]).is_none());

        let data = registry.reconnection_data(&session);
        let tokens = registry.verify_reconnection_data(data.as_bytes()).unwrap();
        assert_eq!(
            (tokens.rw.as_str(), tokens.ro.as_str()),
            (session.token.as_str(), session.token_ro.as_str())
        );
        assert_eq!(tokens.session_key, session.session_key);
        // A forged or altered blob is refused.
        let forged = data.replace(&session.token, "AAAAAAAAAAAAAAAAAAAAAAAAAA");
        assert!(
            registry
                .verify_reconnection_data(forged.as_bytes())
                .is_none()
        );
        assert!(
            Registry::new(b"other")
                .verify_reconnection_data(data.as_bytes())
                .is_none()
        );
        assert!(registry.verify_reconnection_data(b"garbage").is_none());
        assert!(registry.verify_reconnection_data(&[0xff, 0xfe]).is_none());

        let Reclaim::Session(same) = registry.reclaim(tokens) else {
            panic!("reclaimed")
        };
        assert_eq!(same.id, session.id);
        registry.remove(&session);
        assert!(registry.lookup(&session.token).is_none());
        assert_eq!(registry.len(), 0);
    }

    fn named(name: &str) -> Tokens {
        Tokens {
            rw: name.to_string(),
            rw_named: true,
            ..Tokens::random()
        }
    }

    #[test]
    fn a_newer_session_takes_a_name_and_the_older_does_not_take_it_back() {
        let registry = Registry::new(b"secret");
        let Claim::Registered {
            session: first,
            taken_from,
        } = registry.claim(named("demo"))
        else {
            panic!("registered")
        };
        assert!(taken_from.is_empty());
        let first_data = registry.reconnection_data(&first);
        let Claim::Registered {
            session: second,
            taken_from,
        } = registry.claim(named("demo"))
        else {
            panic!("registered")
        };
        assert_eq!(
            taken_from.iter().map(|s| s.id).collect::<Vec<_>>(),
            vec![first.id]
        );
        assert_eq!(registry.lookup("demo").unwrap().session.id, second.id);
        // The first session's read-only token went with it.
        assert!(registry.lookup(&first.token_ro).is_none());
        assert_eq!(registry.len(), 1);

        // The first host reconnects: the name is not given back.
        let tokens = registry
            .verify_reconnection_data(first_data.as_bytes())
            .unwrap();
        assert!(tokens.rw_named && !tokens.ro_named);
        assert!(matches!(registry.reclaim(tokens), Reclaim::Taken(name) if name == "demo"));
        // The second host reconnects: same session.
        let data = registry.reconnection_data(&second);
        let tokens = registry.verify_reconnection_data(data.as_bytes()).unwrap();
        assert!(matches!(registry.reclaim(tokens), Reclaim::Session(s) if s.id == second.id));

        // A random token is never taken over, even by a name spelled the same.
        let random = registry.create();
        assert!(
            matches!(registry.claim(named(&random.token)), Claim::InUse(t) if t == random.token)
        );
        assert!(matches!(
            registry.claim(named(&random.token_ro)),
            Claim::InUse(_)
        ));
        // Garbage flags in signed data are refused like any forgery.
        assert!(
            registry
                .verify_reconnection_data(b"v2:x:22:a:b:00")
                .is_none()
        );
    }
}
