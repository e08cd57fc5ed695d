//! The shared test kit of the crates' tests and the bench: where the recorded tmate 2.4
//! captures are and their record format (here); programs on ptys read through a terminal
//! emulator ([`pty_client`]); an in-process relay with scripted hosts and viewers ([`relay`]).
//!
//! The captures' record format is u64 big-endian microseconds, u32 big-endian length, that many
//! bytes, read into records or whole byte streams. A missing capture fails the test with
//! `MissingCapture`'s message (which file, where it was looked for, what the captures are and how
//! to point at them), since a test without its golden data must fail, not pass, and a bare path
//! does not tell a newcomer what to do.
// Test support, linked only into tests and the loopback bench: what it sets up failing (a
// missing capture, a pty that cannot open, a relay that does not answer within the deadline) is
// the failure of the test that asked for it, so it stops there, as the tests themselves do.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test support: what a test set up failing fails the test that asked for it"
)]

pub mod pty_client;
pub mod relay;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Generous deadline for anything a test waits for (the machine is shared and slow).
pub const DEADLINE: Duration = Duration::from_secs(20);

/// `v` as a terminal size, at least 1.
pub fn nonzero(v: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(v.max(1)).unwrap_or(std::num::NonZeroU16::MIN)
}

/// Every capture of `../shared/fixtures/tmate-2.4` (the `.bin` files come per direction).
pub const CAPTURES: &[&str] = &[
    "startup",
    "host_activity",
    "viewer_input",
    "reconnect.conn1",
    "reconnect.conn2",
    "big_output",
];

/// The environment variable that points the tests at the captures.
pub const ENV_VAR: &str = "TMATE_FIXTURES";

/// Where the captures are looked for. A value, not the process environment, so that what a
/// missing capture says can be tested without touching process-global variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// `$TMATE_FIXTURES`, when set: then it is the only place looked in.
    pub env: Option<PathBuf>,
    /// `shared/fixtures/tmate-2.4` beside the project, used when the variable is not set.
    pub default: PathBuf,
}

impl Location {
    /// This process's: `$TMATE_FIXTURES` and the default beside the project.
    pub fn from_env() -> Location {
        Location {
            env: std::env::var_os(ENV_VAR).map(PathBuf::from),
            default: default_dir(),
        }
    }

    /// The capture directory: `$TMATE_FIXTURES` when set, else the default.
    pub fn dir(&self) -> &Path {
        self.env.as_deref().unwrap_or(&self.default)
    }

    /// The path of `file` (e.g. `startup.host-to-server.bin`) in the capture directory, or why
    /// it is not there.
    pub fn file(&self, file: &str) -> Result<PathBuf, MissingCapture> {
        let path = self.dir().join(file);
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => Ok(path),
            Ok(_) => Err(self.missing(file, path, "not a file".to_string())),
            Err(error) => Err(self.missing(file, path, error.to_string())),
        }
    }

    /// The bytes of `file` in the capture directory.
    pub fn read(&self, file: &str) -> Result<Vec<u8>, MissingCapture> {
        let path = self.file(file)?;
        std::fs::read(&path).map_err(|error| self.missing(file, path, error.to_string()))
    }

    fn missing(&self, file: &str, path: PathBuf, error: String) -> MissingCapture {
        MissingCapture {
            file: file.to_string(),
            path,
            error,
            location: self.clone(),
        }
    }
}

/// `shared/fixtures/tmate-2.4` in the folder that holds the project (this crate is
/// `PROJECT/crates/tmate-fixtures`).
fn default_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let beside = manifest.ancestors().nth(3).unwrap_or(manifest);
    beside.join("shared/fixtures/tmate-2.4")
}

/// A golden capture that could not be read, and everything needed to fix that.
#[derive(Debug)]
pub struct MissingCapture {
    /// The file asked for.
    pub file: String,
    /// Where it was looked for.
    pub path: PathBuf,
    /// What the file system said.
    pub error: String,
    pub location: Location,
}

impl fmt::Display for MissingCapture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "the golden capture {} is missing: {}: {}",
            self.file,
            self.path.display(),
            self.error
        )?;
        match &self.location.env {
            Some(dir) => writeln!(
                f,
                "  looked in ${ENV_VAR} = {} (the default {} is used only when {ENV_VAR} is not set)",
                dir.display(),
                self.location.default.display()
            )?,
            None => writeln!(
                f,
                "  looked in the default {} (${ENV_VAR} is not set)",
                self.location.default.display()
            )?,
        }
        write!(
            f,
            "The captures are real recordings of the tmate 2.4 client with the original \
             tmate-ssh-server, shipped beside the project in shared/fixtures/tmate-2.4. Point the \
             tests at them with {ENV_VAR}=/path/to/tmate-2.4"
        )
    }
}

impl std::error::Error for MissingCapture {}

/// The capture directory of this process (`$TMATE_FIXTURES`, else the default); fails the test
/// with the full explanation when it holds no captures (no README.md).
pub fn fixtures_dir() -> PathBuf {
    let location = Location::from_env();
    if let Err(missing) = location.file("README.md") {
        panic!("{missing}");
    }
    location.dir().to_path_buf()
}

/// The path of one capture file (`.bin`, `.jsonl`, `.steps.json`); fails the test with the full
/// explanation when it is missing.
pub fn path(file: &str) -> PathBuf {
    Location::from_env()
        .file(file)
        .unwrap_or_else(|missing| panic!("{missing}"))
}

/// The bytes of one capture file; fails the test with the full explanation when it is missing.
pub fn read(file: &str) -> Vec<u8> {
    Location::from_env()
        .read(file)
        .unwrap_or_else(|missing| panic!("{missing}"))
}

/// The records of `NAME.DIRECTION.bin` (`DIRECTION` is `host-to-server` or `server-to-host`):
/// (microseconds, the bytes of one read).
pub fn records(name: &str, direction: &str) -> Vec<(u64, Vec<u8>)> {
    let file = format!("{name}.{direction}.bin");
    parse_records(&file, &read(&file))
}

/// The record format, read from `data` (`file` names it in errors).
fn parse_records(file: &str, data: &[u8]) -> Vec<(u64, Vec<u8>)> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let (Some(time), Some(len)) = (rest.get(..8), rest.get(8..12)) else {
            panic!("{file}: truncated record header");
        };
        let time = u64::from_be_bytes(time.try_into().unwrap_or_default());
        let len = u32::from_be_bytes(len.try_into().unwrap_or_default()) as usize;
        let Some(payload) = rest.get(12..12 + len) else {
            panic!("{file}: truncated record");
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

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty directory of this test's own, removed afterwards.
    struct EmptyDir(PathBuf);

    impl EmptyDir {
        fn new(name: &str) -> EmptyDir {
            let dir = std::env::temp_dir().join(format!(
                "tmate-fixtures-{name}-{}-{:?}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_nanos()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            EmptyDir(dir)
        }
    }

    impl Drop for EmptyDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn a_missing_capture_says_what_where_and_how() {
        let empty = EmptyDir::new("env");
        let location = Location {
            env: Some(empty.0.clone()),
            default: PathBuf::from("/nowhere/shared/fixtures/tmate-2.4"),
        };
        let missing = location.read("startup.host-to-server.bin").unwrap_err();
        let message = missing.to_string();
        let wanted = [
            "startup.host-to-server.bin".to_string(),
            format!("$TMATE_FIXTURES = {}", empty.0.display()),
            "/nowhere/shared/fixtures/tmate-2.4".to_string(),
            "real recordings of the tmate 2.4 client with the original tmate-ssh-server".into(),
            "shared/fixtures/tmate-2.4".into(),
            "TMATE_FIXTURES=/path/to/tmate-2.4".into(),
        ];
        for part in wanted {
            assert!(message.contains(&part), "{part:?} not in:\n{message}");
        }
        assert!(
            message.contains(
                &empty
                    .0
                    .join("startup.host-to-server.bin")
                    .display()
                    .to_string()
            ),
            "{message}"
        );
    }

    #[test]
    fn without_the_variable_the_default_is_named() {
        let empty = EmptyDir::new("default");
        let location = Location {
            env: None,
            default: empty.0.clone(),
        };
        let message = location.file("viewer_input.jsonl").unwrap_err().to_string();
        assert!(message.contains("viewer_input.jsonl"), "{message}");
        assert!(
            message.contains(&format!(
                "looked in the default {} ($TMATE_FIXTURES is not set)",
                empty.0.display()
            )),
            "{message}"
        );
        assert!(
            message.contains("TMATE_FIXTURES=/path/to/tmate-2.4"),
            "{message}"
        );
    }

    #[test]
    fn present_captures_are_read() {
        let dir = EmptyDir::new("present");
        let mut data = 7u64.to_be_bytes().to_vec();
        data.extend_from_slice(&3u32.to_be_bytes());
        data.extend_from_slice(b"abc");
        std::fs::write(dir.0.join("x.host-to-server.bin"), &data).unwrap();
        let location = Location {
            env: Some(dir.0.clone()),
            default: PathBuf::from("/nowhere"),
        };
        let bytes = location.read("x.host-to-server.bin").unwrap();
        assert_eq!(parse_records("x", &bytes), vec![(7, b"abc".to_vec())]);
    }
}
