//! clock-mode (tmux 3.3a `window-clock.c`): a pane mode showing the time in big digits, in
//! `clock-mode-colour`, 12 or 24 hours by `clock-mode-style`; any key leaves it. The clock is
//! drawn into a terminal of its own (`Clock::term`) that the attached clients draw in the
//! pane's place while it is on (the pane's own screen, capture-pane and the relay's viewers
//! are untouched, as tmux's mode screen sits over `wp->base`).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tmate_term::{Color, PaneTerm};

use crate::modes::{ModeKind, Placed};
use crate::server::Shared;
use crate::state::State;

/// The glyphs, five rows of five cells each (`#` is a cell in the clock's colour), for
/// `0`-`9`, `:`, `A`, `P`, `M`.
const GLYPHS: [(char, [&str; 5]); 14] = [
    ('0', ["#####", "#...#", "#...#", "#...#", "#####"]),
    ('1', ["....#", "....#", "....#", "....#", "....#"]),
    ('2', ["#####", "....#", "#####", "#....", "#####"]),
    ('3', ["#####", "....#", "#####", "....#", "#####"]),
    ('4', ["#...#", "#...#", "#####", "....#", "....#"]),
    ('5', ["#####", "#....", "#####", "....#", "#####"]),
    ('6', ["#####", "#....", "#####", "#...#", "#####"]),
    ('7', ["#####", "....#", "....#", "....#", "....#"]),
    ('8', ["#####", "#...#", "#####", "#...#", "#####"]),
    ('9', ["#####", "#...#", "#####", "....#", "#####"]),
    (':', [".....", "..#..", ".....", "..#..", "....."]),
    ('A', ["#####", "#...#", "#####", "#...#", "#...#"]),
    ('P', ["#####", "#...#", "#####", "#....", "#...."]),
    ('M', ["#...#", "##.##", "#.#.#", "#...#", "#...#"]),
];

/// Clocks started so far: a clock's timer task ends when its pane no longer shows it.
static CLOCKS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A pane's clock mode (`Pane::clock`).
pub struct Clock {
    id: u64,
    /// What the clients draw in the pane's place.
    pub term: PaneTerm,
    /// What `term` shows: the time text, size and colour it was drawn for.
    drawn: Option<(String, u16, u16, String)>,
}

/// clock-mode: put the pane in clock mode, over its other modes (a pane already showing the
/// clock keeps it; a clock under other modes comes back to the top).
pub fn enter(shared: &Arc<Shared>, state: &mut State, pane: u32) {
    let Some(p) = state.panes.get_mut(&pane) else {
        return;
    };
    let old = p.top_mode();
    match p.place_mode(ModeKind::Clock) {
        Placed::Top => return,
        Placed::Moved => {
            crate::modes::top_changed(state, pane, old);
            return;
        }
        Placed::New => {}
    }
    let (sx, sy) = p.term.size();
    let id = CLOCKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    p.clock = Some(Box::new(Clock {
        id,
        term: PaneTerm::new(sx.max(1), sy.max(1), 0),
        drawn: None,
    }));
    crate::modes::top_changed(state, pane, old);
    let shared = Arc::clone(shared);
    // tmux's one-second timer: the clock changes when the minute does.
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let changed = {
                let mut st = shared.lock();
                let on = st
                    .panes
                    .get(&pane)
                    .and_then(|p| p.clock.as_ref())
                    .is_some_and(|c| c.id == id);
                if !on {
                    return;
                }
                refresh(&mut st, pane)
            };
            if changed {
                shared.notify();
            }
        }
    });
}

/// Whether clock mode is on top of the pane's modes (a key leaves it).
pub fn in_mode(state: &State, pane: u32) -> bool {
    state
        .panes
        .get(&pane)
        .is_some_and(|p| p.top_mode() == Some(ModeKind::Clock))
}

/// Leave clock mode when it is on top (a key: tmux `window_pane_reset_mode`, which shows the
/// mode under it again). Returns whether it was.
pub fn leave(state: &mut State, pane: u32) -> bool {
    let on = in_mode(state, pane);
    if on {
        crate::modes::reset(state, pane);
    }
    on
}

/// Redraw every clock whose time, size or colour changed (before a client draws: a resized
/// pane shows its clock at the new size at once).
pub fn refresh_all(state: &mut State) {
    let ids: Vec<u32> = state
        .panes
        .iter()
        .filter(|(_, p)| p.top_mode() == Some(ModeKind::Clock))
        .map(|(id, _)| *id)
        .collect();
    for id in ids {
        refresh(state, id);
    }
}

/// Redraw the pane's clock if it is on top and what it shows changed; returns whether it did.
pub(crate) fn refresh(state: &mut State, pane: u32) -> bool {
    if !in_mode(state, pane) {
        return false;
    }
    let Some((sid, idx)) = state.locate_pane(pane) else {
        return false;
    };
    let colour = state.option(sid, idx, "clock-mode-colour");
    let twelve = state.option(sid, idx, "clock-mode-style") == "12";
    let text = time_text(SystemTime::now(), twelve);
    let Some(p) = state.panes.get_mut(&pane) else {
        return false;
    };
    let (sx, sy) = p.term.size();
    let Some(clock) = p.clock.as_mut() else {
        return false;
    };
    let key = (text, sx, sy, colour);
    if clock.drawn.as_ref() == Some(&key) {
        return false;
    }
    let (text, _, _, colour) = &key;
    let c = crate::style::colour(colour).unwrap_or(Color::Indexed(4));
    if clock.term.size() != (sx, sy) {
        clock.term = PaneTerm::new(sx.max(1), sy.max(1), 0);
    }
    clock.term.feed(&draw(text, sx, sy, c));
    clock.drawn = Some(key);
    true
}

/// The time as tmux's clock spells it: `%H:%M`, or `%l:%M ` and `AM`/`PM`.
pub fn time_text(now: SystemTime, twelve: bool) -> String {
    use tmate_term::clock::strftime;
    if !twelve {
        return strftime("%H:%M", now);
    }
    let hour: u32 = strftime("%H", now).parse().unwrap_or(0);
    let hour12 = match hour % 12 {
        0 => 12,
        h => h,
    };
    let half = if hour >= 12 { "PM" } else { "AM" };
    format!("{hour12:>2}:{} {half}", strftime("%M", now))
}

/// The bytes that draw `text` as window-clock.c does on an `sx` x `sy` screen: cleared, the
/// cursor hidden, big digits centred (or the plain text centred when they do not fit).
pub fn draw(text: &str, sx: u16, sy: u16, colour: Color) -> Vec<u8> {
    let mut out = b"\x1b[?25l\x1b[0m\x1b[H\x1b[2J".to_vec();
    let (sx, sy) = (usize::from(sx), usize::from(sy));
    let len = text.chars().count();
    let at = |out: &mut Vec<u8>, x: usize, y: usize| {
        out.extend_from_slice(format!("\x1b[{};{}H", y + 1, x + 1).as_bytes());
    };
    if sx < 6 * len || sy < 6 {
        if sx >= len && sy != 0 {
            at(&mut out, sx / 2 - len / 2, sy / 2);
            out.extend_from_slice(format!("\x1b[{}m{text}\x1b[0m", sgr(colour, false)).as_bytes());
        }
        return out;
    }
    let mut x = sx / 2 - 3 * len;
    let y = sy / 2 - 3;
    let paint = format!("\x1b[{}m", sgr(colour, true));
    for ch in text.chars() {
        if let Some((_, rows)) = GLYPHS.iter().find(|(c, _)| *c == ch) {
            for (j, row) in rows.iter().enumerate() {
                for (i, cell) in row.chars().enumerate() {
                    if cell == '#' {
                        at(&mut out, x + i, y + j);
                        out.extend_from_slice(paint.as_bytes());
                        out.extend_from_slice(b" \x1b[0m");
                    }
                }
            }
        }
        x += 6;
    }
    out
}

/// SGR parameters for `colour` as a foreground or background.
fn sgr(colour: Color, background: bool) -> String {
    let (base, extended) = if background { (40, 48) } else { (30, 38) };
    match colour {
        Color::Default => format!("{}", base + 9),
        Color::Indexed(n) if n < 8 => format!("{}", base + u16::from(n)),
        Color::Indexed(n) if n < 16 => format!("{}", base + 60 + u16::from(n - 8)),
        Color::Indexed(n) => format!("{extended};5;{n}"),
        Color::Rgb(r, g, b) => format!("{extended};2;{r};{g};{b}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(text: &str, sx: u16, sy: u16) -> Vec<String> {
        let mut parser = vt100::Parser::new(sy.try_into().unwrap(), sx.try_into().unwrap(), 0);
        parser.process(&draw(text, sx, sy, Color::Indexed(4)));
        (0..sy)
            .map(|y| {
                (0..sx)
                    .map(|x| {
                        let cell = parser.screen().cell(y, x);
                        if cell.is_some_and(|c| c.bgcolor() == vt100::Color::Idx(4)) {
                            '#'
                        } else {
                            cell.map_or(' ', |c| c.contents().chars().next().unwrap_or(' '))
                        }
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn big_digits_are_centred_as_tmux_draws_them() {
        let rows = cells("12:34", 40, 12);
        // x = 40/2 - 3*5 = 5, y = 12/2 - 3 = 3.
        assert_eq!(rows[3], "         # #####       ##### #   #      ");
        assert_eq!(rows[4], "         #     #   #       # #   #      ");
    }

    #[test]
    fn a_small_pane_shows_the_plain_text() {
        let rows = cells("12:34", 20, 5);
        assert_eq!(rows[2], "        12:34       ");
    }

    #[test]
    fn twelve_hour_text() {
        let t = time_text(SystemTime::UNIX_EPOCH, true);
        assert_eq!(t.len(), 8, "{t}");
        assert!(t.ends_with("AM") || t.ends_with("PM"));
    }
}
