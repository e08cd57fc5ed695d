//! Test support shared by the crates' tests: where the recorded tmate 2.4 captures are, and their
//! record format (u64 big-endian microseconds, u32 big-endian length, that many bytes), read
//! into records or whole byte streams. Panics with a clear message when a capture is missing,
//! since a test without its golden data must fail, not pass.

use std::path::PathBuf;

/// Every capture of `../shared/fixtures/tmate-2.4` (the `.bin` files come per direction).
pub const CAPTURES: &[&str] = &[
    "startup",
    "host_activity",
    "viewer_input",
    "reconnect.conn1",
    "reconnect.conn2",
    "big_output",
];

/// The capture directory: `$TMATE_FIXTURES`, else `shared/fixtures/tmate-2.4` beside the project.
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

/// The records of `NAME.DIRECTION.bin` (`DIRECTION` is `host-to-server` or `server-to-host`):
/// (microseconds, the bytes of one read).
pub fn records(name: &str, direction: &str) -> Vec<(u64, Vec<u8>)> {
    let path = fixtures_dir().join(format!("{name}.{direction}.bin"));
    let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut out = Vec::new();
    let mut rest = data.as_slice();
    while !rest.is_empty() {
        let (Some(time), Some(len)) = (rest.get(..8), rest.get(8..12)) else {
            panic!("{}: truncated record header", path.display());
        };
        let time = u64::from_be_bytes(time.try_into().unwrap_or_default());
        let len = u32::from_be_bytes(len.try_into().unwrap_or_default()) as usize;
        let Some(payload) = rest.get(12..12 + len) else {
            panic!("{}: truncated record", path.display());
        };
        out.push((time, payload.to_vec()));
        rest = rest.get(12 + len..).unwrap_or_default();
    }
    out
}

/// The whole byte stream of one direction of a capture.
pub fn stream(name: &str, direction: &str) -> Vec<u8> {
    records(name, direction)
        .into_iter()
        .flat_map(|(_, data)| data)
        .collect()
}
