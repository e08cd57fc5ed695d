//! Fuzz target: arbitrary format strings through the host's format expander
//! (`tmate::format::expand`, `#{...}`, conditionals, every modifier: comparisons, regular
//! expressions, arithmetic, loops, padding; aliases, style markup) and the status-line markup
//! truncation the result feeds (`tmate_term::truncate_markup`). Nesting, total work, output
//! length, padding and pattern sizes are bounded, so nothing may panic or run away.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tmate::format::{Ctx, expand};
use tmate::state::State;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let fmt = String::from_utf8_lossy(rest);
    let state = State::default();
    let ctx = Ctx {
        session: u32::from(first & 3),
        window: u32::from((first >> 2) & 3),
        pane: u32::from(first >> 4),
    };
    let out = expand(&state, ctx, &fmt);
    let _ = tmate_term::truncate_markup(&out, usize::from(first));
});
