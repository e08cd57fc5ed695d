//! Fuzz target: arbitrary terminal input in arbitrary pieces through the key parser. The events'
//! raw bytes must be exactly the input, the pending buffer must stay bounded, and every key must
//! have a name that parses back
//! (except what tmux itself names but cannot bind).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tmate_proto::input::MAX_PENDING;
use tmate_proto::{InputEvent, InputParser, KeyCode, PaneKeyModes, pane_key_bytes};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let piece = usize::from(first % 16) + 1;
    let mut parser = InputParser::new();
    let mut events = Vec::new();
    for chunk in rest.chunks(piece) {
        parser.feed(chunk, &mut events);
        assert!(parser.pending().len() < MAX_PENDING);
    }
    parser.flush(&mut events);
    let raw: Vec<u8> = events.iter().flat_map(|e| e.raw().to_vec()).collect();
    assert_eq!(raw, rest);
    for event in &events {
        if let InputEvent::Key { key, .. } = event {
            let name = key.name();
            // tmux names focus reports but takes no such name in a binding (`bind FocusIn` is
            // "unknown key" in tmux 3.3a), so only those and invalid codes do not parse back.
            let unbindable = *key == KeyCode::FOCUS_IN || *key == KeyCode::FOCUS_OUT;
            if !name.contains("Invalid#") && !unbindable {
                assert_eq!(KeyCode::parse(&name), Some(*key), "{name}");
            }
            let modes = PaneKeyModes {
                cursor_keys_application: first & 0x40 != 0,
                keypad_application: first & 0x80 != 0,
                xterm_keys: first & 0x20 != 0,
            };
            let _ = pane_key_bytes(*key, modes);
        }
    }
});
