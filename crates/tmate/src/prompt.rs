//! An attached client's overlays, as tmux 3.3a's `status.c` and `cmd-display-panes.c` run them:
//! the command prompt (`command-prompt`, `confirm-before`) with emacs or vi editing
//! (`status-keys`), history and command-name completion, and `display-panes`' numbers. Commands
//! ask for an overlay with a [`Request`]; the attach loop owns the [`Overlay`], feeds it keys
//! and runs what it answers. No I/O.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tmate_proto::KeyCode;
use tmate_term::{PaneLabel, PromptLine};
use tokio::sync::oneshot;

pub use crate::prompt_complete::CompletionMenu;

/// Longest prompt input kept (a paste into the prompt cannot grow it without bound).
pub const MAX_INPUT: usize = 16 * 1024;
/// Prompt history entries kept whatever `prompt-history-limit` says.
const MAX_HISTORY: usize = 1000;

/// What a waiting command client gets when its overlay ends with an answer: the commands
/// the answer runs (in the command client's context, as tmux inserts them after the waiting
/// item) and its exit status (confirm-before's refusal is 1).
#[derive(Debug, Default)]
pub struct Answer {
    pub commands: Vec<Vec<String>>,
    pub code: u8,
}

/// The command client that waits for an overlay (tmux's CMD_RETURN_WAIT, without `-b`). An
/// overlay that closes without an answer drops it, which ends the wait too.
#[derive(Clone, Default)]
pub struct Waiter(Option<Arc<Mutex<Option<oneshot::Sender<Answer>>>>>);

impl std::fmt::Debug for Waiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Waiter"
        } else {
            "NoWaiter"
        })
    }
}

impl Waiter {
    /// A waiter and what its command waits on.
    pub fn new() -> (Waiter, oneshot::Receiver<Answer>) {
        let (tx, rx) = oneshot::channel();
        (Waiter(Some(Arc::new(Mutex::new(Some(tx))))), rx)
    }

    fn is_waiting(&self) -> bool {
        self.0.is_some()
    }

    /// Hand the answer over (once).
    fn answer(&self, answer: Answer) {
        if let Some(slot) = &self.0
            && let Ok(mut tx) = slot.lock()
            && let Some(tx) = tx.take()
        {
            let _ = tx.send(answer);
        }
    }
}

/// What a command asks an attached client to show.
#[derive(Debug, Clone)]
pub enum Request {
    Prompt(PromptSpec),
    /// `display-panes`: for this long (`None`: until a key), then `template` with `%%` the
    /// chosen pane's id when a number is typed.
    Panes {
        time: Option<Duration>,
        template: String,
        /// False with `-N`: keys choose nothing; the first ends the display and is handled as
        /// usual (tmux sets no overlay key).
        keys: bool,
        waiter: Waiter,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// command-prompt: the template (`%%`, `%1`..`%9` replaced by the answers), parsed and run.
    Template(String),
    /// confirm-before: these commands when the answer is `y`.
    Confirm(Vec<Vec<String>>),
    /// A tree mode's prompt (filter, search, kill, command): the answer goes back to it.
    Mode {
        pane: u32,
        what: crate::tree::ModePrompt,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Line,
    /// `-1`: one key answers.
    Single,
    /// `-N`: digits only; any other key answers.
    Numeric,
    /// `-k`: the key's name answers.
    Key,
    /// `-i` (tmux's incremental prompt): the template runs after every change of the text,
    /// given `=TEXT` (`+TEXT` after C-s, `-TEXT` after C-r); Enter only closes the prompt.
    Incremental,
}

#[derive(Debug, Clone)]
pub struct PromptSpec {
    /// (prompt, initial input) pairs, already expanded.
    pub prompts: Vec<(String, String)>,
    pub action: Action,
    pub mode: Mode,
    /// Which history the prompt reads and adds to (`-T`).
    pub kind: PromptType,
    /// A command client waiting for the answer.
    pub waiter: Waiter,
}

/// What the client must do after a key reached its overlay.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The overlay took the key.
    Consumed,
    /// The overlay closed without using the key: handle it as usual.
    Pass,
    /// Run these commands (the overlay may have closed or moved on).
    Run(Vec<Vec<String>>),
    /// Show this error on the status line.
    Error(String),
    /// Show this completion menu over the prompt (its choice comes back through
    /// [`Overlay::completion_chosen`]).
    Menu(CompletionMenu),
    /// The answer to a tree mode's prompt.
    Mode {
        pane: u32,
        what: crate::tree::ModePrompt,
        answer: String,
    },
}

/// The editing state of an open prompt.
#[derive(Debug, Clone)]
pub struct Prompt {
    spec: PromptSpec,
    current: usize,
    answers: Vec<String>,
    buffer: Vec<char>,
    index: usize,
    /// vi's command mode (after Escape), drawn in message-command-style.
    command_mode: bool,
    /// Position in the history: 0 is the line being edited.
    hindex: usize,
    /// An incremental prompt's `-I` text: it starts empty, and C-r/C-s on an empty prompt
    /// bring this back (tmux's `prompt_last`).
    last: String,
    /// What C-w deleted last: C-y pastes it rather than the top buffer (tmux's
    /// `prompt_saved`).
    saved: Option<Vec<char>>,
}

/// A client's overlay: nothing, a prompt, or display-panes.
#[derive(Debug, Default)]
pub enum Overlay {
    #[default]
    None,
    Prompt(Box<Prompt>),
    Panes {
        until: Option<Instant>,
        template: String,
        keys: bool,
        waiter: Waiter,
    },
}

/// The options a key needs, read by the caller under the state lock.
#[derive(Debug, Clone, Default)]
pub struct KeyOptions {
    pub vi: bool,
    pub word_separators: String,
    pub history_limit: usize,
    /// The top paste buffer, read only for a key that may paste it (C-y, vi's `p`).
    pub paste: Option<Vec<u8>>,
    /// What Tab completes against, read only for Tab.
    pub complete: Option<crate::prompt_complete::Source>,
}

/// tmux 3.3a's prompt types (`command-prompt -T`), each with its own history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PromptType {
    #[default]
    Command,
    Search,
    Target,
    WindowTarget,
}

impl PromptType {
    /// In tmux's order (show-prompt-history lists them so).
    pub const ALL: [PromptType; 4] = [
        PromptType::Command,
        PromptType::Search,
        PromptType::Target,
        PromptType::WindowTarget,
    ];

    pub fn name(self) -> &'static str {
        match self {
            PromptType::Command => "command",
            PromptType::Search => "search",
            PromptType::Target => "target",
            PromptType::WindowTarget => "window-target",
        }
    }

    pub fn from_name(name: &str) -> Option<PromptType> {
        PromptType::ALL.into_iter().find(|t| t.name() == name)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Server-wide prompt histories, one per type (tmux keeps them per server), newest last.
static HISTORY: Mutex<[VecDeque<String>; 4]> = Mutex::new([const { VecDeque::new() }; 4]);

/// tmux `status_prompt_add_history`: a line equal to the newest is not added again; a limit
/// of 0 empties the list.
fn history_add(kind: PromptType, line: &str, limit: usize) {
    if line.is_empty() {
        return;
    }
    let Ok(mut all) = HISTORY.lock() else { return };
    let Some(h) = all.get_mut(kind.index()) else {
        return;
    };
    if h.back().is_none_or(|l| l != line) {
        h.push_back(line.to_string());
    }
    while h.len() > limit.min(MAX_HISTORY) {
        h.pop_front();
    }
}

fn history_get(kind: PromptType, age: usize) -> Option<String> {
    let all = HISTORY.lock().ok()?;
    let h = all.get(kind.index())?;
    h.len().checked_sub(age).and_then(|i| h.get(i)).cloned()
}

fn history_len(kind: PromptType) -> usize {
    HISTORY
        .lock()
        .ok()
        .and_then(|all| all.get(kind.index()).map(VecDeque::len))
        .unwrap_or(0)
}

/// A type's prompt history, oldest first (show-prompt-history).
pub fn history_lines(kind: PromptType) -> Vec<String> {
    HISTORY
        .lock()
        .ok()
        .and_then(|all| all.get(kind.index()).map(|h| h.iter().cloned().collect()))
        .unwrap_or_default()
}

/// Forget a type's prompt history (clear-prompt-history).
pub fn history_clear(kind: PromptType) {
    if let Ok(mut all) = HISTORY.lock()
        && let Some(h) = all.get_mut(kind.index())
    {
        h.clear();
    }
}

/// tmux's `cmd_template_replace`: `%idx` (and the first `%%`) become `s`; `%%%` / `%idx%`
/// quote it for the command parser.
pub fn template_replace(template: &str, s: &str, idx: usize) -> String {
    if !template.contains('%') {
        return template.to_string();
    }
    let mut out = String::new();
    let mut replaced = false;
    let chars: Vec<char> = template.chars().collect();
    let mut i = 0;
    while let Some(&ch) = chars.get(i) {
        i += 1;
        if ch == '%' {
            let next = chars.get(i).copied();
            let is_idx = next.and_then(|c| c.to_digit(10)).is_some_and(|d| {
                (1..=9).contains(&d) && usize::try_from(d).is_ok_and(|d| d == idx)
            });
            let take = is_idx || (next == Some('%') && !replaced);
            if take {
                if !is_idx {
                    replaced = true;
                }
                i += 1;
                let quoted = chars.get(i) == Some(&'%');
                if quoted {
                    i += 1;
                }
                for c in s.chars() {
                    if quoted && "\"\\$;~".contains(c) {
                        out.push('\\');
                    }
                    out.push(c);
                }
                continue;
            }
        }
        out.push(ch);
    }
    out
}

/// The command text a prompt runs: its template with the answers put in (`%1` the first...).
/// A `{ }` block's answers go into its words after they are split (as tmux copies a command
/// list's arguments), so an answer with spaces or `;` stays one argument; a string's go into
/// the text, which is split after.
fn fill_template(template: &str, answers: &[String]) -> String {
    let fill = |text: &str| {
        answers
            .iter()
            .enumerate()
            .fold(text.to_string(), |t, (i, a)| template_replace(&t, a, i + 1))
    };
    let Some(inner) = tmate_proto::cmdline::block_text(template) else {
        return fill(template);
    };
    // A block's words are stored quoted: nothing to look up.
    let Ok(commands) = tmate_proto::cmdline::parse_line_grouped(inner, &|_| None) else {
        return fill(template);
    };
    let mut out = String::from(tmate_proto::cmdline::BLOCK);
    let mut first = true;
    for command in commands {
        if command.is_empty() {
            // A group break: the block's commands on different lines.
            out.push('\n');
            first = true;
            continue;
        }
        if !first {
            out.push_str(" ; ");
        }
        first = false;
        let words: Vec<String> = command
            .iter()
            .map(|w| tmate_proto::cmdline::quote(&fill(w)))
            .collect();
        out.push_str(&words.join(" "));
    }
    out
}

impl Prompt {
    /// A single-key prompt (`command-prompt -k`): tmux 3.3a answers it with any key's name,
    /// a focus report's (`FocusIn`) included, where other prompts ignore such keys.
    pub fn takes_any_key(&self) -> bool {
        self.spec.mode == Mode::Key
    }

    pub fn new(spec: PromptSpec) -> Prompt {
        let mut input: Vec<char> = spec
            .prompts
            .first()
            .map(|(_, i)| i.chars().take(MAX_INPUT).collect())
            .unwrap_or_default();
        let mut last = String::new();
        if spec.mode == Mode::Incremental {
            last = input.drain(..).collect();
        }
        Prompt {
            last,
            index: input.len(),
            buffer: input,
            spec,
            current: 0,
            answers: Vec::new(),
            command_mode: false,
            hindex: 0,
            saved: None,
        }
    }

    /// What the status row shows.
    pub fn line(&self) -> PromptLine {
        PromptLine {
            prompt: self
                .spec
                .prompts
                .get(self.current)
                .map(|(p, _)| p.clone())
                .unwrap_or_default(),
            input: self.buffer.iter().collect(),
            cursor: self.index,
            command_mode: self.command_mode,
        }
    }

    fn text(&self) -> String {
        self.buffer.iter().collect()
    }

    fn set_text(&mut self, text: &str) {
        self.buffer = text.chars().take(MAX_INPUT).collect();
        self.index = self.buffer.len();
    }

    /// The answer to the current prompt: the next prompt, or what to run. `None`: closed.
    fn answer(&mut self, s: String) -> (bool, Outcome) {
        match &self.spec.action {
            Action::Mode { pane, what } => (
                false,
                Outcome::Mode {
                    pane: *pane,
                    what: *what,
                    answer: s,
                },
            ),
            Action::Confirm(commands) => {
                let yes = s.len() == 1 && s.eq_ignore_ascii_case("y");
                let out = if yes {
                    Outcome::Run(commands.clone())
                } else {
                    Outcome::Consumed
                };
                (false, out)
            }
            Action::Template(template) => {
                self.answers.push(s);
                if self.current + 1 < self.spec.prompts.len() {
                    self.current += 1;
                    let input = self
                        .spec
                        .prompts
                        .get(self.current)
                        .map(|(_, i)| i.clone())
                        .unwrap_or_default();
                    self.set_text(&input);
                    self.hindex = 0;
                    return (true, Outcome::Consumed);
                }
                let line = fill_template(template, &self.answers);
                match crate::parse::parse_line(&line) {
                    Ok(cmds) if cmds.is_empty() => (false, Outcome::Consumed),
                    Ok(cmds) => (false, Outcome::Run(cmds)),
                    Err(e) => (false, Outcome::Error(e)),
                }
            }
        }
    }

    /// An incremental prompt's key (tmux `status_prompt_key` with `PROMPT_INCREMENTAL`): the
    /// template runs with the text after each change, C-s/C-r repeat it down/up, Enter and
    /// the cancelling keys close the prompt without running anything.
    fn incremental_key(&mut self, key: KeyCode, opts: &KeyOptions) -> (bool, Outcome) {
        let mut prefix = '=';
        match key.0 {
            0x12 | 0x13 => {
                if self.buffer.is_empty() {
                    let last = self.last.clone();
                    self.set_text(&last);
                } else {
                    prefix = if key.0 == 0x12 { '-' } else { '+' };
                }
            }
            0x0a | 0x0d => {
                history_add(self.spec.kind, &self.text(), opts.history_limit);
                return (false, Outcome::Consumed);
            }
            _ if key == KeyCode::ENTER => {
                history_add(self.spec.kind, &self.text(), opts.history_limit);
                return (false, Outcome::Consumed);
            }
            _ => {
                let before = self.text();
                let (open, out) = self.line_key(key, opts);
                if !open || out != Outcome::Consumed || self.text() == before {
                    return (open, out);
                }
            }
        }
        let Action::Template(template) = &self.spec.action else {
            return (true, Outcome::Consumed);
        };
        let line = fill_template(template, &[format!("{prefix}{}", self.text())]);
        match crate::parse::parse_line(&line) {
            Ok(cmds) if !cmds.is_empty() => (true, Outcome::Run(cmds)),
            Ok(_) => (true, Outcome::Consumed),
            Err(e) => (true, Outcome::Error(e)),
        }
    }

    /// tmux `status_prompt_key`. Returns whether the prompt stays open, and the outcome.
    pub fn key(&mut self, key: KeyCode, opts: &KeyOptions) -> (bool, Outcome) {
        if self.spec.mode == Mode::Incremental {
            return self.incremental_key(key, opts);
        }
        self.line_key(key, opts)
    }

    /// A key of a prompt that is not incremental.
    fn line_key(&mut self, key: KeyCode, opts: &KeyOptions) -> (bool, Outcome) {
        if self.spec.mode == Mode::Key {
            return self.answer(key.name());
        }
        if self.spec.mode == Mode::Numeric {
            if let Some(c) =
                char::from_u32(u32::try_from(key.0).unwrap_or(0)).filter(|c| c.is_ascii_digit())
            {
                self.insert(c);
                return (true, Outcome::Consumed);
            }
            let s = self.text();
            return self.answer(s);
        }
        let mut key = key;
        if opts.vi {
            match self.vi_translate(key) {
                Translated::Process(k) => key = k,
                Translated::Append => return self.append(key),
                Translated::Ignore => return (true, Outcome::Consumed),
            }
        }
        self.process(key, opts)
    }

    fn process(&mut self, key: KeyCode, opts: &KeyOptions) -> (bool, Outcome) {
        let size = self.buffer.len();
        let seps = opts.word_separators.as_str();
        let meta = |c: u8| KeyCode(u64::from(c) | KeyCode::META);
        let vi_key = |c: u8| KeyCode(u64::from(c) | VI);
        match key {
            k if k == KeyCode::LEFT || k.0 == 0x02 => self.index = self.index.saturating_sub(1),
            k if k == KeyCode::RIGHT || k.0 == 0x06 => self.index = (self.index + 1).min(size),
            k if k == KeyCode::HOME || k.0 == 0x01 => self.index = 0,
            k if k == KeyCode::END || k.0 == 0x05 => self.index = size,
            k if k == KeyCode::BSPACE || k.0 == 0x08 => {
                if self.index > 0 {
                    self.index -= 1;
                    self.buffer.remove(self.index);
                }
            }
            k if k == KeyCode::DC || k.0 == 0x04 => {
                if self.index < size {
                    self.buffer.remove(self.index);
                }
            }
            k if k.0 == 0x15 => {
                self.buffer.clear();
                self.index = 0;
            }
            k if k.0 == 0x0b => self.buffer.truncate(self.index),
            k if k.0 == 0x17 => {
                let start = self.word_start(seps);
                let deleted: Vec<char> = self.buffer.drain(start..self.index).collect();
                self.saved = Some(deleted);
                self.index = start;
            }
            k if k == KeyCode::RIGHT.with_modifiers(KeyCode::CTRL) || k == meta(b'f') => {
                self.forward_word(false, seps)
            }
            k if k == vi_key(b'E') => self.end_word(""),
            k if k == vi_key(b'e') => self.end_word(seps),
            k if k == vi_key(b'W') => self.forward_word(true, ""),
            k if k == vi_key(b'w') => self.forward_word(true, seps),
            k if k == vi_key(b'B') => self.index = self.backward_word(""),
            k if k == KeyCode::LEFT.with_modifiers(KeyCode::CTRL) || k == meta(b'b') => {
                self.index = self.backward_word(seps)
            }
            k if k == KeyCode::UP || k.0 == 0x10 => self.history_up(),
            k if k == KeyCode::DOWN || k.0 == 0x0e => self.history_down(),
            k if k.0 == 0x14 => self.transpose(),
            k if k.0 == 0x19 => self.paste(opts.paste.as_deref()),
            k if k == KeyCode::TAB || k.0 == 0x09 => {
                if let Some(source) = &opts.complete
                    && let Some(menu) = self.complete(source)
                {
                    return (true, Outcome::Menu(menu));
                }
            }
            k if k == KeyCode::ENTER || k.0 == 0x0a => {
                let s = self.text();
                history_add(self.spec.kind, &s, opts.history_limit);
                return self.answer(s);
            }
            k if k == KeyCode::ESCAPE || k.0 == 0x03 || k.0 == 0x07 => {
                // tmux calls a tree mode's filter/search callback with nothing: it clears.
                if let Action::Mode { pane, what } = &self.spec.action
                    && matches!(
                        what,
                        crate::tree::ModePrompt::Filter | crate::tree::ModePrompt::Search
                    )
                {
                    let (pane, what) = (*pane, *what);
                    return (
                        false,
                        Outcome::Mode {
                            pane,
                            what,
                            answer: String::new(),
                        },
                    );
                }
                return (false, Outcome::Consumed);
            }
            _ => return self.append(key),
        }
        (true, Outcome::Consumed)
    }

    /// Up (C-p): the next older history line, if any.
    fn history_up(&mut self) {
        if self.hindex < history_len(self.spec.kind)
            && let Some(line) = history_get(self.spec.kind, self.hindex + 1)
        {
            self.hindex += 1;
            self.set_text(&line);
        }
    }

    /// Down (C-n): the next newer history line, past the newest an empty prompt.
    fn history_down(&mut self) {
        if self.hindex > 0 {
            self.hindex -= 1;
            let line = if self.hindex == 0 {
                String::new()
            } else {
                history_get(self.spec.kind, self.hindex).unwrap_or_default()
            };
            self.set_text(&line);
        } else {
            self.set_text("");
        }
    }

    /// C-t: swap the characters before the cursor and under it (the last two at the end),
    /// and move past them.
    fn transpose(&mut self) {
        let size = self.buffer.len();
        let idx = if self.index < size {
            self.index + 1
        } else {
            self.index
        };
        if idx >= 2 {
            self.buffer.swap(idx - 2, idx - 1);
            self.index = idx;
        }
    }

    /// C-y (tmux `status_prompt_paste`): what C-w deleted last, else the top paste buffer up
    /// to its first control character or invalid UTF-8, inserted at the cursor.
    fn paste(&mut self, top: Option<&[u8]>) {
        let text: Vec<char> = match (&self.saved, top) {
            (Some(saved), _) => saved.clone(),
            (None, Some(bytes)) => {
                let valid = match std::str::from_utf8(bytes) {
                    Ok(s) => s,
                    Err(e) => std::str::from_utf8(bytes.get(..e.valid_up_to()).unwrap_or_default())
                        .unwrap_or_default(),
                };
                valid
                    .chars()
                    .take_while(|c| u32::from(*c) > 31 && *c != '\x7f')
                    .collect()
            }
            (None, None) => return,
        };
        for c in text {
            self.insert(c);
        }
    }

    fn insert(&mut self, c: char) {
        if self.buffer.len() < MAX_INPUT {
            self.buffer.insert(self.index, c);
            self.index += 1;
        }
    }

    fn append(&mut self, key: KeyCode) -> (bool, Outcome) {
        let c = (key.0 > 0x1f && key.0 < KeyCode::BASE)
            .then(|| u32::try_from(key.0).ok().and_then(char::from_u32))
            .flatten();
        let Some(c) = c.filter(|c| *c != '\x7f') else {
            return (true, Outcome::Consumed);
        };
        self.insert(c);
        if self.spec.mode == Mode::Single {
            if self.buffer.len() != 1 {
                return (false, Outcome::Consumed);
            }
            let s = self.text();
            return self.answer(s);
        }
        (true, Outcome::Consumed)
    }

    /// tmux `status_prompt_translate_key` for `status-keys vi`.
    fn vi_translate(&mut self, key: KeyCode) -> Translated {
        let k = key.0;
        if !self.command_mode {
            if key == KeyCode::ESCAPE {
                self.command_mode = true;
                return Translated::Ignore;
            }
            let special = [
                0x01, 0x03, 0x05, 0x07, 0x08, 0x09, 0x0b, 0x0e, 0x10, 0x14, 0x15, 0x17, 0x19, 0x0a,
                0x0d,
            ];
            let keys = [
                KeyCode::LEFT.with_modifiers(KeyCode::CTRL),
                KeyCode::RIGHT.with_modifiers(KeyCode::CTRL),
                KeyCode::BSPACE,
                KeyCode::DC,
                KeyCode::DOWN,
                KeyCode::END,
                KeyCode::HOME,
                KeyCode::LEFT,
                KeyCode::RIGHT,
                KeyCode::UP,
            ];
            if special.contains(&k) || keys.contains(&key) {
                return Translated::Process(key);
            }
            return Translated::Append;
        }
        let ch = |c: u8| u64::from(c);
        if key == KeyCode::BSPACE {
            return Translated::Process(KeyCode::LEFT);
        }
        if [ch(b'A'), ch(b'I'), ch(b'C'), ch(b's'), ch(b'a')].contains(&k) {
            self.command_mode = false;
        }
        if k == ch(b'S') {
            self.command_mode = false;
            return Translated::Process(KeyCode(0x15));
        }
        if k == ch(b'i') || key == KeyCode::ESCAPE {
            self.command_mode = false;
            return Translated::Ignore;
        }
        let to = |c: u64| Translated::Process(KeyCode(c));
        match k {
            _ if k == ch(b'A') || k == ch(b'$') => Translated::Process(KeyCode::END),
            _ if k == ch(b'I') || k == ch(b'0') || k == ch(b'^') => {
                Translated::Process(KeyCode::HOME)
            }
            _ if k == ch(b'C') || k == ch(b'D') => to(0x0b),
            _ if k == ch(b'X') => Translated::Process(KeyCode::BSPACE),
            _ if k == ch(b'b') => to(ch(b'b') | KeyCode::META),
            _ if k == ch(b'B')
                || k == ch(b'e')
                || k == ch(b'E')
                || k == ch(b'w')
                || k == ch(b'W') =>
            {
                to(k | VI)
            }
            _ if k == ch(b'd') => to(0x15),
            _ if k == ch(b'p') => to(0x19),
            _ if k == ch(b'q') => to(0x03),
            _ if k == ch(b's') || k == ch(b'x') || key == KeyCode::DC => {
                Translated::Process(KeyCode::DC)
            }
            _ if k == ch(b'j') || key == KeyCode::DOWN => Translated::Process(KeyCode::DOWN),
            _ if k == ch(b'h') || key == KeyCode::LEFT => Translated::Process(KeyCode::LEFT),
            _ if k == ch(b'a') || k == ch(b'l') || key == KeyCode::RIGHT => {
                Translated::Process(KeyCode::RIGHT)
            }
            _ if k == ch(b'k') || key == KeyCode::UP => Translated::Process(KeyCode::UP),
            0x08 | 0x03 | 0x0a | 0x0d => Translated::Process(key),
            _ => Translated::Ignore,
        }
    }

    fn is_space(&self, i: usize) -> bool {
        self.buffer.get(i) == Some(&' ')
    }

    fn is_sep(&self, i: usize, seps: &str) -> bool {
        self.buffer.get(i).is_some_and(|c| seps.contains(*c))
    }

    /// Where C-w deletes back to (tmux: spaces, then one class of separators or word chars).
    fn word_start(&self, seps: &str) -> usize {
        let mut idx = self.index;
        while idx != 0 {
            idx -= 1;
            if !self.is_space(idx) {
                break;
            }
        }
        let class = self.is_sep(idx, seps);
        while idx != 0 {
            idx -= 1;
            if self.is_space(idx) || class != self.is_sep(idx, seps) {
                idx += 1;
                break;
            }
        }
        idx
    }

    fn backward_word(&self, seps: &str) -> usize {
        self.word_start(seps)
    }

    fn forward_word(&mut self, vi: bool, seps: &str) {
        let size = self.buffer.len();
        let mut idx = self.index;
        if !vi {
            while idx != size && self.is_space(idx) {
                idx += 1;
            }
        }
        if idx == size {
            self.index = idx;
            return;
        }
        let class = self.is_sep(idx, seps) && !self.is_space(idx);
        loop {
            idx += 1;
            if self.is_space(idx) {
                if vi {
                    while idx != size && self.is_space(idx) {
                        idx += 1;
                    }
                }
                break;
            }
            if idx == size || class != self.is_sep(idx, seps) {
                break;
            }
        }
        self.index = idx.min(size);
    }

    fn end_word(&mut self, seps: &str) {
        let size = self.buffer.len();
        let mut idx = self.index;
        if idx == size {
            return;
        }
        loop {
            idx += 1;
            if idx == size {
                self.index = idx;
                return;
            }
            if !self.is_space(idx) {
                break;
            }
        }
        let class = self.is_sep(idx, seps);
        loop {
            idx += 1;
            if idx == size || self.is_space(idx) || class != self.is_sep(idx, seps) {
                break;
            }
        }
        self.index = idx - 1;
    }

    /// Tab (tmux `status_prompt_replace_complete`): the word around the cursor completed as
    /// `crate::prompt_complete` finds it, or a menu of the candidates to choose from.
    fn complete(&mut self, source: &crate::prompt_complete::Source) -> Option<CompletionMenu> {
        let (first, last) = crate::prompt_complete::word_bounds(&self.buffer, self.index)?;
        let word: String = self.buffer.get(first..last)?.iter().collect();
        let prompt_width = crate::prompt_complete::prompt_width(&self.line().prompt);
        match crate::prompt_complete::complete(source, self.spec.kind, &word, first, prompt_width)?
        {
            crate::prompt_complete::Completion::Replace(s) => {
                self.replace_word(&s);
                None
            }
            crate::prompt_complete::Completion::Menu(menu) => Some(menu),
        }
    }

    /// Put `s` in place of the word around the cursor, the cursor after it.
    fn replace_word(&mut self, s: &str) {
        let Some((first, last)) = crate::prompt_complete::word_bounds(&self.buffer, self.index)
        else {
            return;
        };
        let tail = self.buffer.split_off(last);
        self.buffer.truncate(first);
        self.buffer.extend(s.chars());
        self.index = self.buffer.len().min(MAX_INPUT);
        self.buffer.extend(tail);
        self.buffer.truncate(MAX_INPUT);
    }

    /// An item chosen from the completion menu: it replaces the word around the cursor, or
    /// the whole input for a window-target prompt (tmux `status_prompt_menu_callback`).
    pub fn completion_chosen(&mut self, s: &str) {
        if self.spec.kind == PromptType::WindowTarget {
            self.set_text(s);
        } else {
            self.replace_word(s);
        }
    }
}

/// A private flag for vi motions that have no key of their own (tmux `KEYC_VI`).
const VI: u64 = 1 << 62;

enum Translated {
    Process(KeyCode),
    Append,
    Ignore,
}

impl Overlay {
    pub fn is_open(&self) -> bool {
        !matches!(self, Overlay::None)
    }

    /// Open what a command asked for, unless an overlay is already open (tmux ignores a second
    /// prompt or display-panes). True when a prompt opened (the message then goes).
    pub fn open(&mut self, request: Request) -> bool {
        if self.is_open() {
            return false;
        }
        match request {
            Request::Prompt(spec) => {
                *self = Overlay::Prompt(Box::new(Prompt::new(spec)));
                true
            }
            Request::Panes {
                time,
                template,
                keys,
                waiter,
            } => {
                *self = Overlay::Panes {
                    until: time.map(|t| Instant::now() + t),
                    template,
                    keys,
                    waiter,
                };
                false
            }
        }
    }

    /// When display-panes ends by itself.
    pub fn deadline(&self) -> Option<Instant> {
        match self {
            Overlay::Panes { until, .. } => *until,
            _ => None,
        }
    }

    /// Close display-panes once its time is up.
    pub fn expire(&mut self, now: Instant) {
        if self.deadline().is_some_and(|t| now >= t) {
            *self = Overlay::None;
        }
    }

    /// The completion menu's choice, for the open prompt.
    pub fn completion_chosen(&mut self, s: &str) {
        if let Overlay::Prompt(p) = self {
            p.completion_chosen(s);
        }
    }

    pub fn prompt_line(&self) -> Option<PromptLine> {
        match self {
            Overlay::Prompt(p) => Some(p.line()),
            _ => None,
        }
    }

    /// display-panes' labels for the panes of the shown window, by (pane id, number, active).
    pub fn labels(
        &self,
        panes: &[(u32, u32, bool)],
        colour: tmate_term::Color,
        active_colour: tmate_term::Color,
    ) -> Vec<PaneLabel> {
        if !matches!(self, Overlay::Panes { .. }) {
            return Vec::new();
        }
        panes
            .iter()
            .map(|(id, number, active)| PaneLabel {
                pane: i64::from(*id),
                number: *number,
                colour: if *active { active_colour } else { colour },
            })
            .collect()
    }

    /// A key while an overlay is open. `panes` maps display-panes numbers to pane ids.
    pub fn key(&mut self, key: KeyCode, opts: &KeyOptions, panes: &[(u32, u32)]) -> Outcome {
        match self {
            Overlay::None => Outcome::Pass,
            Overlay::Prompt(p) => {
                let (open, out) = p.key(key, opts);
                let waiter = p.spec.waiter.clone();
                let confirm = matches!(p.spec.action, Action::Confirm(_));
                if !open {
                    *self = Overlay::None;
                }
                match out {
                    // A waiting command client runs the answer itself.
                    Outcome::Run(commands) if waiter.is_waiting() => {
                        waiter.answer(Answer { commands, code: 0 });
                        Outcome::Consumed
                    }
                    // confirm-before closed without a yes: the waiting client exits 1.
                    out if confirm && !open => {
                        waiter.answer(Answer {
                            commands: Vec::new(),
                            code: 1,
                        });
                        out
                    }
                    out => out,
                }
            }
            Overlay::Panes { keys: false, .. } => {
                // -N: no pane is chosen by a key; a key still ends the display (tmux clears
                // an overlay that takes no keys on the next key) and is handled as usual.
                *self = Overlay::None;
                Outcome::Pass
            }
            Overlay::Panes {
                template, waiter, ..
            } => {
                // tmux `cmd_display_panes_key`: 0-9 and a-z pick a pane; any other key closes
                // the overlay and is handled as usual.
                let number = match key.0 {
                    k @ 0x30..=0x39 => k - 0x30,
                    k @ 0x61..=0x7a => k - 0x61 + 10,
                    _ => {
                        *self = Overlay::None;
                        return Outcome::Pass;
                    }
                };
                let template = std::mem::take(template);
                let waiter = std::mem::take(waiter);
                *self = Overlay::None;
                let Some((id, _)) = panes.iter().find(|(_, n)| u64::from(*n) == number) else {
                    return Outcome::Consumed;
                };
                let line = template_replace(&template, &format!("%{id}"), 1);
                match crate::parse::parse_line(&line) {
                    Ok(commands) if waiter.is_waiting() => {
                        waiter.answer(Answer { commands, code: 0 });
                        Outcome::Consumed
                    }
                    Ok(cmds) => Outcome::Run(cmds),
                    Err(e) => Outcome::Error(e),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(prompt: &str, input: &str, action: Action, mode: Mode) -> PromptSpec {
        PromptSpec {
            prompts: vec![(prompt.into(), input.into())],
            action,
            mode,
            kind: PromptType::Command,
            waiter: Waiter::default(),
        }
    }

    fn keys(p: &mut Prompt, opts: &KeyOptions, text: &[u64]) -> Vec<Outcome> {
        text.iter().map(|k| p.key(KeyCode(*k), opts).1).collect()
    }

    fn opts(vi: bool) -> KeyOptions {
        KeyOptions {
            vi,
            word_separators: " -_@".into(),
            history_limit: 100,
            paste: Some(b"pasted\ttail".to_vec()),
            complete: Some(crate::prompt_complete::Source {
                commands: vec![
                    "new-window".into(),
                    "kill-server".into(),
                    "kill-session".into(),
                ],
                ..Default::default()
            }),
        }
    }

    fn typed(s: &str) -> Vec<u64> {
        s.chars().map(u64::from).collect()
    }

    /// A block template's answers stay whole words (tmux copies a block's arguments with the
    /// answer put in each), where a string's are split with the text.
    #[test]
    fn block_templates_keep_answers_as_words() {
        let block = format!(
            "{}send-keys -X search-backward %% ; display x",
            tmate_proto::cmdline::BLOCK
        );
        let answers = ["a b;c".to_string()];
        let cmds = crate::parse::parse_line(&fill_template(&block, &answers)).unwrap_or_default();
        let words = |c: &[&str]| c.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        assert_eq!(
            cmds,
            vec![
                words(&["send-keys", "-X", "search-backward", "a b;c"]),
                words(&["display", "x"])
            ]
        );
        let cmds = crate::parse::parse_line(&fill_template("display %%", &answers));
        assert_eq!(cmds.unwrap_or_default().len(), 2);
    }

    #[test]
    fn templates_like_tmux() {
        assert_eq!(
            template_replace("rename-window '%%'", "a b", 1),
            "rename-window 'a b'"
        );
        assert_eq!(template_replace("%1 x %2", "one", 1), "one x %2");
        assert_eq!(template_replace("%1 x %2", "two", 2), "%1 x two");
        assert_eq!(
            template_replace("say \"%%%\"", "a\"b;", 1),
            "say \"a\\\"b\\;\""
        );
        assert_eq!(template_replace("%% %%", "x", 1), "x %%");
        assert_eq!(template_replace("plain", "x", 1), "plain");
    }

    #[test]
    fn emacs_editing() {
        let o = opts(false);
        let mut p = Prompt::new(spec(":", "", Action::Template("%1".into()), Mode::Line));
        keys(&mut p, &o, &typed("new-window"));
        keys(&mut p, &o, &[0x01]); // C-a
        keys(&mut p, &o, &typed("x"));
        assert_eq!(p.text(), "xnew-window");
        keys(&mut p, &o, &[0x05, 0x17]); // C-e C-w: `window` (a word), then `-`
        assert_eq!(p.text(), "xnew-");
        keys(&mut p, &o, &[0x17]);
        assert_eq!(p.text(), "xnew");
        keys(&mut p, &o, &[KeyCode::LEFT.0, KeyCode::LEFT.0, 0x0b]); // C-k
        assert_eq!(p.text(), "xn");
        keys(
            &mut p,
            &o,
            &[KeyCode::HOME.0, KeyCode::DC.0, KeyCode::END.0],
        );
        assert_eq!((p.text().as_str(), p.index), ("n", 1));
        keys(&mut p, &o, &[0x15]); // C-u
        assert_eq!(p.text(), "");
        keys(&mut p, &o, &typed("neww"));
        let out = p.key(KeyCode::ENTER, &o);
        assert_eq!(out, (false, Outcome::Run(vec![vec!["neww".to_string()]])));
    }

    #[test]
    fn vi_editing_and_cancel() {
        let o = opts(true);
        let mut p = Prompt::new(spec(
            ":",
            "abc def",
            Action::Template("%1".into()),
            Mode::Line,
        ));
        keys(&mut p, &o, &[0x1b]);
        assert!(p.line().command_mode);
        keys(&mut p, &o, &typed("0x"));
        assert_eq!(p.text(), "bc def");
        keys(&mut p, &o, &typed("$"));
        assert_eq!(p.index, 6);
        keys(&mut p, &o, &typed("bD"));
        assert_eq!(p.text(), "bc ");
        keys(&mut p, &o, &typed("A"));
        assert!(!p.line().command_mode);
        keys(&mut p, &o, &typed("z"));
        assert_eq!(p.text(), "bc z");
        assert_eq!(p.key(KeyCode(0x03), &o), (false, Outcome::Consumed));
    }

    #[test]
    fn confirm_single_key() {
        let o = opts(false);
        let cmds = vec![vec!["kill-pane".to_string()]];
        let mut p = Prompt::new(spec(
            "ok? ",
            "",
            Action::Confirm(cmds.clone()),
            Mode::Single,
        ));
        assert_eq!(
            p.key(KeyCode(u64::from(b'y')), &o),
            (false, Outcome::Run(cmds.clone()))
        );
        let mut p = Prompt::new(spec("ok? ", "", Action::Confirm(cmds), Mode::Single));
        assert_eq!(
            p.key(KeyCode(u64::from(b'n')), &o),
            (false, Outcome::Consumed)
        );
    }

    #[test]
    fn several_prompts_and_errors() {
        let o = opts(false);
        let mut p = Prompt::new(PromptSpec {
            prompts: vec![("a ".into(), "1".into()), ("b ".into(), String::new())],
            action: Action::Template("x %1 %2".into()),
            mode: Mode::Line,
            kind: PromptType::Command,
            waiter: Waiter::default(),
        });
        assert_eq!(p.key(KeyCode::ENTER, &o), (true, Outcome::Consumed));
        assert_eq!(p.line().prompt, "b ");
        keys(&mut p, &o, &typed("2"));
        let out = p.key(KeyCode::ENTER, &o).1;
        assert_eq!(
            out,
            Outcome::Run(vec![vec!["x".into(), "1".into(), "2".into()]])
        );
        let mut p = Prompt::new(spec(
            ":",
            "say 'oops",
            Action::Template("%1".into()),
            Mode::Line,
        ));
        assert!(matches!(p.key(KeyCode::ENTER, &o).1, Outcome::Error(_)));
    }

    #[test]
    fn completion_of_command_names() {
        let o = opts(false);
        let mut p = Prompt::new(spec(
            ":",
            "new-w",
            Action::Template("%1".into()),
            Mode::Line,
        ));
        keys(&mut p, &o, &[KeyCode::TAB.0]);
        assert_eq!(p.text(), "new-window ");
        let mut p = Prompt::new(spec(
            ":",
            "kill-s",
            Action::Template("%1".into()),
            Mode::Line,
        ));
        keys(&mut p, &o, &[KeyCode::TAB.0]);
        assert_eq!(p.text(), "kill-se");
    }

    #[test]
    fn paste_and_histories_by_type() {
        let o = opts(false);
        let mut p = Prompt::new(spec(":", "ab", Action::Template("%1".into()), Mode::Line));
        keys(&mut p, &o, &[KeyCode::LEFT.0, 0x19]);
        // The top buffer up to its first control character, at the cursor.
        assert_eq!(p.text(), "apastedb");
        keys(&mut p, &o, &[0x17, 0x05, 0x19]);
        // After C-w, C-y brings back what it deleted.
        assert_eq!(p.text(), "bapasted");
        let mut p = Prompt::new(PromptSpec {
            kind: PromptType::WindowTarget,
            ..spec(":", "", Action::Template("%1".into()), Mode::Line)
        });
        history_clear(PromptType::WindowTarget);
        keys(&mut p, &o, &typed("12"));
        p.key(KeyCode::ENTER, &o);
        assert_eq!(
            history_lines(PromptType::WindowTarget),
            vec!["12".to_string()]
        );
        assert!(!history_lines(PromptType::Command).contains(&"12".to_string()));
    }

    #[test]
    fn display_panes_digits() {
        let mut o = Overlay::None;
        o.open(Request::Panes {
            time: None,
            template: "select-pane -t \"%%%\"".into(),
            keys: true,
            waiter: Waiter::default(),
        });
        let panes = [(4, 0), (7, 1)];
        let out = o.key(KeyCode(u64::from(b'1')), &opts(false), &panes);
        assert_eq!(
            out,
            Outcome::Run(vec![vec!["select-pane".into(), "-t".into(), "%7".into()]])
        );
        assert!(!o.is_open());
        o.open(Request::Panes {
            time: None,
            template: String::new(),
            keys: true,
            waiter: Waiter::default(),
        });
        assert_eq!(o.key(KeyCode::ENTER, &opts(false), &panes), Outcome::Pass);
    }
}
