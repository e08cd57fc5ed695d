//! Giving freed memory back to the system after sessions end (a debounced `malloc_trim`).
//!
//! A busy session's mirror holds megabytes of history. When it ends, glibc keeps the freed
//! pages in its per-thread arenas, so the relay's resident memory stayed near its peak after
//! the sessions were gone (the soak test measured 10 MB -> 880 MB after three rounds of 200
//! busy sessions). `malloc_trim(0)` returns the free pages of every arena. It walks the heaps
//! and takes each arena's lock, so it runs on a blocking thread, at most about once a second,
//! and only after a session (the relay's one big allocation) was dropped. Process-global
//! allocator tuning (`mallopt`) is not done here: the host embeds this library.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long after a session is freed the trim runs: sessions ending together (a relay
/// restart of hosts, a test round) share one trim, and trims happen at most once per delay.
const DELAY: Duration = Duration::from_secs(1);

/// A trim is scheduled and has not started yet: further requests join it.
static SCHEDULED: AtomicBool = AtomicBool::new(false);

/// Something big was freed: schedule a trim unless one is already scheduled. Outside a tokio
/// runtime (unit tests dropping sessions) nothing is done.
pub fn freed_something_big() {
    if !cfg!(all(target_os = "linux", target_env = "gnu")) {
        return;
    }
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    if SCHEDULED.swap(true, Ordering::AcqRel) {
        return;
    }
    runtime.spawn(async {
        tokio::time::sleep(DELAY).await;
        // Cleared before the trim starts: memory freed during the trim gets its own.
        SCHEDULED.store(false, Ordering::Release);
        // A failed join (runtime shutting down) just means no trim: nothing to report.
        let _ = tokio::task::spawn_blocking(trim).await;
    });
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn trim() {
    // SAFETY: malloc_trim takes no pointers; glibc makes it safe to call from any thread at
    // any time (it locks each arena).
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}
