//! Test helpers: a private tmux 3.3a server per test (its own socket in a temporary directory,
//! killed on drop), polling with a deadline, and readers for what tmux shows.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use tmate_term::{Color, Style};

/// How long a test waits for tmux to reach an expected state before failing.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// A tmux server of its own, on a socket in a temporary directory.
pub struct Tmux {
    dir: tempfile::TempDir,
    sock: PathBuf,
}

impl Tmux {
    pub fn new() -> Tmux {
        let dir = tempfile::tempdir().expect("tempdir");
        let sock = dir.path().join("sock");
        Tmux { dir, sock }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn socket(&self) -> &Path {
        &self.sock
    }

    /// Run `tmux -S SOCK -f /dev/null ARGS`; panics if tmux cannot be started.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.sock)
            .arg("-f")
            .arg("/dev/null")
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("run tmux")
    }

    /// Run and return stdout as text, panicking on failure.
    pub fn out(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Poll `check` every 20 ms until it returns `Some`, failing after [`DEADLINE`].
    pub fn wait_for<T>(&self, what: &str, mut check: impl FnMut(&Tmux) -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            if let Some(value) = check(self) {
                return value;
            }
            assert!(start.elapsed() < DEADLINE, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Start a detached session of `cols` x `rows` whose only pane prints `file` unchanged (the
    /// pty in raw mode, no output processing), then sets its title to a marker; wait until tmux
    /// has consumed everything (the title is the marker, which tmux can only have seen after the
    /// file's bytes).
    pub fn replay_file(&self, file: &Path, cols: u16, rows: u16) {
        let marker = "replay-done-7f3a";
        let cmd = format!(
            "stty raw -echo; cat '{}'; printf '\\033]2;{}\\007'; exec sleep 600",
            file.display(),
            marker
        );
        self.out(&[
            "new-session",
            "-d",
            "-x",
            &cols.to_string(),
            "-y",
            &rows.to_string(),
            &cmd,
        ]);
        self.wait_for("the pane to consume the recording", |t| {
            let title = t.run(&["display-message", "-p", "#{pane_title}"]);
            (String::from_utf8_lossy(&title.stdout).trim() == marker).then_some(())
        });
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// The cell attributes compared with tmux and vt100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub fg: Color,
    pub bg: Color,
    pub bold: bool,
    pub italic: bool,
    pub underline: bool,
    pub reverse: bool,
}

impl Seen {
    pub fn of_style(style: &Style) -> Seen {
        Seen {
            fg: style.fg,
            bg: style.bg,
            bold: style.attrs.bold,
            italic: style.attrs.italic,
            underline: style.attrs.underline,
            reverse: style.attrs.reverse,
        }
    }

    pub fn of_vt100(cell: &vt100::Cell) -> Seen {
        Seen {
            fg: vt100_color(cell.fgcolor()),
            bg: vt100_color(cell.bgcolor()),
            bold: cell.bold(),
            italic: cell.italic(),
            underline: cell.underline(),
            reverse: cell.inverse(),
        }
    }
}

pub fn vt100_color(c: vt100::Color) -> Color {
    match c {
        vt100::Color::Default => Color::Default,
        vt100::Color::Idx(i) => Color::Indexed(i),
        vt100::Color::Rgb(r, g, b) => Color::Rgb(r, g, b),
    }
}

/// A vt100 screen of `cols` x `rows` holding what `capture-pane -p -e -N` printed: each line
/// starts where the previous one's style ended (tmux carries it over), so the lines are fed in
/// order, separated by CR LF.
pub fn parse_capture(capture: &str, cols: u16, rows: u16) -> vt100::Parser {
    let mut parser = vt100_parser(cols, rows);
    for (i, line) in capture.lines().take(usize::from(rows)).enumerate() {
        if i > 0 {
            parser.process(b"\r\n");
        }
        parser.process(line.as_bytes());
    }
    parser
}

/// A vt100 parser of `cols` x `rows` (both at least 1) without scrollback.
pub fn vt100_parser(cols: u16, rows: u16) -> vt100::Parser {
    let rows = std::num::NonZeroU16::new(rows).expect("rows > 0");
    let cols = std::num::NonZeroU16::new(cols).expect("cols > 0");
    vt100::Parser::new(rows, cols, 0)
}

/// Text of a vt100 row, trailing blanks trimmed (what `capture-pane -p` prints).
pub fn vt100_row_text(screen: &vt100::Screen, row: u16, cols: u16) -> String {
    let mut text = String::new();
    for col in 0..cols {
        if let Some(cell) = screen.cell(row, col) {
            if cell.is_wide_continuation() {
                continue;
            }
            let contents = cell.contents();
            text.push_str(if contents.is_empty() { " " } else { contents });
        }
    }
    text.trim_end_matches(' ').to_owned()
}

/// Path of a recorded fixture.
pub fn data_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("data")
        .join(name)
}

/// A tmux client attached in a pseudo-terminal of its own (made by util-linux `script`), whose
/// output is collected for decoding with vt100. Killed on drop.
pub struct Client {
    child: std::process::Child,
    output: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    /// Kept open so that `script` never sees end of input.
    _stdin: Option<std::process::ChildStdin>,
    cols: u16,
    rows: u16,
}

impl Client {
    /// Attach a `cols` x `rows` UTF-8 xterm-256color client to `tmux`'s session.
    pub fn attach(tmux: &Tmux, cols: u16, rows: u16) -> Client {
        use std::io::Read;
        use std::process::Stdio;
        let inner = format!(
            "stty cols {cols} rows {rows}; exec tmux -u -S '{}' attach",
            tmux.socket().display()
        );
        let mut child = Command::new("script")
            .args(["-qfec", &inner, "/dev/null"])
            .env("TERM", "xterm-256color")
            .env("LANG", "C.UTF-8")
            .env("LC_ALL", "C.UTF-8")
            .env_remove("TMUX")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("run script(1) to attach a tmux client in a pty");
        let stdin = child.stdin.take();
        let mut stdout = child.stdout.take().expect("script stdout");
        let output = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .expect("output lock")
                    .extend_from_slice(&buf[..n]);
            }
        });
        Client {
            child,
            output,
            _stdin: stdin,
            cols,
            rows,
        }
    }

    /// The client's screen as decoded so far.
    pub fn screen(&self) -> vt100::Parser {
        let bytes = self.output.lock().expect("output lock").clone();
        let mut parser = vt100_parser(self.cols, self.rows);
        parser.process(&bytes);
        parser
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
