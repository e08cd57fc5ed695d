//! What customize-mode says about each option: tmux 3.3a's description and unit of each option
//! in its `options-table.c` (the words tmux users see), and ours for tmate's own options.

/// (name, description, unit), sorted by name.
const HELP: &[(&str, &str, Option<&str>)] = &[
    (
        "activity-action",
        "Action to take on an activity alert.",
        None,
    ),
    (
        "aggressive-resize",
        "When 'window-size' is 'smallest', whether the maximum size of a window is the smallest attached session where it is the current window ('on') or the smallest session it is linked to ('off').",
        None,
    ),
    (
        "allow-passthrough",
        "Whether applications are allowed to use the escape sequence to bypass tmux.",
        None,
    ),
    (
        "allow-rename",
        "Whether applications are allowed to use the escape sequence to rename windows.",
        None,
    ),
    (
        "alternate-screen",
        "Whether applications are allowed to use the alternate screen.",
        None,
    ),
    (
        "assume-paste-time",
        "Maximum time between input to assume it is pasting rather than typing.",
        Some("milliseconds"),
    ),
    (
        "automatic-rename",
        "Whether windows are automatically renamed.",
        None,
    ),
    (
        "automatic-rename-format",
        "Format used to automatically rename windows.",
        None,
    ),
    ("backspace", "The key to send for backspace.", None),
    (
        "base-index",
        "Default index of the first window in each session.",
        None,
    ),
    ("bell-action", "Action to take on a bell alert.", None),
    (
        "buffer-limit",
        "The maximum number of automatic buffers. When this is reached, the oldest buffer is deleted.",
        None,
    ),
    (
        "clock-mode-colour",
        "Colour of the clock in clock mode.",
        None,
    ),
    (
        "clock-mode-style",
        "Time format of the clock in clock mode.",
        None,
    ),
    (
        "command-alias",
        "Array of command aliases. Each entry is an alias and a command separated by '='.",
        None,
    ),
    (
        "copy-command",
        "Shell command run when text is copied. If empty, no command is run.",
        None,
    ),
    (
        "copy-mode-current-match-style",
        "Style of the current search match in copy mode.",
        None,
    ),
    (
        "copy-mode-mark-style",
        "Style of the marked line in copy mode.",
        None,
    ),
    (
        "copy-mode-match-style",
        "Style of search matches in copy mode.",
        None,
    ),
    ("cursor-colour", "Colour of the cursor.", None),
    ("cursor-style", "Style of the cursor.", None),
    (
        "default-command",
        "Default command to run in new panes. If empty, a shell is started.",
        None,
    ),
    ("default-shell", "Location of default shell.", None),
    ("default-size", "Initial size of new sessions.", None),
    (
        "default-terminal",
        "Default for the 'TERM' environment variable.",
        None,
    ),
    (
        "destroy-unattached",
        "Whether to destroy sessions when they have no attached clients.",
        None,
    ),
    (
        "detach-on-destroy",
        "Whether to detach when a session is destroyed, or switch the client to another session if any exist.",
        None,
    ),
    (
        "display-panes-active-colour",
        "Colour of the active pane for 'display-panes'.",
        None,
    ),
    (
        "display-panes-colour",
        "Colour of not active panes for 'display-panes'.",
        None,
    ),
    (
        "display-panes-time",
        "Time for which 'display-panes' should show pane numbers.",
        Some("milliseconds"),
    ),
    (
        "display-time",
        "Time for which status line messages should appear.",
        Some("milliseconds"),
    ),
    ("editor", "Editor run to edit files.", None),
    (
        "escape-time",
        "Time to wait before assuming a key is Escape.",
        Some("milliseconds"),
    ),
    (
        "exit-empty",
        "Whether the server should exit if there are no sessions.",
        None,
    ),
    (
        "exit-unattached",
        "Whether the server should exit if there are no attached clients.",
        None,
    ),
    (
        "extended-keys",
        "Whether to request extended key sequences from terminals that support it.",
        None,
    ),
    (
        "fill-character",
        "Character used to fill unused parts of window.",
        None,
    ),
    (
        "focus-events",
        "Whether to send focus events to applications.",
        None,
    ),
    (
        "history-file",
        "Location of the command prompt history file. Empty does not write a history file.",
        None,
    ),
    (
        "history-limit",
        "Maximum number of lines to keep in the history for each pane. If changed, the new value applies only to new panes.",
        Some("lines"),
    ),
    (
        "key-table",
        "Default key table. Key presses are first looked up in this table.",
        None,
    ),
    (
        "lock-after-time",
        "Time after which a client is locked if not used.",
        Some("seconds"),
    ),
    (
        "lock-command",
        "Shell command to run to lock a client.",
        None,
    ),
    (
        "main-pane-height",
        "Height of the main pane in the 'main-horizontal' layout. This may be a percentage, for example '10%'.",
        None,
    ),
    (
        "main-pane-width",
        "Width of the main pane in the 'main-vertical' layout. This may be a percentage, for example '10%'.",
        None,
    ),
    (
        "message-command-style",
        "Style of the command prompt when in command mode, if 'mode-keys' is set to 'vi'.",
        None,
    ),
    (
        "message-limit",
        "Maximum number of server messages to keep.",
        None,
    ),
    ("message-style", "Style of the command prompt.", None),
    ("mode-keys", "Key set used in copy mode.", None),
    (
        "mode-style",
        "Style of indicators and highlighting in modes.",
        None,
    ),
    (
        "monitor-activity",
        "Whether an alert is triggered by activity.",
        None,
    ),
    (
        "monitor-bell",
        "Whether an alert is triggered by a bell.",
        None,
    ),
    (
        "monitor-silence",
        "Time after which an alert is triggered by silence. Zero means no alert.",
        None,
    ),
    (
        "mouse",
        "Whether the mouse is recognised and mouse key bindings are executed. Applications inside panes can use the mouse even when 'off'.",
        None,
    ),
    (
        "other-pane-height",
        "Height of the other panes in the 'main-horizontal' layout. This may be a percentage, for example '10%'.",
        None,
    ),
    (
        "other-pane-width",
        "Height of the other panes in the 'main-vertical' layout. This may be a percentage, for example '10%'.",
        None,
    ),
    (
        "pane-active-border-style",
        "Style of the active pane border.",
        None,
    ),
    (
        "pane-base-index",
        "Index of the first pane in each window.",
        None,
    ),
    (
        "pane-border-format",
        "Format of text in the pane status lines.",
        None,
    ),
    (
        "pane-border-indicators",
        "Whether to indicate the active pane by colouring border or displaying arrow markers.",
        None,
    ),
    (
        "pane-border-lines",
        "Type of characters used to draw pane border lines. Some of these are only supported on terminals with UTF-8 support.",
        None,
    ),
    (
        "pane-border-status",
        "Position of the pane status lines.",
        None,
    ),
    ("pane-border-style", "Style of the pane status lines.", None),
    (
        "pane-colours",
        "The default colour palette for colours zero to 255.",
        None,
    ),
    (
        "popup-border-lines",
        "Type of characters used to draw popup border lines. Some of these are only supported on terminals with UTF-8 support.",
        None,
    ),
    (
        "popup-border-style",
        "Default style of popup borders.",
        None,
    ),
    ("popup-style", "Default style of popups.", None),
    ("prefix", "The prefix key.", None),
    ("prefix2", "A second prefix key.", None),
    (
        "prompt-history-limit",
        "Maximum number of commands to keep in history.",
        None,
    ),
    (
        "remain-on-exit",
        "Whether panes should remain ('on') or be automatically killed ('off' or 'failed') when the program inside exits.",
        None,
    ),
    (
        "remain-on-exit-format",
        "Message shown after the program in a pane has exited, if remain-on-exit is enabled.",
        None,
    ),
    (
        "renumber-windows",
        "Whether windows are automatically renumbered rather than leaving gaps.",
        None,
    ),
    (
        "repeat-time",
        "Time to wait for a key binding to repeat, if it is bound with the '-r' flag.",
        Some("milliseconds"),
    ),
    (
        "scroll-on-clear",
        "Whether the contents of the screen should be scrolled intohistory when clearing the whole screen.",
        None,
    ),
    (
        "set-clipboard",
        "Whether to attempt to set the system clipboard ('on' or 'external') and whether to allow applications to create paste buffers with an escape sequence ('on' only).",
        None,
    ),
    (
        "set-titles",
        "Whether to set the terminal title, if supported.",
        None,
    ),
    (
        "set-titles-string",
        "Format of the terminal title to set.",
        None,
    ),
    ("silence-action", "Action to take on a silence alert.", None),
    ("status", "Number of lines in the status line.", None),
    (
        "status-bg",
        "Background colour of the status line. This option is deprecated, use 'status-style' instead.",
        None,
    ),
    (
        "status-fg",
        "Foreground colour of the status line. This option is deprecated, use 'status-style' instead.",
        None,
    ),
    (
        "status-format",
        "Formats for the status lines. Each array member is the format for one status line. The default status line is made up of several components which may be configured individually with other options such as 'status-left'.",
        None,
    ),
    (
        "status-interval",
        "Number of seconds between status line updates.",
        Some("seconds"),
    ),
    (
        "status-justify",
        "Position of the window list in the status line.",
        None,
    ),
    ("status-keys", "Key set to use at the command prompt.", None),
    (
        "status-left",
        "Contents of the left side of the status line.",
        None,
    ),
    (
        "status-left-length",
        "Maximum width of the left side of the status line.",
        None,
    ),
    (
        "status-left-style",
        "Style of the left side of the status line.",
        None,
    ),
    ("status-position", "Position of the status line.", None),
    (
        "status-right",
        "Contents of the right side of the status line.",
        None,
    ),
    (
        "status-right-length",
        "Maximum width of the right side of the status line.",
        None,
    ),
    (
        "status-right-style",
        "Style of the right side of the status line.",
        None,
    ),
    ("status-style", "Style of the status line.", None),
    (
        "synchronize-panes",
        "Whether typing should be sent to all panes simultaneously.",
        None,
    ),
    (
        "terminal-features",
        "List of terminal features, used if they cannot be automatically detected.",
        None,
    ),
    (
        "terminal-overrides",
        "List of terminal capabilities overrides.",
        None,
    ),
    (
        "tmate-api-key",
        "API key sent to the relay, which may use it to name the session.",
        None,
    ),
    (
        "tmate-authorized-keys",
        "File of SSH public keys allowed to join the session; when set, other viewers are refused.",
        None,
    ),
    (
        "tmate-display-time",
        "Time for which tmate's own messages (the ssh lines) stay on the status line.",
        Some("milliseconds"),
    ),
    (
        "tmate-foreground-restart",
        "Whether a foreground server reconnects to the relay after losing it (1) or exits (0).",
        None,
    ),
    (
        "tmate-identity",
        "SSH key used to connect to the relay. Empty uses the agent or the default keys.",
        None,
    ),
    (
        "tmate-relay-host",
        "Host name the embedded relay shows in its ssh lines. Empty uses the listening address.",
        None,
    ),
    (
        "tmate-relay-listen",
        "Address on which the embedded relay listens for SSH.",
        None,
    ),
    (
        "tmate-relay-web-listen",
        "Address on which the embedded relay serves its web viewer. Empty serves none.",
        None,
    ),
    (
        "tmate-server-dsa-fingerprint",
        "No longer used: DSA host keys are not accepted.",
        None,
    ),
    (
        "tmate-server-ecdsa-fingerprint",
        "Expected fingerprint of the relay's ECDSA host key.",
        None,
    ),
    (
        "tmate-server-ed25519-fingerprint",
        "Expected fingerprint of the relay's Ed25519 host key.",
        None,
    ),
    (
        "tmate-server-host",
        "Host name of the relay the session is shared through.",
        None,
    ),
    (
        "tmate-server-port",
        "Port of the relay the session is shared through.",
        None,
    ),
    (
        "tmate-server-rsa-fingerprint",
        "Expected fingerprint of the relay's RSA host key.",
        None,
    ),
    (
        "tmate-session-name",
        "Name of the read-write session on the relay. Empty takes a random token.",
        None,
    ),
    (
        "tmate-session-name-ro",
        "Name of the read-only session on the relay. Empty takes a random token.",
        None,
    ),
    (
        "tmate-set",
        "Sets an option on the relay's side of the session, as 'NAME=VALUE'.",
        None,
    ),
    (
        "tmate-webhook-url",
        "URL the relay posts session events to.",
        None,
    ),
    (
        "tmate-webhook-userdata",
        "Text the relay adds to each webhook event.",
        None,
    ),
    (
        "update-environment",
        "List of environment variables to update in the session environment when a client is attached.",
        None,
    ),
    (
        "user-keys",
        "User key assignments. Each sequence in the list is translated into a key: 'User0', 'User1' and so on.",
        None,
    ),
    (
        "visual-activity",
        "How activity alerts should be shown: a message ('on'), a message and a bell ('both') or nothing ('off').",
        None,
    ),
    (
        "visual-bell",
        "How bell alerts should be shown: a message ('on'), a message and a bell ('both') or nothing ('off').",
        None,
    ),
    (
        "visual-silence",
        "How silence alerts should be shown: a message ('on'), a message and a bell ('both') or nothing ('off').",
        None,
    ),
    (
        "window-active-style",
        "Default style of the active pane.",
        None,
    ),
    (
        "window-size",
        "How window size is calculated. 'latest' uses the size of the most recently used client, 'largest' the largest client, 'smallest' the smallest client and 'manual' a size set by the 'resize-window' command.",
        None,
    ),
    (
        "window-status-activity-style",
        "Style of windows in the status line with an activity alert.",
        None,
    ),
    (
        "window-status-bell-style",
        "Style of windows in the status line with a bell alert.",
        None,
    ),
    (
        "window-status-current-format",
        "Format of the current window in the status line.",
        None,
    ),
    (
        "window-status-current-style",
        "Style of the current window in the status line.",
        None,
    ),
    (
        "window-status-format",
        "Format of windows in the status line, except the current window.",
        None,
    ),
    (
        "window-status-last-style",
        "Style of the last window in the status line.",
        None,
    ),
    (
        "window-status-separator",
        "Separator between windows in the status line.",
        None,
    ),
    (
        "window-status-style",
        "Style of windows in the status line, except the current and last windows.",
        None,
    ),
    (
        "window-style",
        "Default style of panes that are not the active pane.",
        None,
    ),
    (
        "word-separators",
        "Characters considered to separate words.",
        None,
    ),
    (
        "wrap-search",
        "Whether searching in copy mode should wrap at the top or bottom.",
        None,
    ),
    (
        "xterm-keys",
        "Whether xterm-style function key sequences should be sent. This option is no longer used.",
        None,
    ),
];

/// An option's description and unit (`None` for a user option or one without a description).
pub fn help(name: &str) -> Option<(&'static str, Option<&'static str>)> {
    HELP.binary_search_by(|(n, _, _)| (*n).cmp(name))
        .ok()
        .and_then(|i| HELP.get(i))
        .map(|(_, text, unit)| (*text, *unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_option_but_hooks_has_help_and_the_list_is_sorted() {
        assert!(HELP.windows(2).all(|w| w[0].0 < w[1].0));
        for d in crate::options::TABLE {
            if d.kind != crate::options::Kind::Hook {
                assert!(help(d.name).is_some(), "{}", d.name);
            }
        }
        assert_eq!(
            help("escape-time"),
            Some((
                "Time to wait before assuming a key is Escape.",
                Some("milliseconds")
            ))
        );
        assert_eq!(help("@user"), None);
    }
}
