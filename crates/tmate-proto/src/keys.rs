//! tmux 2.2 key codes as PANE_KEY carries them: the constants, key names (as `bind-key` spells
//! them), and the bytes a pane receives for a key (tmux's input-keys.c and xterm-keys.c).

use std::fmt;

/// A tmux key code: a byte or Unicode code point below `BASE`, a special key at `BASE + n`, and
/// modifier bits above. Carried as a uint64 in PANE_KEY.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyCode(pub u64);

/// Keys order as tmux 3.3a's codes do (`list-keys` prints in this order): the click keys,
/// which tmux 2.2's numbering has no room for, sort after WheelDown and before BSpace.
impl Ord for KeyCode {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for KeyCode {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

/// Names of the 14 mouse events; each exists for Pane, Status and Border (tmux.h order).
const MOUSE_EVENTS: [&str; 14] = [
    "MouseDown1",
    "MouseDown2",
    "MouseDown3",
    "MouseUp1",
    "MouseUp2",
    "MouseUp3",
    "MouseDrag1",
    "MouseDrag2",
    "MouseDrag3",
    "MouseDragEnd1",
    "MouseDragEnd2",
    "MouseDragEnd3",
    "WheelUp",
    "WheelDown",
];
/// Where a mouse key happened, in `KeyCode::mouse`'s location numbering: tmux 2.2's three,
/// then tmux 3.3a's status-line ranges (`range=left`, `range=right`, no range), which live
/// at `RANGE_BASE`, past tmux 2.2's special keys, and are never in PANE_KEY.
const MOUSE_WHERE: [&str; 6] = [
    "Pane",
    "Status",
    "Border",
    "StatusLeft",
    "StatusRight",
    "StatusDefault",
];
/// tmux 3.3a's order of the locations of one mouse event (`KEYC_MOUSE_KEY`), by ours.
const MOUSE_WHERE_ORDER: [u64; 6] = [0, 1, 5, 2, 3, 4];

/// tmux 3.3a's click keys (events 14 to 22 of `KeyCode::mouse`): a second press within the
/// click time, a double click once that time passed without a third, a triple click. Never in
/// PANE_KEY: they live at `CLICK_BASE`, past tmux 2.2's special keys.
const CLICK_EVENTS: [&str; 9] = [
    "SecondClick1",
    "SecondClick2",
    "SecondClick3",
    "DoubleClick1",
    "DoubleClick2",
    "DoubleClick3",
    "TripleClick1",
    "TripleClick2",
    "TripleClick3",
];
const CLICK_BASE: u64 = KeyCode::BASE + 0x100;
/// Mouse keys at the status line's ranges: three locations for each of the 23 events.
const RANGE_BASE: u64 = KeyCode::BASE + 0x200;
/// tmux 3.3a's `User0`..`User999` keys, which `user-keys` input sequences become (never in
/// PANE_KEY), past every other special key as tmux's `KEYC_USER`.
const USER_BASE: u64 = KeyCode::BASE + 0x400;
/// How many user keys there are (tmux's `KEYC_NUSER`).
pub const USER_KEYS: u64 = 1000;
/// tmux 3.3a's keys for buttons 6 to 11 (events 23 to 64 of `KeyCode::mouse`): for each
/// action in this order, the six buttons. Never in PANE_KEY: they live at `EXTRA_BASE`.
const EXTRA_ACTIONS: [&str; 7] = [
    "MouseDown",
    "MouseUp",
    "MouseDrag",
    "MouseDragEnd",
    "SecondClick",
    "DoubleClick",
    "TripleClick",
];
/// The buttons past 3 tmux 3.3a names.
const EXTRA_BUTTONS: [u64; 6] = [6, 7, 8, 9, 10, 11];
const FIRST_EXTRA_EVENT: u64 = 23;
const EXTRA_BASE: u64 = KeyCode::BASE + 0x300;
/// Mouse events of `KeyCode::mouse`: the 14 of tmux 2.2, the 9 click keys and the 42 of
/// buttons 6 to 11.
const MOUSE_EVENT_COUNT: u64 = FIRST_EXTRA_EVENT + 42;

/// tmux 3.3a's MouseMove keys (`KEYC_MOUSEMOVE_*`, `MouseMovePane`...): motion without a
/// button, an event of `KeyCode::mouse` at each location. tmux names them but its
/// `key_string_lookup_string` does not know the names, so they cannot be bound and reach the
/// pane under the mouse. They live at `MOVE_BASE`, never in PANE_KEY.
pub const MOUSE_MOVE_EVENT: u64 = MOUSE_EVENT_COUNT;
const MOVE_BASE: u64 = KeyCode::BASE + 0x800;
/// [`KeyCode::ANY`]'s code.
const ANY_CODE: u64 = KeyCode::BASE + 0x900;

/// What a mouse button did, for [`mouse_event`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseAction {
    Down,
    Up,
    Drag,
    DragEnd,
    SecondClick,
    DoubleClick,
    TripleClick,
}

/// The `KeyCode::mouse` event of `action` with button `button` (tmux's numbers: 1-3, 6-11);
/// `None` for a button tmux has no keys for.
pub const fn mouse_event(action: MouseAction, button: u64) -> Option<u64> {
    let a = action as u64;
    match button {
        1..=3 => Some(match action {
            MouseAction::Down | MouseAction::Up | MouseAction::Drag | MouseAction::DragEnd => {
                a * 3 + button - 1
            }
            _ => 14 + (a - 4) * 3 + button - 1,
        }),
        6..=11 => Some(FIRST_EXTRA_EVENT + a * 6 + button - 6),
        _ => None,
    }
}

/// The action and button (1-3, 6-11) of a mouse event with a button; `None` for the wheel.
pub const fn mouse_event_button(event: u64) -> Option<(MouseAction, u64)> {
    let (action, button) = match event {
        0..=11 => (event / 3, event % 3 + 1),
        14..=22 => (4 + (event - 14) / 3, (event - 14) % 3 + 1),
        _ if event >= FIRST_EXTRA_EVENT && event < MOUSE_EVENT_COUNT => {
            let n = event - FIRST_EXTRA_EVENT;
            (n / 6, 6 + n % 6)
        }
        _ => return None,
    };
    let action = match action {
        0 => MouseAction::Down,
        1 => MouseAction::Up,
        2 => MouseAction::Drag,
        3 => MouseAction::DragEnd,
        4 => MouseAction::SecondClick,
        5 => MouseAction::DoubleClick,
        _ => MouseAction::TripleClick,
    };
    Some((action, button))
}

/// An event's place in tmux 3.3a's key order (`KEYC_MOUSE_KEY`): by action (the wheel after
/// the drag ends), then buttons 1-3 and 6-11.
const fn mouse_event_rank(event: u64) -> u64 {
    match mouse_event_button(event) {
        Some((action, button)) => {
            let group = match action {
                MouseAction::Down => 0,
                MouseAction::Up => 1,
                MouseAction::Drag => 2,
                MouseAction::DragEnd => 3,
                MouseAction::SecondClick => 5,
                MouseAction::DoubleClick => 6,
                MouseAction::TripleClick => 7,
            };
            let position = if button <= 3 { button - 1 } else { button - 3 };
            group * 9 + position
        }
        None => 4 * 9 + event.saturating_sub(12),
    }
}

/// A mouse event's name without its location (`MouseDown1`, `WheelUp`, `TripleClick11`).
fn mouse_event_name(event: u64) -> Option<String> {
    if event == MOUSE_MOVE_EVENT {
        return Some("MouseMove".into());
    }
    if let Some(name) = MOUSE_EVENTS
        .iter()
        .chain(CLICK_EVENTS.iter())
        .nth(usize::try_from(event).ok()?)
    {
        return Some((*name).to_string());
    }
    let n = event.checked_sub(FIRST_EXTRA_EVENT)?;
    let action = EXTRA_ACTIONS.get(usize::try_from(n / 6).ok()?)?;
    let button = EXTRA_BUTTONS.get(usize::try_from(n % 6).ok()?)?;
    Some(format!("{action}{button}"))
}

impl KeyCode {
    pub const NONE: KeyCode = KeyCode(0xffff_0000_0000);
    pub const UNKNOWN: KeyCode = KeyCode(0xfffe_0000_0000);
    pub const BASE: u64 = 0x1000_0000_0000;

    /// Meta/Alt (tmux calls it ESCAPE: the key was preceded by ESC).
    pub const META: u64 = 0x2000_0000_0000;
    pub const CTRL: u64 = 0x4000_0000_0000;
    pub const SHIFT: u64 = 0x8000_0000_0000;
    pub const MODIFIERS: u64 = Self::META | Self::CTRL | Self::SHIFT;

    pub const FOCUS_IN: KeyCode = KeyCode(Self::BASE);
    pub const FOCUS_OUT: KeyCode = KeyCode(Self::BASE + 1);
    /// An unclassified mouse event; the named mouse keys follow it.
    pub const MOUSE: KeyCode = KeyCode(Self::BASE + 2);
    /// tmux 3.3a's `Any` (KEYC_ANY): bound in a table, it catches the keys that table does
    /// not bind. Never in PANE_KEY: it lives past the other host-only keys, and sorts
    /// between FocusOut and the mouse keys as tmux's code does.
    pub const ANY: KeyCode = KeyCode(ANY_CODE);
    pub const BSPACE: KeyCode = KeyCode(Self::BASE + 45);
    pub const F1: KeyCode = KeyCode(Self::BASE + 46);
    pub const F2: KeyCode = KeyCode(Self::BASE + 47);
    pub const F3: KeyCode = KeyCode(Self::BASE + 48);
    pub const F4: KeyCode = KeyCode(Self::BASE + 49);
    pub const F5: KeyCode = KeyCode(Self::BASE + 50);
    pub const F6: KeyCode = KeyCode(Self::BASE + 51);
    pub const F7: KeyCode = KeyCode(Self::BASE + 52);
    pub const F8: KeyCode = KeyCode(Self::BASE + 53);
    pub const F9: KeyCode = KeyCode(Self::BASE + 54);
    pub const F10: KeyCode = KeyCode(Self::BASE + 55);
    pub const F11: KeyCode = KeyCode(Self::BASE + 56);
    pub const F12: KeyCode = KeyCode(Self::BASE + 57);
    pub const IC: KeyCode = KeyCode(Self::BASE + 58);
    pub const DC: KeyCode = KeyCode(Self::BASE + 59);
    pub const HOME: KeyCode = KeyCode(Self::BASE + 60);
    pub const END: KeyCode = KeyCode(Self::BASE + 61);
    pub const NPAGE: KeyCode = KeyCode(Self::BASE + 62);
    pub const PPAGE: KeyCode = KeyCode(Self::BASE + 63);
    pub const BTAB: KeyCode = KeyCode(Self::BASE + 64);
    pub const UP: KeyCode = KeyCode(Self::BASE + 65);
    pub const DOWN: KeyCode = KeyCode(Self::BASE + 66);
    pub const LEFT: KeyCode = KeyCode(Self::BASE + 67);
    pub const RIGHT: KeyCode = KeyCode(Self::BASE + 68);
    pub const KP_SLASH: KeyCode = KeyCode(Self::BASE + 69);
    pub const KP_STAR: KeyCode = KeyCode(Self::BASE + 70);
    pub const KP_MINUS: KeyCode = KeyCode(Self::BASE + 71);
    pub const KP_7: KeyCode = KeyCode(Self::BASE + 72);
    pub const KP_8: KeyCode = KeyCode(Self::BASE + 73);
    pub const KP_9: KeyCode = KeyCode(Self::BASE + 74);
    pub const KP_PLUS: KeyCode = KeyCode(Self::BASE + 75);
    pub const KP_4: KeyCode = KeyCode(Self::BASE + 76);
    pub const KP_5: KeyCode = KeyCode(Self::BASE + 77);
    pub const KP_6: KeyCode = KeyCode(Self::BASE + 78);
    pub const KP_1: KeyCode = KeyCode(Self::BASE + 79);
    pub const KP_2: KeyCode = KeyCode(Self::BASE + 80);
    pub const KP_3: KeyCode = KeyCode(Self::BASE + 81);
    pub const KP_ENTER: KeyCode = KeyCode(Self::BASE + 82);
    pub const KP_0: KeyCode = KeyCode(Self::BASE + 83);
    pub const KP_PERIOD: KeyCode = KeyCode(Self::BASE + 84);

    pub const ENTER: KeyCode = KeyCode(b'\r' as u64);
    pub const TAB: KeyCode = KeyCode(b'\t' as u64);
    pub const ESCAPE: KeyCode = KeyCode(0x1b);
    pub const SPACE: KeyCode = KeyCode(b' ' as u64);

    /// A plain character or byte key.
    pub const fn char(c: char) -> KeyCode {
        KeyCode(c as u64)
    }

    /// A named mouse key: `event` indexes `MouseDown1..WheelDown`, `location` Pane, Status,
    /// Border, StatusLeft, StatusRight, StatusDefault. Events 14 to 22 are the click keys
    /// (SecondClick1..TripleClick3).
    pub const fn mouse(event: u64, location: u64) -> KeyCode {
        if event == MOUSE_MOVE_EVENT {
            KeyCode(MOVE_BASE + location)
        } else if location >= 3 {
            KeyCode(RANGE_BASE + event * 3 + (location - 3))
        } else if event < 14 {
            KeyCode(Self::BASE + 3 + event * 3 + location)
        } else if event < FIRST_EXTRA_EVENT {
            KeyCode(CLICK_BASE + (event - 14) * 3 + location)
        } else {
            KeyCode(EXTRA_BASE + (event - FIRST_EXTRA_EVENT) * 3 + location)
        }
    }

    /// User key `n` (`User0`..`User999`); `None` past the last.
    pub const fn user(n: u64) -> Option<KeyCode> {
        if n < USER_KEYS {
            Some(KeyCode(USER_BASE + n))
        } else {
            None
        }
    }

    /// A mouse key's (event, location), the inverse of [`KeyCode::mouse`].
    const fn mouse_parts(self) -> Option<(u64, u64)> {
        let key = self.base_key().0;
        if key >= Self::BASE + 3 && key < Self::BSPACE.0 {
            let n = key - Self::BASE - 3;
            Some((n / 3, n % 3))
        } else if key >= CLICK_BASE && key < CLICK_BASE + 27 {
            let n = key - CLICK_BASE;
            Some((14 + n / 3, n % 3))
        } else if key >= EXTRA_BASE
            && key < EXTRA_BASE + (MOUSE_EVENT_COUNT - FIRST_EXTRA_EVENT) * 3
        {
            let n = key - EXTRA_BASE;
            Some((FIRST_EXTRA_EVENT + n / 3, n % 3))
        } else if key >= RANGE_BASE && key < RANGE_BASE + MOUSE_EVENT_COUNT * 3 {
            let n = key - RANGE_BASE;
            Some((n / 3, 3 + n % 3))
        } else if key >= MOVE_BASE && key < MOVE_BASE + MOUSE_WHERE.len() as u64 {
            Some((MOUSE_MOVE_EVENT, key - MOVE_BASE))
        } else {
            None
        }
    }

    /// The order key of `Ord`: mouse keys in tmux 3.3a's order (by event, then location as
    /// `KEYC_MOUSE_KEY` lists them), between Mouse and BSpace.
    fn sort_key(self) -> (u64, u64) {
        match self.mouse_parts() {
            Some((event, location)) => {
                let order = match MOUSE_WHERE_ORDER.get(location as usize) {
                    Some(o) => *o,
                    None => location,
                };
                (
                    self.modifiers() | (Self::MOUSE.0 + 1),
                    mouse_event_rank(event) * 6 + order,
                )
            }
            None if self.0 == ANY_CODE => (Self::FOCUS_OUT.0, 1),
            None => (self.0, 0),
        }
    }

    /// The key without modifier bits.
    pub const fn base_key(self) -> KeyCode {
        KeyCode(self.0 & !Self::MODIFIERS)
    }

    pub const fn modifiers(self) -> u64 {
        self.0 & Self::MODIFIERS
    }

    pub const fn with_modifiers(self, modifiers: u64) -> KeyCode {
        KeyCode(self.0 | (modifiers & Self::MODIFIERS))
    }

    pub const fn is_mouse(self) -> bool {
        self.base_key().0 == Self::MOUSE.0 || self.mouse_parts().is_some()
    }

    /// True for a character or byte key (below BASE), with or without modifiers.
    pub const fn is_char(self) -> bool {
        self.base_key().0 < Self::BASE
    }

    /// Parse a key as `bind-key` and `send-keys` spell it (`C-b`, `M-Up`, `^A`, `Space`, `F5`,
    /// `é`, `0x41`), following tmux 2.2's `key_string_lookup_string`.
    pub fn parse(name: &str) -> Option<KeyCode> {
        if name.eq_ignore_ascii_case("None") {
            return Some(KeyCode::NONE);
        }
        // tmux 3.3a takes `Any` whole, before modifiers (`C-Any` is unknown).
        if name.eq_ignore_ascii_case("Any") {
            return Some(KeyCode::ANY);
        }
        if let Some(hex) = name.strip_prefix("0x") {
            if hex.is_empty() || hex.len() > 4 {
                return None;
            }
            return u16::from_str_radix(hex, 16)
                .ok()
                .map(|v| KeyCode(u64::from(v)));
        }
        // tmux looks for a user key before any modifier.
        if let Some(n) = name
            .strip_prefix("User")
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
        {
            return n.parse().ok().and_then(KeyCode::user);
        }
        let mut rest = name;
        let mut modifiers = 0;
        if let Some(stripped) = rest.strip_prefix('^')
            && !stripped.is_empty()
        {
            modifiers |= Self::CTRL;
            rest = stripped;
        }
        while let [m, b'-', ..] = rest.as_bytes() {
            modifiers |= match m {
                b'C' | b'c' => Self::CTRL,
                b'M' | b'm' => Self::META,
                b'S' | b's' => Self::SHIFT,
                _ => 0,
            };
            rest = rest.get(2..)?;
        }
        let mut chars = rest.chars();
        let first = chars.next()?;
        let key = if chars.as_str().is_empty() && first.is_ascii() {
            let byte = first as u64;
            if byte < 32 || byte == 127 {
                return None;
            }
            byte
        } else if chars.as_str().is_empty() {
            // A single non-ASCII character: its code point, modifiers kept as they are.
            return Some(KeyCode(first as u64 | modifiers));
        } else {
            NAMED_KEYS
                .iter()
                .find(|(key_name, _)| key_name.eq_ignore_ascii_case(rest))
                .map(|(_, key)| key.0)
                .or_else(|| mouse_key_by_name(rest))?
        };
        KeyCode(key | modifiers).ctrl_to_control_byte()
    }

    /// Ctrl on a plain character becomes the control byte a terminal sends (`C-b` is 0x02), as
    /// tmux does; the digits and punctuation tmux leaves alone keep the CTRL bit. `None` for a
    /// Ctrl-character that has no control byte.
    pub fn ctrl_to_control_byte(self) -> Option<KeyCode> {
        const KEEP_CTRL: &[u8] = b"!#()+,-.0123456789:;<=>?'\r\t";
        let key = self.base_key().0;
        let modifiers = self.modifiers();
        if key >= Self::BASE
            || modifiers & Self::CTRL == 0
            || u8::try_from(key).is_ok_and(|b| KEEP_CTRL.contains(&b))
        {
            return Some(self);
        }
        let control = match key {
            97..=122 => key - 96,
            64..=95 => key - 64,
            32 => 0,
            63 => Self::BSPACE.0,
            _ => return None,
        };
        Some(KeyCode(control | (modifiers & !Self::CTRL)))
    }

    /// The key's name as tmux prints it (`C-b`, `M-Up`, `Space`, `F1`, `é`), the inverse of `parse`
    /// for every key tmux can name.
    pub fn name(self) -> String {
        if self == KeyCode::NONE {
            return "None".into();
        }
        if self == KeyCode::UNKNOWN {
            return "Unknown".into();
        }
        if self == KeyCode::MOUSE {
            return "Mouse".into();
        }
        // tmux 3.3a's names for keys no binding can name but `Any` catches (and a single-key
        // prompt answers with).
        for (key, name) in [
            (KeyCode::ANY, "Any"),
            (KeyCode::FOCUS_IN, "FocusIn"),
            (KeyCode::FOCUS_OUT, "FocusOut"),
        ] {
            if self == key {
                return name.into();
            }
        }
        let mut key = self;
        // C-@ is shown as C-Space.
        if key.base_key().0 == 0 {
            key = KeyCode(b' ' as u64 | Self::CTRL | key.modifiers());
        }
        let mut out = String::new();
        if key.0 & Self::CTRL != 0 {
            out.push_str("C-");
        }
        if key.0 & Self::META != 0 {
            out.push_str("M-");
        }
        if key.0 & Self::SHIFT != 0 {
            out.push_str("S-");
        }
        let base = key.base_key();
        if let Some((name, _)) = NAMED_KEYS.iter().find(|(_, k)| *k == base) {
            out.push_str(name);
            return out;
        }
        if let Some(name) = mouse_key_name(base) {
            out.push_str(&name);
            return out;
        }
        if (USER_BASE..USER_BASE + USER_KEYS).contains(&base.0) {
            out.push_str(&format!("User{}", base.0 - USER_BASE));
            return out;
        }
        let code = base.0;
        if code > 127
            && code < Self::BASE
            && let Some(c) = u32::try_from(code).ok().and_then(char::from_u32)
        {
            out.push(c);
            return out;
        }
        if code == 127 || code > 255 {
            return format!("{out}Invalid#{code:x}");
        }
        match code {
            0 | 27..=31 => out.push_str(&format!("C-{}", char::from(64 + code as u8))),
            1..=26 => out.push_str(&format!("C-{}", char::from(96 + code as u8))),
            32..=126 => out.push(char::from(code as u8)),
            _ => out.push_str(&format!("\\{code:o}")),
        }
        out
    }
}

impl fmt::Debug for KeyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyCode({:#x} {})", self.0, self.name())
    }
}

/// Key names of tmux 2.2's key-string.c, in its order (the first name of a key is the one
/// printed).
const NAMED_KEYS: &[(&str, KeyCode)] = &[
    ("F1", KeyCode::F1),
    ("F2", KeyCode::F2),
    ("F3", KeyCode::F3),
    ("F4", KeyCode::F4),
    ("F5", KeyCode::F5),
    ("F6", KeyCode::F6),
    ("F7", KeyCode::F7),
    ("F8", KeyCode::F8),
    ("F9", KeyCode::F9),
    ("F10", KeyCode::F10),
    ("F11", KeyCode::F11),
    ("F12", KeyCode::F12),
    ("IC", KeyCode::IC),
    ("DC", KeyCode::DC),
    ("Home", KeyCode::HOME),
    ("End", KeyCode::END),
    ("NPage", KeyCode::NPAGE),
    ("PageDown", KeyCode::NPAGE),
    ("PgDn", KeyCode::NPAGE),
    ("PPage", KeyCode::PPAGE),
    ("PageUp", KeyCode::PPAGE),
    ("PgUp", KeyCode::PPAGE),
    ("Tab", KeyCode::TAB),
    ("BTab", KeyCode::BTAB),
    ("Space", KeyCode::SPACE),
    ("BSpace", KeyCode::BSPACE),
    ("Enter", KeyCode::ENTER),
    ("Escape", KeyCode::ESCAPE),
    ("Up", KeyCode::UP),
    ("Down", KeyCode::DOWN),
    ("Left", KeyCode::LEFT),
    ("Right", KeyCode::RIGHT),
    ("KP/", KeyCode::KP_SLASH),
    ("KP*", KeyCode::KP_STAR),
    ("KP-", KeyCode::KP_MINUS),
    ("KP7", KeyCode::KP_7),
    ("KP8", KeyCode::KP_8),
    ("KP9", KeyCode::KP_9),
    ("KP+", KeyCode::KP_PLUS),
    ("KP4", KeyCode::KP_4),
    ("KP5", KeyCode::KP_5),
    ("KP6", KeyCode::KP_6),
    ("KP1", KeyCode::KP_1),
    ("KP2", KeyCode::KP_2),
    ("KP3", KeyCode::KP_3),
    ("KPEnter", KeyCode::KP_ENTER),
    ("KP0", KeyCode::KP_0),
    ("KP.", KeyCode::KP_PERIOD),
];

fn mouse_key_by_name(name: &str) -> Option<u64> {
    (0..MOUSE_EVENT_COUNT).find_map(|event| {
        let prefix = mouse_event_name(event)?;
        let location = name
            .get(..prefix.len())
            .filter(|head| head.eq_ignore_ascii_case(&prefix))
            .and_then(|_| name.get(prefix.len()..))?;
        let index = MOUSE_WHERE
            .iter()
            .position(|w| w.eq_ignore_ascii_case(location))?;
        Some(KeyCode::mouse(event, index as u64).0)
    })
}

fn mouse_key_name(key: KeyCode) -> Option<String> {
    let (event, location) = key.mouse_parts()?;
    let event = mouse_event_name(event)?;
    let location = MOUSE_WHERE.get(usize::try_from(location).ok()?)?;
    Some(format!("{event}{location}"))
}

/// Terminal modes of the receiving pane that change which bytes a key becomes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PaneKeyModes {
    /// DECCKM (`ESC [ ? 1 h`): arrows send SS3 (`ESC O A`) instead of CSI.
    pub cursor_keys_application: bool,
    /// DECKPAM (`ESC =`): the keypad sends SS3 sequences instead of digits.
    pub keypad_application: bool,
    /// The window option `xterm-keys`: modified special keys use xterm's `ESC [ 1 ; m X` forms.
    pub xterm_keys: bool,
}

/// When a table entry applies.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Applies {
    Always,
    KeypadApplication,
    CursorApplication,
}

/// input-keys.c's table, in its order: the first applicable match wins, so the mode-specific
/// entries come before the plain ones.
const PANE_KEY_TABLE: &[(KeyCode, &[u8], Applies)] = {
    use Applies::*;
    const C: u64 = KeyCode::CTRL;
    const S: u64 = KeyCode::SHIFT;
    &[
        (KeyCode::BSPACE, b"\x7f", Always),
        (KeyCode::F1, b"\x1bOP", Always),
        (KeyCode::F2, b"\x1bOQ", Always),
        (KeyCode::F3, b"\x1bOR", Always),
        (KeyCode::F4, b"\x1bOS", Always),
        (KeyCode::F5, b"\x1b[15~", Always),
        (KeyCode::F6, b"\x1b[17~", Always),
        (KeyCode::F7, b"\x1b[18~", Always),
        (KeyCode::F8, b"\x1b[19~", Always),
        (KeyCode::F9, b"\x1b[20~", Always),
        (KeyCode::F10, b"\x1b[21~", Always),
        (KeyCode::F11, b"\x1b[23~", Always),
        (KeyCode::F12, b"\x1b[24~", Always),
        (KeyCode::F1.with_modifiers(S), b"\x1b[25~", Always),
        (KeyCode::F2.with_modifiers(S), b"\x1b[26~", Always),
        (KeyCode::F3.with_modifiers(S), b"\x1b[28~", Always),
        (KeyCode::F4.with_modifiers(S), b"\x1b[29~", Always),
        (KeyCode::F5.with_modifiers(S), b"\x1b[31~", Always),
        (KeyCode::F6.with_modifiers(S), b"\x1b[32~", Always),
        (KeyCode::F7.with_modifiers(S), b"\x1b[33~", Always),
        (KeyCode::F8.with_modifiers(S), b"\x1b[34~", Always),
        (KeyCode::IC, b"\x1b[2~", Always),
        (KeyCode::DC, b"\x1b[3~", Always),
        (KeyCode::HOME, b"\x1b[1~", Always),
        (KeyCode::END, b"\x1b[4~", Always),
        (KeyCode::NPAGE, b"\x1b[6~", Always),
        (KeyCode::PPAGE, b"\x1b[5~", Always),
        (KeyCode::BTAB, b"\x1b[Z", Always),
        // Arrows: Ctrl toggles between the CSI and SS3 forms.
        (KeyCode::UP.with_modifiers(C), b"\x1b[A", CursorApplication),
        (
            KeyCode::DOWN.with_modifiers(C),
            b"\x1b[B",
            CursorApplication,
        ),
        (
            KeyCode::RIGHT.with_modifiers(C),
            b"\x1b[C",
            CursorApplication,
        ),
        (
            KeyCode::LEFT.with_modifiers(C),
            b"\x1b[D",
            CursorApplication,
        ),
        (KeyCode::UP, b"\x1bOA", CursorApplication),
        (KeyCode::DOWN, b"\x1bOB", CursorApplication),
        (KeyCode::RIGHT, b"\x1bOC", CursorApplication),
        (KeyCode::LEFT, b"\x1bOD", CursorApplication),
        (KeyCode::UP.with_modifiers(C), b"\x1bOA", Always),
        (KeyCode::DOWN.with_modifiers(C), b"\x1bOB", Always),
        (KeyCode::RIGHT.with_modifiers(C), b"\x1bOC", Always),
        (KeyCode::LEFT.with_modifiers(C), b"\x1bOD", Always),
        (KeyCode::UP, b"\x1b[A", Always),
        (KeyCode::DOWN, b"\x1b[B", Always),
        (KeyCode::RIGHT, b"\x1b[C", Always),
        (KeyCode::LEFT, b"\x1b[D", Always),
        (KeyCode::KP_SLASH, b"\x1bOo", KeypadApplication),
        (KeyCode::KP_STAR, b"\x1bOj", KeypadApplication),
        (KeyCode::KP_MINUS, b"\x1bOm", KeypadApplication),
        (KeyCode::KP_7, b"\x1bOw", KeypadApplication),
        (KeyCode::KP_8, b"\x1bOx", KeypadApplication),
        (KeyCode::KP_9, b"\x1bOy", KeypadApplication),
        (KeyCode::KP_PLUS, b"\x1bOk", KeypadApplication),
        (KeyCode::KP_4, b"\x1bOt", KeypadApplication),
        (KeyCode::KP_5, b"\x1bOu", KeypadApplication),
        (KeyCode::KP_6, b"\x1bOv", KeypadApplication),
        (KeyCode::KP_1, b"\x1bOq", KeypadApplication),
        (KeyCode::KP_2, b"\x1bOr", KeypadApplication),
        (KeyCode::KP_3, b"\x1bOs", KeypadApplication),
        (KeyCode::KP_ENTER, b"\x1bOM", KeypadApplication),
        (KeyCode::KP_0, b"\x1bOp", KeypadApplication),
        (KeyCode::KP_PERIOD, b"\x1bOn", KeypadApplication),
        (KeyCode::KP_SLASH, b"/", Always),
        (KeyCode::KP_STAR, b"*", Always),
        (KeyCode::KP_MINUS, b"-", Always),
        (KeyCode::KP_7, b"7", Always),
        (KeyCode::KP_8, b"8", Always),
        (KeyCode::KP_9, b"9", Always),
        (KeyCode::KP_PLUS, b"+", Always),
        (KeyCode::KP_4, b"4", Always),
        (KeyCode::KP_5, b"5", Always),
        (KeyCode::KP_6, b"6", Always),
        (KeyCode::KP_1, b"1", Always),
        (KeyCode::KP_2, b"2", Always),
        (KeyCode::KP_3, b"3", Always),
        (KeyCode::KP_ENTER, b"\n", Always),
        (KeyCode::KP_0, b"0", Always),
        (KeyCode::KP_PERIOD, b".", Always),
    ]
};

/// xterm-keys.c's output templates: `_` becomes the modifier digit (1 + shift + 2 meta + 4 ctrl).
const XTERM_TEMPLATES: &[(KeyCode, &str)] = &[
    (KeyCode::F1, "\x1b[1;_P"),
    (KeyCode::F2, "\x1b[1;_Q"),
    (KeyCode::F3, "\x1b[1;_R"),
    (KeyCode::F4, "\x1b[1;_S"),
    (KeyCode::F5, "\x1b[15;_~"),
    (KeyCode::F6, "\x1b[17;_~"),
    (KeyCode::F7, "\x1b[18;_~"),
    (KeyCode::F8, "\x1b[19;_~"),
    (KeyCode::F9, "\x1b[20;_~"),
    (KeyCode::F10, "\x1b[21;_~"),
    (KeyCode::F11, "\x1b[23;_~"),
    (KeyCode::F12, "\x1b[24;_~"),
    (KeyCode::UP, "\x1b[1;_A"),
    (KeyCode::DOWN, "\x1b[1;_B"),
    (KeyCode::RIGHT, "\x1b[1;_C"),
    (KeyCode::LEFT, "\x1b[1;_D"),
    (KeyCode::HOME, "\x1b[1;_H"),
    (KeyCode::END, "\x1b[1;_F"),
    (KeyCode::PPAGE, "\x1b[5;_~"),
    (KeyCode::NPAGE, "\x1b[6;_~"),
    (KeyCode::IC, "\x1b[2;_~"),
    (KeyCode::DC, "\x1b[3;_~"),
    (KeyCode(b'!' as u64), "\x1b[27;_;33~"),
    (KeyCode(b'#' as u64), "\x1b[27;_;35~"),
    (KeyCode(b'(' as u64), "\x1b[27;_;40~"),
    (KeyCode(b')' as u64), "\x1b[27;_;41~"),
    (KeyCode(b'+' as u64), "\x1b[27;_;43~"),
    (KeyCode(b',' as u64), "\x1b[27;_;44~"),
    (KeyCode(b'-' as u64), "\x1b[27;_;45~"),
    (KeyCode(b'.' as u64), "\x1b[27;_;46~"),
    (KeyCode(b'0' as u64), "\x1b[27;_;48~"),
    (KeyCode(b'1' as u64), "\x1b[27;_;49~"),
    (KeyCode(b'2' as u64), "\x1b[27;_;50~"),
    (KeyCode(b'3' as u64), "\x1b[27;_;51~"),
    (KeyCode(b'4' as u64), "\x1b[27;_;52~"),
    (KeyCode(b'5' as u64), "\x1b[27;_;53~"),
    (KeyCode(b'6' as u64), "\x1b[27;_;54~"),
    (KeyCode(b'7' as u64), "\x1b[27;_;55~"),
    (KeyCode(b'8' as u64), "\x1b[27;_;56~"),
    (KeyCode(b'9' as u64), "\x1b[27;_;57~"),
    (KeyCode(b':' as u64), "\x1b[27;_;58~"),
    (KeyCode(b';' as u64), "\x1b[27;_;59~"),
    (KeyCode(b'<' as u64), "\x1b[27;_;60~"),
    (KeyCode(b'=' as u64), "\x1b[27;_;61~"),
    (KeyCode(b'>' as u64), "\x1b[27;_;62~"),
    (KeyCode(b'?' as u64), "\x1b[27;_;63~"),
    (KeyCode(b'\'' as u64), "\x1b[27;_;39~"),
    (KeyCode(b'\r' as u64), "\x1b[27;_;13~"),
    (KeyCode(b'\t' as u64), "\x1b[27;_;9~"),
];

/// The xterm modifier digit for a key's modifiers, or `None` without any.
fn xterm_modifier_digit(key: KeyCode) -> Option<u8> {
    let mut digit = 1;
    if key.0 & KeyCode::SHIFT != 0 {
        digit += 1;
    }
    if key.0 & KeyCode::META != 0 {
        digit += 2;
    }
    if key.0 & KeyCode::CTRL != 0 {
        digit += 4;
    }
    (digit > 1).then_some(b'0' + digit)
}

/// The bytes a pane's program receives for `key`, as tmux 2.2 writes them (input-keys.c):
/// characters as UTF-8 (with ESC first for Meta), special keys from the table for the pane's
/// modes, modified keys in xterm form when `xterm_keys` is on. `None` for mouse keys and for keys
/// that have no byte form (tmux drops those too).
pub fn pane_key_bytes(key: KeyCode, modes: PaneKeyModes) -> Option<Vec<u8>> {
    if key.is_mouse() {
        return None;
    }
    let meta = key.0 & KeyCode::META != 0;
    let without_meta = key.0 & !KeyCode::META;
    let mut out = Vec::new();
    if without_meta <= 0x7f {
        if meta {
            out.push(0x1b);
        }
        out.push(without_meta as u8);
        return Some(out);
    }
    if without_meta < KeyCode::BASE {
        let c = u32::try_from(without_meta).ok().and_then(char::from_u32)?;
        if meta {
            out.push(0x1b);
        }
        let mut utf8 = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
        return Some(out);
    }
    if modes.xterm_keys
        && let Some(digit) = xterm_modifier_digit(key)
        && let Some((_, template)) = XTERM_TEMPLATES.iter().find(|(k, _)| *k == key.base_key())
    {
        return Some(
            template
                .bytes()
                .map(|b| if b == b'_' { digit } else { b })
                .collect(),
        );
    }
    let (_, data, _) = PANE_KEY_TABLE.iter().find(|(entry, _, applies)| {
        let mode_ok = match applies {
            Applies::Always => true,
            Applies::KeypadApplication => modes.keypad_application,
            Applies::CursorApplication => modes.cursor_keys_application,
        };
        mode_ok && (*entry == key || (meta && KeyCode(entry.0 | KeyCode::META) == key))
    })?;
    if meta {
        out.push(0x1b);
    }
    out.extend_from_slice(data);
    Some(out)
}
