//! The compositor on fixed scenes: exact rows of text and the styles of borders, the status line
//! and messages, for clients equal to, larger than and smaller than the session. The expected
//! rows were read off tmux 3.3a drawing the same layouts (tests/compose_tmux.rs checks a few of
//! them against a live tmux).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

use tmate_term::{
    ACTIVE_BORDER_STYLE, BORDER_STYLE, Color, Frame, MESSAGE_STYLE, PaneTerm, STATUS_STYLE, Scene,
    ScenePane, StatusBar, StatusWindow, Style, compose,
};

fn pane(cols: u16, rows: u16, text: &str) -> PaneTerm {
    let mut term = PaneTerm::new(cols, rows, 100);
    term.feed(text.as_bytes());
    term
}

fn window(idx: i64, name: &str, active: bool, last: bool) -> StatusWindow {
    StatusWindow {
        idx,
        name: name.to_owned(),
        active,
        last,
    }
}

fn rows(frame: &Frame) -> Vec<String> {
    (0..frame.rows).map(|r| frame.row_text(r)).collect()
}

fn style_at(frame: &Frame, col: u16, row: u16) -> Style {
    frame.cell(col, row).map(|c| c.style).unwrap_or_default()
}

/// Two panes side by side over one full-width pane, 40x12, the bottom one active.
struct ThreePanes {
    left: PaneTerm,
    right: PaneTerm,
    bottom: PaneTerm,
}

impl ThreePanes {
    fn new() -> Self {
        ThreePanes {
            left: pane(20, 6, "left\r\n"),
            right: pane(19, 6, "right\r\n"),
            bottom: pane(40, 5, "bottom\r\n$ "),
        }
    }

    fn scene(&self, status: Option<StatusBar>, message: Option<&str>) -> Scene<'_> {
        Scene {
            session_cols: 40,
            session_rows: 12,
            panes: vec![
                ScenePane {
                    id: 1,
                    xoff: 0,
                    yoff: 0,
                    cols: 20,
                    rows: 6,
                    term: &self.left,
                },
                ScenePane {
                    id: 2,
                    xoff: 21,
                    yoff: 0,
                    cols: 19,
                    rows: 6,
                    term: &self.right,
                },
                ScenePane {
                    id: 3,
                    xoff: 0,
                    yoff: 7,
                    cols: 40,
                    rows: 5,
                    term: &self.bottom,
                },
            ],
            active_pane: Some(3),
            status,
            message: message.map(str::to_owned),
            message_markup: false,
        }
    }
}

fn status_bar() -> StatusBar {
    StatusBar {
        left: "[tmate] ".to_owned(),
        right: "#[fg=red]RIGHT".to_owned(),
        windows: vec![
            window(0, "bash", false, true),
            window(1, "vim", true, false),
            window(2, "top", false, false),
        ],
    }
}

#[test]
fn three_panes_exact_rows_and_border_styles() {
    let panes = ThreePanes::new();
    let frame = compose(&panes.scene(Some(status_bar()), None), 40, 13);
    let expected = [
        "left                │right",
        "                    │",
        "                    │",
        "                    │",
        "                    │",
        "                    │",
        "────────────────────┴───────────────────",
        "bottom",
        "$",
        "",
        "",
        "",
        "[tmate] 0:bash- 1:vim* 2:top       RIGHT",
    ];
    assert_eq!(rows(&frame), expected);

    // The bottom pane is active: the whole line above it (the join included) is green, the
    // vertical line between the top panes is not.
    for x in 0..40 {
        assert_eq!(style_at(&frame, x, 6), ACTIVE_BORDER_STYLE, "row 6 col {x}");
    }
    for y in 0..6 {
        assert_eq!(style_at(&frame, 20, y), BORDER_STYLE, "col 20 row {y}");
    }
    // Status line: black on green everywhere, RIGHT red on green.
    for x in 0..35 {
        assert_eq!(style_at(&frame, x, 12), STATUS_STYLE, "status col {x}");
    }
    for x in 35..40 {
        assert_eq!(style_at(&frame, x, 12).fg, Color::Indexed(1));
        assert_eq!(style_at(&frame, x, 12).bg, Color::Indexed(2));
    }
    // Cursor: the bottom pane's cursor (after "$ ") offset by the pane position.
    assert_eq!(frame.cursor, Some((2, 8)));
}

#[test]
fn active_top_left_pane_colours_its_borders() {
    let panes = ThreePanes::new();
    let mut scene = panes.scene(None, None);
    scene.active_pane = Some(1);
    let frame = compose(&scene, 40, 12);
    assert_eq!(frame.rows, 12);
    // Its right border (col 20, rows 0..=6) and bottom border (row 6, cols 0..=20).
    for y in 0..=6 {
        assert_eq!(
            style_at(&frame, 20, y),
            ACTIVE_BORDER_STYLE,
            "col 20 row {y}"
        );
    }
    for x in 0..=20 {
        assert_eq!(style_at(&frame, x, 6), ACTIVE_BORDER_STYLE, "row 6 col {x}");
    }
    for x in 21..40 {
        assert_eq!(style_at(&frame, x, 6), BORDER_STYLE, "row 6 col {x}");
    }
    assert_eq!(frame.cursor, Some((0, 1)));
}

#[test]
fn client_larger_than_session_is_filled_like_tmux() {
    // tmux 3.3a, window 30x8 with two panes, client 50x14: the window's right and bottom edges
    // become lines, everything beyond is `·`, all in the default style; the two-pane border is
    // half green (the left pane is active, so the upper half).
    let one = pane(15, 8, "pane one\r\n");
    let two = pane(14, 8, "pane two\r\n");
    let scene = Scene {
        session_cols: 30,
        session_rows: 8,
        panes: vec![
            ScenePane {
                id: 0,
                xoff: 0,
                yoff: 0,
                cols: 15,
                rows: 8,
                term: &one,
            },
            ScenePane {
                id: 1,
                xoff: 16,
                yoff: 0,
                cols: 14,
                rows: 8,
                term: &two,
            },
        ],
        active_pane: Some(0),
        status: Some(StatusBar {
            left: "[0] ".to_owned(),
            right: String::new(),
            windows: vec![window(0, "bash", true, false)],
        }),
        message: None,
        message_markup: false,
    };
    let frame = compose(&scene, 50, 14);
    let dots = |n: usize| "·".repeat(n);
    let mut expected = vec![format!("pane one       │pane two      │{}", dots(19))];
    for _ in 1..8 {
        expected.push(format!("               │              │{}", dots(19)));
    }
    expected.push(format!(
        "{}┴{}┘{}",
        "─".repeat(15),
        "─".repeat(14),
        dots(19)
    ));
    for _ in 9..13 {
        expected.push(dots(50));
    }
    expected.push("[0] 0:bash*".to_owned());
    assert_eq!(rows(&frame), expected);
    for y in 0..8 {
        let want = if y <= 4 {
            ACTIVE_BORDER_STYLE
        } else {
            BORDER_STYLE
        };
        assert_eq!(style_at(&frame, 15, y), want, "middle border row {y}");
        assert_eq!(style_at(&frame, 30, y), BORDER_STYLE, "window edge row {y}");
    }
    assert_eq!(style_at(&frame, 40, 10), BORDER_STYLE);
    assert_eq!(style_at(&frame, 49, 13), STATUS_STYLE);
    assert_eq!(frame.cursor, Some((0, 1)));
}

#[test]
fn client_smaller_than_session_sees_the_top_left() {
    let panes = ThreePanes::new();
    let frame = compose(&panes.scene(Some(status_bar()), None), 25, 6);
    assert_eq!(
        rows(&frame),
        [
            "left                │righ",
            "                    │",
            "                    │",
            "                    │",
            "                    │",
            // The list does not fit: it is cut around the current window, between `<` and `>`
            // markers (read off tmux 3.3a with the same windows at width 25).
            "[tmate] <- 1:vim* 2>RIGHT",
        ]
    );
    // The active pane's cursor is below the visible part: hidden.
    assert_eq!(frame.cursor, None);
}

#[test]
fn status_list_is_cut_around_the_current_window_with_markers() {
    // Read off tmux 3.3a: width 40, left "[0] ", right "RIGHTSIDE", window 2 current.
    let term = pane(40, 7, "");
    let scene = Scene {
        session_cols: 40,
        session_rows: 7,
        panes: vec![ScenePane {
            id: 0,
            xoff: 0,
            yoff: 0,
            cols: 40,
            rows: 7,
            term: &term,
        }],
        active_pane: Some(0),
        status: Some(StatusBar {
            left: "[0] ".to_owned(),
            right: "RIGHTSIDE".to_owned(),
            windows: vec![
                window(0, "bash", false, false),
                window(1, "vimvimvim", false, false),
                window(2, "toptoptop", true, false),
                window(3, "a4", false, false),
                window(4, "a5", false, true),
            ],
        }),
        message: None,
        message_markup: false,
    };
    let frame = compose(&scene, 40, 8);
    assert_eq!(
        frame.row_text(7),
        "[0] <mvim  2:toptoptop* 3:a4  >RIGHTSIDE"
    );
}

#[test]
fn status_markup_is_interpreted_never_printed() {
    // Read off tmux 3.3a with the same options, client 50 wide.
    let term = pane(50, 7, "");
    let scene = Scene {
        session_cols: 50,
        session_rows: 7,
        panes: vec![ScenePane {
            id: 0,
            xoff: 0,
            yoff: 0,
            cols: 50,
            rows: 7,
            term: &term,
        }],
        active_pane: Some(0),
        status: Some(StatusBar {
            left: "#[bg=blue]L##x#[fg=default]".to_owned(),
            right: "#[fg=red,bold]R#[default]ight".to_owned(),
            windows: vec![
                window(0, "bash", false, false),
                window(1, "vim", true, false),
                window(2, "top", false, true),
            ],
        }),
        message: None,
        message_markup: false,
    };
    let frame = compose(&scene, 50, 8);
    assert_eq!(
        frame.row_text(7),
        "L#x0:bash  1:vim* 2:top-                     Right"
    );
    let blue = Style::colors(Color::Indexed(0), Color::Indexed(4));
    for x in 0..3 {
        assert_eq!(style_at(&frame, x, 7), blue);
    }
    assert_eq!(style_at(&frame, 3, 7), STATUS_STYLE);
    let r = style_at(&frame, 45, 7);
    assert_eq!(
        (r.fg, r.bg, r.attrs.bold),
        (Color::Indexed(1), Color::Indexed(2), true)
    );
    assert_eq!(style_at(&frame, 46, 7), STATUS_STYLE);
}

#[test]
fn message_replaces_the_status_line() {
    let panes = ThreePanes::new();
    let frame = compose(
        &panes.scene(Some(status_bar()), Some("no such\x1b[31m window")),
        40,
        13,
    );
    assert_eq!(frame.row_text(12), "no such[31m window");
    for x in 0..40 {
        assert_eq!(style_at(&frame, x, 12), MESSAGE_STYLE, "col {x}");
    }
    // tmux hides the cursor while a message is shown.
    assert_eq!(frame.cursor, None);

    // With the status line off, the message takes the last row over the window.
    let frame = compose(&panes.scene(None, Some("hello")), 40, 12);
    assert_eq!(frame.row_text(11), "hello");
    assert_eq!(frame.row_text(7), "bottom");
    let frame = compose(&panes.scene(None, None), 40, 12);
    assert_eq!(frame.row_text(11), "");
    assert_eq!(frame.row_text(8), "$");
}

#[test]
fn wide_characters_cut_at_pane_or_client_edges_become_blanks() {
    // The pane's terminal is wider than its layout (the relay has not resized it yet), so a wide
    // character straddles the pane's right edge; another is cut by the client's right edge.
    let wide = pane(10, 2, "abc中x\r\n中文中文中");
    let right = pane(5, 2, "zz");
    let scene = Scene {
        session_cols: 10,
        session_rows: 2,
        panes: vec![
            ScenePane {
                id: 0,
                xoff: 0,
                yoff: 0,
                cols: 4,
                rows: 2,
                term: &wide,
            },
            ScenePane {
                id: 1,
                xoff: 5,
                yoff: 0,
                cols: 5,
                rows: 2,
                term: &right,
            },
        ],
        active_pane: Some(1),
        status: None,
        message: None,
        message_markup: false,
    };
    let frame = compose(&scene, 10, 2);
    assert_eq!(frame.row_text(0), "abc │zz");
    assert_eq!(frame.row_text(1), "中文│");
    let cut = frame.cell(3, 0).cloned().unwrap_or_default();
    assert_eq!((cut.text.as_str(), cut.width), (" ", 1));
    assert_eq!(frame.cell(4, 0).map(|c| c.text.as_str()), Some("│"));

    let frame = compose(&scene, 3, 2);
    assert_eq!(frame.row_text(1), "中");
    assert_eq!(
        frame.cell(2, 1).map(|c| (c.text.as_str(), c.width)),
        Some((" ", 1))
    );

    // Every wide cell in every frame is followed by its right half.
    for cols in 1..12 {
        let frame = compose(&scene, cols, 2);
        for row in 0..2 {
            for col in 0..cols {
                let Some(cell) = frame.cell(col, row) else {
                    continue;
                };
                if cell.width == 2 {
                    assert_eq!(frame.cell(col + 1, row).map(|c| c.width), Some(0));
                }
                if cell.width == 0 {
                    assert_eq!(
                        frame.cell(col.wrapping_sub(1), row).map(|c| c.width),
                        Some(2)
                    );
                }
            }
        }
    }
}

#[test]
fn degenerate_scenes_do_not_panic() {
    let term = pane(3, 3, "abc");
    let scene = Scene {
        session_cols: 0,
        session_rows: 0,
        panes: vec![ScenePane {
            id: 9,
            xoff: 60000,
            yoff: 60000,
            cols: 60000,
            rows: 60000,
            term: &term,
        }],
        active_pane: Some(9),
        status: Some(StatusBar::default()),
        message: None,
        message_markup: false,
    };
    for (c, r) in [(0, 0), (1, 1), (0, 5), (5, 0), (80, 24)] {
        let frame = compose(&scene, c, r);
        assert_eq!(frame.cells.len(), usize::from(c) * usize::from(r));
    }
    let empty = Scene {
        panes: Vec::new(),
        active_pane: None,
        ..scene
    };
    let frame = compose(&empty, 10, 3);
    assert_eq!(frame.cursor, None);
}

#[test]
fn compose_into_a_used_frame_equals_a_fresh_compose() {
    let panes = ThreePanes::new();
    let mut reused = compose(&panes.scene(None, Some("a message")), 7, 30);
    for (c, r) in [(40, 13), (25, 6), (60, 20), (40, 13)] {
        let scene = panes.scene(Some(status_bar()), None);
        tmate_term::compose_into(&scene, c, r, &mut reused);
        assert_eq!(reused, compose(&scene, c, r), "{c}x{r}");
    }
}
