//! Config files: which ones load at start (`-f FILE`, else `~/.tmux.conf` then `~/.tmate.conf`),
//! and running a file line by line. An error names the file and line and stops only the rest
//! of its own line (tmux 3 command groups); the rest of the file still loads.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::server::{ClientInfo, Shared};
use crate::state::State;

/// Larger files are refused rather than read into memory.
pub const MAX_FILE: u64 = 4 * 1024 * 1024;
/// tmux's `source-file` nesting limit.
pub const MAX_DEPTH: u32 = 50;

/// The files read at server start: the one given with `-f`, else the user's tmux and tmate
/// configs (each only if it exists).
pub fn startup_files(given: Option<&Path>) -> Vec<(PathBuf, bool)> {
    if let Some(f) = given {
        return vec![(f.to_path_buf(), false)];
    }
    let Some(home) = std::env::var_os("HOME") else {
        return Vec::new();
    };
    let home = PathBuf::from(home);
    vec![
        (home.join(".tmux.conf"), true),
        (home.join(".tmate.conf"), true),
    ]
}

/// Run the commands of `path`; returns the error messages (`file:line: message`). `quiet`:
/// a missing file is not an error (`source-file -q`, the default files).
pub fn load_file(
    shared: &Arc<Shared>,
    state: &mut State,
    client: &ClientInfo,
    path: &Path,
    quiet: bool,
) -> Vec<String> {
    let shown = path.display().to_string();
    if state.source_depth >= MAX_DEPTH {
        return vec![format!("{shown}: too many nested files")];
    }
    let text = match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE => return vec![format!("{shown}: file too large")],
        Ok(_) => match std::fs::read(path) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => return vec![format!("{shown}: {}", io_message(&e))],
        },
        Err(e) if quiet && e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => return vec![format!("{shown}: {}", io_message(&e))],
    };
    state.source_depth += 1;
    let errors = run_text(shared, state, client, &shown, &text);
    state.source_depth -= 1;
    errors
}

/// Run config text; `name` labels its errors.
pub fn run_text(
    shared: &Arc<Shared>,
    state: &mut State,
    client: &ClientInfo,
    name: &str,
    text: &str,
) -> Vec<String> {
    let mut errors = Vec::new();
    for (line_no, line) in crate::parse::logical_lines(text) {
        let commands = match crate::parse::parse_line(&line) {
            Ok(c) => c,
            Err(e) => {
                errors.push(format!("{name}:{line_no}: {e}"));
                continue;
            }
        };
        if commands.is_empty() {
            continue;
        }
        let r = crate::cmd::run_list(shared, state, client, &commands);
        // A nested source-file's causes (on its stdout) already name their file and line.
        if r.located {
            errors.extend(r.out.lines().map(str::to_string));
        }
        for e in r.err.lines() {
            errors.push(format!("{name}:{line_no}: {e}"));
        }
    }
    errors
}

/// The `strerror` text tmux prints (without Rust's " (os error N)").
fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or_default().to_string()
        }
    }
}
