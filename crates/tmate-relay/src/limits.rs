//! The relay's resource limits and abuse defences: the limits' values (each a
//! `tmate-ssh-server` flag), connections counted per client address, and the per-address
//! penalty for wrong tokens that makes guessing cost the guesser time and the relay nothing.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// Limits on what one client, session or message may take from the relay.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Simultaneous connections (SSH and web) from one address (IPv6: one /64).
    pub connections_per_ip: usize,
    /// Live sessions on the relay; hosts beyond it are told the relay is full.
    pub sessions: usize,
    /// Viewers (SSH and web) attached to one session.
    pub viewers_per_session: usize,
    /// Largest message a host may send (the decoder refuses it from its header).
    pub message_size: usize,
    /// Time without any packet from a peer (keepalive answers count) before it is dropped.
    pub idle_timeout: Duration,
    /// Each wrong token from an address delays that address's next answer by this much more.
    pub token_guess_interval: Duration,
    /// An address whose queued penalty exceeds this is disconnected at once (holds nothing).
    pub token_guess_backlog: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connections_per_ip: 64,
            sessions: 2000,
            viewers_per_session: 100,
            message_size: tmate_proto::DecoderConfig::host_stream().max_message_size,
            idle_timeout: Duration::from_secs(300),
            token_guess_interval: Duration::from_millis(50),
            token_guess_backlog: Duration::from_secs(10),
        }
    }
}

/// Most addresses remembered by the per-address tables; beyond it, unknown addresses share one
/// slot (so a flood of addresses costs bounded memory and gains nothing).
const MAX_TRACKED: usize = 100_000;

/// The key an address is counted under: IPv4 as is, IPv6 by its /64 (one subscriber's
/// prefix), so that one client cannot multiply its allowance with addresses.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return IpAddr::V4(v4);
            }
            let mut octets = v6.octets();
            for byte in octets.iter_mut().skip(8) {
                *byte = 0;
            }
            IpAddr::V6(octets.into())
        }
    }
}

/// The shared slot for addresses that did not fit the table.
const OVERFLOW: IpAddr = IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED);

/// Open connections per address.
#[derive(Default)]
pub struct PerIp {
    counts: Mutex<HashMap<IpAddr, usize>>,
    /// In a cluster, the connections other nodes hold per address (refreshed from Redis
    /// every second by `cluster`): they count against the same limit.
    elsewhere: Mutex<HashMap<IpAddr, usize>>,
}

impl PerIp {
    /// Count a new connection from `ip`; `None` when that address is at `limit` (nothing is
    /// counted then). The returned key must be given back to `release`.
    pub fn acquire(&self, ip: IpAddr, limit: usize) -> Option<IpAddr> {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let mut key = client_key(ip);
        if !counts.contains_key(&key) && counts.len() >= MAX_TRACKED {
            key = OVERFLOW;
        }
        let elsewhere = self
            .elsewhere
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .copied()
            .unwrap_or(0);
        let count = counts.entry(key).or_insert(0);
        if *count + elsewhere >= limit {
            return None;
        }
        *count += 1;
        Some(key)
    }

    pub fn release(&self, key: IpAddr) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = counts.get_mut(&key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                counts.remove(&key);
            }
        }
    }

    /// The addresses holding at least `least` connections here, with their counts.
    pub fn busiest(&self, least: usize) -> Vec<(IpAddr, usize)> {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts
            .iter()
            .filter(|(_, n)| **n >= least.max(1))
            .map(|(ip, n)| (*ip, *n))
            .collect()
    }

    /// Replace what other nodes hold per address.
    pub fn set_elsewhere(&self, counts: HashMap<IpAddr, usize>) {
        *self
            .elsewhere
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = counts;
    }

    /// Connections open from `ip` now.
    pub fn count(&self, ip: IpAddr) -> usize {
        let counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.get(&client_key(ip)).copied().unwrap_or(0)
    }
}

/// Wrong-token penalties per address: each wrong token pushes the address's next answer
/// `interval` later, however many connections it uses in parallel, so N guesses take at least
/// N x interval. Waiting costs the relay a timer; an address that queues more than `backlog`
/// is cut off at once instead of being held.
#[derive(Default)]
pub struct GuessLimiter {
    next_answer: Mutex<HashMap<IpAddr, Instant>>,
}

/// What a wrong token costs its sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Penalty {
    /// Answer at this time.
    WaitUntil(Instant),
    /// Too many queued: close without an answer.
    Refuse,
}

impl GuessLimiter {
    /// Charge one wrong token to `ip`.
    pub fn charge(&self, ip: IpAddr, interval: Duration, backlog: Duration) -> Penalty {
        let now = Instant::now();
        let mut table = self
            .next_answer
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let mut key = client_key(ip);
        if !table.contains_key(&key) && table.len() >= MAX_TRACKED {
            table.retain(|_, at| *at > now);
            if table.len() >= MAX_TRACKED {
                key = OVERFLOW;
            }
        }
        let slot = table.entry(key).or_insert(now);
        let start = (*slot).max(now);
        if start.saturating_duration_since(now) > backlog {
            return Penalty::Refuse;
        }
        *slot = start + interval;
        Penalty::WaitUntil(*slot)
    }

    /// Charge a wrong token and wait out its penalty; `false`: refused, close at once.
    pub async fn penalize(&self, ip: IpAddr, limits: &Limits) -> bool {
        match self.charge(ip, limits.token_guess_interval, limits.token_guess_backlog) {
            Penalty::WaitUntil(at) => {
                tokio::time::sleep_until(at).await;
                true
            }
            Penalty::Refuse => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_counts_by_prefix() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(client_key(a), client_key(c));
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert_eq!(client_key(mapped), "127.0.0.1".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn per_ip_counts_up_to_the_limit() {
        let per_ip = PerIp::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let keys: Vec<_> = (0..3).map(|_| per_ip.acquire(ip, 3)).collect();
        assert!(keys.iter().all(Option::is_some));
        assert_eq!(per_ip.acquire(ip, 3), None);
        assert!(per_ip.acquire("192.0.2.2".parse().unwrap(), 3).is_some());
        per_ip.release(client_key(ip));
        assert_eq!(per_ip.count(ip), 2);
        assert!(per_ip.acquire(ip, 3).is_some());
    }

    #[test]
    fn guesses_queue_per_address() {
        let limiter = GuessLimiter::default();
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let step = Duration::from_millis(50);
        let backlog = Duration::from_secs(10);
        let Penalty::WaitUntil(first) = limiter.charge(ip, step, backlog) else {
            panic!("first guess refused");
        };
        // Parallel guesses from one address are answered one interval apart.
        for n in 1..100u32 {
            assert_eq!(
                limiter.charge(ip, step, backlog),
                Penalty::WaitUntil(first + step * n)
            );
        }
        let start = Instant::now();
        // Another address is not slowed by the first.
        let other = limiter.charge("192.0.2.9".parse().unwrap(), step, backlog);
        assert!(
            matches!(other, Penalty::WaitUntil(at) if at <= Instant::now() + step && at >= start + step),
            "{other:?}"
        );
        // Past the backlog, the address is refused outright.
        for _ in 0..200 {
            let _ = limiter.charge(ip, step, backlog);
        }
        assert_eq!(limiter.charge(ip, step, backlog), Penalty::Refuse);
    }
}
