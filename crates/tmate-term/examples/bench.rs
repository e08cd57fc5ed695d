//! Throughput of `PaneTerm::feed` on a mixed stream and the cost of `compose` + `render` for
//! 80x24 and 200x60 clients. Run: `cargo run --release -p tmate-term --example bench`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use tmate_term::{
    Frame, PaneTerm, Renderer, Scene, ScenePane, StatusBar, StatusWindow, compose, compose_into,
};

/// About `size` bytes of what terminals see: coloured ls-style lines, full-screen redraws with
/// cursor addressing and 256 colours, CJK with combining marks and emoji, truecolour SGR.
fn mixed_stream(size: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(size + 4096);
    let mut i = 0u32;
    while out.len() < size {
        match i % 4 {
            0 => {
                for n in 0..20 {
                    out.extend_from_slice(
                        format!(
                            "\x1b[0m\x1b[01;34mdir_{n}\x1b[0m  \x1b[01;32mscript_{i}.sh\x1b[0m  notes-{n}.txt  \x1b[01;31marchive.tar.gz\x1b[0m\r\n"
                        )
                        .as_bytes(),
                    );
                }
            }
            1 => {
                for row in 1..=24 {
                    out.extend_from_slice(
                        format!(
                            "\x1b[{row};1H\x1b[38;5;{}m\x1b[48;5;{}m{:<40}\x1b[0m{:>38}",
                            (row * 7 + i) % 256,
                            (row * 3 + i) % 256,
                            format!("row {row} frame {i}"),
                            i
                        )
                        .as_bytes(),
                    );
                }
            }
            2 => {
                for _ in 0..10 {
                    out.extend_from_slice(
                        "漢字かなカナ한글 e\u{301}a\u{308} 🎉🚀👍🏽 中文输入测试 emoji 😀 done\r\n"
                            .as_bytes(),
                    );
                }
            }
            _ => {
                for n in 0..20u32 {
                    out.extend_from_slice(
                        format!(
                            "\x1b[38;2;{};{};{}mtruecolour {n} \x1b[48;2;10;20;{}m background\x1b[0m\r\n",
                            n * 12 % 256,
                            i % 256,
                            (n * 5 + i) % 256,
                            n * 9 % 256
                        )
                        .as_bytes(),
                    );
                }
            }
        }
        i += 1;
    }
    out
}

fn feed_throughput(stream: &[u8], chunk: usize) -> f64 {
    let mut pane = PaneTerm::new(80, 24, 2000);
    let start = Instant::now();
    for piece in stream.chunks(chunk) {
        pane.feed(piece);
    }
    black_box(pane.row_text(0));
    let secs = start.elapsed().as_secs_f64();
    stream.len() as f64 / (1024.0 * 1024.0) / secs
}

/// Time per call of `f`, run for at least `min` and at least 20 times.
fn per_call(min: Duration, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    let mut n = 0u32;
    while n < 20 || start.elapsed() < min {
        f();
        n += 1;
    }
    start.elapsed() / n
}

struct Geom {
    cols: u16,
    area: u16,
    top: u16,
    left_w: u16,
    right_w: u16,
    bottom: u16,
}

fn scene<'a>(terms: &'a [PaneTerm], g: &Geom, status: &StatusBar) -> Scene<'a> {
    Scene {
        session_cols: g.cols,
        session_rows: g.area,
        panes: vec![
            ScenePane {
                id: 0,
                xoff: 0,
                yoff: 0,
                cols: g.left_w,
                rows: g.top,
                term: &terms[0],
            },
            ScenePane {
                id: 1,
                xoff: g.left_w + 1,
                yoff: 0,
                cols: g.right_w,
                rows: g.top,
                term: &terms[1],
            },
            ScenePane {
                id: 2,
                xoff: 0,
                yoff: g.top + 1,
                cols: g.cols,
                rows: g.bottom,
                term: &terms[2],
            },
        ],
        active_pane: Some(2),
        status: Some(status.clone()),
        message: None,
        message_markup: false,
    }
}

/// A keystroke's echo as the relay draws it for a viewer: a fresh frame composed and compared
/// whole (the relay before its frames kept row damage), or a compose into the size's frame
/// kept from the last one, whose renderer compares the changed rows only.
fn relay_echo_costs(
    terms: &mut [PaneTerm],
    geom: &Geom,
    status: &StatusBar,
    min: Duration,
) -> (Duration, Duration) {
    let (cols, rows) = (geom.cols, geom.area + 1);
    let mut renderer = Renderer::new();
    let mut out = Vec::with_capacity(1 << 16);
    let fresh = per_call(min, || {
        terms[2].feed(b"x");
        let mut fresh = Frame::blank(0, 0);
        compose_into(&scene(terms, geom, status), cols, rows, &mut fresh);
        out.clear();
        renderer.render(&fresh, &mut out);
    });
    let mut kept = Frame::blank(0, 0);
    let mut viewer = Renderer::new();
    let reused = per_call(min, || {
        terms[2].feed(b"x");
        compose_into(&scene(terms, geom, status), cols, rows, &mut kept);
        out.clear();
        viewer.render(&kept, &mut out);
    });
    (fresh, reused)
}

/// A status line like tmate's default one with four windows.
fn status_bar() -> StatusBar {
    StatusBar {
        left: "[tmate] ".to_owned(),
        right: "#[fg=black,bold]\"host\" 12:00 01-Jan-26".to_owned(),
        windows: (0..4)
            .map(|i| StatusWindow {
                idx: i,
                name: format!("win{i}"),
                active: i == 1,
                last: i == 0,
            })
            .collect(),
    }
}

fn frame_costs(cols: u16, rows: u16) {
    // Two panes side by side over a wide one, filled with the mixed stream; a status line.
    let area = rows - 1;
    let top = area / 2;
    let left_w = cols / 2;
    let right_w = cols - left_w - 1;
    let bottom = area - top - 1;
    let stream = mixed_stream(256 * 1024);
    let mut terms = vec![
        PaneTerm::new(left_w, top, 2000),
        PaneTerm::new(right_w, top, 2000),
        PaneTerm::new(cols, bottom, 2000),
    ];
    for (i, term) in terms.iter_mut().enumerate() {
        term.feed(&stream[i * 1000..]);
    }
    let status = status_bar();
    let geom = Geom {
        cols,
        area,
        top,
        left_w,
        right_w,
        bottom,
    };
    let min = Duration::from_millis(400);
    let compose_t = per_call(min, || {
        black_box(compose(&scene(&terms, &geom, &status), cols, rows));
    });
    let mut reused = Frame::blank(0, 0);
    let compose_into_t = per_call(min, || {
        compose_into(&scene(&terms, &geom, &status), cols, rows, &mut reused);
        black_box(&reused);
    });
    let frame = compose(&scene(&terms, &geom, &status), cols, rows);
    let mut renderer = Renderer::new();
    let mut out = Vec::with_capacity(1 << 16);
    let mut full_bytes = 0;
    let full_t = per_call(min, || {
        renderer.reset();
        out.clear();
        renderer.render(&frame, &mut out);
        full_bytes = out.len();
    });
    let same_t = per_call(min, || {
        out.clear();
        renderer.render(&frame, &mut out);
    });
    // A typical update: one line of output in the bottom pane, then compose and render.
    let mut line_bytes = 0usize;
    let mut n = 0u64;
    let line_t = per_call(min, || {
        terms[2].feed(format!("$ echo {n}\r\n{n}\r\n").as_bytes());
        n += 1;
        compose_into(&scene(&terms, &geom, &status), cols, rows, &mut reused);
        out.clear();
        renderer.render(&reused, &mut out);
        line_bytes = out.len();
    });
    let (echo_fresh_t, echo_reused_t) = relay_echo_costs(&mut terms, &geom, &status, min);
    println!(
        "{cols:>3}x{rows:<3} compose {:>6.1} us (into a reused frame {:>6.1} us) | render: full \
         {:>6.1} us ({full_bytes} B), unchanged {:>5.1} us | a line of output: \
         feed+compose+render {:>6.1} us ({line_bytes} B) | a keystroke for a relay viewer: \
         fresh frame {:>6.1} us, kept frame {:>6.1} us",
        compose_t.as_secs_f64() * 1e6,
        compose_into_t.as_secs_f64() * 1e6,
        full_t.as_secs_f64() * 1e6,
        same_t.as_secs_f64() * 1e6,
        line_t.as_secs_f64() * 1e6,
        echo_fresh_t.as_secs_f64() * 1e6,
        echo_reused_t.as_secs_f64() * 1e6,
    );
}

fn main() {
    let stream = mixed_stream(32 << 20);
    println!(
        "PaneTerm::feed, 80x24, 2000 lines of scrollback, {} MiB mixed stream:",
        stream.len() >> 20
    );
    for chunk in [4096, 16384] {
        let mibs = (0..2)
            .map(|_| feed_throughput(&stream, chunk))
            .fold(0.0f64, f64::max);
        println!("  {chunk:>5}-byte pieces: {mibs:>6.1} MiB/s");
    }
    println!("compose + render (3 panes + status line):");
    frame_costs(80, 24);
    frame_costs(200, 60);
}
