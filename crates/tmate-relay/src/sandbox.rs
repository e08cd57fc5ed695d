//! The `tmate-ssh-server` binary's self-restriction after start-up (not the library's: the host
//! embeds the relay library and must keep its file access). Once the listening sockets are bound
//! and the keys and secret read, the relay needs no file system and opens no connections, so
//! it asks the kernel to take both away: Landlock with every file-system and TCP access right
//! handled and none granted, plus `no_new_privs` (nothing it could exec gains privileges).
//! No seccomp filter: the syscalls of tokio, russh and axum are many and change with their
//! versions, and Landlock already takes away the file system and new connections.
//! In a cluster (`--redis`) or with webhooks (`--webhook`, `--allow-host-webhooks`) the relay
//! must still reach Redis, the other nodes or the receivers, and resolve their names: there
//! Landlock takes away file writes and execution and TCP bind, and leaves reading files (the
//! resolver's /etc/hosts, NSS modules, the system's CA certificates) and TCP connect.
//! With `--accounts` and `--web-tls-cert`, those files' directories stay readable so SIGHUP
//! can re-read them.
//! `SUMMARY` and `Enforced::describe` are the one wording of all this, used by `--help`, the
//! start-up line and the log, and repeated in docs/SECURITY.md, so they cannot disagree.

use landlock::{
    ABI, Access, AccessFs, AccessNet, PathBeneath, PathFd, Ruleset, RulesetAttr,
    RulesetCreatedAttr, RulesetStatus,
};

/// What the sandbox applies and what it does not, as `--help` says it.
pub const SUMMARY: &str = "no_new_privs, and Landlock where the kernel has it (no file opened, \
                           created or executed; no TCP bind or connect; files and sockets already \
                           open keep working; in a cluster or with webhooks, files may be read \
                           and TCP connected, for Redis, the other nodes and webhook receivers; \
                           the directories of the --accounts and --web-tls-* files may be read); \
                           no seccomp";

/// What the kernel enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enforced {
    /// Landlock restricts files and TCP as asked.
    Full,
    /// An older kernel: Landlock restricts what it knows (e.g. files, not TCP).
    Partial,
    /// No Landlock in this kernel: only `no_new_privs` holds.
    NoLandlock,
}

impl Enforced {
    /// The start-up line's words for what holds (after `sandbox: `).
    pub fn describe(self, connects: bool) -> &'static str {
        match (self, connects) {
            (Enforced::Full, true) => {
                "no_new_privs, Landlock (no file created, written or executed; no TCP bind; \
                 reading files and TCP connect left for Redis, the other nodes and webhook \
                 receivers); no seccomp"
            }
            (Enforced::Partial, true) => {
                "no_new_privs, Landlock in part (this kernel enforces only some of: no file \
                 created, written or executed; no TCP bind); no seccomp"
            }
            (Enforced::NoLandlock, _) => {
                "no_new_privs only (this kernel has no Landlock); no seccomp"
            }
            (Enforced::Full, false) => {
                "no_new_privs, Landlock (no file opened, created or executed; no TCP bind or \
                 connect); no seccomp"
            }
            (Enforced::Partial, false) => {
                "no_new_privs, Landlock in part (this kernel enforces only some of: no file \
                 opened, created or executed; no TCP bind or connect); no seccomp"
            }
        }
    }
}

/// Restrict this process for the rest of its life. Best effort on older kernels (the result
/// says what holds); an error only when the kernel refused a step it supports. `connects`: the
/// relay opens connections (cluster, webhooks). `readable`: directories whose files may still
/// be read (the accounts file's, the web certificate's).
pub fn restrict(connects: bool, readable: &[std::path::PathBuf]) -> anyhow::Result<Enforced> {
    // no_new_privs first, on its own: it must hold even where Landlock does not exist.
    rustix::thread::set_no_new_privs(true)?;
    let abi = ABI::V5;
    let (files, net) = if connects {
        (
            AccessFs::from_all(abi) & !(AccessFs::ReadFile | AccessFs::ReadDir),
            AccessNet::BindTcp.into(),
        )
    } else {
        (AccessFs::from_all(abi), AccessNet::from_all(abi))
    };
    let mut ruleset = Ruleset::default()
        .handle_access(files)?
        .handle_access(net)?
        .create()?;
    // Without rules every handled access is denied (already-open descriptors keep working).
    for dir in readable {
        let read = (AccessFs::ReadFile | AccessFs::ReadDir) & files;
        if !read.is_empty() {
            ruleset = ruleset.add_rule(PathBeneath::new(PathFd::new(dir)?, read))?;
        }
    }
    let status = ruleset.restrict_self()?;
    Ok(match status.ruleset {
        RulesetStatus::FullyEnforced => Enforced::Full,
        RulesetStatus::PartiallyEnforced => Enforced::Partial,
        RulesetStatus::NotEnforced => Enforced::NoLandlock,
    })
}
