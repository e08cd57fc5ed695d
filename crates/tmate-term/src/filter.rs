//! A byte filter in front of the emulator that takes the amplification out of hostile pane
//! output: OSC strings (which vte buffers without limit) are cut to a maximum length, and REP
//! (`CSI n b`, which repeats the last character up to 65535 times, combining marks included)
//! is clamped to the line width as tmux does. It tracks just enough of vte 0.15's escape
//! grammar to know where those sequences are; every other byte passes unchanged and in order.

/// Longest OSC payload passed on; real titles, hyperlinks and colour requests are far shorter.
pub(crate) const MAX_OSC_BYTES: usize = 1024;
/// Longest OSC 52 (clipboard) payload kept for the host, tmux's `INPUT_BUF_LIMIT`; a longer one
/// is dropped whole.
pub(crate) const MAX_OSC52_BYTES: usize = 1024 * 1024;
/// Longest colour OSC kept for the host: a whole 256-colour palette in one OSC 4 is about
/// 6 KiB.
const MAX_COLOUR_OSC_BYTES: usize = 64 * 1024;
/// OSC 52 payloads kept until the host takes them.
const MAX_OSC52_QUEUED: usize = 8;
/// Longest CSI body held back to look for REP; longer ones are passed on as they are.
/// Device attribute queries longer than this are never answered: tmux drops every CSI whose
/// intermediates and parameters are longer ([`TMUX_MAX_INTERMEDIATES`],
/// [`TMUX_MAX_PARAM_BYTES`]).
const MAX_CSI_BYTES: usize = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Ground, or a DCS/SOS/PM/APC string: only ESC, CAN and SUB matter here.
    Ground,
    /// After ESC.
    Escape,
    /// After ESC and intermediate bytes.
    EscapeIntermediate,
    /// Inside a CSI whose body (after `[`) is held in `csi`.
    Csi,
    /// Inside a CSI too long to hold; passed through.
    CsiPass,
    /// Inside an OSC string, with the number of payload bytes passed so far.
    Osc(usize),
    /// Inside screen's window-name string (`ESC k NAME ST`, tmux's rename state), which the
    /// emulator does not know: held back from it whole.
    Rename,
    /// After `ESC P` and this many bytes of `tmux;`, held back until it is known whether the
    /// DCS is tmux's passthrough.
    DcsPrefix(usize),
    /// Inside a passthrough DCS (`ESC P tmux; DATA ST`, ESCs in the data doubled), and right
    /// after an ESC there: held back from the emulator, the data kept for the host.
    Passthrough,
    PassthroughEscape,
}

/// tmux 3.3a's reply to XTVERSION (`CSI > q`): the tmux whose behaviour the host follows, the
/// version it reports as `#{version}`.
const XTVERSION_REPLY: &[u8] = b"\x1bP>|tmux 3.3a\x1b\\";
/// tmux 3.3a's replies to primary and secondary device attributes (`CSI c`, `CSI > c`): a
/// VT220 with advanced video, and 84 ('T') for tmux.
const DA1_REPLY: &[u8] = b"\x1b[?1;2c";
const DA2_REPLY: &[u8] = b"\x1b[>84;0;0c";
/// Held back queries put in the emulator's stream as this byte after their ESC (CAN: vte and
/// tmux end the sequence there and do nothing).
const DROPPED: u8 = 0x18;
/// Longest intermediate string (private marker included) and parameter string tmux 3.3a's
/// parser keeps (`interm_buf`, `param_buf`); a longer sequence is discarded.
const TMUX_MAX_INTERMEDIATES: usize = 3;
const TMUX_MAX_PARAM_BYTES: usize = 63;
/// tmux 3.3a's parameter list (`param_list`): a sequence with this many parameters is dropped.
const TMUX_MAX_PARAMS: usize = 24;

/// Most bytes of an unfinished sequence kept for `capture-pane -P`.
const MAX_PENDING_BYTES: usize = 64 * 1024;

/// What makes a DCS tmux's passthrough (tmux `input_dcs_dispatch`).
const PASSTHROUGH_PREFIX: &[u8] = b"tmux;";
/// Passthrough strings kept until the host takes them.
const MAX_PASSTHROUGH_QUEUED: usize = 8;

#[derive(Debug, Clone)]
pub(crate) struct InputFilter {
    state: State,
    /// The body of the CSI being held back (parameters and intermediates).
    csi: Vec<u8>,
    /// The OSC being read, while it may be an OSC 52 (`52;...`) of at most `MAX_OSC52_BYTES`.
    osc: Option<Vec<u8>>,
    /// Complete OSC 52 payloads (`52;FLAGS;DATA`) and whether each ended with BEL (else ST),
    /// for the host's clipboard (tmux `input_osc_52`).
    pub(crate) clipboard: Vec<(Vec<u8>, bool)>,
    /// The rename string being read (at most [`MAX_OSC_BYTES`] kept).
    rename: Vec<u8>,
    /// The passthrough data being read (ESCs undoubled); `None` once it grew past
    /// [`MAX_OSC52_BYTES`], tmux's input limit, when it is dropped whole.
    passthrough: Option<Vec<u8>>,
    /// Complete passthrough data not yet taken, for `allow-passthrough`.
    pub(crate) passed: Vec<Vec<u8>>,
    /// The bytes since the input left the ground state (tmux's `since_ground`, what
    /// `capture-pane -P` prints), at most [`MAX_PENDING_BYTES`] kept.
    pub(crate) pending: Vec<u8>,
    /// Completed rename strings not yet taken (the last one wins), for `allow-rename`.
    pub(crate) renamed: Option<String>,
    /// The last OSC 7 (`7;URL`) payload: the pane's path (tmux `input_osc_7`, `#{pane_path}`).
    pub(crate) path: Option<String>,
    /// `alternate-screen off`: the private modes 47, 1047 and 1049 are taken out of mode
    /// sets and resets, as tmux ignores them then.
    pub(crate) no_alternate: bool,
    /// The cursor style and colour requests the program sent.
    pub(crate) cursor: crate::cursor::PaneCursor,
    /// The replies to queries taken out of the emulator's stream, each with the length of the
    /// filtered output at the query: the emulator's own replies to what came before go first.
    pub(crate) answers: Vec<(usize, &'static [u8])>,
    /// Where in the output of the last `filter` call the emulator's parser is in its ground
    /// state throughout (start, end): output between escape sequences.
    pub(crate) ground_runs: Vec<(usize, usize)>,
    /// The emulator's parser is in a string this filter passes as ground output (SOS, PM,
    /// APC, a DCS other than tmux's passthrough), which it drops up to the next ESC, CAN or
    /// SUB: output until then is not ground for it.
    in_parser_string: bool,
}

impl Default for InputFilter {
    fn default() -> Self {
        InputFilter {
            state: State::Ground,
            csi: Vec::new(),
            osc: None,
            clipboard: Vec::new(),
            path: None,
            rename: Vec::new(),
            renamed: None,
            passthrough: None,
            passed: Vec::new(),
            pending: Vec::new(),
            no_alternate: false,
            cursor: crate::cursor::PaneCursor::default(),
            answers: Vec::new(),
            ground_runs: Vec::new(),
            in_parser_string: false,
        }
    }
}

impl InputFilter {
    /// Append the filtered form of `input` to `out`. Returns how many characters the input may
    /// add to cells as zero-width marks: UTF-8 lead bytes plus the counts of REP sequences.
    #[allow(
        clippy::too_many_lines,
        reason = "one transition table over (state, byte), read against vte 0.15's escape grammar arm by arm; split, the arms' order (which decides) would be spread over functions"
    )]
    pub(crate) fn filter(&mut self, input: &[u8], cols: usize, out: &mut Vec<u8>) -> usize {
        let mut marks = 0usize;
        self.ground_runs.clear();
        let mut at = 0;
        while let Some(rest) = input.get(at..).filter(|r| !r.is_empty()) {
            if self.state == State::Ground {
                // Plain output (no ESC, CAN or SUB) goes through untouched: copied as one run
                // rather than byte by byte through the table below.
                let run = memchr::memchr3(0x18, 0x1A, 0x1B, rest).unwrap_or(rest.len());
                if let Some(plain) = rest.get(..run).filter(|p| !p.is_empty()) {
                    marks += plain.iter().filter(|&&b| b >= 0xC0).count();
                    if !self.in_parser_string {
                        self.ground_runs.push((out.len(), out.len() + plain.len()));
                    }
                    out.extend_from_slice(plain);
                    self.pending.clear();
                    at += run;
                    continue;
                }
            }
            let Some(&b) = rest.first() else { break };
            at += 1;
            if matches!(b, 0x18 | 0x1A | 0x1B) {
                // vte ends any string at these ("anywhere" transitions).
                self.in_parser_string = false;
            }
            if b >= 0xC0 {
                marks += 1;
            }
            // The transitions follow vte 0.15 (`advance_esc`, `advance_csi_*`,
            // `advance_osc_string`, `anywhere`): ESC always starts a new escape, CAN and SUB
            // always return to ground, C0 controls inside an escape or CSI are executed in place.
            if let State::Osc(_) = self.state {
                self.osc_byte(b);
            }
            if let State::DcsPrefix(n) = self.state {
                if PASSTHROUGH_PREFIX.get(n) == Some(&b) {
                    self.state = if n + 1 == PASSTHROUGH_PREFIX.len() {
                        self.passthrough = Some(Vec::new());
                        State::Passthrough
                    } else {
                        State::DcsPrefix(n + 1)
                    };
                    self.track_pending(b);
                    continue;
                }
                // Another DCS: to the emulator as it came, this byte read as in the string.
                self.in_parser_string = !matches!(b, 0x18 | 0x1A | 0x1B);
                out.push(b'P');
                out.extend_from_slice(PASSTHROUGH_PREFIX.get(..n).unwrap_or_default());
                self.state = State::Ground;
            }
            if matches!(self.state, State::Passthrough | State::PassthroughEscape) {
                self.state = self.passthrough_byte(b, out);
                self.track_pending(b);
                continue;
            }
            self.state = match (self.state, b) {
                // tmux ends a rename string at ESC, CAN or SUB (whatever follows the ESC),
                // takes the bytes from space up and drops other C0 controls.
                (State::Rename, 0x18 | 0x1A | 0x1B) => {
                    self.finish_rename();
                    out.push(b);
                    if b == 0x1B {
                        State::Escape
                    } else {
                        State::Ground
                    }
                }
                (State::Rename, 0x20..) => {
                    if self.rename.len() < MAX_OSC_BYTES {
                        self.rename.push(b);
                    }
                    State::Rename
                }
                (State::Rename, _) => State::Rename,
                (State::Osc(_), 0x07) => {
                    out.push(b);
                    State::Ground
                }
                (State::Csi, 0x18 | 0x1A | 0x1B) => {
                    self.flush_csi(out);
                    out.push(b);
                    if b == 0x1B {
                        State::Escape
                    } else {
                        State::Ground
                    }
                }
                (_, 0x18 | 0x1A) => {
                    out.push(b);
                    State::Ground
                }
                (_, 0x1B) => {
                    out.push(b);
                    State::Escape
                }
                (State::Osc(n), _) => {
                    if n < MAX_OSC_BYTES {
                        out.push(b);
                    }
                    State::Osc(n.saturating_add(1))
                }
                (State::Csi, 0x00..=0x1F) => {
                    out.push(b);
                    State::Csi
                }
                (State::Csi, 0x40..=0x7E) => {
                    marks = marks.saturating_add(self.finish_csi(b, cols, out));
                    State::Ground
                }
                (State::Csi, _) => {
                    self.csi.push(b);
                    if self.csi.len() >= MAX_CSI_BYTES {
                        self.flush_csi(out);
                        State::CsiPass
                    } else {
                        State::Csi
                    }
                }
                (State::CsiPass, 0x40..=0x7E) => {
                    // Device attributes this long are dropped, as tmux drops them.
                    out.push(if b == b'c' { DROPPED } else { b });
                    State::Ground
                }
                (State::CsiPass, _) => {
                    out.push(b);
                    State::CsiPass
                }
                (State::Escape, b'P') => State::DcsPrefix(0),
                (State::Escape, b'k') => {
                    // The ESC already went out: the emulator sees it followed by the
                    // string's end (ESC \\), CAN or SUB, all harmless there.
                    self.rename.clear();
                    State::Rename
                }
                (State::Escape, b'[') => {
                    self.csi.clear();
                    State::Csi
                }
                (State::Escape, b'Z') => {
                    // DECID, which the emulator answers as device attributes and tmux ignores.
                    out.push(DROPPED);
                    State::Ground
                }
                (State::Escape, b'X' | b'^' | b'_') => {
                    // SOS, PM, APC: vte drops the string; ground here, not there.
                    out.push(b);
                    self.in_parser_string = true;
                    State::Ground
                }
                (State::Escape, b'c') => {
                    out.push(b);
                    self.cursor.reset();
                    State::Ground
                }
                (State::Escape, b']') => {
                    out.push(b);
                    self.osc = Some(Vec::new());
                    State::Osc(0)
                }
                (State::Escape | State::EscapeIntermediate, 0x00..=0x1F | 0x7F) => {
                    out.push(b);
                    self.state
                }
                (State::Escape | State::EscapeIntermediate, 0x20..=0x2F) => {
                    out.push(b);
                    State::EscapeIntermediate
                }
                (State::Escape | State::EscapeIntermediate | State::Ground, _) => {
                    out.push(b);
                    State::Ground
                }
                // Read before this table (a DCS prefix that did not match is ground by now).
                (State::DcsPrefix(_) | State::Passthrough | State::PassthroughEscape, _) => {
                    self.state
                }
            };
            self.track_pending(b);
        }
        marks
    }

    /// Keep `b` while a sequence is unfinished; back in the ground state there is none.
    fn track_pending(&mut self, b: u8) {
        if self.state == State::Ground {
            self.pending.clear();
        } else if self.pending.len() < MAX_PENDING_BYTES {
            self.pending.push(b);
        }
    }

    /// A byte of a passthrough DCS: `ESC ESC` is one ESC, `ESC \\` ends it (the emulator
    /// then gets that ST, which ends the lone ESC it saw before `P`), ESC before anything else
    /// is dropped; CAN and SUB cancel it (and reach the emulator).
    fn passthrough_byte(&mut self, b: u8, out: &mut Vec<u8>) -> State {
        let escaped = self.state == State::PassthroughEscape;
        match b {
            0x18 | 0x1A => {
                self.passthrough = None;
                out.push(b);
                return State::Ground;
            }
            0x1B if !escaped => return State::PassthroughEscape,
            b'\\' if escaped => {
                if let Some(data) = self.passthrough.take()
                    && self.passed.len() < MAX_PASSTHROUGH_QUEUED
                {
                    self.passed.push(data);
                }
                out.extend_from_slice(b"\x1b\\");
                return State::Ground;
            }
            _ => {}
        }
        if let Some(data) = self.passthrough.as_mut() {
            data.push(b);
            if data.len() > MAX_OSC52_BYTES {
                self.passthrough = None;
            }
        }
        State::Passthrough
    }

    /// A rename string ended: kept when it is UTF-8 (tmux's `input_exit_rename`).
    fn finish_rename(&mut self) {
        if let Ok(name) = std::str::from_utf8(&self.rename) {
            self.renamed = Some(name.to_string());
        }
        self.rename.clear();
    }

    /// A byte of an OSC string: kept while the string may be an OSC 52; its end (BEL, or the
    /// ESC of ST) queues it; CAN and SUB cancel it.
    fn osc_byte(&mut self, b: u8) {
        let Some(mut osc) = self.osc.take() else {
            return;
        };
        match b {
            0x07 | 0x1B => {
                if osc.starts_with(b"52;") && self.clipboard.len() < MAX_OSC52_QUEUED {
                    self.clipboard.push((osc, b == 0x07));
                } else if let Some(path) = osc.strip_prefix(b"7;")
                    && let Ok(path) = std::str::from_utf8(path)
                {
                    self.path = Some(path.to_string());
                } else {
                    self.cursor.osc(&osc, b == 0x07);
                }
            }
            0x18 | 0x1A => {}
            _ => {
                osc.push(b);
                let clipboard = osc.get(..osc.len().min(3)) == b"52;".get(..osc.len().min(3));
                let path = osc.get(..osc.len().min(2)) == b"7;".get(..osc.len().min(2));
                // The palette, default and cursor colours and their resets.
                let colour = crate::cursor::may_be_colour_osc(&osc);
                if (clipboard && osc.len() <= MAX_OSC52_BYTES)
                    || (path && osc.len() <= MAX_OSC_BYTES)
                    || (colour && osc.len() <= MAX_COLOUR_OSC_BYTES)
                {
                    self.osc = Some(osc);
                }
            }
        }
    }

    /// A held `?...h`/`?...l` without the alternate screen's modes (47, 1047, 1049); with
    /// none left it becomes `?` alone (mode 0, which nothing knows), as its ESC is already out.
    fn drop_alternate_modes(&mut self) {
        let Some(params) = self.csi.strip_prefix(b"?") else {
            return;
        };
        let kept: Vec<&[u8]> = params
            .split(|&c| c == b';')
            .filter(|p| !matches!(*p, b"47" | b"1047" | b"1049"))
            .collect();
        let mut body = b"?".to_vec();
        body.extend_from_slice(&kept.join(&b';'));
        self.csi = body;
    }

    /// Pass on a held CSI unchanged (without its final byte, which has not come yet).
    fn flush_csi(&mut self, out: &mut Vec<u8>) {
        out.push(b'[');
        out.extend_from_slice(&self.csi);
        self.csi.clear();
    }

    /// Pass on a complete CSI ending in `final_byte`, clamping REP. Returns the repeat count
    /// passed on (0 for anything else).
    fn finish_csi(&mut self, final_byte: u8, cols: usize, out: &mut Vec<u8>) -> usize {
        self.cursor.csi(&self.csi, final_byte);
        if final_byte == b'c' || (final_byte == b'q' && self.csi.first() == Some(&b'>')) {
            // Device attributes and XTVERSION: answered here as tmux 3.3a answers them
            // (`input_csi_dispatch`, only for a first parameter of 0), at their place among
            // the emulator's replies. The emulator knows XTVERSION not at all and tells device
            // attributes apart by less than tmux does.
            out.push(DROPPED);
            let reply = match (final_byte, tmux_csi(&self.csi)) {
                (b'c', Some((intermediates, Some(0)))) if intermediates.is_empty() => {
                    Some(DA1_REPLY)
                }
                (b'c', Some((intermediates, Some(0)))) if intermediates == b">" => Some(DA2_REPLY),
                (b'q', Some((intermediates, Some(0)))) if intermediates == b">" => {
                    Some(XTVERSION_REPLY)
                }
                _ => None,
            };
            if let Some(reply) = reply {
                self.answers.push((out.len(), reply));
            }
            self.csi.clear();
            return 0;
        }
        let is_rep = final_byte == b'b'
            && self
                .csi
                .iter()
                .all(|&c| c.is_ascii_digit() || c == b';' || c == b':');
        if !is_rep {
            if self.no_alternate && matches!(final_byte, b'h' | b'l') {
                self.drop_alternate_modes();
            }
            self.flush_csi(out);
            out.push(final_byte);
            return 0;
        }
        // vte repeats `first parameter` times (0 or none meaning 1); tmux never repeats past the
        // end of the line, so neither do we.
        let first: usize = self
            .csi
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .fold(0usize, |n, &d| {
                n.saturating_mul(10).saturating_add(usize::from(d - b'0'))
            });
        let count = first.clamp(1, cols.max(1));
        self.csi.clear();
        out.push(b'[');
        out.extend_from_slice(count.to_string().as_bytes());
        out.push(b'b');
        count
    }
}

/// A CSI body (the bytes between `[` and the final byte) as tmux 3.3a's parser reads it: its
/// intermediates (the private marker first, if any) and its first parameter as
/// `input_get(0, 0, 0)` gives it (0 when missing, `None` for a parameter with subparameters,
/// which tmux reads as -1). `None` when tmux drops the sequence (a private marker after
/// parameters, a parameter after intermediates, too long, too many parameters, a number past
/// `INT_MAX`).
fn tmux_csi(body: &[u8]) -> Option<(Vec<u8>, Option<u32>)> {
    let mut intermediates = Vec::new();
    let mut params = Vec::new();
    // tmux ignores DEL and bytes from 0x80 inside a CSI.
    for (i, &b) in body.iter().filter(|&&b| b < 0x7F).enumerate() {
        match b {
            0x20..=0x2F => intermediates.push(b),
            // A private marker only as the first byte.
            0x3C..=0x3F if i == 0 => intermediates.push(b),
            0x30..=0x3B if intermediates.iter().all(|c| !(0x20..=0x2F).contains(c)) => {
                params.push(b);
            }
            _ => return None,
        }
    }
    if intermediates.len() > TMUX_MAX_INTERMEDIATES || params.len() > TMUX_MAX_PARAM_BYTES {
        return None;
    }
    if params.is_empty() {
        return Some((intermediates, Some(0)));
    }
    let mut first = None;
    for (n, field) in params.split(|&c| c == b';').enumerate() {
        if n + 1 >= TMUX_MAX_PARAMS {
            return None;
        }
        let value = if field.is_empty() {
            Some(0)
        } else if field.contains(&b':') {
            None
        } else {
            // Digits only: the number, or the sequence dropped past INT_MAX.
            let n = std::str::from_utf8(field).ok()?.parse::<i32>().ok()?;
            u32::try_from(n).ok()
        };
        if n == 0 {
            first = value;
        }
    }
    Some((intermediates, first))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(chunks: &[&[u8]], cols: usize) -> (Vec<u8>, usize) {
        let mut f = InputFilter::default();
        let mut out = Vec::new();
        let mut marks = 0;
        for c in chunks {
            marks += f.filter(c, cols, &mut out);
        }
        (out, marks)
    }

    #[test]
    fn csi_bodies_read_as_tmux() {
        assert_eq!(tmux_csi(b""), Some((vec![], Some(0))));
        assert_eq!(tmux_csi(b">"), Some((b">".to_vec(), Some(0))));
        assert_eq!(tmux_csi(b">;5"), Some((b">".to_vec(), Some(0))));
        assert_eq!(tmux_csi(b"007"), Some((vec![], Some(7))));
        assert_eq!(tmux_csi(b"0:1;2"), Some((vec![], None)));
        assert_eq!(tmux_csi(b"0$"), Some((b"$".to_vec(), Some(0))));
        assert_eq!(tmux_csi(b">\x7f0"), Some((b">".to_vec(), Some(0))));
        // Dropped: a marker after the first byte, a parameter after an intermediate, a
        // number past INT_MAX, 24 parameters, too many intermediates.
        assert_eq!(tmux_csi(b"0>"), None);
        assert_eq!(tmux_csi(b">>"), None);
        assert_eq!(tmux_csi(b"$0"), None);
        assert_eq!(tmux_csi(b"2147483648"), None);
        assert_eq!(tmux_csi(b"2147483647"), Some((vec![], Some(2_147_483_647))));
        assert_eq!(tmux_csi(";".repeat(23).as_bytes()), None);
        assert_eq!(tmux_csi(";".repeat(22).as_bytes()), Some((vec![], Some(0))));
        assert_eq!(tmux_csi(b">!!!"), None);
    }

    #[test]
    fn xtversion_is_taken_out_and_answered() {
        let mut f = InputFilter::default();
        let mut out = Vec::new();
        f.filter(b"a\x1b[>qb\x1b[>1q\x1b[>", 80, &mut out);
        f.filter(b"0;1qc", 80, &mut out);
        assert_eq!(out, b"a\x1b\x18b\x1b\x18\x1b\x18c");
        assert_eq!(f.answers, vec![(3, XTVERSION_REPLY), (8, XTVERSION_REPLY)]);
    }

    #[test]
    fn device_attributes_are_taken_out_and_answered() {
        let mut f = InputFilter::default();
        let mut out = Vec::new();
        f.filter(b"\x1b[c\x1b[>0c\x1b[1c\x1b[0:1c\x1b[>$c\x1bZ", 80, &mut out);
        assert_eq!(out, b"\x1b\x18".repeat(6));
        assert_eq!(f.answers, vec![(2, DA1_REPLY), (4, DA2_REPLY)]);
        // Too long for tmux: dropped whole.
        let long = format!("\x1b[{}c", "0".repeat(MAX_CSI_BYTES));
        out.clear();
        f.filter(long.as_bytes(), 80, &mut out);
        assert_eq!(out.last(), Some(&DROPPED));
        assert_eq!(f.answers.len(), 2);
    }

    #[test]
    fn alternate_screen_modes_dropped_when_off() {
        let mut f = InputFilter {
            no_alternate: true,
            ..InputFilter::default()
        };
        let mut out = Vec::new();
        f.filter(
            b"a\x1b[?1049hb\x1b[?25;47lc\x1b[?1047;1049h\x1b[1049h",
            80,
            &mut out,
        );
        assert_eq!(out, b"a\x1b[?hb\x1b[?25lc\x1b[?h\x1b[1049h");
    }

    #[test]
    fn ordinary_bytes_pass_unchanged() {
        let input: &[u8] =
            b"ab\x1b[1;31mc\x1b[?1049h\x1b]2;title\x07\x1b(0q\x1bP1$r\x1b\\\xe4\xb8\xad";
        for split in 0..input.len() {
            let (a, b) = input.split_at(split);
            let (out, marks) = run(&[a, b], 80);
            assert_eq!(out, input, "split at {split}");
            assert_eq!(marks, 1);
        }
    }

    #[test]
    fn rep_is_clamped_to_the_width() {
        assert_eq!(run(&[b"x\x1b[65535b"], 80).0, b"x\x1b[80b");
        assert_eq!(run(&[b"x\x1b[9999", b"9;4b"], 10).0, b"x\x1b[10b");
        assert_eq!(run(&[b"x\x1b[b"], 10).0, b"x\x1b[1b");
        // Not REP: private marker, other final.
        assert_eq!(run(&[b"\x1b[?5b\x1b[5m"], 10).0, b"\x1b[?5b\x1b[5m");
        // C0 inside the CSI is executed in place, before the CSI completes.
        assert_eq!(run(&[b"\x1b[5\nb"], 10).0, b"\x1b\n[5b");
        // An aborted CSI is passed on as it was.
        assert_eq!(run(&[b"\x1b[12\x1b[3b"], 10).0, b"\x1b[12\x1b[3b");
    }

    #[test]
    fn passthrough_is_held_back_and_other_dcs_pass() {
        let mut f = InputFilter::default();
        let mut out = Vec::new();
        let input = b"a\x1bPtmux;\x1b\x1b]0;t\x07\x1b\\b\x1bPq#0\x1b\\c\x1bPtm\x18d";
        let (x, y) = input.split_at(6);
        f.filter(x, 80, &mut out);
        f.filter(y, 80, &mut out);
        assert_eq!(f.passed, vec![b"\x1b]0;t\x07".to_vec()]);
        assert_eq!(out, b"a\x1b\x1b\\b\x1bPq#0\x1b\\c\x1bPtm\x18d");
    }

    #[test]
    fn the_unfinished_sequence_is_pending() {
        let mut f = InputFilter::default();
        let mut out = Vec::new();
        f.filter(b"ab\x1b[1;3", 80, &mut out);
        assert_eq!(f.pending, b"\x1b[1;3");
        f.filter(b"m\x1b]2;x", 80, &mut out);
        assert_eq!(f.pending, b"\x1b]2;x");
        f.filter(b"\x07c", 80, &mut out);
        assert!(f.pending.is_empty());
    }

    #[test]
    fn a_rename_string_is_held_back_and_kept() {
        let mut f = InputFilter::default();
        let mut out = Vec::new();
        f.filter(b"a\x1bkne\x01w\x1b\\b", 80, &mut out);
        assert_eq!(out, b"a\x1b\x1b\\b");
        assert_eq!(f.renamed.as_deref(), Some("new"));
        f.filter(b"\x1bk\x18", 80, &mut out);
        assert_eq!(f.renamed.as_deref(), Some(""));
    }

    #[test]
    fn osc_7_sets_the_path_and_the_last_one_wins() {
        let mut f = InputFilter::default();
        let mut out = Vec::new();
        f.filter(b"\x1b]7;file://h/a\x07\x1b]72;x\x07", 80, &mut out);
        assert_eq!(f.path.as_deref(), Some("file://h/a"));
        f.filter(b"\x1b]7;/b\x1b\\", 80, &mut out);
        assert_eq!(f.path.as_deref(), Some("/b"));
        // Too long to be a path: the last one stays.
        let long = format!("\x1b]7;{}\x07", "x".repeat(MAX_OSC_BYTES + 1));
        f.filter(long.as_bytes(), 80, &mut out);
        assert_eq!(f.path.as_deref(), Some("/b"));
    }

    #[test]
    fn osc_52_is_kept_whole_for_the_host() {
        let mut f = InputFilter::default();
        let mut out = Vec::new();
        let data = "QUJD".repeat(1000);
        let input = format!("\x1b]52;c;{data}\x07\x1b]2;t\x07\x1b]52;;eA==\x1b\\");
        let (a, b) = input.as_bytes().split_at(7);
        f.filter(a, 80, &mut out);
        f.filter(b, 80, &mut out);
        assert_eq!(f.clipboard.len(), 2);
        assert_eq!(f.clipboard[0].0, format!("52;c;{data}").into_bytes());
        assert!(f.clipboard[0].1, "ended with BEL");
        assert_eq!(f.clipboard[1], (b"52;;eA==".to_vec(), false));
    }

    #[test]
    fn osc_is_cut() {
        let mut input = b"\x1b]2;".to_vec();
        input.extend(std::iter::repeat_n(b'a', 5000));
        input.extend_from_slice(b"\x07z");
        let (out, _) = run(&[&input], 80);
        assert_eq!(out.len(), 2 + MAX_OSC_BYTES + 2);
        assert!(out.ends_with(b"\x07z"));
    }
}
