//! Generated from the default bindings' config texts (see `bindings::default_tables`) by
//! the test `bindings::tests::default_table_matches_the_config_texts`: the key tables a
//! server starts with, per table (key code, repeats, commands as words). Do not edit.

/// A key code, whether it repeats, and its commands as words.
type Binding = (u64, bool, &'static [&'static [&'static str]]);

#[rustfmt::skip]
pub const TABLE: &[(&str, &[Binding])] = &[
    ("copy-mode", &[
        // C-Space
        (0x0, false, &[&["send-keys", "-X", "begin-selection"]]),
        // C-a
        (0x1, false, &[&["send-keys", "-X", "start-of-line"]]),
        // C-b
        (0x2, false, &[&["send-keys", "-X", "cursor-left"]]),
        // C-c
        (0x3, false, &[&["send-keys", "-X", "cancel"]]),
        // C-e
        (0x5, false, &[&["send-keys", "-X", "end-of-line"]]),
        // C-f
        (0x6, false, &[&["send-keys", "-X", "cursor-right"]]),
        // C-g
        (0x7, false, &[&["send-keys", "-X", "clear-selection"]]),
        // C-k
        (0xb, false, &[&["send-keys", "-X", "copy-pipe-end-of-line-and-cancel"]]),
        // C-n
        (0xe, false, &[&["send-keys", "-X", "cursor-down"]]),
        // C-p
        (0x10, false, &[&["send-keys", "-X", "cursor-up"]]),
        // C-r
        (0x12, false, &[&["command-prompt", "-i", "-I", "#{pane_search_string}", "-T", "search", "-p", "(search up)", "\u{e000}send-keys -X search-backward-incremental %%"]]),
        // C-s
        (0x13, false, &[&["command-prompt", "-i", "-I", "#{pane_search_string}", "-T", "search", "-p", "(search down)", "\u{e000}send-keys -X search-forward-incremental %%"]]),
        // C-v
        (0x16, false, &[&["send-keys", "-X", "page-down"]]),
        // C-w
        (0x17, false, &[&["send-keys", "-X", "copy-pipe-and-cancel"]]),
        // Escape
        (0x1b, false, &[&["send-keys", "-X", "cancel"]]),
        // Space
        (0x20, false, &[&["send-keys", "-X", "page-down"]]),
        // ,
        (0x2c, false, &[&["send-keys", "-X", "jump-reverse"]]),
        // ;
        (0x3b, false, &[&["send-keys", "-X", "jump-again"]]),
        // F
        (0x46, false, &[&["command-prompt", "-1", "-p", "(jump backward)", "\u{e000}send-keys -X jump-backward %%"]]),
        // N
        (0x4e, false, &[&["send-keys", "-X", "search-reverse"]]),
        // P
        (0x50, false, &[&["send-keys", "-X", "toggle-position"]]),
        // R
        (0x52, false, &[&["send-keys", "-X", "rectangle-toggle"]]),
        // T
        (0x54, false, &[&["command-prompt", "-1", "-p", "(jump to backward)", "\u{e000}send-keys -X jump-to-backward %%"]]),
        // X
        (0x58, false, &[&["send-keys", "-X", "set-mark"]]),
        // f
        (0x66, false, &[&["command-prompt", "-1", "-p", "(jump forward)", "\u{e000}send-keys -X jump-forward %%"]]),
        // g
        (0x67, false, &[&["command-prompt", "-p", "(goto line)", "\u{e000}send-keys -X goto-line %%"]]),
        // n
        (0x6e, false, &[&["send-keys", "-X", "search-again"]]),
        // q
        (0x71, false, &[&["send-keys", "-X", "cancel"]]),
        // r
        (0x72, false, &[&["send-keys", "-X", "refresh-from-pane"]]),
        // t
        (0x74, false, &[&["command-prompt", "-1", "-p", "(jump to forward)", "\u{e000}send-keys -X jump-to-forward %%"]]),
        // MouseDown1Pane
        (0x100000000003, false, &[&["select-pane"]]),
        // MouseDrag1Pane
        (0x100000000015, false, &[&["select-pane"], &["send-keys", "-X", "begin-selection"]]),
        // MouseDragEnd1Pane
        (0x10000000001e, false, &[&["send-keys", "-X", "copy-pipe-and-cancel"]]),
        // WheelUpPane
        (0x100000000027, false, &[&["select-pane"], &["send-keys", "-X", "-N", "5", "scroll-up"]]),
        // WheelDownPane
        (0x10000000002a, false, &[&["select-pane"], &["send-keys", "-X", "-N", "5", "scroll-down"]]),
        // DoubleClick1Pane
        (0x100000000109, false, &[&["select-pane"], &["send-keys", "-X", "select-word"], &["run-shell", "-d", "0.3"], &["send-keys", "-X", "copy-pipe-and-cancel"]]),
        // TripleClick1Pane
        (0x100000000112, false, &[&["select-pane"], &["send-keys", "-X", "select-line"], &["run-shell", "-d", "0.3"], &["send-keys", "-X", "copy-pipe-and-cancel"]]),
        // Home
        (0x10000000003c, false, &[&["send-keys", "-X", "start-of-line"]]),
        // End
        (0x10000000003d, false, &[&["send-keys", "-X", "end-of-line"]]),
        // NPage
        (0x10000000003e, false, &[&["send-keys", "-X", "page-down"]]),
        // PPage
        (0x10000000003f, false, &[&["send-keys", "-X", "page-up"]]),
        // Up
        (0x100000000041, false, &[&["send-keys", "-X", "cursor-up"]]),
        // Down
        (0x100000000042, false, &[&["send-keys", "-X", "cursor-down"]]),
        // Left
        (0x100000000043, false, &[&["send-keys", "-X", "cursor-left"]]),
        // Right
        (0x100000000044, false, &[&["send-keys", "-X", "cursor-right"]]),
        // M-C-b
        (0x200000000002, false, &[&["send-keys", "-X", "previous-matching-bracket"]]),
        // M-C-f
        (0x200000000006, false, &[&["send-keys", "-X", "next-matching-bracket"]]),
        // M-1
        (0x200000000031, false, &[&["command-prompt", "-N", "-I", "1", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // M-2
        (0x200000000032, false, &[&["command-prompt", "-N", "-I", "2", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // M-3
        (0x200000000033, false, &[&["command-prompt", "-N", "-I", "3", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // M-4
        (0x200000000034, false, &[&["command-prompt", "-N", "-I", "4", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // M-5
        (0x200000000035, false, &[&["command-prompt", "-N", "-I", "5", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // M-6
        (0x200000000036, false, &[&["command-prompt", "-N", "-I", "6", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // M-7
        (0x200000000037, false, &[&["command-prompt", "-N", "-I", "7", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // M-8
        (0x200000000038, false, &[&["command-prompt", "-N", "-I", "8", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // M-9
        (0x200000000039, false, &[&["command-prompt", "-N", "-I", "9", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // M-<
        (0x20000000003c, false, &[&["send-keys", "-X", "history-top"]]),
        // M->
        (0x20000000003e, false, &[&["send-keys", "-X", "history-bottom"]]),
        // M-R
        (0x200000000052, false, &[&["send-keys", "-X", "top-line"]]),
        // M-b
        (0x200000000062, false, &[&["send-keys", "-X", "previous-word"]]),
        // M-f
        (0x200000000066, false, &[&["send-keys", "-X", "next-word-end"]]),
        // M-m
        (0x20000000006d, false, &[&["send-keys", "-X", "back-to-indentation"]]),
        // M-r
        (0x200000000072, false, &[&["send-keys", "-X", "middle-line"]]),
        // M-v
        (0x200000000076, false, &[&["send-keys", "-X", "page-up"]]),
        // M-w
        (0x200000000077, false, &[&["send-keys", "-X", "copy-pipe-and-cancel"]]),
        // M-x
        (0x200000000078, false, &[&["send-keys", "-X", "jump-to-mark"]]),
        // M-{
        (0x20000000007b, false, &[&["send-keys", "-X", "previous-paragraph"]]),
        // M-}
        (0x20000000007d, false, &[&["send-keys", "-X", "next-paragraph"]]),
        // M-Up
        (0x300000000041, false, &[&["send-keys", "-X", "halfpage-up"]]),
        // M-Down
        (0x300000000042, false, &[&["send-keys", "-X", "halfpage-down"]]),
        // C-Up
        (0x500000000041, false, &[&["send-keys", "-X", "scroll-up"]]),
        // C-Down
        (0x500000000042, false, &[&["send-keys", "-X", "scroll-down"]]),
    ]),
    ("copy-mode-vi", &[
        // C-b
        (0x2, false, &[&["send-keys", "-X", "page-up"]]),
        // C-c
        (0x3, false, &[&["send-keys", "-X", "cancel"]]),
        // C-d
        (0x4, false, &[&["send-keys", "-X", "halfpage-down"]]),
        // C-e
        (0x5, false, &[&["send-keys", "-X", "scroll-down"]]),
        // C-f
        (0x6, false, &[&["send-keys", "-X", "page-down"]]),
        // C-h
        (0x8, false, &[&["send-keys", "-X", "cursor-left"]]),
        // C-j
        (0xa, false, &[&["send-keys", "-X", "copy-pipe-and-cancel"]]),
        // Enter
        (0xd, false, &[&["send-keys", "-X", "copy-pipe-and-cancel"]]),
        // C-u
        (0x15, false, &[&["send-keys", "-X", "halfpage-up"]]),
        // C-v
        (0x16, false, &[&["send-keys", "-X", "rectangle-toggle"]]),
        // C-y
        (0x19, false, &[&["send-keys", "-X", "scroll-up"]]),
        // Escape
        (0x1b, false, &[&["send-keys", "-X", "clear-selection"]]),
        // Space
        (0x20, false, &[&["send-keys", "-X", "begin-selection"]]),
        // #
        (0x23, false, &[&["send-keys", "-FX", "search-backward", "#{copy_cursor_word}"]]),
        // $
        (0x24, false, &[&["send-keys", "-X", "end-of-line"]]),
        // %
        (0x25, false, &[&["send-keys", "-X", "next-matching-bracket"]]),
        // *
        (0x2a, false, &[&["send-keys", "-FX", "search-forward", "#{copy_cursor_word}"]]),
        // ,
        (0x2c, false, &[&["send-keys", "-X", "jump-reverse"]]),
        // /
        (0x2f, false, &[&["command-prompt", "-T", "search", "-p", "(search down)", "\u{e000}send-keys -X search-forward %%"]]),
        // 0
        (0x30, false, &[&["send-keys", "-X", "start-of-line"]]),
        // 1
        (0x31, false, &[&["command-prompt", "-N", "-I", "1", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // 2
        (0x32, false, &[&["command-prompt", "-N", "-I", "2", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // 3
        (0x33, false, &[&["command-prompt", "-N", "-I", "3", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // 4
        (0x34, false, &[&["command-prompt", "-N", "-I", "4", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // 5
        (0x35, false, &[&["command-prompt", "-N", "-I", "5", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // 6
        (0x36, false, &[&["command-prompt", "-N", "-I", "6", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // 7
        (0x37, false, &[&["command-prompt", "-N", "-I", "7", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // 8
        (0x38, false, &[&["command-prompt", "-N", "-I", "8", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // 9
        (0x39, false, &[&["command-prompt", "-N", "-I", "9", "-p", "(repeat)", "\u{e000}send-keys -N %%"]]),
        // :
        (0x3a, false, &[&["command-prompt", "-p", "(goto line)", "\u{e000}send-keys -X goto-line %%"]]),
        // ;
        (0x3b, false, &[&["send-keys", "-X", "jump-again"]]),
        // ?
        (0x3f, false, &[&["command-prompt", "-T", "search", "-p", "(search up)", "\u{e000}send-keys -X search-backward %%"]]),
        // A
        (0x41, false, &[&["send-keys", "-X", "append-selection-and-cancel"]]),
        // B
        (0x42, false, &[&["send-keys", "-X", "previous-space"]]),
        // D
        (0x44, false, &[&["send-keys", "-X", "copy-pipe-end-of-line-and-cancel"]]),
        // E
        (0x45, false, &[&["send-keys", "-X", "next-space-end"]]),
        // F
        (0x46, false, &[&["command-prompt", "-1", "-p", "(jump backward)", "\u{e000}send-keys -X jump-backward %%"]]),
        // G
        (0x47, false, &[&["send-keys", "-X", "history-bottom"]]),
        // H
        (0x48, false, &[&["send-keys", "-X", "top-line"]]),
        // J
        (0x4a, false, &[&["send-keys", "-X", "scroll-down"]]),
        // K
        (0x4b, false, &[&["send-keys", "-X", "scroll-up"]]),
        // L
        (0x4c, false, &[&["send-keys", "-X", "bottom-line"]]),
        // M
        (0x4d, false, &[&["send-keys", "-X", "middle-line"]]),
        // N
        (0x4e, false, &[&["send-keys", "-X", "search-reverse"]]),
        // P
        (0x50, false, &[&["send-keys", "-X", "toggle-position"]]),
        // T
        (0x54, false, &[&["command-prompt", "-1", "-p", "(jump to backward)", "\u{e000}send-keys -X jump-to-backward %%"]]),
        // V
        (0x56, false, &[&["send-keys", "-X", "select-line"]]),
        // W
        (0x57, false, &[&["send-keys", "-X", "next-space"]]),
        // X
        (0x58, false, &[&["send-keys", "-X", "set-mark"]]),
        // ^
        (0x5e, false, &[&["send-keys", "-X", "back-to-indentation"]]),
        // b
        (0x62, false, &[&["send-keys", "-X", "previous-word"]]),
        // e
        (0x65, false, &[&["send-keys", "-X", "next-word-end"]]),
        // f
        (0x66, false, &[&["command-prompt", "-1", "-p", "(jump forward)", "\u{e000}send-keys -X jump-forward %%"]]),
        // g
        (0x67, false, &[&["send-keys", "-X", "history-top"]]),
        // h
        (0x68, false, &[&["send-keys", "-X", "cursor-left"]]),
        // j
        (0x6a, false, &[&["send-keys", "-X", "cursor-down"]]),
        // k
        (0x6b, false, &[&["send-keys", "-X", "cursor-up"]]),
        // l
        (0x6c, false, &[&["send-keys", "-X", "cursor-right"]]),
        // n
        (0x6e, false, &[&["send-keys", "-X", "search-again"]]),
        // o
        (0x6f, false, &[&["send-keys", "-X", "other-end"]]),
        // q
        (0x71, false, &[&["send-keys", "-X", "cancel"]]),
        // r
        (0x72, false, &[&["send-keys", "-X", "refresh-from-pane"]]),
        // t
        (0x74, false, &[&["command-prompt", "-1", "-p", "(jump to forward)", "\u{e000}send-keys -X jump-to-forward %%"]]),
        // v
        (0x76, false, &[&["send-keys", "-X", "rectangle-toggle"]]),
        // w
        (0x77, false, &[&["send-keys", "-X", "next-word"]]),
        // {
        (0x7b, false, &[&["send-keys", "-X", "previous-paragraph"]]),
        // }
        (0x7d, false, &[&["send-keys", "-X", "next-paragraph"]]),
        // MouseDown1Pane
        (0x100000000003, false, &[&["select-pane"]]),
        // MouseDrag1Pane
        (0x100000000015, false, &[&["select-pane"], &["send-keys", "-X", "begin-selection"]]),
        // MouseDragEnd1Pane
        (0x10000000001e, false, &[&["send-keys", "-X", "copy-pipe-and-cancel"]]),
        // WheelUpPane
        (0x100000000027, false, &[&["select-pane"], &["send-keys", "-X", "-N", "5", "scroll-up"]]),
        // WheelDownPane
        (0x10000000002a, false, &[&["select-pane"], &["send-keys", "-X", "-N", "5", "scroll-down"]]),
        // DoubleClick1Pane
        (0x100000000109, false, &[&["select-pane"], &["send-keys", "-X", "select-word"], &["run-shell", "-d", "0.3"], &["send-keys", "-X", "copy-pipe-and-cancel"]]),
        // TripleClick1Pane
        (0x100000000112, false, &[&["select-pane"], &["send-keys", "-X", "select-line"], &["run-shell", "-d", "0.3"], &["send-keys", "-X", "copy-pipe-and-cancel"]]),
        // BSpace
        (0x10000000002d, false, &[&["send-keys", "-X", "cursor-left"]]),
        // NPage
        (0x10000000003e, false, &[&["send-keys", "-X", "page-down"]]),
        // PPage
        (0x10000000003f, false, &[&["send-keys", "-X", "page-up"]]),
        // Up
        (0x100000000041, false, &[&["send-keys", "-X", "cursor-up"]]),
        // Down
        (0x100000000042, false, &[&["send-keys", "-X", "cursor-down"]]),
        // Left
        (0x100000000043, false, &[&["send-keys", "-X", "cursor-left"]]),
        // Right
        (0x100000000044, false, &[&["send-keys", "-X", "cursor-right"]]),
        // M-x
        (0x200000000078, false, &[&["send-keys", "-X", "jump-to-mark"]]),
        // C-Up
        (0x500000000041, false, &[&["send-keys", "-X", "scroll-up"]]),
        // C-Down
        (0x500000000042, false, &[&["send-keys", "-X", "scroll-down"]]),
    ]),
    ("prefix", &[
        // C-b
        (0x2, false, &[&["send-prefix"]]),
        // C-o
        (0xf, false, &[&["rotate-window"]]),
        // C-z
        (0x1a, false, &[&["suspend-client"]]),
        // Space
        (0x20, false, &[&["next-layout"]]),
        // !
        (0x21, false, &[&["break-pane"]]),
        // "
        (0x22, false, &[&["split-window"]]),
        // #
        (0x23, false, &[&["list-buffers"]]),
        // $
        (0x24, false, &[&["command-prompt", "-I", "#S", "\u{e000}rename-session %%"]]),
        // %
        (0x25, false, &[&["split-window", "-h"]]),
        // &
        (0x26, false, &[&["confirm-before", "-p", "kill-window #W? (y/n)", "kill-window"]]),
        // '
        (0x27, false, &[&["command-prompt", "-T", "window-target", "-p", "index", "\u{e000}select-window -t :%%"]]),
        // (
        (0x28, false, &[&["switch-client", "-p"]]),
        // )
        (0x29, false, &[&["switch-client", "-n"]]),
        // ,
        (0x2c, false, &[&["command-prompt", "-I", "#W", "\u{e000}rename-window %%"]]),
        // -
        (0x2d, false, &[&["delete-buffer"]]),
        // .
        (0x2e, false, &[&["command-prompt", "-T", "target", "\u{e000}move-window -t %%"]]),
        // /
        (0x2f, false, &[&["command-prompt", "-k", "-p", "key", "\u{e000}list-keys -1N %%"]]),
        // 0
        (0x30, false, &[&["select-window", "-t", ":=0"]]),
        // 1
        (0x31, false, &[&["select-window", "-t", ":=1"]]),
        // 2
        (0x32, false, &[&["select-window", "-t", ":=2"]]),
        // 3
        (0x33, false, &[&["select-window", "-t", ":=3"]]),
        // 4
        (0x34, false, &[&["select-window", "-t", ":=4"]]),
        // 5
        (0x35, false, &[&["select-window", "-t", ":=5"]]),
        // 6
        (0x36, false, &[&["select-window", "-t", ":=6"]]),
        // 7
        (0x37, false, &[&["select-window", "-t", ":=7"]]),
        // 8
        (0x38, false, &[&["select-window", "-t", ":=8"]]),
        // 9
        (0x39, false, &[&["select-window", "-t", ":=9"]]),
        // :
        (0x3a, false, &[&["command-prompt"]]),
        // ;
        (0x3b, false, &[&["last-pane"]]),
        // <
        (0x3c, false, &[&["display-menu", "-xW", "-yW", "-T", "#[align=centre]#{window_index}:#{window_name}", "#{?#{>:#{session_windows},1},,-}Swap Left", "l", "\u{e000}swap-window -t:-1", "#{?#{>:#{session_windows},1},,-}Swap Right", "r", "\u{e000}swap-window -t:+1", "#{?pane_marked_set,,-}Swap Marked", "s", "\u{e000}swap-window", "", "Kill", "X", "\u{e000}kill-window", "Respawn", "R", "\u{e000}respawn-window -k", "#{?pane_marked,Unmark,Mark}", "m", "\u{e000}select-pane -m", "Rename", "n", "\u{e000}command-prompt -FI \"#W\" { rename-window -t \"#{window_id}\" -- %% }", "", "New After", "w", "\u{e000}new-window -a", "New At End", "W", "\u{e000}new-window"]]),
        // =
        (0x3d, false, &[&["choose-buffer", "-Z"]]),
        // >
        (0x3e, false, &[&["display-menu", "-xP", "-yP", "-T", "#[align=centre]#{pane_index} (#{pane_id})", "#{?#{m/r:(copy|view)-mode,#{pane_mode}},Go To Top,}", "<", "\u{e000}send -X history-top", "#{?#{m/r:(copy|view)-mode,#{pane_mode}},Go To Bottom,}", ">", "\u{e000}send -X history-bottom", "", "#{?mouse_word,Search For #[underscore]#{=/9/...:mouse_word},}", "C-r", "\u{e000}if -F \"#{?#{m/r:(copy|view)-mode,#{pane_mode}},0,1}\" \"copy-mode -t=\" ; send -Xt= search-backward \"#{q:mouse_word}\"", "#{?mouse_word,Type #[underscore]#{=/9/...:mouse_word},}", "C-y", "\u{e000}copy-mode -q ; send-keys -l -- \"#{q:mouse_word}\"", "#{?mouse_word,Copy #[underscore]#{=/9/...:mouse_word},}", "c", "\u{e000}copy-mode -q ; set-buffer -- \"#{q:mouse_word}\"", "#{?mouse_line,Copy Line,}", "l", "\u{e000}copy-mode -q ; set-buffer -- \"#{q:mouse_line}\"", "", "Horizontal Split", "h", "\u{e000}split-window -h", "Vertical Split", "v", "\u{e000}split-window -v", "", "#{?#{>:#{window_panes},1},,-}Swap Up", "u", "\u{e000}swap-pane -U", "#{?#{>:#{window_panes},1},,-}Swap Down", "d", "\u{e000}swap-pane -D", "#{?pane_marked_set,,-}Swap Marked", "s", "\u{e000}swap-pane", "", "Kill", "X", "\u{e000}kill-pane", "Respawn", "R", "\u{e000}respawn-pane -k", "#{?pane_marked,Unmark,Mark}", "m", "\u{e000}select-pane -m", "#{?#{>:#{window_panes},1},,-}#{?window_zoomed_flag,Unzoom,Zoom}", "z", "\u{e000}resize-pane -Z"]]),
        // ?
        (0x3f, false, &[&["list-keys", "-N"]]),
        // C
        (0x43, false, &[&["customize-mode", "-Z"]]),
        // D
        (0x44, false, &[&["choose-client", "-Z"]]),
        // E
        (0x45, false, &[&["select-layout", "-E"]]),
        // L
        (0x4c, false, &[&["switch-client", "-l"]]),
        // M
        (0x4d, false, &[&["select-pane", "-M"]]),
        // [
        (0x5b, false, &[&["copy-mode"]]),
        // ]
        (0x5d, false, &[&["paste-buffer", "-p"]]),
        // c
        (0x63, false, &[&["new-window"]]),
        // d
        (0x64, false, &[&["detach-client"]]),
        // f
        (0x66, false, &[&["command-prompt", "\u{e000}find-window -Z %%"]]),
        // i
        (0x69, false, &[&["display-message"]]),
        // l
        (0x6c, false, &[&["last-window"]]),
        // m
        (0x6d, false, &[&["select-pane", "-m"]]),
        // n
        (0x6e, false, &[&["next-window"]]),
        // o
        (0x6f, false, &[&["select-pane", "-t", ":.+"]]),
        // p
        (0x70, false, &[&["previous-window"]]),
        // q
        (0x71, false, &[&["display-panes"]]),
        // r
        (0x72, false, &[&["refresh-client"]]),
        // s
        (0x73, false, &[&["choose-tree", "-Zs"]]),
        // t
        (0x74, false, &[&["clock-mode"]]),
        // w
        (0x77, false, &[&["choose-tree", "-Zw"]]),
        // x
        (0x78, false, &[&["confirm-before", "-p", "kill-pane #P? (y/n)", "kill-pane"]]),
        // z
        (0x7a, false, &[&["resize-pane", "-Z"]]),
        // {
        (0x7b, false, &[&["swap-pane", "-U"]]),
        // }
        (0x7d, false, &[&["swap-pane", "-D"]]),
        // ~
        (0x7e, false, &[&["show-messages"]]),
        // DC
        (0x10000000003b, true, &[&["refresh-client", "-c"]]),
        // PPage
        (0x10000000003f, false, &[&["copy-mode", "-u"]]),
        // Up
        (0x100000000041, true, &[&["select-pane", "-U"]]),
        // Down
        (0x100000000042, true, &[&["select-pane", "-D"]]),
        // Left
        (0x100000000043, true, &[&["select-pane", "-L"]]),
        // Right
        (0x100000000044, true, &[&["select-pane", "-R"]]),
        // M-1
        (0x200000000031, false, &[&["select-layout", "even-horizontal"]]),
        // M-2
        (0x200000000032, false, &[&["select-layout", "even-vertical"]]),
        // M-3
        (0x200000000033, false, &[&["select-layout", "main-horizontal"]]),
        // M-4
        (0x200000000034, false, &[&["select-layout", "main-vertical"]]),
        // M-5
        (0x200000000035, false, &[&["select-layout", "tiled"]]),
        // M-n
        (0x20000000006e, false, &[&["next-window", "-a"]]),
        // M-o
        (0x20000000006f, false, &[&["rotate-window", "-D"]]),
        // M-p
        (0x200000000070, false, &[&["previous-window", "-a"]]),
        // M-Up
        (0x300000000041, true, &[&["resize-pane", "-U", "5"]]),
        // M-Down
        (0x300000000042, true, &[&["resize-pane", "-D", "5"]]),
        // M-Left
        (0x300000000043, true, &[&["resize-pane", "-L", "5"]]),
        // M-Right
        (0x300000000044, true, &[&["resize-pane", "-R", "5"]]),
        // C-Up
        (0x500000000041, true, &[&["resize-pane", "-U"]]),
        // C-Down
        (0x500000000042, true, &[&["resize-pane", "-D"]]),
        // C-Left
        (0x500000000043, true, &[&["resize-pane", "-L"]]),
        // C-Right
        (0x500000000044, true, &[&["resize-pane", "-R"]]),
        // S-Up
        (0x900000000041, true, &[&["refresh-client", "-U", "10"]]),
        // S-Down
        (0x900000000042, true, &[&["refresh-client", "-D", "10"]]),
        // S-Left
        (0x900000000043, true, &[&["refresh-client", "-L", "10"]]),
        // S-Right
        (0x900000000044, true, &[&["refresh-client", "-R", "10"]]),
    ]),
    ("root", &[
        // MouseDown1Pane
        (0x100000000003, false, &[&["select-pane", "-t", "="], &["send-keys", "-M"]]),
        // MouseDown1Status
        (0x100000000004, false, &[&["select-window", "-t", "="]]),
        // MouseDown2Pane
        (0x100000000006, false, &[&["select-pane", "-t", "="], &["if-shell", "-F", "#{||:#{pane_in_mode},#{mouse_any_flag}}", "\u{e000}send-keys -M", "\u{e000}paste-buffer -p"]]),
        // MouseDown3Pane
        (0x100000000009, false, &[&["if", "-Ft=", "#{||:#{mouse_any_flag},#{&&:#{pane_in_mode},#{?#{m/r:(copy|view)-mode,#{pane_mode}},0,1}}}", "\u{e000}select-pane -t= ; send -M", "\u{e000}display-menu -t= -xM -yM -T \"#[align=centre]#{pane_index} (#{pane_id})\" \"#{?#{m/r:(copy|view)-mode,#{pane_mode}},Go To Top,}\" \"<\" { send -X history-top } \"#{?#{m/r:(copy|view)-mode,#{pane_mode}},Go To Bottom,}\" \">\" { send -X history-bottom } \"\" \"#{?mouse_word,Search For #[underscore]#{=/9/...:mouse_word},}\" C-r { if -F \"#{?#{m/r:(copy|view)-mode,#{pane_mode}},0,1}\" \"copy-mode -t=\" ; send -Xt= search-backward \"#{q:mouse_word}\" } \"#{?mouse_word,Type #[underscore]#{=/9/...:mouse_word},}\" C-y { copy-mode -q ; send-keys -l -- \"#{q:mouse_word}\" } \"#{?mouse_word,Copy #[underscore]#{=/9/...:mouse_word},}\" c { copy-mode -q ; set-buffer -- \"#{q:mouse_word}\" } \"#{?mouse_line,Copy Line,}\" l { copy-mode -q ; set-buffer -- \"#{q:mouse_line}\" } \"\" \"Horizontal Split\" h { split-window -h } \"Vertical Split\" v { split-window -v } \"\" \"#{?#{>:#{window_panes},1},,-}Swap Up\" u { swap-pane -U } \"#{?#{>:#{window_panes},1},,-}Swap Down\" d { swap-pane -D } \"#{?pane_marked_set,,-}Swap Marked\" s { swap-pane } \"\" Kill X { kill-pane } Respawn R { respawn-pane -k } \"#{?pane_marked,Unmark,Mark}\" m { select-pane -m } \"#{?#{>:#{window_panes},1},,-}#{?window_zoomed_flag,Unzoom,Zoom}\" z { resize-pane -Z }"]]),
        // MouseDown3Status
        (0x10000000000a, false, &[&["display-menu", "-t=", "-xW", "-yW", "-T", "#[align=centre]#{window_index}:#{window_name}", "#{?#{>:#{session_windows},1},,-}Swap Left", "l", "\u{e000}swap-window -t:-1", "#{?#{>:#{session_windows},1},,-}Swap Right", "r", "\u{e000}swap-window -t:+1", "#{?pane_marked_set,,-}Swap Marked", "s", "\u{e000}swap-window", "", "Kill", "X", "\u{e000}kill-window", "Respawn", "R", "\u{e000}respawn-window -k", "#{?pane_marked,Unmark,Mark}", "m", "\u{e000}select-pane -m", "Rename", "n", "\u{e000}command-prompt -FI \"#W\" { rename-window -t \"#{window_id}\" -- %% }", "", "New After", "w", "\u{e000}new-window -a", "New At End", "W", "\u{e000}new-window"]]),
        // MouseDown3StatusLeft
        (0x100000000206, false, &[&["display-menu", "-t=", "-xM", "-yW", "-T", "#[align=centre]#{session_name}", "Next", "n", "\u{e000}switch-client -n", "Previous", "p", "\u{e000}switch-client -p", "", "Renumber", "N", "\u{e000}move-window -r", "Rename", "n", "\u{e000}command-prompt -I \"#S\" { rename-session -- %% }", "", "New Session", "s", "\u{e000}new-session", "New Window", "w", "\u{e000}new-window"]]),
        // MouseDrag1Pane
        (0x100000000015, false, &[&["if-shell", "-F", "#{||:#{pane_in_mode},#{mouse_any_flag}}", "\u{e000}send-keys -M", "\u{e000}copy-mode -M"]]),
        // MouseDrag1Border
        (0x100000000017, false, &[&["resize-pane", "-M"]]),
        // WheelUpPane
        (0x100000000027, false, &[&["if-shell", "-F", "#{||:#{pane_in_mode},#{mouse_any_flag}}", "\u{e000}send-keys -M", "\u{e000}copy-mode -e"]]),
        // WheelUpStatus
        (0x100000000028, false, &[&["previous-window"]]),
        // WheelDownStatus
        (0x10000000002b, false, &[&["next-window"]]),
        // DoubleClick1Pane
        (0x100000000109, false, &[&["select-pane", "-t="], &["if-shell", "-F", "#{||:#{pane_in_mode},#{mouse_any_flag}}", "\u{e000}send-keys -M", "\u{e000}copy-mode -H ; send-keys -X select-word ; run-shell -d 0.3 ; send-keys -X copy-pipe-and-cancel"]]),
        // TripleClick1Pane
        (0x100000000112, false, &[&["select-pane", "-t="], &["if-shell", "-F", "#{||:#{pane_in_mode},#{mouse_any_flag}}", "\u{e000}send-keys -M", "\u{e000}copy-mode -H ; send-keys -X select-line ; run-shell -d 0.3 ; send-keys -X copy-pipe-and-cancel"]]),
        // M-MouseDown3Pane
        (0x300000000009, false, &[&["display-menu", "-t=", "-xM", "-yM", "-T", "#[align=centre]#{pane_index} (#{pane_id})", "#{?#{m/r:(copy|view)-mode,#{pane_mode}},Go To Top,}", "<", "\u{e000}send -X history-top", "#{?#{m/r:(copy|view)-mode,#{pane_mode}},Go To Bottom,}", ">", "\u{e000}send -X history-bottom", "", "#{?mouse_word,Search For #[underscore]#{=/9/...:mouse_word},}", "C-r", "\u{e000}if -F \"#{?#{m/r:(copy|view)-mode,#{pane_mode}},0,1}\" \"copy-mode -t=\" ; send -Xt= search-backward \"#{q:mouse_word}\"", "#{?mouse_word,Type #[underscore]#{=/9/...:mouse_word},}", "C-y", "\u{e000}copy-mode -q ; send-keys -l -- \"#{q:mouse_word}\"", "#{?mouse_word,Copy #[underscore]#{=/9/...:mouse_word},}", "c", "\u{e000}copy-mode -q ; set-buffer -- \"#{q:mouse_word}\"", "#{?mouse_line,Copy Line,}", "l", "\u{e000}copy-mode -q ; set-buffer -- \"#{q:mouse_line}\"", "", "Horizontal Split", "h", "\u{e000}split-window -h", "Vertical Split", "v", "\u{e000}split-window -v", "", "#{?#{>:#{window_panes},1},,-}Swap Up", "u", "\u{e000}swap-pane -U", "#{?#{>:#{window_panes},1},,-}Swap Down", "d", "\u{e000}swap-pane -D", "#{?pane_marked_set,,-}Swap Marked", "s", "\u{e000}swap-pane", "", "Kill", "X", "\u{e000}kill-pane", "Respawn", "R", "\u{e000}respawn-pane -k", "#{?pane_marked,Unmark,Mark}", "m", "\u{e000}select-pane -m", "#{?#{>:#{window_panes},1},,-}#{?window_zoomed_flag,Unzoom,Zoom}", "z", "\u{e000}resize-pane -Z"]]),
    ]),
];

/// `bind-key -N` notes: table, key code, note.
#[rustfmt::skip]
pub const NOTES: &[(&str, u64, &str)] = &[
    ("prefix", 0x2, "Send the prefix key"),
    ("prefix", 0xf, "Rotate through the panes"),
    ("prefix", 0x1a, "Suspend the current client"),
    ("prefix", 0x20, "Select next layout"),
    ("prefix", 0x21, "Break pane to a new window"),
    ("prefix", 0x22, "Split window vertically"),
    ("prefix", 0x23, "List all paste buffers"),
    ("prefix", 0x24, "Rename current session"),
    ("prefix", 0x25, "Split window horizontally"),
    ("prefix", 0x26, "Kill current window"),
    ("prefix", 0x27, "Prompt for window index to select"),
    ("prefix", 0x28, "Switch to previous client"),
    ("prefix", 0x29, "Switch to next client"),
    ("prefix", 0x2c, "Rename current window"),
    ("prefix", 0x2d, "Delete the most recent paste buffer"),
    ("prefix", 0x2e, "Move the current window"),
    ("prefix", 0x2f, "Describe key binding"),
    ("prefix", 0x30, "Select window 0"),
    ("prefix", 0x31, "Select window 1"),
    ("prefix", 0x32, "Select window 2"),
    ("prefix", 0x33, "Select window 3"),
    ("prefix", 0x34, "Select window 4"),
    ("prefix", 0x35, "Select window 5"),
    ("prefix", 0x36, "Select window 6"),
    ("prefix", 0x37, "Select window 7"),
    ("prefix", 0x38, "Select window 8"),
    ("prefix", 0x39, "Select window 9"),
    ("prefix", 0x3a, "Prompt for a command"),
    ("prefix", 0x3b, "Move to the previously active pane"),
    ("prefix", 0x3d, "Choose a paste buffer from a list"),
    ("prefix", 0x3f, "List key bindings"),
    ("prefix", 0x43, "Customize options"),
    ("prefix", 0x44, "Choose a client from a list"),
    ("prefix", 0x45, "Spread panes out evenly"),
    ("prefix", 0x4c, "Switch to the last client"),
    ("prefix", 0x4d, "Clear the marked pane"),
    ("prefix", 0x5b, "Enter copy mode"),
    ("prefix", 0x5d, "Paste the most recent paste buffer"),
    ("prefix", 0x63, "Create a new window"),
    ("prefix", 0x64, "Detach the current client"),
    ("prefix", 0x66, "Search for a pane"),
    ("prefix", 0x69, "Display window information"),
    ("prefix", 0x6c, "Select the previously current window"),
    ("prefix", 0x6d, "Toggle the marked pane"),
    ("prefix", 0x6e, "Select the next window"),
    ("prefix", 0x6f, "Select the next pane"),
    ("prefix", 0x70, "Select the previous window"),
    ("prefix", 0x71, "Display pane numbers"),
    ("prefix", 0x72, "Redraw the current client"),
    ("prefix", 0x73, "Choose a session from a list"),
    ("prefix", 0x74, "Show a clock"),
    ("prefix", 0x77, "Choose a window from a list"),
    ("prefix", 0x78, "Kill the active pane"),
    ("prefix", 0x7a, "Zoom the active pane"),
    ("prefix", 0x7b, "Swap the active pane with the pane above"),
    ("prefix", 0x7d, "Swap the active pane with the pane below"),
    ("prefix", 0x7e, "Show messages"),
    ("prefix", 0x10000000003b, "Reset so the visible part of the window follows the cursor"),
    ("prefix", 0x10000000003f, "Enter copy mode and scroll up"),
    ("prefix", 0x100000000041, "Select the pane above the active pane"),
    ("prefix", 0x100000000042, "Select the pane below the active pane"),
    ("prefix", 0x100000000043, "Select the pane to the left of the active pane"),
    ("prefix", 0x100000000044, "Select the pane to the right of the active pane"),
    ("prefix", 0x200000000031, "Set the even-horizontal layout"),
    ("prefix", 0x200000000032, "Set the even-vertical layout"),
    ("prefix", 0x200000000033, "Set the main-horizontal layout"),
    ("prefix", 0x200000000034, "Set the main-vertical layout"),
    ("prefix", 0x200000000035, "Select the tiled layout"),
    ("prefix", 0x20000000006e, "Select the next window with an alert"),
    ("prefix", 0x20000000006f, "Rotate through the panes in reverse"),
    ("prefix", 0x200000000070, "Select the previous window with an alert"),
    ("prefix", 0x300000000041, "Resize the pane up by 5"),
    ("prefix", 0x300000000042, "Resize the pane down by 5"),
    ("prefix", 0x300000000043, "Resize the pane left by 5"),
    ("prefix", 0x300000000044, "Resize the pane right by 5"),
    ("prefix", 0x500000000041, "Resize the pane up"),
    ("prefix", 0x500000000042, "Resize the pane down"),
    ("prefix", 0x500000000043, "Resize the pane left"),
    ("prefix", 0x500000000044, "Resize the pane right"),
    ("prefix", 0x900000000041, "Move the visible part of the window up"),
    ("prefix", 0x900000000042, "Move the visible part of the window down"),
    ("prefix", 0x900000000043, "Move the visible part of the window left"),
    ("prefix", 0x900000000044, "Move the visible part of the window right"),
];
