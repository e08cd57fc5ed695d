//! choose-buffer's `e` (tmux 3.3a `window_buffer_start_edit` and `popup_editor`): the buffer's
//! text in a temporary file, the `editor` option run on it in a popup of nine tenths of the
//! client, and on the editor's clean exit the file's text as the buffer's new contents.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::popup::{CloseOnExit, Lines, PopupSpec};
use crate::server::Shared;
use crate::state::State;

/// Makes each edit's file name unique within the server.
static NEXT: AtomicU64 = AtomicU64::new(0);

/// Edit buffer `name` on `client` for the tree mode of `pane`; nothing happens when the
/// buffer is gone, `editor` is empty, the file cannot be written or the popup cannot open.
pub fn start(shared: &Arc<Shared>, st: &mut State, client: u32, pane: u32, name: &str) {
    let Some(data) = st.buffers.get(name).map(|b| b.data.clone()) else {
        return;
    };
    let Some((sid, idx)) = st.locate_pane(pane) else {
        return;
    };
    let editor = st.option(sid, idx, "editor");
    if editor.is_empty() {
        return;
    }
    let path = std::env::temp_dir().join(format!(
        "tmate.{}.{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    if write_new(&path, &data).is_err() {
        return;
    }
    let (cols, rows) = st.clients.get(&client).map_or((80, 24), |c| c.tty_size);
    let (sx, sy) = (cols * 9 / 10, rows * 9 / 10);
    let (border, defaults) = looks(st, sid, idx);
    let spec = PopupSpec {
        px: (cols / 2).saturating_sub(sx / 2),
        py: (rows / 2).saturating_sub(sy / 2),
        sx,
        sy,
        lines: Lines::parse(&st.option(sid, idx, "popup-border-lines")).unwrap_or(Lines::Single),
        title: String::new(),
        border,
        defaults,
        close: CloseOnExit::Always,
        argv: vec![
            "/bin/sh".into(),
            "-c".into(),
            format!("{editor} {}", path.display()),
        ],
        cwd: std::env::temp_dir().to_string_lossy().into_owned(),
        env: crate::process::session_environment(st, sid),
    };
    let done = match crate::popup::open(shared, st, client, spec) {
        Ok(Some(done)) => done,
        _ => {
            let _ = std::fs::remove_file(&path);
            return;
        }
    };
    shared.notify();
    let shared = Arc::clone(shared);
    let name = name.to_string();
    tokio::spawn(async move {
        let status = done.await.unwrap_or(1);
        let text = std::fs::read(&path).ok();
        let _ = std::fs::remove_file(&path);
        // tmux keeps the old contents when the editor failed or left the file empty.
        let Some(text) = text.filter(|t| status == 0 && !t.is_empty()) else {
            return;
        };
        let mut st = shared.lock();
        if st.buffers.replace(&name, text) && super::in_mode(&st, pane) {
            super::refresh(&mut st, pane);
        }
        drop(st);
        shared.notify();
    });
}

/// A new file readable by its owner only (the buffer may hold anything).
fn write_new(path: &std::path::Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(data)
}

/// The popup's border and box colours from `popup-border-style` and `popup-style`.
fn looks(st: &State, sid: u32, idx: u32) -> (tmate_term::Style, tmate_term::Style) {
    use tmate_term::{Style, parse_style_over};
    let one = |option: &str| {
        let value = st.option(sid, idx, option);
        let style =
            parse_style_over(&value, Style::default(), Style::default()).unwrap_or_default();
        Style::colors(style.fg, style.bg)
    };
    (one("popup-border-style"), one("popup-style"))
}
