//! Tab completion in the command prompt, as tmux 3.3a's `status.c` does it: the word around
//! the cursor becomes a command name, alias, option or layout (the longest common prefix of
//! the candidates, or a menu of them when that adds nothing), a `-t`/`-s` argument or a
//! target/window-target prompt's input becomes a session or window (a menu of the windows).
//! What the server knows is gathered into a [`Source`] by the caller; no I/O, no state lock.

use unicode_width::UnicodeWidthStr;

use crate::prompt::PromptType;

/// Longest word tmux completes (its buffer is 64 bytes with the terminating zero).
const MAX_WORD: usize = 63;
/// Rows a completion menu shows at most.
const MAX_MENU_ROWS: usize = 10;
/// tmux's layout names (offered after the first word).
const LAYOUTS: [&str; 5] = [
    "even-horizontal",
    "even-vertical",
    "main-horizontal",
    "main-vertical",
    "tiled",
];

/// What completion reads from the server, gathered when Tab is pressed.
#[derive(Debug, Clone, Default)]
pub struct Source {
    /// Command names and aliases, then `command-alias` names.
    pub commands: Vec<String>,
    /// Option names (tmux's table, ours has tmate's own options too).
    pub options: Vec<String>,
    /// Sessions by (name, id).
    pub sessions: Vec<(String, u32)>,
    /// The client's session name and its windows by (index, name), in index order.
    pub session: String,
    pub windows: Vec<(i64, String)>,
    /// The client's size and status lines (where the menu goes).
    pub rows: usize,
    pub status_lines: usize,
    pub status_top: bool,
}

/// A menu of candidates: each item's shown name and the text it puts in, and where the menu
/// asks to go (its top-left cell; the menu clamps it to the screen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionMenu {
    pub items: Vec<(String, String)>,
    pub x: usize,
    pub y: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Completion {
    /// The word becomes this.
    Replace(String),
    Menu(CompletionMenu),
}

/// The word around the cursor as tmux finds it: from after the space before the cursor's
/// character to before the space after it (spaces only separate words). `None` when the
/// cursor sits in a run of spaces between words.
pub fn word_bounds(buf: &[char], index: usize) -> Option<(usize, usize)> {
    let size = buf.len();
    let idx = index.saturating_sub(1).min(size);
    let space = |i: usize| buf.get(i) == Some(&' ');
    let mut first = idx;
    while first > 0 && !space(first) {
        first -= 1;
    }
    while first < size && space(first) {
        first += 1;
    }
    let mut last = idx;
    while last < size && !space(last) {
        last += 1;
    }
    while last > 0 && space(last) {
        last -= 1;
    }
    if last < size {
        last += 1;
    }
    (last >= first).then_some((first, last))
}

/// tmux `status_prompt_complete` for `word`, which starts `offset` characters into the input
/// of a prompt `prompt_width` cells wide. `None`: nothing to do.
pub fn complete(
    source: &Source,
    kind: PromptType,
    word: &str,
    offset: usize,
    prompt_width: usize,
) -> Option<Completion> {
    if word.len() > MAX_WORD {
        return None;
    }
    let targets = matches!(kind, PromptType::Target | PromptType::WindowTarget);
    if word.is_empty() && !targets {
        return None;
    }
    let menu_at = |offset: usize, height: usize| {
        let x = (offset + prompt_width).saturating_sub(2);
        let y = if source.status_top {
            source.status_lines
        } else {
            source.rows.saturating_sub(3 + height)
        };
        (x, y)
    };
    if !targets && !word.starts_with("-t") && !word.starts_with("-s") {
        let mut list = candidates(source, word, offset == 0);
        list.sort();
        let out = match list.as_slice() {
            [] => return None,
            [one] => format!("{one} "),
            _ => common_prefix(&list),
        };
        if out != word {
            return Some(Completion::Replace(out));
        }
        return list_menu(source, &list, None, |h| menu_at(offset, h));
    }
    let (s, flag, offset) = if targets {
        (word, None, offset)
    } else {
        (word.get(2..)?, word.chars().nth(1), offset + 2)
    };
    let with_flag = |t: &str| match flag {
        Some(f) => format!("-{f}{t}"),
        None => t.to_string(),
    };
    let unchanged = |c: Completion| match c {
        Completion::Replace(r) if r == word => None,
        other => Some(other),
    };
    if kind == PromptType::WindowTarget {
        return window_menu(source, s, flag, kind, |h| menu_at(offset, h)).and_then(unchanged);
    }
    let Some((session, windows)) = s.split_once(':') else {
        // No colon: a session name (or `$id`), with the colon added.
        let mut list: Vec<String> = Vec::new();
        for (name, id) in &source.sessions {
            if s.is_empty() || name.starts_with(s) {
                list.push(format!("{name}:"));
            } else if let Some(digits) = s.strip_prefix('$')
                && id.to_string().starts_with(digits)
            {
                list.push(format!("${id}:"));
            }
        }
        list.sort();
        if list.is_empty() {
            return None;
        }
        let out = with_flag(&common_prefix(&list));
        if out != word {
            return Some(Completion::Replace(out));
        }
        return list_menu(source, &list, flag, |h| menu_at(offset, h));
    };
    if windows.contains('.') || (!session.is_empty() && session != source.session) {
        return None;
    }
    window_menu(source, windows, flag, kind, |h| menu_at(offset, h)).and_then(unchanged)
}

/// tmux `status_prompt_complete_list`: command names and aliases, `command-alias` names, and
/// after the first word also option names and layouts; each once.
fn candidates(source: &Source, word: &str, at_start: bool) -> Vec<String> {
    let mut list: Vec<String> = Vec::new();
    let mut add = |s: &str| {
        if s.starts_with(word) && !list.iter().any(|l| l == s) {
            list.push(s.to_string());
        }
    };
    for c in &source.commands {
        add(c);
    }
    if !at_start {
        for o in &source.options {
            add(o);
        }
        for l in LAYOUTS {
            add(l);
        }
    }
    list
}

/// tmux `status_prompt_complete_prefix` (by bytes, cut back to a character boundary).
fn common_prefix(list: &[String]) -> String {
    let Some(first) = list.first() else {
        return String::new();
    };
    let mut len = first.len();
    for other in list.iter().skip(1) {
        let same = first
            .bytes()
            .zip(other.bytes())
            .take_while(|(a, b)| a == b)
            .count();
        len = len.min(same);
    }
    while !first.is_char_boundary(len) {
        len -= 1;
    }
    first.get(..len).unwrap_or_default().to_string()
}

/// Rows the menu may take on this client, or `None` when it has no room (tmux needs three
/// rows besides the status lines).
fn menu_height(source: &Source) -> Option<usize> {
    let free = source.rows.checked_sub(source.status_lines)?;
    (free >= 3).then(|| (free - 2).min(MAX_MENU_ROWS))
}

/// tmux `status_prompt_complete_list_menu`: the last rows' worth of the sorted candidates,
/// keyed 0, 1, ...; none for one candidate or a client too small.
fn list_menu(
    source: &Source,
    list: &[String],
    flag: Option<char>,
    at: impl Fn(usize) -> (usize, usize),
) -> Option<Completion> {
    if list.len() <= 1 {
        return None;
    }
    let height = menu_height(source)?.min(list.len());
    let start = list.len() - height;
    let items = list
        .iter()
        .skip(start)
        .map(|l| {
            let value = match flag {
                Some(f) => format!("-{f}{l}"),
                None => l.clone(),
            };
            (l.clone(), value)
        })
        .collect();
    let (x, y) = at(height);
    Some(Completion::Menu(CompletionMenu { items, x, y }))
}

/// tmux `status_prompt_complete_window_menu`: the session's windows whose index starts with
/// `word`, as `N (name)` (window-target) or `session:N (name)`; one window completes at once.
fn window_menu(
    source: &Source,
    word: &str,
    flag: Option<char>,
    kind: PromptType,
    at: impl Fn(usize) -> (usize, usize),
) -> Option<Completion> {
    let height = menu_height(source)?;
    let mut items: Vec<(String, String)> = Vec::new();
    for (idx, name) in &source.windows {
        if !word.is_empty() && !idx.to_string().starts_with(word) {
            continue;
        }
        let (shown, value) = if kind == PromptType::WindowTarget {
            (format!("{idx} ({name})"), idx.to_string())
        } else {
            let s = &source.session;
            (format!("{s}:{idx} ({name})"), format!("{s}:{idx}"))
        };
        let value = match flag {
            Some(f) => format!("-{f}{value}"),
            None => value,
        };
        items.push((shown, value));
        if items.len() == height {
            break;
        }
    }
    match items.as_slice() {
        [] => None,
        [(_, value)] => Some(Completion::Replace(value.clone())),
        _ => {
            let (x, y) = at(height.min(items.len()));
            Some(Completion::Menu(CompletionMenu { items, x, y }))
        }
    }
}

/// Cells a prompt string takes (tmux `utf8_cstrwidth`: no markup).
pub fn prompt_width(prompt: &str) -> usize {
    prompt.width()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> Source {
        Source {
            commands: [
                "new-window",
                "new-session",
                "neww",
                "kill-session",
                "kill-server",
            ]
            .map(String::from)
            .to_vec(),
            options: ["status", "status-left", "mouse"]
                .map(String::from)
                .to_vec(),
            sessions: vec![("main".into(), 0)],
            session: "main".into(),
            windows: vec![(0, "a".into()), (1, "b".into()), (12, "c".into())],
            rows: 24,
            status_lines: 1,
            status_top: false,
        }
    }

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn words_around_the_cursor() {
        assert_eq!(word_bounds(&chars("set sta"), 7), Some((4, 7)));
        assert_eq!(word_bounds(&chars("set sta"), 5), Some((4, 7)));
        assert_eq!(word_bounds(&chars("new"), 0), Some((0, 3)));
        assert_eq!(word_bounds(&chars(""), 0), Some((0, 0)));
        // Between words (tmux: nothing to complete).
        assert_eq!(word_bounds(&chars("a  b"), 2), None);
    }

    #[test]
    fn commands_options_and_menus() {
        let s = source();
        let c = PromptType::Command;
        assert_eq!(
            complete(&s, c, "new-w", 0, 1),
            Some(Completion::Replace("new-window ".into()))
        );
        assert_eq!(
            complete(&s, c, "kil", 0, 1),
            Some(Completion::Replace("kill-se".into()))
        );
        // No progress: a menu of the sorted candidates.
        let Some(Completion::Menu(m)) = complete(&s, c, "kill-se", 0, 1) else {
            panic!("no menu");
        };
        assert_eq!(m.items.len(), 2);
        assert_eq!(m.items[0].0, "kill-server");
        assert_eq!((m.x, m.y), (0, 24 - 3 - 2));
        // Options only after the first word.
        assert_eq!(complete(&s, c, "mou", 0, 1), None);
        assert_eq!(
            complete(&s, c, "mou", 4, 1),
            Some(Completion::Replace("mouse ".into()))
        );
        assert_eq!(complete(&s, c, "", 4, 1), None);
    }

    #[test]
    fn targets() {
        let s = source();
        let c = PromptType::Command;
        assert_eq!(
            complete(&s, c, "-tma", 5, 1),
            Some(Completion::Replace("-tmain:".into()))
        );
        assert_eq!(
            complete(&s, c, "-t$", 5, 1),
            Some(Completion::Replace("-t$0:".into()))
        );
        assert_eq!(complete(&s, c, "-tmain:0", 5, 1), None);
        assert_eq!(complete(&s, c, "-tother:", 5, 1), None);
        let Some(Completion::Menu(m)) = complete(&s, c, "-tmain:", 5, 1) else {
            panic!("no menu");
        };
        assert_eq!(m.items[2], ("main:12 (c)".into(), "-tmain:12".into()));
        let Some(Completion::Menu(m)) = complete(&s, PromptType::WindowTarget, "1", 0, 7) else {
            panic!("no menu");
        };
        assert_eq!(
            m.items,
            vec![("1 (b)".into(), "1".into()), ("12 (c)".into(), "12".into())]
        );
        assert_eq!(
            complete(&s, PromptType::Target, "", 0, 1),
            Some(Completion::Replace("main:".into()))
        );
    }
}
