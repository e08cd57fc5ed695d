//! Owns the program run inside the measured pane (`tmate-bench pane LOG`): it echoes letters at
//! column 0, prints bursts of base64-looking lines on request and logs how long each burst took
//! to write (the pane's own speed, which viewers must not slow down).
//!
//! Input, in raw mode: a letter other than `q` is echoed as `\r ESC[K letter`; `!T<n>,<tag>\r`
//! writes n bytes of 76-column lines, then clears the screen and prints `#END-<tag>#`;
//! `!C<tag>\r` clears the screen and prints `#C<tag>#`. The marker always lands on a cleared
//! screen so a diffing renderer has to send all of its characters.

use std::io::{Read, Write};
use std::time::Instant;

use anyhow::{Context, Result};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// About 76 KB of 76-column lines of pseudo-random base64 characters ending in CR LF.
fn block() -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15
        ^ std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1);
    let mut out = Vec::with_capacity(1000 * 78);
    for _ in 0..1000 {
        for _ in 0..76 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            out.push(ALPHABET[(x & 63) as usize]);
        }
        out.extend_from_slice(b"\r\n");
    }
    out
}

pub fn main(log_path: &str) -> Result<()> {
    let stdin = std::io::stdin();
    if let Ok(mut t) = rustix::termios::tcgetattr(&stdin) {
        t.make_raw();
        let _ = rustix::termios::tcsetattr(&stdin, rustix::termios::OptionalActions::Now, &t);
    }
    let block = block();
    let mut out = std::io::stdout().lock();
    let mut log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path)
        .with_context(|| format!("open {log_path}"))?;
    out.write_all(b"\x1b[H\x1b[2J#READY#\r\n")?;
    out.flush()?;
    let mut input = stdin.lock();
    let mut buf = [0u8; 4096];
    let mut cmd: Option<Vec<u8>> = None;
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) | Err(_) => return Ok(()),
            Ok(n) => n,
        };
        for &c in buf.get(..n).unwrap_or_default() {
            if let Some(line) = cmd.as_mut() {
                if c == b'\r' || c == b'\n' {
                    let line = std::mem::take(line);
                    cmd = None;
                    run(&line, &block, &mut out, &mut log)?;
                } else if line.len() < 256 {
                    line.push(c);
                }
            } else if c == b'!' {
                cmd = Some(Vec::new());
            } else if c.is_ascii_lowercase() && c != b'q' {
                out.write_all(&[b'\r', 0x1b, b'[', b'K', c])?;
                out.flush()?;
            }
        }
    }
}

fn run(line: &[u8], block: &[u8], out: &mut impl Write, log: &mut impl Write) -> Result<()> {
    let line = String::from_utf8_lossy(line);
    let (op, arg) = line.split_at(line.len().min(1));
    match op {
        "T" => {
            let (n, tag) = arg.split_once(',').unwrap_or((arg, "x"));
            let n: usize = n.parse().unwrap_or(0);
            let t0 = Instant::now();
            let mut left = n;
            while left > 0 {
                let chunk = block.get(..left.min(block.len())).unwrap_or_default();
                out.write_all(chunk)?;
                left -= chunk.len();
            }
            out.flush()?;
            let secs = t0.elapsed().as_secs_f64();
            write!(out, "\r\n\x1b[H\x1b[2J#END-{tag}#")?;
            out.flush()?;
            writeln!(log, "T {tag} {n} {secs:.6}")?;
        }
        "C" => {
            write!(out, "\x1b[H\x1b[2J#C{arg}#")?;
            out.flush()?;
        }
        _ => {}
    }
    Ok(())
}

/// The write time (seconds) the pane logged for burst `tag`, if it finished.
pub fn logged_secs(log_path: &std::path::Path, tag: &str) -> Option<f64> {
    let text = std::fs::read_to_string(log_path).ok()?;
    text.lines().find_map(|l| {
        let mut f = l.split_whitespace();
        (f.next()? == "T" && f.next()? == tag)
            .then(|| f.nth(1)?.parse().ok())
            .flatten()
    })
}
