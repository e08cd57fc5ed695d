//! The web viewer's features with real programs: Debian's tmate 2.4 host, OpenSSH viewers, and
//! headless Chromium pages (desktop windows and an emulated Pixel 7) driven through
//! web/tests/pages.mjs: presence, a phone's view and extra keys, zoom and fullscreen, OSC 52 to
//! read-write pages only, links, the title, bracketed paste.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]
#![allow(
    clippy::too_many_lines,
    reason = "each test is one end-to-end scenario that reads top to bottom, step after step"
)]

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};

use common::TestRelay;
use common::real::{SshViewer, TmateHost, tmate_installed};

/// Where the README's screenshots go when `TMATE_WEB_SCREENSHOTS` names a directory.
const SCREENSHOTS: &str = "TMATE_WEB_SCREENSHOTS";

/// Several browser pages in one Chromium (web/tests/pages.mjs), one command at a time.
struct Pages {
    _child: Child,
    stdin: ChildStdin,
    stdout: tokio::io::Lines<BufReader<ChildStdout>>,
}

impl Pages {
    fn start() -> Pages {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/tests/pages.mjs");
        let mut child = Command::new("node")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("node runs (./scripts/test installs Node.js packages and Chromium)");
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        Pages {
            _child: child,
            stdin,
            stdout,
        }
    }

    /// Run one command; its value (fails the test when the driver reports an error).
    async fn run(&mut self, command: Value) -> Value {
        let mut line = command.to_string();
        line.push('\n');
        self.stdin.write_all(line.as_bytes()).await.unwrap();
        let answer = tokio::time::timeout(Duration::from_secs(90), self.stdout.next_line())
            .await
            .unwrap_or_else(|_| panic!("the browser driver did not answer {command}"))
            .unwrap()
            .unwrap_or_else(|| panic!("the browser driver exited on {command}"));
        let parsed: Value = serde_json::from_str(&answer).unwrap();
        assert_eq!(parsed["ok"], true, "{command}: {answer}");
        let answer = parsed;
        answer["value"].clone()
    }

    async fn open(&mut self, page: &str, url: &str, device: &str) -> Value {
        self.run(
            json!({"op": "open", "page": page, "url": url, "device": device, "clipboard": true}),
        )
        .await
    }

    async fn wait_text(&mut self, page: &str, text: &str) -> String {
        let screen = self
            .run(json!({"op": "waitText", "page": page, "text": text}))
            .await;
        screen.as_str().unwrap_or_default().to_string()
    }

    async fn wait_for(&mut self, page: &str, expr: &str) -> Value {
        self.run(json!({"op": "waitFor", "page": page, "expr": expr}))
            .await
    }

    async fn eval(&mut self, page: &str, expr: &str) -> Value {
        self.run(json!({"op": "eval", "page": page, "expr": expr}))
            .await
    }

    async fn click(&mut self, page: &str, selector: &str) {
        self.run(json!({"op": "click", "page": page, "selector": selector}))
            .await;
    }

    async fn type_text(&mut self, page: &str, text: &str) {
        self.run(json!({"op": "type", "page": page, "text": text}))
            .await;
    }

    async fn press(&mut self, page: &str, key: &str) {
        self.run(json!({"op": "press", "page": page, "key": key}))
            .await;
    }

    /// Wait until the page's presence indicator shows these counts (ssh rw, ssh ro, web rw,
    /// web ro); how long that took.
    async fn wait_presence(&mut self, page: &str, counts: [u64; 4]) -> Duration {
        let [ssh_rw, ssh_ro, web_rw, web_ro] = counts;
        let started = Instant::now();
        self.wait_for(
            page,
            &format!(
                "(() => {{ const c = document.getElementById('presence').dataset.counts; \
                 if (!c) return false; const p = JSON.parse(c); return p.ssh_rw === {ssh_rw} \
                 && p.ssh_ro === {ssh_ro} && p.web_rw === {web_rw} && p.web_ro === {web_ro}; }})()"
            ),
        )
        .await;
        started.elapsed()
    }

    /// The screenshot's bright pixels; also copied to `$TMATE_WEB_SCREENSHOTS/NAME` when set.
    async fn screenshot(&mut self, page: &str, name: &str) -> u64 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        let shot = self
            .run(json!({"op": "screenshot", "page": page, "path": path.to_str().unwrap()}))
            .await;
        if let Some(keep) = std::env::var_os(SCREENSHOTS) {
            std::fs::copy(&path, Path::new(&keep).join(name)).unwrap();
        }
        shot["inkPixels"].as_u64().unwrap_or(0)
    }
}

/// A relay with its web viewer, and a tmate host past its tips; the `tmate_web` links.
async fn session() -> (TestRelay, TmateHost, String, String) {
    assert!(tmate_installed());
    let relay =
        TestRelay::start_with(|c| c.web_listen = Some("127.0.0.1:0".parse().unwrap())).await;
    let host = TmateHost::start(&relay).await;
    let web = host.display("#{tmate_web}").await;
    let web_ro = host.display("#{tmate_web_ro}").await;
    host.past_tips().await;
    (relay, host, web, web_ro)
}

/// The host's window size, `(cols, rows)`, from `list-windows`.
async fn window_size(host: &TmateHost) -> (u32, u32) {
    let out = host.display("#{window_width}x#{window_height}").await;
    let (cols, rows) = out.split_once('x').unwrap();
    (cols.parse().unwrap(), rows.parse().unwrap())
}

/// Wait until the host's window size passes `check`; the size.
async fn wait_window(
    host: &TmateHost,
    what: &str,
    check: impl Fn((u32, u32)) -> bool,
) -> (u32, u32) {
    let deadline = Instant::now() + common::DEADLINE;
    loop {
        let size = window_size(host).await;
        if check(size) {
            return size;
        }
        assert!(
            Instant::now() < deadline,
            "host window never {what}: {size:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The presence indicator counts SSH and web viewers, read-write and read-only, on read-write
/// and read-only pages alike, and follows joins and leaves within a second.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_counts_ssh_and_web_viewers() {
    let (_relay, host, web, web_ro) = session().await;
    let mut pages = Pages::start();
    pages.open("rw", &web, "desktop").await;
    pages.wait_text("rw", "bash-").await;
    pages.open("ro", &web_ro, "desktop").await;
    pages.wait_text("ro", "bash-").await;
    pages.wait_presence("rw", [0, 0, 1, 1]).await;
    pages.wait_presence("ro", [0, 0, 1, 1]).await;
    let text = pages
        .eval("rw", "document.getElementById('presence').textContent")
        .await;
    assert!(text.as_str().unwrap().contains("web 1+1 ro"), "{text}");

    let ssh = host.display("#{tmate_ssh}").await;
    let ssh_ro = host.display("#{tmate_ssh_ro}").await;
    let mut viewer = SshViewer::ssh(&ssh, 100, 30, &[]);
    viewer.wait_text("the shell", |s| s.contains("bash-")).await;
    let joined = pages.wait_presence("rw", [1, 0, 1, 1]).await;
    pages.wait_presence("ro", [1, 0, 1, 1]).await;
    let mut viewer_ro = SshViewer::ssh(&ssh_ro, 90, 25, &[]);
    viewer_ro
        .wait_text("the shell", |s| s.contains("bash-"))
        .await;
    pages.wait_presence("ro", [1, 1, 1, 1]).await;

    drop(viewer);
    let left = pages.wait_presence("rw", [0, 1, 1, 1]).await;
    pages.wait_presence("ro", [0, 1, 1, 1]).await;
    pages.run(json!({"op": "close", "page": "ro"})).await;
    let page_left = pages.wait_presence("rw", [0, 1, 1, 0]).await;
    eprintln!(
        "presence updates: ssh join {joined:?}, ssh leave {left:?}, page leave {page_left:?}"
    );
    for (what, took) in [("join", joined), ("leave", left), ("page leave", page_left)] {
        assert!(took < Duration::from_secs(1), "{what} took {took:?}");
    }
    drop(viewer_ro);
}

/// An emulated Pixel 7 renders the pane (DOM renderer, not a blank WebGL canvas), shows the
/// session at the session's size without shrinking it, types `ls`, Ctrl-C and an arrow with its
/// extra keys, and sizes the session only after "Fit to this screen". A read-only phone gets
/// no keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_sees_the_session_and_types_with_extra_keys() {
    let (_relay, host, web, web_ro) = session().await;
    let ssh = host.display("#{tmate_ssh}").await;
    let mut viewer = SshViewer::ssh(&ssh, 100, 30, &[]);
    viewer.wait_text("the shell", |s| s.contains("bash-")).await;
    wait_window(&host, "took the SSH viewer's size", |s| s == (100, 29)).await;
    host.run(&["send-keys", "echo from-history", "Enter"]).await;
    host.wait_for("the command", &["capture-pane", "-p"], |out| {
        out.lines().any(|l| l == "from-history")
    })
    .await;

    let mut pages = Pages::start();
    pages.open("phone", &web, "phone").await;
    pages.wait_text("phone", "from-history").await;
    assert_eq!(pages.eval("phone", "window.tmateRenderer").await, "dom");
    // Shown at the session's size (100 columns, 29 rows and the status line)...
    pages
        .wait_for(
            "phone",
            "window.tmateTerminal.cols === 100 && window.tmateTerminal.rows === 30",
        )
        .await;
    // ...scaled to the screen's width, and the pane's text is drawn.
    let fits = pages
        .eval(
            "phone",
            "(() => { const b = document.querySelector('.xterm-screen').getBoundingClientRect(); \
             return b.width <= window.innerWidth + 1 && b.width > window.innerWidth * 0.9; })()",
        )
        .await;
    assert_eq!(fits, true);
    assert!(pages.screenshot("phone", "web-phone.png").await > 500);
    // What the buffer holds is what is drawn: ink on the rows with the command's output, none
    // on the blank ones (the WebGL renderer of the first pages drew a grid of dots there and
    // none of the shell's text).
    let rows = pages
        .run(json!({"op": "rowInk", "page": "phone", "text": "from-history"}))
        .await;
    let inks = |key: &str| -> Vec<u64> {
        rows[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect()
    };
    let (text_rows, blank_rows) = (inks("text"), inks("blank"));
    assert!(
        text_rows.len() == 2 && text_rows.iter().all(|&ink| ink > 20),
        "{rows}"
    );
    assert!(
        blank_rows.len() > 10 && blank_rows.iter().all(|&ink| ink == 0),
        "{rows}"
    );
    // The phone did not shrink the session.
    assert_eq!(window_size(&host).await, (100, 29));

    let labels = pages
        .eval(
            "phone",
            "[...document.querySelectorAll('#keys button')].map(b => b.textContent).join(' ')",
        )
        .await;
    assert_eq!(
        labels,
        "Esc Tab Ctrl Alt \u{2190} \u{2191} \u{2193} \u{2192} C-b"
    );
    pages.type_text("phone", "ls").await;
    host.wait_for("the phone's ls", &["capture-pane", "-p"], |out| {
        out.lines()
            .any(|l| l.starts_with("bash-") && l.ends_with(" ls"))
    })
    .await;
    pages.click("phone", "#keys button:text-is('Ctrl')").await;
    assert_eq!(
        pages
            .eval(
                "phone",
                "document.querySelector('#keys button.on').textContent"
            )
            .await,
        "Ctrl"
    );
    pages.type_text("phone", "c").await;
    host.wait_for("the phone's Ctrl-C", &["capture-pane", "-p"], |out| {
        out.lines()
            .any(|l| l.starts_with("bash-") && l.ends_with(" ls^C"))
    })
    .await;
    // Up recalls the last command at the new prompt (a second prompt line showing it).
    pages.click("phone", "#keys button[aria-label=Up]").await;
    host.wait_for("the phone's Up", &["capture-pane", "-p"], |out| {
        out.lines()
            .filter(|l| l.starts_with("bash-") && l.ends_with(" echo from-history"))
            .count()
            == 2
    })
    .await;
    pages.click("phone", "#keys button:text-is('Esc')").await;
    pages.press("phone", "Enter").await;

    // "Fit to this screen": the phone's size becomes the session's (the smallest rw viewer).
    pages.click("phone", "#fit-screen").await;
    let phone = pages
        .wait_for(
            "phone",
            "window.tmateTerminal.cols < 100 && [window.tmateTerminal.cols, window.tmateTerminal.rows]",
        )
        .await;
    let phone_cols = phone[0].as_u64().unwrap() as u32;
    let phone_rows = phone[1].as_u64().unwrap() as u32;
    // The smallest of each dimension: the phone's columns, the SSH viewer's rows.
    let expected = (phone_cols.min(100), (phone_rows - 1).min(29));
    wait_window(&host, "took the phone's size", |s| s == expected).await;
    // Back to the whole session: the SSH viewer's size again.
    pages.click("phone", "#fit-screen").await;
    wait_window(&host, "went back to the SSH viewer's size", |s| {
        s == (100, 29)
    })
    .await;

    // The prefix key is the host's: after `set -g prefix C-a`, the key says so and its
    // `C-a c` opens a window on the host.
    host.run(&["set-option", "-g", "prefix", "C-a"]).await;
    pages
        .wait_for(
            "phone",
            "document.querySelector('#keys button[aria-label=Prefix]').textContent === 'C-a'",
        )
        .await;
    pages
        .click("phone", "#keys button[aria-label=Prefix]")
        .await;
    pages.type_text("phone", "c").await;
    host.wait_for("a second window", &["list-windows"], |out| {
        out.lines().count() == 2
    })
    .await;

    // A read-only phone: the session, no keys, no fit button.
    pages.open("ro", &web_ro, "phone").await;
    pages.wait_text("ro", "1:bash*").await;
    assert_eq!(
        pages
            .eval(
                "ro",
                "document.getElementById('keys').hidden && document.getElementById('fit-screen').hidden \
                 && document.querySelectorAll('#keys button').length === 0",
            )
            .await,
        true
    );
    assert_eq!(
        pages.run(json!({"op": "errors", "page": "phone"})).await,
        json!([])
    );
    drop(viewer);
}

/// Ctrl + and Ctrl - (and the A+/A- buttons) change the font size, kept per browser; the
/// terminal refits and the host's window follows; fullscreen refits too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zoom_and_fullscreen_resize_the_session() {
    let (_relay, host, web, _) = session().await;
    let mut pages = Pages::start();
    pages.open("desk", &web, "desktop").await;
    pages.wait_text("desk", "bash-").await;
    let size = |v: &Value| (v[0].as_u64().unwrap() as u32, v[1].as_u64().unwrap() as u32);
    let first = size(
        &pages
            .eval(
                "desk",
                "[window.tmateTerminal.cols, window.tmateTerminal.rows]",
            )
            .await,
    );
    wait_window(&host, "took the page's size", |s| {
        s == (first.0, first.1 - 1)
    })
    .await;

    pages.press("desk", "Control+Equal").await;
    let bigger = size(
        &pages
            .wait_for(
                "desk",
                &format!(
                    "window.tmateTerminal.cols < {} && [window.tmateTerminal.cols, window.tmateTerminal.rows]",
                    first.0
                ),
            )
            .await,
    );
    wait_window(&host, "followed Ctrl +", |s| s == (bigger.0, bigger.1 - 1)).await;
    assert_eq!(
        pages
            .eval("desk", "localStorage.getItem('tmate.fontSize')")
            .await,
        "15"
    );
    // The key did not reach the shell.
    let screen = host.run(&["capture-pane", "-p"]).await;
    assert!(!screen.contains('='), "{screen}");

    pages.click("desk", "#zoom-out").await;
    pages.press("desk", "Control+Minus").await;
    let smaller = size(
        &pages
            .wait_for(
                "desk",
                &format!(
                    "window.tmateTerminal.cols > {} && [window.tmateTerminal.cols, window.tmateTerminal.rows]",
                    first.0
                ),
            )
            .await,
    );
    wait_window(&host, "followed A- and Ctrl -", |s| {
        s == (smaller.0, smaller.1 - 1)
    })
    .await;

    // Kept per browser: the page loaded again starts at 13 (14 by default, +1, -2).
    pages.run(json!({"op": "reload", "page": "desk"})).await;
    pages
        .wait_for("desk", "window.tmateTerminal.options.fontSize === 13")
        .await;
    pages.run(json!({"op": "close", "page": "desk"})).await;

    // Fullscreen: the button takes the page fullscreen and back. Headless Chromium keeps the
    // window's size in fullscreen, so the larger window a screen gives is played by the
    // viewport: the terminal refits and the host follows.
    pages
        .run(json!({"op": "open", "page": "full", "url": web, "device": "desktop", "width": 800, "height": 500}))
        .await;
    pages.wait_text("full", "bash-").await;
    let windowed = size(
        &pages
            .eval(
                "full",
                "[window.tmateTerminal.cols, window.tmateTerminal.rows]",
            )
            .await,
    );
    wait_window(&host, "took the window's size", |s| {
        s == (windowed.0, windowed.1 - 1)
    })
    .await;
    pages.click("full", "#fullscreen").await;
    pages
        .wait_for("full", "document.fullscreenElement !== null")
        .await;
    pages
        .run(json!({"op": "viewport", "page": "full", "width": 1200, "height": 700}))
        .await;
    let full = size(
        &pages
            .wait_for(
                "full",
                &format!(
                    "window.tmateTerminal.cols > {} && [window.tmateTerminal.cols, window.tmateTerminal.rows]",
                    windowed.0
                ),
            )
            .await,
    );
    wait_window(&host, "followed fullscreen", |s| s == (full.0, full.1 - 1)).await;
    pages.click("full", "#fullscreen").await;
    pages
        .wait_for("full", "document.fullscreenElement === null")
        .await;
}

/// OSC 52 from the pane reaches a read-write page's clipboard, never a read-only page's;
/// selecting copies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn osc52_reaches_read_write_pages_only() {
    let (_relay, host, web, web_ro) = session().await;
    // Two browsers: pages of one Chromium share its clipboard.
    let mut pages = Pages::start();
    let mut ro_pages = Pages::start();
    pages.open("rw", &web, "desktop").await;
    pages.wait_text("rw", "bash-").await;
    ro_pages.open("ro", &web_ro, "desktop").await;
    ro_pages.wait_text("ro", "bash-").await;
    host.run(&[
        "send-keys",
        "printf '\\033]52;c;%s\\007' $(printf 'copied by osc52' | base64); echo copy-done",
        "Enter",
    ])
    .await;
    pages
        .wait_for("rw", "window.tmateLastCopy === 'copied by osc52'")
        .await;
    assert_eq!(
        pages.eval("rw", "navigator.clipboard.readText()").await,
        "copied by osc52"
    );
    // Selecting text on the page copies it too.
    pages
        .eval("rw", "window.tmateTerminal.selectLines(0, 0), true")
        .await;
    pages
        .wait_for(
            "rw",
            "navigator.clipboard.readText().then(t => t.startsWith('bash-'))",
        )
        .await;
    // The read-only page saw what came after, and no clipboard text.
    ro_pages.wait_text("ro", "copy-done").await;
    assert_eq!(
        ro_pages
            .eval("ro", "window.tmateLastCopy === undefined")
            .await,
        true
    );
    assert_eq!(
        ro_pages.eval("ro", "navigator.clipboard.readText()").await,
        ""
    );
}

/// A URL printed in the pane is a link that opens in a new tab; the page's title follows the
/// pane's title (`printf '\033]2;name\007'`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_open_and_the_title_follows_the_pane() {
    let (relay, host, web, _) = session().await;
    let port = relay.handle.web_addr().unwrap().port();
    let mut pages = Pages::start();
    pages.open("desk", &web, "desktop").await;
    pages.wait_text("desk", "bash-").await;
    assert_eq!(pages.eval("desk", "document.title").await, "bash");

    host.run(&["send-keys", "printf '\\033]2;build-42\\007'", "Enter"])
        .await;
    pages
        .wait_for("desk", "document.title === 'build-42'")
        .await;

    host.run(&[
        "send-keys",
        &format!("echo see http://127.0.0.1:{port}/?from=terminal, then"),
        "Enter",
    ])
    .await;
    pages.wait_text("desk", "see http").await;
    let opened = pages
        .run(json!({"op": "clickText", "page": "desk", "text": "http://127.0.0.1"}))
        .await;
    assert_eq!(
        opened,
        format!("http://127.0.0.1:{port}/?from=terminal"),
        "{opened}"
    );
    assert!(pages.screenshot("desk", "web-desktop.png").await > 500);
}

/// A paste into a pane that asked for bracketed paste arrives bracketed; the markers are not
/// sent to a pane that did not ask.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pastes_are_bracketed_when_the_pane_asks() {
    let (_relay, host, web, _) = session().await;
    let mut pages = Pages::start();
    pages.open("desk", &web, "desktop").await;
    pages.wait_text("desk", "bash-").await;
    host.run(&["send-keys", "printf '\\033[?2004h'; cat -v", "Enter"])
        .await;
    pages
        .wait_for("desk", "window.tmateTerminal.modes.bracketedPasteMode")
        .await;
    pages
        .eval("desk", "window.tmateTerminal.paste('pasted-text'), true")
        .await;
    host.run(&["send-keys", "Enter"]).await;
    host.wait_for("the bracketed paste", &["capture-pane", "-p"], |out| {
        out.contains("^[[200~pasted-text^[[201~")
    })
    .await;
}
