//! Key codes: the spec's key table (key -> pane bytes), key names as bind-key spells them, and the
//! terminal input parser, checked against the keys the original relay sent for a real viewer.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use proptest::prelude::*;
use tmate_proto::*;

fn bytes(key: KeyCode, modes: PaneKeyModes) -> Option<Vec<u8>> {
    pane_key_bytes(key, modes)
}

const NORMAL: PaneKeyModes = PaneKeyModes {
    cursor_keys_application: false,
    keypad_application: false,
    xterm_keys: false,
};

/// Section 7.5 of the protocol spec, row by row.
#[test]
fn spec_key_table() {
    let c = KeyCode::CTRL;
    let s = KeyCode::SHIFT;
    let cases: &[(KeyCode, &[u8])] = &[
        (KeyCode::BSPACE, b"\x7f"),
        (KeyCode::F1, b"\x1bOP"),
        (KeyCode::F2, b"\x1bOQ"),
        (KeyCode::F3, b"\x1bOR"),
        (KeyCode::F4, b"\x1bOS"),
        (KeyCode::F5, b"\x1b[15~"),
        (KeyCode::F6, b"\x1b[17~"),
        (KeyCode::F7, b"\x1b[18~"),
        (KeyCode::F8, b"\x1b[19~"),
        (KeyCode::F9, b"\x1b[20~"),
        (KeyCode::F10, b"\x1b[21~"),
        (KeyCode::F11, b"\x1b[23~"),
        (KeyCode::F12, b"\x1b[24~"),
        (KeyCode::F1.with_modifiers(s), b"\x1b[25~"),
        (KeyCode::F2.with_modifiers(s), b"\x1b[26~"),
        (KeyCode::F3.with_modifiers(s), b"\x1b[28~"),
        (KeyCode::F4.with_modifiers(s), b"\x1b[29~"),
        (KeyCode::F5.with_modifiers(s), b"\x1b[31~"),
        (KeyCode::F6.with_modifiers(s), b"\x1b[32~"),
        (KeyCode::F7.with_modifiers(s), b"\x1b[33~"),
        (KeyCode::F8.with_modifiers(s), b"\x1b[34~"),
        (KeyCode::IC, b"\x1b[2~"),
        (KeyCode::DC, b"\x1b[3~"),
        (KeyCode::HOME, b"\x1b[1~"),
        (KeyCode::END, b"\x1b[4~"),
        (KeyCode::NPAGE, b"\x1b[6~"),
        (KeyCode::PPAGE, b"\x1b[5~"),
        (KeyCode::BTAB, b"\x1b[Z"),
        (KeyCode::UP, b"\x1b[A"),
        (KeyCode::DOWN, b"\x1b[B"),
        (KeyCode::LEFT, b"\x1b[D"),
        (KeyCode::RIGHT, b"\x1b[C"),
        (KeyCode::UP.with_modifiers(c), b"\x1bOA"),
        (KeyCode::KP_SLASH, b"/"),
        (KeyCode::KP_ENTER, b"\n"),
        (KeyCode::KP_0, b"0"),
        (KeyCode::KP_PERIOD, b"."),
        // Captured in 4.5: PANE_KEY -> pty bytes.
        (KeyCode(0xe9), "é".as_bytes()),
        (KeyCode(u64::from(b'b') | KeyCode::META), b"\x1bb"),
        (KeyCode(13), b"\r"),
        (KeyCode(u64::from(b'e')), b"e"),
        // Meta on a special key: ESC first.
        (KeyCode::UP.with_modifiers(KeyCode::META), b"\x1b\x1b[A"),
        (
            KeyCode::char('語').with_modifiers(KeyCode::META),
            "\x1b語".as_bytes(),
        ),
    ];
    for (key, want) in cases {
        assert_eq!(
            bytes(*key, NORMAL).as_deref(),
            Some(*want),
            "{key:?} in normal mode"
        );
    }
}

#[test]
fn application_modes_and_xterm_keys() {
    let cursor = PaneKeyModes {
        cursor_keys_application: true,
        ..NORMAL
    };
    assert_eq!(bytes(KeyCode::UP, cursor).as_deref(), Some(&b"\x1bOA"[..]));
    assert_eq!(
        bytes(KeyCode::LEFT, cursor).as_deref(),
        Some(&b"\x1bOD"[..])
    );
    // Ctrl toggles back to the CSI form.
    assert_eq!(
        bytes(KeyCode::UP.with_modifiers(KeyCode::CTRL), cursor).as_deref(),
        Some(&b"\x1b[A"[..])
    );
    let keypad = PaneKeyModes {
        keypad_application: true,
        ..NORMAL
    };
    let keypad_rows: &[(KeyCode, &[u8])] = &[
        (KeyCode::KP_SLASH, b"\x1bOo"),
        (KeyCode::KP_STAR, b"\x1bOj"),
        (KeyCode::KP_MINUS, b"\x1bOm"),
        (KeyCode::KP_7, b"\x1bOw"),
        (KeyCode::KP_8, b"\x1bOx"),
        (KeyCode::KP_9, b"\x1bOy"),
        (KeyCode::KP_PLUS, b"\x1bOk"),
        (KeyCode::KP_4, b"\x1bOt"),
        (KeyCode::KP_5, b"\x1bOu"),
        (KeyCode::KP_6, b"\x1bOv"),
        (KeyCode::KP_1, b"\x1bOq"),
        (KeyCode::KP_2, b"\x1bOr"),
        (KeyCode::KP_3, b"\x1bOs"),
        (KeyCode::KP_ENTER, b"\x1bOM"),
        (KeyCode::KP_0, b"\x1bOp"),
        (KeyCode::KP_PERIOD, b"\x1bOn"),
    ];
    for (key, want) in keypad_rows {
        assert_eq!(bytes(*key, keypad).as_deref(), Some(*want), "{key:?}");
    }
    // Without application keypad mode the keypad sends the plain characters.
    assert_eq!(bytes(KeyCode::KP_7, NORMAL).as_deref(), Some(&b"7"[..]));

    let xterm = PaneKeyModes {
        xterm_keys: true,
        ..NORMAL
    };
    let xterm_rows: &[(KeyCode, &[u8])] = &[
        (KeyCode::UP.with_modifiers(KeyCode::CTRL), b"\x1b[1;5A"),
        (KeyCode::RIGHT.with_modifiers(KeyCode::SHIFT), b"\x1b[1;2C"),
        (KeyCode::F5.with_modifiers(KeyCode::META), b"\x1b[15;3~"),
        (
            KeyCode::F1.with_modifiers(KeyCode::CTRL | KeyCode::SHIFT),
            b"\x1b[1;6P",
        ),
        (
            KeyCode::DC.with_modifiers(KeyCode::CTRL | KeyCode::META),
            b"\x1b[3;7~",
        ),
        (
            KeyCode::char('!').with_modifiers(KeyCode::CTRL),
            b"\x1b[27;5;33~",
        ),
        // No modifier: the plain table.
        (KeyCode::UP, b"\x1b[A"),
    ];
    for (key, want) in xterm_rows {
        assert_eq!(bytes(*key, xterm).as_deref(), Some(*want), "{key:?}");
    }
    // A Ctrl-modified punctuation key has no byte form without xterm-keys (tmux drops it).
    assert_eq!(
        bytes(KeyCode::char('!').with_modifiers(KeyCode::CTRL), NORMAL),
        None
    );
}

#[test]
fn mouse_and_unknown_keys_write_nothing() {
    for name in ["MouseDown1Pane", "WheelUpStatus", "MouseDragEnd3Border"] {
        let key = KeyCode::parse(name).unwrap();
        assert!(key.is_mouse(), "{name}");
        assert_eq!(bytes(key, NORMAL), None, "{name}");
    }
    assert_eq!(bytes(KeyCode::FOCUS_IN, NORMAL), None);
    assert_eq!(bytes(KeyCode(KeyCode::BASE + 500), NORMAL), None);
    // Not a Unicode scalar value (a surrogate): nothing, rather than garbage.
    assert_eq!(bytes(KeyCode(0xd800), NORMAL), None);
}

#[test]
fn key_names() {
    let cases: &[(&str, KeyCode)] = &[
        ("C-b", KeyCode(2)),
        ("^A", KeyCode(1)),
        ("C-Space", KeyCode(0)),
        ("Space", KeyCode::SPACE),
        ("Enter", KeyCode::ENTER),
        ("Escape", KeyCode::ESCAPE),
        ("Tab", KeyCode::TAB),
        ("BSpace", KeyCode::BSPACE),
        // '?' is one of the keys tmux 2.2 leaves with the CTRL bit (its "other" list).
        ("C-?", KeyCode(u64::from(b'?') | KeyCode::CTRL)),
        ("C-@", KeyCode(0)),
        ("M-x", KeyCode(u64::from(b'x') | KeyCode::META)),
        ("M-Up", KeyCode::UP.with_modifiers(KeyCode::META)),
        ("C-Up", KeyCode::UP.with_modifiers(KeyCode::CTRL)),
        ("S-F3", KeyCode::F3.with_modifiers(KeyCode::SHIFT)),
        (
            "C-M-Left",
            KeyCode::LEFT.with_modifiers(KeyCode::CTRL | KeyCode::META),
        ),
        ("PPage", KeyCode::PPAGE),
        ("PageUp", KeyCode::PPAGE),
        ("pgdn", KeyCode::NPAGE),
        ("KPEnter", KeyCode::KP_ENTER),
        ("F12", KeyCode::F12),
        ("%", KeyCode(u64::from(b'%'))),
        ("\"", KeyCode(u64::from(b'"'))),
        ("é", KeyCode(0xe9)),
        ("M-é", KeyCode(0xe9 | KeyCode::META)),
        ("0x41", KeyCode(0x41)),
        ("None", KeyCode::NONE),
        ("MouseDown1Pane", KeyCode(KeyCode::BASE + 3)),
        ("MouseDown1Status", KeyCode(KeyCode::BASE + 4)),
        ("WheelDownBorder", KeyCode(KeyCode::BASE + 44)),
        // tmux keeps CTRL on digits and some punctuation instead of making a control byte.
        ("C-1", KeyCode(u64::from(b'1') | KeyCode::CTRL)),
    ];
    for (name, key) in cases {
        assert_eq!(KeyCode::parse(name), Some(*key), "parse {name}");
    }
    for bad in ["", "C-", "Nope", "0x12345", "M-\u{7f}", "C-é\u{301}"] {
        assert_eq!(KeyCode::parse(bad), None, "{bad:?} must not parse");
    }
    let printed: &[(KeyCode, &str)] = &[
        (KeyCode(2), "C-b"),
        (KeyCode(0), "C-Space"),
        (KeyCode(0x1b), "Escape"),
        (KeyCode(0x1c), "C-\\"),
        (KeyCode::SPACE, "Space"),
        (KeyCode(u64::from(b'x') | KeyCode::META), "M-x"),
        (KeyCode::UP.with_modifiers(KeyCode::CTRL), "C-Up"),
        (KeyCode::PPAGE, "PPage"),
        (KeyCode(0xe9), "é"),
        (KeyCode(KeyCode::BASE + 3), "MouseDown1Pane"),
        (KeyCode::mouse(13, 2), "WheelDownBorder"),
        (KeyCode(127), "Invalid#7f"),
    ];
    for (key, name) in printed {
        assert_eq!(key.name(), *name, "{key:?}");
    }
}

/// tmux 3.3a's `Any`: parsed whole in any case (not with modifiers), printed `Any`, sorted
/// after the ASCII characters and FocusOut, before the mouse keys; the focus keys print but do
/// not parse.
#[test]
fn any_parses_prints_and_sorts_as_tmux() {
    for name in ["Any", "aNY"] {
        assert_eq!(KeyCode::parse(name), Some(KeyCode::ANY), "{name}");
    }
    for bad in ["C-Any", "FocusIn", "FocusOut"] {
        assert_eq!(KeyCode::parse(bad), None, "{bad:?} must not parse");
    }
    assert_eq!(KeyCode::ANY.name(), "Any");
    assert_eq!(KeyCode::FOCUS_IN.name(), "FocusIn");
    assert_eq!(KeyCode::FOCUS_OUT.name(), "FocusOut");
    let mut keys = [
        KeyCode::BSPACE,
        KeyCode::ANY,
        KeyCode::mouse(0, 0),
        KeyCode::FOCUS_OUT,
        KeyCode::char('a'),
    ];
    keys.sort();
    let names: Vec<String> = keys.iter().map(|k| k.name()).collect();
    assert_eq!(names, ["a", "FocusOut", "Any", "MouseDown1Pane", "BSpace"]);
}

/// Every key name tmate 2.4 sent in its default bind-key burst parses, and prints back the same.
#[test]
fn captured_bind_key_names_parse() {
    let mut count = 0;
    for want in common::expected("startup", "h2s") {
        let argv = want.msg.as_array().unwrap();
        if want.type_name != "EXEC_CMD" || argv[1] != "bind-key" {
            continue;
        }
        // Flags come first (-r, -n, -T table); the first non-flag is the key.
        let mut args = argv[2..].iter().map(|a| a.as_str().unwrap());
        let key_name = loop {
            match args.next().unwrap() {
                "-T" => {
                    args.next();
                }
                flag if flag.starts_with('-') && flag.len() == 2 => {}
                key => break key,
            }
        };
        let key = KeyCode::parse(key_name)
            .unwrap_or_else(|| panic!("captured key name {key_name:?} does not parse"));
        assert_eq!(KeyCode::parse(&key.name()), Some(key), "{key_name}");
        count += 1;
    }
    assert_eq!(count, 83, "tmate 2.4 sends 83 default bindings");
}

/// Feed bytes in one piece, flush, return the keys.
fn keys_of(input: &[u8]) -> Vec<InputEvent> {
    let mut parser = InputParser::new();
    let mut out = Vec::new();
    parser.feed(input, &mut out);
    parser.flush(&mut out);
    out
}

fn key_codes(events: &[InputEvent]) -> Vec<KeyCode> {
    events
        .iter()
        .map(|e| match e {
            InputEvent::Key { key, .. } => *key,
            other => panic!("not a key: {other:?}"),
        })
        .collect()
}

/// What the viewer typed in the `viewer_input` capture becomes exactly the PANE_KEY codes the
/// original relay sent for it.
#[test]
fn viewer_keys_match_the_original_relay() {
    let steps: serde_json::Value =
        serde_json::from_str(&String::from_utf8(common::read("viewer_input.steps.json")).unwrap())
            .unwrap();
    let mut ours = Vec::new();
    for step in steps["steps"].as_array().unwrap() {
        let what = step["what"].as_str().unwrap();
        let Some(hex) = step["bytes"].as_str() else {
            continue;
        };
        // Prefix sequences became EXEC_CMD, and read-only input is dropped: only plain rw keys.
        if !what.starts_with("viewer rw typed") || what.contains("C-b") {
            continue;
        }
        let typed: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        let events = keys_of(&typed);
        let raw: Vec<u8> = events.iter().flat_map(|e| e.raw().to_vec()).collect();
        assert_eq!(raw, typed, "{what}: raw bytes kept");
        ours.extend(key_codes(&events));
    }
    let relay: Vec<KeyCode> = common::expected("viewer_input", "s2h")
        .iter()
        .filter(|m| m.type_name == "PANE_KEY")
        .map(|m| KeyCode(m.msg[2].as_u64().unwrap()))
        .collect();
    assert_eq!(relay.len(), 21);
    assert_eq!(ours, relay);
}

#[test]
#[allow(
    clippy::too_many_lines,
    reason = "a table of byte sequences and the keys each parses to, one case per entry"
)]
fn sequences_parse_to_keys() {
    let c = KeyCode::CTRL;
    let s = KeyCode::SHIFT;
    let m = KeyCode::META;
    let cases: &[(&[u8], &[KeyCode])] = &[
        (b"ab", &[KeyCode(97), KeyCode(98)]),
        (b"\x02c", &[KeyCode(2), KeyCode(99)]),
        (b"\x00", &[KeyCode(0)]),
        (b"\x7f", &[KeyCode::BSPACE]),
        (b"\x08", &[KeyCode(8)]),
        (b"\r\t", &[KeyCode::ENTER, KeyCode::TAB]),
        (b"\x1b", &[KeyCode::ESCAPE]),
        (b"\x1bx", &[KeyCode(u64::from(b'x') | m)]),
        (b"\x1b\x03", &[KeyCode(3 | m)]),
        (b"\x1b\x1b[A", &[KeyCode::UP.with_modifiers(m)]),
        (b"\x1b\x1b", &[KeyCode::ESCAPE, KeyCode::ESCAPE]),
        (
            b"\x1b[A\x1bOB\x1b[D\x1bOC",
            &[KeyCode::UP, KeyCode::DOWN, KeyCode::LEFT, KeyCode::RIGHT],
        ),
        (
            b"\x1b[H\x1b[F\x1bOH\x1bOF\x1b[1~\x1b[4~",
            &[
                KeyCode::HOME,
                KeyCode::END,
                KeyCode::HOME,
                KeyCode::END,
                KeyCode::HOME,
                KeyCode::END,
            ],
        ),
        (
            b"\x1b[2~\x1b[3~\x1b[5~\x1b[6~\x1b[Z",
            &[
                KeyCode::IC,
                KeyCode::DC,
                KeyCode::PPAGE,
                KeyCode::NPAGE,
                KeyCode::BTAB,
            ],
        ),
        (
            b"\x1bOP\x1bOQ\x1bOR\x1bOS",
            &[KeyCode::F1, KeyCode::F2, KeyCode::F3, KeyCode::F4],
        ),
        (
            b"\x1b[11~\x1b[[E\x1b[24~",
            &[KeyCode::F1, KeyCode::F5, KeyCode::F12],
        ),
        (b"\x1b[1;5A", &[KeyCode::UP.with_modifiers(c)]),
        (b"\x1b[1;2D", &[KeyCode::LEFT.with_modifiers(s)]),
        (b"\x1b[1;3H", &[KeyCode::HOME.with_modifiers(m)]),
        (b"\x1b[3;5~", &[KeyCode::DC.with_modifiers(c)]),
        (b"\x1b[15;6~", &[KeyCode::F5.with_modifiers(c | s)]),
        (
            b"\x1b[1;5P\x1bO5P",
            &[KeyCode::F1.with_modifiers(c), KeyCode::F1.with_modifiers(c)],
        ),
        (b"\x1b[27;5;33~", &[KeyCode(u64::from(b'!') | c)]),
        // A control character with Ctrl (found by the key_input fuzzer): the key is C-k itself,
        // with Meta and Shift, so its name `M-S-C-k` parses back to it.
        (b"\x1b[27;120;11~", &[KeyCode::parse("M-S-C-k").unwrap()]),
        (
            b"\x1bOa\x1b[b",
            &[
                KeyCode::UP.with_modifiers(c),
                KeyCode::DOWN.with_modifiers(s),
            ],
        ),
        (
            b"\x1b[5^\x1b[3$\x1b[17@",
            &[
                KeyCode::PPAGE.with_modifiers(c),
                KeyCode::DC.with_modifiers(s),
                KeyCode::F6.with_modifiers(c | s),
            ],
        ),
        (
            b"\x1bOp\x1bOM\x1bOk",
            &[KeyCode::KP_0, KeyCode::KP_ENTER, KeyCode::KP_PLUS],
        ),
        (b"\x1b[I\x1b[O", &[KeyCode::FOCUS_IN, KeyCode::FOCUS_OUT]),
        (
            "é語🎉".as_bytes(),
            &[KeyCode(0xe9), KeyCode(0x8a9e), KeyCode(0x1f389)],
        ),
        ("\x1bé".as_bytes(), &[KeyCode(0xe9 | m)]),
        // A sequence cut short by the end of input: ESC [ is Meta-[.
        (b"\x1b[", &[KeyCode(u64::from(b'[') | m)]),
        (
            b"\x1b[1;",
            &[
                KeyCode(u64::from(b'[') | m),
                KeyCode(u64::from(b'1')),
                KeyCode(u64::from(b';')),
            ],
        ),
    ];
    for (input, want) in cases {
        let events = keys_of(input);
        assert_eq!(
            key_codes(&events),
            *want,
            "{:?}",
            input.escape_ascii().to_string()
        );
    }
}

#[test]
fn mouse_paste_and_unknown_sequences_keep_their_bytes() {
    let events = keys_of(b"\x1b[<0;12;5M\x1b[<0;12;5m\x1b[M !\"");
    assert_eq!(
        events,
        vec![
            InputEvent::Mouse {
                event: MouseEvent {
                    button: 0,
                    x: 12,
                    y: 5,
                    release: false,
                    sgr: true
                },
                raw: b"\x1b[<0;12;5M".to_vec(),
            },
            InputEvent::Mouse {
                event: MouseEvent {
                    button: 0,
                    x: 12,
                    y: 5,
                    release: true,
                    sgr: true
                },
                raw: b"\x1b[<0;12;5m".to_vec(),
            },
            InputEvent::Mouse {
                event: MouseEvent {
                    button: 0,
                    x: 1,
                    y: 2,
                    release: false,
                    sgr: false
                },
                raw: b"\x1b[M !\"".to_vec(),
            },
        ]
    );
    let events = keys_of(b"\x1b[200~hi\x1b[201~\x1b[?1;2c");
    assert_eq!(
        events[0],
        InputEvent::Unrecognized {
            raw: b"\x1b[200~".to_vec()
        }
    );
    assert_eq!(key_codes(&events[1..3]), vec![KeyCode(104), KeyCode(105)]);
    assert_eq!(
        events[3],
        InputEvent::Unrecognized {
            raw: b"\x1b[201~".to_vec()
        }
    );
    assert_eq!(
        events[4],
        InputEvent::Unrecognized {
            raw: b"\x1b[?1;2c".to_vec()
        }
    );
    // Invalid UTF-8 lead and continuation bytes.
    let events = keys_of(b"\xff\x80a");
    assert_eq!(events[0], InputEvent::Unrecognized { raw: vec![0xff] });
    assert_eq!(events[1], InputEvent::Unrecognized { raw: vec![0x80] });
    assert_eq!(key_codes(&events[2..]), vec![KeyCode(97)]);
}

/// Sequences split across reads wait for their end instead of turning into separate keys.
#[test]
fn incomplete_sequences_wait_across_reads() {
    let mut parser = InputParser::new();
    let mut out = Vec::new();
    for piece in [&b"\x1b"[..], b"[", b"1", b"5", b";", b"5"] {
        parser.feed(piece, &mut out);
        assert!(out.is_empty(), "after {piece:?}: {out:?}");
    }
    assert_eq!(parser.pending(), b"\x1b[15;5");
    parser.feed(b"~x", &mut out);
    assert_eq!(
        key_codes(&out),
        vec![KeyCode::F5.with_modifiers(KeyCode::CTRL), KeyCode(120)]
    );
    assert!(parser.pending().is_empty());

    out.clear();
    parser.feed(&"語".as_bytes()[..2], &mut out);
    assert!(out.is_empty());
    parser.feed(&"語".as_bytes()[2..], &mut out);
    assert_eq!(key_codes(&out), vec![KeyCode(0x8a9e)]);

    // A lone ESC stays pending until the escape time passes (flush), then it is Escape.
    out.clear();
    parser.feed(b"\x1b", &mut out);
    assert!(out.is_empty());
    parser.flush(&mut out);
    assert_eq!(key_codes(&out), vec![KeyCode::ESCAPE]);

    // An endless CSI is given up on at MAX_PENDING bytes, so the pending buffer stays bounded.
    out.clear();
    let mut long = b"\x1b[".to_vec();
    long.extend(std::iter::repeat_n(b'1', 200));
    parser.feed(&long, &mut out);
    assert!(parser.pending().len() < tmate_proto::input::MAX_PENDING);
    let raw: Vec<u8> = out
        .iter()
        .flat_map(|e| e.raw().to_vec())
        .chain(parser.pending().to_vec())
        .collect();
    assert_eq!(raw, long);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Nothing is lost or invented: the events' raw bytes are the input, and the split of the
    /// input does not change the events; the pending buffer stays bounded.
    #[test]
    fn parser_keeps_every_byte(input in proptest::collection::vec(
        prop_oneof![any::<u8>(), Just(0x1bu8), Just(b'['), Just(b'O'), Just(b';'), Just(b'~'), Just(b'<')],
        0..80,
    ), seed in 1u64..u64::MAX) {
        let whole = keys_of(&input);
        let raw: Vec<u8> = whole.iter().flat_map(|e| e.raw().to_vec()).collect();
        prop_assert_eq!(&raw, &input);

        let mut parser = InputParser::new();
        let mut split = Vec::new();
        for (start, end) in common::split_points(input.len(), seed, 7) {
            parser.feed(&input[start..end], &mut split);
            prop_assert!(parser.pending().len() < tmate_proto::input::MAX_PENDING);
        }
        parser.flush(&mut split);
        prop_assert_eq!(split, whole);
    }

    /// Every key with a byte form parses back from those bytes to itself (normal modes).
    #[test]
    fn pane_bytes_parse_back(code in prop_oneof![
        0u64..0x7f,
        0xa0u64..0x3000,
        (KeyCode::BSPACE.0..=KeyCode::RIGHT.0),
    ], meta in any::<bool>()) {
        let key = KeyCode(code).with_modifiers(if meta { KeyCode::META } else { 0 });
        prop_assume!(code != 0x1b && !(0xd800..0xe000).contains(&code));
        if let Some(bytes) = pane_key_bytes(key, NORMAL) {
            let events = keys_of(&bytes);
            prop_assert_eq!(events.len(), 1, "{:?} -> {:?}", key, bytes);
            let parsed = key_codes(&events)[0];
            // DEL and BSpace are the same bytes; Home/End have two names for one sequence.
            if key.base_key() != KeyCode(0x7f) {
                prop_assert_eq!(parsed, key);
            }
        }
    }
}

/// tmux 3.3a's status-line range keys (StatusLeft, StatusRight, StatusDefault) name and sort
/// as tmux's `KEYC_MOUSE_KEY` lists them: by event, then Pane, Status, the three ranges,
/// Border; all mouse keys before BSpace.
#[test]
fn status_range_mouse_keys_name_and_sort_as_tmux() {
    let names = [
        "MouseDown1Pane",
        "MouseDown1Status",
        "MouseDown1StatusLeft",
        "MouseDown1StatusRight",
        "MouseDown1StatusDefault",
        "MouseDown1Border",
        "MouseDown2Pane",
        "WheelDownStatusDefault",
        "SecondClick1Pane",
        "DoubleClick1StatusLeft",
        "TripleClick3StatusRight",
        "TripleClick3Border",
        "BSpace",
    ];
    let keys: Vec<KeyCode> = names.iter().map(|n| KeyCode::parse(n).unwrap()).collect();
    for (name, key) in names.iter().zip(&keys) {
        assert_eq!(key.name(), *name);
        assert_eq!(key.is_mouse(), *name != "BSpace", "{name}");
    }
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(sorted, keys);
    assert_eq!(KeyCode::mouse(0, 3), keys[2]);
    assert_eq!(KeyCode::parse("mousedown1statusleft"), Some(keys[2]));
    assert_eq!(KeyCode::parse("MouseDown1StatusNowhere"), None);
}

/// `user-keys` sequences become User0..User999 (the longest that matches, waiting while a
/// longer one may still come); the names parse and print as tmux's.
#[test]
fn user_keys_from_input() {
    use tmate_proto::{InputEvent, InputParser};
    assert_eq!(KeyCode::parse("User0").unwrap().name(), "User0");
    assert_eq!(KeyCode::parse("User999").unwrap().name(), "User999");
    assert_eq!(KeyCode::parse("User1000"), None);
    assert!(KeyCode::parse("User3") > KeyCode::parse("TripleClick3Border"));
    let mut p = InputParser::new();
    p.set_user_keys(vec![
        (b"\x1b[5;30012~".to_vec(), KeyCode::user(0).unwrap()),
        (b"\x1b[5;3".to_vec(), KeyCode::user(7).unwrap()),
    ]);
    let keys = |out: &[InputEvent]| -> Vec<String> {
        out.iter()
            .map(|e| match e {
                InputEvent::Key { key, .. } => key.name(),
                other => format!("{other:?}"),
            })
            .collect()
    };
    let mut out = Vec::new();
    p.feed(b"a\x1b[5;30", &mut out);
    assert_eq!(keys(&out), ["a"]);
    p.feed(b"012~b", &mut out);
    assert_eq!(keys(&out), ["a", "User0", "b"]);
    out.clear();
    p.feed(b"\x1b[5;3", &mut out);
    assert!(out.is_empty());
    p.flush(&mut out);
    assert_eq!(keys(&out), ["User7"]);
}

/// tmux 3.3a's MouseMove keys have names (`key_string_lookup_key`) that do not parse back
/// (`key_string_lookup_string` has no entry for them), one per location.
#[test]
fn mouse_move_keys_name_but_do_not_parse() {
    use tmate_proto::keys::MOUSE_MOVE_EVENT;
    let names = [
        "MouseMovePane",
        "MouseMoveStatus",
        "MouseMoveBorder",
        "MouseMoveStatusLeft",
        "MouseMoveStatusRight",
        "MouseMoveStatusDefault",
    ];
    for (location, name) in names.iter().enumerate() {
        let key = KeyCode::mouse(MOUSE_MOVE_EVENT, location as u64);
        assert_eq!(key.name(), *name);
        assert!(key.is_mouse(), "{name}");
        assert_eq!(KeyCode::parse(name), None, "{name}");
    }
    assert_ne!(
        KeyCode::mouse(MOUSE_MOVE_EVENT, 0),
        KeyCode::parse("MouseDrag3Pane").unwrap()
    );
}

/// Answers to the host's terminal queries are replies while they are expected (tmux 3.3a
/// reads them only then), whole or in pieces, and keys otherwise.
#[test]
fn terminal_replies_only_while_expected() {
    let mut p = InputParser::new();
    let mut out = Vec::new();
    p.feed(b"\x1bP", &mut out);
    assert_eq!(
        key_codes(&out),
        vec![KeyCode::char('P').with_modifiers(KeyCode::META)]
    );
    p.expect_replies(true);
    out.clear();
    p.feed(b"\x1b[>41;388;0c\x1bP>|XTe", &mut out);
    assert_eq!(
        out,
        vec![InputEvent::Reply {
            raw: b"\x1b[>41;388;0c".to_vec()
        }]
    );
    out.clear();
    p.feed(b"rm(388)\x1b\\a", &mut out);
    assert_eq!(
        out.first(),
        Some(&InputEvent::Reply {
            raw: b"\x1bP>|XTerm(388)\x1b\\".to_vec()
        })
    );
    assert_eq!(
        key_codes(out.get(1..).unwrap_or_default()),
        vec![KeyCode(97)]
    );
    // An M-P typed while waiting is still M-P once the escape time passes.
    out.clear();
    p.feed(b"\x1bP", &mut out);
    assert!(out.is_empty());
    p.flush(&mut out);
    assert_eq!(
        key_codes(&out),
        vec![KeyCode::char('P').with_modifiers(KeyCode::META)]
    );
    // What cannot be an answer is keys at once.
    out.clear();
    p.feed(b"\x1b[>1x", &mut out);
    assert!(!out.iter().any(|e| matches!(e, InputEvent::Reply { .. })));
}
