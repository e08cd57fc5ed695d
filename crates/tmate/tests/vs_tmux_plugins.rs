//! Configs laid out as today's theme plugins lay theirs out (catppuccin's `.conf` files, dracula's
//! and tpm's shell scripts), written here in their style, run on tmux 3.3a and ours: files that
//! source their neighbours with `source -F '#{d:current_file}/...'`, `%hidden` variables and
//! `%if` read when each file is parsed, `set -ogq` defaults, and a config's `run` whose script
//! calls the multiplexer back through `$TMUX` with the global environment set before it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test stops on what it did not expect"
)]

mod common;

use common::Mux;

/// A theme in the files-and-`%if` style: the main file sets defaults then sources a module,
/// which decides with `%if` on values set before it was sourced (not before the main file was
/// parsed), using a `%hidden` name from the main file.
fn write_theme(dir: &std::path::Path) {
    let modules = dir.join("theme").join("modules");
    std::fs::create_dir_all(&modules).unwrap();
    std::fs::write(
        dir.join("theme").join("main.conf"),
        r##"%hidden MODULE="cpu"
set -ogq @theme_flavour "night"
set -ogq "@theme_${MODULE}_bg" "#{l:#{cpu_bg}}"
set -ogq @theme_fg "#cdd6f4"
set -ogqF "@theme_${MODULE}_fg" "#{E:@theme_fg}"
source -F "#{d:current_file}/modules/${MODULE}.conf"
source -F "#{d:current_file}/modules/#{@theme_flavour}.conf"
"##,
    )
    .unwrap();
    std::fs::write(
        modules.join("cpu.conf"),
        r##"%if "#{==:#{@theme_${MODULE}_bg},}"
  set -gq @module_bg "default"
%else
  set -gqF @module_bg "#{@theme_${MODULE}_bg}"
%endif
set -gF "@theme_status_${MODULE}" "#[fg=#{@theme_${MODULE}_fg},bg=#{@module_bg}]"
set -ag "@theme_status_${MODULE}" "#{E:@theme_${MODULE}_text}"
set -ogq "@theme_${MODULE}_text" " #{l:#{cpu_percentage}}"
set -ug @module_bg
"##,
    )
    .unwrap();
    std::fs::write(
        modules.join("night.conf"),
        "set -g @theme_night_loaded yes\n",
    )
    .unwrap();
}

#[test]
fn a_theme_made_of_files_loads_as_tmux() {
    let config = "set -g @theme_flavour night\n\
                  source -F '#{d:current_file}/theme/main.conf'\n\
                  set -g status-right '#{E:@theme_status_cpu}'\n";
    let (a, b) = (Mux::tmux(), Mux::tmate());
    write_theme(a.dir.path());
    write_theme(b.dir.path());
    let (a, b) = (a.with_config(config), b.with_config(config));
    common::compare_outcomes_on(
        &a,
        &b,
        &[
            &["new-session", "-d", "-s", "main"],
            // A config error would put the first pane in view mode.
            &["display", "-p", "#{pane_in_mode}"],
            &["show", "-g", "@theme_status_cpu"],
            &["show", "-g", "@theme_cpu_fg"],
            &["show", "-g", "@theme_night_loaded"],
            &["show", "-g", "@module_bg"],
            &["show", "-gv", "status-right"],
            &["display", "-p", "#{E:status-right}"],
            // -o: quiet with -q, an error naming the option as given without it.
            &["set", "-ogq", "@theme_fg", "x"],
            &["set", "-og", "@theme_fg", "x"],
            &["set", "-go", "status-format[0]", "x"],
            &["set", "-go", "status-format[7]", "x"],
            &["set", "-go", "status-format[7]", "y"],
            &["show", "-gv", "status-format[7]"],
            &["show", "-gv", "@theme_fg"],
        ],
    );
}

/// A plugin the way dracula's and tpm's are: a config `run`s a script, whose commands reach
/// the server through `$TMUX` alone (no -S or -L), with the global environment the config set
/// (PATH and a variable), while the rest of the config waits for it.
#[test]
fn a_plugin_script_calls_back_through_tmux_as_tmux() {
    let config = |program: &str, dir: &std::path::Path| {
        let script = dir.join("plugin.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\n\
                 set -e\n\
                 \"{program}\" set -g @plugin_seen \"$PLUGIN_COLOUR\"\n\
                 \"{program}\" set -g status-left \"[$(\"{program}\" show -gv @plugin_prefix)]\"\n\
                 \"{program}\" set -g @plugin_term \"$TERM_PROGRAM\"\n\
                 \"{program}\" set -g @plugin_session \"${{TMUX##*,}}\"\n"
            ),
        )
        .unwrap();
        format!(
            "set-environment -g PLUGIN_COLOUR green\n\
             set -g @plugin_prefix P\n\
             run 'sh {script}'\n\
             set -gF @after '#{{@plugin_seen}}'\n",
            script = script.display()
        )
    };
    let (a, b) = (Mux::tmux(), Mux::tmate());
    let (ta, tb) = (
        config("tmux", a.dir.path()),
        config(env!("CARGO_BIN_EXE_tmate"), b.dir.path()),
    );
    let (a, b) = (a.with_config(&ta), b.with_config(&tb));
    common::compare_outcomes_on(
        &a,
        &b,
        &[
            &["new-session", "-d", "-s", "main"],
            // A config error would put the first pane in view mode.
            &["display", "-p", "#{pane_in_mode}"],
            &["show", "-g", "@plugin_seen"],
            &["show", "-g", "@after"],
            &["show", "-gv", "status-left"],
            // The config's run had no session yet: $TMUX ends in -1; and TERM_PROGRAM is
            // set only once the config has run.
            &["show", "-g", "@plugin_session"],
            &["show", "-g", "@plugin_term"],
            &["setenv", "-g", "PLUGIN_COLOUR", "blue"],
            &["run", "sh plugin.sh"],
            &["show", "-g", "@plugin_seen"],
            &["show", "-g", "@plugin_term"],
            &["show", "-g", "@plugin_session"],
            &[
                "if",
                "test \"$PLUGIN_COLOUR\" = blue",
                "set -g @if yes",
                "set -g @if no",
            ],
            &["show", "-g", "@if"],
            &["if", "-F", "1", "set -g @parsed $PLUGIN_COLOUR"],
            &["show", "-g", "@parsed"],
        ],
    );
}
