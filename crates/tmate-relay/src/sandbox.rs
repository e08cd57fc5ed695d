//! The `tmate-ssh-server` binary's self-restriction after start-up (not the library's: the host
//! embeds the relay library and must keep its file access). Once the listening sockets are bound
//! and the keys and secret read, the relay needs no file system and opens no connections, so
//! it asks the kernel to take both away: Landlock with every file-system and TCP access right
//! handled and none granted, plus `no_new_privs` (nothing it could exec gains privileges).

use landlock::{ABI, Access, AccessFs, AccessNet, Ruleset, RulesetAttr, RulesetStatus};

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

/// Restrict this process for the rest of its life. Best effort on older kernels (the result
/// says what holds); an error only when the kernel refused a step it supports.
pub fn restrict() -> anyhow::Result<Enforced> {
    // no_new_privs first, on its own: it must hold even where Landlock does not exist.
    rustix::thread::set_no_new_privs(true)?;
    let abi = ABI::V5;
    let status = Ruleset::default()
        .handle_access(AccessFs::from_all(abi))?
        .handle_access(AccessNet::from_all(abi))?
        .create()?
        // No rules: every handled access is denied (already-open descriptors keep working).
        .restrict_self()?;
    Ok(match status.ruleset {
        RulesetStatus::FullyEnforced => Enforced::Full,
        RulesetStatus::PartiallyEnforced => Enforced::Partial,
        RulesetStatus::NotEnforced => Enforced::NoLandlock,
    })
}
