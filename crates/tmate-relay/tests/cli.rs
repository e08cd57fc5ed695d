//! The `tmate-ssh-server` binary as a user meets it on the command line: a port already in use
//! is one clear error (not an IPv6 story), logs on a redirected stderr carry no colour escapes,
//! `--help` describes the sandbox that `src/sandbox.rs` really applies, and Redis TLS flags
//! that cannot work stop it at start.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Generous: debug builds on a shared 2-core machine create an RSA key at start-up.
const DEADLINE: Duration = Duration::from_secs(60);

/// The relay binary with a fresh keys directory and an environment that cannot change what is
/// tested (a `RUST_LOG` or `NO_COLOR` of the caller's would).
fn relay(keys: &tempfile::TempDir, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tmate-ssh-server"));
    command
        .arg("-k")
        .arg(keys.path())
        .args(["-h", "127.0.0.1"])
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Everything the child writes to stderr, once it has exited (its stderr closes), within the
/// deadline; the child is killed if it does not exit.
fn stderr_at_exit(mut child: Child) -> (std::process::ExitStatus, String) {
    let mut stderr = child.stderr.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    // Drain stdout too, so the child never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        let _ = tx.send(text);
    });
    let text = match rx.recv_timeout(DEADLINE) {
        Ok(text) => text,
        Err(_) => {
            let _ = child.kill();
            panic!("the relay did not exit within {DEADLINE:?}");
        }
    };
    (child.wait().unwrap(), text)
}

/// A port taken by another listener: `[::]` (dual stack) and `0.0.0.0` both conflict with it.
fn occupied_port() -> (TcpListener, u16) {
    let listener = TcpListener::bind("0.0.0.0:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

#[test]
fn a_port_in_use_is_one_clear_error() {
    let (_taken, port) = occupied_port();
    let keys = tempfile::tempdir().unwrap();
    let child = relay(&keys, &["-p", &port.to_string(), "--no-web"])
        .spawn()
        .unwrap();
    let (status, stderr) = stderr_at_exit(child);
    assert!(!status.success(), "exit status {status}; stderr:\n{stderr}");
    assert!(
        stderr.contains(&format!(":{port}: Address already in use")),
        "{stderr}"
    );
    assert_eq!(stderr.matches("in use").count(), 1, "said once:\n{stderr}");
    assert!(!stderr.contains("IPv6"), "no IPv6 story:\n{stderr}");

    // The same for the web viewer's port.
    let (_taken, web_port) = occupied_port();
    let keys = tempfile::tempdir().unwrap();
    let child = relay(&keys, &["-p", "0", "--web-port", &web_port.to_string()])
        .spawn()
        .unwrap();
    let (status, stderr) = stderr_at_exit(child);
    assert!(!status.success(), "exit status {status}; stderr:\n{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot listen for the web viewer on [::]:{web_port}: Address already in use"
        )) || stderr.contains(&format!(
            "cannot listen for the web viewer on 0.0.0.0:{web_port}: Address already in use"
        )),
        "{stderr}"
    );
    assert_eq!(stderr.matches("in use").count(), 1, "said once:\n{stderr}");
    assert!(!stderr.contains("IPv6"), "no IPv6 story:\n{stderr}");
}

#[test]
fn logs_to_a_pipe_have_no_colour() {
    let keys = tempfile::tempdir().unwrap();
    let mut child = relay(&keys, &["-b", "127.0.0.1", "-p", "0", "--no-web"])
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // The start-up log ends with the sandbox line, after the host keys' lines.
    let deadline = Instant::now() + DEADLINE;
    let mut lines = Vec::new();
    while !lines.iter().any(|l: &String| l.contains("sandbox")) {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => lines.push(line),
            Err(_) => {
                let _ = child.kill();
                panic!("no sandbox log line within {DEADLINE:?}: {lines:?}");
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(lines.len() >= 2, "host key and sandbox lines: {lines:?}");
    for line in &lines {
        assert!(!line.contains("\x1b["), "colour escape in {line:?}");
    }
}

#[test]
fn help_describes_the_sandbox_that_is_applied() {
    let output = Command::new(env!("CARGO_BIN_EXE_tmate-ssh-server"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    let sandbox = help
        .split("--no-sandbox")
        .nth(1)
        .expect("--no-sandbox in --help");
    // What sandbox.rs applies: no_new_privs and Landlock's file-system and TCP rights.
    for applied in ["no_new_privs", "Landlock", "file", "TCP"] {
        assert!(sandbox.contains(applied), "{applied} missing:\n{help}");
    }
    // seccomp is not applied: it may only be named as absent.
    assert_eq!(
        help.matches("seccomp").count(),
        help.matches("no seccomp").count(),
        "--help claims seccomp:\n{help}"
    );
}

/// TLS files for Redis with a plain `redis://` URL, or one that cannot be read, stop the relay
/// at start with the flag and the reason, before it listens.
#[test]
fn redis_tls_flags_are_checked_at_start() {
    let keys = tempfile::tempdir().unwrap();
    let ca = keys.path().join("ca.pem");
    std::fs::write(&ca, "not a certificate").unwrap();
    let ca = ca.display().to_string();
    let plain = ["-p", "0", "--redis", "redis://user:secret@127.0.0.1:1/"];
    let child = relay(&keys, &[&plain[..], &["--redis-ca", &ca]].concat())
        .spawn()
        .unwrap();
    let (status, stderr) = stderr_at_exit(child);
    assert!(!status.success());
    assert!(stderr.contains("need a rediss:// URL"), "{stderr}");
    assert!(
        !stderr.contains("secret"),
        "the password is not shown: {stderr}"
    );

    let missing = keys.path().join("missing.pem").display().to_string();
    let tls = [
        "-p",
        "0",
        "--redis",
        "rediss://127.0.0.1:1/",
        "--redis-ca",
        &missing,
    ];
    let (status, stderr) = stderr_at_exit(relay(&keys, &tls).spawn().unwrap());
    assert!(!status.success());
    assert!(
        stderr.contains("--redis-ca: cannot read") && stderr.contains("missing.pem"),
        "{stderr}"
    );

    // A file that is not a certificate.
    let tls = [
        "-p",
        "0",
        "--redis",
        "rediss://127.0.0.1:1/",
        "--redis-ca",
        &ca,
    ];
    let (status, stderr) = stderr_at_exit(relay(&keys, &tls).spawn().unwrap());
    assert!(!status.success());
    assert!(
        stderr.contains("the CA file holds no PEM certificate"),
        "{stderr}"
    );
}
