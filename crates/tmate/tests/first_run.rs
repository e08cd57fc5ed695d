//! What a newcomer meets on a shared machine: the private socket directory (created 0700,
//! refused when open to others, shared peacefully with Debian's tmate), and a clear line when
//! our client meets Debian's tmate 2.4 server on a socket or the other way round; a server
//! started by several clients at once, or over a dead server's socket file.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{DEADLINE, Mux};

const OURS: &str = env!("CARGO_BIN_EXE_tmate");

/// Debian's tmate 2.4, installed by scripts/test.
const DEBIAN_TMATE: &str = "/usr/bin/tmate";

fn uid() -> u32 {
    rustix::process::getuid().as_raw()
}

/// A command of either program in `tmpdir` (`TMUX_TMPDIR`) with no relay to reach.
fn command(program: &str, tmpdir: &std::path::Path, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args)
        .env("TMUX_TMPDIR", tmpdir)
        .env("HOME", tmpdir)
        .env("TMATE_EMBEDDED_RELAY", "0")
        .env("SHELL", "/bin/sh")
        .env_remove("TMUX")
        .env_remove("TMUX_PANE")
        .current_dir(tmpdir)
        .stdin(Stdio::null());
    c
}

/// Run to completion within `limit` (killed and failed past it).
fn run_within(mut c: Command, limit: Duration) -> (Output, Duration) {
    let start = Instant::now();
    let mut child = c
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{c:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let took = start.elapsed();
    (child.wait_with_output().unwrap(), took)
}

/// A tmate 2.4 config that points at a closed local port: its server starts and keeps its
/// session while it fails to reach a relay (nothing leaves the machine).
fn debian_config(dir: &std::path::Path) -> String {
    let path = dir.join("debian.conf");
    std::fs::write(
        &path,
        "set -g tmate-server-host 127.0.0.1\nset -g tmate-server-port 1\n",
    )
    .unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn the_socket_directory_is_private_and_debian_tmate_starts_after_ours() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join(format!("tmate-{}", uid()));
    let ours = |args: &[&str]| command(OURS, tmp.path(), args).output().unwrap();
    let out = ours(&["-f", "/dev/null", "new-session", "-d"]);
    assert!(out.status.success(), "{out:?}");
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{} created {mode:o}", dir.display());
    assert!(ours(&["kill-server"]).status.success());

    // Debian's tmate in the same TMUX_TMPDIR: a server of its own (random label), that works.
    let config = debian_config(tmp.path());
    let out = command(
        DEBIAN_TMATE,
        tmp.path(),
        &["-f", &config, "-L", "deb", "new-session", "-d"],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "Debian's tmate refused: {out:?}");
    let listed = command(DEBIAN_TMATE, tmp.path(), &["-L", "deb", "list-sessions"])
        .output()
        .unwrap();
    let _ = command(DEBIAN_TMATE, tmp.path(), &["-L", "deb", "kill-server"]).output();
    assert!(listed.status.success(), "{listed:?}");
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("1 windows"),
        "{listed:?}"
    );

    // Opened to others: refused before any server starts, as tmux words it.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = ours(&["-f", "/dev/null", "new-session", "-d"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with(&format!(
            "error creating {} (Permission denied",
            dir.display()
        )),
        "{err}"
    );
    assert!(!dir.join("default").exists(), "a server started anyway");
    // tmate 2.4 refuses it too: ours must not be the one that leaves it so.
    let out = command(DEBIAN_TMATE, tmp.path(), &["-L", "deb", "ls"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Permission denied"),
        "{out:?}"
    );
}

#[test]
fn debian_tmate_on_our_socket_is_told_what_it_reached() {
    let mux = Mux::tmate();
    mux.run(&["new-session", "-d"]);
    let sock = mux.sock_args[1].clone();
    for args in [vec!["-S", &sock, "ls"], vec!["-S", &sock, "attach"]] {
        let (out, took) = run_within(
            command(DEBIAN_TMATE, mux.dir.path(), &args),
            Duration::from_secs(10),
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
        assert_eq!(err.lines().count(), 1, "{args:?}: one line, got {err}");
        assert!(
            err.contains(&format!("{sock} is served by tmate-rs")) && err.contains(OURS),
            "{args:?}: {err}"
        );
        assert!(took < Duration::from_secs(1), "{args:?} took {took:?}");
    }
    // Our own server is unharmed.
    assert!(mux.run(&["list-sessions"]).contains("1 windows"));
    mux.run(&["kill-server"]);
}

#[test]
fn our_client_on_a_debian_tmate_socket_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let sock = tmp.path().join("deb").to_string_lossy().into_owned();
    let config = debian_config(tmp.path());
    let out = command(
        DEBIAN_TMATE,
        tmp.path(),
        &["-f", &config, "-S", &sock, "new-session", "-d"],
    )
    .output()
    .unwrap();
    assert!(out.status.success(), "{out:?}");
    // Commands that would start a server, and ones that would not.
    for args in [
        vec!["-S", &sock, "list-sessions"],
        vec!["-S", &sock, "new-session", "-d"],
    ] {
        let (out, took) = run_within(command(OURS, tmp.path(), &args), Duration::from_secs(10));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {out:?}");
        assert_eq!(err.lines().count(), 1, "{args:?}: one line, got {err}");
        assert!(
            err.contains(&format!(
                "{sock} is served by a tmux-protocol server (protocol 8: Debian's tmate 2.4"
            )) && err.contains(OURS),
            "{args:?}: {err}"
        );
        assert!(took < Duration::from_secs(1), "{args:?} took {took:?}");
    }
    // Debian's server keeps its session.
    let deadline = Instant::now() + DEADLINE;
    let listed = loop {
        let out = command(DEBIAN_TMATE, tmp.path(), &["-S", &sock, "ls"])
            .output()
            .unwrap();
        if out.status.success() || Instant::now() > deadline {
            break out;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = command(DEBIAN_TMATE, tmp.path(), &["-S", &sock, "kill-server"]).output();
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("1 windows"),
        "{listed:?}"
    );
}

#[test]
fn clients_starting_at_once_share_one_server_and_a_dead_socket_is_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let sock = tmp.path().join("s");
    // A dead server's socket file: bound, then its listener gone.
    drop(std::os::unix::net::UnixListener::bind(&sock).unwrap());
    assert!(sock.exists());
    let sock_arg = sock.to_string_lossy().into_owned();
    let starting: Vec<_> = (0..6)
        .map(|i| {
            let name = format!("s{i}");
            let args = [
                "-f",
                "/dev/null",
                "-S",
                &sock_arg,
                "new-session",
                "-d",
                "-s",
                &name,
            ];
            command(OURS, tmp.path(), &args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<Output> = starting
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let listed = command(OURS, tmp.path(), &["-S", &sock_arg, "list-sessions"])
        .output()
        .unwrap();
    let _ = command(OURS, tmp.path(), &["-S", &sock_arg, "kill-server"]).output();
    // Without a relay the one-session rule does not apply: one server holds all six.
    assert!(outputs.iter().all(|o| o.status.success()), "{outputs:?}");
    let listed = String::from_utf8_lossy(&listed.stdout);
    let mut names: Vec<&str> = listed.lines().filter_map(|l| l.split(':').next()).collect();
    names.sort_unstable();
    assert_eq!(names, ["s0", "s1", "s2", "s3", "s4", "s5"], "{listed}");
    assert!(
        !tmp.path().join("s.lock").exists(),
        "the start lock stayed behind"
    );
}

/// The server a client starts (forked from it, as tmux's) is a daemon: its own session with
/// no controlling terminal, standard streams on /dev/null (so a caller reading the client's
/// output sees its end when the client exits), and the client that started it gone.
#[test]
fn a_started_server_is_a_daemon_of_its_own() {
    let tmp = tempfile::tempdir().unwrap();
    let sock = tmp.path().join("d").to_string_lossy().into_owned();
    let args = ["-f", "/dev/null", "-S", &sock, "new-session", "-d"];
    let (started, _) = run_within(command(OURS, tmp.path(), &args), DEADLINE);
    assert!(started.status.success(), "{started:?}");
    let shown = command(OURS, tmp.path(), &["-S", &sock, "display", "-p", "#{pid}"])
        .output()
        .unwrap();
    let pid: i32 = String::from_utf8_lossy(&shown.stdout)
        .trim()
        .parse()
        .unwrap();
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    // After the name: state, ppid, pgrp, session, tty_nr.
    let (session, tty) = (fields[3], fields[4]);
    let streams: Vec<_> = (0..3)
        .map(|fd| std::fs::read_link(format!("/proc/{pid}/fd/{fd}")).unwrap())
        .collect();
    let _ = command(OURS, tmp.path(), &["-S", &sock, "kill-server"]).output();
    assert_eq!(
        session,
        pid.to_string(),
        "the server leads a session: {stat}"
    );
    assert_eq!(tty, "0", "the server has no controlling terminal: {stat}");
    assert!(
        streams
            .iter()
            .all(|p| p == std::path::Path::new("/dev/null")),
        "{streams:?}"
    );
}
