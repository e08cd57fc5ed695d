//! msgpack for tmate: a resumable framer that finds where one top-level object ends, a borrowed
//! value parser for a complete frame, and a writer that emits the same smallest forms as msgpack-c.
//!
//! Why not `rmpv::decode::read_value` on a growing buffer: it re-parses a partial message from the
//! start on every read (quadratic for a multi-MiB SNAPSHOT arriving in 32 KiB pieces) and cannot
//! refuse a declared length before it reads it. The framer here checks every declared length and
//! element count against the message limit as soon as the header arrives, keeps its place between
//! reads, and never allocates; the parser only runs on a frame that is complete and within limits,
//! so every allocation it makes is bounded by the bytes actually received.

use std::convert::Infallible;
use std::fmt;

use rmp::Marker;
use rmp::encode::{ByteBuf, ValueWriteError};

/// A parsed msgpack value that borrows its strings from the frame it came from.
#[derive(Clone, PartialEq)]
pub enum Value<'a> {
    Nil,
    Bool(bool),
    /// Any msgpack integer; i128 holds both the int64 and uint64 ranges exactly.
    Int(i128),
    F32(f32),
    F64(f64),
    /// A msgpack str: raw bytes, not necessarily UTF-8 (tmate sends PTY output as str).
    Str(&'a [u8]),
    Bin(&'a [u8]),
    Array(Vec<Value<'a>>),
    Map(Vec<(Value<'a>, Value<'a>)>),
    Ext(i8, &'a [u8]),
}

impl Value<'_> {
    /// A short name of the value's msgpack type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::F32(_) | Value::F64(_) => "float",
            Value::Str(_) => "str",
            Value::Bin(_) => "bin",
            Value::Array(_) => "array",
            Value::Map(_) => "map",
            Value::Ext(..) => "ext",
        }
    }
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => f.write_str("nil"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::F32(x) => write!(f, "{x}"),
            Value::F64(x) => write!(f, "{x}"),
            Value::Str(s) => write!(f, "{:?}", String::from_utf8_lossy(s)),
            Value::Bin(b) => write!(f, "bin{b:?}"),
            Value::Array(items) => f.debug_list().entries(items).finish(),
            Value::Map(pairs) => f
                .debug_map()
                .entries(pairs.iter().map(|(k, v)| (k, v)))
                .finish(),
            Value::Ext(t, d) => write!(f, "ext({t}, {d:?})"),
        }
    }
}

/// Why a byte stream could not be framed. After one of these the stream position is lost, so the
/// connection that sent it has to be closed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("message too large: at least {needed} bytes, the limit is {limit}")]
    TooLarge { needed: u64, limit: usize },
    #[error("array or map of {count} elements cannot fit in the {limit}-byte message limit")]
    TooManyElements { count: u64, limit: usize },
    #[error("message nested deeper than {limit} levels")]
    TooDeep { limit: usize },
    #[error("byte 0xc1 is not a msgpack type marker")]
    ReservedMarker,
}

/// Limits the framer enforces while a message is still arriving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameLimits {
    /// Largest encoded size of one top-level message, in bytes.
    pub max_message_size: usize,
    /// Deepest nesting of arrays and maps (the top-level array counts as 1).
    pub max_depth: usize,
}

/// What `Framer::advance` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framed {
    /// The first top-level object in the buffer ends at this byte offset.
    Complete(usize),
    /// The buffer holds only the start of an object; feed more bytes and call again.
    NeedMore,
}

/// Finds the end of the first msgpack object in a buffer that grows at its end, remembering how far
/// it got so each byte is examined once however the stream is split.
#[derive(Debug, Clone)]
pub struct Framer {
    limits: FrameLimits,
    /// Offset of the next unexamined marker, relative to the start of the buffer.
    pos: usize,
    /// Elements still expected by each open array or map (map pairs count twice).
    open: Vec<u64>,
}

enum Item {
    /// A scalar or a string/bin/ext whose whole length (header and body) is known.
    Leaf { len: u64 },
    /// An array or map header of `header` bytes announcing `children` elements.
    Container { header: u64, children: u64 },
}

impl Framer {
    pub fn new(limits: FrameLimits) -> Self {
        Framer {
            limits,
            pos: 0,
            open: Vec::new(),
        }
    }

    pub fn limits(&self) -> FrameLimits {
        self.limits
    }

    /// Forget progress; call after the caller removed a complete frame from the buffer front.
    pub fn reset(&mut self) {
        self.pos = 0;
        self.open.clear();
    }

    /// Examine `buf` (which always starts at the first byte of the current frame) from where the
    /// previous call stopped.
    pub fn advance(&mut self, buf: &[u8]) -> Result<Framed, FrameError> {
        let limit = self.limits.max_message_size;
        loop {
            let Some(rest) = buf.get(self.pos..) else {
                return Ok(Framed::NeedMore);
            };
            let Some(item) = item_at(rest)? else {
                return Ok(Framed::NeedMore);
            };
            let (len, children) = match item {
                Item::Leaf { len } => (len, None),
                Item::Container { header, children } => (header, Some(children)),
            };
            let end = self.pos as u64 + len;
            if end > limit as u64 {
                return Err(FrameError::TooLarge { needed: end, limit });
            }
            match children {
                None => {
                    if end > buf.len() as u64 {
                        return Ok(Framed::NeedMore);
                    }
                    self.pos = end as usize;
                    self.element_done();
                }
                Some(children) => {
                    // Every element takes at least one byte, so a count larger than the room left
                    // under the limit can never be satisfied: refuse it now, before anyone trusts it.
                    if children > (limit as u64).saturating_sub(end) {
                        return Err(FrameError::TooManyElements {
                            count: children,
                            limit,
                        });
                    }
                    if self.open.len() >= self.limits.max_depth {
                        return Err(FrameError::TooDeep {
                            limit: self.limits.max_depth,
                        });
                    }
                    self.pos = end as usize;
                    if children == 0 {
                        self.element_done();
                    } else {
                        self.open.push(children);
                    }
                }
            }
            if self.open.is_empty() {
                return Ok(Framed::Complete(self.pos));
            }
        }
    }

    /// One element finished: count it off its container, and close every container that this
    /// completes in turn.
    fn element_done(&mut self) {
        while let Some(remaining) = self.open.last_mut() {
            *remaining = remaining.saturating_sub(1);
            if *remaining > 0 {
                return;
            }
            self.open.pop();
        }
    }
}

/// Read big-endian unsigned length bytes at `at..at+n` of `buf`, if present.
fn be_len(buf: &[u8], at: usize, n: usize) -> Option<u64> {
    let bytes = buf.get(at..at + n)?;
    Some(bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
}

/// Classify the object starting at `buf[0]`, or `None` when its header is not complete yet.
fn item_at(buf: &[u8]) -> Result<Option<Item>, FrameError> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    let leaf = |len: u64| Ok(Some(Item::Leaf { len }));
    // Length-prefixed bodies: header of 1 + n bytes, then `len` bytes (plus 1 type byte for ext).
    let sized = |n: usize, extra: u64| -> Result<Option<Item>, FrameError> {
        Ok(be_len(buf, 1, n).map(|len| Item::Leaf {
            len: 1 + n as u64 + extra + len,
        }))
    };
    let container = |n: usize, per_entry: u64| -> Result<Option<Item>, FrameError> {
        Ok(be_len(buf, 1, n).map(|count| Item::Container {
            header: 1 + n as u64,
            children: count * per_entry,
        }))
    };
    match Marker::from_u8(first) {
        Marker::FixPos(_) | Marker::FixNeg(_) | Marker::Null | Marker::True | Marker::False => {
            leaf(1)
        }
        Marker::U8 | Marker::I8 => leaf(2),
        Marker::U16 | Marker::I16 => leaf(3),
        Marker::U32 | Marker::I32 | Marker::F32 => leaf(5),
        Marker::U64 | Marker::I64 | Marker::F64 => leaf(9),
        Marker::FixStr(n) => leaf(1 + u64::from(n)),
        Marker::Str8 | Marker::Bin8 => sized(1, 0),
        Marker::Str16 | Marker::Bin16 => sized(2, 0),
        Marker::Str32 | Marker::Bin32 => sized(4, 0),
        Marker::FixExt1 => leaf(3),
        Marker::FixExt2 => leaf(4),
        Marker::FixExt4 => leaf(6),
        Marker::FixExt8 => leaf(10),
        Marker::FixExt16 => leaf(18),
        Marker::Ext8 => sized(1, 1),
        Marker::Ext16 => sized(2, 1),
        Marker::Ext32 => sized(4, 1),
        Marker::FixArray(n) => Ok(Some(Item::Container {
            header: 1,
            children: u64::from(n),
        })),
        Marker::FixMap(n) => Ok(Some(Item::Container {
            header: 1,
            children: 2 * u64::from(n),
        })),
        Marker::Array16 => container(2, 1),
        Marker::Array32 => container(4, 1),
        Marker::Map16 => container(2, 2),
        Marker::Map32 => container(4, 2),
        Marker::Reserved => Err(FrameError::ReservedMarker),
    }
}

/// Why a complete frame could not be parsed into a value. The framer has already checked the
/// structure, so this only happens when `parse_frame` is given bytes the framer did not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("msgpack value truncated at byte {0}")]
    Truncated(usize),
    #[error(transparent)]
    Frame(#[from] FrameError),
    #[error("{0} trailing bytes after the msgpack value")]
    Trailing(usize),
}

/// Parse exactly one msgpack value that fills `frame`, under `limits`. The framer checks the frame
/// first, so the recursive reader below never goes deeper than `limits.max_depth`.
pub fn parse_frame(frame: &[u8], limits: FrameLimits) -> Result<Value<'_>, ParseError> {
    let mut framer = Framer::new(limits);
    match framer.advance(frame)? {
        Framed::NeedMore => return Err(ParseError::Truncated(frame.len())),
        Framed::Complete(end) if end != frame.len() => {
            return Err(ParseError::Trailing(frame.len() - end));
        }
        Framed::Complete(_) => {}
    }
    let mut reader = Reader { buf: frame, pos: 0 };
    reader.value()
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ParseError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(ParseError::Truncated(self.pos))?;
        let bytes = self
            .buf
            .get(self.pos..end)
            .ok_or(ParseError::Truncated(self.pos))?;
        self.pos = end;
        Ok(bytes)
    }

    fn uint(&mut self, n: usize) -> Result<u64, ParseError> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    fn sint(&mut self, n: usize) -> Result<i64, ParseError> {
        let raw = self.uint(n)?;
        let shift = 64 - 8 * n as u32;
        // Sign-extend the n-byte two's complement value.
        Ok(((raw << shift) as i64) >> shift)
    }

    fn len_body(&mut self, n: usize) -> Result<&'a [u8], ParseError> {
        let len = self.uint(n)?;
        let len = usize::try_from(len).map_err(|_| ParseError::Truncated(self.pos))?;
        self.take(len)
    }

    fn ext(&mut self, len: usize) -> Result<Value<'a>, ParseError> {
        let kind = self.take(1)?.first().copied().unwrap_or(0) as i8;
        Ok(Value::Ext(kind, self.take(len)?))
    }

    fn ext_sized(&mut self, n: usize) -> Result<Value<'a>, ParseError> {
        let len = self.uint(n)?;
        let len = usize::try_from(len).map_err(|_| ParseError::Truncated(self.pos))?;
        self.ext(len)
    }

    fn array(&mut self, count: u64) -> Result<Value<'a>, ParseError> {
        // The framer bounded `count` by the frame's size; still cap the reservation by the bytes
        // that are left, as each element takes at least one.
        let left = self.buf.len().saturating_sub(self.pos);
        let mut items = Vec::with_capacity((count as usize).min(left));
        for _ in 0..count {
            items.push(self.value()?);
        }
        Ok(Value::Array(items))
    }

    fn map(&mut self, count: u64) -> Result<Value<'a>, ParseError> {
        let left = self.buf.len().saturating_sub(self.pos) / 2;
        let mut pairs = Vec::with_capacity((count as usize).min(left));
        for _ in 0..count {
            let key = self.value()?;
            let value = self.value()?;
            pairs.push((key, value));
        }
        Ok(Value::Map(pairs))
    }

    fn value(&mut self) -> Result<Value<'a>, ParseError> {
        let first = *self
            .take(1)?
            .first()
            .ok_or(ParseError::Truncated(self.pos))?;
        Ok(match Marker::from_u8(first) {
            Marker::FixPos(v) => Value::Int(i128::from(v)),
            Marker::FixNeg(v) => Value::Int(i128::from(v)),
            Marker::Null => Value::Nil,
            Marker::True => Value::Bool(true),
            Marker::False => Value::Bool(false),
            Marker::U8 => Value::Int(i128::from(self.uint(1)?)),
            Marker::U16 => Value::Int(i128::from(self.uint(2)?)),
            Marker::U32 => Value::Int(i128::from(self.uint(4)?)),
            Marker::U64 => Value::Int(i128::from(self.uint(8)?)),
            Marker::I8 => Value::Int(i128::from(self.sint(1)?)),
            Marker::I16 => Value::Int(i128::from(self.sint(2)?)),
            Marker::I32 => Value::Int(i128::from(self.sint(4)?)),
            Marker::I64 => Value::Int(i128::from(self.sint(8)?)),
            Marker::F32 => Value::F32(f32::from_bits(self.uint(4)? as u32)),
            Marker::F64 => Value::F64(f64::from_bits(self.uint(8)?)),
            Marker::FixStr(n) => Value::Str(self.take(usize::from(n))?),
            Marker::Str8 => Value::Str(self.len_body(1)?),
            Marker::Str16 => Value::Str(self.len_body(2)?),
            Marker::Str32 => Value::Str(self.len_body(4)?),
            Marker::Bin8 => Value::Bin(self.len_body(1)?),
            Marker::Bin16 => Value::Bin(self.len_body(2)?),
            Marker::Bin32 => Value::Bin(self.len_body(4)?),
            Marker::FixExt1 => self.ext(1)?,
            Marker::FixExt2 => self.ext(2)?,
            Marker::FixExt4 => self.ext(4)?,
            Marker::FixExt8 => self.ext(8)?,
            Marker::FixExt16 => self.ext(16)?,
            Marker::Ext8 => self.ext_sized(1)?,
            Marker::Ext16 => self.ext_sized(2)?,
            Marker::Ext32 => self.ext_sized(4)?,
            Marker::FixArray(n) => self.array(u64::from(n))?,
            Marker::Array16 => {
                let n = self.uint(2)?;
                self.array(n)?
            }
            Marker::Array32 => {
                let n = self.uint(4)?;
                self.array(n)?
            }
            Marker::FixMap(n) => self.map(u64::from(n))?,
            Marker::Map16 => {
                let n = self.uint(2)?;
                self.map(n)?
            }
            Marker::Map32 => {
                let n = self.uint(4)?;
                self.map(n)?
            }
            Marker::Reserved => return Err(ParseError::Frame(FrameError::ReservedMarker)),
        })
    }
}

/// Appends msgpack to a byte buffer using the smallest form for every integer and length, which is
/// what msgpack-c (`msgpack_pack_int`, `msgpack_pack_uint64`, `msgpack_pack_str`) produces.
#[derive(Debug, Default)]
pub struct Writer {
    buf: ByteBuf,
}

/// Writing into a `ByteBuf` cannot fail; this turns rmp's `Result` into nothing, with the compiler
/// proving the error case empty.
fn infallible<T>(result: Result<T, ValueWriteError<Infallible>>) {
    match result {
        Ok(_) => {}
        Err(
            ValueWriteError::InvalidMarkerWrite(never) | ValueWriteError::InvalidDataWrite(never),
        ) => match never {},
    }
}

impl Writer {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn array(&mut self, len: usize) -> &mut Self {
        infallible(rmp::encode::write_array_len(
            &mut self.buf,
            u32::try_from(len).unwrap_or(u32::MAX),
        ));
        self
    }

    pub fn int(&mut self, value: i64) -> &mut Self {
        infallible(rmp::encode::write_sint(&mut self.buf, value));
        self
    }

    pub fn uint(&mut self, value: u64) -> &mut Self {
        infallible(rmp::encode::write_uint(&mut self.buf, value));
        self
    }

    pub fn nil(&mut self) -> &mut Self {
        match rmp::encode::write_nil(&mut self.buf) {
            Ok(()) => {}
            Err(never) => match never {},
        }
        self
    }

    /// A msgpack str holding `bytes` as they are (tmate sends raw PTY bytes as str).
    pub fn str(&mut self, bytes: &[u8]) -> &mut Self {
        infallible(rmp::encode::write_str_len(
            &mut self.buf,
            u32::try_from(bytes.len()).unwrap_or(u32::MAX),
        ));
        self.bytes_mut().extend_from_slice(bytes);
        self
    }

    /// Bytes that are already msgpack (a whole message kept from the wire).
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.bytes_mut().extend_from_slice(bytes);
        self
    }

    fn bytes_mut(&mut self) -> &mut Vec<u8> {
        self.buf.as_mut()
    }

    pub fn len(&self) -> usize {
        AsRef::<Vec<u8>>::as_ref(&self.buf).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn into_bytes(self) -> Vec<u8> {
        Vec::from(self.buf)
    }
}
