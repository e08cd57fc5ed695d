//! The options table (tmux 3.3a `options-table.c` plus tmate 2.4's own options): names, scopes,
//! types, defaults; the global values; checking and normalising a value as `set-option` does;
//! and tmux's quoting of values for `show-options` (`args_escape`). No I/O.

use std::collections::BTreeMap;

use tmate_proto::KeyCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    Server,
    Session,
    Window,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    Num(i64, i64),
    Flag,
    Choice(&'static [&'static str]),
    Key,
    /// An array of strings (`update-environment`): `set` splits its value at spaces and commas.
    Array,
    /// A hook: an array of command lists, kept as tmux prints them (`set-hook`, `show-hooks`).
    Hook,
}

pub struct Def {
    pub name: &'static str,
    pub scope: Scope,
    pub kind: Kind,
    pub default: &'static str,
    /// A window option a pane may hold itself (tmux 3.3a's `OPTIONS_TABLE_WINDOW |
    /// OPTIONS_TABLE_PANE`): `set -p`, looked up pane first, then window, then global.
    pub pane: bool,
}

const fn def(name: &'static str, scope: Scope, kind: Kind, default: &'static str) -> Def {
    Def {
        name,
        scope,
        kind,
        default,
        pane: false,
    }
}

/// [`def`] for a window option panes may hold too.
const fn pane(name: &'static str, kind: Kind, default: &'static str) -> Def {
    Def {
        name,
        scope: Scope::Window,
        kind,
        default,
        pane: true,
    }
}

use Kind::{Array, Choice, Flag, Hook, Key, Num, Str};
use Scope::{Server as SV, Session as SE, Window as WI};

const MAX: i64 = i32::MAX as i64;
const ACTIONS: &[&str] = &["none", "any", "current", "other"];
const VISUAL: &[&str] = &["off", "on", "both"];
const KEYS: &[&str] = &["emacs", "vi"];

/// In tmux's table order (show-options lists in this order), tmate's own options last.
pub const TABLE: &[Def] = &[
    // Server options.
    def("backspace", SV, Key, "C-?"),
    def("buffer-limit", SV, Num(1, MAX), "50"),
    def("command-alias", SV, Array, COMMAND_ALIAS),
    def("copy-command", SV, Str, ""),
    def("default-terminal", SV, Str, "tmux-256color"),
    def("editor", SV, Str, "/usr/bin/vi"),
    def("escape-time", SV, Num(0, MAX), "500"),
    def("exit-empty", SV, Flag, "on"),
    def("exit-unattached", SV, Flag, "off"),
    def("extended-keys", SV, Choice(&["off", "on", "always"]), "off"),
    def("focus-events", SV, Flag, "off"),
    def("history-file", SV, Str, ""),
    def("message-limit", SV, Num(0, MAX), "1000"),
    def("prompt-history-limit", SV, Num(0, 65536), "100"),
    def(
        "set-clipboard",
        SV,
        Choice(&["off", "external", "on"]),
        "external",
    ),
    // Accepted and kept as tmux 3.3a keeps them; they describe the outer terminals, which
    // our attached clients' drawing does not consult yet.
    // tmux 3.3a's table order (show-options lists in it): overrides before features.
    def("terminal-overrides", SV, Array, ""),
    def("terminal-features", SV, Array, TERMINAL_FEATURES),
    def("user-keys", SV, Array, ""),
    // Session options.
    def("activity-action", SE, Choice(ACTIONS), "other"),
    def("assume-paste-time", SE, Num(0, MAX), "1"),
    def("base-index", SE, Num(0, MAX), "0"),
    def("bell-action", SE, Choice(ACTIONS), "any"),
    def("default-command", SE, Str, ""),
    // Replaced at start-up by $SHELL when it is usable (tmux `getshell`).
    def("default-shell", SE, Str, "/bin/sh"),
    def("default-size", SE, Str, "80x24"),
    def("destroy-unattached", SE, Flag, "off"),
    def(
        "detach-on-destroy",
        SE,
        Choice(&["off", "on", "no-detached"]),
        "on",
    ),
    def("display-panes-active-colour", SE, Str, "red"),
    def("display-panes-colour", SE, Str, "blue"),
    def("display-panes-time", SE, Num(1, MAX), "1000"),
    def("display-time", SE, Num(0, MAX), "750"),
    def("history-limit", SE, Num(0, MAX), "2000"),
    def("key-table", SE, Str, "root"),
    def("lock-after-time", SE, Num(0, MAX), "0"),
    def("lock-command", SE, Str, "lock -np"),
    def("message-command-style", SE, Str, "bg=black,fg=yellow"),
    def("message-style", SE, Str, "bg=yellow,fg=black"),
    def("mouse", SE, Flag, "off"),
    def("prefix", SE, Key, "C-b"),
    def("prefix2", SE, Key, "None"),
    def("renumber-windows", SE, Flag, "off"),
    def("repeat-time", SE, Num(0, 2_000_000), "500"),
    def("set-titles", SE, Flag, "off"),
    def(
        "set-titles-string",
        SE,
        Str,
        "#S:#I:#W - \"#T\" #{session_alerts}",
    ),
    def("silence-action", SE, Choice(ACTIONS), "other"),
    def(
        "status",
        SE,
        Choice(&["off", "on", "2", "3", "4", "5"]),
        "on",
    ),
    def("status-bg", SE, Str, "default"),
    def("status-fg", SE, Str, "default"),
    def("status-format", SE, Array, STATUS_FORMAT),
    def("status-interval", SE, Num(0, MAX), "15"),
    def(
        "status-justify",
        SE,
        Choice(&["left", "centre", "right", "absolute-centre"]),
        "left",
    ),
    def("status-keys", SE, Choice(KEYS), "emacs"),
    def("status-left", SE, Str, "[#{session_name}] "),
    def("status-left-length", SE, Num(0, i16::MAX as i64), "10"),
    def("status-left-style", SE, Str, "default"),
    def("status-position", SE, Choice(&["top", "bottom"]), "bottom"),
    def(
        "status-right",
        SE,
        Str,
        "#{?window_bigger,[#{window_offset_x}#,#{window_offset_y}] ,}\"#{=21:pane_title}\" %H:%M %d-%b-%y",
    ),
    def("status-right-length", SE, Num(0, i16::MAX as i64), "40"),
    def("status-right-style", SE, Str, "default"),
    def("status-style", SE, Str, "bg=green,fg=black"),
    def("update-environment", SE, Array, UPDATE_ENVIRONMENT),
    def("visual-activity", SE, Choice(VISUAL), "off"),
    def("visual-bell", SE, Choice(VISUAL), "off"),
    def("visual-silence", SE, Choice(VISUAL), "off"),
    def(
        "word-separators",
        SE,
        Str,
        "!\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~",
    ),
    // Window options (tmux 3.3a's table order; `pane` ones may be set on a pane too).
    pane("cursor-colour", Str, "none"),
    pane(
        "cursor-style",
        Choice(&[
            "default",
            "blinking-block",
            "block",
            "blinking-underline",
            "underline",
            "blinking-bar",
            "bar",
        ]),
        "default",
    ),
    def("aggressive-resize", WI, Flag, "off"),
    pane("allow-passthrough", Flag, "off"),
    pane("allow-rename", Flag, "off"),
    pane("alternate-screen", Flag, "on"),
    def("automatic-rename", WI, Flag, "on"),
    def(
        "automatic-rename-format",
        WI,
        Str,
        "#{?pane_in_mode,[tmux],#{pane_current_command}}#{?pane_dead,[dead],}",
    ),
    def("clock-mode-colour", WI, Str, "blue"),
    def("clock-mode-style", WI, Choice(&["12", "24"]), "24"),
    def(
        "copy-mode-match-style",
        WI,
        Str,
        crate::copy::draw::MATCH_STYLE,
    ),
    def(
        "copy-mode-current-match-style",
        WI,
        Str,
        crate::copy::draw::CURRENT_MATCH_STYLE,
    ),
    def("copy-mode-mark-style", WI, Str, "bg=red,fg=black"),
    def("fill-character", WI, Str, ""),
    def("main-pane-height", WI, Str, "24"),
    def("main-pane-width", WI, Str, "80"),
    def("mode-keys", WI, Choice(KEYS), "emacs"),
    def("mode-style", WI, Str, "bg=yellow,fg=black"),
    def("monitor-activity", WI, Flag, "off"),
    def("monitor-bell", WI, Flag, "on"),
    def("monitor-silence", WI, Num(0, MAX), "0"),
    def("other-pane-height", WI, Str, "0"),
    def("other-pane-width", WI, Str, "0"),
    def(
        "pane-active-border-style",
        WI,
        Str,
        "#{?pane_in_mode,fg=yellow,#{?synchronize-panes,fg=red,fg=green}}",
    ),
    def("pane-base-index", WI, Num(0, u16::MAX as i64), "0"),
    pane(
        "pane-border-format",
        Str,
        "#{?pane_active,#[reverse],}#{pane_index}#[default] \"#{pane_title}\"",
    ),
    def(
        "pane-border-indicators",
        WI,
        Choice(&["off", "colour", "arrows", "both"]),
        "colour",
    ),
    def(
        "pane-border-lines",
        WI,
        Choice(&["single", "double", "heavy", "simple", "number"]),
        "single",
    ),
    def(
        "pane-border-status",
        WI,
        Choice(&["off", "top", "bottom"]),
        "off",
    ),
    def("pane-border-style", WI, Str, "default"),
    pane("pane-colours", Array, ""),
    def("popup-style", WI, Str, "default"),
    def("popup-border-style", WI, Str, "default"),
    def(
        "popup-border-lines",
        WI,
        Choice(&[
            "single", "rounded", "double", "heavy", "simple", "padded", "none",
        ]),
        "single",
    ),
    pane("remain-on-exit", Choice(&["off", "on", "failed"]), "off"),
    pane("remain-on-exit-format", Str, REMAIN_ON_EXIT_FORMAT),
    pane("scroll-on-clear", Flag, "on"),
    pane("synchronize-panes", Flag, "off"),
    pane("window-active-style", Str, "default"),
    // tmate's default (tmux 3.3a's is `latest`): a shared session fits every viewer.
    def(
        "window-size",
        WI,
        Choice(&["largest", "smallest", "manual", "latest"]),
        "smallest",
    ),
    pane("window-style", Str, "default"),
    def("window-status-activity-style", WI, Str, "reverse"),
    def("window-status-bell-style", WI, Str, "reverse"),
    def(
        "window-status-current-format",
        WI,
        Str,
        "#I:#W#{?window_flags,#{window_flags}, }",
    ),
    def("window-status-current-style", WI, Str, "default"),
    def(
        "window-status-format",
        WI,
        Str,
        "#I:#W#{?window_flags,#{window_flags}, }",
    ),
    def("window-status-last-style", WI, Str, "default"),
    def("window-status-separator", WI, Str, " "),
    def("window-status-style", WI, Str, "default"),
    def("wrap-search", WI, Flag, "on"),
    def("xterm-keys", WI, Flag, "on"),
    // Hooks (tmux 3.3a's `OPTIONS_TABLE_HOOK`s, in its order): session hooks, then the window
    // and pane ones.
    def("after-bind-key", SE, Hook, ""),
    def("after-capture-pane", SE, Hook, ""),
    def("after-copy-mode", SE, Hook, ""),
    def("after-display-message", SE, Hook, ""),
    def("after-display-panes", SE, Hook, ""),
    def("after-kill-pane", SE, Hook, ""),
    def("after-list-buffers", SE, Hook, ""),
    def("after-list-clients", SE, Hook, ""),
    def("after-list-keys", SE, Hook, ""),
    def("after-list-panes", SE, Hook, ""),
    def("after-list-sessions", SE, Hook, ""),
    def("after-list-windows", SE, Hook, ""),
    def("after-load-buffer", SE, Hook, ""),
    def("after-lock-server", SE, Hook, ""),
    def("after-new-session", SE, Hook, ""),
    def("after-new-window", SE, Hook, ""),
    def("after-paste-buffer", SE, Hook, ""),
    def("after-pipe-pane", SE, Hook, ""),
    def("after-queue", SE, Hook, ""),
    def("after-refresh-client", SE, Hook, ""),
    def("after-rename-session", SE, Hook, ""),
    def("after-rename-window", SE, Hook, ""),
    def("after-resize-pane", SE, Hook, ""),
    def("after-resize-window", SE, Hook, ""),
    def("after-save-buffer", SE, Hook, ""),
    def("after-select-layout", SE, Hook, ""),
    def("after-select-pane", SE, Hook, ""),
    def("after-select-window", SE, Hook, ""),
    def("after-send-keys", SE, Hook, ""),
    def("after-set-buffer", SE, Hook, ""),
    def("after-set-environment", SE, Hook, ""),
    def("after-set-hook", SE, Hook, ""),
    def("after-set-option", SE, Hook, ""),
    def("after-show-environment", SE, Hook, ""),
    def("after-show-messages", SE, Hook, ""),
    def("after-show-options", SE, Hook, ""),
    def("after-split-window", SE, Hook, ""),
    def("after-unbind-key", SE, Hook, ""),
    def("alert-activity", SE, Hook, ""),
    def("alert-bell", SE, Hook, ""),
    def("alert-silence", SE, Hook, ""),
    def("client-active", SE, Hook, ""),
    def("client-attached", SE, Hook, ""),
    def("client-detached", SE, Hook, ""),
    def("client-focus-in", SE, Hook, ""),
    def("client-focus-out", SE, Hook, ""),
    def("client-resized", SE, Hook, ""),
    def("client-session-changed", SE, Hook, ""),
    pane("pane-died", Hook, ""),
    pane("pane-exited", Hook, ""),
    pane("pane-focus-in", Hook, ""),
    pane("pane-focus-out", Hook, ""),
    pane("pane-mode-changed", Hook, ""),
    pane("pane-set-clipboard", Hook, ""),
    pane("pane-title-changed", Hook, ""),
    def("session-closed", SE, Hook, ""),
    def("session-created", SE, Hook, ""),
    def("session-renamed", SE, Hook, ""),
    def("session-window-changed", SE, Hook, ""),
    def("window-layout-changed", WI, Hook, ""),
    def("window-linked", SE, Hook, ""),
    def("window-pane-changed", WI, Hook, ""),
    def("window-renamed", WI, Hook, ""),
    def("window-resized", WI, Hook, ""),
    def("window-unlinked", SE, Hook, ""),
    // tmate 2.4's options (protocol spec 9.1), with the original defaults.
    def("tmate-server-host", SV, Str, "ssh.tmate.io"),
    def("tmate-server-port", SV, Num(1, 65535), "22"),
    def(
        "tmate-server-rsa-fingerprint",
        SV,
        Str,
        "SHA256:Hthk2T/M/Ivqfk1YYUn5ijC2Att3+UPzD7Rn72P5VWs",
    ),
    def(
        "tmate-server-ecdsa-fingerprint",
        SV,
        Str,
        "SHA256:8GmKHYHEJ6n0TEdciHeEGkKOigQfCFuBULdt6vZIhDc",
    ),
    def(
        "tmate-server-ed25519-fingerprint",
        SV,
        Str,
        "SHA256:jfttvoypkHiQYUqUCwKeqd9d1fJj/ZiQlFOHVl6E9sI",
    ),
    def("tmate-server-dsa-fingerprint", SV, Str, "obsolete"),
    def("tmate-identity", SV, Str, ""),
    def("tmate-display-time", SE, Num(1, MAX), "15000"),
    def("tmate-webhook-url", SV, Str, ""),
    def("tmate-webhook-userdata", SV, Str, ""),
    def("tmate-api-key", SV, Str, ""),
    def("tmate-session-name", SV, Str, ""),
    def("tmate-session-name-ro", SV, Str, ""),
    def("tmate-authorized-keys", SV, Str, ""),
    def("tmate-set", SV, Str, ""),
    def("tmate-foreground-restart", SV, Num(0, 1), "1"),
    // Ours: the embedded relay used without tmate-server-host (address:port to listen on, and
    // the host name put in the ssh lines; empty: the listening address or this host's name;
    // where its web viewer listens, empty: no web viewer).
    def("tmate-relay-listen", SV, Str, "127.0.0.1:0"),
    def("tmate-relay-host", SV, Str, ""),
    def("tmate-relay-web-listen", SV, Str, ""),
];

/// tmux 3.3a's default `remain-on-exit-format`: what a dead pane shows on its last line.
pub const REMAIN_ON_EXIT_FORMAT: &str = "Pane is dead (\
     #{?#{!=:#{pane_dead_status},},status #{pane_dead_status},}\
     #{?#{!=:#{pane_dead_signal},},signal #{pane_dead_signal},}, #{t:pane_dead_time})";

/// tmux 3.3a's default `update-environment`, in the array encoding (`array_items`).
const UPDATE_ENVIRONMENT: &str = "0=DISPLAY\x001=KRB5CCNAME\x002=SSH_ASKPASS\x003=SSH_AUTH_SOCK\x00\
     4=SSH_AGENT_PID\x005=SSH_CONNECTION\x006=WINDOWID\x007=XAUTHORITY";

/// tmux 3.3a's default `command-alias`, in the array encoding.
const COMMAND_ALIAS: &str = "0=split-pane=split-window\x001=splitp=split-window\x00\
     2=server-info=show-messages -JT\x003=info=show-messages -JT\x00\
     4=choose-window=choose-tree -w\x005=choose-session=choose-tree -s";

/// tmux 3.3a's default `status-format`, in the array encoding: line 0 is the status line
/// (left, window list, right), line 1 the pane list shown with `status 2`.
const STATUS_FORMAT: &str = concat!(
    "0=",
    "#[align=left range=left #{E:status-left-style}]",
    "#[push-default]#{T;=/#{status-left-length}:status-left}#[pop-default]",
    "#[norange default]#[list=on align=#{status-justify}]",
    "#[list=left-marker]<#[list=right-marker]>#[list=on]",
    "#{W:#[range=window|#{window_index} #{E:window-status-style}",
    "#{?#{&&:#{window_last_flag},#{!=:#{E:window-status-last-style},default}}, ",
    "#{E:window-status-last-style},}",
    "#{?#{&&:#{window_bell_flag},#{!=:#{E:window-status-bell-style},default}}, ",
    "#{E:window-status-bell-style},",
    "#{?#{&&:#{||:#{window_activity_flag},#{window_silence_flag}},",
    "#{!=:#{E:window-status-activity-style},default}}, ",
    "#{E:window-status-activity-style},}}]",
    "#[push-default]#{T:window-status-format}#[pop-default]#[norange default]",
    "#{?window_end_flag,,#{window-status-separator}},",
    "#[range=window|#{window_index} list=focus ",
    "#{?#{!=:#{E:window-status-current-style},default},",
    "#{E:window-status-current-style},#{E:window-status-style}}",
    "#{?#{&&:#{window_last_flag},#{!=:#{E:window-status-last-style},default}}, ",
    "#{E:window-status-last-style},}",
    "#{?#{&&:#{window_bell_flag},#{!=:#{E:window-status-bell-style},default}}, ",
    "#{E:window-status-bell-style},",
    "#{?#{&&:#{||:#{window_activity_flag},#{window_silence_flag}},",
    "#{!=:#{E:window-status-activity-style},default}}, ",
    "#{E:window-status-activity-style},}}]",
    "#[push-default]#{T:window-status-current-format}#[pop-default]",
    "#[norange list=on default]#{?window_end_flag,,#{window-status-separator}}}",
    "#[nolist align=right range=right #{E:status-right-style}]",
    "#[push-default]#{T;=/#{status-right-length}:status-right}#[pop-default]",
    "#[norange default]",
    "\x001=",
    "#[align=centre]#{P:#{?pane_active,#[reverse],}",
    "#{pane_index}[#{pane_width}x#{pane_height}]#[default] }",
);

/// How a whole value for an array option splits into items (tmux 3.3a's table separators:
/// commas for these, spaces and commas for the others; hooks are never split).
pub fn array_separators(name: &str) -> &'static [char] {
    match name {
        "command-alias" | "terminal-overrides" | "terminal-features" | "user-keys" => &[','],
        _ => &[' ', ','],
    }
}

/// tmux 3.3a's default `terminal-features`, in the array encoding.
const TERMINAL_FEATURES: &str = "0=xterm*:clipboard:ccolour:cstyle:focus:title\x001=screen*:title";

/// Most items one array option holds (tmux's `OPTIONS_ARRAY_LIMIT`).
pub const ARRAY_LIMIT: u32 = 1000;

/// User options (`@name`) per scope are capped so a config loop cannot grow the server.
pub const MAX_USER_OPTIONS: usize = 4096;

/// Find an option by exact name, else a unique prefix (tmux `options_match`).
pub fn lookup(name: &str) -> Result<&'static Def, String> {
    if let Some(d) = TABLE.iter().find(|d| d.name == name) {
        return Ok(d);
    }
    let found: Vec<&Def> = TABLE.iter().filter(|d| d.name.starts_with(name)).collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(format!("invalid option: {name}")),
        _ => Err(format!("ambiguous option: {name}")),
    }
}

/// Global values: every table option has one (its default until set), plus user options.
#[derive(Debug, Clone)]
pub struct Globals {
    pub scopes: BTreeMap<Scope, BTreeMap<String, String>>,
}

impl Default for Globals {
    fn default() -> Self {
        let mut scopes: BTreeMap<Scope, BTreeMap<String, String>> = BTreeMap::new();
        for d in TABLE {
            scopes
                .entry(d.scope)
                .or_default()
                .insert(d.name.to_string(), d.default.to_string());
        }
        Globals { scopes }
    }
}

impl Globals {
    pub fn get(&self, scope: Scope, name: &str) -> Option<&str> {
        self.scopes.get(&scope)?.get(name).map(String::as_str)
    }

    pub fn map_mut(&mut self, scope: Scope) -> &mut BTreeMap<String, String> {
        self.scopes.entry(scope).or_default()
    }
}

/// Check and normalise `value` for option `d` as tmux stores it; `current` is the value a
/// flag toggles from when `value` is `None`.
pub fn parse_value(d: &Def, value: Option<&str>, current: Option<&str>) -> Result<String, String> {
    match d.kind {
        Flag => match value {
            None => Ok(if current == Some("on") { "off" } else { "on" }.into()),
            Some(v) => match v.to_ascii_lowercase().as_str() {
                "on" | "yes" | "1" => Ok("on".into()),
                "off" | "no" | "0" => Ok("off".into()),
                _ => Err(format!("unknown value: {v}")),
            },
        },
        Choice(choices) => match value {
            // tmux toggles the first two choices (status on/off).
            None if choices.len() >= 2 => {
                let first = choices.first().copied().unwrap_or_default();
                let second = choices.get(1).copied().unwrap_or_default();
                Ok(if current == Some(first) {
                    second
                } else {
                    first
                }
                .into())
            }
            None => Err("empty value".into()),
            Some(v) => choices
                .iter()
                .find(|c| **c == v)
                .map(|c| c.to_string())
                .ok_or_else(|| format!("unknown value: {v}")),
        },
        Num(min, max) => {
            let v = value.ok_or("empty value")?;
            let n: i64 = v.parse().map_err(|_| format!("value is invalid: {v}"))?;
            if n < min {
                return Err(format!("value is too small: {v}"));
            }
            if n > max {
                return Err(format!("value is too large: {v}"));
            }
            Ok(n.to_string())
        }
        Key => {
            let v = value.ok_or("empty value")?;
            KeyCode::parse(v)
                .map(|k| k.name())
                .ok_or_else(|| format!("bad key: {v}"))
        }
        Str => value
            .map(str::to_string)
            .ok_or_else(|| "empty value".into()),
        // Arrays are set item by item (`cmd::options`), never as one value.
        Array | Hook => Err(format!("not a single value: {}", d.name)),
    }
}

/// An array option's items by index. Arrays live in the same string maps as every other
/// option, so that scopes, `-u` and inheritance work alike: items are `INDEX=VALUE` joined by
/// NUL, which no value can hold (values come from C-string argv and config lines; `set_item`
/// drops any). An empty string is an empty array (which still hides the parent's).
pub fn array_items(encoded: &str) -> BTreeMap<u32, String> {
    encoded
        .split('\0')
        .filter_map(|item| item.split_once('='))
        .filter_map(|(i, v)| Some((i.parse().ok()?, v.to_string())))
        .collect()
}

/// The values of an encoded array in index order, without copying them (`array_encode`
/// writes items sorted by index, one per index).
pub fn array_values(encoded: &str) -> impl Iterator<Item = &str> {
    encoded
        .split('\0')
        .filter_map(|item| item.split_once('='))
        .filter(|(i, _)| i.parse::<u32>().is_ok())
        .map(|(_, v)| v)
}

/// The encoding `array_items` reads.
pub fn array_encode(items: &BTreeMap<u32, String>) -> String {
    items
        .iter()
        .map(|(i, v)| format!("{i}={}", v.replace('\0', "")))
        .collect::<Vec<_>>()
        .join("\0")
}

/// `name[N]` as tmux's `options_parse`: the name and the index, if any (`None` for a
/// malformed index, which tmux calls an invalid option).
pub fn split_index(name: &str) -> Option<(&str, Option<u32>)> {
    let Some((base, rest)) = name.split_once('[') else {
        return Some((name, None));
    };
    let index = rest.strip_suffix(']')?.parse().ok()?;
    Some((base, Some(index)))
}

/// The free index `set -a` and a whole-value `set` fill next (tmux `options_array_assign`).
pub fn array_next(items: &BTreeMap<u32, String>) -> Option<u32> {
    (0..ARRAY_LIMIT).find(|i| !items.contains_key(i))
}

/// tmux 3.3a `args_escape`: how show-options and list-keys print a value so that it parses back.
pub fn escape(s: &str) -> String {
    const DQUOTED: &[char] = &[' ', '#', '\'', ';', '$', '{', '}', '%'];
    const SQUOTED: &[char] = &[' ', '"'];
    if s.is_empty() {
        return "''".into();
    }
    let quotes = if s.contains(DQUOTED) {
        Some('"')
    } else if s.contains(SQUOTED) {
        Some('\'')
    } else {
        None
    };
    let mut chars = s.chars();
    if let (Some(c), None) = (chars.next(), chars.next())
        && c != ' '
        && (quotes.is_some() || c == '~')
    {
        return format!("\\{c}");
    }
    let mut body = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        // vis(3) VIS_DQ escapes `$` only where it would start a variable name: a letter,
        // `_` or `{` after it (`$0`, `$1`, `$?` stay as they are, as tmux 3.3a prints them).
        let var_follows = it
            .peek()
            .is_some_and(|n| n.is_ascii_alphabetic() || *n == '_' || *n == '{');
        match c {
            '\n' => body.push_str("\\n"),
            '\t' => body.push_str("\\t"),
            '\r' => body.push_str("\\r"),
            '\\' => body.push_str("\\\\"),
            '$' if quotes == Some('"') && var_follows => body.push_str("\\$"),
            '"' if quotes == Some('"') => {
                body.push('\\');
                body.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                body.push_str(&format!("\\{:03o}", c as u32));
            }
            c => body.push(c),
        }
    }
    let tilde = if body.starts_with('~') { "\\" } else { "" };
    match quotes {
        Some('\'') => format!("'{body}'"),
        Some(_) => format!("\"{tilde}{body}\""),
        None => format!("{tilde}{body}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_tmux() {
        assert_eq!(escape(""), "''");
        assert_eq!(escape("on"), "on");
        assert_eq!(escape("[#{session_name}] "), "\"[#{session_name}] \"");
        assert_eq!(escape("a\"b$c"), "\"a\\\"b\\$c\"");
        assert_eq!(escape("~x"), "\\~x");
        assert_eq!(escape("#"), "\\#");
        assert_eq!(escape("lock -np"), "\"lock -np\"");
        assert_eq!(
            escape("!\"#$%&'()*+,-./:;<=>?@[\\]^`{|}~"),
            "\"!\\\"#$%&'()*+,-./:;<=>?@[\\\\]^`{|}~\""
        );
    }

    #[test]
    fn arrays_round_trip_and_index() {
        let d = lookup("update-environment").unwrap();
        let items = array_items(d.default);
        assert_eq!(items.len(), 8);
        assert_eq!(items.get(&7).map(String::as_str), Some("XAUTHORITY"));
        assert_eq!(array_items(&array_encode(&items)), items);
        assert!(array_items("").is_empty());
        let odd = BTreeMap::from([(3, "a=b c".to_string()), (9, String::new())]);
        assert_eq!(array_items(&array_encode(&odd)), odd);
        assert_eq!(array_next(&odd), Some(0));
        assert_eq!(split_index("hook[12]"), Some(("hook", Some(12))));
        assert_eq!(split_index("hook"), Some(("hook", None)));
        assert_eq!(split_index("hook[x]"), None);
    }

    #[test]
    fn values_checked_like_tmux() {
        let d = lookup("base").unwrap();
        assert_eq!(d.name, "base-index");
        assert_eq!(parse_value(d, Some("3"), None).unwrap(), "3");
        assert_eq!(
            parse_value(d, Some("abc"), None).unwrap_err(),
            "value is invalid: abc"
        );
        let s = lookup("status").unwrap();
        assert_eq!(parse_value(s, None, Some("on")).unwrap(), "off");
        assert_eq!(
            parse_value(s, Some("maybe"), None).unwrap_err(),
            "unknown value: maybe"
        );
        assert!(lookup("status-").is_err());
        let p = lookup("prefix").unwrap();
        assert_eq!(parse_value(p, Some("C-a"), None).unwrap(), "C-a");
        assert_eq!(
            parse_value(p, Some("Foo"), None).unwrap_err(),
            "bad key: Foo"
        );
    }
}
