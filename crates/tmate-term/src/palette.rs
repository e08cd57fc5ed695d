//! A pane program's own colours, as tmux 3.3a keeps them in `struct colour_palette`: the
//! palette entries OSC 4 sets (and OSC 104 or RIS clears) and the default foreground and
//! background OSC 10 and 11 set, with the copy of those two tmux draws with (its pane's
//! cached style). The host parses the requests; the compositor draws with it.

use crate::cursor::Rgb;

/// Entries in a palette.
pub const PALETTE_SIZE: usize = 256;

/// tmux's `palette` (allocated on the first entry set), `fg` and `bg` of one pane.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Palette {
    /// Empty until an entry is set, then [`PALETTE_SIZE`] entries (`None`: not set).
    entries: Vec<Option<Rgb>>,
    /// OSC 10's colour for default-coloured text (`None`: the terminal's).
    pub fg: Option<Rgb>,
    /// OSC 11's colour for default-coloured backgrounds.
    pub bg: Option<Rgb>,
    /// `fg` and `bg` as they were at the last [`Palette::restyle`]: tmux 3.3a reads them
    /// through the pane's cached style (`cached_gc`), renewed only when the pane's style
    /// changes (OSC 10/11/110/111, `window-style` set), so a clear (OSC 104, RIS) is not
    /// seen until then.
    shown: [Option<Rgb>; 2],
}

impl Palette {
    /// Entry `n` as the program set it.
    pub fn entry(&self, n: usize) -> Option<Rgb> {
        self.entries.get(n).copied().flatten()
    }

    /// tmux `colour_palette_set`: `None` unsets. True when this may change what is drawn
    /// (tmux redraws then): setting any entry, or unsetting one once the palette exists.
    pub fn set(&mut self, n: usize, colour: Option<Rgb>) -> bool {
        if n >= PALETTE_SIZE || (colour.is_none() && self.entries.is_empty()) {
            return false;
        }
        if self.entries.is_empty() {
            self.entries = vec![None; PALETTE_SIZE];
        }
        if let Some(slot) = self.entries.get_mut(n) {
            *slot = colour;
        }
        true
    }

    /// tmux `colour_palette_clear`: entries and default colours gone (the shown ones stay).
    pub fn clear(&mut self) {
        *self = Palette {
            shown: self.shown,
            ..Palette::default()
        };
    }

    /// tmux `PANE_STYLECHANGED`: the default colours are shown as they are now.
    pub fn restyle(&mut self) {
        self.shown = [self.fg, self.bg];
    }

    /// The default foreground and background drawn (tmux's cached style).
    pub fn shown(&self) -> [Option<Rgb>; 2] {
        self.shown
    }

    /// Whether nothing is set or shown.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.fg.is_none() && self.bg.is_none() && self.shown == [None; 2]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_set_and_cleared_as_tmux() {
        let mut p = Palette::default();
        assert!(!p.set(3, None), "nothing to unset");
        assert!(p.set(3, Some((1, 2, 3))));
        assert_eq!(p.entry(3), Some((1, 2, 3)));
        assert!(!p.set(256, Some((1, 2, 3))));
        assert!(p.set(3, None));
        assert_eq!(p.entry(3), None);
        p.fg = Some((9, 9, 9));
        p.restyle();
        p.clear();
        assert_eq!(p.shown(), [Some((9, 9, 9)), None], "kept until restyled");
        p.restyle();
        assert!(p.is_empty());
    }
}
