//! The modifiers that look beyond the target (tmux 3.3a's `format_loop_*`,
//! `format_window_name`, `format_session_name`, `format_search`): `S:`, `W:`, `P:` with the
//! second format for the current window or active pane, `N:` and `N/s:`, `C:` over the pane's
//! visible lines.

use super::{Ctx, Expander, Kind, Level, MAX_OUTPUT, matching, parse, variables};

impl Expander<'_> {
    /// Append one item's expansion, unless the result is already as long as allowed.
    fn push_item(&self, out: &mut String, (ctx, kind): (Ctx, Kind), fmt: &str, level: Level) {
        if out.len() <= MAX_OUTPUT {
            out.push_str(&self.at(ctx, kind).expand1(fmt, level));
        }
    }

    /// `S:`: each session by name (tmux's tree order) at its current window and active pane.
    pub(super) fn loop_sessions(&self, fmt: &str, level: Level) -> String {
        let mut sessions: Vec<_> = self.state.sessions.values().collect();
        sessions.sort_by(|a, b| a.name.cmp(&b.name));
        let mut out = String::new();
        for s in sessions {
            let pane = s.windows.get(&s.current).map_or(u32::MAX, |w| w.active);
            let ctx = Ctx {
                session: s.id,
                window: s.current,
                pane,
            };
            self.push_item(&mut out, (ctx, Kind::Session), fmt, level);
        }
        out
    }

    /// `W:all` or `W:all,current`: each window of the session by index; `None` (the
    /// expansion stops) without a session.
    pub(super) fn loop_windows(&self, fmt: &str, level: Level) -> Option<String> {
        let s = self.state.sessions.get(&self.ctx.session)?;
        let (all, current) = parse::choose(fmt).map_or((fmt, None), |(a, c)| (a, Some(c)));
        let mut out = String::new();
        for (idx, w) in &s.windows {
            let use_fmt = match current {
                Some(c) if *idx == s.current => c,
                _ => all,
            };
            let ctx = Ctx {
                session: s.id,
                window: *idx,
                pane: w.active,
            };
            self.push_item(&mut out, (ctx, Kind::Window), use_fmt, level);
        }
        Some(out)
    }

    /// `P:all` or `P:all,active`: each pane of the window in order; `None` without a window.
    pub(super) fn loop_panes(&self, fmt: &str, level: Level) -> Option<String> {
        let w = self.state.window(self.ctx.session, self.ctx.window)?;
        let (all, active) = parse::choose(fmt).map_or((fmt, None), |(a, c)| (a, Some(c)));
        let mut out = String::new();
        for pane in w.pane_ids() {
            let use_fmt = match active {
                Some(a) if pane == w.active => a,
                _ => all,
            };
            let ctx = Ctx { pane, ..self.ctx };
            self.push_item(&mut out, (ctx, Kind::Pane), use_fmt, level);
        }
        Some(out)
    }

    /// `N:name` / `N/w:name`: 1 if a window of the session has that name; `None` without a
    /// session.
    pub(super) fn window_name_exists(&self, fmt: &str, level: Level) -> Option<String> {
        let s = self.state.sessions.get(&self.ctx.session)?;
        let name = self.expand1(fmt, level);
        let found = s
            .windows
            .keys()
            .any(|idx| variables::window_name(self.state, s.id, *idx) == name);
        Some(if found { "1" } else { "0" }.into())
    }

    /// `N/s:name`: 1 if a session has that name.
    pub(super) fn session_name_exists(&self, fmt: &str, level: Level) -> String {
        let name = self.expand1(fmt, level);
        let found = self.state.sessions.values().any(|s| s.name == name);
        if found { "1" } else { "0" }.into()
    }

    /// `C:pattern` (`C/r:`, `C/i:`): the first visible line of the pane matching, counted
    /// from 1, or 0 (also without a pane or with a pattern that does not compile).
    pub(super) fn search(&self, flags: &[String], pattern: &str) -> String {
        let flags = flags.first().map(String::as_str).unwrap_or_default();
        let (fold, regex) = (flags.contains('i'), flags.contains('r'));
        let Some(pane) = self.state.panes.get(&self.ctx.pane) else {
            return "0".into();
        };
        let compiled = if regex {
            match matching::regex(pattern, fold) {
                Some(re) => Some(re),
                None => return "0".into(),
            }
        } else {
            None
        };
        let glob = format!("*{pattern}*");
        let rows = pane.term.size().1;
        for row in 0..rows {
            let line = pane.term.row_text(row);
            let line = line.trim_end();
            let hit = match &compiled {
                Some(re) => re.is_match(line),
                None => matching::fnmatch(&glob, line, fold),
            };
            if hit {
                return (u32::from(row) + 1).to_string();
            }
        }
        "0".into()
    }
}
