//! The renderer: random frame sequences (wide characters, combining marks, every colour kind and
//! attribute, random cursor and modes) must be reproduced exactly by a terminal fed `enter` plus
//! the render outputs, checked with vt100 and with alacritty (through `PaneTerm`); an unchanged
//! frame costs nothing; a one-cell change costs tens of bytes; invalid frames cannot inject
//! escape sequences.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use common::{vt100_color, vt100_parser};
use proptest::prelude::*;
use tmate_term::{Attrs, Cell, Color, Frame, PaneModes, PaneTerm, Renderer, Style};

const NARROW: &[&str] = &[
    "a", "b", "Z", "0", " ", "~", "é", "e\u{301}", "ß", "ж", "│", "·", "#",
];
const WIDE: &[&str] = &["中", "日", "本", "語", "😀", "🎉"];

fn color() -> impl Strategy<Value = Color> {
    prop_oneof![
        3 => Just(Color::Default),
        2 => (0u8..16).prop_map(Color::Indexed),
        1 => any::<u8>().prop_map(Color::Indexed),
        1 => any::<(u8, u8, u8)>().prop_map(|(r, g, b)| Color::Rgb(r, g, b)),
    ]
}

fn style() -> impl Strategy<Value = Style> {
    (color(), color(), any::<[bool; 8]>()).prop_map(|(fg, bg, a)| Style {
        fg,
        bg,
        attrs: Attrs {
            bold: a[0] && a[7],
            dim: a[1] && a[7],
            italic: a[2],
            underline: a[3],
            blink: a[4] && a[7],
            reverse: a[5],
            hidden: a[6] && a[0],
            strike: a[7] && a[2],
        },
    })
}

/// (is wide, index into the table, style) per cell; turned into a valid frame row by row.
fn tokens(n: usize) -> impl Strategy<Value = Vec<(bool, usize, Style)>> {
    prop::collection::vec((prop::bool::weighted(0.25), 0usize..64, style()), n)
}

fn modes() -> impl Strategy<Value = PaneModes> {
    any::<[bool; 8]>().prop_map(|m| PaneModes {
        cursor_keys_application: m[0],
        keypad_application: m[1],
        bracketed_paste: m[2],
        mouse_reporting: m[3] || m[6] || m[7],
        sgr_mouse: m[4],
        alt_screen: false,
        cursor_visible: m[5],
        focus_events: false,
        mouse_drag: m[6],
        mouse_motion: m[7] && m[4],
    })
}

fn build_frame(
    cols: u16,
    rows: u16,
    toks: &[(bool, usize, Style)],
    cursor: Option<(u16, u16)>,
    modes: PaneModes,
) -> Frame {
    let mut cells = Vec::new();
    let mut toks = toks.iter().cycle();
    for _ in 0..rows {
        let mut x = 0;
        while x < cols {
            let &(wide, i, style) = toks.next().expect("cycle");
            if wide && x + 1 < cols {
                cells.push(Cell {
                    text: WIDE[i % WIDE.len()].to_owned(),
                    width: 2,
                    style,
                });
                cells.push(Cell::continuation(style));
                x += 2;
            } else {
                cells.push(Cell {
                    text: NARROW[i % NARROW.len()].to_owned(),
                    width: 1,
                    style,
                });
                x += 1;
            }
        }
    }
    Frame {
        cols,
        rows,
        cells,
        cursor: cursor.map(|(x, y)| (x % cols, y % rows)),
        modes,
        cursor_look: Default::default(),
        damage: Default::default(),
    }
}

fn frames(cols: u16, rows: u16, n: usize) -> impl Strategy<Value = Vec<Frame>> {
    let cells = usize::from(cols) * usize::from(rows);
    prop::collection::vec(
        (
            tokens(cells),
            prop::option::weighted(0.8, any::<(u16, u16)>()),
            modes(),
            0usize..4,
        ),
        1..=n,
    )
    .prop_map(move |specs| {
        let mut out: Vec<Frame> = Vec::new();
        for (toks, cursor, modes, keep) in specs {
            let mut frame = build_frame(cols, rows, &toks, cursor, modes);
            // Often keep some rows of the previous frame, as real screens change only in part.
            if let Some(prev) = out.last().filter(|_| keep > 0) {
                let split = usize::from(cols) * (usize::from(rows) * keep / 4);
                frame.cells[..split].clone_from_slice(&prev.cells[..split]);
            }
            out.push(frame);
        }
        out
    })
}

/// Check that the vt100 screen shows exactly `frame`.
fn check_vt100(parser: &vt100::Parser, frame: &Frame) -> Result<(), TestCaseError> {
    let screen = parser.screen();
    for y in 0..frame.rows {
        for x in 0..frame.cols {
            let want = frame.cell(x, y).expect("cell");
            let got = screen.cell(y, x).expect("vt100 cell");
            let at = format!("({x},{y}) want {want:?}");
            if want.width == 0 {
                prop_assert!(got.is_wide_continuation(), "{at}: not a continuation");
                continue;
            }
            let text = if got.contents().is_empty() {
                " "
            } else {
                got.contents()
            };
            prop_assert_eq!(text, want.text.as_str(), "{}", at);
            prop_assert_eq!(got.is_wide(), want.width == 2, "{}", at);
            prop_assert_eq!(vt100_color(got.fgcolor()), want.style.fg, "{}", at);
            prop_assert_eq!(vt100_color(got.bgcolor()), want.style.bg, "{}", at);
            let a = want.style.attrs;
            prop_assert_eq!(got.italic(), a.italic, "{}", at);
            prop_assert_eq!(got.underline(), a.underline, "{}", at);
            prop_assert_eq!(got.inverse(), a.reverse, "{}", at);
            // vt100 keeps one intensity (the last of SGR 1 and 2 wins), so for both it shows one;
            // the alacritty check below sees both.
            if a.bold && a.dim {
                prop_assert!(got.dim() || got.bold(), "{at}: bold or dim");
            } else {
                prop_assert_eq!(got.bold(), a.bold, "{}", at);
                prop_assert_eq!(got.dim(), a.dim, "{}", at);
            }
        }
    }
    match frame.cursor {
        Some((x, y)) => {
            prop_assert!(!screen.hide_cursor(), "cursor hidden");
            prop_assert_eq!(screen.cursor_position(), (y, x));
        }
        None => prop_assert!(screen.hide_cursor(), "cursor shown"),
    }
    let m = frame.modes;
    prop_assert_eq!(screen.application_cursor(), m.cursor_keys_application);
    prop_assert_eq!(screen.application_keypad(), m.keypad_application);
    prop_assert_eq!(screen.bracketed_paste(), m.bracketed_paste);
    let mouse = if m.mouse_motion {
        vt100::MouseProtocolMode::AnyMotion
    } else if m.mouse_drag {
        vt100::MouseProtocolMode::ButtonMotion
    } else if m.mouse_reporting {
        vt100::MouseProtocolMode::PressRelease
    } else {
        vt100::MouseProtocolMode::None
    };
    prop_assert_eq!(screen.mouse_protocol_mode(), mouse);
    let encoding = if m.sgr_mouse {
        vt100::MouseProtocolEncoding::Sgr
    } else {
        vt100::MouseProtocolEncoding::Default
    };
    prop_assert_eq!(screen.mouse_protocol_encoding(), encoding);
    Ok(())
}

/// Check that alacritty (inside `PaneTerm`) shows exactly `frame`, every attribute but blink
/// (which alacritty does not keep).
fn check_alacritty(term: &PaneTerm, frame: &Frame) -> Result<(), TestCaseError> {
    for y in 0..frame.rows {
        for x in 0..frame.cols {
            let want = frame.cell(x, y).expect("cell");
            let got = term.cell(x, y);
            let mut want_style = want.style;
            want_style.attrs.blink = false;
            prop_assert_eq!(got.width, want.width, "({},{}) {:?}", x, y, want);
            if want.width != 0 {
                prop_assert_eq!(&got.text, &want.text, "({},{})", x, y);
                prop_assert_eq!(got.style, want_style, "({},{}) {:?}", x, y, want);
            }
        }
    }
    let m = term.modes();
    prop_assert_eq!(m.cursor_visible, frame.cursor.is_some());
    if let Some(pos) = frame.cursor {
        prop_assert_eq!(term.cursor(), pos);
    }
    prop_assert_eq!(
        m.cursor_keys_application,
        frame.modes.cursor_keys_application
    );
    prop_assert_eq!(m.keypad_application, frame.modes.keypad_application);
    prop_assert_eq!(m.bracketed_paste, frame.modes.bracketed_paste);
    prop_assert_eq!(m.mouse_reporting, frame.modes.mouse_reporting);
    prop_assert_eq!(m.sgr_mouse, frame.modes.sgr_mouse);
    Ok(())
}

fn run_sequence(seqs: &[Vec<Frame>]) -> Result<(), TestCaseError> {
    let first = &seqs[0][0];
    let mut renderer = Renderer::new();
    let mut vt = vt100_parser(first.cols, first.rows);
    let mut ala = PaneTerm::new(first.cols, first.rows, 0);
    let mut out = Vec::new();
    renderer.enter(&mut out);
    for seq in seqs {
        for frame in seq {
            let (r, c) = vt.screen().size();
            if (r.get(), c.get()) != (frame.rows, frame.cols) {
                // The client's terminal was resized.
                vt.screen_mut().set_size(
                    std::num::NonZeroU16::new(frame.rows).expect("rows"),
                    std::num::NonZeroU16::new(frame.cols).expect("cols"),
                );
                ala.resize(frame.cols, frame.rows);
            }
            renderer.render(frame, &mut out);
            vt.process(&out);
            ala.feed(&out);
            out.clear();
            check_vt100(&vt, frame)?;
            check_alacritty(&ala, frame)?;
            renderer.render(frame, &mut out);
            prop_assert!(
                out.is_empty(),
                "unchanged frame emitted {:?}",
                String::from_utf8_lossy(&out)
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_frames_are_reproduced(
        seq in (1u16..=24, 1u16..=8).prop_flat_map(|(c, r)| frames(c, r, 5))
    ) {
        run_sequence(&[seq])?;
    }

    #[test]
    fn size_changes_redraw_everything(
        seqs in prop::collection::vec(
            (1u16..=16, 1u16..=6).prop_flat_map(|(c, r)| frames(c, r, 3)),
            2..=3,
        )
    ) {
        run_sequence(&seqs)?;
    }

    #[test]
    fn invalid_frames_cannot_inject_escapes(
        cols in 0u16..12,
        rows in 0u16..5,
        cells in prop::collection::vec(
            (prop::sample::select(vec![
                "a", "", "\x1b[2J", "\x07", "中", "\u{301}", "x\ny", "\u{9b}31m", "ab", "😀", " ",
                "e\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}",
            ]), 0u8..4, style()),
            0..80,
        ),
        cursor in prop::option::of(any::<(u16, u16)>()),
    ) {
        let frame = Frame {
            cols,
            rows,
            cells: cells
                .into_iter()
                .map(|(t, width, style)| Cell { text: t.to_owned(), width, style })
                .collect(),
            cursor,
            modes: PaneModes::default(),
            cursor_look: Default::default(),
            damage: Default::default(),
        };
        let mut renderer = Renderer::new();
        let mut out = Vec::new();
        renderer.render(&frame, &mut out);
        renderer.render(&frame, &mut out);
        assert_only_our_sequences(&out)?;
        if cols > 0 && rows > 0 {
            let mut vt = vt100_parser(cols, rows);
            vt.process(&out);
            // Whatever was drawn, every cell holds at most one character that takes space.
            for y in 0..rows {
                for x in 0..cols {
                    let c = vt.screen().cell(y, x).expect("cell");
                    let spacing = c
                        .contents()
                        .chars()
                        .filter(|ch| unicode_width::UnicodeWidthChar::width(*ch).unwrap_or(0) > 0)
                        .count();
                    prop_assert!(spacing <= 1, "({x},{y}) holds {:?}", c.contents());
                }
            }
        }
    }
}

/// Every control byte in `out` belongs to a sequence this renderer emits: CR, `ESC =`, `ESC >`
/// and CSI sequences with only digits, `;` and `?` as parameters and a known final byte.
fn assert_only_our_sequences(out: &[u8]) -> Result<(), TestCaseError> {
    let text = String::from_utf8_lossy(out);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            match chars.next() {
                Some('=' | '>') => {}
                Some('[') => loop {
                    match chars.next() {
                        Some(p) if p.is_ascii_digit() || p == ';' || p == '?' => {}
                        Some('m' | 'H' | 'G' | 'C' | 'D' | 'J' | 'h' | 'l') => break,
                        other => prop_assert!(false, "unexpected CSI byte {other:?} in {text:?}"),
                    }
                },
                other => prop_assert!(false, "unexpected ESC {other:?} in {text:?}"),
            }
        } else {
            prop_assert!(
                c == '\r' || !(c.is_control()),
                "control character {c:?} in output {text:?}"
            );
        }
    }
    Ok(())
}

fn full_frame(cols: u16, rows: u16) -> Frame {
    let mut cells = Vec::new();
    for y in 0..rows {
        for x in 0..cols {
            let style = Style {
                fg: Color::Indexed(((x + y) % 8) as u8),
                ..Style::default()
            };
            let ch = char::from(b'a' + ((x * 7 + y * 3) % 26) as u8);
            cells.push(Cell::new(&ch.to_string(), style));
        }
    }
    Frame {
        cols,
        rows,
        cells,
        cursor: Some((0, rows - 1)),
        modes: PaneModes::default(),
        cursor_look: Default::default(),
        damage: Default::default(),
    }
}

#[test]
fn small_changes_cost_few_bytes() {
    let mut frame = full_frame(80, 24);
    let mut renderer = Renderer::new();
    let mut out = Vec::new();
    renderer.enter(&mut out);
    renderer.render(&frame, &mut out);
    let full = out.len();
    assert!(
        full > 80 * 24,
        "a full draw sends every cell ({full} bytes)"
    );

    out.clear();
    renderer.render(&frame, &mut out);
    assert!(out.is_empty(), "unchanged frame: {out:?}");

    // One cell in the middle changes text and colour.
    frame.cells[12 * 80 + 40] = Cell::new("X", Style::colors(Color::Indexed(1), Color::Indexed(4)));
    out.clear();
    renderer.render(&frame, &mut out);
    let one_cell = out.len();
    println!(
        "full draw {full} bytes, one-cell change {one_cell} bytes: {:?}",
        String::from_utf8_lossy(&out)
    );
    assert!(one_cell <= 32, "one-cell change took {one_cell} bytes");

    // Typing a character at the cursor: the cell and the cursor move.
    frame.cells[23 * 80] = Cell::new("$", Style::default());
    frame.cursor = Some((1, 23));
    out.clear();
    renderer.render(&frame, &mut out);
    println!(
        "typed character: {} bytes: {:?}",
        out.len(),
        String::from_utf8_lossy(&out)
    );
    assert!(out.len() <= 16, "typing took {} bytes", out.len());

    // Only the cursor moves.
    frame.cursor = Some((10, 5));
    out.clear();
    renderer.render(&frame, &mut out);
    assert_eq!(out, b"\x1b[6;11H");

    // Reset forgets the client: everything again.
    renderer.reset();
    out.clear();
    renderer.render(&frame, &mut out);
    assert!(out.len() >= full / 2);
}

#[test]
fn enter_and_leave_restore_the_terminal() {
    let mut renderer = Renderer::new();
    let mut out = Vec::new();
    renderer.enter(&mut out);
    let mut frame = full_frame(10, 3);
    frame.modes = PaneModes {
        cursor_keys_application: true,
        keypad_application: true,
        bracketed_paste: true,
        mouse_reporting: true,
        sgr_mouse: true,
        focus_events: true,
        ..PaneModes::default()
    };
    frame.cursor = None;
    renderer.render(&frame, &mut out);
    renderer.leave(&mut out);
    let mut vt = vt100_parser(10, 3);
    vt.process(b"before");
    vt.process(&out);
    let screen = vt.screen();
    assert!(!screen.alternate_screen());
    assert_eq!(screen.contents(), "before");
    assert!(!screen.hide_cursor());
    assert!(!screen.application_cursor());
    assert!(!screen.application_keypad());
    assert!(!screen.bracketed_paste());
    assert_eq!(screen.mouse_protocol_mode(), vt100::MouseProtocolMode::None);
    assert_eq!(
        screen.mouse_protocol_encoding(),
        vt100::MouseProtocolEncoding::Default
    );
    assert_eq!(screen.fgcolor(), vt100::Color::Default);
}

/// Remove escape sequences (CSI and two-byte ESC) from renderer output, leaving the text.
fn text_only(out: &[u8]) -> String {
    let mut text = Vec::new();
    let mut i = 0;
    while i < out.len() {
        if out[i] == 0x1b {
            i += 1;
            if out.get(i) == Some(&b'[') {
                i += 1;
                while i < out.len() && !(0x40..=0x7e).contains(&out[i]) {
                    i += 1;
                }
            }
            i += 1;
        } else {
            if out[i] >= 0x20 {
                text.push(out[i]);
            }
            i += 1;
        }
    }
    String::from_utf8_lossy(&text).into_owned()
}

fn text_frame(lines: &[&str], cols: u16, rows: u16) -> Frame {
    let mut frame = Frame::blank(cols, rows);
    for (y, line) in lines.iter().enumerate() {
        for (x, c) in line.chars().enumerate() {
            frame.cells[y * usize::from(cols) + x] = Cell::new(&c.to_string(), Style::default());
        }
    }
    frame
}

/// A changed word is sent whole even where some of its cells did not change, so readers of the
/// output stream see words (`#CS1#` replacing `#READY#` shares the first `#`).
#[test]
fn changed_words_are_sent_whole() {
    let mut renderer = Renderer::new();
    let mut out = Vec::new();
    renderer.render(
        &text_frame(&["#READY#", "$ ls -la /usr/share"], 40, 4),
        &mut out,
    );
    out.clear();
    renderer.render(
        &text_frame(&["#CS1#", "$ ls -la /usr/shark"], 40, 4),
        &mut out,
    );
    let text = text_only(&out);
    assert!(text.contains("#CS1#"), "{text:?}");
    assert!(text.contains("/usr/shark"), "{text:?}");
    // Words that did not change are not resent.
    assert!(!text.contains("ls"), "{text:?}");
    // The client still ends up with exactly the frame.
    let mut parser = vt100_parser(40, 4);
    let mut all = Vec::new();
    let mut fresh = Renderer::new();
    fresh.render(
        &text_frame(&["#READY#", "$ ls -la /usr/share"], 40, 4),
        &mut all,
    );
    fresh.render(
        &text_frame(&["#CS1#", "$ ls -la /usr/shark"], 40, 4),
        &mut all,
    );
    parser.process(&all);
    let contents = parser.screen().contents();
    let lines: Vec<&str> = contents.lines().map(str::trim_end).collect();
    assert_eq!(&lines[..2], ["#CS1#", "$ ls -la /usr/shark"]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// After `canonicalize`, a renderer's state depends only on the frame it drew: two clients
    /// that reached the same frame by different paths emit the same bytes for the next one (so a
    /// relay can compute a diff once and send it to both), and those bytes are right for both.
    #[test]
    fn canonical_renderers_share_diffs(a in frames(12, 5, 3), b in frames(12, 5, 3)) {
        let (Some(target), Some(next)) = (a.last(), b.last()) else { return Ok(()); };
        let mut first = Renderer::new();
        let mut second = Renderer::new();
        let mut screen_first = vt100_parser(12, 5);
        let mut screen_second = vt100_parser(12, 5);
        let mut out = Vec::new();
        first.enter(&mut out);
        second.enter(&mut out);
        // Different histories that end on the same frame.
        for frame in a.iter() {
            let mut bytes = Vec::new();
            first.render(frame, &mut bytes);
            first.canonicalize();
            screen_first.process(&bytes);
        }
        for frame in b.iter().chain(std::iter::once(target)) {
            let mut bytes = Vec::new();
            second.render(frame, &mut bytes);
            second.canonicalize();
            screen_second.process(&bytes);
        }
        let mut from_first = Vec::new();
        first.render(next, &mut from_first);
        let mut from_second = Vec::new();
        second.render(next, &mut from_second);
        prop_assert_eq!(&from_first, &from_second);
        // The shared bytes bring both clients to the frame.
        screen_first.process(&from_second);
        screen_second.process(&from_first);
        check_vt100(&screen_first, next)?;
        check_vt100(&screen_second, next)?;
    }
}

/// The case `canonicalize` exists for: the same frame reached by two paths leaves two different
/// pens (the style of the last cell each drew); without canonicalizing, the next diff differs.
#[test]
fn canonicalize_forgets_the_pen() {
    let red = Style::colors(Color::Indexed(1), Color::Default);
    let blue = Style::colors(Color::Indexed(4), Color::Default);
    let frame = |cells: &[(&str, Style)]| {
        let mut f = Frame::blank(4, 1);
        for (i, (text, style)) in cells.iter().enumerate() {
            f.cells[i] = Cell::new(text, *style);
        }
        f.cursor = None;
        f
    };
    let target = frame(&[
        ("a", red),
        (" ", Style::default()),
        (" ", Style::default()),
        ("b", blue),
    ]);
    let other = frame(&[
        ("x", blue),
        (" ", Style::default()),
        (" ", Style::default()),
        ("b", blue),
    ]);
    let next = frame(&[("a", red), ("c", red), (" ", Style::default()), ("b", blue)]);
    let run = |canonical: bool| {
        // Path one draws `target` in full (last cell drawn: blue "b").
        let mut one = Renderer::new();
        let mut sink = Vec::new();
        one.render(&target, &mut sink);
        // Path two draws `other`, then only the changed first cell of `target` (pen: red).
        let mut two = Renderer::new();
        two.render(&other, &mut sink);
        two.render(&target, &mut sink);
        if canonical {
            one.canonicalize();
            two.canonicalize();
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        one.render(&next, &mut a);
        two.render(&next, &mut b);
        (a, b)
    };
    let (a, b) = run(false);
    assert_ne!(a, b, "the paths should leave different pens");
    let (a, b) = run(true);
    assert_eq!(a, b);
}
