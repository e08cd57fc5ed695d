//! Paste buffers (tmux `paste.c`): named and automatic (`bufferN`) buffers ordered by recency,
//! automatic ones capped by `buffer-limit`, and the `buffer_sample` text list-buffers shows.

/// Largest buffer kept (set-buffer, load-buffer and copies beyond it are refused): buffers come
/// from users and pane contents and must stay bounded.
pub const MAX_BUFFER: usize = 16 * 1024 * 1024;
/// Named buffers kept at most (automatic ones are bounded by `buffer-limit`).
pub const MAX_NAMED: usize = 1000;

#[derive(Debug, Clone)]
pub struct Buffer {
    pub name: String,
    pub data: Vec<u8>,
    pub automatic: bool,
    /// Larger is more recent (tmux `order`).
    pub order: u64,
    /// When it was set, seconds since the epoch (`#{buffer_created}`).
    pub created: i64,
}

#[derive(Debug, Default)]
pub struct Buffers {
    list: Vec<Buffer>,
    next_index: u64,
    next_order: u64,
}

impl Buffers {
    /// Most recent first, like `list-buffers`.
    pub fn by_time(&self) -> Vec<&Buffer> {
        let mut v: Vec<&Buffer> = self.list.iter().collect();
        v.sort_by_key(|b| std::cmp::Reverse(b.order));
        v
    }

    pub fn get(&self, name: &str) -> Option<&Buffer> {
        self.list.iter().find(|b| b.name == name)
    }

    /// The most recent buffer (tmux `paste_get_top`).
    pub fn top(&self) -> Option<&Buffer> {
        self.list.iter().max_by_key(|b| b.order)
    }

    /// New contents for buffer `name`, its place and name kept (tmux `paste_replace`); false
    /// when there is no such buffer or the data is empty or too large.
    pub fn replace(&mut self, name: &str, data: Vec<u8>) -> bool {
        if data.is_empty() || data.len() > MAX_BUFFER {
            return false;
        }
        match self.list.iter_mut().find(|b| b.name == name) {
            Some(b) => {
                b.data = data;
                true
            }
            None => false,
        }
    }

    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.list.len();
        self.list.retain(|b| b.name != name);
        before != self.list.len()
    }

    /// A new automatic buffer (`buffer0`, `buffer1`...), dropping the oldest automatic ones
    /// beyond `limit`. Empty data adds nothing.
    pub fn add(&mut self, data: Vec<u8>, limit: usize) {
        self.add_prefixed("buffer", data, limit);
    }

    /// As `add`, named `PREFIXN` (tmux `paste_add`: copy commands' buffer-prefix argument).
    pub fn add_prefixed(&mut self, prefix: &str, data: Vec<u8>, limit: usize) {
        if data.is_empty() || data.len() > MAX_BUFFER {
            return;
        }
        loop {
            let automatic: Vec<(u64, String)> = self
                .list
                .iter()
                .filter(|b| b.automatic)
                .map(|b| (b.order, b.name.clone()))
                .collect();
            if automatic.len() < limit.max(1) {
                break;
            }
            match automatic.iter().min() {
                Some((_, name)) => {
                    let name = name.clone();
                    self.remove(&name);
                }
                None => break,
            }
        }
        let name = loop {
            let name = format!("{prefix}{}", self.next_index);
            self.next_index += 1;
            if self.get(&name).is_none() {
                break name;
            }
        };
        let order = self.bump();
        self.list.push(Buffer {
            name,
            data,
            automatic: true,
            order,
            created: crate::state::now_secs(),
        });
    }

    /// Set a named buffer (replacing one of that name), or add an automatic one when `name` is
    /// None (tmux `paste_set`).
    pub fn set(&mut self, name: Option<&str>, data: Vec<u8>, limit: usize) -> Result<(), String> {
        if data.is_empty() {
            return Ok(());
        }
        if data.len() > MAX_BUFFER {
            return Err("buffer too large".into());
        }
        let Some(name) = name else {
            self.add(data, limit);
            return Ok(());
        };
        if name.is_empty() {
            return Err("empty buffer name".into());
        }
        self.remove(name);
        if self.list.iter().filter(|b| !b.automatic).count() >= MAX_NAMED {
            return Err("too many buffers".into());
        }
        let order = self.bump();
        self.list.push(Buffer {
            name: name.to_string(),
            data,
            automatic: false,
            order,
            created: crate::state::now_secs(),
        });
        Ok(())
    }

    /// tmux `paste_rename`.
    pub fn rename(&mut self, old: &str, new: &str) -> Result<(), String> {
        if new.is_empty() {
            return Err("new name is empty".into());
        }
        if old == new {
            return Ok(());
        }
        if self.get(old).is_none() {
            return Err(format!("no buffer {old}"));
        }
        self.remove(new);
        if let Some(b) = self.list.iter_mut().find(|b| b.name == old) {
            b.name = new.to_string();
            b.automatic = false;
        }
        Ok(())
    }

    fn bump(&mut self) -> u64 {
        self.next_order += 1;
        self.next_order
    }
}

/// tmux `paste_make_sample`: the first 200 bytes made visible (`\n`, `\t`, `\\`, C escapes,
/// octal), `...` when cut.
pub fn sample(data: &[u8]) -> String {
    const WIDTH: usize = 200;
    let cut = data.get(..WIDTH).unwrap_or(data);
    let mut out = vis(cut);
    if data.len() > WIDTH || out.len() > WIDTH {
        let mut end = WIDTH.min(out.len());
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
        out.push_str("...");
    }
    out
}

/// vis(3) with VIS_OCTAL | VIS_CSTYLE | VIS_TAB | VIS_NL, keeping valid UTF-8 as it is.
pub fn vis(data: &[u8]) -> String {
    let mut out = String::new();
    let text = String::from_utf8_lossy(data);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0b' => out.push_str("\\v"),
            '\x0c' => out.push_str("\\f"),
            '\0' => out.push_str("\\000"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\{:03o}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn automatic_buffers_are_bounded_and_named_ones_are_not() {
        let mut b = Buffers::default();
        for i in 0..5 {
            b.add(format!("t{i}").into_bytes(), 3);
        }
        b.set(Some("keep"), b"k".to_vec(), 3).unwrap();
        let names: Vec<&str> = b.by_time().iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["keep", "buffer4", "buffer3", "buffer2"]);
        b.add(b"t5".to_vec(), 3);
        let names: Vec<&str> = b.by_time().iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["buffer5", "keep", "buffer4", "buffer3"]);
        // Empty data adds nothing; an empty name is refused like tmux.
        b.add(Vec::new(), 3);
        assert_eq!(b.by_time().len(), 4);
        assert!(b.set(Some(""), b"x".to_vec(), 3).is_err());
        assert!(b.set(None, vec![0; MAX_BUFFER + 1], 3).is_err());
    }

    #[test]
    fn sample_escapes_and_cuts() {
        assert_eq!(sample(b"a\nb\tc\\d\x1b"), "a\\nb\\tc\\\\d\\033");
        let long = vec![b'x'; 300];
        let s = sample(&long);
        assert_eq!(s.len(), 203);
        assert!(s.ends_with("..."));
        assert_eq!(sample("é".repeat(150).as_bytes()).chars().count(), 100 + 3);
    }
}
