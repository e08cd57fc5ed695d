//! `refresh-client`'s control-mode flags (tmux 3.3a's `cmd-refresh-client.c`): `-f`/`-F`
//! client flags, `-A %N:on|off|continue|pause`, `-C WxH` (the client's size, which then counts
//! in its session's smallest-client rule). `-B` subscriptions are not kept (see README).

use crate::cmd::Args;
use crate::state::State;

/// tmux's WINDOW_MINIMUM and WINDOW_MAXIMUM.
const SIZE_RANGE: std::ops::RangeInclusive<u16> = 1..=10000;

/// Applies the control flags of a `refresh-client` for `client`; errors as tmux words them.
pub fn refresh_client(st: &mut State, client: u32, args: &Args) -> Result<(), String> {
    let Some(handle) = st.clients.get_mut(&client) else {
        return Err("no current client".into());
    };
    let session = handle.session;
    for list in [args.get('F'), args.get('f')].into_iter().flatten() {
        handle.set_flags(list);
    }
    if args.has('f') || args.has('F') {
        // `ignore-size` changes which clients size the session.
        st.recompute_size_now(session);
    }
    let Some(handle) = st.clients.get_mut(&client) else {
        return Err("no current client".into());
    };
    let wants_control = args.has('A') || args.has('B') || args.has('C');
    let Some(control) = handle.control.as_mut() else {
        return if wants_control {
            Err("not a control client".into())
        } else {
            Ok(())
        };
    };
    if args.has('A') {
        // One value: the shared getopt keeps a flag's last (tmux takes several).
        if let Some(value) = args.get('A') {
            pane_state(control, value);
        }
        return Ok(());
    }
    if args.has('B') {
        return Ok(());
    }
    if let Some(size) = args.get('C') {
        // `@WINDOW:WxH` sizes one window in tmux; tmate sizes sessions alone, so it is
        // accepted and has no effect.
        if size.starts_with('@') {
            return Ok(());
        }
        let (x, y) = parse_size(size).ok_or("bad size argument")?;
        if !SIZE_RANGE.contains(&x) || !SIZE_RANGE.contains(&y) {
            return Err("size too small or too big".into());
        }
        handle.size = Some((x, y));
        st.recompute_size_now(session);
    }
    Ok(())
}

/// `%N:on`, `%N:off`, `%N:continue`, `%N:pause`; anything else is ignored, as tmux does.
fn pane_state(control: &mut super::ControlState, value: &str) {
    let Some((pane, what)) = value.split_once(':') else {
        return;
    };
    let Some(pane) = pane.strip_prefix('%').and_then(|p| p.parse::<u32>().ok()) else {
        return;
    };
    match what {
        "on" => control.turn_on(pane),
        "off" => control.turn_off(pane),
        "continue" => control.resume(pane),
        "pause" => control.pause(pane),
        _ => {}
    }
}

/// `W,H` or `WxH` (tmux reads both with sscanf: leading digits, the rest ignored).
fn parse_size(size: &str) -> Option<(u16, u16)> {
    let (x, y) = size.split_once(',').or_else(|| size.split_once('x'))?;
    let digits = |s: &str| -> Option<u16> {
        let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let n: u64 = s.get(..end)?.parse().ok()?;
        // Out of u16 range is "too big", not "bad".
        Some(u16::try_from(n).unwrap_or(u16::MAX))
    };
    Some((digits(x)?, digits(y)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_tmux_reads_them() {
        assert_eq!(parse_size("100x30"), Some((100, 30)));
        assert_eq!(parse_size("100,30"), Some((100, 30)));
        assert_eq!(parse_size("0x5"), Some((0, 5)));
        assert_eq!(parse_size("99999x5"), Some((u16::MAX, 5)));
        assert_eq!(parse_size("abc"), None);
        assert_eq!(parse_size("x5"), None);
    }
}
