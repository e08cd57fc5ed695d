//! A control client's pane output and flags, kept in its `ClientHandle` under the state lock
//! (pane readers push there, the client's loop takes it): the bounded queue of output and
//! notices, `%output`/`%extended-output` lines with tmux's escaping, `refresh-client -f`
//! flags and `-A` pane states, `%pause`/`%continue`.

use std::collections::{BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use crate::state::State;

/// Raw output bytes a control client may have waiting. tmux bounds a control client by age
/// (300 s) alone; a client that stops reading must not grow us, so past this many bytes a
/// client without `pause-after` ends "too far behind" (tmux's words) and one with it has the
/// pane paused, as tmux does when output gets too old.
pub const QUEUE_BYTES: usize = 8 << 20;
/// tmux's CONTROL_MAXIMUM_AGE: output older than this ends the client.
pub const MAXIMUM_AGE: Duration = Duration::from_secs(300);
/// Bytes per `%output` line at most (tmux's CONTROL_BUFFER_HIGH writes a pane's data in
/// pieces of this order).
const LINE_BYTES: usize = 8192;

/// Something waiting for the client, in order.
#[derive(Debug)]
enum Item {
    Output {
        pane: u32,
        since: Instant,
        bytes: Vec<u8>,
    },
    Notice(String),
}

/// One control client's flags and waiting output.
#[derive(Debug, Default)]
pub struct ControlState {
    /// `no-output`: no `%output` at all.
    pub no_output: bool,
    /// `pause-after=N`: panes whose output waits longer than this are paused, and output
    /// comes as `%extended-output` with its age.
    pub pause_after: Option<Duration>,
    /// `wait-exit`: the client waits for an empty line after `%exit`.
    pub wait_exit: bool,
    /// `read-only`: noted for `#{client_flags}`; commands are not restricted (see README).
    pub read_only: bool,
    /// Panes turned off (`refresh-client -A %N:off`) or paused.
    off: BTreeSet<u32>,
    paused: BTreeSet<u32>,
    queue: VecDeque<Item>,
    queued: usize,
    /// Set when the queue overflowed without pause-after: the loop ends the client.
    pub behind: bool,
}

impl ControlState {
    /// Output read from `pane`.
    pub fn push_output(&mut self, pane: u32, bytes: &[u8], now: Instant) {
        if self.no_output || self.behind || self.off.contains(&pane) || self.paused.contains(&pane)
        {
            return;
        }
        let oldest = self.queue.iter().find_map(|i| match i {
            Item::Output { pane: p, since, .. } if *p == pane => Some(*since),
            _ => None,
        });
        let age = oldest.map(|t| now.saturating_duration_since(t));
        let over = self.queued + bytes.len() > QUEUE_BYTES;
        if let Some(limit) = self.pause_after
            && (over || age.is_some_and(|a| a > limit))
        {
            self.pause(pane);
            return;
        }
        if over || age.is_some_and(|a| a > MAXIMUM_AGE) {
            self.behind = true;
            self.queue.clear();
            self.queued = 0;
            return;
        }
        self.queued += bytes.len();
        // Joined onto the last piece of the same pane while it is small: one line per read
        // of a flood would be many short lines.
        if let Some(Item::Output {
            pane: p, bytes: b, ..
        }) = self.queue.back_mut()
            && *p == pane
            && b.len() + bytes.len() <= LINE_BYTES
        {
            b.extend_from_slice(bytes);
            return;
        }
        self.queue.push_back(Item::Output {
            pane,
            since: now,
            bytes: bytes.to_vec(),
        });
    }

    /// `%pause %N`: the pane's waiting output is dropped and no more is kept until continued.
    pub fn pause(&mut self, pane: u32) {
        if !self.paused.insert(pane) {
            return;
        }
        self.drop_pane(pane);
        self.queue
            .push_back(Item::Notice(format!("%pause %{pane}")));
    }

    /// `refresh-client -A %N:continue`: `%continue %N` when it was paused.
    pub fn resume(&mut self, pane: u32) {
        if self.paused.remove(&pane) {
            self.queue
                .push_back(Item::Notice(format!("%continue %{pane}")));
        }
    }

    /// `refresh-client -A %N:on`: output again after `off`.
    pub fn turn_on(&mut self, pane: u32) {
        self.off.remove(&pane);
    }

    /// `refresh-client -A %N:off`: no output from the pane until it is turned on.
    pub fn turn_off(&mut self, pane: u32) {
        self.off.insert(pane);
        self.drop_pane(pane);
    }

    fn drop_pane(&mut self, pane: u32) {
        let mut freed = 0;
        self.queue.retain(|i| match i {
            Item::Output { pane: p, bytes, .. } if *p == pane => {
                freed += bytes.len();
                false
            }
            _ => true,
        });
        self.queued = self.queued.saturating_sub(freed);
    }

    /// A pane that went away.
    pub fn forget(&mut self, pane: u32) {
        self.off.remove(&pane);
        self.paused.remove(&pane);
    }

    /// The waiting lines, each ending in a newline, taken from the queue.
    pub fn take_lines(&mut self, now: Instant, out: &mut String) {
        let extended = self.pause_after.is_some();
        for item in self.queue.drain(..) {
            match item {
                Item::Notice(line) => {
                    out.push_str(&line);
                    out.push('\n');
                }
                Item::Output { pane, since, bytes } => {
                    if extended {
                        let age = now.saturating_duration_since(since).as_millis();
                        out.push_str(&format!("%extended-output %{pane} {age} : "));
                    } else {
                        out.push_str(&format!("%output %{pane} "));
                    }
                    escape_into(&bytes, out);
                    out.push('\n');
                }
            }
        }
        self.queued = 0;
    }

    /// `refresh-client -f`/`-F`: a comma-separated list, `!` before a name clears it (tmux's
    /// `server_client_set_flags`); names that do not concern a control client are ignored.
    pub fn set_flags(&mut self, list: &str) {
        for word in list.split(',') {
            let (on, name) = match word.strip_prefix('!') {
                Some(n) => (false, n),
                None => (true, word),
            };
            match name {
                "no-output" => self.no_output = on,
                "wait-exit" => self.wait_exit = on,
                "read-only" => self.read_only = on,
                "pause-after" => self.pause_after = None,
                _ => {
                    if let Some(n) = name.strip_prefix("pause-after=") {
                        // tmux: seconds, 0 or a bad number turns it off.
                        self.pause_after = n
                            .parse::<u64>()
                            .ok()
                            .filter(|n| on && *n > 0)
                            .map(Duration::from_secs);
                    }
                }
            }
        }
    }

    /// `#{client_flags}`-style names of the set flags.
    pub fn flag_names(&self) -> Vec<String> {
        let mut names = Vec::new();
        if self.no_output {
            names.push("no-output".to_string());
        }
        if let Some(p) = self.pause_after {
            names.push(format!("pause-after={}", p.as_secs()));
        }
        if self.read_only {
            names.push("read-only".into());
        }
        if self.wait_exit {
            names.push("wait-exit".into());
        }
        names
    }
}

/// tmux's `%output` escaping: bytes below a space and the backslash as `\ooo` octal, the
/// rest as they are.
pub fn escape_into(bytes: &[u8], out: &mut String) {
    let mut plain = Vec::with_capacity(bytes.len());
    for &b in bytes {
        if b < b' ' || b == b'\\' {
            plain.extend_from_slice(format!("\\{b:03o}").as_bytes());
        } else {
            plain.push(b);
        }
    }
    // Pane output need not be UTF-8; tmux passes bytes through, so do we where they are
    // valid and replace only broken sequences.
    out.push_str(&String::from_utf8_lossy(&plain));
}

/// Pane output for the control clients whose session shows the pane (tmux writes a pane's
/// output only to clients of a session it is in). Called with every read.
pub fn pane_output(st: &mut State, pane: u32, bytes: &[u8]) {
    if !st.clients.values().any(|c| c.control.is_some()) {
        return;
    }
    let Some((sid, _)) = st.locate_pane(pane) else {
        return;
    };
    let now = Instant::now();
    for c in st.clients.values_mut() {
        if c.session == sid
            && let Some(control) = c.control.as_mut()
        {
            control.push_output(pane, bytes, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_escaped_as_tmux_does() {
        let mut out = String::new();
        escape_into(b"echo hi\r\n\\ \x1b[0m\x7f", &mut out);
        assert_eq!(out, "echo hi\\015\\012\\134 \\033[0m\x7f");
    }

    #[test]
    fn lines_join_per_pane_and_keep_order() {
        let now = Instant::now();
        let mut c = ControlState::default();
        c.push_output(1, b"a", now);
        c.push_output(1, b"b\n", now);
        c.push_output(2, b"c", now);
        c.pause(3);
        let mut out = String::new();
        c.take_lines(now, &mut out);
        assert_eq!(out, "%output %1 ab\\012\n%output %2 c\n%pause %3\n");
        c.push_output(3, b"dropped", now);
        c.resume(3);
        c.push_output(3, b"kept", now);
        let mut out = String::new();
        c.take_lines(now, &mut out);
        assert_eq!(out, "%continue %3\n%output %3 kept\n");
    }

    #[test]
    fn flags_set_and_clear() {
        let mut c = ControlState::default();
        c.set_flags("no-output,pause-after=2,wait-exit");
        assert!(c.no_output && c.wait_exit);
        assert_eq!(c.pause_after, Some(Duration::from_secs(2)));
        assert_eq!(c.flag_names(), ["no-output", "pause-after=2", "wait-exit"]);
        c.set_flags("!no-output,!pause-after");
        assert!(!c.no_output);
        assert_eq!(c.pause_after, None);
    }

    #[test]
    fn the_queue_is_bounded() {
        let now = Instant::now();
        let big = vec![b'x'; LINE_BYTES];
        let mut c = ControlState::default();
        for _ in 0..=QUEUE_BYTES / LINE_BYTES {
            c.push_output(1, &big, now);
        }
        assert!(c.behind);
        assert!(c.queue.is_empty());
        // With pause-after the pane is paused instead, with tmux's notice.
        let mut c = ControlState::default();
        c.set_flags("pause-after=1");
        c.push_output(1, b"old", now);
        c.push_output(1, b"new", now + Duration::from_secs(2));
        let mut out = String::new();
        c.take_lines(now + Duration::from_secs(2), &mut out);
        assert_eq!(out, "%pause %1\n");
        assert!(!c.behind);
    }
}
