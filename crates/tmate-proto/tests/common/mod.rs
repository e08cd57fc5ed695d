//! Shared test helpers: locating the recorded tmate 2.4 captures and reading their record format,
//! a deterministic splitter for streaming tests, and msgpack -> JSON for comparing with `.jsonl`.
#![allow(dead_code)]

use std::path::PathBuf;

use tmate_proto::msgpack::{FrameLimits, Value, parse_frame};

/// `../shared/fixtures/tmate-2.4` beside the project root, or `$TMATE_FIXTURES`.
pub fn fixtures_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TMATE_FIXTURES") {
        return PathBuf::from(dir);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/tmate-2.4");
    assert!(
        dir.join("README.md").is_file(),
        "the golden captures are missing at {} (set TMATE_FIXTURES to their folder)",
        dir.display()
    );
    dir
}

/// The captures: (name, has a server-to-host file).
pub const CAPTURES: &[&str] = &[
    "startup",
    "host_activity",
    "viewer_input",
    "reconnect.conn1",
    "reconnect.conn2",
    "big_output",
];

/// Records of a `.bin` capture file: (microseconds, bytes of one read).
pub fn records(name: &str, direction: &str) -> Vec<(u64, Vec<u8>)> {
    let path = fixtures_dir().join(format!("{name}.{direction}.bin"));
    let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        let t = u64::from_be_bytes(data[pos..pos + 8].try_into().unwrap());
        let len = u32::from_be_bytes(data[pos + 8..pos + 12].try_into().unwrap()) as usize;
        pos += 12;
        out.push((t, data[pos..pos + len].to_vec()));
        pos += len;
    }
    out
}

/// The whole byte stream of one direction.
pub fn stream(name: &str, direction: &str) -> Vec<u8> {
    records(name, direction)
        .into_iter()
        .flat_map(|(_, d)| d)
        .collect()
}

/// One line of a `.jsonl` file.
pub struct Expected {
    pub off: usize,
    pub len: usize,
    pub type_name: String,
    pub msg: serde_json::Value,
}

/// The expected messages of one direction (`h2s` or `s2h`), in stream order.
pub fn expected(name: &str, dir: &str) -> Vec<Expected> {
    let path = fixtures_dir().join(format!("{name}.jsonl"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out: Vec<Expected> = text
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|v| v["dir"] == dir)
        .map(|v| Expected {
            off: v["off"].as_u64().unwrap() as usize,
            len: v["len"].as_u64().unwrap() as usize,
            type_name: v["type"].as_str().unwrap().to_string(),
            msg: decode_base64_strings(v["msg"].clone()),
        })
        .collect();
    out.sort_by_key(|e| e.off);
    out
}

/// The `.jsonl` files show non-UTF-8 strings as `{"$base64": ...}`; turn them into byte arrays so
/// they compare equal to `to_json` of the raw bytes.
fn decode_base64_strings(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        J::Object(map) if map.len() == 1 && map.contains_key("$base64") => {
            let text = map["$base64"].as_str().unwrap();
            J::Array(base64(text).into_iter().map(J::from).collect())
        }
        J::Array(items) => J::Array(items.into_iter().map(decode_base64_strings).collect()),
        other => other,
    }
}

fn base64(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut out = Vec::new();
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
        bits = (bits << 6) | v;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
        }
    }
    out
}

/// A msgpack value as the `.jsonl` files show it: strings as text when valid UTF-8, otherwise as
/// an array of byte values (see `decode_base64_strings`).
pub fn to_json(value: &Value<'_>) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Nil => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => {
            if let Ok(v) = i64::try_from(*i) {
                J::from(v)
            } else {
                J::from(u64::try_from(*i).unwrap())
            }
        }
        Value::Str(bytes) | Value::Bin(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => J::String(text.to_string()),
            Err(_) => J::Array(bytes.iter().map(|&b| J::from(b)).collect()),
        },
        Value::Array(items) => J::Array(items.iter().map(to_json).collect()),
        other => panic!("unexpected msgpack value in tmate stream: {other:?}"),
    }
}

/// JSON of an encoded message.
pub fn encoded_json(bytes: &[u8]) -> serde_json::Value {
    let limits = FrameLimits {
        max_message_size: usize::MAX,
        max_depth: 64,
    };
    to_json(&parse_frame(bytes, limits).unwrap())
}

/// Deterministic pseudo-random chunk sizes (xorshift), so a failure can be replayed.
pub fn split_points(len: usize, seed: u64, max_chunk: usize) -> Vec<(usize, usize)> {
    let mut state = seed.max(1);
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let size = 1 + (state as usize) % max_chunk;
        let end = (pos + size).min(len);
        out.push((pos, end));
        pos = end;
    }
    out
}
