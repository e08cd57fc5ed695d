//! `tmate` command line: tmux's global flags (-S, -L, -f, -2, -u, -v, -V, -c), tmate 2.4's
//! (-F foreground, -k api key, -n/-r session names, -a authorized keys), then a command.

use std::path::PathBuf;

fn usage() -> i32 {
    eprintln!(
        "usage: tmate [-2CFlquvV] [-c shell-command] [-f file] [-L socket-name] [-S socket-path] \
         [-k api-key] [-n session-name] [-r session-name-ro] [-a authorized-keys] [command [flags]]"
    );
    1
}

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let mut socket: Option<PathBuf> = None;
    let mut label: Option<String> = None;
    let mut shell_command: Option<String> = None;
    let mut config: Option<PathBuf> = None;
    let mut foreground = false;
    // tmate's CLI options become `set-option NAME VALUE` after the config files (tmux.c
    // tmate_load_cli_options), in this order.
    let mut cli_options: Vec<(&str, String)> = Vec::new();
    while let Some(a) = args.peek().cloned() {
        if a == "--" {
            args.next();
            break;
        }
        let Some(flags) = a.strip_prefix('-').filter(|f| !f.is_empty()) else {
            break;
        };
        args.next();
        let mut chars = flags.chars();
        while let Some(c) = chars.next() {
            match c {
                '2' | 'u' | 'v' | 'l' | 'C' | 'q' | 'D' | 'N' | 'd' => {}
                'F' => foreground = true,
                'V' => {
                    println!("tmate {}", env!("CARGO_PKG_VERSION"));
                    return;
                }
                'S' | 'L' | 'f' | 'c' | 'k' | 'n' | 'r' | 'a' => {
                    let rest: String = chars.by_ref().collect();
                    let value = if rest.is_empty() {
                        args.next()
                    } else {
                        Some(rest)
                    };
                    let Some(value) = value else {
                        std::process::exit(usage())
                    };
                    match c {
                        'S' => socket = Some(PathBuf::from(value)),
                        'L' => label = Some(value),
                        'c' => shell_command = Some(value),
                        'k' => cli_options.push(("tmate-api-key", value)),
                        'n' => cli_options.push(("tmate-session-name", value)),
                        'r' => cli_options.push(("tmate-session-name-ro", value)),
                        'a' => cli_options.push(("tmate-authorized-keys", value)),
                        _ => config = Some(PathBuf::from(value)),
                    }
                }
                _ => std::process::exit(usage()),
            }
        }
    }
    let argv: Vec<String> = args.collect();
    cli_options.sort_by_key(|(name, _)| {
        [
            "tmate-api-key",
            "tmate-session-name",
            "tmate-session-name-ro",
            "tmate-authorized-keys",
        ]
        .iter()
        .position(|n| n == name)
    });
    let mut prefix: Vec<String> = Vec::new();
    for (name, value) in cli_options {
        prefix.extend(["set-option".into(), name.into(), value, ";".into()]);
    }
    if foreground {
        prefix.extend([
            "set-option".into(),
            "tmate-set".into(),
            "foreground=true".into(),
            ";".into(),
        ]);
    }
    if let Some(cmd) = shell_command {
        let err = std::os::unix::process::CommandExt::exec(
            std::process::Command::new("/bin/sh").arg("-c").arg(cmd),
        );
        eprintln!("{err}");
        std::process::exit(1);
    }
    let socket = socket.unwrap_or_else(|| tmate::wire::socket_path(label.as_deref()));
    // One thread, as tmux's server and client: a task woken on another worker (a pane's
    // output waking its client's redraw) cost each keystroke's echo a cross-CPU wake-up,
    // measured at ~50 us of its ~300. The embedded relay runs on threads of its own
    // (`uplink::embedded`).
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let code = if argv.first().map(String::as_str) == Some("__server") {
        runtime.block_on(tmate::client::serve(&socket, config.as_deref()))
    } else if foreground {
        runtime.block_on(tmate::client::foreground(
            &socket,
            prefix,
            argv,
            config.as_deref(),
        ))
    } else {
        runtime.block_on(tmate::client::run_with(
            &socket,
            prefix,
            argv,
            config.as_deref(),
        ))
    };
    // The stdin reader may sit in a blocking read; do not wait for it.
    std::process::exit(code);
}
