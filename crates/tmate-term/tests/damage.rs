//! Row damage: a frame composed into again and again (an attached client's) skips rows whose
//! sources did not change, and its renderer skips rows it already shows. Random pane output,
//! client resizes, messages, copy views, display-panes numbers and active-pane switches are
//! applied step by step; after every step the reused frame must equal a fresh compose, and the
//! renderer's output, replayed into vt100, must show that frame.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use common::vt100_parser;
use proptest::prelude::*;
use tmate_term::{
    Color, CopyView, Frame, Look, PaneLabel, PaneTerm, Renderer, Scene, ScenePane, StatusBar,
    StatusWindow, compose_look,
};

/// Pieces of pane output that move, scroll, clear, insert and delete in different ways.
const PIECES: &[&str] = &[
    "abc",
    "hello world ",
    "\r\n",
    "\x1b[H",
    "\x1b[2J",
    "\x1b[K",
    "\x1b[1K",
    "\x1b[5;3H",
    "\x1b[12;1H",
    "\x1b[1;31m",
    "\x1b[42m",
    "\x1b[0m",
    "\x1b[L",
    "\x1b[2M",
    "\x1b[3S",
    "\x1b[2T",
    "中文",
    "e\u{301}",
    "\x1b[?1049h",
    "\x1b[?1049l",
    "\x1b[4h",
    "\x1b[4l",
    "\x1b[P",
    "\x1b[2@",
    "\x1bM",
    "\t",
    "\x1b[3;6r",
    "\x1b[r",
    "\x08\x08",
    "\x1b[?25l",
    "\x1b[?25h",
    "\x1b[1;1H\x1b[J",
    "\x1b[5X",
    "x\x1b[3b",
    "\x1b#8",
    "wrapping past the right edge of a narrow pane",
    "\x1b[?7l",
    "\x1b[?7h",
    "\x1b[?6h",
    "\x1b[?6l",
    "\x1bc",
    "\x1b7",
    "\x1b8",
    "\x1b[?1047h",
    "\x1b[?1047l",
    "\x1b[3g\x1bH",
    "\x1b[2;4H\x1b[1J",
    "\x1b[2K",
    "\x1b[7m",
    "\x1bD\x1bE",
];

#[derive(Debug, Clone)]
enum Step {
    Output(usize, Vec<usize>),
    ClientSize(u16, u16),
    Message(bool),
    CopyView(usize, Option<usize>),
    Active(usize),
    Labels(bool),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (0usize..2, prop::collection::vec(0..PIECES.len(), 1..12))
            .prop_map(|(p, pieces)| Step::Output(p, pieces)),
        1 => (20u16..50, 4u16..16).prop_map(|(c, r)| Step::ClientSize(c, r)),
        1 => any::<bool>().prop_map(Step::Message),
        1 => (0usize..2, prop::option::of(0usize..8)).prop_map(|(p, o)| Step::CopyView(p, o)),
        1 => (0usize..2).prop_map(Step::Active),
        1 => any::<bool>().prop_map(Step::Labels),
    ]
}

struct World {
    panes: [PaneTerm; 2],
    client: (u16, u16),
    message: bool,
    active: usize,
    labels: bool,
}

impl World {
    fn scene(&self) -> Scene<'_> {
        let [left, right] = &self.panes;
        Scene {
            session_cols: 40,
            session_rows: 12,
            panes: vec![
                ScenePane {
                    id: 0,
                    xoff: 0,
                    yoff: 0,
                    cols: 20,
                    rows: 12,
                    term: left,
                },
                ScenePane {
                    id: 1,
                    xoff: 21,
                    yoff: 0,
                    cols: 19,
                    rows: 12,
                    term: right,
                },
            ],
            active_pane: Some(self.active as i64),
            status: Some(StatusBar {
                left: "[s] ".into(),
                right: "right".into(),
                windows: vec![StatusWindow {
                    idx: 0,
                    name: "sh".into(),
                    active: true,
                    last: false,
                }],
            }),
            message: self.message.then(|| "a message".to_string()),
            message_markup: false,
        }
    }

    fn look(&self) -> Look {
        let mut look = Look::default();
        if self.labels {
            look.pane_labels = (0..2)
                .map(|p| PaneLabel {
                    pane: p,
                    number: p as u32,
                    colour: Color::Indexed(4),
                })
                .collect();
        }
        look
    }
}

fn check_screen(parser: &vt100::Parser, frame: &Frame) -> Result<(), TestCaseError> {
    let screen = parser.screen();
    for y in 0..frame.rows {
        for x in 0..frame.cols {
            let want = frame.cell(x, y).expect("cell");
            let got = screen.cell(y, x).expect("vt100 cell");
            let paired = x > 0 && frame.cell(x - 1, y).is_some_and(|c| c.width == 2);
            if want.width == 0 && paired {
                prop_assert!(got.is_wide_continuation(), "({x},{y}) not a continuation");
                continue;
            }
            let text = if got.contents().is_empty() {
                " "
            } else {
                got.contents()
            };
            // A wide character whose right half something was drawn over (a display-panes
            // number) is shown as a blank: the renderer's normalisation.
            let orphan = want.width == 2 && frame.cell(x + 1, y).is_none_or(|c| c.width != 0);
            let want_text = if orphan || want.width == 0 {
                " "
            } else {
                want.text.as_str()
            };
            prop_assert_eq!(text, want_text, "({},{}) text", x, y);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn reused_frames_match_fresh_ones_and_the_client_sees_them(
        steps in prop::collection::vec(step(), 1..40)
    ) {
        let mut world = World {
            panes: [PaneTerm::new(20, 12, 50), PaneTerm::new(19, 12, 50)],
            client: (40, 13),
            message: false,
            active: 0,
            labels: false,
        };
        let mut frame = Frame::blank(0, 0);
        let mut renderer = Renderer::new();
        let mut parser = vt100_parser(world.client.0, world.client.1);
        let mut out = Vec::new();
        // A second client of the same frame that draws only every third compose (a relay
        // viewer whose frames were folded while it was busy).
        let mut late_renderer = Renderer::new();
        let mut late_parser = vt100_parser(world.client.0, world.client.1);
        for (n, step) in steps.into_iter().enumerate() {
            match step {
                Step::Output(p, pieces) => {
                    let bytes: String = pieces.iter().map(|&i| PIECES[i]).collect();
                    world.panes[p].feed(bytes.as_bytes());
                }
                Step::ClientSize(c, r) => {
                    world.client = (c, r);
                    for parser in [&mut parser, &mut late_parser] {
                        parser.screen_mut().set_size(
                            std::num::NonZeroU16::new(r).expect("rows"),
                            std::num::NonZeroU16::new(c).expect("cols"),
                        );
                    }
                }
                Step::Message(on) => world.message = on,
                Step::CopyView(p, offset) => world.panes[p].set_copy_view(
                    offset.map(|offset| CopyView { offset, cursor: (0, 0) }),
                ),
                Step::Active(p) => world.active = p,
                Step::Labels(on) => world.labels = on,
            }
            let (cols, rows) = world.client;
            let scene = world.scene();
            let look = world.look();
            compose_look(&scene, &look, cols, rows, &mut frame);
            let mut fresh = Frame::blank(0, 0);
            compose_look(&scene, &look, cols, rows, &mut fresh);
            if frame != fresh {
                let first = (0..frame.rows)
                    .flat_map(|y| (0..frame.cols).map(move |x| (x, y)))
                    .find(|&(x, y)| frame.cell(x, y) != fresh.cell(x, y));
                prop_assert!(
                    false,
                    "reused frame differs from a fresh compose at {:?}: {:?} vs {:?}",
                    first,
                    first.and_then(|(x, y)| frame.cell(x, y)),
                    first.and_then(|(x, y)| fresh.cell(x, y))
                );
            }
            out.clear();
            renderer.render(&frame, &mut out);
            parser.process(&out);
            check_screen(&parser, &frame)?;
            if n % 3 == 2 {
                out.clear();
                late_renderer.render(&frame, &mut out);
                late_parser.process(&out);
                check_screen(&late_parser, &frame)?;
            }
        }
    }
}

/// A keystroke on a reused frame: the row is recomposed and the client gets only the new
/// character (the fast path of every echo).
#[test]
fn a_keystroke_sends_only_its_row() {
    let mut term = PaneTerm::new(80, 23, 100);
    term.feed(b"$ ");
    fn scene(term: &PaneTerm) -> Scene<'_> {
        Scene {
            session_cols: 80,
            session_rows: 23,
            panes: vec![ScenePane {
                id: 0,
                xoff: 0,
                yoff: 0,
                cols: 80,
                rows: 23,
                term,
            }],
            active_pane: Some(0),
            status: None,
            message: None,
            message_markup: false,
        }
    }
    let mut frame = Frame::blank(0, 0);
    let mut renderer = Renderer::new();
    let mut out = Vec::new();
    compose_look(&scene(&term), &Look::default(), 80, 23, &mut frame);
    renderer.render(&frame, &mut out);
    out.clear();
    term.feed(b"x");
    compose_look(&scene(&term), &Look::default(), 80, 23, &mut frame);
    renderer.render(&frame, &mut out);
    assert!(out.len() < 16, "{:?}", String::from_utf8_lossy(&out));
    assert!(out.contains(&b'x'));
    assert_eq!(frame.row_text(0), "$ x");
}
