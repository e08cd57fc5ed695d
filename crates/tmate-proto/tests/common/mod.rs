//! Shared test helpers: locating the recorded tmate 2.4 captures and reading their record format,
//! a deterministic splitter for streaming tests, and msgpack -> JSON for comparing with `.jsonl`.
// Each test binary uses a subset of these helpers.
#![allow(dead_code, unused_imports)]

use tmate_proto::msgpack::{FrameLimits, Value, parse_frame};

pub use tmate_fixtures::{CAPTURES, fixtures_dir, read, records, stream};

/// One line of a `.jsonl` file.
pub struct Expected {
    pub off: usize,
    pub len: usize,
    pub type_name: String,
    pub msg: serde_json::Value,
}

/// The expected messages of one direction (`h2s` or `s2h`), in stream order.
pub fn expected(name: &str, dir: &str) -> Vec<Expected> {
    let text = String::from_utf8(read(&format!("{name}.jsonl"))).unwrap();
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
