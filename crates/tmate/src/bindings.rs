//! Key tables (`root`, `prefix`, and any made with `bind-key -T`): bindings as command lists
//! with the repeat flag, tmate 2.4's default bindings (protocol spec appendix A) and the
//! server's tables built from them, and `list-keys` lines in tmux 3.3a's layout. No I/O.

use tmate_proto::KeyCode;

use crate::options::escape;

/// The key tables are the ones the relay uses too (bounded there: bindings come from user files).
pub use tmate_proto::keytable::{Binding, KeyTables};

/// tmux 3.3a's prefix and root tables (`key-bindings.c`, as `tmux -f /dev/null list-keys`
/// prints them, with its `-N` notes), the server's own: `C-b ?` lists the notes, `C-b ]`
/// pastes bracketed, a middle click pastes. The relay keeps tmate 2.4's list (`DEFAULTS`:
/// the replayed defaults must stay byte for byte what tmate 2.4 sends), and forwards viewers'
/// keys to the host, which runs them here anyway. The menus (`C-b <`, `C-b >`, the right
/// button) are `menu::DEFAULT_BINDINGS`, double and triple clicks `copy::keys::ROOT_DEFAULTS`.
/// Built into `bindings_table` (see `default_tables`).
#[cfg(test)]
pub const SERVER_DEFAULTS: &str = r##"
bind-key -N "Send the prefix key" C-b send-prefix
bind-key -N "Rotate through the panes" C-o rotate-window
bind-key -N "Suspend the current client" C-z suspend-client
bind-key -N "Select next layout" Space next-layout
bind-key -N "Break pane to a new window" ! break-pane
bind-key -N "Split window vertically" \" split-window
bind-key -N "List all paste buffers" \# list-buffers
bind-key -N "Rename current session" \$ command-prompt -I "#S" { rename-session "%%" }
bind-key -N "Split window horizontally" \% split-window -h
bind-key -N "Kill current window" & confirm-before -p "kill-window #W? (y/n)" kill-window
bind-key -N "Prompt for window index to select" \' command-prompt -T window-target -p index { select-window -t ":%%" }
bind-key -N "Switch to previous client" ( switch-client -p
bind-key -N "Switch to next client" ) switch-client -n
bind-key -N "Rename current window" , command-prompt -I "#W" { rename-window "%%" }
bind-key -N "Delete the most recent paste buffer" - delete-buffer
bind-key -N "Move the current window" . command-prompt -T target { move-window -t "%%" }
bind-key -N "Describe key binding" / command-prompt -k -p key { list-keys -1N "%%" }
bind-key -N "Select window 0" 0 select-window -t :=0
bind-key -N "Select window 1" 1 select-window -t :=1
bind-key -N "Select window 2" 2 select-window -t :=2
bind-key -N "Select window 3" 3 select-window -t :=3
bind-key -N "Select window 4" 4 select-window -t :=4
bind-key -N "Select window 5" 5 select-window -t :=5
bind-key -N "Select window 6" 6 select-window -t :=6
bind-key -N "Select window 7" 7 select-window -t :=7
bind-key -N "Select window 8" 8 select-window -t :=8
bind-key -N "Select window 9" 9 select-window -t :=9
bind-key -N "Prompt for a command" : command-prompt
bind-key -N "Move to the previously active pane" \; last-pane
bind-key -N "Choose a paste buffer from a list" = choose-buffer -Z
bind-key -N "List key bindings" ? list-keys -N
bind-key -N "Customize options" C customize-mode -Z
bind-key -N "Choose a client from a list" D choose-client -Z
bind-key -N "Spread panes out evenly" E select-layout -E
bind-key -N "Switch to the last client" L switch-client -l
bind-key -N "Clear the marked pane" M select-pane -M
bind-key -N "Enter copy mode" [ copy-mode
bind-key -N "Paste the most recent paste buffer" ] paste-buffer -p
bind-key -N "Create a new window" c new-window
bind-key -N "Detach the current client" d detach-client
bind-key -N "Search for a pane" f command-prompt { find-window -Z "%%" }
bind-key -N "Display window information" i display-message
bind-key -N "Select the previously current window" l last-window
bind-key -N "Toggle the marked pane" m select-pane -m
bind-key -N "Select the next window" n next-window
bind-key -N "Select the next pane" o select-pane -t :.+
bind-key -N "Select the previous window" p previous-window
bind-key -N "Display pane numbers" q display-panes
bind-key -N "Redraw the current client" r refresh-client
bind-key -N "Choose a session from a list" s choose-tree -Zs
bind-key -N "Show a clock" t clock-mode
bind-key -N "Choose a window from a list" w choose-tree -Zw
bind-key -N "Kill the active pane" x confirm-before -p "kill-pane #P? (y/n)" kill-pane
bind-key -N "Zoom the active pane" z resize-pane -Z
bind-key -N "Swap the active pane with the pane above" \{ swap-pane -U
bind-key -N "Swap the active pane with the pane below" \} swap-pane -D
bind-key -N "Show messages" \~ show-messages
bind-key -r -N "Reset so the visible part of the window follows the cursor" DC refresh-client -c
bind-key -N "Enter copy mode and scroll up" PPage copy-mode -u
bind-key -r -N "Select the pane above the active pane" Up select-pane -U
bind-key -r -N "Select the pane below the active pane" Down select-pane -D
bind-key -r -N "Select the pane to the left of the active pane" Left select-pane -L
bind-key -r -N "Select the pane to the right of the active pane" Right select-pane -R
bind-key -N "Set the even-horizontal layout" M-1 select-layout even-horizontal
bind-key -N "Set the even-vertical layout" M-2 select-layout even-vertical
bind-key -N "Set the main-horizontal layout" M-3 select-layout main-horizontal
bind-key -N "Set the main-vertical layout" M-4 select-layout main-vertical
bind-key -N "Select the tiled layout" M-5 select-layout tiled
bind-key -N "Select the next window with an alert" M-n next-window -a
bind-key -N "Rotate through the panes in reverse" M-o rotate-window -D
bind-key -N "Select the previous window with an alert" M-p previous-window -a
bind-key -r -N "Resize the pane up by 5" M-Up resize-pane -U 5
bind-key -r -N "Resize the pane down by 5" M-Down resize-pane -D 5
bind-key -r -N "Resize the pane left by 5" M-Left resize-pane -L 5
bind-key -r -N "Resize the pane right by 5" M-Right resize-pane -R 5
bind-key -r -N "Resize the pane up" C-Up resize-pane -U
bind-key -r -N "Resize the pane down" C-Down resize-pane -D
bind-key -r -N "Resize the pane left" C-Left resize-pane -L
bind-key -r -N "Resize the pane right" C-Right resize-pane -R
bind-key -r -N "Move the visible part of the window up" S-Up refresh-client -U 10
bind-key -r -N "Move the visible part of the window down" S-Down refresh-client -D 10
bind-key -r -N "Move the visible part of the window left" S-Left refresh-client -L 10
bind-key -r -N "Move the visible part of the window right" S-Right refresh-client -R 10
bind-key -n MouseDown1Pane select-pane -t = \; send-keys -M
bind-key -n MouseDown1Status select-window -t =
bind-key -n MouseDown2Pane select-pane -t = \; if-shell -F "#{||:#{pane_in_mode},#{mouse_any_flag}}" { send-keys -M } { paste-buffer -p }
bind-key -n MouseDrag1Pane if-shell -F "#{||:#{pane_in_mode},#{mouse_any_flag}}" { send-keys -M } { copy-mode -M }
bind-key -n MouseDrag1Border resize-pane -M
bind-key -n WheelUpPane if-shell -F "#{||:#{pane_in_mode},#{mouse_any_flag}}" { send-keys -M } { copy-mode -e }
bind-key -n WheelUpStatus previous-window
bind-key -n WheelDownStatus next-window
"##;

/// tmate 2.4's default bindings (appendix A), written in config syntax: replayed to the relay
/// as tmate 2.4 sends them.
pub const DEFAULTS: &str = r##"
bind-key C-b send-prefix
bind-key C-o rotate-window
bind-key C-z suspend-client
bind-key Space next-layout
bind-key ! break-pane
bind-key '"' split-window
bind-key '#' list-buffers
bind-key '$' command-prompt -I#S "rename-session '%%'"
bind-key % split-window -h
bind-key & confirm-before -p"kill-window #W? (y/n)" kill-window
bind-key "'" command-prompt -pindex "select-window -t ':%%'"
bind-key ( switch-client -p
bind-key ) switch-client -n
bind-key , command-prompt -I#W "rename-window '%%'"
bind-key - delete-buffer
bind-key . command-prompt "move-window -t '%%'"
bind-key 0 select-window -t:=0
bind-key 1 select-window -t:=1
bind-key 2 select-window -t:=2
bind-key 3 select-window -t:=3
bind-key 4 select-window -t:=4
bind-key 5 select-window -t:=5
bind-key 6 select-window -t:=6
bind-key 7 select-window -t:=7
bind-key 8 select-window -t:=8
bind-key 9 select-window -t:=9
bind-key : command-prompt
bind-key \; last-pane
bind-key = choose-buffer
bind-key ? list-keys
bind-key D choose-client
bind-key L switch-client -l
bind-key M select-pane -M
bind-key [ copy-mode
bind-key ] paste-buffer
bind-key c new-window
bind-key d detach-client
bind-key f command-prompt "find-window '%%'"
bind-key i display-message
bind-key l last-window
bind-key m select-pane -m
bind-key n next-window
bind-key o select-pane -t:.+
bind-key p previous-window
bind-key q display-panes
bind-key r refresh-client
bind-key s choose-tree
bind-key t clock-mode
bind-key w choose-window
bind-key x confirm-before -p"kill-pane #P? (y/n)" kill-pane
bind-key z resize-pane -Z
bind-key '{' swap-pane -U
bind-key '}' swap-pane -D
bind-key '~' show-messages
bind-key PPage copy-mode -u
bind-key -r Up select-pane -U
bind-key -r Down select-pane -D
bind-key -r Left select-pane -L
bind-key -r Right select-pane -R
bind-key M-1 select-layout even-horizontal
bind-key M-2 select-layout even-vertical
bind-key M-3 select-layout main-horizontal
bind-key M-4 select-layout main-vertical
bind-key M-5 select-layout tiled
bind-key M-n next-window -a
bind-key M-o rotate-window -D
bind-key M-p previous-window -a
bind-key -r M-Up resize-pane -U 5
bind-key -r M-Down resize-pane -D 5
bind-key -r M-Left resize-pane -L 5
bind-key -r M-Right resize-pane -R 5
bind-key -r C-Up resize-pane -U
bind-key -r C-Down resize-pane -D
bind-key -r C-Left resize-pane -L
bind-key -r C-Right resize-pane -R
bind-key -n MouseDown1Pane select-pane -t= \; send-keys -M
bind-key -n MouseDrag1Border resize-pane -M
bind-key -n MouseDown1Status select-window -t=
bind-key -n WheelDownStatus next-window
bind-key -n WheelUpStatus previous-window
bind-key -n MouseDrag1Pane if -Ft= "#{mouse_any_flag}" "if -Ft= \"#{pane_in_mode}\" \"copy-mode -M\" \"send-keys -M\"" "copy-mode -M"
bind-key -n MouseDown3Pane if-shell -Ft= "#{mouse_any_flag}" "select-pane -t=; send-keys -M" "select-pane -mt="
bind-key -n WheelUpPane if-shell -Ft= "#{mouse_any_flag}" "send-keys -M" "if -Ft= \"#{pane_in_mode}\" \"send-keys -M\" \"copy-mode -et=\""
"##;

/// The key tables a server starts with: every default text (`SERVER_DEFAULTS`,
/// `menu::DEFAULT_BINDINGS`, `copy::keys::DEFAULTS` and `ROOT_DEFAULTS`, in that order) as
/// `bind-key` would have made them, from the table compiled in. Parsing the texts at each
/// start was half of the server's start-up instructions; the test
/// `default_table_matches_the_config_texts` keeps the table equal to the texts.
pub fn default_tables() -> KeyTables {
    let mut keys = KeyTables::default();
    for (table, bindings) in crate::bindings_table::TABLE {
        let bindings = bindings.iter().map(|(key, repeat, commands)| {
            let commands = commands
                .iter()
                .map(|c| c.iter().map(|w| (*w).to_string()).collect())
                .collect();
            let binding = Binding {
                repeat: *repeat,
                commands,
            };
            (KeyCode(*key), binding)
        });
        keys.tables.insert((*table).to_string(), bindings.collect());
    }
    keys
}

/// `bind-key -N` notes by table and key (`State::key_notes`).
pub type Notes = std::collections::BTreeMap<(String, KeyCode), String>;

/// The notes of the default bindings (tmux 3.3a's, for `list-keys -N` and `C-b ?`), from
/// the table compiled in with [`default_tables`].
pub fn default_notes() -> Notes {
    crate::bindings_table::NOTES
        .iter()
        .map(|(table, key, note)| (((*table).to_string(), KeyCode(*key)), (*note).to_string()))
        .collect()
}

/// Bind with the messages tmux gives past the bounds.
pub fn bind(
    keys: &mut KeyTables,
    table: &str,
    key: KeyCode,
    binding: Binding,
) -> Result<(), String> {
    if keys.bind(table, key, binding) {
        Ok(())
    } else if keys.tables.contains_key(table) {
        Err("too many key bindings".into())
    } else {
        Err("too many key tables".into())
    }
}

/// `list-keys` lines for one table (all when `None`) or one key: tmux pads the table and key
/// columns to the widest shown.
pub fn list(keys: &KeyTables, table: Option<&str>, key: Option<KeyCode>) -> Vec<String> {
    let shown: Vec<(&String, KeyCode, &Binding)> = keys
        .tables
        .iter()
        .filter(|(name, _)| table.is_none_or(|t| t == name.as_str()))
        .flat_map(|(name, t)| t.iter().map(move |(k, b)| (name, *k, b)))
        .filter(|(_, k, _)| key.is_none_or(|want| want == *k))
        .collect();
    let key_name = |k: KeyCode| escape(&k.name());
    let (tw, kw) = shown.iter().fold((0, 0), |(tw, kw), (t, k, _)| {
        (
            tw.max(t.chars().count()),
            kw.max(key_name(*k).chars().count()),
        )
    });
    // The `-r` column exists only when a shown binding repeats.
    let any_repeat = shown.iter().any(|(_, _, b)| b.repeat);
    shown
        .iter()
        .map(|(t, k, b)| {
            let r = if b.repeat {
                "-r "
            } else if any_repeat {
                "   "
            } else {
                ""
            };
            format!(
                "bind-key {r}-T {t:<tw$} {:<kw$} {}",
                key_name(*k),
                print_commands(&b.commands)
            )
        })
        .collect()
}

/// A command list as tmux prints it: words escaped, commands joined by ` \; `.
pub fn print_commands(commands: &[Vec<String>]) -> String {
    print_commands_with(commands, " \\; ")
}

/// A command list with this separator between commands (tmux's cmd_list_print: ` \; ` for
/// list-keys, ` ; ` for `source-file -v`).
pub fn print_commands_with(commands: &[Vec<String>], separator: &str) -> String {
    // A group break (an empty command) doubles the separator's `;` (tmux's `;;`, `\;\;`).
    let group_separator = if separator.contains('\\') {
        separator.replacen("\\;", "\\;\\;", 1)
    } else {
        separator.replacen(';', ";;", 1)
    };
    let mut out = String::new();
    let mut group_break = false;
    for c in commands {
        if c.is_empty() {
            group_break = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if group_break {
                &group_separator
            } else {
                separator
            });
        }
        group_break = false;
        out.push_str(&print_command(c));
    }
    out
}

/// One command the way tmux 3.3a's `args_print` shows it: boolean flags together, then each
/// flag with a value, then the arguments (when the command is in our table; else as given).
fn print_command(words: &[String]) -> String {
    let Some((name, rest)) = words.split_first() else {
        return String::new();
    };
    let spec = tmate_proto::command::find(name).ok();
    let parsed = spec.and_then(|s| crate::cmd::Args::parse(s, rest).ok().map(|a| (s, a)));
    let Some((spec, args)) = parsed else {
        let mut out = vec![name.clone()];
        out.extend(rest.iter().map(|w| print_word(w)));
        return out.join(" ");
    };
    let mut out = vec![spec.name.to_string()];
    let bools: String = args
        .flags
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(c, _)| *c)
        .collect();
    if !bools.is_empty() {
        out.push(format!("-{bools}"));
    }
    for (c, v) in &args.flags {
        if let Some(v) = v {
            out.push(format!("-{c}"));
            out.push(print_word(v));
        }
    }
    out.extend(args.rest.iter().map(|w| print_word(w)));
    out.join(" ")
}

/// One argument as tmux prints it: a `{ ... }` block as a block of its commands (joined by
/// ` ; `, each printed as `list-keys` prints a command), anything else escaped.
fn print_word(word: &str) -> String {
    let Some(inner) = tmate_proto::cmdline::block_text(word) else {
        return escape(word);
    };
    let commands = crate::parse::parse_line_grouped(inner).unwrap_or_default();
    format!("{{ {} }}", print_commands_with(&commands, " ; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The default texts through `bind-key` on a fresh server state, as the server once did
    /// at each start.
    fn parsed_defaults() -> (KeyTables, Notes) {
        let mut state = crate::state::State::default();
        let texts = [
            SERVER_DEFAULTS,
            crate::menu::DEFAULT_BINDINGS,
            crate::copy::keys::DEFAULTS,
            crate::copy::keys::ROOT_DEFAULTS,
        ];
        for (_, line) in texts.iter().flat_map(|d| crate::parse::logical_lines(d)) {
            let cmds = crate::parse::parse_line(&line).unwrap_or_default();
            for words in cmds {
                crate::cmd::bind_default(&mut state, &words);
            }
        }
        (state.keys, state.key_notes)
    }

    /// `bindings_table.rs` as it should be for `keys` and `notes`.
    fn render_table(keys: &KeyTables, notes: &Notes) -> String {
        let mut out = String::from(
            "//! Generated from the default bindings' config texts (see `bindings::default_tables`) by\n\
             //! the test `bindings::tests::default_table_matches_the_config_texts`: the key tables a\n\
             //! server starts with, per table (key code, repeats, commands as words). Do not edit.\n\n\
             /// A key code, whether it repeats, and its commands as words.\n\
             type Binding = (u64, bool, &'static [&'static [&'static str]]);\n\n\
             #[rustfmt::skip]\n\
             pub const TABLE: &[(&str, &[Binding])] = &[\n",
        );
        for (table, bindings) in &keys.tables {
            out.push_str(&format!("    ({table:?}, &[\n"));
            for (key, b) in bindings {
                let commands: Vec<String> = b
                    .commands
                    .iter()
                    .map(|c| {
                        let words: Vec<String> = c.iter().map(|w| format!("{w:?}")).collect();
                        format!("&[{}]", words.join(", "))
                    })
                    .collect();
                out.push_str(&format!(
                    "        // {}\n        ({:#x}, {}, &[{}]),\n",
                    key.name(),
                    key.0,
                    b.repeat,
                    commands.join(", ")
                ));
            }
            out.push_str("    ]),\n");
        }
        out.push_str("];\n\n/// `bind-key -N` notes: table, key code, note.\n#[rustfmt::skip]\npub const NOTES: &[(&str, u64, &str)] = &[\n");
        for ((table, key), note) in notes {
            out.push_str(&format!("    ({table:?}, {:#x}, {note:?}),\n", key.0));
        }
        out.push_str("];\n");
        out
    }

    /// The compiled-in table is what the texts make; when a text changes, the test writes the
    /// new table next to the old one for copying over it.
    #[test]
    fn default_table_matches_the_config_texts() {
        let (parsed, parsed_notes) = parsed_defaults();
        let built = default_tables();
        if built.tables != parsed.tables || default_notes() != parsed_notes {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/bindings_table.rs.new");
            let written = std::fs::write(path, render_table(&parsed, &parsed_notes)).is_ok();
            panic!(
                "bindings_table.rs differs from the default texts; new table written: {written}: \
                 mv {path} src/bindings_table.rs"
            );
        }
        // And the lists users see are the texts' (255 lines, as `tmux -f /dev/null list-keys`).
        assert_eq!(list(&built, None, None), list(&parsed, None, None));
        assert_eq!(list(&built, None, None).len(), 255);
    }
}
