//! Copy mode and paste buffer commands: copy-mode, clear-history, capture-pane (history lines,
//! -S/-E/-J, into a buffer without -p), set-buffer, delete-buffer, show-buffer, list-buffers,
//! paste-buffer, save-buffer, load-buffer (tmux 3.3a's behaviour and messages).

use std::io::Write;

use super::{Args, CmdOutcome, CmdResult, Ctx, Target, fail, output};
use crate::copy::buffers::{self, MAX_BUFFER};
use crate::state::State;
use tmate_term::{Attrs, Cell, Color, Style};

fn buffer_limit(state: &State) -> usize {
    state
        .options
        .get(crate::options::Scope::Server, "buffer-limit")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(50)
}

pub fn copy_mode(ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    // -q: every mode of the pane ends (tmux `window_pane_reset_mode_all`).
    if args.has('q') {
        crate::modes::reset_all(state, t.pane);
        return Ok(CmdResult::default());
    }
    // -M: the pane under the mouse, where a selection starts (only when newly entered).
    let mouse = args
        .has('M')
        .then_some(ctx.client.mouse.as_ref())
        .flatten()
        .filter(|m| m.pane.is_some());
    let pane = mouse.and_then(|m| m.pane).unwrap_or(t.pane);
    if args.has('M') && mouse.is_none() {
        return Ok(CmdResult::default());
    }
    let entered = crate::copy::enter(state, pane);
    if entered && let Some(m) = mouse {
        crate::copy::start_drag(state, pane, m.x, m.y);
    }
    let t = super::Target { pane, ..t };
    if let Some(p) = state.panes.get_mut(&t.pane)
        && let Some(m) = p.copy.as_mut()
    {
        if args.has('e') {
            m.scroll_exit = true;
        }
        if args.has('H') {
            m.hide_position = true;
        }
        if args.has('u') {
            let b = std::sync::Arc::clone(&m.backing);
            let g = crate::copy::mode::Grid::new(&b);
            m.page_up(&g, false);
        }
        crate::copy::sync(p);
    }
    Ok(CmdResult::default())
}

pub fn clear_history(_ctx: &Ctx<'_>, state: &mut State, _args: &Args, t: Target) -> CmdOutcome {
    // tmux resets the pane's modes before clearing (window_pane_reset_mode_all).
    crate::modes::reset_all(state, t.pane);
    if let Some(p) = state.panes.get_mut(&t.pane) {
        p.term.clear_history();
    }
    Ok(CmdResult::default())
}

/// A `-S`/`-E` value: `-` is the far end; a bad number is the default; negative counts into
/// the history (tmux `cmd_capture_pane_history`).
fn capture_line(
    value: Option<&str>,
    hsize: usize,
    sy: usize,
    dash: usize,
    default: usize,
) -> usize {
    let last = hsize + sy - 1;
    let v = match value {
        Some("-") => dash,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n < 0 && n.unsigned_abs() > hsize as u64 => 0,
            Ok(n) if n < 0 => hsize - usize::try_from(n.unsigned_abs()).unwrap_or(0),
            Ok(n) => hsize.saturating_add(usize::try_from(n).unwrap_or(usize::MAX)),
            Err(_) => default,
        },
        None => default,
    };
    v.min(last)
}

pub fn capture(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let Some(p) = state.panes.get_mut(&t.pane) else {
        return fail("no pane");
    };
    let out = if args.has('P') {
        pending_text(&p.term.pending_input(), args.has('C'))
    } else if args.has('a') {
        // tmux reads the screen the alternate one saved (`saved_grid`): the normal screen's
        // rows, without its history.
        match p
            .term
            .with_normal_screen(|term| capture_text(term, args, true))
        {
            Some(out) => out,
            None if args.has('q') => String::new(),
            None => return fail("no alternate screen"),
        }
    } else {
        capture_text(&p.term, args, false)
    };
    if args.has('p') {
        // tmux prints the text without its last newline, then a newline: an empty capture
        // (`-a -q` without an alternate screen) is an empty line.
        let mut out = out;
        if !out.ends_with('\n') {
            out.push('\n');
        }
        return output(out);
    }
    let limit = buffer_limit(state);
    state
        .buffers
        .set(args.get('b'), out.into_bytes(), limit)
        .map(|()| CmdResult::default())
}

/// `capture-pane -P`: the unfinished escape sequence the pane's program sent last, with -C
/// each byte below space (and above 0x7f, signed in tmux), and `\`, as octal.
fn pending_text(bytes: &[u8], escape: bool) -> String {
    if !escape {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut out = String::new();
    for &b in bytes {
        if (b' '..0x80).contains(&b) && b != b'\\' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("\\{b:03o}"));
        }
    }
    out
}

/// The lines capture-pane prints (`-S -E -J -N -e -C`); `alternate` (-a): of the normal screen
/// shown while the alternate one is on, its rows only.
fn capture_text(term: &tmate_term::PaneTerm, args: &Args, alternate: bool) -> String {
    let history = term.scrollback_len();
    // The saved screen has no history: line 0 is its top row.
    let (base, hsize) = if alternate {
        (history, 0)
    } else {
        (0, history)
    };
    let sy = usize::from(term.size().1).max(1);
    let last = hsize + sy - 1;
    let mut top = capture_line(args.get('S'), hsize, sy, 0, hsize);
    let mut bottom = capture_line(args.get('E'), hsize, sy, last, last);
    if bottom < top {
        std::mem::swap(&mut top, &mut bottom);
    }
    let join = args.has('J');
    let (cursor_x, cursor_line) = {
        let (x, y) = term.program_cursor();
        (usize::from(x), (!alternate).then(|| hsize + usize::from(y)))
    };
    let mut out = String::new();
    // -e: the style in force, carried across lines as tmux does (from the default cell).
    let mut last_style = Style::default();
    for y in top..=bottom {
        let Some(line) = term.grid_line(base + y) else {
            break;
        };
        // -J keeps wrapped lines whole (tmux does not trim them) and joins them.
        let end = if join && line.wrapped {
            line.cells.len()
        } else if (join || args.has('N')) && Some(y) == cursor_line {
            // Untrimmed, tmux keeps what was written; on the cursor's line that reaches at
            // least the cursor (the shell's "$ " prompt keeps its space).
            line.length().max(cursor_x)
        } else {
            line.length()
        };
        let mut text = if args.has('e') {
            with_sequences(&line.cells, end, &mut last_style)
        } else {
            line.text(0, end)
        };
        if args.has('C') {
            text = escape_c0(&text);
        }
        out.push_str(&text);
        if !join || !line.wrapped {
            out.push('\n');
        }
    }
    out
}

/// `capture-pane -e`: the text of `cells[..end]` with an SGR sequence wherever the style
/// changes, in tmux 3.3a's form (`grid_string_cells_code`): the attributes in one sequence (a
/// `0` first when any was removed), then the foreground and the background each in its own,
/// a colour repeated after a reset. With -C the escape is written `\033` (the text after it is
/// then escaped separately, and holds no other control characters).
fn with_sequences(cells: &[Cell], end: usize, last: &mut Style) -> String {
    let mut out = String::new();
    for cell in cells.iter().take(end) {
        if cell.width == 0 {
            continue;
        }
        out.push_str(&sgr_change(last, &cell.style));
        *last = cell.style;
        out.push_str(&cell.text);
    }
    out
}

fn sgr_change(last: &Style, next: &Style) -> String {
    let esc = "\x1b[";
    let attr_codes = |a: &Attrs| {
        [
            (a.bold, 1),
            (a.dim, 2),
            (a.italic, 3),
            (a.underline, 4),
            (a.blink, 5),
            (a.reverse, 7),
            (a.hidden, 8),
            (a.strike, 9),
        ]
    };
    let mut codes: Vec<u8> = Vec::new();
    let mut before = attr_codes(&last.attrs);
    if attr_codes(&next.attrs)
        .iter()
        .zip(&before)
        .any(|((on, _), (was, _))| !on && *was)
    {
        codes.push(0);
        before = attr_codes(&Attrs::default());
    }
    for ((on, code), (was, _)) in attr_codes(&next.attrs).iter().zip(&before) {
        if *on && !was {
            codes.push(*code);
        }
    }
    let reset = codes.first() == Some(&0);
    let mut out = String::new();
    if !codes.is_empty() {
        let list: Vec<String> = codes.iter().map(u8::to_string).collect();
        out.push_str(&format!("{esc}{}m", list.join(";")));
    }
    for (now, then, base) in [(next.fg, last.fg, 30u8), (next.bg, last.bg, 40u8)] {
        let params = colour_params(now, base);
        if reset || params != colour_params(then, base) {
            out.push_str(&format!("{esc}{params}m"));
        }
    }
    out
}

/// One colour's SGR parameters as tmux writes them: 30-37/40-47, 39/49, 90-97/100-107 for the
/// bright eight, `38;5;N`/`48;5;N` for the rest of the palette, `38;2;R;G;B` for RGB.
fn colour_params(colour: Color, base: u8) -> String {
    match colour {
        Color::Default => (base + 9).to_string(),
        Color::Indexed(n) if n < 8 => (base + n).to_string(),
        Color::Indexed(n) if n < 16 => (base + 60 + n - 8).to_string(),
        Color::Indexed(n) => format!("{};5;{n}", base + 8),
        Color::Rgb(r, g, b) => format!("{};2;{r};{g};{b}", base + 8),
    }
}

/// `capture-pane -C`: control characters as octal.
fn escape_c0(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if (c as u32) < 0x20 {
            out.push_str(&format!("\\{:03o}", c as u32));
        } else if c == '\\' {
            out.push_str("\\\\");
        } else {
            out.push(c);
        }
    }
    out
}

pub fn set_buffer(_ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let name = args.get('b');
    if let Some(new) = args.get('n') {
        let old = match name {
            Some(n) if state.buffers.get(n).is_some() => n.to_string(),
            Some(_) | None => match state.buffers.top() {
                Some(b) if name.is_none() => b.name.clone(),
                _ => return fail("no buffer"),
            },
        };
        return state
            .buffers
            .rename(&old, new)
            .map(|()| CmdResult::default());
    }
    let [data] = args.rest.as_slice() else {
        return fail("no data specified");
    };
    if data.is_empty() {
        return Ok(CmdResult::default());
    }
    let mut bytes = Vec::new();
    if args.has('a')
        && let Some(b) = name.and_then(|n| state.buffers.get(n))
    {
        bytes.extend_from_slice(&b.data);
    }
    bytes.extend_from_slice(data.as_bytes());
    let limit = buffer_limit(state);
    state
        .buffers
        .set(name, bytes, limit)
        .map(|()| CmdResult::default())
}

pub fn delete_buffer(_ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let name = match args.get('b') {
        Some(n) if state.buffers.get(n).is_some() => n.to_string(),
        _ => match state.buffers.top() {
            Some(b) => b.name.clone(),
            None => return fail("no buffer"),
        },
    };
    state.buffers.remove(&name);
    Ok(CmdResult::default())
}

/// The buffer `-b` names (its absence an error), else the most recent one.
fn pick<'a>(state: &'a State, args: &Args) -> Result<&'a buffers::Buffer, String> {
    match args.get('b') {
        Some(n) => state.buffers.get(n).ok_or_else(|| format!("no buffer {n}")),
        None => state.buffers.top().ok_or_else(|| "no buffers".to_string()),
    }
}

pub fn show_buffer(_ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let buffer = pick(state, args)?;
    output(String::from_utf8_lossy(&buffer.data).into_owned())
}

pub fn list_buffers(_ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let fmt = args
        .get('F')
        .unwrap_or("#{buffer_name}: #{buffer_size} bytes: \"#{buffer_sample}\"");
    let filter = args.get('f');
    let mut out = String::new();
    // tmux 3.3a expands each line with the buffer's variables and no session, window or pane.
    let none = crate::format::Ctx::NONE;
    for b in state.buffers.by_time() {
        let vars = crate::tree::build::buffer_vars(b);
        crate::format::with_vars(vars, || {
            let shown = filter
                .is_none_or(|f| crate::format::truthy(&crate::format::expand(state, none, f)));
            if shown {
                out.push_str(&crate::format::expand(state, none, fmt));
                out.push('\n');
            }
        });
    }
    output(out)
}

pub fn paste_buffer(_ctx: &Ctx<'_>, state: &mut State, args: &Args, t: Target) -> CmdOutcome {
    let b = match args.get('b') {
        Some(n) => match state.buffers.get(n) {
            Some(b) => Some(b.clone()),
            None => return fail(format!("no buffer {n}")),
        },
        None => state.buffers.top().cloned(),
    };
    let Some(b) = b else {
        return Ok(CmdResult::default());
    };
    if let Some(p) = state.panes.get(&t.pane) {
        let sep = args
            .get('s')
            .unwrap_or(if args.has('r') { "\n" } else { "\r" });
        let bracket = args.has('p') && p.term.modes().bracketed_paste;
        let mut bytes = Vec::with_capacity(b.data.len() + 12);
        if bracket {
            bytes.extend_from_slice(b"\x1b[200~");
        }
        let mut parts = b.data.split(|c| *c == b'\n').peekable();
        while let Some(part) = parts.next() {
            bytes.extend_from_slice(part);
            if parts.peek().is_some() {
                bytes.extend_from_slice(sep.as_bytes());
            }
        }
        if bracket {
            bytes.extend_from_slice(b"\x1b[201~");
        }
        p.write(bytes);
    }
    if args.has('d') {
        state.buffers.remove(&b.name);
    }
    Ok(CmdResult::default())
}

/// A path as the client meant it (relative to its working directory).
fn client_path(ctx: &Ctx<'_>, path: &str) -> std::path::PathBuf {
    let p = std::path::Path::new(path);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::path::Path::new(&ctx.client.cwd).join(p)
    }
}

pub fn save_buffer(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let [path] = args.rest.as_slice() else {
        return fail("command save-buffer: too few arguments (need at least 1)");
    };
    let data = match pick(state, args) {
        Ok(b) => b.data.clone(),
        Err(e) => return fail(e),
    };
    let path = &expanded_path(ctx, state, path);
    if path == "-" {
        return output(String::from_utf8_lossy(&data).into_owned());
    }
    let full = client_path(ctx, path);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(args.has('a'))
        .truncate(!args.has('a'))
        .open(&full);
    match file.and_then(|mut f| f.write_all(&data)) {
        Ok(()) => Ok(CmdResult::default()),
        Err(e) => fail(format!("{}: {}", full.display(), io_reason(&e))),
    }
}

pub fn load_buffer(ctx: &Ctx<'_>, state: &mut State, args: &Args) -> CmdOutcome {
    let [path] = args.rest.as_slice() else {
        return fail("command load-buffer: too few arguments (need at least 1)");
    };
    let path = &expanded_path(ctx, state, path);
    let data = if path == "-" {
        // The command client's standard input (tmux's `file_read` of `-`); a binding, a
        // hook or an attached client has none.
        match &ctx.client.stdin {
            Some(d) => d.as_ref().clone(),
            None => return fail("-: Bad file descriptor"),
        }
    } else {
        let full = client_path(ctx, path);
        let read = std::fs::File::open(&full).and_then(|f| {
            use std::io::Read;
            let mut data = Vec::new();
            f.take(MAX_BUFFER as u64 + 1).read_to_end(&mut data)?;
            Ok(data)
        });
        match read {
            Ok(d) => d,
            Err(e) => return fail(format!("{}: {}", full.display(), io_reason(&e))),
        }
    };
    if data.len() > MAX_BUFFER {
        return fail("buffer too large");
    }
    // tmux sets no buffer for nothing read.
    if data.is_empty() {
        return Ok(CmdResult::default());
    }
    let limit = buffer_limit(state);
    state
        .buffers
        .set(args.get('b'), data, limit)
        .map(|()| CmdResult::default())
}

/// A buffer command's path as a format at the command's current target (tmux's
/// `format_single_from_target`: `save-buffer '~/clip-#{session_name}.txt'`).
fn expanded_path(ctx: &Ctx<'_>, state: &State, path: &str) -> String {
    let at = super::resolve(ctx, state, None).map_or(crate::format::Ctx::NONE, |t| t.fmt());
    crate::format::expand(state, at, path)
}

/// strerror-style text without Rust's " (os error N)" suffix.
fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s.get(..i).unwrap_or(&s).to_string(),
        None => s,
    }
}
