//! `tmate` command line: tmux's global flags (-S, -L, -f, -2, -u, -v, -V, -c), tmate 2.4's
//! (-F foreground, -k api key, -n/-r session names, -a authorized keys), then a command.

use std::path::PathBuf;

fn usage() -> i32 {
    eprintln!(
        "usage: tmate [-2CFlquvV] [-c shell-command] [-f file] [-L socket-name] [-S socket-path] \
         [-k api-key] [-n session-name] [-r session-name-ro] [-a authorized-keys]\n             \
         [--share-on ADDR:PORT [--host NAME] [--web-on ADDR:PORT|off]] [command [flags]]"
    );
    1
}

/// Our long options, before tmux's flags: sharing through the built-in relay beyond this
/// machine in one flag. Each becomes a `set-option` of the embedded relay (`uplink::embedded`),
/// applied after the config files like tmate's own CLI options.
#[derive(Default)]
struct ShareOptions {
    /// `--share-on ADDR:PORT`: the built-in relay's SSH listener (`tmate-relay-listen`); the
    /// web viewer listens on the next port unless `--web-on` says otherwise.
    listen: Option<String>,
    /// `--host NAME`: the name viewers type (`tmate-relay-host`).
    host: Option<String>,
    /// `--web-on ADDR:PORT` or `off` (`tmate-relay-web-listen`).
    web: Option<String>,
}

impl ShareOptions {
    /// Take `--share-on`, `--host`, `--web-on` (also as `--flag=value`) from the front of
    /// the arguments; an error names the flag.
    fn take(
        &mut self,
        args: &mut std::iter::Peekable<impl Iterator<Item = String>>,
    ) -> Result<(), String> {
        while let Some(a) = args.peek().cloned() {
            let (name, inline) = match a.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (a.clone(), None),
            };
            let slot = match name.as_str() {
                "--share-on" => &mut self.listen,
                "--host" => &mut self.host,
                "--web-on" => &mut self.web,
                _ => break,
            };
            args.next();
            let value = inline
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))?;
            *slot = Some(value);
        }
        Ok(())
    }

    /// The `set-option` commands for the server, after the config files.
    fn commands(self) -> Result<Vec<String>, String> {
        if self.listen.is_none() && (self.host.is_some() || self.web.is_some()) {
            return Err("--host and --web-on go with --share-on ADDR:PORT".into());
        }
        let Some(listen) = self.listen else {
            return Ok(Vec::new());
        };
        let ssh: std::net::SocketAddr = listen.parse().map_err(|_| {
            format!("--share-on: not an address:port: {listen} (e.g. 0.0.0.0:2222)")
        })?;
        let web = match self.web.as_deref() {
            Some("off") => String::new(),
            Some(web) => {
                web.parse::<std::net::SocketAddr>()
                    .map_err(|_| format!("--web-on: not an address:port or off: {web}"))?;
                web.to_string()
            }
            None => {
                let port = if ssh.port() == 0 {
                    0
                } else {
                    ssh.port().wrapping_add(1)
                };
                std::net::SocketAddr::new(ssh.ip(), port).to_string()
            }
        };
        let mut out = Vec::new();
        let mut set = |name: &str, value: String| {
            out.extend(["set-option".into(), name.into(), value, ";".into()]);
        };
        // An empty server host: the built-in relay, even when a config names another relay.
        set("tmate-server-host", String::new());
        set("tmate-relay-listen", ssh.to_string());
        set("tmate-relay-web-listen", web);
        if let Some(host) = self.host {
            set("tmate-relay-host", host);
        }
        Ok(out)
    }
}

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let mut share = ShareOptions::default();
    let mut socket: Option<PathBuf> = None;
    let mut label: Option<String> = None;
    let mut shell_command: Option<String> = None;
    let mut config: Option<PathBuf> = None;
    let mut foreground = false;
    // tmate's CLI options become `set-option NAME VALUE` after the config files (tmux.c
    // tmate_load_cli_options), in this order.
    let mut cli_options: Vec<(&str, String)> = Vec::new();
    loop {
        if let Err(e) = share.take(&mut args) {
            eprintln!("tmate: {e}");
            std::process::exit(usage());
        }
        let Some(a) = args.peek().cloned() else {
            break;
        };
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
    match share.commands() {
        Ok(commands) => prefix.extend(commands),
        Err(e) => {
            eprintln!("tmate: {e}");
            std::process::exit(usage());
        }
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
    let socket = match socket {
        Some(s) => s,
        None => match tmate::wire::socket_path(label.as_deref()) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        },
    };
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
