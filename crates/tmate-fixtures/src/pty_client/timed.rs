//! Owns the bench's blocking variant of a program on a pty (an ssh viewer, an attached
//! tmux/tmate client): a reader thread timestamps every read, counts raw bytes and watches the
//! stripped text (not a parsed screen: see [`super::text`]) for a pattern.

use std::io::{Read, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};

use super::text::{Stripper, Watch};

#[derive(Default)]
struct State {
    stripper: Stripper,
    watch: Option<Watch<Instant>>,
    raw_bytes: u64,
    dead: bool,
    /// The last raw bytes, for error messages.
    tail: Vec<u8>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

pub struct Term {
    pub name: String,
    pty: Arc<pty_process::blocking::Pty>,
    child: std::process::Child,
    shared: Arc<Shared>,
    reader: Option<JoinHandle<()>>,
}

const TAIL: usize = 2048;

impl Term {
    /// `argv` with `env` added on a pty of this size, its output read by a thread of its own;
    /// watching for `first_watch` from the first byte when given.
    pub fn spawn(
        name: &str,
        argv: &[String],
        env: &[(String, String)],
        cols: u16,
        rows: u16,
        first_watch: Option<&[u8]>,
    ) -> Result<Term> {
        let (program, args) = argv.split_first().context("empty command")?;
        let (pty, pts) = pty_process::blocking::open().context("openpty")?;
        pty.resize(pty_process::Size::new(rows, cols))
            .context("pty size")?;
        let child = pty_process::blocking::Command::new(program)
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .spawn(pts)
            .with_context(|| format!("cannot start {program}"))?;
        let pty = Arc::new(pty);
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                watch: first_watch.map(Watch::new),
                ..State::default()
            }),
            changed: Condvar::new(),
        });
        let reader = {
            let pty = Arc::clone(&pty);
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("read-{name}"))
                .spawn(move || read_loop(&pty, &shared))?
        };
        Ok(Term {
            name: name.to_string(),
            pty,
            child,
            shared,
            reader: Some(reader),
        })
    }

    /// Start watching for `pattern` in the text from now on (forgets any previous watch).
    pub fn expect(&self, pattern: &[u8]) {
        self.shared.lock().watch = Some(Watch::new(pattern));
    }

    pub fn hit(&self) -> Option<Instant> {
        self.shared.lock().watch.as_ref().and_then(Watch::hit)
    }

    pub fn raw_bytes(&self) -> u64 {
        self.shared.lock().raw_bytes
    }

    pub fn tail(&self) -> String {
        String::from_utf8_lossy(&self.shared.lock().tail).into_owned()
    }

    /// Wait until the watched pattern was seen (its time) or the program died / time ran out.
    pub fn wait_hit(&self, deadline: Instant) -> Option<Instant> {
        let mut st = self.shared.lock();
        loop {
            if let Some(t) = st.watch.as_ref().and_then(Watch::hit) {
                return Some(t);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if st.dead || left.is_zero() {
                return None;
            }
            st = match self.shared.changed.wait_timeout(st, left) {
                Ok((g, _)) => g,
                Err(e) => e.into_inner().0,
            };
        }
    }

    pub fn write(&self, bytes: &[u8]) -> Result<()> {
        (&*self.pty)
            .write_all(bytes)
            .with_context(|| format!("{}: write", self.name))
    }

    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
    }
}

fn read_loop(pty: &pty_process::blocking::Pty, shared: &Shared) {
    let mut buf = vec![0u8; 64 * 1024];
    let mut text = Vec::with_capacity(64 * 1024);
    loop {
        let n = match (&*pty).read(&mut buf) {
            Ok(0) | Err(_) => 0,
            Ok(n) => n,
        };
        let at = Instant::now();
        let mut st = shared.lock();
        if n == 0 {
            st.dead = true;
            shared.changed.notify_all();
            return;
        }
        let data = buf.get(..n).unwrap_or_default();
        st.raw_bytes += n as u64;
        st.tail.extend_from_slice(data);
        let over = st.tail.len().saturating_sub(TAIL);
        st.tail.drain(..over);
        text.clear();
        st.stripper.feed(data, &mut text);
        if let Some(w) = st.watch.as_mut() {
            let before = w.hit();
            w.feed(&text, at);
            if before.is_none() && w.hit().is_some() {
                shared.changed.notify_all();
            }
        }
    }
}

/// Wait until every term saw its pattern; the time each saw it, or an error naming the laggards.
pub fn wait_all(terms: &[&Term], limit: Duration) -> Result<Vec<Instant>> {
    let deadline = Instant::now() + limit;
    let mut hits = Vec::with_capacity(terms.len());
    for t in terms {
        match t.wait_hit(deadline) {
            Some(at) => hits.push(at),
            None => {
                let missing: Vec<&str> = terms
                    .iter()
                    .filter(|t| t.hit().is_none())
                    .map(|t| t.name.as_str())
                    .collect();
                bail!(
                    "not seen within {limit:?} by {} of {} ({}); last bytes of {}: {:?}",
                    missing.len(),
                    terms.len(),
                    missing.first().copied().unwrap_or(""),
                    t.name,
                    t.tail()
                );
            }
        }
    }
    Ok(hits)
}

/// The later of two times.
pub fn latest(hits: &[Instant]) -> Result<Instant> {
    hits.iter().copied().max().ok_or_else(|| anyhow!("no hits"))
}
