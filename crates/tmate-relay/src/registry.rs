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
            let (rw, ro) = token::generate_pair();
            if let Some(session) = self.insert(rw, ro) {
                return session;
            }
        }
    }

    /// Register a session under given tokens; `None` if either is taken.
    pub fn insert(&self, token: String, token_ro: String) -> Option<Arc<Session>> {
        let mut map = self.map();
        if map.contains_key(&token) || map.contains_key(&token_ro) {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let session = Session::new(id, token.clone(), token_ro.clone());
        map.insert(token, session.clone());
        map.insert(token_ro, session.clone());
        Some(session)
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

    /// The opaque `tmate_reconnection_data` given to a host: its tokens and a MAC over them.
    pub fn reconnection_data(&self, session: &Session) -> String {
        let body = format!("v1:{}:{}", session.token, session.token_ro);
        let tag = hmac::sign(&self.reconnect_key, body.as_bytes());
        format!("{body}:{}", hex(tag.as_ref()))
    }

    /// The tokens in reconnection data, if its MAC is ours.
    pub fn verify_reconnection_data(&self, data: &[u8]) -> Option<(String, String)> {
        let text = std::str::from_utf8(data).ok()?;
        let (body, tag) = text.rsplit_once(':')?;
        let tag = unhex(tag)?;
        hmac::verify(&self.reconnect_key, body.as_bytes(), &tag).ok()?;
        let mut parts = body.split(':');
        if parts.next()? != "v1" {
            return None;
        }
        let token = parts.next()?.to_string();
        let token_ro = parts.next()?.to_string();
        if parts.next().is_some()
            || !token::is_well_formed(&token)
            || !token::is_well_formed(&token_ro)
        {
            return None;
        }
        Some((token, token_ro))
    }

    /// Give a reconnecting host its session back: the live one with these tokens, or a new one
    /// registered under them (after a relay restart).
    pub fn reclaim(&self, token: String, token_ro: String) -> Option<Arc<Session>> {
        if let Some(found) = self.map().get(&token).cloned()
            && found.token_ro == token_ro
            && !found.is_ended()
        {
            return Some(found);
        }
        self.insert(token, token_ro)
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
        let (rw, ro) = registry.verify_reconnection_data(data.as_bytes()).unwrap();
        assert_eq!(
            (rw.as_str(), ro.as_str()),
            (session.token.as_str(), session.token_ro.as_str())
        );
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

        let same = registry.reclaim(rw, ro).unwrap();
        assert_eq!(same.id, session.id);
        registry.remove(&session);
        assert!(registry.lookup(&session.token).is_none());
        assert_eq!(registry.len(), 0);
    }
}
