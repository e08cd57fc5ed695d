//! The messages of tmate protocol 6 in both directions, with their exact msgpack layout: typed
//! decoding from a parsed frame and byte-exact encoding (what tmate's C encoder emits).

use std::fmt;

use crate::keys::KeyCode;
use crate::msgpack::{FrameError, Value, Writer};

/// Bytes that travel as a msgpack str: text in practice, but never assumed to be valid UTF-8
/// (PTY output is cut at arbitrary byte boundaries, and a peer may send anything).
#[derive(Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct RawStr(pub Vec<u8>);

impl RawStr {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The text with invalid UTF-8 replaced, for logs and display.
    pub fn to_string_lossy(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for RawStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match std::str::from_utf8(&self.0) {
            Ok(text) => write!(f, "{text:?}"),
            Err(_) => write!(f, "b\"{}\"", self.0.escape_ascii()),
        }
    }
}

impl From<&str> for RawStr {
    fn from(text: &str) -> Self {
        RawStr(text.as_bytes().to_vec())
    }
}

impl From<String> for RawStr {
    fn from(text: String) -> Self {
        RawStr(text.into_bytes())
    }
}

impl From<&[u8]> for RawStr {
    fn from(bytes: &[u8]) -> Self {
        RawStr(bytes.to_vec())
    }
}

impl From<Vec<u8>> for RawStr {
    fn from(bytes: Vec<u8>) -> Self {
        RawStr(bytes)
    }
}

impl PartialEq<&str> for RawStr {
    fn eq(&self, other: &&str) -> bool {
        self.0 == other.as_bytes()
    }
}

/// Why a complete msgpack frame is not a valid message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The byte stream itself is broken or over a limit; its position is lost.
    #[error(transparent)]
    Frame(#[from] FrameError),
    /// One message is malformed (not an array, a field of the wrong type, missing fields...).
    #[error("bad {}message: {reason}", type_prefix(message))]
    Invalid {
        /// The message type's name, or "" when not even the type could be read.
        message: &'static str,
        reason: String,
    },
}

fn type_prefix(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!("{message} ")
    }
}

impl DecodeError {
    /// True when the stream cannot be read any further (a framing error); false when only one
    /// message was bad and the next one starts at a known position.
    pub fn is_stream_broken(&self) -> bool {
        matches!(self, DecodeError::Frame(_))
    }

    fn invalid(message: &'static str, reason: impl Into<String>) -> Self {
        DecodeError::Invalid {
            message,
            reason: reason.into(),
        }
    }
}

/// Message type numbers, host to server (`TMATE_OUT_*` in tmate-protocol.h).
pub mod host_type {
    pub const HEADER: i64 = 0;
    pub const SYNC_LAYOUT: i64 = 1;
    pub const PTY_DATA: i64 = 2;
    pub const EXEC_CMD_STR: i64 = 3;
    pub const FAILED_CMD: i64 = 4;
    pub const STATUS: i64 = 5;
    pub const SYNC_COPY_MODE: i64 = 6;
    pub const WRITE_COPY_MODE: i64 = 7;
    pub const FIN: i64 = 8;
    pub const READY: i64 = 9;
    pub const RECONNECT: i64 = 10;
    pub const SNAPSHOT: i64 = 11;
    pub const EXEC_CMD: i64 = 12;
    pub const UNAME: i64 = 13;
}

/// Message type numbers, server to host (`TMATE_IN_*` in tmate-protocol.h).
pub mod server_type {
    pub const NOTIFY: i64 = 0;
    pub const LEGACY_PANE_KEY: i64 = 1;
    pub const RESIZE: i64 = 2;
    pub const EXEC_CMD_STR: i64 = 3;
    pub const SET_ENV: i64 = 4;
    pub const READY: i64 = 5;
    pub const PANE_KEY: i64 = 6;
    pub const EXEC_CMD: i64 = 7;
}

/// One pane of a window in SYNC_LAYOUT: `[pane_id, sx, sy, xoff, yoff]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutPane {
    /// tmux pane id (`%N`), unique within the host session and never reused while it lives.
    pub id: i64,
    /// Width and height in cells.
    pub sx: i64,
    pub sy: i64,
    /// Position of the pane's top-left cell inside the window.
    pub xoff: i64,
    pub yoff: i64,
}

/// One window in SYNC_LAYOUT: `[win_idx, name, [pane...], active_pane_id]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutWindow {
    /// The winlink index (the number in the status line), not tmux's `@id`.
    pub idx: i64,
    pub name: RawStr,
    pub panes: Vec<LayoutPane>,
    /// Id of the window's active pane; -1 only when it has none.
    pub active_pane_id: i64,
}

/// SYNC_LAYOUT: the whole session layout, sent after every change (never a delta).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Session size in cells, excluding the status line.
    pub sx: i64,
    pub sy: i64,
    pub windows: Vec<LayoutWindow>,
    /// Winlink index of the current window.
    pub active_window_idx: i64,
}

/// A copy-mode selection in SYNC_COPY_MODE: `[selx, sely_from_bottom, rectflag]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySelection {
    pub x: i64,
    /// Selection start line counted up from the last line (`hsize + rows - 1 - sely`).
    pub y_from_bottom: i64,
    pub rectangle: bool,
}

/// The copy-mode prompt in SYNC_COPY_MODE: `[inputtype, prompt, input_string]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyInput {
    /// 0 off, 1 named buffer, 2 numeric prefix, 3 search up, 4 search down, 5-8 jumps, 9 goto line.
    pub kind: i64,
    pub prompt: RawStr,
    pub input: RawStr,
}

/// A pane's copy-mode state: `[backing, oy, cx, cy, sel, input]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyModeState {
    /// True when the view is over the pane's own screen; false for an output view.
    pub backing: bool,
    /// Scroll offset from the bottom of the history, in lines.
    pub oy: i64,
    /// Copy cursor position on screen.
    pub cx: i64,
    pub cy: i64,
    pub selection: Option<CopySelection>,
    pub input: Option<CopyInput>,
}

/// One line of a snapshot grid: its cells' UTF-8 text and one attribute word per cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotLine {
    pub text: RawStr,
    /// `flags<<24 | attr<<16 | bg<<8 | fg` per cell (2056 = 0x0808: default colours).
    pub attrs: Vec<u64>,
}

/// A saved (alternate-screen) grid in a snapshot: `[cx, cy, lines]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotGrid {
    pub cx: i64,
    pub cy: i64,
    /// History then visible rows, oldest first.
    pub lines: Vec<SnapshotLine>,
}

/// One pane in SNAPSHOT: `[pane_id, screen_mode, [cx, cy, lines], saved_grid|nil]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaneSnapshot {
    pub pane_id: i64,
    /// tmux 2.2 `MODE_*` bits (0x1 cursor, 0x10 wrap, 0x400 bracketed paste, ...).
    pub mode: u64,
    pub grid: SnapshotGrid,
    pub saved: Option<SnapshotGrid>,
}

/// Host to server (`TMATE_OUT_*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostMessage {
    /// `[0, protocol, version]`: first message of every connection; tmate 2.4 sends `[0,6,"2.4.0"]`.
    /// Hosts older than protocol 3 send no version string.
    Header {
        protocol: i64,
        version: Option<RawStr>,
    },
    /// `[1, sx, sy, windows, active_window_idx]`.
    SyncLayout(Layout),
    /// `[2, pane_id, bytes]`: raw PTY output, at most 16 KiB per message.
    PtyData { pane_id: i64, data: RawStr },
    /// `[3, command_line]`: protocol < 6 only.
    ExecCmdStr { command: RawStr },
    /// `[4, client_id, cause]`: a command the server forwarded failed; shown to that client.
    FailedCmd { client_id: i64, cause: RawStr },
    /// `[5, left, right]`: expanded status-left and status-right (only with a local client).
    Status { left: RawStr, right: RawStr },
    /// `[6, pane_id, []|state]`: `None` when the pane left copy mode.
    SyncCopyMode {
        pane_id: i64,
        state: Option<CopyModeState>,
    },
    /// `[7, pane_id, text]`: one line added to a copy-mode output view.
    WriteCopyMode { pane_id: i64, text: RawStr },
    /// `[8]`: the host session ended.
    Fin,
    /// `[9]`: the host's configuration is done; the server may admit viewers.
    Ready,
    /// `[10, data]`: right after HEADER on a reconnect, the opaque `tmate_reconnection_data`.
    Reconnect { data: RawStr },
    /// `[11, [pane...]]`: screen contents after a reconnect.
    Snapshot(Vec<PaneSnapshot>),
    /// `[12, name, arg...]`: a bind-key/unbind-key/set-option/set-window-option the host ran.
    ExecCmd { argv: Vec<RawStr> },
    /// `[13, sysname, nodename, release, version, machine]`: the host's uname(2).
    Uname {
        sysname: RawStr,
        nodename: RawStr,
        release: RawStr,
        version: RawStr,
        machine: RawStr,
    },
    /// A message of a type this implementation does not know: logged and skipped.
    Unknown { msg_type: i64, raw: Vec<u8> },
}

/// Server to host (`TMATE_IN_*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerMessage {
    /// `[0, text]`: shown to the host's users as `[tmate] text`.
    Notify { message: RawStr },
    /// `[1, key]`: a key for the active pane, protocol < 5 numbering.
    LegacyPaneKey { key: i64 },
    /// `[2, sx, sy]`: the size viewers can use, excluding the status line; -1,-1 means no viewer.
    Resize { sx: i64, sy: i64 },
    /// `[3, client_id, command_line]`: run a tmux command line on the host.
    ExecCmdStr { client_id: i64, command: RawStr },
    /// `[4, name, value]`: becomes the host format variable `#{name}` (e.g. `tmate_ssh`).
    SetEnv { name: RawStr, value: RawStr },
    /// `[5]`: the session is registered; wakes `tmate wait tmate-ready`.
    Ready,
    /// `[6, pane_id, key]`: a tmux key code for a pane (-1: the active pane).
    PaneKey { pane_id: i64, key: KeyCode },
    /// `[7, client_id, name, arg...]`: run one tmux command on the host; failures come back as
    /// FAILED_CMD with the same client id.
    ExecCmd { client_id: i64, argv: Vec<RawStr> },
    /// A message of a type this implementation does not know: logged and skipped.
    Unknown { msg_type: i64, raw: Vec<u8> },
}

/// A message type that can be read from a frame and written back.
pub trait WireMessage: Sized {
    /// Decode one complete frame (`frame` is its exact bytes, `value` its parsed form).
    fn from_frame(frame: &[u8], value: &Value<'_>) -> Result<Self, DecodeError>;
    /// Append this message's msgpack encoding to `out`.
    fn encode_into(&self, out: &mut Writer);
    /// The name tmate-protocol.h gives this message's type.
    fn type_name(&self) -> &'static str;

    fn encode(&self) -> Vec<u8> {
        let mut out = Writer::new();
        self.encode_into(&mut out);
        out.into_bytes()
    }
}

/// Reads the fields of one message array in order, naming the message and field in every error.
struct Fields<'v, 'a> {
    message: &'static str,
    items: std::slice::Iter<'v, Value<'a>>,
}

impl<'v, 'a> Fields<'v, 'a> {
    fn new(message: &'static str, items: &'v [Value<'a>]) -> Self {
        Fields {
            message,
            items: items.iter(),
        }
    }

    fn err(&self, reason: String) -> DecodeError {
        DecodeError::invalid(self.message, reason)
    }

    fn next(&mut self, field: &str) -> Result<&'v Value<'a>, DecodeError> {
        self.items
            .next()
            .ok_or_else(|| self.err(format!("missing field `{field}`")))
    }

    fn int(&mut self, field: &str) -> Result<i64, DecodeError> {
        let value = self.next(field)?;
        as_i64(value).map_err(|reason| self.err(format!("field `{field}` {reason}")))
    }

    fn uint(&mut self, field: &str) -> Result<u64, DecodeError> {
        match self.next(field)? {
            Value::Int(i) => u64::try_from(*i)
                .map_err(|_| self.err(format!("field `{field}` is {i}, which is negative"))),
            other => Err(self.err(format!(
                "field `{field}` is {}, expected int",
                other.type_name()
            ))),
        }
    }

    fn str(&mut self, field: &str) -> Result<RawStr, DecodeError> {
        match self.next(field)? {
            Value::Str(bytes) | Value::Bin(bytes) => Ok(RawStr(bytes.to_vec())),
            other => Err(self.err(format!(
                "field `{field}` is {}, expected str",
                other.type_name()
            ))),
        }
    }

    fn array(&mut self, field: &str) -> Result<&'v [Value<'a>], DecodeError> {
        match self.next(field)? {
            Value::Array(items) => Ok(items),
            other => Err(self.err(format!(
                "field `{field}` is {}, expected array",
                other.type_name()
            ))),
        }
    }

    /// A nested array read with the same message name for errors.
    fn nested(&mut self, field: &str) -> Result<Fields<'v, 'a>, DecodeError> {
        Ok(Fields::new(self.message, self.array(field)?))
    }

    /// Every remaining element as a string (EXEC_CMD argv).
    fn rest_str(&mut self, field: &str) -> Result<Vec<RawStr>, DecodeError> {
        let mut out = Vec::with_capacity(self.items.len());
        while self.items.len() > 0 {
            out.push(self.str(field)?);
        }
        Ok(out)
    }

    /// Decode each element of the array field with `each`.
    fn list<T>(
        &mut self,
        field: &str,
        mut each: impl FnMut(Fields<'v, 'a>) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        let message = self.message;
        let items = self.array(field)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::Array(inner) => out.push(each(Fields::new(message, inner))?),
                other => {
                    return Err(DecodeError::invalid(
                        message,
                        format!(
                            "an element of `{field}` is {}, expected array",
                            other.type_name()
                        ),
                    ));
                }
            }
        }
        Ok(out)
    }
}

fn as_i64(value: &Value<'_>) -> Result<i64, String> {
    match value {
        Value::Int(i) => {
            i64::try_from(*i).map_err(|_| format!("is {i}, which does not fit in int64"))
        }
        other => Err(format!("is {}, expected int", other.type_name())),
    }
}

/// Split a frame's value into its message type and the array of all its elements.
fn message_array<'v, 'a>(value: &'v Value<'a>) -> Result<(i64, &'v [Value<'a>]), DecodeError> {
    let Value::Array(items) = value else {
        return Err(DecodeError::invalid(
            "",
            format!("is {}, expected array", value.type_name()),
        ));
    };
    let Some(first) = items.first() else {
        return Err(DecodeError::invalid("", "empty array"));
    };
    let msg_type =
        as_i64(first).map_err(|reason| DecodeError::invalid("", format!("type {reason}")))?;
    Ok((msg_type, items.get(1..).unwrap_or_default()))
}

fn write_layout(out: &mut Writer, layout: &Layout) {
    out.int(layout.sx)
        .int(layout.sy)
        .array(layout.windows.len());
    for window in &layout.windows {
        out.array(4)
            .int(window.idx)
            .str(window.name.as_bytes())
            .array(window.panes.len());
        for pane in &window.panes {
            out.array(5)
                .int(pane.id)
                .int(pane.sx)
                .int(pane.sy)
                .int(pane.xoff)
                .int(pane.yoff);
        }
        out.int(window.active_pane_id);
    }
    out.int(layout.active_window_idx);
}

fn read_layout(f: &mut Fields<'_, '_>) -> Result<Layout, DecodeError> {
    let sx = f.int("sx")?;
    let sy = f.int("sy")?;
    let windows = f.list("windows", |mut w| {
        let idx = w.int("win_idx")?;
        let name = w.str("name")?;
        let panes = w.list("panes", |mut p| {
            Ok(LayoutPane {
                id: p.int("pane_id")?,
                sx: p.int("pane sx")?,
                sy: p.int("pane sy")?,
                xoff: p.int("xoff")?,
                yoff: p.int("yoff")?,
            })
        })?;
        let active_pane_id = w.int("active_pane_id")?;
        Ok(LayoutWindow {
            idx,
            name,
            panes,
            active_pane_id,
        })
    })?;
    let active_window_idx = f.int("active_window_idx")?;
    Ok(Layout {
        sx,
        sy,
        windows,
        active_window_idx,
    })
}

fn write_copy_mode(out: &mut Writer, state: &Option<CopyModeState>) {
    let Some(state) = state else {
        out.array(0);
        return;
    };
    out.array(6)
        .int(i64::from(state.backing))
        .int(state.oy)
        .int(state.cx)
        .int(state.cy);
    match &state.selection {
        None => out.array(0),
        Some(sel) => out
            .array(3)
            .int(sel.x)
            .int(sel.y_from_bottom)
            .int(i64::from(sel.rectangle)),
    };
    match &state.input {
        None => out.array(0),
        Some(input) => out
            .array(3)
            .int(input.kind)
            .str(input.prompt.as_bytes())
            .str(input.input.as_bytes()),
    };
}

fn read_copy_mode(f: &mut Fields<'_, '_>) -> Result<Option<CopyModeState>, DecodeError> {
    let mut c = f.nested("copy")?;
    if c.items.len() == 0 {
        return Ok(None);
    }
    let backing = c.int("backing")? != 0;
    let oy = c.int("oy")?;
    let cx = c.int("cx")?;
    let cy = c.int("cy")?;
    let mut sel = c.nested("sel")?;
    let selection = if sel.items.len() == 0 {
        None
    } else {
        Some(CopySelection {
            x: sel.int("selx")?,
            y_from_bottom: sel.int("sely")?,
            rectangle: sel.int("rectflag")? != 0,
        })
    };
    let mut inp = c.nested("input")?;
    let input = if inp.items.len() == 0 {
        None
    } else {
        Some(CopyInput {
            kind: inp.int("inputtype")?,
            prompt: inp.str("inputprompt")?,
            input: inp.str("inputstr")?,
        })
    };
    Ok(Some(CopyModeState {
        backing,
        oy,
        cx,
        cy,
        selection,
        input,
    }))
}

fn write_grid(out: &mut Writer, grid: &SnapshotGrid) {
    out.array(3)
        .int(grid.cx)
        .int(grid.cy)
        .array(grid.lines.len());
    for line in &grid.lines {
        out.array(2)
            .str(line.text.as_bytes())
            .array(line.attrs.len());
        for &attr in &line.attrs {
            out.uint(attr);
        }
    }
}

fn read_grid(mut g: Fields<'_, '_>) -> Result<SnapshotGrid, DecodeError> {
    let cx = g.int("cx")?;
    let cy = g.int("cy")?;
    let lines = g.list("lines", |mut line| {
        let text = line.str("line")?;
        let mut cells = line.nested("attrs")?;
        let mut attrs = Vec::with_capacity(cells.items.len());
        while cells.items.len() > 0 {
            attrs.push(cells.uint("attr")?);
        }
        Ok(SnapshotLine { text, attrs })
    })?;
    Ok(SnapshotGrid { cx, cy, lines })
}

impl WireMessage for HostMessage {
    #[allow(
        clippy::too_many_lines,
        reason = "the decoder over every host message type, one arm each in type order (0-13), read against the protocol spec side by side"
    )]
    fn from_frame(frame: &[u8], value: &Value<'_>) -> Result<Self, DecodeError> {
        use host_type as t;
        let (msg_type, fields) = message_array(value)?;
        let name = host_type_name(msg_type);
        let mut f = Fields::new(name, fields);
        Ok(match msg_type {
            t::HEADER => {
                let protocol = f.int("protocol")?;
                let version = if f.items.len() > 0 {
                    Some(f.str("version")?)
                } else {
                    None
                };
                HostMessage::Header { protocol, version }
            }
            t::SYNC_LAYOUT => HostMessage::SyncLayout(read_layout(&mut f)?),
            t::PTY_DATA => HostMessage::PtyData {
                pane_id: f.int("pane_id")?,
                data: f.str("data")?,
            },
            t::EXEC_CMD_STR => HostMessage::ExecCmdStr {
                command: f.str("command")?,
            },
            t::FAILED_CMD => HostMessage::FailedCmd {
                client_id: f.int("client_id")?,
                cause: f.str("cause")?,
            },
            t::STATUS => HostMessage::Status {
                left: f.str("left")?,
                right: f.str("right")?,
            },
            t::SYNC_COPY_MODE => HostMessage::SyncCopyMode {
                pane_id: f.int("pane_id")?,
                state: read_copy_mode(&mut f)?,
            },
            t::WRITE_COPY_MODE => HostMessage::WriteCopyMode {
                pane_id: f.int("pane_id")?,
                text: f.str("text")?,
            },
            t::FIN => HostMessage::Fin,
            t::READY => HostMessage::Ready,
            t::RECONNECT => HostMessage::Reconnect {
                data: f.str("reconnection_data")?,
            },
            t::SNAPSHOT => HostMessage::Snapshot(f.list("panes", |mut p| {
                let pane_id = p.int("pane_id")?;
                let mode = p.uint("mode")?;
                let grid = read_grid(p.nested("grid")?)?;
                let saved = match p.next("saved")? {
                    Value::Nil => None,
                    Value::Array(items) => Some(read_grid(Fields::new(name, items))?),
                    other => {
                        return Err(DecodeError::invalid(
                            name,
                            format!(
                                "field `saved` is {}, expected nil or array",
                                other.type_name()
                            ),
                        ));
                    }
                };
                Ok(PaneSnapshot {
                    pane_id,
                    mode,
                    grid,
                    saved,
                })
            })?),
            t::EXEC_CMD => {
                let argv = f.rest_str("argv")?;
                if argv.is_empty() {
                    return Err(DecodeError::invalid(name, "no command name"));
                }
                HostMessage::ExecCmd { argv }
            }
            t::UNAME => HostMessage::Uname {
                sysname: f.str("sysname")?,
                nodename: f.str("nodename")?,
                release: f.str("release")?,
                version: f.str("version")?,
                machine: f.str("machine")?,
            },
            other => HostMessage::Unknown {
                msg_type: other,
                raw: frame.to_vec(),
            },
        })
    }

    #[allow(
        clippy::too_many_lines,
        reason = "the encoder over every host message variant, one arm each, mirroring `from_frame` arm for arm"
    )]
    fn encode_into(&self, out: &mut Writer) {
        use host_type as t;
        match self {
            HostMessage::Header { protocol, version } => {
                out.array(if version.is_some() { 3 } else { 2 })
                    .int(t::HEADER)
                    .int(*protocol);
                if let Some(version) = version {
                    out.str(version.as_bytes());
                }
            }
            HostMessage::SyncLayout(layout) => {
                out.array(5).int(t::SYNC_LAYOUT);
                write_layout(out, layout);
            }
            HostMessage::PtyData { pane_id, data } => {
                out.array(3)
                    .int(t::PTY_DATA)
                    .int(*pane_id)
                    .str(data.as_bytes());
            }
            HostMessage::ExecCmdStr { command } => {
                out.array(2).int(t::EXEC_CMD_STR).str(command.as_bytes());
            }
            HostMessage::FailedCmd { client_id, cause } => {
                out.array(3)
                    .int(t::FAILED_CMD)
                    .int(*client_id)
                    .str(cause.as_bytes());
            }
            HostMessage::Status { left, right } => {
                out.array(3)
                    .int(t::STATUS)
                    .str(left.as_bytes())
                    .str(right.as_bytes());
            }
            HostMessage::SyncCopyMode { pane_id, state } => {
                out.array(3).int(t::SYNC_COPY_MODE).int(*pane_id);
                write_copy_mode(out, state);
            }
            HostMessage::WriteCopyMode { pane_id, text } => {
                out.array(3)
                    .int(t::WRITE_COPY_MODE)
                    .int(*pane_id)
                    .str(text.as_bytes());
            }
            HostMessage::Fin => {
                out.array(1).int(t::FIN);
            }
            HostMessage::Ready => {
                out.array(1).int(t::READY);
            }
            HostMessage::Reconnect { data } => {
                out.array(2).int(t::RECONNECT).str(data.as_bytes());
            }
            HostMessage::Snapshot(panes) => {
                out.array(2).int(t::SNAPSHOT).array(panes.len());
                for pane in panes {
                    out.array(4).int(pane.pane_id).uint(pane.mode);
                    write_grid(out, &pane.grid);
                    match &pane.saved {
                        None => {
                            out.nil();
                        }
                        Some(saved) => write_grid(out, saved),
                    }
                }
            }
            HostMessage::ExecCmd { argv } => {
                out.array(1 + argv.len()).int(t::EXEC_CMD);
                for arg in argv {
                    out.str(arg.as_bytes());
                }
            }
            HostMessage::Uname {
                sysname,
                nodename,
                release,
                version,
                machine,
            } => {
                out.array(6).int(t::UNAME);
                for part in [sysname, nodename, release, version, machine] {
                    out.str(part.as_bytes());
                }
            }
            HostMessage::Unknown { raw, .. } => {
                // Re-emit an unknown message exactly as it arrived.
                out.raw(raw);
            }
        }
    }

    fn type_name(&self) -> &'static str {
        use host_type as t;
        host_type_name(match self {
            HostMessage::Header { .. } => t::HEADER,
            HostMessage::SyncLayout(_) => t::SYNC_LAYOUT,
            HostMessage::PtyData { .. } => t::PTY_DATA,
            HostMessage::ExecCmdStr { .. } => t::EXEC_CMD_STR,
            HostMessage::FailedCmd { .. } => t::FAILED_CMD,
            HostMessage::Status { .. } => t::STATUS,
            HostMessage::SyncCopyMode { .. } => t::SYNC_COPY_MODE,
            HostMessage::WriteCopyMode { .. } => t::WRITE_COPY_MODE,
            HostMessage::Fin => t::FIN,
            HostMessage::Ready => t::READY,
            HostMessage::Reconnect { .. } => t::RECONNECT,
            HostMessage::Snapshot(_) => t::SNAPSHOT,
            HostMessage::ExecCmd { .. } => t::EXEC_CMD,
            HostMessage::Uname { .. } => t::UNAME,
            HostMessage::Unknown { msg_type, .. } => *msg_type,
        })
    }
}

/// The tmate-protocol.h name of a host-to-server message type.
pub fn host_type_name(msg_type: i64) -> &'static str {
    use host_type as t;
    match msg_type {
        t::HEADER => "HEADER",
        t::SYNC_LAYOUT => "SYNC_LAYOUT",
        t::PTY_DATA => "PTY_DATA",
        t::EXEC_CMD_STR => "EXEC_CMD_STR",
        t::FAILED_CMD => "FAILED_CMD",
        t::STATUS => "STATUS",
        t::SYNC_COPY_MODE => "SYNC_COPY_MODE",
        t::WRITE_COPY_MODE => "WRITE_COPY_MODE",
        t::FIN => "FIN",
        t::READY => "READY",
        t::RECONNECT => "RECONNECT",
        t::SNAPSHOT => "SNAPSHOT",
        t::EXEC_CMD => "EXEC_CMD",
        t::UNAME => "UNAME",
        _ => "UNKNOWN",
    }
}

/// The tmate-protocol.h name of a server-to-host message type.
pub fn server_type_name(msg_type: i64) -> &'static str {
    use server_type as t;
    match msg_type {
        t::NOTIFY => "NOTIFY",
        t::LEGACY_PANE_KEY => "LEGACY_PANE_KEY",
        t::RESIZE => "RESIZE",
        t::EXEC_CMD_STR => "EXEC_CMD_STR",
        t::SET_ENV => "SET_ENV",
        t::READY => "READY",
        t::PANE_KEY => "PANE_KEY",
        t::EXEC_CMD => "EXEC_CMD",
        _ => "UNKNOWN",
    }
}

impl WireMessage for ServerMessage {
    fn from_frame(frame: &[u8], value: &Value<'_>) -> Result<Self, DecodeError> {
        use server_type as t;
        let (msg_type, fields) = message_array(value)?;
        let name = server_type_name(msg_type);
        let mut f = Fields::new(name, fields);
        Ok(match msg_type {
            t::NOTIFY => ServerMessage::Notify {
                message: f.str("message")?,
            },
            t::LEGACY_PANE_KEY => ServerMessage::LegacyPaneKey { key: f.int("key")? },
            t::RESIZE => ServerMessage::Resize {
                sx: f.int("sx")?,
                sy: f.int("sy")?,
            },
            t::EXEC_CMD_STR => ServerMessage::ExecCmdStr {
                client_id: f.int("client_id")?,
                command: f.str("command")?,
            },
            t::SET_ENV => ServerMessage::SetEnv {
                name: f.str("name")?,
                value: f.str("value")?,
            },
            t::READY => ServerMessage::Ready,
            t::PANE_KEY => ServerMessage::PaneKey {
                pane_id: f.int("pane_id")?,
                key: KeyCode(f.uint("key")?),
            },
            t::EXEC_CMD => {
                let client_id = f.int("client_id")?;
                let argv = f.rest_str("argv")?;
                if argv.is_empty() {
                    return Err(DecodeError::invalid(name, "no command name"));
                }
                ServerMessage::ExecCmd { client_id, argv }
            }
            other => ServerMessage::Unknown {
                msg_type: other,
                raw: frame.to_vec(),
            },
        })
    }

    fn encode_into(&self, out: &mut Writer) {
        use server_type as t;
        match self {
            ServerMessage::Notify { message } => {
                out.array(2).int(t::NOTIFY).str(message.as_bytes());
            }
            ServerMessage::LegacyPaneKey { key } => {
                out.array(2).int(t::LEGACY_PANE_KEY).int(*key);
            }
            ServerMessage::Resize { sx, sy } => {
                out.array(3).int(t::RESIZE).int(*sx).int(*sy);
            }
            ServerMessage::ExecCmdStr { client_id, command } => {
                out.array(3)
                    .int(t::EXEC_CMD_STR)
                    .int(*client_id)
                    .str(command.as_bytes());
            }
            ServerMessage::SetEnv { name, value } => {
                out.array(3)
                    .int(t::SET_ENV)
                    .str(name.as_bytes())
                    .str(value.as_bytes());
            }
            ServerMessage::Ready => {
                out.array(1).int(t::READY);
            }
            ServerMessage::PaneKey { pane_id, key } => {
                out.array(3).int(t::PANE_KEY).int(*pane_id).uint(key.0);
            }
            ServerMessage::ExecCmd { client_id, argv } => {
                out.array(2 + argv.len()).int(t::EXEC_CMD).int(*client_id);
                for arg in argv {
                    out.str(arg.as_bytes());
                }
            }
            ServerMessage::Unknown { raw, .. } => {
                // Re-emit an unknown message exactly as it arrived.
                out.raw(raw);
            }
        }
    }

    fn type_name(&self) -> &'static str {
        use server_type as t;
        server_type_name(match self {
            ServerMessage::Notify { .. } => t::NOTIFY,
            ServerMessage::LegacyPaneKey { .. } => t::LEGACY_PANE_KEY,
            ServerMessage::Resize { .. } => t::RESIZE,
            ServerMessage::ExecCmdStr { .. } => t::EXEC_CMD_STR,
            ServerMessage::SetEnv { .. } => t::SET_ENV,
            ServerMessage::Ready => t::READY,
            ServerMessage::PaneKey { .. } => t::PANE_KEY,
            ServerMessage::ExecCmd { .. } => t::EXEC_CMD,
            ServerMessage::Unknown { msg_type, .. } => *msg_type,
        })
    }
}
