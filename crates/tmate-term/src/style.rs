//! The engine-neutral cell model shared by panes, frames and the renderer: colours, attributes,
//! styles, cells and the input modes a pane asks its terminal to be in.

use unicode_width::UnicodeWidthStr;

/// A cell colour as a terminal understands it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Color {
    /// The terminal's own default foreground or background.
    #[default]
    Default,
    /// One of the 256 palette entries (0-7 normal, 8-15 bright, 16-255 the cube and greys).
    Indexed(u8),
    /// A 24-bit colour.
    Rgb(u8, u8, u8),
}

/// Text attributes (SGR 1, 2, 3, 4, 5, 7, 8, 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Attrs {
    pub bold: bool,
    pub dim: bool,
    pub italic: bool,
    pub underline: bool,
    pub blink: bool,
    pub reverse: bool,
    pub hidden: bool,
    pub strike: bool,
}

impl Attrs {
    /// True when no attribute is set.
    pub fn is_empty(&self) -> bool {
        *self == Attrs::default()
    }

    /// True when `self` has an attribute that `other` lacks (so it cannot be reached by adding).
    pub(crate) fn has_any_not_in(&self, other: &Attrs) -> bool {
        (self.bold && !other.bold)
            || (self.dim && !other.dim)
            || (self.italic && !other.italic)
            || (self.underline && !other.underline)
            || (self.blink && !other.blink)
            || (self.reverse && !other.reverse)
            || (self.hidden && !other.hidden)
            || (self.strike && !other.strike)
    }
}

/// Colours and attributes of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Style {
    pub fg: Color,
    pub bg: Color,
    pub attrs: Attrs,
}

impl Style {
    /// A style with only colours set.
    pub const fn colors(fg: Color, bg: Color) -> Style {
        Style {
            fg,
            bg,
            attrs: Attrs {
                bold: false,
                dim: false,
                italic: false,
                underline: false,
                blink: false,
                reverse: false,
                hidden: false,
                strike: false,
            },
        }
    }
}

/// One screen cell.
///
/// A wide character occupies two cells: the first has `width` 2 and the grapheme, the second has
/// `width` 0 and empty `text`. Every other cell has `width` 1.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cell {
    /// One grapheme (a character and its combining marks); `""` for the right half of a wide one.
    pub text: String,
    /// Columns the grapheme takes: 0 (right half of a wide character), 1 or 2.
    pub width: u8,
    pub style: Style,
}

impl Default for Cell {
    fn default() -> Self {
        Cell::blank(Style::default())
    }
}

impl Cell {
    /// A space in `style`.
    pub fn blank(style: Style) -> Cell {
        Cell {
            text: " ".to_owned(),
            width: 1,
            style,
        }
    }

    /// A narrow or wide character cell; the width is computed from the text (clamped to 1..=2).
    pub fn new(text: &str, style: Style) -> Cell {
        let width = UnicodeWidthStr::width(text).clamp(1, 2) as u8;
        Cell {
            text: text.to_owned(),
            width,
            style,
        }
    }

    /// The right half of a wide character.
    pub fn continuation(style: Style) -> Cell {
        Cell {
            text: String::new(),
            width: 0,
            style,
        }
    }

    /// True for a space with the default style.
    pub fn is_default_blank(&self) -> bool {
        self.width == 1 && self.text == " " && self.style == Style::default()
    }
}

/// The input and display modes a pane's program has set, which a client's terminal must mirror
/// so that keys, mouse reports and pastes reach the program in the form it expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PaneModes {
    /// DECCKM (`CSI ? 1 h`): arrows send `ESC O A` instead of `ESC [ A`.
    pub cursor_keys_application: bool,
    /// DECKPAM (`ESC =`): the keypad sends application sequences.
    pub keypad_application: bool,
    /// `CSI ? 2004 h`.
    pub bracketed_paste: bool,
    /// Any mouse tracking mode (`CSI ? 1000/1002/1003 h`).
    pub mouse_reporting: bool,
    /// SGR mouse encoding (`CSI ? 1006 h`).
    pub sgr_mouse: bool,
    /// The pane shows its alternate screen (informational: the client stays on its own).
    pub alt_screen: bool,
    /// DECTCEM (`CSI ? 25 h`).
    pub cursor_visible: bool,
    /// Focus in/out reports (`CSI ? 1004 h`).
    pub focus_events: bool,
    /// Button-event tracking (`CSI ? 1002 h`): motion while a button is held.
    pub mouse_drag: bool,
    /// Any-event tracking (`CSI ? 1003 h`): all motion.
    pub mouse_motion: bool,
}

impl Default for PaneModes {
    /// A fresh terminal: everything off except a visible cursor.
    fn default() -> Self {
        PaneModes {
            cursor_keys_application: false,
            keypad_application: false,
            bracketed_paste: false,
            mouse_reporting: false,
            sgr_mouse: false,
            alt_screen: false,
            cursor_visible: true,
            focus_events: false,
            mouse_drag: false,
            mouse_motion: false,
        }
    }
}

/// tmux's default `status-style`: black on green.
pub const STATUS_STYLE: Style = Style::colors(Color::Indexed(0), Color::Indexed(2));
/// tmux's default `message-style`: black on yellow.
pub const MESSAGE_STYLE: Style = Style::colors(Color::Indexed(0), Color::Indexed(3));
/// tmux's default `mode-style` (copy mode's position indicator and selection): black on yellow.
pub const MODE_STYLE: Style = Style::colors(Color::Indexed(0), Color::Indexed(3));
/// tmux's default `pane-active-border-style` outside copy mode: green.
pub const ACTIVE_BORDER_STYLE: Style = Style::colors(Color::Indexed(2), Color::Default);
/// tmux's default `pane-border-style`.
pub const BORDER_STYLE: Style = Style::colors(Color::Default, Color::Default);
